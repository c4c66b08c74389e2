"""Small helpers shared by the op families: argument checks, ``out=``, dims."""

from __future__ import annotations

import numbers

import numpy as np

from .. import _config as C
from .. import _dtype as D
from .._dispatch import dispatch, dispatch_inplace
from .._tensor import Tensor

__all__ = ["dispatch", "dispatch_inplace", "Tensor", "check_tensor", "handle_out", "is_scalar",
           "wrap_dim", "dims_arg", "type_word", "needs"]  # fmt: skip


_NUMBER_TYPES = frozenset((int, float, bool, complex))


def is_scalar(x) -> bool:
    if type(x) in _NUMBER_TYPES:
        return True
    return isinstance(x, (numbers.Number, np.generic)) and not isinstance(x, Tensor)


def check_tensor(opname, x, arg="input", pos=1):
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{opname}(): argument '{arg}' (position {pos}) must be Tensor, not {type(x).__name__}"
        )


def check_operand(opname, x, arg="other", pos=2):
    if not isinstance(x, Tensor) and not is_scalar(x):
        raise TypeError(
            f"{opname}(): argument '{arg}' (position {pos}) must be Tensor or Number, not "
            f"{type(x).__name__}"
        )


def type_word(dt) -> str:
    from .._dispatch import _type_word

    return _type_word(dt)


def handle_out(out, res):
    """Write ``res`` into the user's ``out=`` tensor, as PyTorch's out= variants do."""
    if out is None:
        return res
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if C.local.grad_enabled and (res.requires_grad or out.requires_grad):
        raise RuntimeError(
            "functions with out=... arguments don't support automatic differentiation, but one "
            "of the arguments requires grad."
        )
    if res.dtype is not out.dtype and not D.can_cast(res.dtype, out.dtype):
        raise RuntimeError(
            f"result type {type_word(res.dtype)} can't be cast to the desired output type "
            f"{type_word(out.dtype)}"
        )
    if out.shape != res.shape:
        out._data = np.empty(res.shape, dtype=out.dtype.np)
        out._storage = None
        out._base = None
    out._data[...] = res._data.astype(out.dtype.np, copy=False)
    out._vc[0] += 1
    return out


def wrap_dim(dim, ndim):
    lo, hi = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    if isinstance(dim, Tensor):
        dim = int(dim)
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    if dim < lo or dim > hi:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})"
        )
    return int(dim) % ndim if ndim else 0


def dims_arg(dim, ndim):
    """``dim`` (None, int, or sequence) as a sorted tuple of non-negative dims, or None."""
    if dim is None:
        return None
    if isinstance(dim, (int, np.integer)):
        return (wrap_dim(dim, ndim),)
    dims = tuple(wrap_dim(d, ndim) for d in dim)
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {dims[0]} appears multiple times in the list of dims")
    return dims


def needs(ctx, i) -> bool:
    """Whether argument ``i`` of the node's op wants a gradient."""
    return ctx.next_edges[i] is not None


def inplace_by_copy(fn, name):
    """``Tensor.<name>_`` for a composite op: compute ``fn`` out of place, copy into self.

    The op reads a clone of ``self`` when autograd is on, so a backward that saved its
    input does not see the write (PyTorch's ``cumprod_`` backward works the same way).
    """

    def inplace(self, *args, **kwargs):
        src = self.clone() if C.local.grad_enabled and self.requires_grad else self
        res = fn(src, *args, **kwargs)
        if tuple(res.shape) != tuple(self.shape):
            raise RuntimeError(
                f"{name}_(): output with shape {list(self.shape)} doesn't match the broadcast "
                f"shape {list(res.shape)}"
            )
        return self.copy_(res)

    inplace.__name__ = name + "_"
    return inplace


def inplace_view(fn, name):
    """``Tensor.<name>_`` for a view op (``t_``, ``squeeze_``): self becomes the view."""

    def inplace(self, *args, **kwargs):
        if self.requires_grad and self.is_leaf and C.local.grad_enabled:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            )
        res = fn(self, *args, **kwargs)
        self._data = res._data
        if res.requires_grad:
            self.grad_fn = res.grad_fn
            self._output_nr = res._output_nr
        if self._base is not None:
            self._view_chain = res._view_chain
        self._vc[0] += 1
        return self

    inplace.__name__ = name + "_"
    return inplace
