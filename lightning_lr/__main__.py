"""``python -m lightning_lr``: the ``lightning-lr`` command."""

import sys

from .cli import main

sys.exit(main())
