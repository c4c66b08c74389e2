"""Convolution primitives: forward, transposed (input gradient) and weight gradient.

NOTE [ convolution as three bilinear ops ]
``convolution(x, w)`` is linear in each argument, and so are its two gradients:
``conv_transpose(g, w)`` (the input gradient, and ConvTranspose's forward) and
``conv_weight(x, g)`` (the weight gradient). Each op's gradients are the other
two, so backward formulas call these ops and gradients of gradients work.

All three run as a few BLAS calls over a strided window view of the padded
input (no loops over pixels or the batch). The forward and the weight gradient
copy the windows once into columns (N, C*K, P) held in a reused per-thread
workspace (a fresh array per call costs more in page faults than the copy,
specs/dependencies.md §6) and multiply: ``w (O, C*K) @ cols`` per sample gives
NCHW output directly; ``g (O, P) @ cols^T`` per sample, summed over the batch,
gives the weight gradient. 1x1 stride-1 kernels use the input as its columns.
The transposed op is one batched GEMM into columns followed by a scatter-add
per kernel offset (col2im). Groups are a batch dim of the same GEMMs.

Padding is per spatial dim ``(lo, hi)``, either may be negative (a crop), so
'same' padding and the exact inverse shapes of the gradients need no special case.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from ._helpers import dispatch
from ._registry import Op, register

_WS = threading.local()
_WS_MAX = 256 << 20  # bytes; larger columns are allocated per call


def pad_zero(xp, x, pads):
    """``x`` zero-padded on its trailing ``len(pads)`` dims by ``(lo, hi)`` (negative: crop)."""
    nd = len(pads)
    if all(lo == 0 and hi == 0 for lo, hi in pads):
        return x
    lead = x.ndim - nd
    crop = [slice(None)] * lead
    grow = [(0, 0)] * lead
    for (lo, hi), n in zip(pads, x.shape[lead:]):
        crop.append(slice(max(-lo, 0), n - max(-hi, 0)))
        grow.append((max(lo, 0), max(hi, 0)))
    x = x[tuple(crop)]
    if any(g != (0, 0) for g in grow):
        out = xp.zeros(tuple(n + a + b for n, (a, b) in zip(x.shape, grow)), dtype=x.dtype)
        out[tuple(slice(a, a + n) for n, (a, _) in zip(x.shape, grow))] = x
        x = out
    return x


def windows(xp, x, ksize, stride, dilation, out=None):
    """A view (N, C, *out, *k) of the sliding windows of the (padded) input."""
    nd = len(ksize)
    sp = x.shape[2:]
    if out is None:
        out = tuple(
            (s - d * (k - 1) - 1) // st + 1 for s, k, st, d in zip(sp, ksize, stride, dilation)
        )
    st = x.strides
    shape = x.shape[:2] + tuple(out) + tuple(ksize)
    strides = st[:2] + tuple(st[2 + i] * stride[i] for i in range(nd))
    strides += tuple(st[2 + i] * dilation[i] for i in range(nd))
    return xp.lib.stride_tricks.as_strided(x, shape, strides, writeable=False)


def _workspace(xp, shape, dtype):
    """A scratch array for im2col columns, reused across calls (one per thread).

    A fresh multi-megabyte array costs more in first-touch page faults than the
    copy that fills it (specs/dependencies.md §6), so NumPy columns live in one
    growing per-thread buffer. Callers must not let the array escape the op.
    """
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    if xp is not np or nbytes > _WS_MAX:
        return xp.empty(shape, dtype=dtype)
    buf = getattr(_WS, "buf", None)
    if buf is None or buf.nbytes < nbytes:
        buf = np.empty(nbytes, dtype=np.uint8)
        _WS.buf = buf
    return buf[:nbytes].view(dtype).reshape(shape)


def im2col_cols(xp, x, ksize, stride, dilation, padding, out_sp=None):
    """Columns (N, C*prod(k), prod(out)) of the padded input: one strided copy, no Python loops.

    The result may be a view of ``x`` (1x1 kernels) or the scratch workspace: use it before
    the next call.
    """
    nd = len(ksize)
    n, c = x.shape[:2]
    plain = all(p == (0, 0) for p in padding)
    if plain and all(k == 1 for k in ksize) and all(s == 1 for s in stride):
        return x.reshape(n, c, math.prod(x.shape[2:]))
    win = windows(xp, pad_zero(xp, x, padding), ksize, stride, dilation, out_sp)
    out_sp = win.shape[2 : 2 + nd]
    perm = (0, 1) + tuple(range(2 + nd, 2 + 2 * nd)) + tuple(range(2, 2 + nd))
    cols = _workspace(xp, (n, c) + tuple(ksize) + tuple(out_sp), x.dtype)
    xp.copyto(cols, win.transpose(perm))
    return cols.reshape(n, c * math.prod(ksize), math.prod(out_sp))


def _out_sp(in_sp, ksize, stride, padding, dilation):
    z = zip(in_sp, ksize, stride, padding, dilation)
    return tuple((s + lo + hi - d * (k - 1) - 1) // st + 1 for s, k, st, (lo, hi), d in z)


def _conv_fwd(xp, x, w, b=None, stride=(1,), padding=((0, 0),), dilation=(1,), groups=1):
    nd = w.ndim - 2
    ksize = w.shape[2:]
    n = x.shape[0]
    o = w.shape[0]
    out_sp = _out_sp(x.shape[2:], ksize, stride, padding, dilation)
    cols = im2col_cols(xp, x, ksize, stride, dilation, padding, out_sp)
    ck = cols.shape[1] // groups
    # (G, O/G, Cg*K) @ (N, G, Cg*K, P): one GEMM per sample and group, NCHW out
    cols = cols.reshape(n, groups, ck, math.prod(out_sp))
    y = xp.matmul(w.reshape(groups, o // groups, ck), cols)
    y = y.reshape((n, o) + tuple(out_sp))
    if b is not None:
        y += b.reshape((1, -1) + (1,) * nd)
    return y


def col2im(xp, cols, out_sp, stride, dilation, lo):
    """Scatter-add columns (N, C, *k, *L) into an image (N, C, *out_sp), cropping ``lo``."""
    nd = len(out_sp)
    n, c = cols.shape[:2]
    ksize = cols.shape[2 : 2 + nd]
    ins = cols.shape[2 + nd :]
    full = [max((i - 1) * s + d * (k - 1) + 1, l + o)
            for i, s, d, k, l, o in zip(ins, stride, dilation, ksize, lo, out_sp)]  # fmt: skip
    img = xp.zeros((n, c) + tuple(full), dtype=cols.dtype)
    for kk in np.ndindex(*ksize):
        sl = tuple(slice(kd * d, kd * d + (i - 1) * s + 1, s)
                   for kd, d, i, s in zip(kk, dilation, ins, stride))  # fmt: skip
        img[(slice(None), slice(None)) + sl] += cols[(slice(None), slice(None)) + kk]
    crop = tuple(slice(l, l + o) for l, o in zip(lo, out_sp))
    res = img[(slice(None), slice(None)) + crop]
    if res.shape[2:] != tuple(out_sp):  # negative lo: grow on the left
        res = pad_zero(xp, res, [(max(-l, 0), o - r - max(-l, 0))
                                 for l, o, r in zip(lo, out_sp, res.shape[2:])])  # fmt: skip
    return res


def _convt_fwd(xp, g, w, b=None, stride=(1,), lo=(0,), out_size=(1,), dilation=(1,), groups=1):
    """y (N, w.shape[1]*groups, *out_size) = the transpose of convolution applied to g."""
    nd = w.ndim - 2
    ksize = w.shape[2:]
    n = g.shape[0]
    ins = g.shape[2:]
    og = w.shape[0] // groups
    cg = w.shape[1]
    kk = math.prod(ksize)
    if all(s == 1 for s in stride):
        # stride 1: a correlation of the padded g with the flipped kernel (one im2col + GEMM)
        # beats columns + col2im's scatter-adds, which write K times the image
        wf = w.reshape((groups, og, cg) + tuple(ksize))[(Ellipsis,) + (slice(None, None, -1),) * nd]
        wf = wf.swapaxes(1, 2).reshape(groups, cg, og * kk)
        pads = tuple((d * (k - 1) - low, o - i + low)
                     for d, k, low, o, i in zip(dilation, ksize, lo, out_size, ins))  # fmt: skip
        cols = im2col_cols(xp, g, ksize, stride, dilation, pads, tuple(out_size))
        cols = cols.reshape(n, groups, og * kk, math.prod(out_size))
        y = xp.matmul(wf, cols).reshape((n, groups * cg) + tuple(out_size))
    else:
        p = math.prod(ins)
        gr = g.reshape(n, groups, og, p)
        wr = w.reshape(groups, og, cg * kk).swapaxes(1, 2)  # (G, Cg*K, Og)
        cols = xp.matmul(wr, gr, out=_workspace(xp, (n, groups, cg * kk, p), g.dtype))
        cols = cols.reshape((n, groups * cg) + tuple(ksize) + tuple(ins))
        y = xp.ascontiguousarray(col2im(xp, cols, out_size, stride, dilation, lo))
    if b is not None:
        y += b.reshape((1, -1) + (1,) * nd)
    return y


def _convw_fwd(xp, x, g, stride=(1,), padding=((0, 0),), dilation=(1,), groups=1, ksize=(1,)):
    n, c = x.shape[:2]
    o = g.shape[1]
    cols = im2col_cols(xp, x, ksize, stride, dilation, padding, g.shape[2:])
    ck = cols.shape[1] // groups
    p = math.prod(g.shape[2:])
    cols = cols.reshape(n, groups, ck, p)
    gr = g.reshape(n, groups, o // groups, p)
    # per sample (O/G, P) @ (P, Cg*K), then the sum over the batch
    gw = xp.matmul(gr, cols.swapaxes(-1, -2)).sum(axis=0)
    return gw.reshape((o, c // groups) + tuple(ksize))


def _same_float(args, attrs):
    dt = args[0].dtype
    return dt, dt


def _spatial_sum_dims(nd):
    return [0] + list(range(2, 2 + nd))


def _bias_grad(c, g, nd):
    if len(c.next_edges) > 2 and c.next_edges[2] is not None:
        return g.sum(_spatial_sum_dims(nd))
    return None


def _transpose_hi(in_sp, out_sp, lo, ksize, stride, dilation):
    """The right padding that makes convolution map ``out_sp`` back to exactly ``in_sp``."""
    z = zip(in_sp, out_sp, lo, ksize, stride, dilation)
    return tuple((i - 1) * s + d * (k - 1) + 1 - o - low for i, o, low, k, s, d in z)


def _conv_bwd(c, g):
    x, w = c.inputs[0], c.inputs[1]
    a = c.attrs
    lo = tuple(p[0] for p in a["padding"])
    gx = gw = None
    if c.next_edges[0] is not None:
        gx = conv_transpose_op(g, w, None, a["stride"], lo, tuple(x.shape[2:]), a["dilation"],
                               a["groups"])  # fmt: skip
    if c.next_edges[1] is not None:
        gw = conv_weight_op(x, g, a["stride"], a["padding"], a["dilation"], a["groups"],
                            tuple(w.shape[2:]))  # fmt: skip
    res = (gx, gw)
    if len(c.next_edges) > 2:
        res += (_bias_grad(c, g, w.ndim - 2),)
    return res


def _convt_bwd(c, g):
    x, w = c.inputs[0], c.inputs[1]
    a = c.attrs
    ksize = tuple(w.shape[2:])
    hi = _transpose_hi(x.shape[2:], g.shape[2:], a["lo"], ksize, a["stride"], a["dilation"])
    pads = tuple(zip(a["lo"], hi))
    gx = gw = None
    if c.next_edges[0] is not None:
        gx = conv_op(g, w, None, a["stride"], pads, a["dilation"], a["groups"])
    if c.next_edges[1] is not None:
        gw = conv_weight_op(g, x, a["stride"], pads, a["dilation"], a["groups"], ksize)
    res = (gx, gw)
    if len(c.next_edges) > 2:
        res += (_bias_grad(c, g, w.ndim - 2),)
    return res


def _convw_bwd(c, gg):
    x, g = c.inputs
    a = c.attrs
    lo = tuple(p[0] for p in a["padding"])
    gx = gg_ = None
    if c.next_edges[0] is not None:
        gx = conv_transpose_op(g, gg, None, a["stride"], lo, tuple(x.shape[2:]), a["dilation"],
                               a["groups"])  # fmt: skip
    if c.next_edges[1] is not None:
        gg_ = conv_op(x, gg, None, a["stride"], a["padding"], a["dilation"], a["groups"])
    return gx, gg_


CONV = register(Op("convolution", _conv_fwd, _conv_bwd, _same_float, save="i",
                   grad_name="ConvolutionBackward0"))  # fmt: skip
CONV_T = register(Op("conv_transpose", _convt_fwd, _convt_bwd, _same_float, save="i",
                     grad_name="ConvolutionBackward0"))  # fmt: skip
CONV_W = register(Op("conv_weight", _convw_fwd, _convw_bwd, _same_float, save="i",
                     grad_name="ConvolutionBackwardBackward0"))  # fmt: skip


def _args(x, w, b):
    return (x, w) if b is None else (x, w, b)


def conv_op(x, w, b, stride, padding, dilation, groups):
    """Cross-correlation; ``padding`` is ((lo, hi), ...) per spatial dim."""
    attrs = {"stride": tuple(stride), "padding": tuple(tuple(p) for p in padding),
             "dilation": tuple(dilation), "groups": int(groups)}  # fmt: skip
    return dispatch(CONV, _args(x, w, b), attrs)


def conv_transpose_op(x, w, b, stride, lo, out_size, dilation, groups):
    """The transpose of ``conv_op`` (w: (C_in, C_out/groups, *k)), cropped by ``lo``."""
    attrs = {"stride": tuple(stride), "lo": tuple(lo), "out_size": tuple(out_size),
             "dilation": tuple(dilation), "groups": int(groups)}  # fmt: skip
    return dispatch(CONV_T, _args(x, w, b), attrs)


def conv_weight_op(x, g, stride, padding, dilation, groups, ksize):
    """The gradient of ``conv_op`` with respect to its weight."""
    attrs = {"stride": tuple(stride), "padding": tuple(tuple(p) for p in padding),
             "dilation": tuple(dilation), "groups": int(groups), "ksize": tuple(ksize)}  # fmt: skip
    return dispatch(CONV_W, (x, g), attrs)


# --- im2col / col2im (F.unfold / F.fold) -------------------------------------------------------


def _im2col_fwd(xp, x, ksize=(1,), dilation=(1,), padding=(0,), stride=(1,)):
    nd = len(ksize)
    xpad = pad_zero(xp, x, [(p, p) for p in padding])
    win = windows(xp, xpad, ksize, stride, dilation)
    n, c = x.shape[:2]
    perm = (0, 1) + tuple(range(2 + nd, 2 + 2 * nd)) + tuple(range(2, 2 + nd))
    return xp.ascontiguousarray(win.transpose(perm)).reshape(n, c * math.prod(ksize), -1)


def _col2im_fwd(xp, cols, out_size=(1,), ksize=(1,), dilation=(1,), padding=(0,), stride=(1,)):
    n = cols.shape[0]
    kk = math.prod(ksize)
    c = cols.shape[1] // kk
    blocks = tuple(
        (o + 2 * p - d * (k - 1) - 1) // s + 1
        for o, p, d, k, s in zip(out_size, padding, dilation, ksize, stride)
    )
    cr = cols.reshape((n, c) + tuple(ksize) + blocks)
    return xp.ascontiguousarray(col2im(xp, cr, out_size, stride, dilation, padding))


def _im2col_bwd(c, g):
    a = c.attrs
    return (col2im_op(g, tuple(c.input_meta[0][0][2:]), a["ksize"], a["dilation"], a["padding"],
                      a["stride"]),)  # fmt: skip


def _col2im_bwd(c, g):
    a = c.attrs
    return (im2col_op(g, a["ksize"], a["dilation"], a["padding"], a["stride"]),)


IM2COL = register(Op("im2col", _im2col_fwd, _im2col_bwd, _same_float,
                     grad_name="Im2ColBackward0"))  # fmt: skip
COL2IM = register(Op("col2im", _col2im_fwd, _col2im_bwd, _same_float,
                     grad_name="Col2ImBackward0"))  # fmt: skip


def im2col_op(x, ksize, dilation, padding, stride):
    attrs = {"ksize": tuple(ksize), "dilation": tuple(dilation), "padding": tuple(padding),
             "stride": tuple(stride)}  # fmt: skip
    return dispatch(IM2COL, (x,), attrs)


def col2im_op(cols, out_size, ksize, dilation, padding, stride):
    attrs = {"out_size": tuple(out_size), "ksize": tuple(ksize), "dilation": tuple(dilation),
             "padding": tuple(padding), "stride": tuple(stride)}  # fmt: skip
    return dispatch(COL2IM, (cols,), attrs)
