"""Scans along a dim: cumsum, cumprod, cummax, cummin, logcumsumexp; and diff.

Each scan record takes a ``reverse`` attr (scan from the end) because the gradient of
a scan is the reversed scan of the gradient; so gradients of gradients work too.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .. import return_types as RT
from ._helpers import check_tensor, dispatch, handle_out, inplace_by_copy, wrap_dim
from ._registry import FUNCTIONS, METHODS, Op, export, register
from .reduce import _sum_rule, pair, take_along, value_selecting_backward


def _scan(xp, f, x, dim, reverse):
    if x.ndim == 0:
        return f(x.reshape(1), axis=0).reshape(())
    if reverse:
        return xp.flip(f(xp.flip(x, dim), axis=dim), dim)
    return f(x, axis=dim)


def _cumsum_fwd(xp, x, dim=0, reverse=False, dtype=None):
    return _scan(xp, xp.cumsum, x, dim, reverse)


def _cumsum_bwd(c, g):
    a = c.attrs
    return (dispatch(CUMSUM, (g,), {"dim": a["dim"], "reverse": not a.get("reverse")}),)


CUMSUM = register(Op("cumsum", _cumsum_fwd, _cumsum_bwd, _sum_rule))


def _scan_attrs(name, input, dim, dtype=None):
    check_tensor(name, input)
    attrs = {"dim": wrap_dim(dim, input.ndim)}
    if dtype is not None:
        attrs["dtype"] = D.as_dtype(dtype)
    return attrs


@export
def cumsum(input, dim, *, dtype=None, out=None):
    return handle_out(out, dispatch(CUMSUM, (input,), _scan_attrs("cumsum", input, dim, dtype)))


def _cumprod_fwd(xp, x, dim=0, reverse=False, dtype=None):
    return _scan(xp, xp.cumprod, x, dim, reverse)


def _cumprod_grad_fwd(xp, x, g, dim=0):
    """d/dx_k of sum_j g_j prod_{i<=j} x_i, exact when x has zeros (O(n^2) along dim)."""
    if x.ndim == 0:
        return g.copy()
    x, g = xp.moveaxis(x, dim, -1), xp.moveaxis(g, dim, -1)
    n = x.shape[-1]
    out = xp.zeros(np.broadcast_shapes(x.shape, g.shape), dtype=x.dtype)
    left = xp.ones(x.shape[:-1], dtype=x.dtype)
    for k in range(n):
        run = left.copy()
        acc = xp.zeros_like(left)
        for j in range(k, n):
            if j > k:
                run = run * x[..., j]
            acc = acc + g[..., j] * run
        out[..., k] = acc
        left = left * x[..., k]
    return xp.moveaxis(out, -1, dim)


def _cumprod_grad_bwd(c, g):
    raise NotImplementedError(
        "double backward of cumprod over an input with zeros is not implemented (the first "
        "gradient is exact)"
    )


CUMPROD_GRAD = register(Op("_cumprod_backward", _cumprod_grad_fwd, _cumprod_grad_bwd))


def _cumprod_bwd(c, g):
    x = c.inputs[0]
    a = c.attrs
    dim = a["dim"]
    if a.get("reverse"):
        raise NotImplementedError("gradient of a reversed cumprod is not implemented")
    if not bool((x == 0).any()):
        rev = dispatch(CUMSUM, (g * c.out,), {"dim": dim, "reverse": True})
        return (rev / x,)
    return (dispatch(CUMPROD_GRAD, (x, g), {"dim": dim}),)


CUMPROD = register(Op("cumprod", _cumprod_fwd, _cumprod_bwd, _sum_rule, "io"))


@export
def cumprod(input, dim, *, dtype=None, out=None):
    return handle_out(out, dispatch(CUMPROD, (input,), _scan_attrs("cumprod", input, dim, dtype)))


def _cumext_fwd(better):
    def fwd(xp, x, dim=0):
        if x.ndim == 0:
            return xp.zeros((), dtype=np.int64), x.copy()
        xm = xp.moveaxis(x, dim, -1)
        vals = xp.empty_like(xm)
        idx = xp.empty(xm.shape, dtype=np.int64)
        if xm.shape[-1]:
            cur, ci = xm[..., 0].copy(), xp.zeros(xm.shape[:-1], dtype=np.int64)
            for k in range(xm.shape[-1]):
                v = xm[..., k]
                take = better(v, cur) | (v == cur)
                if xm.dtype.kind in "fc":
                    take = xp.isnan(v) | (~xp.isnan(cur) & take)
                cur = xp.where(take, v, cur)
                ci = xp.where(take, k, ci)
                vals[..., k], idx[..., k] = cur, ci
        return xp.moveaxis(idx, -1, dim), xp.moveaxis(vals, -1, dim)

    return fwd


def _cum_select_bwd(c, gi, gv):
    if gv is None:
        return (None,)
    return (value_selecting_backward(gv, c.out, c.attrs["dim"], c.input_meta[0][0], True),)


def _vi(args, attrs):
    return args[0].dtype, (D.int64, args[0].dtype)


CUMMAX = register(
    Op("cummax", _cumext_fwd(np.greater), _cum_select_bwd, _vi, "o", nout=2, grad_outputs=(1,))
)
CUMMIN = register(
    Op("cummin", _cumext_fwd(np.less), _cum_select_bwd, _vi, "o", nout=2, grad_outputs=(1,))
)


def _cumext(name, op, cls, input, dim, out):
    attrs = _scan_attrs(name, input, dim)
    res = pair(cls, dispatch(op, (input,), attrs))
    if out is not None:
        return cls((handle_out(out[0], res[0]), handle_out(out[1], res[1])))
    return res


@export
def cummax(input, dim, *, out=None):
    return _cumext("cummax", CUMMAX, RT.cummax, input, dim, out)


@export
def cummin(input, dim, *, out=None):
    return _cumext("cummin", CUMMIN, RT.cummin, input, dim, out)


def _lcse_fwd(xp, x, dim=0, reverse=False):
    def f(a, axis):
        if a.shape[axis] == 0:
            return a.copy()
        m = xp.max(a, axis=axis, keepdims=True)
        m = xp.where(xp.isinf(m), 0, m)
        return xp.log(xp.cumsum(xp.exp(a - m), axis=axis)) + m

    return _scan(xp, f, x, dim, reverse)


def _lcse_bwd(c, g):
    x, out = c.inputs[0], c.out
    a = c.attrs
    rev = {"dim": a["dim"], "reverse": not a.get("reverse")}
    log = FUNCTIONS["log"]
    pos = dispatch(LOGCUMSUMEXP, (log(g.clamp(min=0)) - out,), rev)
    neg = dispatch(LOGCUMSUMEXP, (log((-g).clamp(min=0)) - out,), rev)
    return ((x + pos).exp() - (x + neg).exp(),)


def _lcse_rule(args, attrs):
    dt = args[0].dtype
    if dt.category < D.FLOAT:
        from .reduce import _word

        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for '{_word(dt)}'")
    return dt, dt


LOGCUMSUMEXP = register(Op("logcumsumexp", _lcse_fwd, _lcse_bwd, _lcse_rule, "io"))


@export
def logcumsumexp(input, dim, *, out=None):
    attrs = _scan_attrs("logcumsumexp", input, dim)
    return handle_out(out, dispatch(LOGCUMSUMEXP, (input,), attrs))


# --- diff --------------------------------------------------------------------------------


def _arange_index(xp, start, stop, ndim, dim):
    shape = [1] * ndim
    shape[dim] = stop - start
    from .._creation import arange

    return arange(start, stop).reshape(shape)


def _cat_dim(parts, dim):
    """Concatenate along ``dim`` by scattering each part into place (differentiable)."""
    if len(parts) == 1:
        return parts[0]
    total = 0
    for p in parts:
        total += p.shape[dim]
    shape = list(parts[0].shape)
    shape[dim] = total
    out, off = None, 0
    for p in parts:
        n = p.shape[dim]
        idx = _arange_index(np, off, off + n, p.ndim, dim)
        piece = value_selecting_backward(p, idx, dim, shape, True)
        out = piece if out is None else out + piece
        off += n
    return out


@export
def diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None):
    check_tensor("diff", input)
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = wrap_dim(dim, input.ndim)
    parts = []
    for extra in (prepend, input, append):
        if extra is not None:
            check_tensor("diff", extra, "prepend" if extra is prepend else "append")
            parts.append(extra.to(input.dtype) if extra.dtype is not input.dtype else extra)
    x = _cat_dim(parts, d) if len(parts) > 1 else input
    for _ in range(n):
        L = x.shape[d]
        if L == 0:
            break
        hi = take_along(x, _arange_index(np, 1, L, x.ndim, d), d)
        lo = take_along(x, _arange_index(np, 0, L - 1, x.ndim, d), d)
        x = (hi != lo) if x.dtype is D.bool_ else hi - lo
    return handle_out(out, x)


METHODS["cumsum_"] = inplace_by_copy(cumsum, "cumsum")
METHODS["cumprod_"] = inplace_by_copy(cumprod, "cumprod")
