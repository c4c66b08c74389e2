"""Time a workload in ember and torch in one process and print the ratio ember / torch.

A workload is a function ``make(lib) -> callable``: it builds its inputs with
``lib`` (ember or torch) and returns the function to time. Timing takes the
best of several repeats of many calls, after a warm-up.
"""

from __future__ import annotations

import time


def timeit(fn, min_time=0.2, repeats=5):
    fn()
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= min_time / repeats or n >= 1 << 20:
            break
        n *= 2
    best = dt / n
    for _ in range(repeats - 1):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t0) / n)
    return best


def fmt(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:9.2f} us"
    if seconds < 1:
        return f"{seconds * 1e3:9.2f} ms"
    return f"{seconds:9.2f} s "


def compare(name, make, min_time=0.2):
    import torch

    import ember

    te = timeit(make(ember), min_time)
    tt = timeit(make(torch), min_time)
    print(f"{name:<40s} ember {fmt(te)}   torch {fmt(tt)}   ratio {te / tt:7.2f}")
    return te / tt
