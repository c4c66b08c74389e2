"""autograd.Function, gradcheck and autograd.functional against torch."""

from __future__ import annotations

import numpy as np
import pytest

import ember

from ..util import assert_same, make_pair, torch


def make_relu(lib):
    class MyReLU(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.clamp(min=0)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * (x > 0)

    return MyReLU


def test_custom_function_matches_torch():
    rng = np.random.default_rng(0)
    e, t = make_pair((4, 5), "float64", rng, requires_grad=True)
    ey = make_relu(ember).apply(e)
    ty = make_relu(torch).apply(t)
    assert_same(ey, ty)
    assert ey.grad_fn.name() == "MyReLUBackward"
    (ey * ey).sum().backward()
    (ty * ty).sum().backward()
    assert_same(e.grad, t.grad)


def test_custom_function_ctx_api():
    class Scale(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.k = k
            assert ctx.needs_input_grad == (True, False)
            idx = ember.tensor([1])
            ctx.mark_non_differentiable(idx)
            return x * k, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            return g * ctx.k, None

    x = ember.ones(3, requires_grad=True)
    y, idx = Scale.apply(x, 3.0)
    assert not idx.requires_grad
    y.sum().backward()
    assert_same(x.grad, torch.full((3,), 3.0))


def test_custom_function_wrong_gradient_count():
    class Bad(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return (g,)

    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        Bad.apply(x, x).sum().backward()


def test_setup_context_style():
    class Mul(ember.autograd.Function):
        @staticmethod
        def forward(x, y):
            return x * y

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(*inputs)

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            return g * y, g * x

    x = ember.tensor([2.0], requires_grad=True)
    y = ember.tensor([3.0], requires_grad=True)
    Mul.apply(x, y).backward()
    assert x.grad.item() == 3.0 and y.grad.item() == 2.0


def test_gradcheck_passes_and_catches_wrong_gradient():
    x = ember.tensor(np.random.default_rng(0).random(4), requires_grad=True)
    assert ember.autograd.gradcheck(lambda a: (a.sin() * a).sum(), (x,))
    assert ember.autograd.gradgradcheck(lambda a: a.sin() * a, (x,))

    class Wrong(ember.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 3

    with pytest.raises(ember.autograd.GradcheckError):
        ember.autograd.gradcheck(Wrong.apply, (x,))
    assert not ember.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False)


def test_functional_jacobian_hessian_vjp_jvp():
    def f(lib, x):
        return (x * x).sin()

    def g(lib, x):
        return (x.pow(3) * x.cos()).sum()

    rng = np.random.default_rng(3)
    e, t = make_pair((3,), "float64", rng)
    assert_same(
        ember.autograd.functional.jacobian(lambda x: f(ember, x), e),
        torch.autograd.functional.jacobian(lambda x: f(torch, x), t),
    )
    assert_same(
        ember.autograd.functional.hessian(lambda x: g(ember, x), e),
        torch.autograd.functional.hessian(lambda x: g(torch, x), t),
    )
    ve, vt = make_pair((3,), "float64", rng)
    assert_same(
        ember.autograd.functional.vjp(lambda x: f(ember, x), e, ve)[1],
        torch.autograd.functional.vjp(lambda x: f(torch, x), t, vt)[1],
    )
    assert_same(
        ember.autograd.functional.jvp(lambda x: f(ember, x), e, ve)[1],
        torch.autograd.functional.jvp(lambda x: f(torch, x), t, vt)[1],
    )


def test_variable_alias():
    v = ember.autograd.Variable(ember.ones(2))
    assert isinstance(v, ember.Tensor)
