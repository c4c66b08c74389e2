"""Dropout: masks equal torch's for the same seed, scaling, eval mode, errors."""

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn.functional as F

from ..util import torch

CASES = [
    ("dropout", (4, 5), 0.4),
    ("dropout", (3, 7, 2), 0.1),
    ("dropout1d", (3, 4), 0.5),
    ("dropout1d", (2, 3, 4), 0.5),
    ("dropout2d", (2, 3, 4, 4), 0.4),
    ("dropout3d", (2, 3, 2, 2, 2), 0.3),
    ("dropout3d", (3, 2, 2, 2), 0.3),
    ("alpha_dropout", (4, 5), 0.4),
    ("feature_alpha_dropout", (2, 3, 4), 0.2),
]


@pytest.mark.parametrize("name,shape,p", CASES)
def test_dropout_masks_match_torch(name, shape, p):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    ember.manual_seed(3)
    torch.manual_seed(3)
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ey = getattr(F, name)(ex, p, training=True)
    ty = getattr(torch.nn.functional, name)(tx, p, training=True)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=1e-6, atol=1e-7)
    ey.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-6)


@pytest.mark.parametrize(
    "view",
    [
        lambda t: t.transpose(0, 1),
        lambda t: t.permute(2, 0, 1),
        lambda t: t[:, ::2],
        lambda t: t[:, :1].expand(4, 3, 2),
        lambda t: t.transpose(0, 2)[:1],
    ],
)
def test_dropout_and_random_like_draw_in_memory_order_of_strided_inputs(view):
    x = np.random.default_rng(0).standard_normal((4, 3, 2)).astype(np.float32)
    outs = []
    for m in (torch, ember):
        m.manual_seed(5)
        t = view(m.tensor(x))
        outs.append([m.nn.functional.dropout(t, 0.5), m.rand_like(t), m.randn_like(t)])
        outs[-1].append(m.randint_like(t, 10))
    for t, e in zip(*outs):
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)
        assert e.stride() == t.stride() or not t.is_contiguous()


def test_dropout_eval_and_edge_probabilities():
    x = ember.ones(3, 4)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    np.testing.assert_array_equal(F.dropout(x, 1.0).numpy(), np.zeros((3, 4), np.float32))
    y = F.dropout(x.clone(), 0.5, inplace=True)
    assert set(np.unique(y.numpy())) <= {0.0, 2.0}


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_bad_probability_raises_value_error(p):
    with pytest.raises(ValueError):
        torch.nn.functional.dropout(torch.ones(2), p)
    with pytest.raises(ValueError):
        F.dropout(ember.ones(2), p)
    with pytest.raises(ValueError):
        ember.nn.Dropout(p)


@pytest.mark.parametrize("name", ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d",
                                  "AlphaDropout", "FeatureAlphaDropout"])  # fmt: skip
def test_dropout_modules_match_torch(name):
    shape = {"Dropout1d": (2, 3, 4), "Dropout3d": (2, 3, 2, 2, 2)}.get(name, (2, 3, 4, 4))
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    em, tm = getattr(ember.nn, name)(0.3), getattr(torch.nn, name)(0.3)
    assert repr(em) == repr(tm)
    ember.manual_seed(5)
    torch.manual_seed(5)
    np.testing.assert_allclose(em(ember.tensor(x)).numpy(), tm(torch.tensor(x)).numpy(),
                               rtol=1e-6, atol=1e-7)  # fmt: skip
    em.eval()
    tm.eval()
    np.testing.assert_array_equal(em(ember.tensor(x)).numpy(), tm(torch.tensor(x)).numpy())


def test_dropout1d_wrong_dims_raises():
    with pytest.raises(RuntimeError):
        torch.nn.functional.dropout1d(torch.ones(2, 3, 4, 5))
    with pytest.raises(RuntimeError):
        F.dropout1d(ember.ones(2, 3, 4, 5))
