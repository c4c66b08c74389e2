"""DataLoader throughput: worker scaling on a dataset with real per-item work, and one epoch
of a 60000x784 TensorDataset at batch 128, ember against torch (``python -m benchmarks data``)."""

from __future__ import annotations

import time

import numpy as np


class WorkDataset:
    """96 items; each ``__getitem__`` does about 2 ms of NumPy work (a small decode/augment)."""

    def __init__(self, lib, n=96):
        self.lib, self.n = lib, n
        self.img = np.random.default_rng(0).random((64, 64), dtype=np.float32)

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        end = time.perf_counter() + 0.002
        x = self.img
        while time.perf_counter() < end:
            x = np.tanh(x[::-1] * 0.5 + 0.1)
        return self.lib.from_numpy(np.ascontiguousarray(x)), i


def work_epoch(workers):
    def make(lib):
        ds = WorkDataset(lib)

        def run():
            for _ in lib.utils.data.DataLoader(ds, batch_size=8, num_workers=workers):
                pass

        return run

    return make


def mnist_epoch(lib):
    g = np.random.default_rng(0)
    x = lib.from_numpy(g.random((60000, 784), dtype=np.float32))
    y = lib.from_numpy(g.integers(0, 10, 60000))
    ds = lib.utils.data.TensorDataset(x, y)

    def run():
        for _ in lib.utils.data.DataLoader(ds, batch_size=128, shuffle=True):
            pass

    return run


def mnist_epoch_2_workers(lib):
    g = np.random.default_rng(0)
    x = lib.from_numpy(g.random((60000, 784), dtype=np.float32))
    y = lib.from_numpy(g.integers(0, 10, 60000))
    ds = lib.utils.data.TensorDataset(x, y)

    def run():
        for _ in lib.utils.data.DataLoader(ds, batch_size=128, shuffle=True, num_workers=2):
            pass

    return run


WORKLOADS = {
    "2ms items x96, batch 8, 0 workers": work_epoch(0),
    "2ms items x96, batch 8, 1 worker": work_epoch(1),
    "2ms items x96, batch 8, 2 workers": work_epoch(2),
    "TensorDataset 60000x784 b128 epoch": mnist_epoch,
    "TensorDataset 60000x784 b128 epoch, 2 w": mnist_epoch_2_workers,
}


def main():
    """Worker scaling within each library, then the ratios to torch."""
    import torch

    import ember

    from .runner import compare, fmt, timeit

    for lib in (ember, torch):
        base = timeit(work_epoch(0)(lib), 0.5, 3)
        for w in (1, 2):
            t = timeit(work_epoch(w)(lib), 0.5, 3)
            print(f"{lib.__name__:<6s} 2ms items: {w} worker(s) {fmt(t)}  x{base / t:5.2f}")
    for name, make in WORKLOADS.items():
        compare(name, make, 0.5)


if __name__ == "__main__":
    main()
