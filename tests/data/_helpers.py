"""Datasets used by the DataLoader tests, shared by ember and torch (no torch import here)."""

import os
import random
import signal
import time

import numpy as np


class Squares:
    """Map-style dataset of ints; optional failure/kill/sleep at one index."""

    def __init__(self, n, fail_at=None, kill_at=None, sleep_at=None):
        self.n, self.fail_at, self.kill_at, self.sleep_at = n, fail_at, kill_at, sleep_at

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.fail_at:
            raise ValueError(f"bad index {i}")
        if i == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        if i == self.sleep_at:
            time.sleep(1.5)
        return i * i


class SeedReport:
    """Each sample reports the worker's random states."""

    def __init__(self, lib, n=4):
        self.lib, self.n = lib, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        info = self.lib.utils.data.get_worker_info()
        return (
            info.id,
            info.seed,
            self.lib.initial_seed(),
            random.random(),
            float(np.random.rand()),
            float(self.lib.rand(1).item()),
        )


def make_range_iterable(lib):
    class RangeIterable(lib.utils.data.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            info = lib.utils.data.get_worker_info()
            if info is None:
                return iter(range(self.n))
            return iter(range(info.id, self.n, info.num_workers))

    return RangeIterable
