"""Reductions and scans: sum, mean, ..."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from ._helpers import check_tensor, dims_arg, dispatch, handle_out
from ._registry import Op, export, register


def _sum_rule(args, attrs):
    dt = attrs.get("dtype") or args[0].dtype
    if attrs.get("dtype") is None and dt.category <= D.INT:
        dt = D.int64
    return dt, dt


def expand_reduced(g, in_shape, dims, keepdim):
    """A reduction's gradient broadcast back over the reduced dims of ``in_shape``."""
    if not keepdim and dims is not None:
        for d in sorted(dims):
            g = g.unsqueeze(d)
    elif not keepdim and dims is None:
        g = g.reshape((1,) * len(in_shape))
    return g.expand(in_shape)


def _sum_fwd(xp, x, dims=None, keepdim=False, dtype=None):
    return xp.sum(x, axis=dims, keepdims=keepdim)


def _sum_bwd(c, g):
    shape = c.input_meta[0][0]
    return (expand_reduced(g, shape, c.attrs.get("dims"), c.attrs.get("keepdim", False)),)


SUM = register(Op("sum", _sum_fwd, _sum_bwd, _sum_rule))


def _reduce_attrs(input, dim, keepdim, dtype):
    attrs = {}
    dims = dims_arg(dim, input.ndim)
    if dims is not None and not (dims == () and isinstance(dim, (list, tuple)) and False):
        attrs["dims"] = dims if dims != () else None
    if keepdim:
        attrs["keepdim"] = True
    if dtype is not None:
        attrs["dtype"] = D.as_dtype(dtype)
    return attrs


@export
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    check_tensor("sum", input)
    return handle_out(out, dispatch(SUM, (input,), _reduce_attrs(input, dim, keepdim, dtype)))


def _mean_rule(args, attrs):
    dt = attrs.get("dtype") or args[0].dtype
    if dt.category <= D.INT:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {_word(dt)}"
        )
    return dt, dt


def _word(dt):
    from .._dispatch import _type_word

    return _type_word(dt)


def _mean_fwd(xp, x, dims=None, keepdim=False, dtype=None):
    if x.size == 0 and (dims is None or any(x.shape[d] == 0 for d in dims)):
        shape = np.sum(x, axis=dims, keepdims=keepdim).shape
        return xp.full(shape, np.nan, dtype=x.dtype)
    return xp.mean(x, axis=dims, keepdims=keepdim)


def _mean_bwd(c, g):
    shape = c.input_meta[0][0]
    dims = c.attrs.get("dims")
    n = 1
    for d in range(len(shape)) if dims is None else dims:
        n *= shape[d]
    return (expand_reduced(g, shape, dims, c.attrs.get("keepdim", False)) / max(n, 1),)


MEAN = register(Op("mean", _mean_fwd, _mean_bwd, _mean_rule))


@export
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    check_tensor("mean", input)
    return handle_out(out, dispatch(MEAN, (input,), _reduce_attrs(input, dim, keepdim, dtype)))
