"""Assorted Tensor methods built from existing ops: scatter-into-view variants, legacy
resizing and element-wise Python callbacks, statistics (cov, corrcoef), and a few aliases.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections import namedtuple

import numpy as np

from .. import _dtype as D
from ._helpers import Tensor, check_tensor, handle_out, wrap_dim
from ._registry import FUNCTIONS, METHODS, export

FrexpResult = namedtuple("frexp", ["mantissa", "exponent"])


def _ember():
    import ember

    return ember


# --- diagonal fill, sizes ----------------------------------------------------------------------


@export(function=False)
def fill_diagonal_(input, fill_value, wrap=False):
    if input.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if input.ndim > 2 and len(set(input.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    mask = np.zeros(input.shape, dtype=bool)
    if mask.size:
        np.fill_diagonal(mask, True, wrap=bool(wrap))
    return input.masked_fill_(_ember().tensor(mask), fill_value)


def _sizes(args, opname):
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    for s in args:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"{opname}(): argument 'size' must be tuple of ints, but found "
                            f"element of type {type(s).__name__}")  # fmt: skip
    return tuple(int(s) for s in args)


@export(function=False)
def sum_to_size(input, *size):
    if not size:
        raise TypeError('sum_to_size() missing 1 required positional arguments: "size"')
    size = _sizes(size, "sum_to_size")
    shape = tuple(input.shape)
    lead = len(shape) - len(size)
    ok = lead >= 0 and all(s == t or s == 1 for s, t in zip(size, shape[lead:]))
    if not ok:
        raise RuntimeError(f"size {{{', '.join(map(str, size))}}} is not expandable to size "
                           f"{{{', '.join(map(str, shape))}}}.")  # fmt: skip
    res = input
    if lead:
        res = res.sum(tuple(range(lead)))
    dims = tuple(i for i, (s, t) in enumerate(zip(size, shape[lead:])) if s == 1 and t != 1)
    if dims:
        res = res.sum(dims, keepdim=True)
    return res


@export
def is_nonzero(input):
    check_tensor("is_nonzero", input)
    n = input.numel()
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item() != 0)


@export
def is_same_size(input, other):
    check_tensor("is_same_size", input)
    check_tensor("is_same_size", other, "other", 2)
    return tuple(input.shape) == tuple(other.shape)


@export
def positive(input):
    check_tensor("positive", input)
    if input.dtype is D.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


@export
def is_inference(input):
    check_tensor("is_inference", input)
    return False


@export
def adjoint(input):
    check_tensor("adjoint", input)
    if input.ndim < 2:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of matrices. "
                           f"Got {input.ndim}-D tensor.")  # fmt: skip
    res = input.transpose(-2, -1)
    return res.conj() if input.is_complex() else res


@export
def narrow_copy(input, dim, start, length, *, out=None):
    check_tensor("narrow_copy", input)
    if out is not None and isinstance(out, Tensor) and out.dtype is not input.dtype:
        raise RuntimeError("Expected self.dtype() == output.dtype() to be true, but got false.")
    return handle_out(out, input.narrow(dim, start, length).clone())


@export
def unsafe_chunk(input, chunks, dim=0):
    return tuple(input.chunk(chunks, dim))


@export
def unsafe_split(input, split_size, dim=0):
    return tuple(input.split(split_size, dim))


# --- scatter into a view ------------------------------------------------------------------------


def _view_scatter(opname, input, src, view_fn):
    check_tensor(opname, input)
    check_tensor(opname, src, "src", 2)
    view_shape = tuple(view_fn(input).shape)
    if tuple(src.shape) != view_shape:
        raise RuntimeError(
            f"expected src to have a size equal to the slice of self. src size = "
            f"{list(src.shape)}, slice size = {list(view_shape)}"
        )
    res = input.clone()
    view_fn(res).copy_(src)
    return res


@export
def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    return _view_scatter("diagonal_scatter", input, src, lambda t: t.diagonal(offset, dim1, dim2))


@export
def select_scatter(input, src, dim, index):
    return _view_scatter("select_scatter", input, src, lambda t: t.select(dim, index))


@export
def slice_scatter(input, src, dim=0, start=None, end=None, step=1, *, out=None):
    def view(t):
        d = wrap_dim(dim, t.ndim)
        key = [slice(None)] * t.ndim
        key[d] = slice(start, end, step)
        return t[tuple(key)]

    if not isinstance(step, int) or step < 1:
        raise RuntimeError("slice step must be positive")
    return handle_out(out, _view_scatter("slice_scatter", input, src, view))


# --- index_reduce, put -------------------------------------------------------------------------

_INDEX_REDUCES = ("prod", "mean", "amax", "amin")


def _index_reduce_args(opname, input, dim, index, source, reduce):
    check_tensor(opname, input)
    check_tensor(opname, index, "index", 3)
    check_tensor(opname, source, "source", 4)
    if reduce not in _INDEX_REDUCES:
        raise RuntimeError(f"{opname}(): Expected reduce to be one of prod, mean, amax or amin "
                           f"but got {reduce}.")  # fmt: skip
    if index.ndim > 1:
        raise IndexError(f"{opname}(): Index is supposed to be a vector")
    if index.dtype not in (D.int64, D.int32):
        raise RuntimeError(f"{opname}(): Expected dtype int32/int64 for index but got: "
                           f"{index.dtype}")  # fmt: skip
    if source.dtype is not input.dtype:
        raise RuntimeError(f"{opname}(): self ({input.dtype}) and source ({source.dtype}) "
                           "must have the same scalar type")  # fmt: skip
    d = wrap_dim(dim, max(input.ndim, 1))
    src_n = source.shape[d] if source.ndim else 1
    if index.numel() != src_n:
        raise RuntimeError(f"index_reduce_(): Number of indices ({index.numel()}) should be "
                           f"equal to source.size(dim): ({src_n}), for dim: {d}")  # fmt: skip
    if input.ndim != source.ndim and not (input.ndim <= 1 and source.ndim <= 1):
        raise IndexError(f"{opname}(): Source and self must have the same number of dimensions")
    if input.ndim == 0:
        return d, index.reshape(()).expand(()), source.reshape(())
    shape = [1] * source.ndim
    shape[d] = -1
    idx = index.to(D.int64).reshape(shape).expand(tuple(source.shape))
    return d, idx, source


@export
def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    d, idx, src = _index_reduce_args("index_reduce", input, dim, index, source, reduce)
    if input.ndim == 0:
        res = input.reshape(1).scatter_reduce(0, idx.reshape(1), src.reshape(1), reduce,
                                              include_self=include_self).reshape(())  # fmt: skip
    else:
        res = input.scatter_reduce(d, idx, src, reduce, include_self=include_self)
    return handle_out(out, res)


@export
def index_reduce_(input, dim, index, source, reduce, *, include_self=True):
    res = index_reduce(input, dim, index, source, reduce, include_self=include_self)
    return input.copy_(res)


def _put(opname, input, index, source, accumulate):
    check_tensor(opname, input)
    check_tensor(opname, index, "index", 2)
    check_tensor(opname, source, "source", 3)
    if index.dtype is not D.int64:
        raise RuntimeError(f"{opname}(): Expected a long tensor for index, but got "
                           f"{str(index.dtype).replace('ember.', '')}")  # fmt: skip
    if source.dtype is not input.dtype:
        raise RuntimeError(f"{opname}(): self and source expected to have the same dtype, "
                           f"but got self.dtype = {input.dtype} and source.dtype = "
                           f"{source.dtype}")  # fmt: skip
    if index.numel() != source.numel():
        raise IndexError("put_(): Expected source and index to have the same number of "
                           f"elements, but got source.numel() = {source.numel()}, "
                           f"index.numel() = {index.numel()}")  # fmt: skip
    n = input.numel()
    idx = index.reshape(-1)
    if idx.numel():
        bad = (idx >= n) | (idx < -n)
        if bool(bad.any()):
            i = int(idx[bad][0])
            raise IndexError(f"out of range: tried to access index {i} on a tensor of {n} "
                             "elements.")  # fmt: skip
    flat = input.reshape(-1)
    res = flat.index_put((idx,), source.reshape(-1), accumulate)
    return res.reshape(tuple(input.shape))


@export
def put(input, index, source, accumulate=False):
    return _put("put", input, index, source, accumulate)


@export
def put_(input, index, source, accumulate=False):
    return input.copy_(_put("put_", input, index, source, accumulate))


# --- statistics ---------------------------------------------------------------------------------


@export
def cov(input, *, correction=1, fweights=None, aweights=None):
    check_tensor("cov", input)
    if input.ndim > 2:
        raise RuntimeError("cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.ndim} dimensions")  # fmt: skip
    x = input.reshape(1, -1) if input.ndim < 2 else input
    n_obs = x.shape[1]
    w = None
    if fweights is not None:
        if fweights.ndim > 1:
            raise RuntimeError("cov(): expected fweights to have one or fewer dimensions but got "
                               f"fweights with {fweights.ndim} dimensions")  # fmt: skip
        if fweights.is_floating_point() or fweights.is_complex():
            raise RuntimeError("cov(): expected fweights to have integral dtype but got "
                               f"fweights with {fweights.dtype} dtype")  # fmt: skip
        if fweights.numel() != n_obs:
            raise RuntimeError(f"cov(): expected fweights to have the same numel as there are "
                               f"observations in the input but got {fweights.numel()} != "
                               f"{n_obs}")  # fmt: skip
        if fweights.numel() and bool((fweights < 0).any()):
            raise RuntimeError("cov(): fweights cannot be negative")
        w = fweights
    if aweights is not None:
        if aweights.ndim > 1:
            raise RuntimeError("cov(): expected aweights to have one or fewer dimensions but got "
                               f"aweights with {aweights.ndim} dimensions")  # fmt: skip
        if not aweights.is_floating_point():
            raise RuntimeError("cov(): expected aweights to have floating point dtype but got "
                               f"aweights with {aweights.dtype} dtype")  # fmt: skip
        if aweights.numel() != n_obs:
            raise RuntimeError(f"cov(): expected aweights to have the same numel as there are "
                               f"observations in the input but got {aweights.numel()} != "
                               f"{n_obs}")  # fmt: skip
        if aweights.numel() and bool((aweights < 0).any()):
            raise RuntimeError("cov(): aweights cannot be negative")
        w = aweights if w is None else w * aweights
    if not (x.is_floating_point() or x.is_complex()):
        x = x.to(D.get_default_dtype())
    if w is not None:
        w_sum = w.sum()
        avg = (x * w).sum(1) / w_sum
    else:
        w_sum = n_obs
        avg = x.mean(1)
    if w is not None and aweights is not None and correction != 0:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm = w_sum - correction
    norm_v = float(norm) if isinstance(norm, Tensor) else norm
    if norm_v <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)  # fmt: skip
        norm = norm * 0 if isinstance(norm, Tensor) else 0
    xm = x - avg.unsqueeze(1)
    xw = xm if w is None else xm * w
    c = xm.matmul(xw.transpose(0, 1).conj())
    if isinstance(norm, Tensor):
        c = c / norm.to(c.dtype) if not c.is_complex() else c / norm
    else:
        c = c / norm
    return c.squeeze()


@export
def corrcoef(input):
    check_tensor("corrcoef", input)
    if input.ndim > 2:
        raise RuntimeError("corrcoef(): expected input to have two or fewer dimensions but got "
                           f"an input with {input.ndim} dimensions")  # fmt: skip
    c = cov(input)
    if c.ndim == 0:
        return c / c
    d = c.diagonal()
    std = d.real.sqrt() if c.is_complex() else d.sqrt()
    c = c / std.unsqueeze(1)
    c = c / std.unsqueeze(0)
    if c.is_complex():
        return c
    return c.clamp(-1, 1)


@export
def dist(input, other, p=2):
    check_tensor("dist", input)
    check_tensor("dist", other, "other", 2)
    if not (input.is_floating_point() or input.is_complex()):
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {str(input.dtype).replace('ember.', '')}")  # fmt: skip
    if isinstance(p, Tensor):
        p = p.item()
    return _ember().linalg.vector_norm(input - other, p)


# --- frexp, mvlgamma ----------------------------------------------------------------------------


@export
def frexp(input, *, out=None):
    check_tensor("frexp", input)
    if not input.is_floating_point():
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    E = _ember()
    arr = np.asarray(input.detach().numpy(), dtype=np.float64 if input.dtype is D.float64
                     else np.float32)  # fmt: skip
    _, e = np.frexp(arr)
    scale = E.tensor(np.ldexp(np.ones_like(arr), e), dtype=input.dtype)
    mantissa = input / scale
    exponent = E.tensor(e.astype(np.int32))
    if out is not None:
        mo, eo = out
        handle_out(mo, mantissa)
        handle_out(eo, exponent)
        return FrexpResult(mo, eo)
    return FrexpResult(mantissa, exponent)


def _mvlgamma_check(input, p):
    if not isinstance(p, (int, np.integer)) or isinstance(p, bool):
        raise TypeError(f"mvlgamma(): argument 'p' (position 2) must be int, not "
                        f"{type(p).__name__}")  # fmt: skip
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")


@export
def mvlgamma(input, p, *, out=None):
    check_tensor("mvlgamma", input)
    _mvlgamma_check(input, p)
    return handle_out(out, _ember().special.multigammaln(input, int(p)))


@export
def mvlgamma_(input, p):
    _mvlgamma_check(input, p)
    if not (input.is_floating_point() or input.is_complex()):
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{str(input.dtype).replace('ember.', '').capitalize()}")  # fmt: skip
    return input.copy_(_ember().special.multigammaln(input, int(p)))


# --- Cholesky solves ----------------------------------------------------------------------------


@export
def cholesky_solve(input, input2, upper=False, *, out=None):
    check_tensor("cholesky_solve", input)
    check_tensor("cholesky_solve", input2, "input2", 2)
    B, L = input, input2
    if B.ndim < 2 or L.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {B.ndim} dimensions "
                           "instead" if B.ndim < 2 else
                           f"u should have at least 2 dimensions, but has {L.ndim} dimensions "
                           "instead")  # fmt: skip
    if L.shape[-1] != L.shape[-2]:
        raise RuntimeError("cholesky_solve: A must be batches of square matrices, but they are "
                           f"{L.shape[-2]} by {L.shape[-1]} matrices")  # fmt: skip
    if B.shape[-2] != L.shape[-1]:
        raise RuntimeError("Incompatible matrix sizes for cholesky_solve: each A matrix is "
                           f"{L.shape[-2]} by {L.shape[-1]} but each b matrix is {B.shape[-2]} "
                           f"by {B.shape[-1]}")  # fmt: skip
    if B.dtype is not L.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{B.dtype} and A of type {L.dtype} instead.")  # fmt: skip
    st = _ember().linalg.solve_triangular
    if upper:
        y = st(L.mH, B, upper=False)
        x = st(L, y, upper=True)
    else:
        y = st(L, B, upper=False)
        x = st(L.mH, y, upper=True)
    return handle_out(out, x)


@export
def cholesky_inverse(input, upper=False, *, out=None):
    check_tensor("cholesky_inverse", input)
    if input.ndim < 2:
        raise RuntimeError("cholesky_inverse: The input tensor A must have at least 2 "
                           "dimensions.")  # fmt: skip
    if input.shape[-1] != input.shape[-2]:
        raise RuntimeError("cholesky_inverse: A must be batches of square matrices, but they "
                           f"are {input.shape[-2]} by {input.shape[-1]} matrices")  # fmt: skip
    E = _ember()
    eye = E.eye(input.shape[-1], dtype=input.dtype).expand(tuple(input.shape))
    return handle_out(out, cholesky_solve(eye, input, upper))


# --- legacy resizing, element callbacks, Tensor.new ---------------------------------------------


def resize_(input, *sizes, memory_format=None):
    sizes = _sizes(sizes, "resize_")
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(sizes)}: "
                           f"{list(sizes)}")  # fmt: skip
    if input.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if tuple(input.shape) == sizes:
        return input
    n = math.prod(sizes)
    flat = np.ascontiguousarray(input._data).reshape(-1)
    if n <= flat.size:
        new = flat[:n].copy()
    else:
        new = np.zeros(n, dtype=flat.dtype)
        new[: flat.size] = flat
    input._data = new.reshape(sizes)
    input._storage = None
    input._base = None
    input._vc[0] += 1
    return input


def resize_as_(input, the_template, *, memory_format=None):
    check_tensor("resize_as_", the_template, "the_template", 2)
    return resize_(input, tuple(the_template.shape))


METHODS["resize_"] = resize_
METHODS["resize_as_"] = resize_as_
FUNCTIONS["resize_as_"] = resize_as_


def _check_callback(opname, input):
    if input.requires_grad:
        raise RuntimeError(f"Can't call {opname}() on Variable that requires grad. Use "
                           f"var.detach().{opname}() instead.")  # fmt: skip


def _cast(vals, arr):
    """Python results cast to the tensor's dtype (integers wrap, as a C cast does)."""
    if arr.dtype.kind in "iub":
        res = np.array(vals, dtype=object)
        if arr.dtype.kind != "b":
            bits = arr.dtype.itemsize * 8
            res = np.array([int(v) % (1 << bits) for v in res.reshape(-1)], dtype=np.uint64)
            return res.astype(arr.dtype).reshape(arr.shape)
        return res.astype(bool).reshape(arr.shape)
    return np.asarray(vals, dtype=arr.dtype).reshape(arr.shape)


def apply_(input, callable):
    _check_callback("apply_", input)
    arr = input._data
    vals = [callable(v.item()) for v in arr.reshape(-1)] if arr.size else []
    arr[...] = _cast(vals, arr)
    input._vc[0] += 1
    return input


def map_(input, tensor, callable):
    _check_callback("map_", input)
    check_tensor("map_", tensor, "tensor", 1)
    arr = input._data
    other = np.broadcast_to(tensor._data, arr.shape)
    vals = [callable(a.item(), b.item()) for a, b in zip(arr.reshape(-1), other.reshape(-1))]
    arr[...] = _cast(vals, arr)
    input._vc[0] += 1
    return input


METHODS["apply_"] = apply_
METHODS["map_"] = map_


def new(input, *args, **kwargs):
    """Legacy constructor: ``x.new(*sizes)`` (uninitialized) or ``x.new(data)``, same dtype."""
    E = _ember()
    kwargs.pop("device", None)
    if kwargs:
        raise TypeError(f"new() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if not args:
        return E.empty(0, dtype=input.dtype)
    if len(args) == 1 and isinstance(args[0], Tensor):
        if args[0].dtype is not input.dtype:
            raise TypeError(f"new(): expected a tensor of dtype {input.dtype}, got "
                            f"{args[0].dtype}")  # fmt: skip
        return args[0].detach()
    if len(args) == 1 and isinstance(args[0], E.Size):
        return E.empty(tuple(args[0]), dtype=input.dtype)
    if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        return E.empty(tuple(int(a) for a in args), dtype=input.dtype)
    if len(args) == 1 and isinstance(args[0], (list, tuple, np.ndarray)):
        return E.tensor(args[0], dtype=input.dtype)
    if len(args) == 1 and isinstance(args[0], numbers.Number):
        raise TypeError(f"new(): data must be a sequence (got {type(args[0]).__name__})")
    raise TypeError("new(): invalid arguments")


METHODS["new"] = new
