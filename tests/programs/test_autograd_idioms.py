"""Manual SGD, in-place on views, indexing, Python/NumPy interop, RNG streams, grad modes, hooks."""

import pytest

from tests.programs._harness import check

PROGRAMS = {}


def program(f):
    PROGRAMS[f.__name__] = f
    return f


@program
def manual_sgd(torch):
    torch.manual_seed(0)
    w = torch.randn(3, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    x = torch.randn(10, 3)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    hist = []
    for _ in range(5):
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= 0.1 * w.grad
            b.sub_(0.1 * b.grad)
            w.grad.zero_()
            b.grad = None
        hist.append(float(loss))
    w.data.clamp_(-1, 1)
    w2 = w.data
    w2[0] = 5.0
    return hist, w, b, w.requires_grad, w2.requires_grad, w.is_leaf, (w * 2).is_leaf


@program
def inplace_views(torch):
    torch.manual_seed(0)
    a = torch.randn(4, 3, requires_grad=True)
    h = a * 2
    h[:, 0] = 0
    h[1] += 1
    h[h > 1] = 1.0
    h.masked_fill_(torch.tensor([True, False, False]), 7.0)
    v = h.view(12)
    v[3:5].mul_(3)
    h.t_() if False else None
    h.sum().backward()
    errs = []
    try:
        a.add_(1)
    except RuntimeError as e:
        errs.append(str(e))
    s = a.sigmoid()
    s.mul_(2)
    try:
        s.sum().backward()
    except RuntimeError as e:
        errs.append(str(e)[:80])
    y = a.exp().sum()
    y.backward()
    try:
        y.backward()
    except RuntimeError as e:
        errs.append(str(e)[:60])
    return h, a.grad, errs, h._version if False else None


@program
def indexing(torch):
    x = torch.arange(24.0).view(4, 6)
    out = [
        x[[0, 2]],
        x[:, [1, 3]],
        x[[0, 1], [2, 3]],
        x[torch.tensor([True, False, True, False])],
        x[..., None].shape,
        x[None, ..., 2],
        x[1:3, ::2],
        x[-1],
        x[x > 20],
        x[torch.tensor([[0, 1], [2, 3]])],
        x[:, torch.tensor([0, 0, 5])],
        x[[[0], [1]], [1, 2]],
    ]
    y = x.clone()
    y[[0, 0, 1], [1, 1, 2]] += 1
    y[torch.tensor([1, 3]), :2] = torch.tensor([[-1.0, -2.0], [-3.0, -4.0]])
    y[y < 3] = 0
    y[:, -1] = torch.arange(4.0)
    y[2] = 9
    z = torch.zeros(5).index_put_(
        (torch.tensor([0, 0, 2]),), torch.tensor([1.0, 2.0, 3.0]), accumulate=True
    )
    out += [
        y,
        z,
        x.index_fill(1, torch.tensor([0, 2]), -1.0),
        x.take(torch.tensor([0, 23])),
        x.masked_scatter(x > 20, torch.ones(10) * -1),
    ]
    return out


@program
def python_interop(torch):
    import math

    import numpy as np

    x = torch.tensor([[1.5, 2.0], [3.0, -4.0]])
    out = [
        float(x[0, 0]),
        int(x[1, 0]),
        bool(x[0, 1] > 1),
        math.sqrt(x[1, 0]),
        list(range(torch.tensor(3))),
        [r.tolist() for r in x],
        len(x),
        x.shape == (2, 2),
        x.size() == torch.Size([2, 2]),
        torch.equal(x, x.clone()),
        torch.allclose(x, x + 1e-9),
        torch.isclose(x, x + 1e-3).tolist(),
        2.0 in x,
        np.array(x).tolist(),
        x.numpy().sum().item(),
        torch.tensor(np.array([1, 2], dtype=np.int32)).dtype,
        torch.from_numpy(np.ones(2)).dtype,
        torch.tensor(np.float32(2.5)).dtype,
        torch.tensor([np.float64(1.0)]).dtype,
        x.max().item(),
        round(x[0, 0].item()),
        f"{x[0, 0]:.2f}",
        f"{x.sum().item():.3f}",
        "%.1f" % x[0, 0],  # noqa: UP031
        x.sum() > 0,
        abs(x).sum(),
        -x,
        x.T.tolist(),
        x.mT.shape,
        x.tolist()[0],
        x.dtype == torch.float32,
        x.is_floating_point(),
        x.long().is_floating_point(),
        x.device.type,
        str(x.device),
        x.element_size(),
        x.nbytes,
        x.itemsize,
    ]
    a, b = x
    out += [a, b]
    n = np.arange(3.0)
    t = torch.from_numpy(n)
    n[0] = 10
    out.append(t)
    out.append(x[0, 0] * np.float32(2))
    out.append(np.float64(2) * x[0])
    out.append(torch.tensor([1, 2]) + np.int64(3))
    return out


@program
def rng(torch):
    torch.manual_seed(123)
    g = torch.Generator().manual_seed(7)
    out = [
        torch.randperm(10),
        torch.randint(0, 10, (5,), generator=g),
        torch.rand(3, generator=g),
        torch.randn(2, 2, dtype=torch.float64),
        torch.bernoulli(torch.full((6,), 0.5)),
        torch.empty(4).normal_(2, 3),
        torch.empty(4).uniform_(-1, 1),
        torch.empty(4).exponential_(),
        torch.empty(3, dtype=torch.long).random_(0, 5),
        torch.normal(torch.zeros(3), torch.ones(3)),
        torch.randint_like(torch.zeros(3), 10),
        torch.rand_like(torch.zeros(2, dtype=torch.float64)),
        torch.empty(5).geometric_(0.3),
        torch.empty(3).log_normal_(),
        torch.poisson(torch.ones(4) * 3),
    ]
    st = torch.get_rng_state()
    a = torch.rand(3)
    torch.set_rng_state(st)
    out += [
        a,
        torch.rand(3),
        torch.initial_seed(),
        torch.nn.functional.dropout(torch.ones(8), 0.5),
        torch.nn.Dropout(0.3)(torch.ones(2, 5)),
    ]
    return out


@program
def grad_modes(torch):
    x = torch.ones(2, requires_grad=True)

    @torch.no_grad()
    def f(t):
        return t * 2

    with torch.inference_mode():
        y = x * 3
    with torch.set_grad_enabled(False):
        z = x * 4
    with torch.no_grad():
        with torch.enable_grad():
            w = x * 5
    return (
        f(x).requires_grad,
        y.requires_grad,
        z.requires_grad,
        w.requires_grad,
        torch.is_grad_enabled(),
    )


@program
def retain_and_hooks(torch):
    x = (
        torch.randn(3, requires_grad=True)
        if False
        else torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    )
    y = x * 2
    y.retain_grad()
    z = y.relu()
    z.register_hook(lambda g: g * 10)
    q = (z**2).sum()
    q.backward(retain_graph=True)
    g1 = x.grad.clone()
    q.backward()
    jac = torch.autograd.functional.jacobian(lambda t: t.sin() * t, x)
    hess = torch.autograd.functional.hessian(lambda t: (t**3).sum(), x)
    return y.grad, g1, x.grad, jac, hess


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_program(name):
    check(PROGRAMS[name])
