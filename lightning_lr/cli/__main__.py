"""``python -m lightning_lr.cli``: the ``lightning-lr`` command, as ``python -m lightning_lr`` is."""

import sys

from . import main

sys.exit(main())
