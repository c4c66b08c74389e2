"""Shared helper for the nn layer tests: run a functional form in ember and torch."""

from __future__ import annotations

import numpy as np

import ember
import ember.nn.functional as F

from ..util import torch


def compare_fn(name, shape, *args, tol=1e-10, check_indices=True, **kwargs):
    """F.<name>(x, *args, **kwargs) in both: output, indices and input gradient (float64)."""
    rng = np.random.default_rng(abs(hash((name, shape))) % 2**32)
    a = rng.standard_normal(shape)
    ex, tx = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ey = getattr(F, name)(ex, *args, **kwargs)
    ty = getattr(torch.nn.functional, name)(tx, *args, **kwargs)
    if isinstance(ty, tuple):
        if check_indices:
            np.testing.assert_array_equal(ey[1].numpy(), ty[1].numpy())
        ey, ty = ey[0], ty[0]
    assert tuple(ey.shape) == tuple(ty.shape)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), atol=tol, rtol=tol)
    g = rng.standard_normal(tuple(ty.shape))
    ey.backward(ember.tensor(g))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), atol=tol, rtol=tol)


def compare_errors(name, shape, *args, **kwargs):
    with __import__("pytest").raises(Exception) as texc:
        getattr(torch.nn.functional, name)(torch.zeros(shape), *args, **kwargs)
    with __import__("pytest").raises(type(texc.value)):
        getattr(F, name)(ember.zeros(shape), *args, **kwargs)


def compare_module(name, args, kwargs, shape, train=True, seed=0):
    """Same seeded init, same outputs, state and gradients for nn.<name>."""
    from ..util import from_torch

    torch.manual_seed(seed)
    ember.manual_seed(seed)
    tm = getattr(torch.nn, name)(*args, **kwargs)
    em = getattr(ember.nn, name)(*args, **kwargs)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    for k, v in tm.state_dict().items():
        np.testing.assert_allclose(em.state_dict()[k].numpy(), v.numpy(), rtol=1e-6, err_msg=k)
    em.load_state_dict({k: from_torch(v) for k, v in tm.state_dict().items()})
    em.train(train)
    tm.train(train)
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    for _ in range(2):
        ey, ty = em(ex), tm(tx)
        np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), atol=1e-5,
                                   rtol=1e-5)  # fmt: skip
    (ey * ey).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), atol=1e-4, rtol=1e-4)
    for k, v in tm.state_dict().items():
        np.testing.assert_allclose(em.state_dict()[k].numpy(), v.numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=k)  # fmt: skip
    for (n, p), (_, q) in zip(em.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), atol=1e-4, rtol=1e-4,
                                   err_msg=n)  # fmt: skip
    return em, tm
