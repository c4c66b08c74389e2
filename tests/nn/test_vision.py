"""Padding, interpolation, grid sampling, fold/unfold and shuffles against torch."""

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn.functional as F

from ..util import torch
from ._compare import compare_errors, compare_fn, compare_module

TF = torch.nn.functional if torch else None

CASES = [
    ("pad", (2, 3, 5, 4), ((1, 2, 2, 1),), dict(mode="reflect")),
    ("pad", (2, 3, 5, 4), ((1, 2, 2, 1),), dict(mode="replicate")),
    ("pad", (2, 3, 5, 4), ((1, 2, 2, 1),), dict(mode="circular")),
    ("pad", (2, 3, 5, 4), ((-1, 2, 0, 1, 1, 1),), dict(value=2.0)),
    ("pad", (2, 3, 5), ((2, 1),), dict(mode="reflect")),
    ("pad", (1, 2, 3, 5, 4), ((1, 2, 2, 1, 1, 0),), dict(mode="replicate")),
    ("interpolate", (2, 3, 5, 4), (), dict(scale_factor=2)),
    ("interpolate", (2, 3, 5, 4), (), dict(size=(7, 5))),
    ("interpolate", (2, 3, 5, 4), (), dict(size=(7, 5), mode="nearest-exact")),
    ("interpolate", (2, 3, 5, 4), (), dict(size=(7, 9), mode="bilinear")),
    (
        "interpolate",
        (2, 3, 5, 4),
        (),
        dict(scale_factor=1.7, mode="bilinear", align_corners=True),
    ),  # fmt: skip
    ("interpolate", (2, 3, 5, 4), (), dict(scale_factor=0.6, mode="bilinear")),
    (
        "interpolate",
        (2, 3, 5, 4),
        (),
        dict(scale_factor=0.6, mode="bilinear", recompute_scale_factor=True),
    ),  # fmt: skip
    ("interpolate", (2, 3, 5, 4), (), dict(size=(7, 9), mode="bicubic")),
    (
        "interpolate",
        (2, 3, 5, 4),
        (),
        dict(scale_factor=1.5, mode="bicubic", align_corners=True),
    ),  # fmt: skip
    ("interpolate", (2, 3, 5, 4), (), dict(size=(3, 2), mode="area")),
    ("interpolate", (2, 3, 5), (), dict(scale_factor=2.5, mode="linear")),
    ("interpolate", (1, 2, 3, 4, 5), (), dict(size=(5, 3, 7), mode="trilinear")),
    ("interpolate", (1, 2, 3, 4, 5), (), dict(scale_factor=2)),
    ("pixel_shuffle", (2, 8, 3, 3), (2,), {}),
    ("pixel_unshuffle", (2, 2, 4, 6), (2,), {}),
    ("channel_shuffle", (2, 6, 3), (3,), {}),
    ("unfold", (2, 3, 6, 5), ((2, 3),), dict(dilation=(1, 2), padding=1, stride=(2, 1))),
    ("fold", (2, 12, 9), ((4, 5), (2, 3)), dict(padding=1, stride=2)),
]


@pytest.mark.parametrize("name,shape,args,kw", CASES)
def test_vision_matches_torch(name, shape, args, kw):
    compare_fn(name, shape, *args, tol=1e-9, **kw)


def test_interpolate_float32_nearest_indices_match_torch():
    a = np.random.default_rng(0).standard_normal((1, 1, 7, 13)).astype(np.float32)
    for size in [(3, 5), (10, 29), (14, 26)]:
        e = F.interpolate(ember.tensor(a), size=size)
        t = TF.interpolate(torch.tensor(a), size=size)
        np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_grid_sample_matches_torch(padding_mode, align_corners, mode):
    rng = np.random.default_rng(3)
    a, g = rng.standard_normal((2, 3, 5, 4)), rng.standard_normal((2, 3, 6, 2)) * 1.3
    ex, tx = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    eg, tg = ember.tensor(g, requires_grad=True), torch.tensor(g, requires_grad=True)
    kw = dict(mode=mode, padding_mode=padding_mode, align_corners=align_corners)
    ey, ty = F.grid_sample(ex, eg, **kw), TF.grid_sample(tx, tg, **kw)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), atol=1e-12)
    c = rng.standard_normal(tuple(ty.shape))
    ey.backward(ember.tensor(c))
    ty.backward(torch.tensor(c))
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), atol=1e-12)
    egg = eg.grad.numpy() if eg.grad is not None else 0 * g
    np.testing.assert_allclose(egg, tg.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 3, 2, 4, 5)])
@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid_matches_torch(size, align_corners):
    th = np.random.default_rng(0).standard_normal((2, len(size) - 2, len(size) - 1))
    et, tt = ember.tensor(th, requires_grad=True), torch.tensor(th, requires_grad=True)
    e = F.affine_grid(et, size, align_corners=align_corners)
    t = TF.affine_grid(tt, size, align_corners=align_corners)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), atol=1e-12)
    (e * e).sum().backward()
    (t * t).sum().backward()
    np.testing.assert_allclose(et.grad.numpy(), tt.grad.numpy(), atol=1e-10)


def test_pad_and_interpolate_gradcheck():
    x = ember.tensor(np.random.default_rng(0).standard_normal((1, 2, 4, 3)), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda x: F.pad(x, (1, 2, 2, 1), mode="reflect"), (x,))
    assert ember.autograd.gradgradcheck(lambda x: F.pad(x, (1, -1, 2, 0), value=3.0), (x,))
    assert ember.autograd.gradcheck(
        lambda x: F.interpolate(x, scale_factor=1.5, mode="bicubic"), (x,)
    )
    assert ember.autograd.gradcheck(lambda x: F.unfold(x, 2, padding=1), (x,))


MODULES = [
    ("ReflectionPad1d", (2,), {}, (1, 2, 4)),
    ("ReflectionPad2d", (2,), {}, (1, 2, 4, 4)),
    ("ReflectionPad3d", (1,), {}, (1, 2, 3, 3, 3)),
    ("ReplicationPad1d", ((1, 2),), {}, (1, 2, 4)),
    ("ReplicationPad2d", (2,), {}, (1, 2, 4, 4)),
    ("ReplicationPad3d", (1,), {}, (1, 2, 3, 3, 3)),
    ("ZeroPad1d", (2,), {}, (1, 2, 4)),
    ("ZeroPad2d", ((1, 2, 0, 1),), {}, (1, 2, 4, 4)),
    ("ZeroPad3d", (1,), {}, (1, 2, 3, 3, 3)),
    ("ConstantPad1d", (2, 3.5), {}, (1, 2, 4)),
    ("ConstantPad2d", ((1, 0, 2, 1), -1.0), {}, (1, 2, 4, 4)),
    ("ConstantPad3d", (1, 0.5), {}, (1, 2, 3, 3, 3)),
    ("CircularPad1d", (2,), {}, (1, 2, 4)),
    ("CircularPad2d", (1,), {}, (1, 2, 4, 4)),
    ("Upsample", (), dict(scale_factor=2, mode="bilinear"), (1, 2, 3, 3)),
    ("Upsample", ((5, 4),), {}, (1, 2, 3, 3)),
    ("UpsamplingNearest2d", (), dict(scale_factor=2), (1, 2, 3, 3)),
    ("UpsamplingBilinear2d", ((5, 6),), {}, (1, 2, 3, 3)),
    ("PixelShuffle", (2,), {}, (1, 8, 3, 3)),
    ("PixelUnshuffle", (2,), {}, (1, 2, 4, 4)),
    ("ChannelShuffle", (2,), {}, (1, 4, 3, 3)),
    ("Unfold", ((2, 2),), dict(stride=2), (1, 2, 4, 4)),
    ("Fold", ((4, 5), 2), {}, (1, 8, 12)),
]


@pytest.mark.parametrize("name,args,kw,shape", MODULES)
def test_vision_module_matches_torch(name, args, kw, shape):
    compare_module(name, args, kw, shape)


ERRORS = [
    ("pad", (1, 2, 3), ((3, 3),), dict(mode="reflect")),
    ("pad", (1, 2, 3), ((1, 2, 3),), {}),
    ("pad", (3,), ((1, 1, 1, 1),), {}),
    ("interpolate", (1, 2, 3, 3), (), dict(size=4, scale_factor=2)),
    ("interpolate", (1, 2, 3, 3), (), {}),
    ("interpolate", (1, 2, 3, 3), (), dict(size=4, mode="linear")),
    ("interpolate", (1, 2, 3, 3), (), dict(size=4, align_corners=True)),
    ("pixel_shuffle", (1, 5, 2, 2), (2,), {}),
    ("unfold", (2, 3), (2,), {}),
    ("fold", (1, 8, 5), ((4, 5), 2), {}),
]


@pytest.mark.parametrize("name,shape,args,kw", ERRORS)
def test_vision_errors_match_torch(name, shape, args, kw):
    compare_errors(name, shape, *args, **kw)
