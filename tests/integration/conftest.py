"""Integration tests of the range test with the schedule callbacks: seeded RNGs (the range test's curve depends
on the initial weights), and no test may leave a file in the working directory. (One torch thread: the root
conftest.)"""

import os
import random

import numpy as np
import pytest
import torch


@pytest.fixture(autouse=True)
def _nothing_left_in_cwd():
    before = set(os.listdir(os.getcwd()))
    yield
    left = set(os.listdir(os.getcwd())) - before
    assert not left, f"the test left {sorted(left)} in {os.getcwd()}"


@pytest.fixture(autouse=True)
def _seeded():
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
