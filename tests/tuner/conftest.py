"""Range-test tests: one torch thread (2 busy cores make OpenMP spin-waits cost 1000x)."""

import torch

torch.set_num_threads(1)
