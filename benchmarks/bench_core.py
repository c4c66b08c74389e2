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


def small_mul_scalar(lib):
    a = lib.ones(10)
    return lambda: a * 2.0


def small_sum(lib):
    a = lib.ones(10)
    return lambda: a.sum()


def small_view(lib):
    a = lib.ones(10)
    return lambda: a.view(2, 5)


def small_index(lib):
    a = lib.ones(10)
    return lambda: a[1]


def small_mul_grad(lib):
    x = lib.ones(10, requires_grad=True)
    return lambda: x * x


def matmul_32(lib):
    a = lib.ones(32, 32)
    b = lib.ones(32, 32)
    return lambda: a @ b


def linear_64(lib):
    lib.manual_seed(0)
    layer = lib.nn.Linear(64, 64)
    x = lib.ones(8, 64)
    return lambda: layer(x)


def mlp_train_step(lib):
    """One SGD step of a 32-64-10 MLP on a batch of 16 (forward, loss, backward, update)."""
    lib.manual_seed(0)
    nn = lib.nn
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 10))
    opt = lib.optim.SGD(model.parameters(), lr=0.01)
    x = lib.randn(16, 32)
    y = lib.randint(0, 10, (16,))
    loss_fn = nn.CrossEntropyLoss()

    def run():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    return run


WORKLOADS = {
    "a + b (10 floats)": small_add,
    "a * 2.0 (10 floats)": small_mul_scalar,
    "a.sum() (10 floats)": small_sum,
    "a.view(2, 5)": small_view,
    "a[1]": small_index,
    "x * x, requires_grad (10 floats)": small_mul_grad,
    "matmul 32x32": matmul_32,
    "Linear(64, 64) forward, batch 8": linear_64,
    "MLP 32-64-10 SGD step, batch 16": mlp_train_step,
    "10 small ops + backward": chain_with_backward,
    "relu(x*y+z), 4M floats": relu_fma_4m,
}
