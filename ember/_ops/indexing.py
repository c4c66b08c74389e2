"""Indexing: ``Tensor.__getitem__`` / ``__setitem__``, select, slice, narrow, index, index_put.

NOTE [ how an index expression runs ]
PyTorch splits ``x[i]`` in two steps and so do we. First the basic parts run
left to right as views: an int is ``select``, a slice is ``slice``, ``None`` is
``unsqueeze``, ``...`` skips dims. Tensors, lists, arrays and bools are only
noted with the dim of the intermediate result they apply to (a bool mask
becomes its ``nonzero`` columns, a Python bool a new dim of size 1 indexed by
``[0]`` or ``[]``). Then, if any tensor was noted, one ``index`` op gathers
with NumPy's advanced indexing, where every other dim is a full slice, so
NumPy's rule for placing the indexed dims (in place when adjacent, first when
separated) is PyTorch's. Ints are not advanced indices here, as in PyTorch and
unlike NumPy. Index arrays travel as op attributes (copied), not as inputs:
they never take gradients, and a later in-place change to an index tensor
cannot change a recorded backward.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .. import _backend
from .. import _config as C
from .. import _dtype as D
from .._tracing import traced
from . import _registry as R
from ._helpers import Tensor, check_tensor, dispatch, dispatch_inplace, handle_out, wrap_dim
from ._registry import Op, export, register

_STATE = C.state

# --- basic views: select, slice, alias, and their backward (embed into zeros) -------------------


def _embed_fwd(xp, g, shape, key):
    z = xp.zeros(shape, dtype=g.dtype)
    z[key] = g
    return z


def _extract_fwd(xp, x, key):
    return x[key].copy()


EMBED = register(
    Op(
        "_embed",
        _embed_fwd,
        lambda c, g: (dispatch(EXTRACT, (g,), {"key": c.attrs["key"]}),),
        R.same,
        upcast_half=False,
    )  # fmt: skip
)
EXTRACT = register(
    Op(
        "_extract",
        _extract_fwd,
        lambda c, g: (embed(g, c.input_meta[0][0], c.attrs["key"]),),
        R.same,
        upcast_half=False,
    )  # fmt: skip
)


def embed(g, shape, key):
    """``g`` written at ``key`` of a zero tensor of ``shape`` (the backward of a basic view)."""
    return dispatch(EMBED, (g,), {"shape": tuple(shape), "key": key})


def _view_key_bwd(keyfn):
    def bwd(c, g):
        return (embed(g, c.input_meta[0][0], keyfn(c.attrs)),)

    return bwd


def _select_key(a):
    return (slice(None),) * a["dim"] + (a["index"], Ellipsis)


def _slice_key(a):
    return (slice(None),) * a["dim"] + (slice(a["start"], a["end"], a["step"]),)


SELECT = register(
    Op(
        "select",
        lambda xp, x, dim, index: x[(slice(None),) * dim + (index, Ellipsis)],
        _view_key_bwd(_select_key),
        R.same,
        view=True,
        upcast_half=False,
    )  # fmt: skip
)
SLICE = register(
    Op(
        "slice",
        lambda xp, x, dim, start, end, step: x[
            _slice_key({"dim": dim, "start": start, "end": end, "step": step})
        ],
        _view_key_bwd(_slice_key),
        R.same,
        view=True,
        upcast_half=False,
    )  # fmt: skip
)
ALIAS = register(
    Op("alias", lambda xp, x: x.view(), lambda c, g: (g,), R.same, view=True, upcast_half=False)
)


def _dims_str(shape):
    return "[" + ", ".join(map(str, shape)) + "]"


@export
def select(input, dim, index):
    check_tensor("select", input)
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, input.ndim)
    size = input.shape[d]
    index = int(index)
    if index < -size or index >= size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size "
            f"{_dims_str(input.shape)} at dimension {d}"
        )
    return dispatch(SELECT, (input,), {"dim": d, "index": index % size})


def slice_dim(input, dim, start, end, step=1):
    """``input[..., start:end:step]`` at ``dim`` (PyTorch's ``aten::slice``), a view."""
    if step <= 0:
        raise ValueError("step must be greater than zero")
    size = input.shape[dim]
    start, end, _ = slice(start, end, step).indices(size)
    end = max(end, start)
    return dispatch(SLICE, (input,), {"dim": dim, "start": start, "end": end, "step": step})


@export
def narrow(input, dim, start, length):
    check_tensor("narrow", input)
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, input.ndim)
    size = input.shape[d]
    start, length = int(start), int(length)
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start < -size or start > size:
        raise IndexError(
            f"start out of range (expected to be in range of [{-size}, {size}], but got {start})"
        )
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return dispatch(SLICE, (input,), {"dim": d, "start": start, "end": start + length, "step": 1})


# --- advanced: index and index_put -------------------------------------------------------------


def _full_key(key):
    return tuple(slice(None) if k is None else k for k in key)


def _index_fwd(xp, x, key):
    return x[_full_key(key)]


def _index_bwd(c, g):
    return (put(g.new_zeros(c.input_meta[0][0]), c.attrs["key"], g, True),)


INDEX = register(Op("index", _index_fwd, _index_bwd, R.same, upcast_half=False))


def _index_put_rule(args, attrs):
    return args[0].dtype, args[0].dtype


def _index_put_fwd(xp, x, v, key, accumulate):
    out = x.copy()
    k = _full_key(key)
    if accumulate:
        if xp is np:
            np.add.at(out, k, v)
        else:  # cupy
            xp.add.at(out, k, v)
    else:
        out[k] = v
    return out


def _index_put_bwd(c, g):
    key, acc = c.attrs["key"], c.attrs["accumulate"]
    gx = g if acc else put(g, key, 0, False)
    gv = dispatch(INDEX, (g,), {"key": key}) if c.input_meta[1] is not None else None
    return gx, gv


INDEX_PUT = register(Op("index_put", _index_put_fwd, _index_put_bwd, _index_put_rule,
                        upcast_half=False))  # fmt: skip


def put(x, key, values, accumulate=False):
    """``x`` with ``values`` written (or added) at the advanced ``key`` (out of place)."""
    return dispatch(INDEX_PUT, (x, values), {"key": key, "accumulate": bool(accumulate)})


# --- turning user indices into the key -----------------------------------------------------------

_INT_TYPES = (D.int64, D.int32, D.int16, D.int8)
_BAD_INDEX = (
    "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
    "indices (got {})"
)


def _as_index_tensor(obj):
    if isinstance(obj, Tensor):
        return obj
    from .._creation import tensor

    if isinstance(obj, np.ndarray):
        return Tensor._make(np.asarray(obj), D.from_numpy_dtype(obj.dtype))
    try:
        return tensor(obj)
    except (TypeError, ValueError, RuntimeError):
        raise IndexError(_BAD_INDEX.format(type(obj).__name__)) from None


def _check_bounds(arr, size, dim):
    if arr.size == 0:
        return
    lo, hi = int(arr.min()), int(arr.max())
    if hi >= size:
        raise IndexError(f"index {hi} is out of bounds for dimension {dim} with size {size}")
    if lo < -size:
        raise IndexError(f"index {lo} is out of bounds for dimension {dim} with size {size}")


def _treat_as_tuple(index):
    """PyTorch's (deprecated) NumPy rule: a short list holding slices, lists... is a tuple."""
    if isinstance(index, tuple):
        return True
    if not isinstance(index, list) or len(index) >= 32:
        return False
    for it in index:
        if it is None or it is Ellipsis or isinstance(it, (slice, Tensor, list, tuple)):
            warnings.warn(
                "Using a non-tuple sequence for multidimensional indexing is deprecated and will "
                "be changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 "
                "this will be interpreted as tensor index, x[torch.tensor(seq)], which will "
                "result either in an error or a different result",
                UserWarning,
                stacklevel=4,
            )
            return True
    return False


def _is_int(it):
    if isinstance(it, bool) or isinstance(it, np.bool_):
        return False
    if isinstance(it, (numbers.Integral, np.integer)):
        return True
    return isinstance(it, Tensor) and it.ndim == 0 and it.dtype in _INT_TYPES


def _consumed(it):
    if it is None or it is Ellipsis or isinstance(it, (bool, np.bool_)):
        return 0
    if isinstance(it, Tensor) and it.dtype in (D.bool_, D.uint8):
        return it.ndim
    if isinstance(it, np.ndarray) and it.dtype == np.bool_:
        return it.ndim
    return 1


def _parse(self, index):
    """Apply the basic part of ``index`` to ``self``; return (view, {dim: index array})."""
    idx = tuple(index) if _treat_as_tuple(index) else (index,)
    used = sum(_consumed(it) for it in idx)
    ndim = self.ndim
    if used > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    res, dim, adv = self, 0, {}
    for it in idx:
        if _is_int(it):
            res = _select_checked(res, dim, int(it), self, used)
        elif isinstance(it, slice):
            res = _slice_from(res, dim, it)
            dim += 1
        elif it is None:
            res = dispatch(_unsqueeze_op(), (res,), {"dim": dim})
            dim += 1
        elif it is Ellipsis:
            dim += ndim - used
        elif isinstance(it, (bool, np.bool_)) or (
            isinstance(it, Tensor) and it.ndim == 0 and it.dtype in (D.bool_, D.uint8)
        ):
            res = dispatch(_unsqueeze_op(), (res,), {"dim": dim})
            adv[dim] = np.zeros(1 if bool(it) else 0, dtype=np.int64)
            dim += 1
        elif isinstance(it, (Tensor, list, tuple, np.ndarray)):
            t = _as_index_tensor(it)
            dim = _note_tensor(res, dim, t, adv)
        else:
            raise IndexError(_BAD_INDEX.format(type(it).__name__))
    return res, adv


def _unsqueeze_op():
    return R.REGISTRY["unsqueeze"]


def _select_checked(res, dim, i, base, used):
    size = res.shape[dim]
    if i < -size or i >= size:
        raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")
    return dispatch(SELECT, (res,), {"dim": dim, "index": i % size})


def _slice_from(res, dim, s, size=None):
    step = 1 if s.step is None else int(s.step)
    if step == 0:
        raise ValueError("slice step cannot be zero")
    if step < 0:
        raise ValueError("step must be greater than zero")
    if size is None:
        size = res.shape[dim]
    start, end, _ = slice(s.start, s.stop, step).indices(size)
    end = max(end, start)
    return dispatch(SLICE, (res,), {"dim": dim, "start": start, "end": end, "step": step})


def _note_tensor(res, dim, t, adv):
    arr = _backend.to_device(t._data, res.device) if t.device != res.device else t._data
    if t.dtype in (D.bool_, D.uint8):
        if t.dtype is D.uint8:
            warnings.warn(
                "indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                "torch.bool instead.",
                UserWarning,
                stacklevel=4,
            )
        for j in range(t.ndim):
            if t.shape[j] != res.shape[dim + j]:
                raise IndexError(
                    f"The shape of the mask {_dims_str(t.shape)} at index {j} does not match the "
                    f"shape of the indexed tensor {_dims_str(res.shape)} at index {dim + j}"
                )
        for j, col in enumerate(np.nonzero(arr)):
            adv[dim + j] = col
        return dim + t.ndim
    if t.dtype not in _INT_TYPES:
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    _check_bounds(arr, res.shape[dim], dim)
    adv[dim] = np.array(arr, copy=True)
    return dim + 1


def _key_of(res, adv):
    shapes = [a.shape for a in adv.values()]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise IndexError(
            "shape mismatch: indexing tensors could not be broadcast together with shapes "
            + ", ".join(_dims_str(s) for s in shapes)
        ) from None
    last = max(adv)
    return tuple(adv.get(d) for d in range(last + 1))


@traced("Tensor.__getitem__")
def getitem(self, index):
    # Fast paths: x[i] and x[a:b] on a tensor with dims (no tracer: it reads traced sizes).
    ti = type(index)
    if (ti is int or ti is slice) and self._data.ndim and _STATE.tracer is None:
        size = self._data.shape[0]
        if ti is slice:
            return _slice_from(self, 0, index, size)
        if -size <= index < size:
            return dispatch(SELECT, (self,), {"dim": 0, "index": index % size})
    res, adv = _parse(self, index)
    if not adv:
        if res is self:
            return dispatch(ALIAS, (self,))
        return res
    return dispatch(INDEX, (res,), {"key": _key_of(res, adv)})


def _strip_ones(v, ndim):
    """Drop leading size-1 dims of ``v`` beyond ``ndim`` (PyTorch's setitem does)."""
    while v.ndim > ndim and v.shape[0] == 1:
        v = v.squeeze(0)
    return v


@traced("Tensor.__setitem__")
def setitem(self, index, value):
    from .elementwise import copy_

    res, adv = _parse(self, index)
    if not isinstance(value, Tensor):
        if isinstance(value, (numbers.Number, np.generic)):
            if not adv:
                return res.fill_(value)
            from .._creation import tensor

            value = tensor(value, dtype=self.dtype, device=self.device)
        else:
            from .._creation import tensor

            value = tensor(value, dtype=self.dtype, device=self.device)
    if not adv:
        v = _strip_ones(value, res.ndim)
        from .movement import expand

        copy_(res, expand(v, tuple(res.shape)))
        return None
    key = _key_of(res, adv)
    if value.dtype is not res.dtype:
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{_word(res.dtype)} for the destination and {_word(value.dtype)} for the source."
        )
    _index_put_(res, key, value, False)
    return None


def _word(dt):
    from .._dispatch import _type_word

    return _type_word(dt)


def _index_put_(x, key, values, accumulate):
    v = _strip_ones(values, x.ndim)
    target = np.broadcast_to(np.empty((), np.bool_), x.shape)[_full_key(key)].shape
    try:
        ok = np.broadcast_shapes(tuple(v.shape), target) == target
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {_dims_str(values.shape)} cannot be broadcast "
            f"to indexing result of shape {_dims_str(target)}"
        )
    return dispatch_inplace(INDEX_PUT, (x, v), {"key": key, "accumulate": bool(accumulate)})


Tensor.__getitem__ = getitem
Tensor.__setitem__ = setitem


# --- index_put / index (public) ------------------------------------------------------------------


def _key_from_indices(self, indices, opname):
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"{opname}(): argument 'indices' must be tuple of Tensors, not "
                        f"{type(indices).__name__}")  # fmt: skip
    if len(indices) > self.ndim:
        raise IndexError(
            f"too many indices for tensor of dimension {self.ndim} (got {len(indices)})"
        )
    adv, dim = {}, 0
    for t in indices:
        if t is None:
            dim += 1
            continue
        dim = _note_tensor(self, dim, _as_index_tensor(t), adv)
    if not adv:
        return None
    return _key_of(self, adv)


def _check_values(self, values, opname):
    if not isinstance(values, Tensor):
        raise TypeError(f"{opname}(): argument 'values' must be Tensor, not "
                        f"{type(values).__name__}")  # fmt: skip
    if values.dtype is not self.dtype:
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{_word(self.dtype)} for the destination and {_word(values.dtype)} for the source."
        )


@export
def index_put(input, indices, values, accumulate=False):
    check_tensor("index_put", input)
    _check_values(input, values, "index_put")
    key = _key_from_indices(input, indices, "index_put")
    if key is None:
        from .movement import expand

        return expand(values, tuple(input.shape)).clone() if not accumulate else input + values
    v = _strip_ones(values, input.ndim)
    return dispatch(INDEX_PUT, (input, v), {"key": key, "accumulate": bool(accumulate)})


@export(function=False)
def index_put_(input, indices, values, accumulate=False):
    _check_values(input, values, "index_put_")
    key = _key_from_indices(input, indices, "index_put_")
    if key is None:
        if accumulate:
            return input.add_(values)
        from .elementwise import copy_

        return copy_(input, values)
    return _index_put_(input, key, values, accumulate)


R.FUNCTIONS["index_put_"] = index_put_


def index_tensor(input, indices):
    """``input[indices]`` for a tuple of index tensors (``aten::index``)."""
    key = _key_from_indices(input, indices, "index")
    if key is None:
        return dispatch(ALIAS, (input,))
    return dispatch(INDEX, (input,), {"key": key})


# --- take ---------------------------------------------------------------------------------------


@export
def take(input, index, *, out=None):
    check_tensor("take", input)
    check_tensor("take", index, "index", 2)
    if index.dtype is not D.int64:
        raise RuntimeError(
            f"take(): Expected a long tensor for index, but got {_word(index.dtype)}"
        )
    flat = input.reshape(-1)
    n = flat.shape[0]
    arr = index._data
    if arr.size and (int(arr.max()) >= n or int(arr.min()) < -n):
        bad = int(arr.max()) if int(arr.max()) >= n else int(arr.min())
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    res = dispatch(INDEX, (flat,), {"key": (np.array(arr, copy=True),)})
    return handle_out(out, res)
