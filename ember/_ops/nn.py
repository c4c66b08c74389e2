"""Primitives behind nn.functional's pooling, resampling, padding and embedding.

NOTE [ separable linear maps ]
Average pooling (plain and adaptive), every interpolation mode but grid_sample,
and the reflect/replicate/circular pads act on one spatial dim at a time as a
fixed sparse linear map: output position ``o`` along ``dim`` is
``sum_t w[o, t] * x[idx[o, t]]``. ``linmap`` is that map, ``linmap_t`` its
transpose; each is the other's gradient, so all of them get first and second
derivatives from two records. The index/weight tables are built once per call
in nn/_functional from the sizes, following PyTorch's index arithmetic.

Max pooling, max unpooling, adaptive max pooling and grid_sample pick elements:
``gather_flat(x, idx)`` reads ``x`` (N, C, *S) at flat spatial indices and
``scatter_flat`` is its transpose (a sum into zeros).
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from ._helpers import dispatch
from ._registry import Op, register


def _first(args, attrs):
    dt = args[0].dtype
    return dt, dt


# --- linmap / linmap_t -------------------------------------------------------------------------


def _linmap_fwd(xp, x, dim=0, idx=None, w=None, size=0):
    o, t = idx.shape
    if w is None and t == 1:
        return xp.take(x, xp.asarray(idx[:, 0]), axis=dim)
    taken = xp.take(x, xp.asarray(idx.ravel()), axis=dim)
    shape = x.shape[:dim] + (o, t) + x.shape[dim + 1 :]
    taken = taken.reshape(shape)
    wb = xp.asarray(w, dtype=x.dtype).reshape((o, t) + (1,) * (x.ndim - dim - 1))
    return (taken * wb).sum(axis=dim + 1)


def _linmap_t_fwd(xp, g, dim=0, idx=None, w=None, size=0):
    o, t = idx.shape
    gm = xp.moveaxis(g, dim, -1)
    lead = gm.shape[:-1]
    g2 = gm.reshape(-1, o)
    out = xp.zeros((g2.shape[0], size), dtype=g.dtype)
    for j in range(t):
        ix = idx[:, j]
        vals = g2 if w is None else g2 * xp.asarray(w[:, j], dtype=g.dtype)
        if o and np.all(ix[1:] >= ix[:-1]):
            starts = np.flatnonzero(np.r_[True, ix[1:] != ix[:-1]])
            sums = xp.add.reduceat(vals, xp.asarray(starts), axis=1) if o else vals
            out[:, xp.asarray(ix[starts])] += sums
        else:
            xp.add.at(out, (slice(None), xp.asarray(ix)), vals)
    out = out.reshape(lead + (size,))
    return xp.ascontiguousarray(xp.moveaxis(out, -1, dim))


def _linmap_bwd(c, g):
    a = c.attrs
    size = c.input_meta[0][0][a["dim"]]
    return (linmap_t(g, a["dim"], a["idx"], a["w"], size),)


def _linmap_t_bwd(c, g):
    a = c.attrs
    return (linmap(g, a["dim"], a["idx"], a["w"]),)


LINMAP = register(Op("linmap", _linmap_fwd, _linmap_bwd, _first))
LINMAP_T = register(Op("linmap_t", _linmap_t_fwd, _linmap_t_bwd, _first))


def linmap(x, dim, idx, w=None):
    """``y[.., o, ..] = sum_t w[o, t] * x[.., idx[o, t], ..]`` along ``dim`` (see the NOTE)."""
    return dispatch(LINMAP, (x,), {"dim": dim, "idx": idx, "w": w})


def linmap_t(g, dim, idx, w, size):
    return dispatch(LINMAP_T, (g,), {"dim": dim, "idx": idx, "w": w, "size": size})


# --- gather_flat / scatter_flat ----------------------------------------------------------------


def _gather_fwd(xp, x, idx):
    n, c = x.shape[:2]
    xf = x.reshape(n, c, -1)
    out = xp.take_along_axis(xf, xp.broadcast_to(idx, (n, c) + idx.shape[2:]).reshape(n, c, -1),
                             axis=2)  # fmt: skip
    return out.reshape((n, c) + idx.shape[2:])


def _scatter_fwd(xp, g, idx, size=()):
    n, c = g.shape[:2]
    flat_n = int(np.prod(size))
    ix = xp.broadcast_to(idx, g.shape).reshape(n * c, -1)
    base = (xp.arange(n * c) * flat_n)[:, None]
    weights = g.reshape(n * c, -1)
    if weights.dtype.kind == "c":
        out = xp.zeros(n * c * flat_n, dtype=g.dtype)
        xp.add.at(out, (ix + base).ravel(), weights.ravel())
    else:
        out = xp.bincount((ix + base).ravel(), weights=weights.ravel(), minlength=n * c * flat_n)
    return out.astype(g.dtype, copy=False).reshape((n, c) + tuple(size))


def _gather_bwd(c, g):
    x_shape = c.input_meta[0][0]
    return scatter_flat(g, c.inputs[1], tuple(x_shape[2:])), None


def _scatter_bwd(c, g):
    return gather_flat(g, c.inputs[1]), None


GATHER_FLAT = register(Op("gather_flat", _gather_fwd, _gather_bwd, _first, save="i", nocast=(1,)))
SCATTER_FLAT = register(Op("scatter_flat", _scatter_fwd, _scatter_bwd, _first, save="i",
                           nocast=(1,)))  # fmt: skip


def gather_flat(x, idx):
    """``x`` (N, C, *S) read at ``idx`` (N or 1, C or 1, *O), flat indices into S."""
    return dispatch(GATHER_FLAT, (x, idx))


def scatter_flat(g, idx, size):
    """The transpose of :func:`gather_flat`: ``g`` summed into zeros of spatial ``size``."""
    return dispatch(SCATTER_FLAT, (g, idx), {"size": tuple(size)})


# --- constant padding --------------------------------------------------------------------------


def _cpad_fwd(xp, x, pads=(), value=0):
    """``pads``: ((lo, hi), ...) for the trailing dims; negative entries crop."""
    nd = len(pads)
    lead = x.ndim - nd
    crop = [slice(None)] * lead
    for (lo, hi), n in zip(pads, x.shape[lead:]):
        crop.append(slice(max(-lo, 0), max(n - max(-hi, 0), max(-lo, 0))))
    x = x[tuple(crop)]
    grow = [(max(lo, 0), max(hi, 0)) for lo, hi in pads]
    if all(g == (0, 0) for g in grow):
        return x.copy()
    shape = x.shape[:lead] + tuple(n + a + b for n, (a, b) in zip(x.shape[lead:], grow))
    out = xp.full(shape, value, dtype=x.dtype)
    out[(slice(None),) * lead + tuple(slice(a, a + n) for n, (a, _) in
                                      zip(x.shape[lead:], grow))] = x  # fmt: skip
    return out


def _cpad_bwd(c, g):
    pads = tuple((-lo, -hi) for lo, hi in c.attrs["pads"])
    return (constant_pad(g, pads, 0),)


CONSTANT_PAD = register(Op("constant_pad_nd", _cpad_fwd, _cpad_bwd, _first,
                           upcast_half=False))  # fmt: skip


def constant_pad(x, pads, value=0):
    return dispatch(CONSTANT_PAD, (x,), {"pads": tuple(pads), "value": value})


# --- embedding ---------------------------------------------------------------------------------


def _emb_fwd(xp, w, idx, padding_idx=None, scale_grad_by_freq=False):
    return xp.take(w, idx, axis=0)


def _emb_bwd(c, g):
    idx = c.inputs[1]
    a = c.attrs
    gw = embedding_backward(g, idx, c.input_meta[0][0][0], a.get("padding_idx"),
                            a.get("scale_grad_by_freq", False))  # fmt: skip
    return gw, None


def _emb_back_fwd(xp, g, idx, num=0, padding_idx=None, scale_grad_by_freq=False):
    d = g.shape[-1]
    flat = idx.ravel()
    g2 = g.reshape(-1, d)
    if scale_grad_by_freq:
        counts = xp.bincount(flat, minlength=num)
        g2 = g2 / counts[flat][:, None].astype(g2.dtype)
    if padding_idx is not None:
        keep = flat != padding_idx
        flat, g2 = flat[keep], g2[keep]
    out = xp.zeros((num, d), dtype=g.dtype)
    xp.add.at(out, flat, g2)
    return out


def _emb_back_bwd(c, gg):
    idx = c.inputs[1]
    a = c.attrs
    y = embedding(gg, idx)
    if a.get("padding_idx") is not None or a.get("scale_grad_by_freq"):
        flat = idx._data.ravel()
        scale = np.ones(flat.shape, dtype=gg.dtype.np)
        if a.get("scale_grad_by_freq"):
            counts = np.bincount(flat, minlength=a["num"])
            scale = scale / counts[flat]
        if a.get("padding_idx") is not None:
            scale[flat == a["padding_idx"]] = 0
        from .._creation import tensor

        y = y * tensor(scale.reshape(idx.shape + (1,)), dtype=gg.dtype)
    return y, None


EMBEDDING = register(Op("embedding", _emb_fwd, _emb_bwd, _first, save="i", nocast=(1,)))
EMBEDDING_BACKWARD = register(Op("embedding_dense_backward", _emb_back_fwd, _emb_back_bwd, _first,
                                 save="i", nocast=(1,)))  # fmt: skip


def embedding(w, idx, padding_idx=None, scale_grad_by_freq=False):
    attrs = {}
    if padding_idx is not None:
        attrs["padding_idx"] = padding_idx
    if scale_grad_by_freq:
        attrs["scale_grad_by_freq"] = True
    return dispatch(EMBEDDING, (w, idx), attrs)


def embedding_backward(g, idx, num, padding_idx=None, scale_grad_by_freq=False):
    return dispatch(
        EMBEDDING_BACKWARD,
        (g, idx),
        {"num": num, "padding_idx": padding_idx, "scale_grad_by_freq": scale_grad_by_freq},
    )


def is_index(t) -> bool:
    return t.dtype in (D.int64, D.int32)


# --- batch norm (training) ---------------------------------------------------------------------
# A primitive for speed: the composite makes about ten passes and temporaries over the
# activation; this forward makes two (the statistics come in as attrs, computed once by
# nn.functional.batch_norm). Backward is fused NumPy when no graph of the gradient is
# wanted, and ember ops recomputing the statistics from x otherwise (double backward).


def _bn_shape(ndim):
    return (1, -1) + (1,) * (ndim - 2)


def _bn_fwd(xp, x, w, b, mean=None, invstd=None, eps=1e-5):
    shp = _bn_shape(x.ndim)
    scale = (invstd * w).astype(x.dtype, copy=False)
    shift = (b - mean * scale).astype(x.dtype, copy=False)
    y = x * scale.reshape(shp)
    y += shift.reshape(shp)
    return y


def _bn_bwd(c, g):
    from .._autograd.grad_mode import is_grad_enabled

    x, w, _ = c.inputs
    dims = (0,) + tuple(range(2, x.ndim))
    need = [e is not None for e in c.next_edges]
    if is_grad_enabled():
        return _bn_bwd_graph(c, g, x, w, list(dims), need)
    from .._tensor import Tensor

    a = c.attrs
    shp = _bn_shape(x.ndim)
    xd, gd = x._data, g._data
    m = xd.size // max(xd.shape[1], 1)
    xhat = xd - a["mean"].reshape(shp)
    xhat *= a["invstd"].reshape(shp)
    gsum = gd.sum(axis=dims)
    gxs = (gd * xhat).sum(axis=dims)
    gx = None
    if need[0]:
        xhat *= (gxs / m).reshape(shp)
        gx = gd - xhat
        gx -= (gsum / m).reshape(shp)
        gx *= (w._data * a["invstd"]).reshape(shp)
        gx = Tensor._make(gx, x.dtype, x.device)
    gw = Tensor._make(gxs, w.dtype, w.device) if need[1] else None
    gb = Tensor._make(gsum, w.dtype, w.device) if need[2] else None
    return gx, gw, gb


def _bn_bwd_graph(c, g, x, w, dims, need):
    shp = _bn_shape(x.ndim)
    mean = x.mean(dims, keepdim=True)
    xc = x - mean
    invstd = ((xc * xc).mean(dims, keepdim=True) + c.attrs["eps"]).rsqrt()
    xhat = xc * invstd
    gxhat = g * xhat
    gx = gw = gb = None
    if need[0]:
        gx = g - g.mean(dims, keepdim=True) - xhat * gxhat.mean(dims, keepdim=True)
        gx = gx * (invstd * w.reshape(shp))
    if need[1]:
        gw = gxhat.sum(dims)
    if need[2]:
        gb = g.sum(dims)
    return gx, gw, gb


BATCH_NORM = register(Op("native_batch_norm", _bn_fwd, _bn_bwd, _first, save="i",
                         grad_name="NativeBatchNormBackward0"))  # fmt: skip


def batch_norm_train(x, w, b, mean, invstd, eps):
    """Batch norm of ``x`` with batch statistics ``mean``/``invstd`` (arrays, per channel)."""
    return dispatch(BATCH_NORM, (x, w, b), {"mean": mean, "invstd": invstd, "eps": eps})
