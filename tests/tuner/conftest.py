"""Range-test tests: one torch thread (2 busy cores make OpenMP spin-waits cost 1000x), helpers on the path."""

import os
import sys

import torch

torch.set_num_threads(1)
sys.path.insert(0, os.path.dirname(__file__))
