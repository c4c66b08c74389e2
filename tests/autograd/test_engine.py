"""The backward engine against torch: backward/grad arguments, graph freeing, hooks, modes."""

from __future__ import annotations

import numpy as np
import pytest

import ember

from ..util import assert_same, make_pair, torch


def both(fn, *shapes, dtype="float64", seed=0):
    """Run ``fn(lib, *leaves)`` on ember and torch with equal leaves; return both leaf lists."""
    rng = np.random.default_rng(seed)
    pairs = [make_pair(s, dtype, rng, requires_grad=True) for s in shapes]
    e = [p[0] for p in pairs]
    t = [p[1] for p in pairs]
    return fn(ember, *e), fn(torch, *t), e, t


def test_backward_accumulates_into_leaves():
    def f(lib, x, y):
        z = (x * y + x.exp()).sum()
        z.backward()
        (x * 2).sum().backward()
        return z

    ez, tz, e, t = both(f, (3, 4), (3, 4))
    assert_same(ez, tz)
    for a, b in zip(e, t):
        assert_same(a.grad, b.grad)


def test_backward_with_gradient_argument_and_broadcast():
    def f(lib, x, y):
        z = x * y  # (3, 4) * (4,)
        g = lib.ones(3, 4, dtype=lib.float64) * 0.5
        z.backward(g)
        return z

    ez, tz, e, t = both(f, (3, 4), (4,))
    for a, b in zip(e, t):
        assert_same(a.grad, b.grad)


def test_second_backward_raises_after_free():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    ty = (tx * tx).sum()
    ty.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        ty.backward()


def test_retain_graph_allows_second_backward():
    def f(lib, x):
        y = (x.sin() * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        return y

    ez, tz, e, t = both(f, (5,))
    assert_same(e[0].grad, t[0].grad)


def test_nonscalar_backward_without_gradient_raises_like_torch():
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="implicitly created only for scalar"):
        (x * 2).backward()


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ember.ones(2).sum().backward()


def test_autograd_grad_and_allow_unused():
    def f(lib, x, y, z):
        out = (x * y).sum()
        gx, gz = lib.autograd.grad(out, [x, z], allow_unused=True, retain_graph=True)
        with pytest.raises(RuntimeError):
            lib.autograd.grad(out, [x, z])
        return gx, gz

    (egx, egz), (tgx, tgz), e, t = both(f, (3,), (3,), (2,))
    assert_same(egx, tgx)
    assert egz is None and tgz is None
    assert e[0].grad is None  # grad() does not accumulate


def test_autograd_grad_materialize_grads():
    x = ember.ones(2, requires_grad=True)
    z = ember.ones(2, requires_grad=True)
    (gz,) = ember.autograd.grad((x * 2).sum(), [z], materialize_grads=True)
    assert_same(gz, torch.zeros(2))


def test_create_graph_hessian_matches_torch():
    rng = np.random.default_rng(0)
    e, t = make_pair((4,), "float64", rng, requires_grad=True)

    def rows(lib, x):
        y = (x.pow(3) * x.sin()).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        return [lib.autograd.grad(g[i : i + 1].sum(), x, retain_graph=True)[0] for i in range(4)]

    for a, b in zip(rows(ember, e), rows(torch, t)):
        assert_same(a, b)


def test_double_backward_through_backward_accumulates():
    def f(lib, x):
        y = (x * x * x).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        g.sum().backward()
        return g

    eg, tg, e, t = both(f, (3,))
    assert_same(eg, tg)
    assert_same(e[0].grad, t[0].grad)


def test_backward_inputs_argument():
    def f(lib, x, y):
        z = (x * y).sum()
        z.backward(inputs=[x])
        return z

    _, _, e, t = both(f, (3,), (3,))
    assert_same(e[0].grad, t[0].grad)
    assert e[1].grad is None and t[1].grad is None


def test_tensor_hooks_modify_gradients():
    def f(lib, x):
        y = x * 2
        y.register_hook(lambda g: g * 3)
        x.register_hook(lambda g: g + 1)
        y.sum().backward()
        return y

    _, _, e, t = both(f, (4,))
    assert_same(e[0].grad, t[0].grad)


def test_retain_grad_on_nonleaf():
    def f(lib, x):
        y = x * 2
        y.retain_grad()
        z = (y * y).sum()
        z.backward()
        return y

    ey, ty, e, t = both(f, (3,))
    assert ey.retains_grad and ty.retains_grad
    assert_same(ey.grad, ty.grad)


def test_nonleaf_grad_is_none_without_retain():
    x = ember.ones(2, requires_grad=True)
    y = x * 2
    y.sum().backward()
    assert y.grad is None and not y.is_leaf


def test_post_accumulate_grad_hook():
    seen = []
    x = ember.ones(3, requires_grad=True)
    x.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.sum().item()))
    (x * 2).sum().backward()
    assert seen == [6.0]


def test_no_grad_enable_grad_and_decorators():
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        assert not (x * 2).requires_grad
        with ember.enable_grad():
            assert (x * 2).requires_grad

    @ember.no_grad()
    def f():
        return x * 2

    assert not f().requires_grad
    ember.set_grad_enabled(False)
    assert not ember.is_grad_enabled()
    ember.set_grad_enabled(True)
    with ember.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert ember.is_grad_enabled()
    with ember.inference_mode():
        assert not (x * 2).requires_grad
        assert ember.is_inference_mode_enabled()


def test_requires_grad_rules():
    with pytest.raises(RuntimeError, match="floating point"):
        ember.ones(2, dtype=ember.int64).requires_grad_()
    x = ember.ones(2, requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="leaf variables"):
        y.requires_grad = False
    assert y.detach().requires_grad is False
    assert y.grad_fn.name() == "MulBackward0"
    assert repr(y.grad_fn).startswith("<MulBackward0 object at 0x")


def test_inplace_on_leaf_requiring_grad_raises():
    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.add_(1)
    with ember.no_grad():
        x.add_(1)
    assert_same(x.detach(), torch.full((2,), 2.0))


def test_modified_saved_tensor_raises_version_error():
    for lib in (ember, torch):
        x = lib.ones(3, requires_grad=True)
        y = x.exp()
        z = y * 2
        y.add_(1)  # exp saved its output
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward() if lib is torch else (y.sum() * 0 + (z * 0).sum()).backward()


def test_version_counter_shared_by_views():
    x = ember.zeros(4)
    v = x.view(2, 2)
    assert x._version == v._version == 0
    v.add_(1)
    assert x._version == 1 and v._version == 1
    tx = torch.zeros(4)
    tv = tx.view(2, 2)
    tv.add_(1)
    assert tx._version == x._version


def test_inplace_on_nonleaf_gradients_match():
    def f(lib, x, w):
        y = x * w
        y.mul_(2)
        y.add_(w)
        y.sigmoid_() if hasattr(y, "sigmoid_") else None
        y.sum().backward()
        return y

    ey, ty, e, t = both(f, (3, 4), (4,))
    assert_same(ey, ty)
    for a, b in zip(e, t):
        assert_same(a.grad, b.grad)


def test_inplace_on_view_of_nonleaf_copyslices():
    def f(lib, x, w):
        y = x * 1
        v = y.view(12)
        v.mul_(w.view(12))
        (y * y).sum().backward()
        return y

    ey, ty, e, t = both(f, (3, 4), (3, 4))
    assert_same(ey, ty)
    assert ey.grad_fn.name() == ty.grad_fn.name() == "torch::autograd::CopySlices"
    for a, b in zip(e, t):
        assert_same(a.grad, b.grad)


def test_grad_setter_checks():
    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="different size"):
        x.grad = ember.ones(3)
    with pytest.raises(RuntimeError, match="different type"):
        x.grad = ember.ones(2, dtype=ember.float64)


def test_detect_anomaly_reports_nan():
    x = ember.tensor([0.0], requires_grad=True)
    with pytest.warns(UserWarning):
        ctx = ember.autograd.detect_anomaly()
    with ctx:
        y = x.sqrt() * 0  # sqrt'(0) = inf, inf * 0 = nan
        with pytest.raises(RuntimeError, match="returned nan values"):
            y.sum().backward()


def test_next_functions_and_accumulate_grad():
    x = ember.ones(2, requires_grad=True)
    y = x * 2
    (fn, nr), _ = y.grad_fn.next_functions
    assert fn.name() == "torch::autograd::AccumulateGrad" and fn.variable is x


def test_dtype_of_gradient_matches_input():
    def f(lib, x):
        y = x.to(lib.float64) * 3
        y.sum().backward()
        return y

    _, _, e, t = both(f, (3,), dtype="float32")
    assert_same(e[0].grad, t[0].grad)


def test_gradient_of_relu_stays_connected_under_create_graph():
    """A gradient penalty through ReLU reaches a bias that only feeds the ReLU (zeros, not None)."""
    for lib in (ember, torch):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        b = lib.tensor([0.5], requires_grad=True)
        (g,) = lib.autograd.grad(lib.relu(x * 2 + b).sum(), x, create_graph=True)
        assert g.requires_grad
        g.pow(2).sum().backward()
        assert b.grad is not None and b.grad.tolist() == [0.0]
