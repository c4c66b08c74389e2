"""Run one program under torch and under ember and compare what it returns."""

from __future__ import annotations

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _plain(x):
    """Results as plain Python/NumPy values, tensors tagged with their dtype."""
    if isinstance(x, (torch.Tensor, ember.Tensor)):
        x = x.detach()
        dt = str(x.dtype).split(".")[-1]
        if isinstance(x, torch.Tensor):
            a = x.float().numpy() if dt == "bfloat16" else x.numpy()
        else:
            a = np.asarray(x._data).astype(np.float32) if dt == "bfloat16" else np.asarray(x._data)
        return ("tensor", dt, np.array(a))
    if isinstance(x, (torch.Size, ember.Size)):
        return tuple(x)
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, tuple) and type(x) is not tuple:
        return ("struct", type(x).__name__, tuple(_plain(v) for v in x))
    if isinstance(x, (list, tuple)):
        return type(x)(_plain(v) for v in x)
    if isinstance(x, (torch.dtype, ember.dtype)):
        return ("dtype", str(x).split(".")[-1])
    return x


def _compare(e, t, rtol, atol, path):
    if isinstance(t, tuple) and t and t[0] == "tensor":
        assert isinstance(e, tuple) and e and e[0] == "tensor", f"{path}: not a tensor: {e!r}"
        assert e[1] == t[1], f"{path}: dtype {e[1]} != {t[1]}"
        assert e[2].shape == t[2].shape, f"{path}: shape {e[2].shape} != {t[2].shape}"
        if t[2].dtype.kind in "fc":
            np.testing.assert_allclose(e[2], t[2], rtol=rtol, atol=atol, err_msg=path)
        else:
            np.testing.assert_array_equal(e[2], t[2], err_msg=path)
        return
    if isinstance(t, dict):
        assert isinstance(e, dict), f"{path}: {type(e)} is not a dict"
        assert list(e) == list(t), f"{path}: keys {list(e)} != {list(t)}"
        for k in t:
            _compare(e[k], t[k], rtol, atol, f"{path}[{k!r}]")
        return
    if isinstance(t, (list, tuple)):
        assert type(e) is type(t), f"{path}: {type(e)} != {type(t)}"
        assert len(e) == len(t), f"{path}: length {len(e)} != {len(t)}"
        for i, (a, b) in enumerate(zip(e, t)):
            _compare(a, b, rtol, atol, f"{path}[{i}]")
        return
    if isinstance(t, float):
        assert isinstance(e, float), f"{path}: {type(e)} is not float"
        np.testing.assert_allclose(e, t, rtol=rtol, atol=atol, err_msg=path)
        return
    assert type(e) is type(t), f"{path}: {type(e)} != {type(t)} ({e!r} vs {t!r})"
    assert e == t, f"{path}: {e!r} != {t!r}"


def check(run, rtol=1e-4, atol=1e-5):
    """``run(torch)`` and ``run(ember)`` return the same values."""
    expected = _plain(run(torch))
    actual = _plain(run(ember))
    _compare(actual, expected, rtol, atol, "result")
