"""Normalization against torch: functional forms, modules with running stats, errors."""

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn.functional as F

from ..util import torch
from ._compare import compare_errors, compare_fn, compare_module

CASES = [
    ("layer_norm", (2, 3, 5), ((3, 5),), {}),
    ("group_norm", (2, 6, 5), (3,), {}),
    ("rms_norm", (2, 3, 5), ((5,),), {}),
    ("rms_norm", (2, 3, 5), ((3, 5),), dict(eps=1e-3)),
    ("local_response_norm", (2, 6, 5, 3), (3,), {}),
    ("local_response_norm", (2, 6, 5), (4,), dict(alpha=0.1, beta=0.5, k=2.0)),
    ("normalize", (2, 6, 5), (), {}),
    ("normalize", (2, 6, 5), (1.0, 2), {}),
    ("instance_norm", (2, 3, 5, 4), (), {}),
]


@pytest.mark.parametrize("name,shape,args,kw", CASES)
def test_normalization_matches_torch(name, shape, args, kw):
    compare_fn(name, shape, *args, tol=1e-9, **kw)


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_functional_matches_torch(training):
    rng = np.random.default_rng(0)
    a, w, b = rng.standard_normal((4, 3, 5)), rng.standard_normal(3), rng.standard_normal(3)
    em, ev = ember.zeros(3, dtype=ember.float64) + 0.5, ember.ones(3, dtype=ember.float64) * 2
    tm, tv = torch.zeros(3, dtype=torch.float64) + 0.5, torch.ones(3, dtype=torch.float64) * 2
    ex, tx = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ew, tw = ember.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    ey = F.batch_norm(ex, em, ev, ew, ember.tensor(b), training, 0.3)
    ty = torch.nn.functional.batch_norm(tx, tm, tv, tw, torch.tensor(b), training, 0.3)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), atol=1e-10)
    np.testing.assert_allclose(em.numpy(), tm.numpy(), atol=1e-12)
    np.testing.assert_allclose(ev.numpy(), tv.numpy(), atol=1e-12)
    (ey**3).sum().backward()
    (ty**3).sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), atol=1e-9)
    np.testing.assert_allclose(ew.grad.numpy(), tw.grad.numpy(), atol=1e-9)


def test_layer_norm_gradcheck():
    x = ember.tensor(np.random.default_rng(0).standard_normal((2, 4)), requires_grad=True)
    w = ember.tensor(np.random.default_rng(1).standard_normal(4), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda x, w: F.layer_norm(x, (4,), w), (x, w))


MODULES = [
    ("BatchNorm1d", (3,), {}, (4, 3)),
    ("BatchNorm1d", (3,), dict(momentum=None), (4, 3, 5)),
    ("BatchNorm2d", (3,), dict(affine=False), (4, 3, 5, 5)),
    ("BatchNorm2d", (3,), dict(track_running_stats=False), (4, 3, 2, 2)),
    ("BatchNorm3d", (2,), dict(bias=False), (2, 2, 3, 3, 3)),
    ("InstanceNorm1d", (3,), dict(affine=True, track_running_stats=True), (2, 3, 6)),
    ("InstanceNorm2d", (3,), {}, (2, 3, 4, 4)),
    ("LayerNorm", ((5,),), {}, (2, 3, 5)),
    ("LayerNorm", ((3, 5),), dict(bias=False), (2, 3, 5)),
    ("GroupNorm", (2, 4), {}, (2, 4, 3)),
    ("RMSNorm", ((5,),), {}, (2, 5)),
    ("LocalResponseNorm", (2,), {}, (2, 4, 3)),
]


@pytest.mark.parametrize("name,args,kw,shape", MODULES)
@pytest.mark.parametrize("train", [True, False])
def test_normalization_module_matches_torch(name, args, kw, shape, train):
    compare_module(name, args, kw, shape, train=train)


def test_batch_norm_eval_uses_running_stats():
    em, tm = compare_module("BatchNorm2d", (3,), {}, (4, 3, 2, 2), train=True)
    assert int(em.num_batches_tracked) == int(tm.num_batches_tracked) == 2


ERRORS = [
    ("layer_norm", (2, 3), ((4,),), {}),
    ("group_norm", (2, 5, 3), (2,), {}),
    ("batch_norm", (1, 3), (None, None), dict(training=True)),
]


@pytest.mark.parametrize("name,shape,args,kw", ERRORS)
def test_normalization_errors_match_torch(name, shape, args, kw):
    compare_errors(name, shape, *args, **kw)


def test_batch_norm_module_wrong_dims():
    for m in (torch.nn.BatchNorm2d(3), ember.nn.BatchNorm2d(3)):
        lib = torch if isinstance(m, torch.nn.Module) else ember
        with pytest.raises(ValueError):
            m(lib.zeros(2, 3, 4))
