"""Helpers for comparing ember with the reference, torch 2.13."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

DTYPE_NAMES = [
    "bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
    "float32", "float64", "complex64", "complex128",
]  # fmt: skip
FLOATS = ["float32", "float64"]
ALL_FLOATS = ["float16", "bfloat16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


def tdtype(name):
    return getattr(torch, name)


def edtype(name):
    return getattr(ember, name)


def to_torch(t, requires_grad=None):
    """An ember tensor as a torch tensor with the same values, dtype and strides."""
    a = t.detach()._data
    a = np.array(a, order="C", copy=True)
    if t.dtype is ember.bfloat16:
        out = torch.from_numpy(a.view(np.int16)).view(torch.bfloat16)
    else:
        out = torch.from_numpy(a)
    out = out.clone()
    if requires_grad if requires_grad is not None else t.requires_grad:
        out.requires_grad_(True)
    return out


def to_numpy(x):
    """A torch or ember tensor's values as a NumPy array (bf16 as float32)."""
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x.dtype == torch.bfloat16:
            return x.float().numpy()
        return x.numpy()
    a = x.detach()._data
    if a.dtype == ml_dtypes.bfloat16:
        return a.astype(np.float32)
    return np.asarray(a)


def from_torch(t):
    """A torch tensor as an ember tensor (copy)."""
    t = t.detach()
    if t.dtype == torch.bfloat16:
        a = t.view(torch.int16).numpy().view(ml_dtypes.bfloat16).copy()
    else:
        a = t.numpy().copy()
    return ember.from_numpy(a)


TOLS = {
    "float16": (1e-3, 1e-3),
    "bfloat16": (1.6e-2, 1e-2),
    "float32": (1.3e-5, 1e-5),
    "float64": (1e-7, 1e-7),
    "complex64": (1.3e-5, 1e-5),
    "complex128": (1e-7, 1e-7),
}


def assert_same(e, t, rtol=None, atol=None, check_dtype=True, msg=""):
    """ember result ``e`` equals torch result ``t``: type, dtype, shape and values."""
    if isinstance(t, (tuple, list)):
        assert isinstance(e, (tuple, list)), f"{msg}: expected a sequence, got {type(e)}"
        assert len(e) == len(t), f"{msg}: length {len(e)} != {len(t)}"
        for i, (a, b) in enumerate(zip(e, t)):
            assert_same(a, b, rtol, atol, check_dtype, f"{msg}[{i}]")
        return
    if not isinstance(t, torch.Tensor):
        if isinstance(t, float) and np.isnan(t):
            assert np.isnan(e), msg
        else:
            assert e == t or np.isclose(e, t), f"{msg}: {e} != {t}"
        return
    assert isinstance(e, ember.Tensor), f"{msg}: expected a Tensor, got {type(e).__name__}"
    assert tuple(e.shape) == tuple(t.shape), f"{msg}: shape {tuple(e.shape)} != {tuple(t.shape)}"
    if check_dtype:
        assert e.dtype.name == str(t.dtype).replace("torch.", ""), (
            f"{msg}: dtype {e.dtype.name} != {t.dtype}"
        )
    name = str(t.dtype).replace("torch.", "")
    r, a = TOLS.get(name, (0, 0))
    r = r if rtol is None else rtol
    a = a if atol is None else atol
    ev, tv = to_numpy(e), to_numpy(t)
    if ev.dtype == np.bool_ or np.issubdtype(ev.dtype, np.integer):
        np.testing.assert_array_equal(ev, tv, err_msg=msg)
    else:
        np.testing.assert_allclose(ev, tv, rtol=r, atol=a, equal_nan=True, err_msg=msg)


def make_pair(shape, dtype="float32", rng=None, low=-3, high=3, requires_grad=False,
              noncontig=False):  # fmt: skip
    """The same random values as an ember and a torch tensor."""
    rng = rng or np.random.default_rng(0)
    if dtype == "bool":
        a = rng.random(shape) > 0.5
    elif dtype in INTS:
        lo = 0 if dtype == "uint8" else low
        a = rng.integers(lo, max(high, lo + 1), size=shape).astype(dtype)
    elif dtype.startswith("complex"):
        a = (rng.uniform(low, high, shape) + 1j * rng.uniform(low, high, shape)).astype(dtype)
    else:
        npdt = ml_dtypes.bfloat16 if dtype == "bfloat16" else dtype
        a = rng.uniform(low, high, shape).astype(npdt)
    a = np.asarray(a)
    if noncontig and a.ndim >= 2:
        big = np.ascontiguousarray(np.swapaxes(a, -1, -2))
        e = ember.from_numpy(big).transpose(-1, -2)
    else:
        e = ember.from_numpy(a.copy())
    t = to_torch(e)
    if noncontig and a.ndim >= 2:
        t = to_torch(ember.from_numpy(big)).transpose(-1, -2)
    if requires_grad:
        e.requires_grad_(True)
        t.requires_grad_(True)
    return e, t
