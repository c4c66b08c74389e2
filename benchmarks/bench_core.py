"""Core per-op costs: small-op latency, a chain of small ops with backward, a big fused op."""

from __future__ import annotations


def small_add(lib):
    a = lib.ones(10)
    b = lib.ones(10)
    return lambda: a + b


def chain_with_backward(lib):
    x = lib.ones(16, requires_grad=True)
    w = lib.full((16,), 0.5, requires_grad=True)

    def run():
        y = x
        for _ in range(10):
            y = (y * w).tanh() + x
        y.sum().backward()
        x.grad = None
        w.grad = None

    return run


def relu_fma_4m(lib):
    n = 4 * 1024 * 1024
    x = lib.rand(n)
    y = lib.rand(n)
    z = lib.rand(n)
    return lambda: (x * y + z).relu()


WORKLOADS = {
    "a + b (10 floats)": small_add,
    "10 small ops + backward": chain_with_backward,
    "relu(x*y+z), 4M floats": relu_fma_4m,
}
