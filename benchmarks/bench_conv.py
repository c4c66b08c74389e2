"""Conv speed: ember vs torch in one process, forward + backward, printed as ratios.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/bench_conv.py [--threads N]

Two workloads: the LeNet-style net of PyTorch's MNIST example (conv 1->32->64,
3x3, batch 64, 28x28, max-pool, linear) and a small ResNet basic block (two 3x3
convs with batch norm, 64 channels, 32x32, batch 16). Both frameworks get the
same weights and inputs. The two frameworks run in turn, round after round, and the best
(``--stat min``, the default) or median time of each is reported: on a shared, noisy machine
the best of several rounds is the steadiest estimate of the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402


def _times(fns, reps, stat):
    """Per-function time over ``reps`` rounds; within a round the functions run in turn, so
    load from other processes hits both frameworks alike. ``stat``: min (best) or median."""
    for fn in fns:
        fn()
    times = [[] for _ in fns]
    for _ in range(reps):
        for fn, ts in zip(fns, times):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    pick = min if stat == "min" else statistics.median
    return [pick(ts) for ts in times]


def lenet(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, 3, 1)
            self.conv2 = nn.Conv2d(32, 64, 3, 1)
            self.fc = nn.Linear(9216, 10)

        def forward(self, x):
            x = lib.relu(self.conv1(x))
            x = lib.relu(self.conv2(x))
            x = nn.functional.max_pool2d(x, 2)
            return self.fc(lib.flatten(x, 1))

    return Net()


def resblock(lib):
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self, c=64):
            super().__init__()
            self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(c)
            self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(c)

        def forward(self, x):
            out = lib.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return lib.relu(out + x)

    return Block()


def run(name, make, shape, reps, stat):
    import torch

    import ember

    torch.manual_seed(0)
    tm = make(torch)
    em = make(ember)
    em.load_state_dict({k: ember.from_numpy(v.detach().numpy().copy())
                        for k, v in tm.state_dict().items()})  # fmt: skip
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    tx, ex = torch.from_numpy(x), ember.from_numpy(x)

    def step(model, inp):
        def f():
            model.zero_grad()
            model(inp).sum().backward()

        return f

    def fwd(model, inp, lib):
        def f():
            with lib.no_grad():
                model(inp)

        return f

    out_t = tm(tx).detach().numpy()
    out_e = em(ex).detach().numpy()
    err = float(np.abs(out_t - out_e).max())
    tf, ef = _times([fwd(tm, tx, torch), fwd(em, ex, ember)], reps, stat)
    tb, eb = _times([step(tm, tx), step(em, ex)], reps, stat)
    print(f"{name:<34} forward      torch {tf * 1e3:8.2f} ms  ember {ef * 1e3:8.2f} ms  "
          f"ember/torch {ef / tf:5.2f}")  # fmt: skip
    print(f"{'':<34} fwd+backward torch {tb * 1e3:8.2f} ms  ember {eb * 1e3:8.2f} ms  "
          f"ember/torch {eb / tb:5.2f}   (max |diff| {err:.1e})")  # fmt: skip


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--stat", choices=("min", "median"), default="min")
    args = ap.parse_args()
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
        try:
            from threadpoolctl import threadpool_limits

            threadpool_limits(args.threads)
        except ImportError:
            pass
    print(f"torch threads: {torch.get_num_threads()}")
    run("LeNet (1->32->64, 3x3, 64x1x28x28)", lenet, (64, 1, 28, 28), args.reps, args.stat)
    run("ResNet block (64ch, 16x64x32x32)", resblock, (16, 64, 32, 32), args.reps, args.stat)


if __name__ == "__main__":
    main()
