"""Property tests against torch: broadcasting, type promotion, views, empty and 0-dim reductions.

hypothesis draws shapes, dtypes and values; each example runs through ember and torch
and the results (shape, dtype, values, strides) must agree. Also: a seeded program builds
the same initial weights and dropout masks in both.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember

from .util import assert_same, make_pair, to_numpy, torch

SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
          "float64", "complex64"]  # fmt: skip


@st.composite
def broadcastable_shapes(draw, n=2):
    """``n`` shapes that broadcast together (dims dropped from the left or set to 1)."""
    ndim = draw(st.integers(0, 4))
    full = draw(st.lists(st.integers(0, 4), min_size=ndim, max_size=ndim))
    shapes = []
    for _ in range(n):
        k = draw(st.integers(0, ndim))
        shape = [1 if draw(st.booleans()) else s for s in full[ndim - k :]]
        shapes.append(tuple(shape))
    return shapes


def _pair(shape, dtype, seed):
    return make_pair(shape, dtype, np.random.default_rng(seed))


@SETTINGS
@given(broadcastable_shapes(3), st.sampled_from(["add", "mul", "where"]), st.integers(0, 99))
def test_broadcasting_matches_torch(shapes, op, seed):
    (ea, ta), (eb, tb) = _pair(shapes[0], "float32", seed), _pair(shapes[1], "float64", seed + 1)
    if op == "where":
        ec, tc = _pair(shapes[2], "bool", seed + 2)
        expected, got = torch.where(tc, ta, tb), ember.where(ec, ea, eb)
    else:
        expected, got = getattr(torch, op)(ta, tb), getattr(ember, op)(ea, eb)
    assert_same(got, expected)


@SETTINGS
@given(st.lists(st.integers(2, 4), min_size=1, max_size=3), st.lists(st.integers(2, 4), max_size=3))
def test_incompatible_shapes_raise_like_torch(a, b):
    a, b = tuple(a), tuple(b)
    try:
        torch.broadcast_shapes(a, b)
    except RuntimeError:
        with pytest.raises(RuntimeError):
            ember.add(ember.zeros(a), ember.zeros(b))
        return
    assert ember.add(ember.zeros(a), ember.zeros(b)).shape == torch.broadcast_shapes(a, b)


_OPERANDS = st.one_of(
    st.tuples(st.just("tensor"), st.sampled_from(DTYPES)),
    st.tuples(st.just("0-dim"), st.sampled_from(DTYPES)),
    st.tuples(st.just("scalar"), st.sampled_from([True, 2, -3, 1.5, 2.5j])),
)


def _operand(kind, spec, seed):
    if kind == "scalar":
        return spec, spec
    shape = (3,) if kind == "tensor" else ()
    return _pair(shape, spec, seed)


@SETTINGS
@given(
    _OPERANDS, _OPERANDS, st.sampled_from(["add", "mul", "sub", "div", "maximum", "eq", "where"])
)
def test_type_promotion_through_ops_matches_torch(a, b, op):
    ea, ta = _operand(*a, 3)
    eb, tb = _operand(*b, 4)
    if not isinstance(ta, torch.Tensor) and not isinstance(tb, torch.Tensor):
        return
    if op == "where":
        ec, tc = _pair((3,), "bool", 5)
        tfn, efn = (lambda x, y: torch.where(tc, x, y)), (lambda x, y: ember.where(ec, x, y))
    else:
        tfn, efn = getattr(torch, op), getattr(ember, op)
    try:
        expected = tfn(ta, tb)
    except Exception as exc:  # torch refuses (bool subtraction, complex maximum): ember too
        with pytest.raises(type(exc)):
            efn(ea, eb)
        return
    got = efn(ea, eb)
    assert got.dtype.name == str(expected.dtype).replace("torch.", ""), (a, b, op)
    assert tuple(got.shape) == tuple(expected.shape)
    assert ember.result_type(ea, eb).name == str(torch.result_type(ta, tb)).replace("torch.", "")


def _geometry(e, t):
    assert tuple(e.shape) == tuple(t.shape)
    assert e.stride() == t.stride()
    assert e.storage_offset() == t.storage_offset()
    assert e.is_contiguous() == t.is_contiguous()


_VIEWS = [
    ("view", lambda x: x.view(-1, x.shape[-1])),
    ("transpose", lambda x: x.transpose(0, -1)),
    ("slice", lambda x: x[1:, ::2]),
    ("diagonal", lambda x: x.diagonal(0, 0, 1)),
    ("unfold", lambda x: x.unfold(1, 2, 2)),  # windows that do not overlap
    ("select", lambda x: x.select(1, 1)),
    ("narrow", lambda x: x.narrow(0, 1, 1)),
    ("permute", lambda x: x.permute(2, 0, 1)),
    ("expand", lambda x: x[:1].expand(4, -1, -1)),
    ("mT", lambda x: x.mT),
]


@SETTINGS
@given(
    st.integers(2, 4),
    st.integers(2, 4),
    st.integers(1, 3),
    st.sampled_from(range(len(_VIEWS))),
    st.sampled_from(["float32", "int64"]),
)
def test_writes_through_views_reach_the_base(n0, n1, n2, which, dtype):
    name, fn = _VIEWS[which]
    eb, tb = _pair((n0, n1, n2), dtype, n0 * 100 + n1 * 10 + n2)
    ev, tv = fn(eb), fn(tb)
    _geometry(ev, tv)
    assert ev.data_ptr() - eb.data_ptr() == tv.data_ptr() - tb.data_ptr()
    assert ev._version == eb._version
    if name == "expand":  # an expanded view is read-only in effect: write its copy instead
        ec, tc = ev.contiguous(), tv.contiguous()
        _geometry(ec, tc)
        ec.fill_(7)
        tc.fill_(7)
        assert_same(eb, tb)
        return
    ev.mul_(3).add_(1)
    tv.mul_(3).add_(1)
    assert_same(eb, tb)
    assert eb._version == ev._version == 2
    eb.zero_()
    tb.zero_()
    assert_same(ev, tv)
    ec, tc = ev.contiguous(), tv.contiguous()
    _geometry(ec, tc)


_REDUCTIONS = [
    ("sum", {}), ("prod", {}), ("mean", {}), ("amax", {}), ("amin", {}), ("max", {}),
    ("argmax", {}), ("std", {}), ("var", {}), ("logsumexp", {"dim": 0}), ("all", {}),
    ("any", {}), ("nansum", {}), ("count_nonzero", {}), ("cumsum", {"dim": 0}),
    ("norm", {}), ("median", {}),
]  # fmt: skip


@SETTINGS
@given(
    st.sampled_from(range(len(_REDUCTIONS))),
    st.sampled_from([(), (0,), (3, 0), (0, 2), (1,), (2, 1, 3)]),
    st.sampled_from([None, 0, -1]),
    st.booleans(),
)
def test_empty_and_zero_dim_reductions_match_torch(which, shape, dim, keepdim):
    name, kw = _REDUCTIONS[which]
    e, t = _pair(shape, "float64", 7)
    ekw, tkw = dict(kw), dict(kw)
    if "dim" not in kw and dim is not None:
        ekw.update(dim=dim, keepdim=keepdim)
        tkw.update(dim=dim, keepdim=keepdim)
    try:
        expected = getattr(torch, name)(t, **tkw)
    except Exception as exc:
        with pytest.raises(type(exc)):
            getattr(ember, name)(e, **ekw)
        return
    assert_same(getattr(ember, name)(e, **ekw), expected, msg=f"{name}{shape} {tkw}")


# --- a seeded program builds the same weights and dropout masks ------------------------------


def _program(lib):
    lib.manual_seed(1234)
    lin = lib.nn.Linear(20, 7)
    conv = lib.nn.Conv2d(3, 5, 3)
    x = lib.ones(4, 50)
    masks = [lib.nn.functional.dropout(x, p=p, training=True) for p in (0.1, 0.5)]
    drop = lib.nn.Dropout(0.25)
    drop.train()
    masks.append(drop(x))
    return [lin.weight, lin.bias, conv.weight, conv.bias, *masks, lib.rand(3)]


def test_seeded_program_same_weights_and_dropout_masks():
    got, expected = _program(ember), _program(torch)
    for i, (g, t) in enumerate(zip(got, expected)):
        np.testing.assert_array_equal(to_numpy(g), to_numpy(t), err_msg=f"tensor {i}")
