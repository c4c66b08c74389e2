"""Pooling against torch: values, indices, gradients, gradcheck, modules, errors."""

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn.functional as F

from ..util import torch
from ._compare import compare_errors, compare_fn, compare_module

CASES = [
    ("max_pool2d", (2, 3, 7, 6), (3, 2, 1), dict(ceil_mode=True, return_indices=True)),
    (
        "max_pool2d",
        (3, 7, 6),
        ((2, 3), (1, 2), (1, 0)),
        dict(dilation=(2, 1), return_indices=True),
    ),  # fmt: skip
    ("max_pool1d", (2, 3, 9), (2,), {}),
    ("max_pool3d", (1, 2, 5, 6, 4), (2,), dict(ceil_mode=True, return_indices=True)),
    ("avg_pool2d", (2, 3, 7, 6), (3, 2, 1), dict(ceil_mode=True)),
    ("avg_pool2d", (2, 3, 7, 6), (3, 2, 1), dict(ceil_mode=True, count_include_pad=False)),
    ("avg_pool2d", (2, 3, 7, 6), ((3, 2), 2, 1), dict(divisor_override=5)),
    ("avg_pool1d", (2, 3, 9), (4, 3, 2), dict(ceil_mode=True)),
    ("avg_pool3d", (1, 2, 5, 6, 4), (2,), dict(ceil_mode=True, count_include_pad=False)),
    ("adaptive_avg_pool2d", (2, 3, 7, 6), ((3, 4),), {}),
    ("adaptive_avg_pool1d", (2, 3, 7), (5,), {}),
    ("adaptive_avg_pool3d", (1, 2, 5, 6, 4), ((2, None, 3),), {}),
    ("adaptive_max_pool2d", (2, 3, 7, 6), ((3, 4),), dict(return_indices=True)),
    ("adaptive_max_pool1d", (2, 3, 7), (5,), dict(return_indices=True)),
    ("lp_pool2d", (2, 3, 7, 6), (2, 3, 2), {}),
    ("lp_pool1d", (2, 3, 7), (3, 2), {}),
]


@pytest.mark.parametrize("name,shape,args,kw", CASES)
def test_pooling_matches_torch(name, shape, args, kw):
    compare_fn(name, shape, *args, **kw)


def test_max_pool_ties_and_nan_pick_like_torch():
    a = np.array([[[[1.0, 1.0, 0.0], [1.0, np.nan, 2.0], [3.0, 3.0, 3.0]]]])
    ey, ei = F.max_pool2d(ember.tensor(a), 2, 1, return_indices=True)
    ty, ti = torch.nn.functional.max_pool2d(torch.tensor(a), 2, 1, return_indices=True)
    np.testing.assert_array_equal(ei.numpy(), ti.numpy())
    np.testing.assert_array_equal(ey.numpy(), ty.numpy())


def test_max_unpool_matches_torch():
    a = np.random.default_rng(0).standard_normal((2, 3, 8, 6))
    ey, ei = F.max_pool2d(ember.tensor(a), 2, return_indices=True)
    ty, ti = torch.nn.functional.max_pool2d(torch.tensor(a), 2, return_indices=True)
    e = F.max_unpool2d(ey, ei, 2, output_size=(9, 7))
    t = torch.nn.functional.max_unpool2d(ty, ti, 2, output_size=(9, 7))
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_pooling_gradcheck():
    x = ember.tensor(np.random.default_rng(0).standard_normal((1, 2, 5, 5)), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda x: F.max_pool2d(x, 2, 1), (x,))
    assert ember.autograd.gradgradcheck(lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True), (x,))
    assert ember.autograd.gradcheck(lambda x: F.adaptive_avg_pool2d(x, 3), (x,))


MODULES = [
    ("MaxPool2d", (3, 2), dict(padding=1), (2, 3, 8, 8)),
    ("MaxPool1d", (2,), dict(ceil_mode=True), (2, 3, 7)),
    ("MaxPool3d", (2,), {}, (1, 2, 4, 4, 4)),
    ("AvgPool1d", (3,), {}, (2, 3, 8)),
    ("AvgPool2d", (2,), dict(count_include_pad=False, padding=1), (2, 3, 6, 6)),
    ("AvgPool3d", (2,), {}, (1, 2, 4, 4, 4)),
    ("AdaptiveAvgPool1d", (3,), {}, (2, 3, 7)),
    ("AdaptiveAvgPool2d", ((2, 3),), {}, (2, 3, 7, 7)),
    ("AdaptiveAvgPool3d", (2,), {}, (1, 2, 5, 5, 5)),
    ("AdaptiveMaxPool1d", (3,), {}, (2, 3, 7)),
    ("AdaptiveMaxPool2d", ((2, 3),), {}, (2, 3, 7, 7)),
    ("LPPool1d", (2, 3), {}, (2, 3, 7)),
    ("LPPool2d", (2, 2), dict(stride=1), (2, 3, 5, 5)),
]


@pytest.mark.parametrize("name,args,kw,shape", MODULES)
def test_pooling_module_matches_torch(name, args, kw, shape):
    compare_module(name, args, kw, shape)


def test_max_unpool_module_repr():
    assert repr(ember.nn.MaxUnpool2d(2)) == repr(torch.nn.MaxUnpool2d(2))


ERRORS = [
    ("max_pool2d", (2, 3), (2,), {}),
    ("max_pool2d", (1, 1, 4, 4), (3,), dict(padding=2)),
    ("max_pool2d", (1, 1, 2, 2), (3,), {}),
    ("avg_pool2d", (1, 1, 4, 4), (3,), dict(padding=2)),
    ("avg_pool1d", (2, 3, 4, 4), (2,), {}),
    ("adaptive_avg_pool2d", (3,), (2,), {}),
]


@pytest.mark.parametrize("name,shape,args,kw", ERRORS)
def test_pooling_errors_match_torch(name, shape, args, kw):
    compare_errors(name, shape, *args, **kw)
