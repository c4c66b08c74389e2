"""Gather and scatter along a dim, index_* along a dim, masked ops, nonzero.

Most of these are advanced indexing with a key built from the index tensor
(see NOTE [ how an index expression runs ] in indexing.py): ``gather`` reads
``x[key]`` and ``scatter``/``index_add``/``index_copy``/``index_fill`` write at
``key``, so they share the forward and backward of ``index`` and
``index_put`` under their own names.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tracing import traced
from . import _registry as R
from ._helpers import (
    Tensor,
    check_tensor,
    dispatch,
    dispatch_inplace,
    handle_out,
    is_scalar,
    needs,
    wrap_dim,
)
from ._registry import Op, export, register
from .indexing import INDEX, INDEX_PUT, _full_key, _word, put


def _gather_bwd(c, g):
    return (put(g.new_zeros(c.input_meta[0][0]), c.attrs["key"], g, True),)


GATHER = register(Op("gather", INDEX.forward, _gather_bwd, R.same, upcast_half=False))
INDEX_SELECT = register(Op("index_select", INDEX.forward, _gather_bwd, R.same, upcast_half=False))


def _put_op(name):
    return register(Op(name, INDEX_PUT.forward, INDEX_PUT.backward, INDEX_PUT.dtype_rule,
                       upcast_half=False))  # fmt: skip


SCATTER = _put_op("scatter")
SCATTER_ADD = _put_op("scatter_add")
INDEX_ADD = _put_op("index_add")
INDEX_COPY = _put_op("index_copy")
INDEX_FILL = _put_op("index_fill")


def _long_index(opname, index, argname="index"):
    check_tensor(opname, index, argname, 3)
    if index.dtype not in (D.int64, D.int32):
        raise RuntimeError(f"{opname}(): Expected dtype int32/int64 for index")


def _grid_key(index, dim, size):
    """The advanced-index key that reads ``x[i][j][index[i][j][k]]`` for ``dim == 2``."""
    arr = index._data
    if arr.size and (int(arr.max()) >= size or int(arr.min()) < -size):
        raise RuntimeError(f"index {int(arr.max())} is out of bounds for dimension {dim} with "
                           f"size {size}")  # fmt: skip
    n = arr.ndim
    key = []
    for i in range(n):
        if i == dim:
            key.append(np.array(arr, copy=True))
        else:
            shape = [1] * n
            shape[i] = arr.shape[i]
            key.append(np.arange(arr.shape[i]).reshape(shape))
    return tuple(key)


def _check_gather_shapes(opname, x, dim, index, src=None):
    if index.ndim != x.ndim and not (index.ndim <= 1 and x.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    for i in range(index.ndim):
        if i != dim and x.ndim and index.shape[i] > x.shape[i]:
            raise RuntimeError(
                f"Size does not match at dimension {i} expected index {list(index.shape)} to be "
                f"smaller than self {list(x.shape)} apart from dimension {dim}"
            )
        if src is not None and src.ndim and index.shape[i] > src.shape[i]:
            raise RuntimeError(
                f"Size does not match at dimension {i} expected index {list(index.shape)} to be "
                f"smaller than src {list(src.shape)}"
            )


def _as_nd(x):
    return x.reshape(1) if x.ndim == 0 else x


@export
@traced("gather")
def gather(input, dim, index, *, sparse_grad=False, out=None):
    check_tensor("gather", input)
    _long_index("gather", index)
    d = wrap_dim(dim, max(input.ndim, 1))
    _check_gather_shapes("gather", input, d, index)
    x, idx = _as_nd(input), _as_nd(index)
    key = _grid_key(idx, d, x.shape[d])
    res = dispatch(GATHER, (x,), {"key": key})
    if index.ndim == 0:
        res = res.reshape(())
    return handle_out(out, res)


def _src_view(src, index):
    if src.shape == index.shape:
        return src
    return src[tuple(slice(0, s) for s in index.shape)]


def _scatter_args(opname, input, dim, index, src, value):
    check_tensor(opname, input)
    _long_index(opname, index)
    if src is None:
        src = value
    d = wrap_dim(dim, max(input.ndim, 1))
    if isinstance(src, Tensor):
        if src.dtype is not input.dtype:
            raise RuntimeError(f"{opname}(): Expected self.dtype to be equal to src.dtype")
        _check_gather_shapes(opname, input, d, index, _as_nd(src))
        v = _src_view(_as_nd(src), _as_nd(index))
    else:
        _check_gather_shapes(opname, input, d, index)
        v = src
    x = _as_nd(input)
    return x, _grid_key(_as_nd(index), d, x.shape[d]), v


def _reduce_ufunc(reduce):
    return {"add": np.add, "multiply": np.multiply, "sum": np.add, "prod": np.multiply,
            "amax": np.maximum, "amin": np.minimum}[reduce]  # fmt: skip


def _scatter_reduce_fwd(xp, x, v, key, reduce):
    out = x.copy()
    _reduce_ufunc(reduce).at(out, _full_key(key), v)
    return out


def _scatter_mul_bwd(c, g):
    raise NotImplementedError("the backward of scatter(..., reduce='multiply') is not implemented")


SCATTER_MUL = register(
    Op(
        "scatter_multiply",
        _scatter_reduce_fwd,
        _scatter_mul_bwd,
        R.same,
        upcast_half=False,
        grad_name="ScatterBackward1",
    )  # fmt: skip
)


def _scatter(input, dim, index, src, value, reduce, inplace):
    opname = "scatter_" if inplace else "scatter"
    x, key, v = _scatter_args(opname, input, dim, index, src, value)
    if reduce is None:
        op, attrs = SCATTER, {"key": key, "accumulate": False}
    elif reduce == "add":
        op, attrs = SCATTER_ADD, {"key": key, "accumulate": True}
    elif reduce == "multiply":
        op, attrs = SCATTER_MUL, {"key": key, "reduce": "multiply"}
    else:
        raise RuntimeError(f"reduce argument must be either add or multiply. Got {reduce}")
    if inplace:
        if input.ndim == 0:
            x = input
            x_ = x.reshape(1)
            res = dispatch(op, (x_, v), attrs)
            from .elementwise import copy_

            copy_(input, res.reshape(()))
            return input
        return dispatch_inplace(op, (x, v), attrs)
    res = dispatch(op, (x, v), attrs)
    return res.reshape(()) if input.ndim == 0 else res


@export
def scatter(input, dim, index, src=None, value=None, *, reduce=None, out=None):
    return handle_out(out, _scatter(input, dim, index, src, value, reduce, False))


@export(function=False)
def scatter_(input, dim, index, src=None, value=None, *, reduce=None):
    return _scatter(input, dim, index, src, value, reduce, True)


@export
def scatter_add(input, dim, index, src, *, out=None):
    return handle_out(out, _scatter(input, dim, index, src, None, "add", False))


@export(function=False)
def scatter_add_(input, dim, index, src):
    return _scatter(input, dim, index, src, None, "add", True)


# --- scatter_reduce ----------------------------------------------------------------------------


def _identity(reduce, dtype):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    info = np.iinfo(dtype) if dtype.kind in "iu" else None
    if info is None:
        return reduce == "amin"
    return info.min if reduce == "amax" else info.max


def _sr_fwd(xp, x, v, key, reduce, include_self):
    k = _full_key(key)
    out = x.copy()
    if not include_self:
        out[k] = _identity(reduce, x.dtype)
    if reduce == "mean":
        np.add.at(out, k, v)
        cnt = np.ones(x.shape, dtype=np.int64) if include_self else np.zeros(x.shape, np.int64)
        np.add.at(cnt, k, 1)
        cnt = np.maximum(cnt, 1)
        if x.dtype.kind in "iub":
            return np.floor_divide(out, cnt).astype(x.dtype)
        return (out / cnt).astype(x.dtype)
    _reduce_ufunc(reduce).at(out, k, v)
    return out


def _counts(c, shape):
    key = c.attrs["key"]
    k = _full_key(key)
    cnt = np.ones(shape, np.float64) if c.attrs["include_self"] else np.zeros(shape, np.float64)
    np.add.at(cnt, k, 1)
    return cnt


def _sr_bwd(c, g):
    from .._creation import tensor

    x, v = c.inputs
    key, reduce, inc = c.attrs["key"], c.attrs["reduce"], c.attrs["include_self"]
    touched = np.zeros(x.shape, np.bool_)
    touched[_full_key(key)] = True
    tmask = tensor(touched, device=g.device)
    if reduce == "sum":
        gx = g if inc else g.masked_fill(tmask, 0)
        return gx, dispatch(INDEX, (g,), {"key": key})
    if reduce == "mean":
        cnt = tensor(np.maximum(_counts(c, x.shape), 1), dtype=g.dtype, device=g.device)
        gs = g / cnt
        gx = gs if inc else gs.masked_fill(tmask, 0)
        return gx, dispatch(INDEX, (gs,), {"key": key})
    res = c.out
    if reduce in ("amax", "amin"):
        sel_x = (x == res) if inc else (x == res).logical_and(tmask.logical_not())
        sel_v = v == dispatch(INDEX, (res,), {"key": key})
        n = sel_x.to(g.dtype) + put(g.new_zeros(x.shape), key, sel_v.to(g.dtype), True)
        gn = g / n.clamp(min=1)
        gx = gn.where(sel_x, gn.new_zeros(()))
        gv = dispatch(INDEX, (gn,), {"key": key})
        return gx, gv.where(sel_v, gv.new_zeros(()))
    # prod: d res / d a = res / a (inputs without zeros; zeros follow torch only when single)
    gx = (g * res / x).masked_fill(x == 0, 0) if inc else g.masked_fill(tmask, 0)
    gr = g * res
    gv = dispatch(INDEX, (gr,), {"key": key}) / v
    return gx, gv.masked_fill(v == 0, 0)


SCATTER_REDUCE = register(
    Op(
        "scatter_reduce",
        _sr_fwd,
        _sr_bwd,
        R.same,
        save="io",
        upcast_half=True,
        grad_name="ScatterReduceBackward0",
    )  # fmt: skip
)
_REDUCES = ("sum", "prod", "mean", "amax", "amin")


def _scatter_reduce(input, dim, index, src, reduce, include_self, inplace):
    opname = "scatter_reduce_" if inplace else "scatter_reduce"
    if reduce not in _REDUCES:
        raise RuntimeError(
            f"{opname}(): reduce argument must be either sum, prod, mean, amax or amin, got "
            f"{reduce}"
        )
    check_tensor(opname, src, "src", 4)
    x, key, v = _scatter_args(opname, input, dim, index, src, None)
    attrs = {"key": key, "reduce": reduce, "include_self": bool(include_self)}
    if inplace:
        return dispatch_inplace(SCATTER_REDUCE, (x, v), attrs)
    res = dispatch(SCATTER_REDUCE, (x, v), attrs)
    return res.reshape(()) if input.ndim == 0 else res


@export
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    return handle_out(out, _scatter_reduce(input, dim, index, src, reduce, include_self, False))


@export(function=False)
def scatter_reduce_(input, dim, index, src, reduce, *, include_self=True):
    return _scatter_reduce(input, dim, index, src, reduce, include_self, True)


# --- index_* along one dim ------------------------------------------------------------------------


def _dim_index(opname, input, dim, index):
    check_tensor(opname, input)
    check_tensor(opname, index, "index", 3)
    if index.dtype not in (D.int64, D.int32):
        raise RuntimeError(f"{opname}(): Expected dtype int32/int64 for index")
    if index.ndim > 1:
        raise IndexError(f"{opname}(): Index is supposed to be a vector")
    d = wrap_dim(dim, max(input.ndim, 1))
    size = input.shape[d] if input.ndim else 1
    arr = index._data.reshape(-1)
    if arr.size and (int(arr.max()) >= size or int(arr.min()) < -size):
        bad = int(arr.max()) if int(arr.max()) >= size else int(arr.min())
        if opname.startswith("index_select"):
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={size}")
        exc = RuntimeError if opname.startswith("index_add") else IndexError
        prefix = "index_copy_(): " if opname.startswith("index_copy") else ""
        raise exc(f"{prefix}index {bad} is out of bounds for dimension {d} with size {size}")
    return d, (None,) * d + (np.array(arr, copy=True),)


@export
@traced("index_select")
def index_select(input, dim, index, *, out=None):
    d, key = _dim_index("index_select", input, dim, index)
    x = _as_nd(input)
    res = dispatch(INDEX_SELECT, (x,), {"key": key})
    if input.ndim == 0:
        res = res.reshape(()) if index.ndim == 0 else res
    return handle_out(out, res)


def _check_src(opname, input, d, index, source):
    check_tensor(opname, source, "source", 4)
    want = list(input.shape)
    if want:
        want[d] = index.numel()
    if list(_as_nd(source).shape) != (want or [1]) and source.numel() != index.numel() * 0:
        if not (input.ndim == 0 and source.numel() == 1):
            raise RuntimeError(
                f"{opname}(): Source/destination tensor must have same slice shapes. Destination "
                f"slice shape: {list(input.shape)} at dimension {d} and source slice shape: "
                f"{list(source.shape)} at dimension {d}."
            )
    if source.dtype is not input.dtype:
        raise RuntimeError(
            f"{opname}(): self ({_word(input.dtype)}) and source ({_word(source.dtype)}) must "
            "have the same scalar type"
        )


def _index_write(op, opname, input, dim, index, values, accumulate, inplace, check=True):
    d, key = _dim_index(opname, input, dim, index)
    if check:
        _check_src(opname, input, d, index, values)
    x = _as_nd(input) if not inplace or input.ndim else input.reshape(1)
    if isinstance(values, Tensor):
        values = _as_nd(values)
    attrs = {"key": key, "accumulate": accumulate}
    if inplace:
        if input.ndim == 0:
            res = dispatch(op, (x, values), attrs).reshape(())
            from .elementwise import copy_

            return copy_(input, res)
        return dispatch_inplace(op, (x, values), attrs)
    res = dispatch(op, (x, values), attrs)
    return res.reshape(()) if input.ndim == 0 else res


def _scaled(source, alpha):
    return source if alpha == 1 else source * alpha


@export
def index_add(input, dim, index, source, *, alpha=1, out=None):
    check_tensor("index_add", source, "source", 4)
    _check_src("index_add", input, wrap_dim(dim, max(input.ndim, 1)), index, source)
    res = _index_write(INDEX_ADD, "index_add", input, dim, index, _scaled(source, alpha), True,
                       False, check=False)  # fmt: skip
    return handle_out(out, res)


@export(function=False)
def index_add_(input, dim, index, source, *, alpha=1):
    check_tensor("index_add_", source, "source", 4)
    _check_src("index_add_", input, wrap_dim(dim, max(input.ndim, 1)), index, source)
    return _index_write(INDEX_ADD, "index_add_", input, dim, index, _scaled(source, alpha), True,
                        True, check=False)  # fmt: skip


@export
def index_copy(input, dim, index, source, *, out=None):
    return handle_out(out, _index_write(INDEX_COPY, "index_copy", input, dim, index, source,
                                        False, False))  # fmt: skip


@export(function=False)
def index_copy_(input, dim, index, source):
    return _index_write(INDEX_COPY, "index_copy_", input, dim, index, source, False, True)


def _fill_value(opname, value):
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(
                f"{opname} only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.ndim} dimension(s)."
            )
        return value if value.requires_grad else value.item()
    if not is_scalar(value):
        raise TypeError(f"{opname}(): argument 'value' must be Number, not {type(value).__name__}")
    return value


@export
def index_fill(input, dim, index, value):
    v = _fill_value("index_fill_", value)
    if isinstance(v, Tensor):
        v = v.to(input.dtype)
    return _index_write(INDEX_FILL, "index_fill", input, dim, index, v, False, False, check=False)


@export(function=False)
def index_fill_(input, dim, index, value):
    v = _fill_value("index_fill_", value)
    if isinstance(v, Tensor):
        v = v.to(input.dtype)
    return _index_write(INDEX_FILL, "index_fill_", input, dim, index, v, False, True, check=False)


# --- masked ops ---------------------------------------------------------------------------------


def _mf_rule(args, attrs):
    return args[0].dtype, args[0].dtype


def _mf_fwd(xp, x, mask, value):
    return xp.where(mask, xp.asarray(value).astype(x.dtype), x)


def _mf_bwd(c, g):
    mask = c.inputs[1]
    z = g.new_zeros(())
    gx = g.where(mask.logical_not(), z) if needs(c, 0) else None
    gv = g.where(mask, z).sum() if needs(c, 2) else None
    return gx, None, gv


MASKED_FILL = register(Op("masked_fill", _mf_fwd, _mf_bwd, _mf_rule, save="i", nocast=(1,),
                          upcast_half=False))  # fmt: skip


def _check_mask(opname, mask):
    if not isinstance(mask, Tensor):
        raise TypeError(f"{opname}(): argument 'mask' (position 1) must be Tensor, not "
                        f"{type(mask).__name__}")  # fmt: skip
    if mask.dtype is not D.bool_:
        raise RuntimeError(
            f"{opname} only supports boolean masks, but got mask with dtype "
            f"{_word(mask.dtype).lower()}"
        )


def _check_range(value, dt):
    if dt.category == D.INT and is_scalar(value) and not isinstance(value, bool):
        info = np.iinfo(dt.np)
        if not info.min <= value <= info.max:
            raise RuntimeError(f"value cannot be converted to type {dt.np.name}_t without overflow")


def _mf_value(opname, input, value):
    v = _fill_value(opname, value)
    _check_range(v, input.dtype)
    if isinstance(v, Tensor) and v.dtype is not input.dtype:
        v = v.to(input.dtype)
    return v


@export
def masked_fill(input, mask, value):
    check_tensor("masked_fill", input)
    _check_mask("masked_fill_", mask)
    v = _mf_value("masked_fill_", input, value)
    return dispatch(MASKED_FILL, (input, mask, v))


@export(function=False)
def masked_fill_(input, mask, value):
    _check_mask("masked_fill_", mask)
    v = _mf_value("masked_fill_", input, value)
    return dispatch_inplace(MASKED_FILL, (input, mask, v))


def _ms_fwd(xp, x, mask, source):
    out = xp.array(xp.broadcast_to(x, np.broadcast_shapes(x.shape, mask.shape)), copy=True)
    m = xp.broadcast_to(mask, out.shape)
    k = int(m.sum())
    if k > source.size:
        raise RuntimeError("masked_scatter: expected source to have at least as many elements as "
                           "the ones in the mask")  # fmt: skip
    out[m] = source.reshape(-1)[:k]
    return out


def _ms_bwd(c, g):
    from .joining import cat

    mask = c.inputs[1]
    gx = g.masked_fill(mask, 0) if needs(c, 0) else None
    gs = None
    if needs(c, 2):
        shape = c.input_meta[2][0]
        n = int(np.prod(shape))
        sel = masked_select(g, mask)
        gs = cat([sel, sel.new_zeros(n - sel.numel())]).reshape(shape)
    return gx, None, gs


MASKED_SCATTER = register(Op("masked_scatter", _ms_fwd, _ms_bwd, _mf_rule, save="i",
                             nocast=(1,), upcast_half=False))  # fmt: skip


@export
def masked_scatter(input, mask, source):
    check_tensor("masked_scatter", input)
    _check_mask("masked_scatter_", mask)
    if source.dtype is not input.dtype:
        raise RuntimeError("masked_scatter: expected self and source to have same dtypes but got "
                           f"{_word(input.dtype)} and {_word(source.dtype)}")  # fmt: skip
    return dispatch(MASKED_SCATTER, (input, mask, source))


@export(function=False)
def masked_scatter_(input, mask, source):
    _check_mask("masked_scatter_", mask)
    if source.dtype is not input.dtype:
        raise RuntimeError("masked_scatter_: expected self and source to have same dtypes but "
                           f"got {_word(input.dtype)} and {_word(source.dtype)}")  # fmt: skip
    return dispatch_inplace(MASKED_SCATTER, (input, mask, source))


@export
def masked_select(input, mask, *, out=None):
    check_tensor("masked_select", input)
    _check_mask("masked_select", mask)
    from .movement import expand

    shape = tuple(np.broadcast_shapes(tuple(input.shape), tuple(mask.shape)))
    x = input if tuple(input.shape) == shape else expand(input, shape)
    m = np.broadcast_to(mask._data, shape)
    key = tuple(np.nonzero(m)) if shape else (np.zeros(int(m), np.int64),)
    if not shape:
        x = x.reshape(1)
    return handle_out(out, dispatch(INDEX, (x,), {"key": key}))


# --- nonzero -----------------------------------------------------------------------------------


@export
def nonzero(input, *, out=None, as_tuple=False):
    check_tensor("nonzero", input)
    a = input._host()
    if as_tuple:
        if a.ndim == 0:
            return (Tensor._make(np.zeros(int(bool(a)), np.int64), D.int64, input.device),)
        return tuple(_long(col, input) for col in np.nonzero(a))
    res = np.argwhere(a).astype(np.int64) if a.ndim else np.zeros((int(bool(a)), 0), np.int64)
    return handle_out(out, _long(res, input))


def _long(arr, like):
    from .._backend import to_device

    arr = np.ascontiguousarray(arr, dtype=np.int64)
    if like.device.type != "cpu":
        arr = to_device(arr, like.device)
    return Tensor._make(arr, D.int64, like.device)


@export
def argwhere(input):
    return nonzero(input)


@export
def take_along_dim(input, indices, dim=None, *, out=None):
    check_tensor("take_along_dim", input)
    check_tensor("take_along_dim", indices, "indices", 2)
    if indices.dtype is not D.int64:
        raise RuntimeError(
            "torch.take_along_dim(): dtype of indices should be Long but got "
            f"{_word(indices.dtype)}"
        )
    if dim is None:
        return handle_out(out, input.reshape(-1).gather(0, indices.reshape(-1)))
    from .movement import expand

    d = wrap_dim(dim, input.ndim)
    if input.ndim != indices.ndim:
        raise RuntimeError(
            "torch.take_along_dim(): input and indices should have the same number of "
            f"dimensions, but got {input.ndim} dimensions for input, and {indices.ndim} "
            "dimensions for indices"
        )
    ishape, jshape = list(input.shape), list(indices.shape)
    ishape[d] = jshape[d] = 1
    b = list(np.broadcast_shapes(tuple(ishape), tuple(jshape)))
    bi, bj = list(b), list(b)
    bi[d], bj[d] = input.shape[d], indices.shape[d]
    return handle_out(out, gather(expand(input, bi), d, expand(indices, bj)))


R.METHODS["take_along_dim"] = take_along_dim
