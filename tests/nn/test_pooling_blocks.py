"""Max pooling whose windows tile the input (stride = kernel) takes a reshape fast path."""

from __future__ import annotations

import numpy as np
import pytest

import ember

from ..util import assert_same, torch


@pytest.mark.parametrize(
    "shape,k",
    [((4, 3, 9, 8), 2), ((2, 3, 9, 8), 3), ((2, 2, 6, 8), (2, 4)), ((2, 2, 7), 3),
     ((2, 2, 4, 6, 5), 2), ((3, 8, 5), 2)],
)  # fmt: skip
def test_tiled_max_pool_values_indices_and_grads_match_torch(shape, k):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    x.reshape(-1)[0] = np.nan  # NaN wins its window, as in torch
    nd = len(shape) - 2
    ef = getattr(ember.nn.functional, f"max_pool{nd}d")
    tf = getattr(torch.nn.functional, f"max_pool{nd}d")
    ex = ember.from_numpy(x.copy()).requires_grad_()
    tx = torch.from_numpy(x.copy()).requires_grad_()
    ey, ei = ef(ex, k, return_indices=True)
    ty, ti = tf(tx, k, return_indices=True)
    assert_same(ey, ty)
    assert_same(ei, ti)
    ey.sum().backward()
    ty.sum().backward()
    assert_same(ex.grad, tx.grad)
