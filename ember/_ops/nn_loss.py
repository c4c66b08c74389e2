"""Primitives behind the losses: class picking (NLL, margins) and CTC.

Most losses are composites of elementwise ops and reductions. Two things are not:

* picking ``input[n, target[n, ...], ...]`` along the class dim, with
  ``ignore_index``. A pair of records (pick, and its adjoint scatter) keeps
  NLL and cross entropy one cheap op each, and each is the other's backward,
  so gradients of gradients work.
* CTC: the alpha/beta recursions run in log space on the array module,
  vectorised over the batch; the gradient is a second record, as in PyTorch
  (which has no double backward for CTC either).
"""

from __future__ import annotations

import numpy as np

from . import _registry as R
from ._helpers import dispatch
from ._registry import Op, register

# --- class pick / scatter ----------------------------------------------------------------


def _targets(xp, t, ignore_index, ncls):
    t = t.astype(np.int64, copy=False)
    ignored = t == ignore_index
    tt = xp.where(ignored, 0, t)
    bad = (tt < 0) | (tt >= ncls)
    if bad.any():
        raise IndexError(f"Target {int(t[bad].ravel()[0])} is out of bounds.")
    return tt, ignored


def _pick_fwd(xp, x, t, ignore_index=-100):
    tt, ignored = _targets(xp, t, ignore_index, x.shape[1])
    out = xp.take_along_axis(x, tt[:, None], axis=1)[:, 0]
    return xp.where(ignored, xp.zeros((), dtype=x.dtype), out)


def _pick_bwd(c, g):
    t = c.inputs[1]
    return class_scatter(g, t, c.input_meta[0][0][1], c.attrs["ignore_index"]), None


def _scatter_fwd(xp, g, t, ncls=1, ignore_index=-100):
    tt, ignored = _targets(xp, t, ignore_index, ncls)
    out = xp.zeros((g.shape[0], ncls) + g.shape[1:], dtype=g.dtype)
    vals = xp.where(ignored, xp.zeros((), dtype=g.dtype), g)
    xp.put_along_axis(out, tt[:, None], vals[:, None], axis=1)
    return out


def _scatter_bwd(c, g):
    t = c.inputs[1]
    return class_pick(g, t, c.attrs["ignore_index"]), None


CLASS_PICK = register(
    Op("class_pick", _pick_fwd, _pick_bwd, R.same, "i", nocast=(1,), grad_name="GatherBackward0")
)
CLASS_SCATTER = register(
    Op(
        "class_scatter",
        _scatter_fwd,
        _scatter_bwd,
        R.same,
        "i",
        nocast=(1,),
        grad_name="ScatterBackward0",
    )  # fmt: skip
)


def class_pick(input, target, ignore_index=-100):
    """``input[n, target[n, ...], ...]`` for input (N, C, ...); 0 where ignored."""
    return dispatch(CLASS_PICK, (input, target), {"ignore_index": int(ignore_index)})


def class_scatter(grad, target, ncls, ignore_index=-100):
    """The adjoint of :func:`class_pick`: ``grad`` placed at ``target`` in zeros (N, C, ...)."""
    attrs = {"ncls": int(ncls), "ignore_index": int(ignore_index)}
    return dispatch(CLASS_SCATTER, (grad, target), attrs)


# --- CTC -----------------------------------------------------------------------------------


def _lse(xp, *arrs):
    m = arrs[0]
    for a in arrs[1:]:
        m = xp.maximum(m, a)
    safe = xp.where(xp.isfinite(m), m, 0)
    s = sum(xp.exp(a - safe) for a in arrs)
    with np.errstate(divide="ignore"):
        return xp.log(s) + safe


def _ctc_setup(xp, lp, targets, il, tl, blank):
    T, N, C = lp.shape
    il = il.astype(np.int64).reshape(-1)
    tl = tl.astype(np.int64).reshape(-1)
    targets = targets.astype(np.int64)
    smax = int(tl.max()) if tl.size else 0
    if targets.ndim == 1:  # concatenated targets
        padded = xp.zeros((N, smax), dtype=np.int64)
        off = 0
        for n in range(N):
            padded[n, : tl[n]] = targets[off : off + tl[n]]
            off += int(tl[n])
    else:
        padded = targets[:, :smax].copy()
    s = 2 * smax + 1
    ext = xp.full((N, s), blank, dtype=np.int64)
    ext[:, 1::2] = padded
    pos = xp.arange(s)
    valid = pos[None, :] <= 2 * tl[:, None]
    ext = xp.where(valid, ext, blank)
    # the skip transition s-2 -> s is allowed for labels that differ from the label two back
    skip = xp.zeros((N, s), dtype=bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    emit = lp[:, xp.arange(N)[:, None], ext]  # (T, N, S)
    return il, tl, ext, valid, skip, emit


def _ctc_alpha(xp, emit, il, tl, valid, skip):
    T, N, S = emit.shape
    ninf = -np.inf
    alpha = xp.full((T, N, S), ninf, dtype=emit.dtype)
    if T == 0:
        return alpha
    a0 = xp.full((N, S), ninf, dtype=emit.dtype)
    a0[:, 0] = emit[0, :, 0]
    if S > 1:
        a0[:, 1] = xp.where(tl > 0, emit[0, :, 1], ninf)
    alpha[0] = a0
    prev = a0
    for t in range(1, T):
        p1 = xp.concatenate([xp.full((N, 1), ninf, emit.dtype), prev[:, :-1]], axis=1)
        p2 = xp.concatenate([xp.full((N, 2), ninf, emit.dtype), prev[:, :-2]], axis=1)[:, :S]
        p2 = xp.where(skip, p2, ninf)
        cur = xp.where(valid, _lse(xp, prev, p1, p2) + emit[t], ninf)
        cur = xp.where((t < il)[:, None], cur, prev)
        alpha[t] = cur
        prev = cur
    return alpha


def _ctc_nll(xp, alpha, il, tl):
    T, N, S = alpha.shape
    if T == 0:
        return xp.full((N,), np.inf, dtype=alpha.dtype)
    n = xp.arange(N)
    last = alpha[xp.maximum(il - 1, 0), n]  # (N, S)
    end = last[n, 2 * tl]
    end2 = xp.where(tl > 0, last[n, xp.maximum(2 * tl - 1, 0)], -np.inf)
    nll = -_lse(xp, end, end2)
    return xp.where(il > 0, nll, xp.where(tl > 0, np.inf, 0.0)).astype(alpha.dtype)


def _ctc_fwd(xp, lp, targets, il, tl, blank=0, zero_infinity=False):
    il_, tl_, ext, valid, skip, emit = _ctc_setup(xp, lp, targets, il, tl, blank)
    nll = _ctc_nll(xp, _ctc_alpha(xp, emit, il_, tl_, valid, skip), il_, tl_)
    if zero_infinity:
        nll = xp.where(xp.isinf(nll), 0, nll).astype(lp.dtype)
    return nll


def _ctc_beta(xp, emit, il, tl, valid, skip):
    T, N, S = emit.shape
    ninf = -np.inf
    beta = xp.full((T, N, S), ninf, dtype=emit.dtype)
    n = xp.arange(N)
    nxt = xp.full((N, S), ninf, dtype=emit.dtype)
    # skip into s+2 is allowed where the label at s+2 may skip back to s
    skip_up = xp.zeros((N, S), dtype=bool)
    skip_up[:, :-2] = skip[:, 2:]
    for t in range(T - 1, -1, -1):
        n1 = xp.concatenate([nxt[:, 1:], xp.full((N, 1), ninf, emit.dtype)], axis=1)
        n2 = xp.concatenate([nxt[:, 2:], xp.full((N, 2), ninf, emit.dtype)], axis=1)[:, :S]
        n2 = xp.where(skip_up, n2, ninf)
        cur = xp.where(valid, _lse(xp, nxt, n1, n2) + emit[t], ninf)
        init = xp.full((N, S), ninf, dtype=emit.dtype)
        init[n, 2 * tl] = emit[t, n, 2 * tl]
        has = tl > 0
        init[n[has], 2 * tl[has] - 1] = emit[t, n[has], 2 * tl[has] - 1]
        cur = xp.where((t == il - 1)[:, None], init, xp.where((t < il - 1)[:, None], cur, ninf))
        beta[t] = cur
        nxt = cur
    return beta


def _ctc_grad_fwd(xp, g, lp, targets, il, tl, blank=0, zero_infinity=False):
    T, N, C = lp.shape
    il_, tl_, ext, valid, skip, emit = _ctc_setup(xp, lp, targets, il, tl, blank)
    alpha = _ctc_alpha(xp, emit, il_, tl_, valid, skip)
    nll = _ctc_nll(xp, alpha, il_, tl_)
    beta = _ctc_beta(xp, emit, il_, tl_, valid, skip)
    ab = alpha + beta  # (T, N, S)
    m = ab.max(axis=2, keepdims=True)
    m = xp.where(xp.isfinite(m), m, 0)
    onehot = (ext[:, :, None] == xp.arange(C)[None, None, :]).astype(lp.dtype)  # (N, S, C)
    acc = xp.einsum("tns,nsc->tnc", xp.exp(ab - m), onehot)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        lcab = xp.log(acc) + m
        grad = xp.exp(lp) - xp.exp(lcab + nll[None, :, None] - lp)
    live = xp.arange(T)[:, None] < il_[None, :]
    grad = xp.where(live[:, :, None], grad, 0)
    if zero_infinity:
        grad = xp.where(xp.isinf(nll)[None, :, None], 0, grad)
    return (grad * g[None, :, None]).astype(lp.dtype)


def _ctc_bwd(c, g):
    lp, targets, il, tl = c.inputs
    grad = dispatch(CTC_GRAD, (g, lp, targets, il, tl), c.attrs)
    return grad, None, None, None


def _ctc_grad_rule(args, attrs):
    dt = args[1].dtype
    return dt, dt


CTC_LOSS = register(
    Op(
        "ctc_loss", _ctc_fwd, _ctc_bwd, R.same, "i", nocast=(1, 2, 3), grad_name="CtcLossBackward0"
    )  # fmt: skip
)


def _ctc_grad_bwd(c, g):
    # as PyTorch: "derivative for _ctc_loss_backward is not implemented"
    raise NotImplementedError("double backward of ctc_loss is not implemented (nor in PyTorch)")


CTC_GRAD = register(
    Op("ctc_loss_backward", _ctc_grad_fwd, _ctc_grad_bwd, _ctc_grad_rule, nocast=(2, 3, 4))
)


def ctc_nll(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
    """Per-sequence negative log likelihood (N,) of ``log_probs`` (T, N, C)."""
    attrs = {"blank": int(blank), "zero_infinity": bool(zero_infinity)}
    return dispatch(CTC_LOSS, (log_probs, targets, input_lengths, target_lengths), attrs)
