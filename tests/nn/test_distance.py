"""Distances and similarities against torch 2.13: values, gradients, modules, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ember

from ..util import torch
from .test_loss import f32, run


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.5, math.inf, 0.0])
def test_pairwise_distance(p):
    run("pairwise_distance", [f32(4, 5), f32(4, 5, seed=1)], {"p": p})
    run("pairwise_distance", [f32(4, 5), f32(5, seed=1)], {"p": p, "keepdim": True})
    run("pairwise_distance", [f32(5), f32(5, seed=1)], {"p": p, "eps": 0.0})


def test_cosine_similarity():
    run("cosine_similarity", [f32(4, 5), f32(4, 5, seed=1)])
    run("cosine_similarity", [f32(4, 5), f32(5, seed=1)], {"dim": -1})
    run("cosine_similarity", [f32(2, 3, 4), f32(2, 1, 4, seed=1)], {"dim": 2, "eps": 1e-3})
    z = np.zeros((2, 3), dtype=np.float32)
    run("cosine_similarity", [z, f32(2, 3, seed=1)])


@pytest.mark.parametrize("p", [2.0, 1.0, 0.7, math.inf])
def test_pdist(p):
    run("pdist", [f32(5, 3)], {"p": p})
    run("pdist", [f32(1, 3)], {"p": p})


def test_modules_and_repr():
    run("PairwiseDistance", [f32(4, 5), f32(4, 5, seed=1)], module="PairwiseDistance",
        mkw={"p": 1.0, "keepdim": True})  # fmt: skip
    run("CosineSimilarity", [f32(4, 5), f32(4, 5, seed=1)], module="CosineSimilarity",
        mkw={"dim": 0})  # fmt: skip
    assert repr(ember.nn.PairwiseDistance()) == repr(torch.nn.PairwiseDistance())
    assert repr(ember.nn.CosineSimilarity(dim=0)) == repr(torch.nn.CosineSimilarity(dim=0))


def test_errors():
    with pytest.raises(RuntimeError):
        torch.nn.functional.pdist(torch.ones(2, 3, 4))
    with pytest.raises(RuntimeError):
        ember.nn.functional.pdist(ember.ones(2, 3, 4))
    with pytest.raises(RuntimeError):
        torch.nn.functional.pairwise_distance(torch.ones(2, 3), torch.ones(2, 4))
    with pytest.raises(RuntimeError):
        ember.nn.functional.pairwise_distance(ember.ones(2, 3), ember.ones(2, 4))
