"""Softmax and log-softmax as primitives.

Both are composites mathematically, but they are primitives here for numerics
and speed: the forward subtracts the row maximum once (no overflow), and the
backward is one fused formula on the saved output instead of a chain of
exp/sum/div nodes.
"""

from __future__ import annotations

from .. import _dtype as D
from ._helpers import wrap_dim
from ._registry import Op, export, register


def _float_rule(name):
    def rule(args, attrs):
        dt = args[0].dtype
        if dt.category < D.FLOAT:
            from .._dispatch import _type_word

            raise RuntimeError(f'"{name}_lastdim_kernel_impl" not implemented for '
                               f"'{_type_word(dt)}'")  # fmt: skip
        return dt, dt

    return rule


def _softmax_fwd(xp, x, dim):
    if x.ndim == 0:
        return xp.ones_like(x)
    if x.size == 0:
        return x.copy()
    m = xp.max(x, axis=dim, keepdims=True)
    e = xp.exp(x - m)
    e /= xp.sum(e, axis=dim, keepdims=True)
    return e


def _softmax_bwd(c, g):
    y = c.out
    dim = c.attrs["dim"]
    if y.ndim == 0:
        return (g * 0,)
    return (y * (g - (g * y).sum(dim, keepdim=True)),)


def _log_softmax_fwd(xp, x, dim):
    if x.ndim == 0:
        return xp.zeros_like(x)
    if x.size == 0:
        return x.copy()
    m = xp.max(x, axis=dim, keepdims=True)
    s = x - m
    s -= xp.log(xp.sum(xp.exp(s), axis=dim, keepdims=True))
    return s


def _log_softmax_bwd(c, g):
    y = c.out
    dim = c.attrs["dim"]
    if y.ndim == 0:
        return (g * 0,)
    return (g - y.exp() * g.sum(dim, keepdim=True),)


SOFTMAX = register(Op("softmax", _softmax_fwd, _softmax_bwd, _float_rule("softmax"), "o"))
LOG_SOFTMAX = register(
    Op("log_softmax", _log_softmax_fwd, _log_softmax_bwd, _float_rule("log_softmax"), "o")
)


def softmax_dim(x, dim):
    return wrap_dim(dim, x.ndim)


def _softmax_binding(op, name):
    def fn(input, dim, dtype=None):
        from .._dispatch import dispatch

        if dtype is not None:
            input = input.to(D.as_dtype(dtype))
        return dispatch(op, (input,), {"dim": softmax_dim(input, dim)})

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``torch.{name}(input, dim, dtype=None)`` and ``Tensor.{name}``."
    return export(fn)


softmax = _softmax_binding(SOFTMAX, "softmax")
log_softmax = _softmax_binding(LOG_SOFTMAX, "log_softmax")
