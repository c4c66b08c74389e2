"""Ops that rearrange elements: flip, roll, rot90, tril/triu, diagonals, repeat/tile,
repeat_interleave, and the strided views unfold and as_strided.

NOTE [ strided views and their backward ]
``diagonal``, ``unfold`` and ``as_strided`` are views made with NumPy's
``as_strided`` (writeable, so writes reach the base). Their backward maps each
output element to the storage position it reads: the gradient is scattered
(added) into a zero storage and read back at the input's own positions. The
same map with the two position arrays swapped is its adjoint, so the backward
is one op whose backward is itself, and double backward works.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided as _np_as_strided

from .. import _dtype as D
from . import _registry as R
from ._helpers import (
    Tensor,
    check_tensor,
    dispatch,
    dispatch_inplace,
    handle_out,
    inplace_view,
    wrap_dim,
)
from ._registry import Op, export, register

# --- flip, roll, rot90 ---

FLIP = register(
    Op(
        "flip",
        lambda xp, x, dims: xp.flip(x, dims).copy() if dims else x.copy(),
        lambda c, g: (flip(g, c.attrs["dims"]),),
        R.same,
        upcast_half=False,
    )  # fmt: skip
)


@export(method=False)
def flip(input, dims):
    check_tensor("flip", input)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    ds = tuple(wrap_dim(d, input.ndim) for d in dims)
    if len(set(ds)) != len(ds):
        raise RuntimeError(f"dims has duplicates, original flip dims size={len(ds)}, but unique "
                           f"flip dims size={len(set(ds))}")  # fmt: skip
    return dispatch(FLIP, (input,), {"dims": ds})


def _flip_method(self, *dims):
    if len(dims) == 1 and isinstance(dims[0], (list, tuple)):
        dims = tuple(dims[0])
    return flip(self, dims)


R.METHODS["flip"] = _flip_method


@export
def fliplr(input):
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


@export
def flipud(input):
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


def _roll_fwd(xp, x, shifts, dims):
    if dims is None:
        return xp.roll(x.reshape(-1), shifts).reshape(x.shape)
    return xp.roll(x, shifts, dims)


def _roll_bwd(c, g):
    shifts = tuple(-s for s in c.attrs["shifts"])
    return (dispatch(ROLL, (g,), {"shifts": shifts, "dims": c.attrs["dims"]}),)


ROLL = register(Op("roll", _roll_fwd, _roll_bwd, R.same, upcast_half=False))


@export
def roll(input, shifts, dims=None):
    check_tensor("roll", input)
    shifts = (shifts,) if isinstance(shifts, int) else tuple(int(s) for s in shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return dispatch(ROLL, (input,), {"shifts": shifts, "dims": None})
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(dims) != len(shifts):
        raise RuntimeError(
            f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
        )
    ds = tuple(wrap_dim(d, input.ndim) for d in dims)
    return dispatch(ROLL, (input,), {"shifts": shifts, "dims": ds})


@export
def rot90(input, k=1, dims=(0, 1)):
    check_tensor("rot90", input)
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = wrap_dim(dims[0], input.ndim), wrap_dim(dims[1], input.ndim)
    if d0 == d1:
        raise RuntimeError(
            f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}"
        )
    k = k % 4
    if k == 1:
        return flip(input, (d1,)).transpose(d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return flip(input, (d0,)).transpose(d0, d1)
    return input.clone()


# --- tril / triu ---


def _tri_fwd(fn):
    def fwd(xp, x, diagonal):
        n, m = x.shape[-2:]
        mask = getattr(np, fn)(np.ones((n, m), np.bool_), diagonal)
        return xp.where(mask, x, xp.zeros((), x.dtype))

    return fwd


TRIL = register(Op("tril", _tri_fwd("tril"), lambda c, g: (tril(g, c.attrs["diagonal"]),),
                   R.same, upcast_half=False))  # fmt: skip
TRIU = register(Op("triu", _tri_fwd("triu"), lambda c, g: (triu(g, c.attrs["diagonal"]),),
                   R.same, upcast_half=False))  # fmt: skip


def _tri(op, input, diagonal, inplace, out=None):
    check_tensor(op.name, input)
    if input.ndim < 2:
        raise RuntimeError(f"{op.name}: input tensor must have at least 2 dimensions")
    attrs = {"diagonal": int(diagonal)}
    if inplace:
        return dispatch_inplace(op, (input,), attrs)
    return handle_out(out, dispatch(op, (input,), attrs))


@export
def tril(input, diagonal=0, *, out=None):
    return _tri(TRIL, input, diagonal, False, out)


@export
def triu(input, diagonal=0, *, out=None):
    return _tri(TRIU, input, diagonal, False, out)


@export(function=False)
def tril_(input, diagonal=0):
    return _tri(TRIL, input, diagonal, True)


@export(function=False)
def triu_(input, diagonal=0):
    return _tri(TRIU, input, diagonal, True)


def _tri_indices(fn, row, col, offset, dtype, device):
    from .._creation import tensor

    if row < 0 or col < 0:
        raise RuntimeError(f"row must be non-negative, got{row}" if row < 0 else
                           f"col must be non-negative, got{col}")  # fmt: skip
    r, c = fn(row, offset, col)
    return tensor(np.stack([r, c]).astype(np.int64).reshape(2, -1), dtype=dtype, device=device)


@export(method=False)
def tril_indices(row, col, offset=0, *, dtype=D.int64, device=None, layout=None):
    return _tri_indices(np.tril_indices, row, col, offset, dtype, device)


@export(method=False)
def triu_indices(row, col, offset=0, *, dtype=D.int64, device=None, layout=None):
    return _tri_indices(np.triu_indices, row, col, offset, dtype, device)


# --- diagonals ---


def _diag_view(x, offset, dim1, dim2):
    """A writeable NumPy view of ``x``'s diagonal (as torch.diagonal lays it out)."""
    n1, n2 = x.shape[dim1], x.shape[dim2]
    if offset >= 0:
        length = max(min(n1, n2 - offset), 0)
        start = (0, offset)
    else:
        length = max(min(n1 + offset, n2), 0)
        start = (-offset, 0)
    key = [slice(None)] * x.ndim
    if length:
        key[dim1] = slice(start[0], None)
        key[dim2] = slice(start[1], None)
    sub = x[tuple(key)]
    moved = np.moveaxis(sub, (dim1, dim2), (-2, -1))
    shape = moved.shape[:-2] + (length,)
    strides = moved.strides[:-2] + (moved.strides[-2] + moved.strides[-1],)
    return _np_as_strided(moved, shape, strides, writeable=x.flags.writeable)


def _diag_scatter_fwd(xp, g, shape, offset, dim1, dim2):
    z = xp.zeros(shape, dtype=g.dtype)
    _diag_view(z, offset, dim1, dim2)[...] = g
    return z


def _diag_attrs(c):
    a = c.attrs
    return a["offset"], a["dim1"], a["dim2"]


def _diag_scatter_bwd(c, g):
    o, d1, d2 = _diag_attrs(c)
    return (dispatch(DIAGONAL, (g,), {"offset": o, "dim1": d1, "dim2": d2}),)


def _diagonal_bwd(c, g):
    o, d1, d2 = _diag_attrs(c)
    attrs = {"shape": c.input_meta[0][0], "offset": o, "dim1": d1, "dim2": d2}
    return (dispatch(DIAG_SCATTER, (g,), attrs),)


DIAGONAL = register(
    Op(
        "diagonal",
        lambda xp, x, offset, dim1, dim2: _diag_view(x, offset, dim1, dim2),
        _diagonal_bwd,
        R.same,
        view=True,
        upcast_half=False,
    )  # fmt: skip
)
DIAG_SCATTER = register(
    Op("diag_embed", _diag_scatter_fwd, _diag_scatter_bwd, R.same, upcast_half=False)
)


@export
def diagonal(input, offset=0, dim1=0, dim2=1):
    check_tensor("diagonal", input)
    d1, d2 = wrap_dim(dim1, input.ndim), wrap_dim(dim2, input.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return dispatch(DIAGONAL, (input,), {"offset": int(offset), "dim1": d1, "dim2": d2})


@export
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    check_tensor("diag_embed", input)
    n = input.ndim + 1
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    size = (input.shape[-1] if input.ndim else 1) + abs(int(offset))
    rest = list(input.shape[:-1])
    shape = []
    for i in range(n):
        shape.append(size if i in (d1, d2) else rest.pop(0))
    x = input if input.ndim else input.reshape(1)
    attrs = {"shape": tuple(shape), "offset": int(offset), "dim1": d1, "dim2": d2}
    return dispatch(DIAG_SCATTER, (x,), attrs)


@export
def diag(input, diagonal=0, *, out=None):
    check_tensor("diag", input)
    if input.ndim == 1:
        return handle_out(out, diag_embed(input, diagonal, 0, 1))
    if input.ndim == 2:
        return handle_out(out, globals()["diagonal"](input, diagonal, 0, 1).clone())
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


@export
def diagflat(input, offset=0):
    check_tensor("diagflat", input)
    return diag_embed(input.reshape(-1), offset, 0, 1)


@export
def trace(input):
    check_tensor("trace", input)
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    return diagonal(input).sum()


# --- repeat, tile, repeat_interleave ---


def _repeat_fwd(xp, x, sizes):
    x = x.reshape((1,) * (len(sizes) - x.ndim) + x.shape)
    return xp.tile(x, sizes)


def _repeat_bwd(c, g):
    sizes = c.attrs["sizes"]
    shape = c.input_meta[0][0]
    shape = (1,) * (len(sizes) - len(shape)) + tuple(shape)
    split = []
    for r, s in zip(sizes, shape):
        split += [r, s]
    if g.numel() == 0:
        return (g.new_zeros(c.input_meta[0][0]),)
    gs = g.reshape(split).sum(tuple(range(0, 2 * len(sizes), 2)))
    return (gs.reshape(c.input_meta[0][0]),)


REPEAT = register(Op("repeat", _repeat_fwd, _repeat_bwd, R.same, upcast_half=False))


def repeat(self, *sizes):
    from .movement import shape_args

    sizes = shape_args(sizes, "repeat")
    if len(sizes) < self.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of "
            "tensor"
        )
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: "
                           f"{list(sizes)}")  # fmt: skip
    return dispatch(REPEAT, (self,), {"sizes": sizes})


R.METHODS["repeat"] = repeat


@export
def tile(input, dims):
    dims = tuple(dims)
    if len(dims) < input.ndim:
        dims = (1,) * (input.ndim - len(dims)) + dims
    return repeat(input, dims)


@export
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    from .._creation import arange
    from .indexing import INDEX

    if repeats is None:
        if input.ndim != 1 or input.dtype not in (D.int64, D.int32):
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        reps = input._host()
        if reps.size and reps.min() < 0:
            raise RuntimeError("repeats can not be negative")
        return arange(reps.size, device=input.device).repeat_interleave(input)
    x = input
    if dim is None:
        x = input.reshape(-1)
        d = 0
    else:
        d = wrap_dim(dim, input.ndim)
    if x.ndim == 0:
        x = x.reshape(1)
    n = x.shape[d]
    if isinstance(repeats, Tensor):
        if repeats.ndim > 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        reps = repeats._host().astype(np.int64).reshape(-1)
        if reps.size == 1:
            reps = np.full(n, reps[0])
    else:
        reps = np.full(n, int(repeats))
    if reps.size != n:
        raise RuntimeError(
            f"repeats must have the same size as input along dim, but got repeats.size(0) = "
            f"{reps.size} and input.size({d}) = {n}"
        )
    if reps.size and reps.min() < 0:
        raise RuntimeError("repeats can not be negative")
    idx = np.repeat(np.arange(n), reps)
    return dispatch(INDEX, (x,), {"key": (None,) * d + (idx,)})


# --- unfold, as_strided ---


def _strided_bwd_fwd(xp, g, pos_out, pos_in, n):
    buf = xp.zeros(n, dtype=g.dtype)
    xp.add.at(buf, pos_out, g)
    return buf[pos_in]


def _strided_bwd_bwd(c, g):
    a = c.attrs
    attrs = {"pos_out": a["pos_in"], "pos_in": a["pos_out"], "n": a["n"]}
    return (dispatch(STRIDED_BWD, (g,), attrs),)


STRIDED_BWD = register(Op("_strided_scatter", _strided_bwd_fwd, _strided_bwd_bwd, R.same,
                          upcast_half=False))  # fmt: skip


def _unfold_fwd(xp, x, dim, size, step):
    if x.ndim == 0:
        return x.reshape(1)
    n = x.shape[dim]
    shape = list(x.shape)
    shape[dim] = (n - size) // step + 1
    strides = list(x.strides)
    strides[dim] = x.strides[dim] * step
    return _np_as_strided(x, tuple(shape) + (size,), tuple(strides) + (x.strides[dim],),
                          writeable=x.flags.writeable)  # fmt: skip


def _unfold_bwd(c, g):
    shape = c.input_meta[0][0]
    n = int(np.prod(shape))
    pos_in = np.arange(n).reshape(shape)
    a = c.attrs
    pos_out = np.ascontiguousarray(_unfold_fwd(np, pos_in, a["dim"], a["size"], a["step"]))
    return (dispatch(STRIDED_BWD, (g,), {"pos_out": pos_out, "pos_in": pos_in, "n": n}),)


UNFOLD = register(Op("unfold", _unfold_fwd, _unfold_bwd, R.same, view=True, upcast_half=False))


def unfold(self, dimension, size, step):
    d = wrap_dim(dimension, max(self.ndim, 1))
    n = self.shape[d] if self.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return dispatch(UNFOLD, (self,), {"dim": d, "size": int(size), "step": int(step)})


R.METHODS["unfold"] = unfold


def _flat_root(x):
    from .._storage import root_array

    root = root_array(x)
    return root.reshape(-1) if root.flags.c_contiguous else None


def _as_strided_fwd(xp, x, size, stride, offset, in_geometry):
    root = _flat_root(x)
    item = x.itemsize
    if root is None:
        raise NotImplementedError("as_strided on a tensor whose storage is not contiguous")
    return _np_as_strided(root[offset:], size, tuple(s * item for s in stride),
                          writeable=x.flags.writeable)  # fmt: skip


def _as_strided_bwd(c, g):
    a = c.attrs
    shape = c.input_meta[0][0]
    in_st, in_off, n = a["in_geometry"]
    store = np.arange(n)
    pos_in = np.ascontiguousarray(
        _np_as_strided(store[in_off:], shape, tuple(s * 8 for s in in_st))
    )
    pos_out = np.ascontiguousarray(_np_as_strided(store[a["offset"]:], a["size"],
                                                  tuple(s * 8 for s in a["stride"])))  # fmt: skip
    return (dispatch(STRIDED_BWD, (g,), {"pos_out": pos_out, "pos_in": pos_in, "n": n}),)


AS_STRIDED = register(Op("as_strided", _as_strided_fwd, _as_strided_bwd, R.same, view=True,
                         upcast_half=False))  # fmt: skip


@export
def as_strided(input, size, stride, storage_offset=None):
    check_tensor("as_strided", input)
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    offset = input.storage_offset() if storage_offset is None else int(storage_offset)
    n = input.untyped_storage().nbytes() // input.element_size()
    need = offset + sum((s - 1) * st for s, st in zip(size, stride)) + 1 if all(size) else 0
    if need > n:
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
            f"and itemsize {input.element_size()} requiring a storage size of "
            f"{need * input.element_size()} are out of bounds for storage of size "
            f"{n * input.element_size()}"
        )
    geometry = (input.stride(), input.storage_offset(), n)
    attrs = {"size": size, "stride": stride, "offset": offset, "in_geometry": geometry}
    return dispatch(AS_STRIDED, (input,), attrs)


export(inplace_view(as_strided, "as_strided"), names=("as_strided_",))
