"""Convolutions against torch: values, input/weight/bias gradients, gradcheck, double backward,
modules with torch's weights, errors."""

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn.functional as F

from ..util import from_torch, torch

TF = torch.nn.functional if torch else None


def _pair(rng, shape, dtype="float64"):
    a = rng.standard_normal(shape).astype(dtype)
    return ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def check_fn(efn, tfn, shapes, kw, dtype="float64", tol=1e-10):
    rng = np.random.default_rng(len(shapes) + sum(map(sum, shapes)))
    pairs = [_pair(rng, s, dtype) for s in shapes]
    ey = efn(*[p[0] for p in pairs], **kw)
    ty = tfn(*[p[1] for p in pairs], **kw)
    assert tuple(ey.shape) == tuple(ty.shape)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), atol=tol, rtol=tol)
    g = rng.standard_normal(tuple(ty.shape)).astype(dtype)
    ey.backward(ember.tensor(g))
    ty.backward(torch.tensor(g))
    for i, (e, t) in enumerate(pairs):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), atol=tol * 10, rtol=tol * 10,
                                   err_msg=f"grad {i}")  # fmt: skip


CONV = [
    (2, (2, 4, 7, 6), (6, 2, 3, 2), dict(stride=(2, 1), padding=1, dilation=(1, 2), groups=2)),
    (1, (2, 3, 9), (4, 3, 3), dict(padding="same", dilation=2)),
    (2, (2, 3, 9, 8), (4, 3, 4, 3), dict(padding="same")),
    (2, (1, 3, 6, 6), (4, 3, 3, 3), dict(padding="valid", stride=3)),
    (3, (1, 2, 5, 6, 5), (4, 1, 2, 3, 2), dict(stride=2, groups=2, padding=(1, 0, 1))),
    (2, (3, 5, 5), (2, 3, 2, 2), dict()),  # unbatched
    (2, (2, 4, 5, 5), (4, 1, 3, 3), dict(groups=4, padding=1)),  # depthwise
]


@pytest.mark.parametrize("nd,xs,ws,kw", CONV)
@pytest.mark.parametrize("bias", [True, False])
def test_conv_matches_torch(nd, xs, ws, kw, bias):
    shapes = [xs, ws] + ([(ws[0],)] if bias else [])
    check_fn(getattr(F, f"conv{nd}d"), getattr(TF, f"conv{nd}d"), shapes, kw)


CONVT = [
    (
        2,
        (2, 4, 5, 4),
        (4, 3, 3, 2),
        dict(stride=(2, 3), padding=1, output_padding=(1, 2), groups=2),
    ),  # fmt: skip
    (1, (2, 3, 5), (3, 2, 3), dict(stride=3, dilation=2, output_padding=1, padding=2)),
    (3, (1, 2, 3, 3, 2), (2, 2, 2, 3, 2), dict(stride=2)),
    (2, (3, 4, 4), (3, 2, 3, 3), dict(stride=2, padding=1)),
]


@pytest.mark.parametrize("nd,xs,ws,kw", CONVT)
def test_conv_transpose_matches_torch(nd, xs, ws, kw):
    shapes = [xs, ws, (ws[1] * kw.get("groups", 1),)]
    check_fn(getattr(F, f"conv_transpose{nd}d"), getattr(TF, f"conv_transpose{nd}d"), shapes, kw)


def test_conv_float32_matches_torch():
    check_fn(F.conv2d, TF.conv2d, [(4, 3, 10, 10), (8, 3, 3, 3), (8,)], dict(padding=1),
             dtype="float32", tol=1e-5)  # fmt: skip


def test_conv_gradcheck_and_double_backward():
    rng = np.random.default_rng(0)
    x = ember.tensor(rng.standard_normal((1, 2, 5, 4)), requires_grad=True)
    w = ember.tensor(rng.standard_normal((2, 1, 3, 2)), requires_grad=True)
    b = ember.tensor(rng.standard_normal(2), requires_grad=True)
    fns = [
        lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=2),
        lambda x, w, b: F.conv_transpose2d(
            x, w, b, stride=2, padding=1, output_padding=1, groups=2
        ),  # fmt: skip
    ]
    for fn in fns:
        assert ember.autograd.gradcheck(fn, (x, w, b))
        assert ember.autograd.gradgradcheck(fn, (x, w, b))


def test_conv_double_backward_matches_torch():
    rng = np.random.default_rng(1)
    (ex, tx), (ew, tw) = _pair(rng, (2, 3, 6, 5)), _pair(rng, (4, 3, 3, 3))
    eg = ember.autograd.grad(F.conv2d(ex, ew, stride=2).pow(2).sum(), ex, create_graph=True)[0]
    tg = torch.autograd.grad(TF.conv2d(tx, tw, stride=2).pow(2).sum(), tx, create_graph=True)[0]
    eg.pow(2).sum().backward()
    tg.pow(2).sum().backward()
    np.testing.assert_allclose(ew.grad.numpy(), tw.grad.numpy(), rtol=1e-9)


MODULES = [
    ("Conv1d", (3, 4, 3), dict(stride=2, padding_mode="circular", padding=1), (2, 3, 9)),
    ("Conv2d", (3, 8, 3), dict(stride=2, padding=1, padding_mode="reflect"), (2, 3, 9, 9)),
    (
        "Conv2d",
        (4, 4, (3, 2)),
        dict(padding="same", groups=2, bias=False, padding_mode="replicate"),
        (2, 4, 6, 6),
    ),  # fmt: skip
    ("Conv3d", (2, 3, 2), dict(dilation=2), (1, 2, 6, 5, 5)),
    ("ConvTranspose1d", (3, 2, 3), dict(stride=2), (2, 3, 5)),
    ("ConvTranspose2d", (4, 6, 3), dict(stride=2, groups=2, output_padding=1), (2, 4, 5, 5)),
    ("ConvTranspose3d", (2, 2, 2), dict(stride=2, padding=1), (1, 2, 3, 3, 3)),
]


@pytest.mark.parametrize("name,args,kw,shape", MODULES)
def test_conv_module_matches_torch(name, args, kw, shape):
    torch.manual_seed(0)
    ember.manual_seed(0)
    tm = getattr(torch.nn, name)(*args, **kw)
    em = getattr(ember.nn, name)(*args, **kw)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    for k, v in tm.state_dict().items():  # seeded init draws the same numbers
        np.testing.assert_allclose(em.state_dict()[k].numpy(), v.numpy(), rtol=1e-6)
    em.load_state_dict({k: from_torch(v) for k, v in tm.state_dict().items()})
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ey, ty = em(ex), tm(tx)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), atol=1e-5, rtol=1e-5)
    (ey * ey).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), atol=1e-4, rtol=1e-4)
    for (n, p), (_, q) in zip(em.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), atol=1e-3, rtol=1e-4,
                                   err_msg=n)  # fmt: skip


def test_conv_transpose_output_size():
    torch.manual_seed(0)
    ember.manual_seed(0)
    tm = torch.nn.ConvTranspose2d(2, 3, 3, stride=2)
    em = ember.nn.ConvTranspose2d(2, 3, 3, stride=2)
    em.load_state_dict({k: from_torch(v) for k, v in tm.state_dict().items()})
    x = np.ones((1, 2, 4, 4), np.float32)
    ey = em(ember.tensor(x), output_size=[10, 10])
    ty = tm(torch.tensor(x), output_size=[10, 10])
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), atol=1e-5)


ERRORS = [
    ("conv2d", [(2, 3), (4, 3, 3, 3)], {}),  # wrong input dims
    ("conv2d", [(1, 2, 5, 5), (4, 3, 3, 3)], {}),  # channel mismatch
    ("conv2d", [(1, 3, 2, 2), (4, 3, 3, 3)], {}),  # kernel larger than input
    ("conv2d", [(1, 3, 5, 5), (4, 3, 3, 3)], dict(padding="same", stride=2)),
    ("conv2d", [(1, 3, 5, 5), (4, 3, 3, 3)], dict(padding="full")),
    ("conv2d", [(1, 4, 5, 5), (3, 2, 3, 3)], dict(groups=2)),
    ("conv1d", [(1, 3, 5, 5), (4, 3, 3)], {}),
    ("conv_transpose2d", [(1, 3, 5, 5), (4, 3, 3, 3)], {}),
    ("conv_transpose2d", [(1, 3, 5, 5), (3, 3, 3, 3)], dict(stride=2, output_padding=2)),
]


@pytest.mark.parametrize("name,shapes,kw", ERRORS)
def test_conv_errors_match_torch(name, shapes, kw):
    ea = [ember.zeros(s) for s in shapes]
    ta = [torch.zeros(s) for s in shapes]
    with pytest.raises(Exception) as texc:
        getattr(TF, name)(*ta, **kw)
    with pytest.raises(type(texc.value)):
        getattr(F, name)(*ea, **kw)


def test_conv_dtype_mismatch_raises():
    with pytest.raises(RuntimeError):
        TF.conv2d(torch.zeros(1, 1, 3, 3), torch.zeros(1, 1, 2, 2, dtype=torch.float64))
    with pytest.raises(RuntimeError):
        F.conv2d(ember.zeros(1, 1, 3, 3), ember.zeros(1, 1, 2, 2, dtype=ember.float64))
