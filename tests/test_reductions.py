"""Reductions, scans and selection on hand-picked values: ties, zeros, NaN, return types.

The op table (tests/optables/reduce.py) draws random values, which almost never tie
or hit zero; these cases pin the behaviour PyTorch defines there.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import ember

from .util import assert_same, torch

NAN = float("nan")

TIES = [[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, -1.0]]
ZEROS = [[1.0, 0.0, 2.0, 3.0], [0.0, 0.0, 2.0, 1.5]]
WITH_NAN = [[1.0, NAN, 2.0, 0.5], [2.0, 1.0, NAN, NAN]]

# (description, function of the module and input tensor, values)
CASES = [
    ("max ties full", lambda m, x: x.max(), TIES),
    ("min ties full", lambda m, x: m.min(x), TIES),
    ("max ties dim", lambda m, x: m.max(x, 1).values, TIES),
    ("amax ties", lambda m, x: m.amax(x, 1), TIES),
    ("amin ties keepdim", lambda m, x: x.amin(0, keepdim=True), TIES),
    ("median ties full", lambda m, x: x.median(), TIES),
    ("norm inf ties", lambda m, x: x.norm(float("inf"), 1), TIES),
    ("norm at zero", lambda m, x: (x * 0).norm(), TIES),
    ("std of equal values", lambda m, x: m.std(x * 0 + 1.0, 1), TIES),
    ("prod with zeros full", lambda m, x: x.prod(), ZEROS),
    ("prod with zeros dim", lambda m, x: x.prod(1), ZEROS),
    ("prod one zero dim0", lambda m, x: x.prod(0, keepdim=True), ZEROS),
    ("cumprod with zeros", lambda m, x: x.cumprod(1), ZEROS),
    ("cummax ties", lambda m, x: m.cummax(x, 1).values, TIES),
    ("cummin ties", lambda m, x: m.cummin(x, 1).values, TIES),
    ("logcumsumexp", lambda m, x: m.logcumsumexp(x * 50, 1), TIES),
    ("sort ties stable", lambda m, x: m.sort(x, dim=1, stable=True).values, TIES),
    ("topk ties", lambda m, x: x.topk(2).values, [[1.0, 3.0, 0.5, 0.0], [2.0, -2.0, 5.0, -1.0]]),
    ("quantile", lambda m, x: m.quantile(x, 0.4, 1), TIES),
    ("logsumexp -inf", lambda m, x: m.logsumexp(x * 0 - float("inf"), 1) + x.sum(), TIES),
]


@pytest.mark.parametrize("desc,fn,values", CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_on_special_inputs(desc, fn, values):
    a = np.array(values, dtype=np.float64)
    e = ember.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    er, tr = fn(ember, e), fn(torch, t)
    assert_same(er, tr, msg=desc)
    if not tr.requires_grad:
        return
    cot = np.random.default_rng(0).standard_normal(tuple(tr.shape))
    (tg,) = torch.autograd.grad(tr, t, torch.tensor(cot))
    (eg,) = ember.autograd.grad(er, e, ember.tensor(cot))
    assert_same(eg, tg, msg=desc + " grad")


NAN_CASES = [
    ("max", lambda m, x: x.max()),
    ("max dim", lambda m, x: m.max(x, 1)),
    ("argmax", lambda m, x: x.argmax(1)),
    ("amin", lambda m, x: x.amin(1)),
    ("sort", lambda m, x: m.sort(x, 1)),
    ("sort descending", lambda m, x: m.sort(x, 1, descending=True)),
    ("median", lambda m, x: x.median()),
    ("median dim", lambda m, x: x.median(1)),
    ("nanmedian", lambda m, x: x.nanmedian()),
    ("nanmedian dim", lambda m, x: m.nanmedian(x, 1)),
    ("nansum", lambda m, x: x.nansum(1)),
    ("nanmean", lambda m, x: x.nanmean()),
    ("cummax", lambda m, x: m.cummax(x, 1)),
    ("cummin", lambda m, x: m.cummin(x, 1)),
    ("quantile", lambda m, x: m.quantile(x, 0.5, 1)),
    ("nanquantile", lambda m, x: m.nanquantile(x, 0.3, 1)),
    ("nanquantile all nan", lambda m, x: m.nanquantile(x * NAN, 0.3, 1)),
    ("topk", lambda m, x: x.topk(2, 1)),
]


@pytest.mark.parametrize("desc,fn", NAN_CASES, ids=[c[0] for c in NAN_CASES])
def test_nan_handling_matches_torch(desc, fn):
    a = np.array(WITH_NAN)
    assert_same(fn(ember, ember.tensor(a)), fn(torch, torch.tensor(a)), msg=desc)


def test_mode_picks_smallest_most_frequent_and_last_index():
    a = np.array([[1, 3, 3, 2], [2, 2, 5, 5]])
    assert_same(ember.mode(ember.tensor(a), 1), torch.mode(torch.tensor(a), 1))
    a = np.array([1, 2, 2, 1, 3])
    assert_same(ember.tensor(a).mode(), torch.tensor(a).mode())


def test_return_types_are_named_tuples_with_torch_repr():
    x = ember.tensor([[1.0, 5.0], [4.0, 2.0]])
    r = ember.max(x, 1)
    assert isinstance(r, tuple) and isinstance(r, ember.return_types.max)
    assert r.values is r[0] and r.indices is r[1]
    v, i = r
    assert i.tolist() == [1, 0]
    tr = torch.max(torch.tensor([[1.0, 5.0], [4.0, 2.0]]), 1)
    assert repr(r) == repr(tr)
    assert ember.return_types.max.n_fields == torch.return_types.max.n_fields
    assert repr(ember.aminmax(x)).startswith("torch.return_types.aminmax(\nmin=")
    again = pickle.loads(pickle.dumps(ember.return_types.max((1, 2))))
    assert type(again) is ember.return_types.max and again.indices == 2


def test_out_arguments_write_results():
    x = ember.tensor([[1.0, 5.0], [4.0, 2.0]])
    vals, idx = ember.empty(0), ember.empty(0, dtype=ember.int64)
    r = ember.max(x, 1, out=(vals, idx))
    assert r.values is vals and vals.tolist() == [5.0, 4.0] and idx.tolist() == [1, 0]
    out = ember.empty(2)
    assert ember.sum(x, 0, out=out) is out and out.tolist() == [5.0, 7.0]
    out = ember.empty(2, 2)
    ember.cumsum(x, 1, out=out)
    assert out.tolist() == [[1.0, 6.0], [4.0, 6.0]]


def test_double_backward_through_scans_and_selection():
    a = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]])
    for f in (lambda m, x: (m.cumsum(x, 1) ** 2).sum(),
              lambda m, x: (m.sort(x, 1).values ** 3).sum(),
              lambda m, x: (m.max(x, 0).values ** 2).sum(),
              lambda m, x: m.logsumexp(x, 1).sum() * x.var()):  # fmt: skip
        e = ember.tensor(a, requires_grad=True)
        t = torch.tensor(a, requires_grad=True)
        (eg,) = ember.autograd.grad(f(ember, e), e, create_graph=True)
        (tg,) = torch.autograd.grad(f(torch, t), t, create_graph=True)
        (egg,) = ember.autograd.grad(eg.sum(), e)
        (tgg,) = torch.autograd.grad(tg.sum(), t)
        assert_same(egg, tgg)


def test_grad_fn_names_match_torch():
    a = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]])
    e = ember.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    for f in (lambda x: x.max(), lambda x: x.max(1).values, lambda x: x.sum(), lambda x: x.prod(),
              lambda x: x.var(), lambda x: x.std(1), lambda x: x.amax(0), lambda x: x.cumsum(0),
              lambda x: x.sort().values, lambda x: x.logsumexp(1), lambda x: x.norm(),
              lambda x: x.median(), lambda x: x.median(1).values):  # fmt: skip
        assert f(e).grad_fn.name() == f(t).grad_fn.name()


NAMES = (
    "sum mean prod max min amax amin argmax argmin std var logsumexp cumsum all any nansum "
    "nanmean aminmax std_mean var_mean norm count_nonzero cumprod cummax cummin logcumsumexp "
    "median nanmedian mode kthvalue quantile nanquantile topk sort argsort msort unique "
    "unique_consecutive bincount histc histogram diff searchsorted bucketize"
).split()


@pytest.mark.parametrize("name", NAMES)
def test_functions_and_methods_exist_where_torch_has_them(name):
    assert hasattr(ember, name) == hasattr(torch, name)
    assert hasattr(ember.Tensor, name) == hasattr(torch.Tensor, name)


def test_keyword_and_method_spellings():
    a = np.array([[1.0, 5.0, 2.0], [4.0, 2.0, 0.5]])
    e, t = ember.tensor(a), torch.tensor(a)
    for f in (lambda x: x.max(dim=1, keepdim=True), lambda x: x.sum(dim=(0, 1)),
              lambda x: x.std(unbiased=False), lambda x: x.var(1, correction=0),
              lambda x: x.any(dim=0), lambda x: x.all(), lambda x: x.argmax(dim=-1),
              lambda x: x.sort(descending=True), lambda x: x.topk(k=2, dim=0),
              lambda x: x.norm(p=1), lambda x: x.mean(dim=[0, 1], keepdim=True),
              lambda x: x.max(x * 0 + 2),
              lambda x: x.sum(dtype=x.dtype), lambda x: x.cumsum(dim=0)):  # fmt: skip
        assert_same(f(e), f(t))
