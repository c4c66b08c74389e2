"""Joining and splitting: cat, stack and their *stack cousins, split, chunk, unbind,
tensor_split, broadcasting helpers, meshgrid, cartesian_prod, combinations, block_diag.

Splits return views (``narrow``/``select``), as in PyTorch.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np

from .. import _dtype as D
from .._autograd.node import show_grad_fn_as
from .._tensor import Size
from ._helpers import Tensor, check_tensor, dispatch, handle_out, wrap_dim
from ._registry import Op, export, register
from .indexing import narrow, select


def _tensors_arg(opname, tensors):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{opname}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
            f"{type(tensors).__name__}"
        )
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"{opname}(): argument 'tensors' (position 1) must be tuple of Tensors, but found "
                f"element of type {type(t).__name__} at pos {i}"
            )
    return list(tensors)


# --- cat ---


def _cat_rule(args, attrs):
    dt = args[0].dtype
    for a in args[1:]:
        dt = D.promote_types(dt, a.dtype)
    return dt, dt


def _skipped(shape, ndim):
    # PyTorch's legacy rule: a 1-d empty tensor joins anything (and is ignored)
    return shape == (0,) and ndim != 1


def _cat_fwd(xp, *arrays, dim, ndim):
    keep = [a for a in arrays if not _skipped(a.shape, ndim)]
    if not keep:
        return xp.concatenate(arrays, axis=0)
    return xp.concatenate(keep, axis=dim)


def _cat_bwd(c, g):
    dim, ndim = c.attrs["dim"], c.attrs["ndim"]
    out, off = [], 0
    for meta, edge in zip(c.input_meta, c.next_edges):
        shape = meta[0]
        if _skipped(shape, ndim):
            out.append(g.new_zeros(shape) if edge is not None else None)
            continue
        n = shape[dim]
        out.append(narrow(g, dim, off, n) if edge is not None else None)
        off += n
    return tuple(out)


CAT = register(Op("cat", _cat_fwd, _cat_bwd, _cat_rule, upcast_half=False))


@export(names=("cat", "concat", "concatenate"), method=False)
def cat(tensors, dim=0, *, out=None):
    tensors = _tensors_arg("cat", tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    ref = next((t for t in tensors if not _skipped(tuple(t.shape), 0)), tensors[0])
    ndim = ref.ndim
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    d = wrap_dim(dim, ndim)
    for i, t in enumerate(tensors):
        if _skipped(tuple(t.shape), ndim):
            continue
        if t.ndim != ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ndim} and {t.ndim}"
            )
        for j in range(ndim):
            if j != d and t.shape[j] != ref.shape[j]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ref.shape[j]} but got size {t.shape[j]} for tensor number {i} in the list."
                )
    return handle_out(out, dispatch(CAT, tuple(tensors), {"dim": d, "ndim": ndim}))


@export(method=False)
def stack(tensors, dim=0, *, out=None):
    tensors = _tensors_arg("stack", tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tuple(tensors[0].shape)
    for i, t in enumerate(tensors[1:], 1):
        if tuple(t.shape) != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 "
                f"and {list(t.shape)} at entry {i}"
            )
    d = wrap_dim(dim, len(shape) + 1)
    parts = [t.unsqueeze(d) for t in tensors]
    res = dispatch(CAT, tuple(parts), {"dim": d, "ndim": len(shape) + 1})
    return handle_out(out, show_grad_fn_as(res, "StackBackward0"))


def _atleast(n, tensors):
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    out = []
    for t in tensors:
        if t.ndim == 0:
            t = t.reshape((1,) * n)
        elif t.ndim == 1 and n >= 2:
            t = t.unsqueeze(0)
            if n == 3:
                t = t.unsqueeze(-1)
        elif t.ndim == 2 and n == 3:
            t = t.unsqueeze(-1)
        out.append(t)
    return out[0] if single else tuple(out)


@export(method=False)
def atleast_1d(*tensors):
    return _atleast(1, tensors)


@export(method=False)
def atleast_2d(*tensors):
    return _atleast(2, tensors)


@export(method=False)
def atleast_3d(*tensors):
    return _atleast(3, tensors)


@export(method=False)
def hstack(tensors, *, out=None):
    ts = _atleast(1, (list(_tensors_arg("hstack", tensors)),))
    dim = 0 if ts and ts[0].ndim == 1 else 1
    return cat(list(ts), dim, out=out)


@export(names=("vstack", "row_stack"), method=False)
def vstack(tensors, *, out=None):
    return cat(list(_atleast(2, (list(_tensors_arg("vstack", tensors)),))), 0, out=out)


@export(method=False)
def dstack(tensors, *, out=None):
    return cat(list(_atleast(3, (list(_tensors_arg("dstack", tensors)),))), 2, out=out)


@export(method=False)
def column_stack(tensors, *, out=None):
    ts = _tensors_arg("column_stack", tensors)
    ts = [t.reshape(t.numel(), 1) if t.ndim <= 1 else t for t in ts]
    return cat(ts, 1, out=out)


# --- splitting ---


def _split_sizes(input, sizes, d):
    n = input.shape[d]
    if sum(sizes) != n or any(s < 0 for s in sizes):
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
            f"dimension {d}), but got split_sizes={list(sizes)}"
        )
    out, off = [], 0
    for s in sizes:
        out.append(narrow(input, d, off, s))
        off += s
    return tuple(out)


@export
def split(tensor, split_size_or_sections, dim=0):
    check_tensor("split", tensor)
    if tensor.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, tensor.ndim)
    if isinstance(split_size_or_sections, (list, tuple)):
        parts = _split_sizes(tensor, [int(s) for s in split_size_or_sections], d)
        return tuple(show_grad_fn_as(p, "SplitWithSizesBackward0") for p in parts)
    size = int(split_size_or_sections)
    n = tensor.shape[d]
    if size < 0 or (size == 0 and n != 0):
        raise RuntimeError(
            f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
            if size == 0
            else f"split expects split_size be non-negative, but got split_size={size}"
        )
    if n == 0:
        return (narrow(tensor, d, 0, 0),)
    sizes = [size] * (n // size) + ([n % size] if n % size else [])
    return tuple(show_grad_fn_as(p, "SplitBackward0") for p in _split_sizes(tensor, sizes, d))


@export
def split_with_sizes(input, split_sizes, dim=0):
    return _split_sizes(input, [int(s) for s in split_sizes], wrap_dim(dim, input.ndim))


@export
def chunk(input, chunks, dim=0):
    check_tensor("chunk", input)
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = wrap_dim(dim, input.ndim)
    n = input.shape[d]
    size = -(-n // chunks)
    if size == 0:
        return tuple(narrow(input, d, 0, 0) for _ in range(chunks)) if n == 0 else ()
    return split(input, size, d)


@export
def unbind(input, dim=0):
    check_tensor("unbind", input)
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, input.ndim)
    return tuple(
        show_grad_fn_as(select(input, d, i), "UnbindBackward0") for i in range(input.shape[d])
    )


@export
def tensor_split(input, indices_or_sections, dim=0):
    check_tensor("tensor_split", input)
    if input.ndim == 0:
        raise RuntimeError(
            "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims"
        )
    d = wrap_dim(dim, input.ndim)
    n = input.shape[d]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        if ios.dtype is not D.int64:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                f"{ios.dtype}"
            )
        if ios.ndim > 1:
            raise RuntimeError(
                "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                f"one-dimensional tensor, but got a tensor with {ios.ndim} dims"
            )
        ios = ios.item() if ios.ndim == 0 else ios.tolist()
    if isinstance(ios, (list, tuple)):
        bounds = [0] + [min(max(int(i) + (n if int(i) < 0 else 0), 0), n) for i in ios] + [n]
        out = []
        for a, b in zip(bounds[:-1], bounds[1:]):
            out.append(narrow(input, d, min(a, n), max(b - a, 0)))
        return tuple(out)
    k = int(ios)
    if k <= 0:
        raise RuntimeError(f"number of sections must be larger than 0, got {k}")
    q, r = divmod(n, k)
    sizes = [q + 1] * r + [q] * (k - r)
    return _split_sizes(input, sizes, d)


def _dir_split(name, input, ios, dim, need):
    check_tensor(name, input)
    if input.ndim < need:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {need} dimension, but got a tensor "
            f"with {input.ndim} dimensions!"
        )
    if isinstance(ios, int):
        n = input.shape[dim]
        if ios == 0 or n % ios:
            raise RuntimeError(
                f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                f"dimension {n} is not divisible by the split_size {ios}!"
            )
    return tensor_split(input, ios, dim)


@export
def hsplit(input, indices_or_sections):
    return _dir_split("hsplit", input, indices_or_sections, 1 if input.ndim > 1 else 0, 1)


@export
def vsplit(input, indices_or_sections):
    return _dir_split("vsplit", input, indices_or_sections, 0, 2)


@export
def dsplit(input, indices_or_sections):
    return _dir_split("dsplit", input, indices_or_sections, 2, 3)


# --- broadcasting helpers ---


@export(method=False)
def broadcast_shapes(*shapes):
    norm = []
    for s in shapes:
        if isinstance(s, (int, np.integer)):
            s = (int(s),)
        s = tuple(int(v) for v in s)
        for v in s:
            if v < 0:
                raise RuntimeError(
                    f"Trying to create tensor with negative dimension {v}: {list(s)}"
                )
        norm.append(s)
    try:
        return Size(np.broadcast_shapes(*norm))
    except ValueError:
        raise RuntimeError(
            "Shape mismatch: objects cannot be broadcast to a single shape"
        ) from None


@export(method=False)
def broadcast_tensors(*tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    from .movement import expand

    shapes = [tuple(t.shape) for t in tensors]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        a, b = shapes[0], next(s for s in shapes[1:])
        raise RuntimeError(
            f"The size of tensor a ({a[-1] if a else 1}) must match the size of tensor b "
            f"({b[-1] if b else 1}) at non-singleton dimension {max(len(a), len(b)) - 1}"
        ) from None
    return tuple(expand(t, shape) for t in tensors)


# --- grids and combinations ---


@export(method=False)
def meshgrid(*tensors, indexing=None):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn(
            "torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
            "argument.",
            UserWarning,
            stacklevel=2,
        )
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(
                f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}"
            )
    dt, dv = tensors[0].dtype, tensors[0].device
    for t in tensors[1:]:
        if t.dtype is not dt:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
        if t.device != dv:
            raise RuntimeError("meshgrid expects all tensors to have the same device")
    ts = [t.reshape(-1) for t in tensors]
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t.shape[0] for t in ts)
    n = len(ts)
    out = []
    for i, t in enumerate(ts):
        view = [1] * n
        view[i] = -1
        out.append(t.reshape(view).expand(shape))
    if swap:
        out[0], out[1] = out[1], out[0]
    return tuple(out)


@export(method=False)
def cartesian_prod(*tensors):
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


@export(method=False)
def combinations(input, r=2, with_replacement=False):
    check_tensor("combinations", input)
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return input.new_empty(0)
    n = input.shape[0]
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    combos = np.array(list(gen(range(n), r)), dtype=np.int64).reshape(-1, r)
    if combos.shape[0] == 0:
        return input.new_empty((0, r))
    from .indexing import INDEX

    cols = [dispatch(INDEX, (input,), {"key": (combos[:, j].copy(),)}) for j in range(r)]
    return stack(cols, 1)


@export(method=False)
def block_diag(*tensors):
    mats = []
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(
                f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                f"{t.ndim} dimensions"
            )
        mats.append(t.reshape(1, -1) if t.ndim < 2 else t)
    if not mats:
        from .._creation import zeros

        return zeros(1, 0)
    dt = mats[0].dtype
    for m in mats[1:]:
        dt = D.promote_types(dt, m.dtype)
    mats = [m.to(dt) for m in mats]
    total = sum(m.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        r, c = m.shape
        parts = []
        if left:
            parts.append(m.new_zeros((r, left)))
        parts.append(m)
        if total - left - c:
            parts.append(m.new_zeros((r, total - left - c)))
        rows.append(cat(parts, 1) if len(parts) > 1 else m)
        left += c
    return cat(rows, 0)
