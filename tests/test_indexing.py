"""Indexing against torch: random index expressions, views and memory, setitem and gradients."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember

from .util import assert_same, torch

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@st.composite
def shapes(draw, min_dims=1, max_dims=4):
    return tuple(draw(st.lists(st.integers(1, 4), min_size=min_dims, max_size=max_dims)))


@st.composite
def basic_index(draw, shape):
    """A tuple of ints, positive-step slices, None and at most one Ellipsis."""
    out, dim = [], 0
    ell = draw(st.booleans())
    while dim < len(shape):
        kind = draw(st.sampled_from(["int", "slice", "none", "stop"]))
        if kind == "stop":
            break
        if kind == "none":
            out.append(None)
            continue
        n = shape[dim]
        if kind == "int":
            out.append(draw(st.integers(-n, n - 1)))
        else:
            start = draw(st.none() | st.integers(-n - 1, n + 1))
            stop = draw(st.none() | st.integers(-n - 1, n + 1))
            step = draw(st.none() | st.integers(1, 3))
            out.append(slice(start, stop, step))
        dim += 1
    if ell:
        out.insert(draw(st.integers(0, len(out))), Ellipsis)
    return tuple(out)


@st.composite
def advanced_index(draw, shape):
    """A basic index with some dims replaced by lists, int tensors or bool masks."""
    key = list(draw(basic_index(shape)))
    dim = 0
    for i, k in enumerate(key):
        if k is None or k is Ellipsis:
            if k is Ellipsis:
                break
            continue
        n = shape[dim]
        choice = draw(st.sampled_from(["keep", "list", "tensor", "mask"]))
        if choice == "list":
            key[i] = draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=3))
        elif choice == "tensor":
            vals = draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=3))
            key[i] = ("tensor", np.array(vals, dtype=np.int64))
        elif choice == "mask":
            key[i] = ("tensor", np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n))))
        dim += 1
    return tuple(key)


def _key_for(mod, key):
    out = []
    for k in key:
        if isinstance(k, tuple) and k and k[0] == "tensor":
            arr = k[1]
            out.append(
                ember.from_numpy(arr.copy()) if mod is ember else torch.from_numpy(arr.copy())
            )
        else:
            out.append(k)
    return tuple(out)


def _pair(shape, seed=0, dtype="float64"):
    a = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return ember.from_numpy(a.copy()), torch.from_numpy(a.copy())


def _same_outcome(fe, ft):
    """Both raise the same exception type, or both return equal tensors."""
    try:
        expected = ft()
    except Exception as exc:  # torch refuses: so must ember
        with pytest.raises(type(exc)):
            fe()
        return None
    got = fe()
    assert_same(got, expected)
    return got, expected


@SETTINGS
@given(st.data())
def test_basic_index_matches_torch_and_is_a_view(data):
    shape = data.draw(shapes())
    key = data.draw(basic_index(shape))
    e, t = _pair(shape)
    res = _same_outcome(lambda: e[key], lambda: t[key])
    if res is None:
        return
    got, expected = res
    if got.numel():  # ember reports contiguous strides for empty tensors (core choice)
        # strides of size-1 dims carry no meaning; PyTorch and NumPy fill them differently
        big = [i for i, n in enumerate(got.shape) if n > 1]
        assert [got.stride()[i] for i in big] == [expected.stride()[i] for i in big]
        assert got.storage_offset() == expected.storage_offset()
    # a write through the view reaches the base and bumps the shared version counter
    v0 = e._version
    got.fill_(7.0)
    expected.fill_(7.0)
    assert e._version == v0 + 1 == got._version
    assert_same(e, t)


@SETTINGS
@given(st.data())
def test_advanced_index_matches_torch(data):
    shape = data.draw(shapes())
    key = data.draw(advanced_index(shape))
    e, t = _pair(shape)
    _same_outcome(lambda: e[_key_for(ember, key)], lambda: t[_key_for(torch, key)])


@SETTINGS
@given(st.data())
def test_setitem_matches_torch(data):
    shape = data.draw(shapes())
    key = data.draw(advanced_index(shape))
    e, t = _pair(shape)
    scalar = data.draw(st.booleans())
    try:
        target = tuple(t[_key_for(torch, key)].shape)
    except Exception:
        return
    if scalar:
        ve, vt = 2.5, 2.5
    else:
        vshape = target[data.draw(st.integers(0, len(target))) :]
        ve, vt = _pair(vshape, seed=1)

    def set_e():
        e[_key_for(ember, key)] = ve
        return e

    def set_t():
        t[_key_for(torch, key)] = vt
        return t

    _same_outcome(set_e, set_t)


@SETTINGS
@given(st.data())
def test_getitem_and_setitem_gradients_match_torch(data):
    shape = data.draw(shapes())
    key = data.draw(advanced_index(shape))
    e, t = _pair(shape)
    e.requires_grad_(True)
    t.requires_grad_(True)
    try:
        target = tuple(t.detach()[_key_for(torch, key)].shape)
    except Exception:
        return
    ve, vt = _pair(target, seed=2)
    ve.requires_grad_(True)
    vt.requires_grad_(True)
    we, wt = _pair(shape, seed=3)
    ye, yt = e * 1, t * 1
    ye[_key_for(ember, key)] = ve
    yt[_key_for(torch, key)] = vt
    ((ye * we).sum() + (e[_key_for(ember, key)] ** 2).sum()).backward()
    ((yt * wt).sum() + (t[_key_for(torch, key)] ** 2).sum()).backward()
    assert_same(e.grad, t.grad)
    assert_same(ve.grad, vt.grad)


def test_setitem_on_view_uses_copyslices_and_matches_torch():
    e, t = _pair((3, 4))
    for x in (e, t):
        x.requires_grad_(True)
    ve, vt = _pair((2,), seed=5)
    ye, yt = e * 2, t * 2
    ye[1][1:3] = ve * 3
    yt[1][1:3] = vt * 3
    assert ye.grad_fn.name() == yt.grad_fn.name()
    ye.sum().backward()
    yt.sum().backward()
    assert_same(e.grad, t.grad)


def test_view_shares_memory_and_version():
    base = ember.arange(12.0).reshape(3, 4)
    view = base[1:, ::2]
    assert view._base is base._base or view._base is base
    view[0, 0] = 100.0
    assert base[1, 0].item() == 100.0
    assert base._version == view._version
    d = base.diagonal()
    d.zero_()
    assert base[0, 0].item() == 0 and base[1, 1].item() == 0
    u = base.unfold(1, 2, 2)
    u[0, 0, 1] = -5.0
    assert base[0, 1].item() == -5.0


def test_negative_step_and_bad_indices_raise_like_torch():
    e, t = _pair((3, 4))
    assert_same(e[..., ...], t[..., ...])  # PyTorch lets every ellipsis skip the same dims
    for key in [slice(None, None, -1), 5, (0, 0, 0), 1.5, (0, slice(0, 2, 0))]:
        with pytest.raises(Exception) as texc:
            t[key]
        with pytest.raises(type(texc.value)):
            e[key]


def test_getitem_double_backward_matches_torch():
    e, t = _pair((4, 3))
    e.requires_grad_(True)
    t.requires_grad_(True)
    ge = ember.autograd.grad((e[[0, 0, 2], 1:] ** 3).sum(), e, create_graph=True)[0]
    gt = torch.autograd.grad((t[[0, 0, 2], 1:] ** 3).sum(), t, create_graph=True)[0]
    assert_same(ge, gt)
    gge = ember.autograd.grad((ge * ge).sum(), e)[0]
    assert_same(gge, torch.autograd.grad((gt * gt).sum(), t)[0])
