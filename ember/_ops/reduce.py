"""Reductions: sum, mean, prod, max/min, amax/amin, argmax/argmin, var/std, logsumexp,
all/any, nansum/nanmean, aminmax, norm, count_nonzero.

NOTE [ index-selecting records ]
Ops that pick one element per output (``max(dim)``, ``sort``, ``topk``, ``cummax`` ...)
are one record with two outputs whose forward returns ``(indices, values)``: indices
first, so that the node saves them as its output (``save="o"`` saves output 0) and the
backward scatters the values' gradient to them with
``value_selecting_reduction_backward``. The bindings swap the pair back into PyTorch's
``(values, indices)`` order.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from .. import _dtype as D
from .. import return_types as RT
from .._autograd.node import show_grad_fn_as
from ._helpers import Tensor, check_tensor, dims_arg, dispatch, handle_out, wrap_dim
from ._registry import FUNCTIONS, Op, export, float_same, register


def _word(dt):
    from .._dispatch import _type_word

    return _type_word(dt)


def _fn(name):
    return FUNCTIONS[name]


# --- shared helpers ----------------------------------------------------------------------


def rdims(input, dim):
    """``dim`` as a sorted tuple of non-negative dims, or None for all (0-d: always None)."""
    if dim is None:
        return None
    dims = dims_arg(dim, input.ndim)
    if input.ndim == 0 or dims == ():
        return None
    return tuple(sorted(dims))


def expand_reduced(g, in_shape, dims, keepdim):
    """A reduction's gradient broadcast back over the reduced dims of ``in_shape``."""
    if not keepdim and dims is not None:
        for d in sorted(dims):
            g = g.unsqueeze(d)
    elif not keepdim and dims is None:
        g = g.reshape((1,) * len(in_shape))
    return g.expand(in_shape)


def reduced_count(shape, dims):
    n = 1
    for d in range(len(shape)) if dims is None else dims:
        n *= shape[d]
    return n


def _out_shape(shape, dims, keepdim):
    dims = range(len(shape)) if dims is None else dims
    if keepdim:
        return tuple(1 if i in dims else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in dims)


def _attrs(dims, keepdim, **extra):
    a = {"dims": dims}
    if keepdim:
        a["keepdim"] = True
    a.update({k: v for k, v in extra.items() if v is not None})
    return a


def _bwd_expand(c, g):
    return expand_reduced(g, c.input_meta[0][0], c.attrs.get("dims"), c.attrs.get("keepdim"))


def _isnan(x):
    return x != x


# --- gather / scatter along a dim (the backward pair of index-selecting ops) --------------


def _full_index(idx, dim):
    grids = list(np.indices(idx.shape, sparse=True))
    grids[dim] = idx
    return tuple(grids)


def _gather_fwd(xp, x, idx, dim=0, keepdim=True):
    if x.ndim == 0:
        return x.copy()
    if not keepdim:
        idx = xp.expand_dims(idx, dim)
    shape = list(np.broadcast_shapes(x.shape[:dim] + (1,) + x.shape[dim + 1 :], idx.shape))
    shape[dim] = idx.shape[dim]
    out = xp.take_along_axis(x, xp.broadcast_to(idx, shape), axis=dim)
    return out if keepdim else xp.squeeze(out, dim)


def _gather_bwd(c, g):
    x_shape = c.input_meta[0][0]
    idx = c.inputs[1]
    return value_selecting_backward(g, idx, c.attrs["dim"], x_shape, c.attrs["keepdim"]), None


GATHER = register(
    Op("_reduce_gather", _gather_fwd, _gather_bwd, lambda a, k: (a[0].dtype,) * 2, "i",
       nocast=(1,), grad_name="GatherBackward0")
)  # fmt: skip


def _scatter_fwd(xp, g, idx, dim=0, shape=(), keepdim=True):
    out = xp.zeros(shape, dtype=g.dtype)
    if len(shape) == 0:
        return out + g
    if not keepdim:
        g, idx = xp.expand_dims(g, dim), xp.expand_dims(idx, dim)
    bshape = np.broadcast_shapes(g.shape, idx.shape)
    g, idx = xp.broadcast_to(g, bshape), xp.broadcast_to(idx, bshape)
    np.add.at(out, _full_index(idx, dim), g)
    return out


def _scatter_bwd(c, gg):
    idx = c.inputs[1]
    return take_along(gg, idx, c.attrs["dim"], c.attrs["keepdim"]), None


SCATTER = register(
    Op("value_selecting_reduction_backward", _scatter_fwd, _scatter_bwd,
       lambda a, k: (a[0].dtype,) * 2, "i", nocast=(1,))
)  # fmt: skip


def take_along(x, idx, dim, keepdim=True):
    """``x`` at ``idx`` along ``dim`` (``idx`` broadcast over the other dims)."""
    return dispatch(GATHER, (x, idx), {"dim": dim, "keepdim": keepdim})


def value_selecting_backward(g, idx, dim, shape, keepdim):
    """Zeros of ``shape`` with ``g`` added at ``idx`` along ``dim`` (repeats accumulate)."""
    attrs = {"dim": dim, "shape": tuple(shape), "keepdim": keepdim}
    return dispatch(SCATTER, (g, idx), attrs)


def select_backward(c, gi, gv):
    """Backward of an index-selecting record (see NOTE [ index-selecting records ])."""
    if gv is None:
        return (None,)
    a = c.attrs
    return (value_selecting_backward(gv, c.out, a["dim"], c.input_meta[0][0], a["keepdim"]),)


def pair(cls, res):
    idx, val = res
    return cls((val, idx))


# --- sum, mean, prod ---------------------------------------------------------------------


def _sum_rule(args, attrs):
    dt = attrs.get("dtype")
    if dt is None:
        dt = args[0]._dtype
        if dt.category <= D.INT:
            dt = D.int64
    return dt, dt


def _sum_fwd(xp, x, dims=None, keepdim=False, dtype=None):
    if xp is np:  # np.sum's own wrapper costs twice the reduction on small arrays
        return _add_reduce(x, axis=dims, keepdims=keepdim)
    return xp.sum(x, axis=dims, keepdims=keepdim)


_add_reduce = np.add.reduce


SUM = register(Op("sum", _sum_fwd, lambda c, g: (_bwd_expand(c, g),), _sum_rule))


def _dtype_attr(dtype):
    return None if dtype is None else D.as_dtype(dtype)


@export
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A001
    if dim is None and not keepdim and dtype is None and out is None and type(input) is Tensor:
        return dispatch(SUM, (input,), {"dims": None})  # x.sum(): the common case
    check_tensor("sum", input)
    attrs = _attrs(rdims(input, dim), keepdim, dtype=_dtype_attr(dtype))
    res = dispatch(SUM, (input,), attrs)
    if dim is not None and res.grad_fn is not None:
        show_grad_fn_as(res, "SumBackward1")  # torch's sum.dim_IntList overload
    return handle_out(out, res)


def _mean_rule(args, attrs):
    dt = attrs.get("dtype") or args[0].dtype
    if dt.category <= D.INT:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {_word(dt)}"
        )
    return dt, dt


def _mean_fwd(xp, x, dims=None, keepdim=False, dtype=None):
    n = reduced_count(x.shape, dims)
    if xp is np:
        s = _add_reduce(x, axis=dims, keepdims=keepdim)
    else:
        s = xp.sum(x, axis=dims, keepdims=keepdim)
    return s / n if n else s * np.nan


def _mean_bwd(c, g):
    n = reduced_count(c.input_meta[0][0], c.attrs.get("dims"))
    return (_bwd_expand(c, g) / builtins.max(n, 1),)


MEAN = register(Op("mean", _mean_fwd, _mean_bwd, _mean_rule))


@export
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    check_tensor("mean", input)
    attrs = _attrs(rdims(input, dim), keepdim, dtype=_dtype_attr(dtype))
    res = dispatch(MEAN, (input,), attrs)
    if dim is not None and res.grad_fn is not None:
        show_grad_fn_as(res, "MeanBackward1")
    return handle_out(out, res)


def _prod_fwd(xp, x, dims=None, keepdim=False, dtype=None):
    return xp.prod(x, axis=dims, keepdims=keepdim)


def _prod_others_fwd(xp, x, dims=None):
    """The product of all other elements of each reduced slice (exact with zeros)."""
    shape = x.shape
    if dims is None:
        x, d = x.reshape(-1), 0
    else:
        d = dims[0]
    n = x.shape[d]
    ones = xp.ones_like(xp.take(x, [0], axis=d))
    left = xp.cumprod(xp.concatenate([ones, xp.take(x, range(n - 1), axis=d)], d), axis=d)
    rx = xp.flip(x, d)
    right = xp.cumprod(xp.concatenate([ones, xp.take(rx, range(n - 1), axis=d)], d), axis=d)
    return (left * xp.flip(right, d)).reshape(shape)


def _prod_others_bwd(c, g):
    raise NotImplementedError(
        "double backward of prod over an input with zeros is not implemented (the first "
        "gradient is exact)"
    )


PROD_OTHERS = register(
    Op("_prod_others", _prod_others_fwd, _prod_others_bwd, lambda a, k: (a[0].dtype,) * 2)
)


def _prod_bwd(c, g):
    x = c.inputs[0]
    dims = c.attrs.get("dims")
    g = _bwd_expand(c, g)
    if not bool((x == 0).any()):
        out = _bwd_expand(c, c.out)
        return (g * out / x,)
    return (g * dispatch(PROD_OTHERS, (x,), {"dims": dims}),)


PROD = register(Op("prod", _prod_fwd, _prod_bwd, _sum_rule, "io"))


@export
def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    check_tensor("prod", input)
    if dim is not None and not isinstance(dim, (int, np.integer)):
        raise TypeError(
            f"prod() received an invalid combination of arguments - got (Tensor, "
            f"{type(dim).__name__}), but expected (Tensor input, int dim, bool keepdim)"
        )
    attrs = _attrs(rdims(input, dim), keepdim, dtype=_dtype_attr(dtype))
    return handle_out(out, dispatch(PROD, (input,), attrs))


# --- max / min / amax / amin / argmax / argmin -------------------------------------------


def _check_nonempty(name, input, dims, idx_style=False):
    if input.numel() != 0:
        return
    if dims is None:
        msg = f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
        if idx_style:
            raise IndexError(msg)
        raise RuntimeError(msg + " Specify the reduction dim with the 'dim' argument.")
    for d in dims:
        if input.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _no_complex(name, input):
    if input.dtype.is_complex:
        raise RuntimeError(f"{name}(): does not support complex input")


def _evenly_bwd(c, g):
    """Gradient of a full max/min/median: split evenly among the elements equal to it."""
    x, out = c.inputs[0], c.out
    mask = (x == out) | (_isnan(x) & _isnan(out))
    return (mask * (g / mask.sum()),)


def _amax_bwd(c, g):
    x = c.inputs[0]
    dims, keep = c.attrs.get("dims"), c.attrs.get("keepdim")
    out = expand_reduced(c.out, x.shape, dims, keep)
    mask = (x == out) | (_isnan(x) & _isnan(out))
    count = expand_reduced(mask.sum(dims, keepdim=keep), x.shape, dims, keep)
    return (_bwd_expand(c, g) * mask / count,)


MAX_ALL = register(
    Op("max", lambda xp, x: xp.max(x), _evenly_bwd, lambda a, k: (a[0].dtype,) * 2, "io",
       grad_name="MaxBackward1")
)  # fmt: skip
MIN_ALL = register(
    Op("min", lambda xp, x: xp.min(x), _evenly_bwd, lambda a, k: (a[0].dtype,) * 2, "io",
       grad_name="MinBackward1")
)  # fmt: skip
AMAX = register(
    Op("amax", lambda xp, x, dims=None, keepdim=False: xp.max(x, axis=dims, keepdims=keepdim),
       _amax_bwd, lambda a, k: (a[0].dtype,) * 2, "io")
)  # fmt: skip
AMIN = register(
    Op("amin", lambda xp, x, dims=None, keepdim=False: xp.min(x, axis=dims, keepdims=keepdim),
       _amax_bwd, lambda a, k: (a[0].dtype,) * 2, "io")
)  # fmt: skip


def _arg_fwd(f):
    def fwd(xp, x, dim=None, keepdim=False):
        if dim is None:
            r = f(x.reshape(-1))
            return xp.asarray(r).reshape((1,) * x.ndim if keepdim else ())
        if x.ndim == 0:
            return xp.zeros((), dtype=np.int64)
        r = f(x, axis=dim)
        return xp.expand_dims(r, dim) if keepdim else r

    return fwd


ARGMAX = register(Op("argmax", _arg_fwd(np.argmax), None, lambda a, k: (a[0].dtype, D.int64)))
ARGMIN = register(Op("argmin", _arg_fwd(np.argmin), None, lambda a, k: (a[0].dtype, D.int64)))


def _minmax_dim_fwd(f, g):
    def fwd(xp, x, dim=0, keepdim=False):
        if x.ndim == 0:
            return xp.zeros((), dtype=np.int64), x.copy()
        idx = f(x, axis=dim)
        val = g(x, axis=dim)
        if keepdim:
            idx, val = xp.expand_dims(idx, dim), xp.expand_dims(val, dim)
        return idx, val

    return fwd


def _vi_rule(args, attrs):
    return args[0].dtype, (D.int64, args[0].dtype)


def _select_op(name, fwd, grad_name, rule=_vi_rule):
    return register(
        Op(name, fwd, select_backward, rule, "o", nout=2, grad_outputs=(1,), grad_name=grad_name)
    )


MAX_DIM = _select_op("max.dim", _minmax_dim_fwd(np.argmax, np.max), "MaxBackward0")
MIN_DIM = _select_op("min.dim", _minmax_dim_fwd(np.argmin, np.min), "MinBackward0")


def _minmax(name, input, dim, keepdim, other, out, all_op, dim_op, cls):
    check_tensor(name, input)
    if isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        f = _fn("maximum" if name == "max" else "minimum")
        return f(input, other, out=out)
    _no_complex(name, input)
    if dim is None:
        if keepdim:
            raise TypeError(f"{name}() received an invalid combination of arguments")
        _check_nonempty(name, input, None)
        return handle_out(out, dispatch(all_op, (input,)))
    d = wrap_dim(dim, input.ndim)
    _check_nonempty(name, input, (d,) if input.ndim else ())
    res = pair(cls, dispatch(dim_op, (input,), {"dim": d, "keepdim": bool(keepdim)}))
    if out is not None:
        handle_out(out[0], res[0])
        handle_out(out[1], res[1])
        return cls(out)
    return res


@export
def max(input, dim=None, keepdim=False, *, other=None, out=None):  # noqa: A001
    return _minmax("max", input, dim, keepdim, other, out, MAX_ALL, MAX_DIM, RT.max)


@export
def min(input, dim=None, keepdim=False, *, other=None, out=None):  # noqa: A001
    return _minmax("min", input, dim, keepdim, other, out, MIN_ALL, MIN_DIM, RT.min)


def _amax_like(name, op, input, dim, keepdim, out):
    check_tensor(name, input)
    _no_complex(name, input)
    dims = rdims(input, dim)
    _check_nonempty(name, input, dims)
    return handle_out(out, dispatch(op, (input,), _attrs(dims, keepdim)))


@export
def amax(input, dim=(), keepdim=False, *, out=None):
    return _amax_like("amax", AMAX, input, dim, keepdim, out)


@export
def amin(input, dim=(), keepdim=False, *, out=None):
    return _amax_like("amin", AMIN, input, dim, keepdim, out)


def _arg(name, op, input, dim, keepdim, out):
    check_tensor(name, input)
    _no_complex(name, input)
    d = None if dim is None else wrap_dim(dim, input.ndim)
    _check_nonempty(name, input, None if d is None else ((d,) if input.ndim else ()), True)
    attrs = {"dim": d}
    if keepdim:
        attrs["keepdim"] = True
    return handle_out(out, dispatch(op, (input,), attrs))


@export
def argmax(input, dim=None, keepdim=False, *, out=None):
    return _arg("argmax", ARGMAX, input, dim, keepdim, out)


@export
def argmin(input, dim=None, keepdim=False, *, out=None):
    return _arg("argmin", ARGMIN, input, dim, keepdim, out)


AMINMAX = register(
    Op("aminmax",
       lambda xp, x, dims=None, keepdim=False: (xp.min(x, axis=dims, keepdims=keepdim),
                                                xp.max(x, axis=dims, keepdims=keepdim)),
       None, lambda a, k: (a[0].dtype, (a[0].dtype,) * 2), nout=2)
)  # fmt: skip


@export
def aminmax(input, *, dim=None, keepdim=False, out=None):
    check_tensor("aminmax", input)
    dims = rdims(input, dim)
    if input.numel() == 0 and (dims is None or input.shape[dims[0]] == 0):
        raise RuntimeError(
            "aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
            "identity."
        )
    if input.requires_grad:
        # differentiable through amin/amax (PyTorch's AminmaxBackward0 is the same formula)
        res = RT.aminmax((amin(input, dims or (), keepdim), amax(input, dims or (), keepdim)))
    else:
        res = RT.aminmax(dispatch(AMINMAX, (input,), _attrs(dims, keepdim)))
    if out is not None:
        return RT.aminmax((handle_out(out[0], res[0]), handle_out(out[1], res[1])))
    return res


# --- var / std ---------------------------------------------------------------------------


def _var_rule(args, attrs):
    dt = args[0].dtype
    if dt.category < D.FLOAT:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    return dt, dt.to_real()


def _var_fwd(xp, x, dims=None, keepdim=False, correction=1):
    n = reduced_count(x.shape, dims)
    m = xp.mean(x, axis=dims, keepdims=True) if n else x.sum(axis=dims, keepdims=True) * np.nan
    d = x - m
    s = xp.sum((d * xp.conj(d)).real if xp.iscomplexobj(d) else d * d, axis=dims, keepdims=keepdim)
    return s / builtins.max(n - correction, 0)


def _var_bwd(c, g):
    x = c.inputs[0]
    dims = c.attrs.get("dims")
    n = reduced_count(x.shape, dims)
    dof = builtins.max(n - c.attrs.get("correction", 1), 0)
    centered = x - x.mean(dims, keepdim=True)
    return (_bwd_expand(c, g) * centered * (2.0 / dof if dof else math.inf),)


VAR = register(Op("var", _var_fwd, _var_bwd, _var_rule, "i"))


def _std_fwd(xp, x, **attrs):
    return xp.sqrt(_var_fwd(xp, x, **attrs))


def _std_bwd(c, g):
    out = c.out
    gv = _fn("where")(out == 0, 0.0, g / (2 * out))
    return _var_bwd(c, gv)


STD = register(Op("std", _std_fwd, _std_bwd, _var_rule, "io"))


def _var_args(name, input, dim, unbiased, keepdim, correction):
    check_tensor(name, input)
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    if correction is None:
        correction = 0 if unbiased is False else 1
    elif unbiased is not None:
        raise RuntimeError(f"{name}: can't pass both correction and unbiased arguments")
    dims = rdims(input, dim)
    n = reduced_count(input.shape, dims)
    if n - correction <= 0:
        import warnings

        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
            "reduction factor (input numel divided by output numel).",
            UserWarning,
            stacklevel=3,
        )
    return _attrs(dims, keepdim, correction=correction)


@export
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    attrs = _var_args("var", input, dim, unbiased, keepdim, correction)
    return handle_out(out, dispatch(VAR, (input,), attrs))


@export
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    attrs = _var_args("std", input, dim, unbiased, keepdim, correction)
    return handle_out(out, dispatch(STD, (input,), attrs))


@export(method=False)
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    v = var(input, dim, unbiased, keepdim, correction=correction)
    d = None if isinstance(dim, bool) else dim
    return v, mean(input, d, keepdim)


@export(method=False)
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    s = std(input, dim, unbiased, keepdim, correction=correction)
    d = None if isinstance(dim, bool) else dim
    return s, mean(input, d, keepdim)


# --- logsumexp, nansum, nanmean, count_nonzero ---------------------------------------------


def _lse_fwd(xp, x, dims=None, keepdim=False):
    if x.size == 0:
        return xp.log(xp.sum(xp.exp(x), axis=dims, keepdims=keepdim))
    m = xp.max(x, axis=dims, keepdims=True)
    m = xp.where(xp.isinf(m), 0, m)
    s = xp.log(xp.sum(xp.exp(x - m), axis=dims, keepdims=True)) + m
    if not keepdim:
        s = xp.squeeze(s, axis=dims) if dims is not None else s.reshape(())
    return s


def _lse_bwd(c, g):
    x = c.inputs[0]
    out = expand_reduced(c.out, x.shape, c.attrs.get("dims"), c.attrs.get("keepdim"))
    return (_bwd_expand(c, g) * (x - out).exp(),)


LOGSUMEXP = register(Op("logsumexp", _lse_fwd, _lse_bwd, float_same, "io"))


@export
def logsumexp(input, dim, keepdim=False, *, out=None):
    check_tensor("logsumexp", input)
    return handle_out(out, dispatch(LOGSUMEXP, (input,), _attrs(rdims(input, dim), keepdim)))


NANSUM = register(
    Op("nansum", lambda xp, x, dims=None, keepdim=False, dtype=None:
       xp.nansum(x, axis=dims, keepdims=keepdim),
       lambda c, g: (_bwd_expand(c, g) * ~_isnan(c.inputs[0]),), _sum_rule, "i")
)  # fmt: skip


@export
def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    check_tensor("nansum", input)
    if input.dtype.is_complex:
        raise RuntimeError("nansum does not support complex inputs")
    attrs = _attrs(rdims(input, dim), keepdim, dtype=_dtype_attr(dtype))
    return handle_out(out, dispatch(NANSUM, (input,), attrs))


@export
def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    check_tensor("nanmean", input)
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "nanmean(): expected input to have floating point or complex dtype but got "
            f"{_word(input.dtype)}"
        )
    cnt = (~_isnan(input)).sum(dim, keepdim)
    return handle_out(out, nansum(input, dim, keepdim, dtype=dtype) / cnt)


COUNT_NONZERO = register(
    Op("count_nonzero", lambda xp, x, dims=None: xp.count_nonzero(x, axis=dims), None,
       lambda a, k: (a[0].dtype, D.int64))
)  # fmt: skip


@export
def count_nonzero(input, dim=None):
    check_tensor("count_nonzero", input)
    return dispatch(COUNT_NONZERO, (input,), {"dims": rdims(input, dim)})


# --- all / any ---------------------------------------------------------------------------


def _bool_rule(args, attrs):
    dt = args[0].dtype
    return dt, D.uint8 if dt is D.uint8 else D.bool_


ALL = register(Op("all", lambda xp, x, dims=None, keepdim=False: xp.all(
    x, axis=dims, keepdims=keepdim), None, _bool_rule))  # fmt: skip
ANY = register(Op("any", lambda xp, x, dims=None, keepdim=False: xp.any(
    x, axis=dims, keepdims=keepdim), None, _bool_rule))  # fmt: skip


@export
def all(input, dim=None, keepdim=False, *, out=None):  # noqa: A001
    check_tensor("all", input)
    return handle_out(out, dispatch(ALL, (input,), _attrs(rdims(input, dim), keepdim)))


@export
def any(input, dim=None, keepdim=False, *, out=None):  # noqa: A001
    check_tensor("any", input)
    return handle_out(out, dispatch(ANY, (input,), _attrs(rdims(input, dim), keepdim)))


# --- norm --------------------------------------------------------------------------------


def _norm_rule(args, attrs):
    dt = attrs.get("dtype") or args[0].dtype
    if dt.category < D.FLOAT:
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{_word(dt)}"
        )
    return dt, dt.to_real()


def _norm_fwd(xp, x, ord=2.0, dims=None, keepdim=False, dtype=None):  # noqa: A002
    a = xp.abs(x)
    if ord == math.inf:
        return xp.max(a, axis=dims, keepdims=keepdim)
    if ord == -math.inf:
        return xp.min(a, axis=dims, keepdims=keepdim)
    if ord == 0:
        return xp.sum(a != 0, axis=dims, keepdims=keepdim).astype(a.dtype)
    if ord == 1:
        return xp.sum(a, axis=dims, keepdims=keepdim)
    if ord == 2:
        return xp.sqrt(xp.sum(a * a, axis=dims, keepdims=keepdim))
    return xp.sum(a**ord, axis=dims, keepdims=keepdim) ** (1.0 / ord)


def _norm_bwd(c, g):
    x = c.inputs[0]
    p = c.attrs.get("ord", 2.0)
    dims, keep = c.attrs.get("dims"), c.attrs.get("keepdim")
    g = _bwd_expand(c, g)
    out = expand_reduced(c.out, x.shape, dims, keep)
    where = _fn("where")
    if p == 0:
        return (x * 0,)
    if p == 1:
        return (x.sgn() * g,)
    if p == 2:
        return (x * where(out == 0, 0.0, g / out),)
    if math.isinf(p):
        mask = x.abs() == out
        count = expand_reduced(mask.sum(dims, keepdim=keep), x.shape, dims, keep)
        return (x.sgn() * mask * g / count,)
    a = x.abs()
    scaled = where(x == 0, 0.0, x * a.pow(p - 2)) if p < 2 else x * a.pow(p - 2)
    return (scaled * where(out == 0, 0.0, g / out.pow(p - 1)),)


NORM = register(Op("norm", _norm_fwd, _norm_bwd, _norm_rule, "io",
                   grad_name="LinalgVectorNormBackward0"))  # fmt: skip


@export
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    check_tensor("norm", input)
    if p == "nuc":
        from .linalg_norms import matrix_norm

        return matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim, out=out)
    if p == "fro" or p is None:
        p = 2.0
    if isinstance(p, str):
        raise RuntimeError(f"norm(): unsupported norm type {p!r}")
    attrs = _attrs(rdims(input, dim), keepdim, dtype=_dtype_attr(dtype))
    attrs["ord"] = float(p)
    if input.numel() == 0 and p < 0:
        raise RuntimeError(
            "linalg.vector_norm cannot compute the -inf norm on an empty tensor because the "
            "operation does not have an identity"
        )
    return handle_out(out, dispatch(NORM, (input,), attrs))
