"""Sorting and selection: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode,
quantile, nanquantile; unique, unique_consecutive; bincount, histc, histogram;
searchsorted, bucketize.

Selections are index-selecting records (see NOTE [ index-selecting records ] in
reduce.py). Sorting follows PyTorch: NaN is larger than every number, and among
equal elements a stable sort keeps the original order, also when descending.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from .. import _dtype as D
from .. import return_types as RT
from ._helpers import Tensor, check_tensor, dispatch, handle_out, wrap_dim
from ._registry import Op, export, register
from .reduce import (
    _check_nonempty,
    _evenly_bwd,
    _vi_rule,
    _word,
    pair,
    select_backward,
    take_along,
)


def _argsort(xp, x, dim, descending):
    """Stable argsort along ``dim`` with NaN largest (NumPy also puts NaN last)."""
    if not descending:
        return xp.argsort(x, axis=dim, kind="stable")
    n = x.shape[dim]
    r = xp.argsort(xp.flip(x, dim), axis=dim, kind="stable")
    return (n - 1) - xp.flip(r, dim)


def _sort_fwd(xp, x, dim=-1, descending=False, keepdim=True):
    if x.ndim == 0:
        return xp.zeros((), dtype=np.int64), x.copy()
    idx = _argsort(xp, x, dim, descending)
    return idx, xp.take_along_axis(x, idx, axis=dim)


def _select_op(name, fwd, grad_name="", rule=_vi_rule):
    return register(
        Op(name, fwd, select_backward, rule, "o", nout=2, grad_outputs=(1,), grad_name=grad_name)
    )


SORT = _select_op("sort", _sort_fwd)


def _pair_out(cls, res, out):
    if out is not None:
        return cls((handle_out(out[0], res[0]), handle_out(out[1], res[1])))
    return res


@export
def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    check_tensor("sort", input)
    if isinstance(dim, bool):  # sort(input, stable, dim=..., descending=...)
        dim = -1
    d = wrap_dim(dim, input.ndim)
    res = dispatch(SORT, (input,), {"dim": d, "descending": bool(descending), "keepdim": True})
    return _pair_out(RT.sort, pair(RT.sort, res), out)


@export
def argsort(input, dim=-1, descending=False, stable=False):
    return sort(input, dim, descending, stable).indices


@export
def msort(input, *, out=None):
    return handle_out(out, sort(input, 0).values)


def _topk_fwd(xp, x, k=1, dim=-1, largest=True, sorted=True, keepdim=True):  # noqa: A002
    if x.ndim == 0:
        return xp.zeros((), dtype=np.int64), x.copy()
    idx = _argsort(xp, x, dim, largest)
    idx = xp.take(idx, range(k), axis=dim)
    return idx, xp.take_along_axis(x, idx, axis=dim)


TOPK = _select_op("topk", _topk_fwd)


@export
def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):  # noqa: A002
    check_tensor("topk", input)
    d = wrap_dim(dim, input.ndim)
    size = input.shape[d] if input.ndim else 1
    if k < 0 or k > size:
        raise RuntimeError("selected index k out of range")
    attrs = {"k": int(k), "dim": d, "largest": bool(largest), "keepdim": True}
    return _pair_out(RT.topk, pair(RT.topk, dispatch(TOPK, (input,), attrs)), out)


# --- kthvalue / median / mode --------------------------------------------------------------


def _kth_fwd(xp, x, k=1, dim=0, keepdim=False, nan=False):
    """The k-th smallest (1-based) along ``dim``; ``nan``: k counts only non-NaN values."""
    if x.ndim == 0:
        return xp.zeros((), dtype=np.int64), x.copy()
    idx = _argsort(xp, x, dim, False)
    if nan:  # nanmedian: k depends on each slice's count of non-NaN values
        cnt = xp.sum(~xp.isnan(x), axis=dim, keepdims=True)
        pos = xp.where(cnt == 0, 0, (cnt - 1) // 2)
    elif k is None:  # median: NaN propagates (the first NaN of the slice is the answer)
        n = x.shape[dim]
        pos = xp.full(x.shape[:dim] + (1,) + x.shape[dim + 1 :], (n - 1) // 2)
        if x.dtype.kind == "f":
            isn = xp.isnan(x)
            pos = xp.where(xp.any(isn, axis=dim, keepdims=True),
                           n - xp.sum(isn, axis=dim, keepdims=True), pos)  # fmt: skip
    else:
        pos = xp.full(x.shape[:dim] + (1,) + x.shape[dim + 1 :], k - 1)
    i = xp.take_along_axis(idx, pos, axis=dim)
    v = xp.take_along_axis(x, i, axis=dim)
    if not keepdim:
        i, v = xp.squeeze(i, dim), xp.squeeze(v, dim)
    return i, v


KTHVALUE = _select_op("kthvalue", _kth_fwd)
MEDIAN_DIM = _select_op("median.dim", _kth_fwd, "MedianBackward1")
NANMEDIAN_DIM = _select_op("nanmedian.dim", _kth_fwd, "NanmedianBackward1")


@export
def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    check_tensor("kthvalue", input)
    d = wrap_dim(dim, input.ndim)
    _check_nonempty("kthvalue", input, (d,) if input.ndim else ())
    size = input.shape[d] if input.ndim else 1
    if k < 1 or k > size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    attrs = {"k": int(k), "dim": d, "keepdim": bool(keepdim)}
    return _pair_out(RT.kthvalue, pair(RT.kthvalue, dispatch(KTHVALUE, (input,), attrs)), out)


def _median_all_fwd(nan):
    def fwd(xp, x):
        flat = x.reshape(-1)
        if nan and flat.dtype.kind == "f":
            flat = flat[~xp.isnan(flat)]
            if flat.size == 0:
                return xp.asarray(np.nan, dtype=x.dtype)
        elif flat.dtype.kind == "f" and xp.isnan(flat).any():
            return xp.asarray(np.nan, dtype=x.dtype)
        s = xp.sort(flat, kind="stable")
        return s[(s.size - 1) // 2]

    return fwd


def _same(a, k):
    return (a[0].dtype,) * 2


MEDIAN_ALL = register(Op("median", _median_all_fwd(False), _evenly_bwd, _same, "io"))
NANMEDIAN_ALL = register(Op("nanmedian", _median_all_fwd(True), _evenly_bwd, _same, "io"))


def _median(name, input, dim, keepdim, out, all_op, dim_op, cls):
    check_tensor(name, input)
    if dim is None:
        if input.numel() == 0:
            return handle_out(out, Tensor._make(np.array(np.nan, input.dtype.np), input.dtype))
        return handle_out(out, dispatch(all_op, (input,)))
    d = wrap_dim(dim, input.ndim)
    _check_nonempty(name, input, (d,) if input.ndim else ())
    attrs = {"k": None, "dim": d, "keepdim": bool(keepdim), "nan": name == "nanmedian"}
    return _pair_out(cls, pair(cls, dispatch(dim_op, (input,), attrs)), out)


@export
def median(input, dim=None, keepdim=False, *, out=None):
    return _median("median", input, dim, keepdim, out, MEDIAN_ALL, MEDIAN_DIM, RT.median)


@export
def nanmedian(input, dim=None, keepdim=False, *, out=None):
    return _median(
        "nanmedian", input, dim, keepdim, out, NANMEDIAN_ALL, NANMEDIAN_DIM, RT.nanmedian
    )


def _mode_fwd(xp, x, dim=-1, keepdim=False):
    """Most frequent value (the smallest on ties) and the index of its last occurrence."""
    if x.ndim == 0:
        return xp.zeros((), dtype=np.int64), x.copy()
    xm = xp.moveaxis(x, dim, -1)
    flat = xm.reshape(-1, xm.shape[-1])
    vals = xp.empty(flat.shape[0], dtype=x.dtype)
    idx = xp.empty(flat.shape[0], dtype=np.int64)
    for r in range(flat.shape[0]):
        u, counts = np.unique(flat[r], return_counts=True)
        v = u[np.argmax(counts)]
        vals[r] = v
        idx[r] = (
            np.nonzero(flat[r] == v)[0][-1] if v == v else np.nonzero(flat[r] != flat[r])[0][-1]
        )
    shape = xm.shape[:-1]
    idx, vals = idx.reshape(shape), vals.reshape(shape)
    if keepdim:
        idx, vals = xp.expand_dims(idx, dim), xp.expand_dims(vals, dim)
    return idx, vals


MODE = _select_op("mode", _mode_fwd)


@export
def mode(input, dim=-1, keepdim=False, *, out=None):
    check_tensor("mode", input)
    d = wrap_dim(dim, input.ndim)
    _check_nonempty("mode", input, (d,) if input.ndim else ())
    res = pair(RT.mode, dispatch(MODE, (input,), {"dim": d, "keepdim": bool(keepdim)}))
    return _pair_out(RT.mode, res, out)


# --- quantile ------------------------------------------------------------------------------

_INTERP = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(name, input, q, dim, keepdim, interpolation, out, ignore_nan):
    check_tensor(name, input)
    if interpolation not in _INTERP:
        raise RuntimeError(
            f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest. "
            f"Got {interpolation}"
        )
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if input.numel() == 0 and dim is None or input.numel() == 0 and input.ndim == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if isinstance(q, Tensor):
        if q.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q.dtype is not input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        qs, q_scalar = np.asarray(q.detach()._data, dtype=np.float64).reshape(-1), q.ndim == 0
    else:
        qs, q_scalar = np.asarray([float(q)]), True
    if ((qs < 0) | (qs > 1)).any():
        bad = qs[(qs < 0) | (qs > 1)][0]
        raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {bad:g}")
    x = input
    if dim is None:
        x = x.reshape(-1)
        d = 0
    else:
        d = wrap_dim(dim, x.ndim)
        if x.ndim == 0:
            x = x.reshape(1)
    srt = sort(x, d).values
    xs = np.moveaxis(srt.detach()._data.astype(np.float64), d, -1)  # (..., n)
    n = xs.shape[-1]
    if n == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    nan_mask = np.isnan(xs)
    valid = n - nan_mask.sum(-1, keepdims=True)  # (..., 1)
    if ignore_nan:
        last = np.maximum(valid - 1, 0)
    else:
        last = np.full_like(valid, n - 1)
    ranks = qs.reshape((-1,) + (1,) * xs.ndim) * last  # (Q, ..., 1)
    if not ignore_nan:  # a NaN anywhere in the slice: the answer is NaN (the last, sorted)
        ranks = np.where(nan_mask.any(-1, keepdims=True), n - 1, ranks)
    if interpolation == "lower":
        ranks = np.floor(ranks)
    elif interpolation == "higher":
        ranks = np.ceil(ranks)
    elif interpolation == "nearest":
        ranks = np.round(ranks)
    lo = np.floor(ranks).astype(np.int64)
    hi = np.minimum(np.ceil(ranks).astype(np.int64), n - 1)
    frac = ranks - lo
    # gather the values: index tensors of shape (..., Q) along the sorted dim
    lo_t = _index_tensor(lo, d, srt.ndim)
    hi_t = _index_tensor(hi, d, srt.ndim)
    vlo = take_along(srt, lo_t, d)
    vhi = take_along(srt, hi_t, d)
    if interpolation == "midpoint":
        res = vlo + (vhi - vlo) * 0.5
    elif interpolation == "linear":
        w = Tensor._make(_index_array(frac, d, srt.ndim).astype(input.dtype.np), input.dtype)
        res = vlo + (vhi - vlo) * w
    else:
        res = vlo
    if ignore_nan:
        allnan = _index_array(np.broadcast_to(valid == 0, lo.shape), d, srt.ndim)
        if allnan.any():
            res = res + Tensor._make(np.where(allnan, np.nan, 0).astype(input.dtype.np),
                                     input.dtype)  # fmt: skip
    # move the quantile axis (at d) to the front, as PyTorch lays the result out
    res = res.movedim(d, 0)
    if keepdim:
        if dim is None:
            res = res.reshape((res.shape[0],) + (1,) * input.ndim)
        elif input.ndim:
            res = res.unsqueeze(d + 1)
    if q_scalar:
        res = res.squeeze(0)
    return handle_out(out, res)


def _index_array(a, d, ndim):
    """(Q, ..., 1) rank array -> the sorted tensor's layout with Q along dim ``d``."""
    a = np.moveaxis(a[..., 0], 0, -1)  # (..., Q)
    return np.moveaxis(a, -1, d) if ndim else a.reshape(())


def _index_tensor(a, d, ndim):
    return Tensor._make(np.ascontiguousarray(_index_array(a, d, ndim)), D.int64)


@export
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _quantile("quantile", input, q, dim, keepdim, interpolation, out, False)


@export
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, out, True)


# --- unique --------------------------------------------------------------------------------


def _long(a):
    return Tensor._make(np.ascontiguousarray(np.asarray(a, dtype=np.int64)), D.int64)


def _like(a, input):
    return Tensor._make(np.ascontiguousarray(np.asarray(a).astype(input.dtype.np)), input.dtype,
                        input.device)  # fmt: skip


def _result(vals, inv, counts, return_inverse, return_counts):
    if return_inverse and return_counts:
        return vals, inv, counts
    if return_inverse:
        return vals, inv
    if return_counts:
        return vals, counts
    return vals


@export(method=False)
def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each element of ``elements`` is in ``test_elements`` (a bool tensor)."""
    ref = elements if isinstance(elements, Tensor) else test_elements
    if not isinstance(ref, Tensor):
        raise TypeError("isin() received an invalid combination of arguments")

    def host(x):
        return x.detach().cpu()._data if isinstance(x, Tensor) else np.asarray(x)

    from .._creation import from_numpy

    res = np.isin(host(elements), host(test_elements), invert=bool(invert))
    return from_numpy(np.asarray(res)).to(ref.device)


@export
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    check_tensor("unique", input)
    a = input.detach()._host()
    if dim is None:
        u, inv, cnt = np.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        inv = inv.reshape(a.shape)
    else:
        d = wrap_dim(dim, input.ndim)
        if a.shape[d] == 0 and a.size == 0 and a.ndim > 1 and any(
                s == 0 for i, s in enumerate(a.shape) if i != d) is False:  # fmt: skip
            raise RuntimeError("Number of zero sized dimensions is more than one, so unique "
                               "cannot be applied")  # fmt: skip
        u, inv, cnt = np.unique(a, return_inverse=True, return_counts=True, axis=d)
        inv = inv.reshape(-1)
    return _result(_like(u, input), _long(inv), _long(cnt), return_inverse, return_counts)


@export
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    check_tensor("unique_consecutive", input)
    a = input.detach()._host()
    if dim is None:
        flat = a.reshape(-1)
        change = np.ones(flat.shape[0], dtype=bool)
        change[1:] = flat[1:] != flat[:-1]
        u = flat[change]
        inv = (np.cumsum(change) - 1).reshape(a.shape)
    else:
        d = wrap_dim(dim, input.ndim)
        m = np.moveaxis(a, d, 0).reshape(a.shape[d], -1)
        change = np.ones(m.shape[0], dtype=bool)
        change[1:] = (m[1:] != m[:-1]).any(axis=1)
        u = np.take(a, np.nonzero(change)[0], axis=d)
        inv = np.cumsum(change) - 1
    starts = np.nonzero(change)[0]
    cnt = np.diff(np.append(starts, change.shape[0]))
    return _result(_like(u, input), _long(inv), _long(cnt), return_inverse, return_counts)


# --- counting and histograms ---------------------------------------------------------------


@export(method=True)
def bincount(input, weights=None, minlength=0):
    check_tensor("bincount", input)
    if input.ndim != 1 or input.dtype.category != D.INT and input.dtype is not D.uint8:
        if input.dtype.is_floating_point or input.dtype is D.bool_:
            word = _word(input.dtype)
            raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{word}'")
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    a = input._host()
    if a.size and a.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return _long(np.bincount(a, minlength=minlength))
    if weights.shape != input.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    wdt = weights.dtype if weights.dtype in (D.float32, D.float64) else D.float64
    w = weights.detach()._host().astype(np.float64)
    return Tensor._make(np.bincount(a, w, minlength=minlength).astype(wdt.np), wdt)


def _hist_check(name, input):
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"{name}\" not implemented for '{_word(input.dtype)}'")


@export
def histc(input, bins=100, min=0, max=0, *, out=None):  # noqa: A002
    check_tensor("histc", input)
    _hist_check("histogram_cpu", input)
    if bins <= 0:
        raise RuntimeError("torch.histogram(): bins must be > 0, but got " + str(bins))
    a = input.detach()._host().astype(np.float64).reshape(-1)
    lo, hi = float(min), float(max)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo}, {hi}] is not finite")
    keep = (a >= lo) & (a <= hi)
    a = a[keep]
    pos = ((a - lo) * bins / (hi - lo)).astype(np.int64)
    pos = np.minimum(pos, bins - 1)
    h = np.bincount(pos, minlength=bins).astype(input.dtype.np)
    return handle_out(out, Tensor._make(h, input.dtype))


@export
def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):  # noqa: A002
    check_tensor("histogram", input)
    _hist_check("histogram_cpu", input)
    a = input.detach()._host().reshape(-1)
    w = None if weight is None else weight.detach()._host().reshape(-1)
    if isinstance(bins, Tensor):
        edges = bins.detach()._host()
    else:
        if range is None:
            lo, hi = (float(a.min()), float(a.max())) if a.size else (0.0, 0.0)
        else:
            lo, hi = float(range[0]), float(range[1])
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5  # NumPy widens by 0.5; PyTorch does the same
        edges = np.linspace(lo, hi, int(bins) + 1).astype(input.dtype.np)
    h, _ = np.histogram(a, bins=edges.astype(np.float64), weights=w, density=density)
    res = RT.histogram((_like(h, input), _like(edges, input)))
    if out is not None:
        return RT.histogram((handle_out(out[0], res[0]), handle_out(out[1], res[1])))
    return res


# --- searchsorted / bucketize --------------------------------------------------------------


def _search(seq, vals, right, sorter=None):
    if seq.ndim <= 1:
        s = seq if sorter is None else seq[sorter]
        return np.searchsorted(s, vals, side="right" if right else "left")
    out = np.empty(vals.shape, dtype=np.int64)
    s2, v2 = seq.reshape(-1, seq.shape[-1]), vals.reshape(-1, vals.shape[-1])
    o2 = out.reshape(-1, vals.shape[-1])
    srt = None if sorter is None else sorter.reshape(-1, seq.shape[-1])
    for r in builtins.range(s2.shape[0]):
        row = s2[r] if srt is None else s2[r][srt[r]]
        o2[r] = np.searchsorted(row, v2[r], side="right" if right else "left")
    return out


@export(method=False)
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None, out=None):  # fmt: skip
    check_tensor("searchsorted", sorted_sequence, "sorted_sequence")
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(
                f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}"
            )
        if right and side == "left":
            raise RuntimeError(
                "torch.searchsorted(): side and right can't be set to opposites, got side of "
                "left while right was True"
            )
        right = side == "right"
    scalar = not isinstance(input, Tensor)
    vals = np.asarray(input) if scalar else input.detach()._host()
    seq = sorted_sequence.detach()._host()
    if seq.ndim > 1 and (scalar or vals.shape[:-1] != seq.shape[:-1]):
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
            "dimensions of boundaries tensor and input value tensor must match, but we got "
            f"boundaries tensor {list(seq.shape)} and input value tensor {list(vals.shape)}"
        )
    srt = None if sorter is None else sorter.detach()._host()
    res = _search(seq, vals, right, srt)
    dt = D.int32 if out_int32 else D.int64
    return handle_out(out, Tensor._make(np.asarray(res).astype(dt.np), dt))


@export(method=False)
def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    check_tensor("bucketize", boundaries, "boundaries", 2)
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)
