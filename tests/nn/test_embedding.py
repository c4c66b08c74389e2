"""Embedding, EmbeddingBag and one_hot against torch."""

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn.functional as F

from ..util import from_torch, torch

TF = torch.nn.functional if torch else None


def _weights(seed=0, shape=(10, 4)):
    w = np.random.default_rng(seed).standard_normal(shape)
    return ember.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)


@pytest.mark.parametrize("kw", [{}, dict(padding_idx=2), dict(scale_grad_by_freq=True),
                                dict(padding_idx=-1, scale_grad_by_freq=True)])  # fmt: skip
def test_embedding_matches_torch(kw):
    ew, tw = _weights()
    idx = np.random.default_rng(1).integers(0, 10, (3, 5))
    idx[0, :3] = 9
    ey, ty = F.embedding(ember.tensor(idx), ew, **kw), TF.embedding(torch.tensor(idx), tw, **kw)
    np.testing.assert_array_equal(ey.detach().numpy(), ty.detach().numpy())
    (ey * ey).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(ew.grad.numpy(), tw.grad.numpy(), rtol=1e-12)


def test_embedding_double_backward():
    w = ember.tensor(np.random.default_rng(0).standard_normal((5, 3)), requires_grad=True)
    idx = ember.tensor([[0, 2, 2], [4, 1, 0]])
    assert ember.autograd.gradgradcheck(lambda w: F.embedding(idx, w, padding_idx=1) ** 2, (w,))


def test_embedding_max_norm_renormalizes_rows_like_torch():
    ew, tw = _weights(2)
    idx = [[1, 3], [3, 7]]
    ey = F.embedding(ember.tensor(idx), ew.detach(), max_norm=1.0)
    ty = TF.embedding(torch.tensor(idx), tw.detach(), max_norm=1.0)
    np.testing.assert_allclose(ey.numpy(), ty.numpy(), rtol=1e-6)
    np.testing.assert_allclose(ew.detach().numpy(), tw.detach().numpy(), rtol=1e-6)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("two_d", [False, True])
def test_embedding_bag_matches_torch(mode, two_d):
    ew, tw = _weights(3)
    rng = np.random.default_rng(4)
    if two_d:
        idx, off = rng.integers(0, 10, (3, 4)), None
    else:
        idx, off = rng.integers(0, 10, (9,)), np.array([0, 3, 3, 7])
    eo = None if off is None else ember.tensor(off)
    to = None if off is None else torch.tensor(off)
    ey = F.embedding_bag(ember.tensor(idx), ew, eo, mode=mode)
    ty = TF.embedding_bag(torch.tensor(idx), tw, to, mode=mode)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=1e-12)
    (ey * ey).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(ew.grad.numpy(), tw.grad.numpy(), rtol=1e-12)


def test_embedding_bag_per_sample_weights_and_padding_idx():
    ew, tw = _weights(5)
    idx, off = np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 4, 8])
    p = np.random.default_rng(0).standard_normal(8)
    ep, tp = ember.tensor(p, requires_grad=True), torch.tensor(p, requires_grad=True)
    kw = dict(mode="sum", include_last_offset=True, padding_idx=4)
    ey = F.embedding_bag(ember.tensor(idx), ew, ember.tensor(off), per_sample_weights=ep, **kw)
    ty = TF.embedding_bag(torch.tensor(idx), tw, torch.tensor(off), per_sample_weights=tp, **kw)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=1e-12)
    ey.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(ew.grad.numpy(), tw.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name,args,kw", [
    ("Embedding", (10, 3), dict(padding_idx=1)),
    ("Embedding", (10, 3), dict(max_norm=2.0, scale_grad_by_freq=True)),
    ("EmbeddingBag", (10, 3), dict(mode="sum")),
])  # fmt: skip
def test_embedding_modules_match_torch(name, args, kw):
    torch.manual_seed(0)
    ember.manual_seed(0)
    tm, em = getattr(torch.nn, name)(*args, **kw), getattr(ember.nn, name)(*args, **kw)
    assert repr(em) == repr(tm)
    np.testing.assert_allclose(em.weight.detach().numpy(), tm.weight.detach().numpy())
    idx = np.array([[1, 2, 3], [4, 1, 0]])
    ey, ty = em(ember.tensor(idx)), tm(torch.tensor(idx))
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=1e-6)
    ey.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(em.weight.grad.numpy(), tm.weight.grad.numpy(), rtol=1e-6)


def test_embedding_from_pretrained():
    w = torch.randn(4, 3)
    em = ember.nn.Embedding.from_pretrained(from_torch(w), padding_idx=0)
    tm = torch.nn.Embedding.from_pretrained(w, padding_idx=0)
    assert repr(em) == repr(tm)
    assert em.weight.requires_grad is tm.weight.requires_grad is False
    np.testing.assert_array_equal(
        em(ember.tensor([3, 0])).numpy(), tm(torch.tensor([3, 0])).numpy()
    )


def test_one_hot_matches_torch():
    idx = np.array([[0, 3], [2, 1]])
    np.testing.assert_array_equal(F.one_hot(ember.tensor(idx)).numpy(),
                                  TF.one_hot(torch.tensor(idx)).numpy())  # fmt: skip
    e = F.one_hot(ember.tensor(idx), 6)
    assert e.dtype is ember.int64 and tuple(e.shape) == (2, 2, 6)


@pytest.mark.parametrize("fn,args", [
    ("embedding", lambda lib: (lib.tensor([1.0, 2.0]), lib.zeros(3, 2))),
    ("embedding", lambda lib: (lib.tensor([5]), lib.zeros(3, 2))),
    ("one_hot", lambda lib: (lib.tensor([1.0]),)),
    ("one_hot", lambda lib: (lib.tensor([3]), 2)),
    ("embedding_bag", lambda lib: (lib.tensor([1, 2]), lib.zeros(3, 2))),
])  # fmt: skip
def test_embedding_errors_match_torch(fn, args):
    with pytest.raises(Exception) as texc:
        getattr(TF, fn)(*args(torch))
    with pytest.raises(type(texc.value)):
        getattr(F, fn)(*args(ember))
