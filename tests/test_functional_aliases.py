"""Top-level layer functions (torch.conv2d, torch.embedding, ...) mean what they mean in torch."""

from __future__ import annotations

import numpy as np
import pytest

import ember

from .util import assert_same, make_pair, torch


def _pairs(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [make_pair(s, "float32", rng) for s in shapes]


CASES = {
    "conv2d": lambda lib, x, w: lib.conv2d(x, w, None, 1, 1),
    "max_pool2d": lambda lib, x, w: lib.max_pool2d(x, 2),
    "dropout_eval": lambda lib, x, w: lib.dropout(x, 0.5, False),
    "layer_norm": lambda lib, x, w: lib.layer_norm(x, [5], None, None, 1e-5),
    "group_norm": lambda lib, x, w: lib.group_norm(x, 1),
    "batch_norm": lambda lib, x, w: lib.batch_norm(
        x, None, None, lib.zeros(2), lib.ones(2), False, 0.1, 1e-5, False
    ),
    "pixel_shuffle": lambda lib, x, w: lib.pixel_shuffle(x.reshape(1, 4, 5, 4), 2),
    "cosine_similarity": lambda lib, x, w: lib.cosine_similarity(x, x + 1),
    "prelu": lambda lib, x, w: lib.prelu(x, lib.full((2,), 0.25)),
    "hardshrink_method": lambda lib, x, w: x.hardshrink(0.3),
    "selu": lambda lib, x, w: lib.selu(x),
}


@pytest.mark.parametrize("name", list(CASES))
def test_toplevel_layer_functions_match_torch(name):
    (ex, tx), (ew, tw) = _pairs((2, 2, 4, 5), (3, 2, 3, 3))
    assert_same(CASES[name](ember, ex, ew), CASES[name](torch, tx, tw), rtol=1e-4, atol=1e-5)


def test_embedding_takes_weight_first():
    ((ew, tw),) = _pairs((5, 3))
    idx = [[0, 4], [2, 2]]
    assert_same(
        ember.embedding(ew, ember.tensor(idx), 2), torch.embedding(tw, torch.tensor(idx), 2)
    )
