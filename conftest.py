"""Root conftest: keeps doctests and tests off the GPU and quiet about Lightning's hints."""

import os

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("PL_DISABLE_FORK", "0")
