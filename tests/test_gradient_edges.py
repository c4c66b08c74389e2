"""Gradients at the edges of an op's domain, where torch defines a particular value."""

from __future__ import annotations

import pytest

import ember

from .util import assert_same, torch


@pytest.mark.parametrize("other", [[0.0, -1.0, 2.0, -1.0, float("nan")], 3.0])
def test_xlogy_gradient_at_zero_matches_torch(other):
    grads = []
    for lib in (ember, torch):
        x = lib.tensor([0.0, 0.0, 0.0, 1.0, 2.0], requires_grad=True)
        y = lib.tensor(other) if isinstance(other, list) else other
        lib.xlogy(x, y).sum().backward()
        grads.append(x.grad)
    assert_same(*grads)


def test_lgamma_is_exactly_zero_at_one_and_two():
    assert ember.lgamma(ember.tensor([1.0, 2.0], dtype=ember.float64)).tolist() == [0.0, 0.0]
    assert repr(ember.lgamma(ember.tensor([1.0, 2.0]))) == repr(
        torch.lgamma(torch.tensor([1.0, 2.0]))
    )
