"""Shape and layout ops: view, reshape, permute, transpose, expand, squeeze, clone, to."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._autograd.node import show_grad_fn_as
from .._tracing import traced
from . import _registry as R
from ._helpers import Tensor, check_tensor, dispatch, inplace_view, wrap_dim
from ._registry import METHODS, Op, export, register


def shape_args(args, name="view"):
    """``f(2, 3)``, ``f((2, 3))`` and ``f(torch.Size)`` all mean shape (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    for s in args:
        if type(s) is not int:
            break
    else:
        return args  # already a tuple of ints
    out = []
    for s in args:
        if isinstance(s, Tensor):
            s = int(s)
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(
                f"{name}(): argument 'size' must be tuple of ints, but found element of type "
                f"{type(s).__name__}"
            )
        out.append(int(s))
    return tuple(out)


def infer_shape(shape, numel, name="view"):
    known = 1
    for s in shape:
        if s < 0:
            break
        known *= s
    else:
        if known == numel:
            return shape  # no -1 to infer, sizes match
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for s in shape:
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(
                f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}"
            )
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(
            f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}"
        )
    return shape


# --- view / reshape ---------------------------------------------------------------------------


def _view_fwd(xp, x, shape):
    if xp is np and x.flags.c_contiguous:
        return x.reshape(shape)  # always a view; reshape(copy=False) costs 4x more
    try:
        return xp.reshape(x, shape, copy=False)
    except ValueError:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        ) from None


VIEW = register(
    Op(
        "view",
        _view_fwd,
        lambda c, g: (g.reshape(c.input_meta[0][0]),),
        R.same,
        view=True,
        upcast_half=False,
    )
)


@traced("Tensor.view")
def view(self, *shape):
    if len(shape) == 1 and isinstance(shape[0], (D.dtype, type, np.dtype, str)):
        return view_dtype(self, D.as_dtype(shape[0]))
    shape = infer_shape(shape_args(shape, "view"), self.numel())
    return dispatch(VIEW, (self,), {"shape": shape})


METHODS["view"] = view


@export
@traced("reshape")
def reshape(input, *shape):
    shape = infer_shape(shape_args(shape, "reshape"), input.numel())
    if shape == tuple(input.shape):
        return dispatch(VIEW, (input,), {"shape": shape})
    if not input._data.flags.c_contiguous:
        try:
            np.reshape(input._data, shape, copy=False)
        except ValueError:
            input = input.contiguous()
    return dispatch(VIEW, (input,), {"shape": shape})


def view_dtype(self, dt):
    if dt.itemsize != self.dtype.itemsize:
        raise NotImplementedError(
            "Tensor.view(dtype) between dtypes of different sizes is not supported yet"
        )
    if self.requires_grad:
        raise RuntimeError("view(dtype) is not differentiable")
    t = self._alias()
    t._data = self._data.view(dt.np)
    t._dtype = dt
    return t


def _reshape_as(self, other):
    return reshape(self, tuple(other.shape))


def _view_as(self, other):
    return view(self, tuple(other.shape))


METHODS["reshape_as"] = _reshape_as
METHODS["view_as"] = _view_as


@export
def ravel(input):
    """The elements as a 1-D tensor (a view where the layout allows, else a copy)."""
    check_tensor("ravel", input)
    return reshape(input, (-1,))


@export
@traced("flatten")
def flatten(input, start_dim=0, end_dim=-1):
    n = input.ndim
    if n == 0:
        return reshape(input, (1,))
    s = wrap_dim(start_dim, n)
    e = wrap_dim(end_dim, n)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = tuple(input.shape)
    mid = 1
    for d in shape[s : e + 1]:
        mid *= d
    return reshape(input, shape[:s] + (mid,) + shape[e + 1 :])


@export
def unflatten(input, dim, sizes):
    d = wrap_dim(dim, input.ndim)
    shape = tuple(input.shape)
    sizes = infer_shape(tuple(sizes), shape[d], "unflatten")
    return view(input, shape[:d] + tuple(sizes) + shape[d + 1 :])


# --- permutations ------------------------------------------------------------------------------


def _inverse(perm):
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return tuple(inv)


PERMUTE = register(
    Op(
        "permute",
        lambda xp, x, dims: xp.transpose(x, dims),
        lambda c, g: (g.permute(_inverse(c.attrs["dims"])),),
        R.same,
        view=True,
        upcast_half=False,
    )
)


@export
def permute(input, *dims):
    dims = shape_args(dims, "permute")
    n = input.ndim
    if len(dims) != n:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal "
            f"to len(dims) = {len(dims)}"
        )
    wrapped = tuple(wrap_dim(d, n) for d in dims)
    if len(set(wrapped)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return dispatch(PERMUTE, (input,), {"dims": wrapped})


TRANSPOSE = register(
    Op(
        "transpose",
        lambda xp, x, dim0, dim1: xp.swapaxes(x, dim0, dim1),
        lambda c, g: (g.transpose(c.attrs["dim0"], c.attrs["dim1"]),),
        R.same,
        view=True,
        upcast_half=False,
    )
)


@export(names=("transpose", "swapdims"))
def transpose(input, dim0, dim1):
    n = input.ndim
    d0, d1 = wrap_dim(dim0, n), wrap_dim(dim1, n)
    return dispatch(TRANSPOSE, (input,), {"dim0": d0, "dim1": d1})


@export
def swapaxes(input, axis0, axis1):  # NumPy's argument names, as PyTorch keeps them
    return transpose(input, axis0, axis1)


@export
def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    if input.ndim < 2:
        return dispatch(VIEW, (input,), {"shape": tuple(input.shape)})
    return show_grad_fn_as(transpose(input, 0, 1), "TBackward0")


def _T(self):
    if self.ndim == 2:
        return show_grad_fn_as(t(self), "PermuteBackward0")
    if self.ndim < 2:
        return t(self)
    return permute(self, tuple(range(self.ndim - 1, -1, -1)))


def _mT(self):
    if self.ndim < 2:
        raise RuntimeError(
            "tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor."
        )
    return transpose(self, -2, -1)


Tensor.T = property(_T)
Tensor.mT = property(_mT)
Tensor.H = property(lambda self: _T(self).conj())
Tensor.mH = property(lambda self: _mT(self).conj())


@export
def movedim(input, source, destination):
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    n = input.ndim
    src = tuple(wrap_dim(d, n) for d in src)
    dst = tuple(wrap_dim(d, n) for d in dst)
    perm = [-1] * n
    for s, d in zip(src, dst):
        perm[d] = s
    rest = iter(i for i in range(n) if i not in src)
    perm = [p if p != -1 else next(rest) for p in perm]
    return permute(input, perm)


R.FUNCTIONS["moveaxis"] = movedim
METHODS["moveaxis"] = movedim

# --- squeeze / unsqueeze / expand -----------------------------------------------------------


UNSQUEEZE = register(
    Op(
        "unsqueeze",
        lambda xp, x, dim: xp.expand_dims(x, dim),
        lambda c, g: (g.squeeze(c.attrs["dim"]),),
        R.same,
        view=True,
        upcast_half=False,
    )
)


@export
def unsqueeze(input, dim):
    return dispatch(UNSQUEEZE, (input,), {"dim": wrap_dim(dim, input.ndim + 1)})


SQUEEZE = register(
    Op(
        "squeeze",
        lambda xp, x, dims: xp.squeeze(x, axis=dims) if dims else x.view(),
        lambda c, g: (g.reshape(c.input_meta[0][0]),),
        R.same,
        view=True,
        upcast_half=False,
    )
)


@export
def squeeze(input, dim=None):
    shape = tuple(input.shape)
    if dim is None:
        dims = tuple(i for i, s in enumerate(shape) if s == 1)
    else:
        ds = (dim,) if isinstance(dim, int) else tuple(dim)
        dims = tuple(sorted({wrap_dim(d, input.ndim) for d in ds}))
        dims = tuple(d for d in dims if input.ndim and shape[d] == 1)
    return dispatch(SQUEEZE, (input,), {"dims": dims})


def _expand_fwd(xp, x, shape):
    out = xp.broadcast_to(x, shape)
    # NumPy gives every size-1 dim stride 0; PyTorch keeps the stride of a dim it does not expand
    lead = len(shape) - x.ndim
    keep = [i for i in range(x.ndim) if x.shape[i] == 1 and x.strides[i] and shape[lead + i] == 1]
    if not keep or xp is not np:
        return out
    strides = list(out.strides)
    for i in keep:
        strides[lead + i] = x.strides[i]
    return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=False)


EXPAND = register(
    Op(
        "expand",
        _expand_fwd,
        lambda c, g: (g,),  # the engine sums a broadcast gradient back to the input's shape
        R.same,
        view=True,
        upcast_half=False,
    )
)


@traced("Tensor.expand")
def expand(self, *sizes, implicit=False):
    sizes = shape_args(sizes, "expand")
    shape = tuple(self.shape)
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand(torch.{_tname(self)}{{[{', '.join(map(str, shape))}]}}, "
            f"size=[{', '.join(map(str, sizes))}]): "
            "the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor "
            f"({len(shape)})"
        )
    lead = len(sizes) - len(shape)
    out = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                    "non-existing dimension 0"
                )
            out.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            s = cur
        elif cur != s and cur != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                f"non-singleton dimension {i}.  Target sizes: [{', '.join(map(str, sizes))}].  "
                f"Tensor sizes: [{', '.join(map(str, shape))}]"
            )
        out.append(s)
    return dispatch(EXPAND, (self,), {"shape": tuple(out)})


def _tname(t):
    from .._autograd.node import _type_name

    return _type_name(t).split(" ")[0].replace("torch.", "")


METHODS["expand"] = expand
METHODS["expand_as"] = lambda self, other: expand(self, tuple(other.shape))


@export
def broadcast_to(input, size):
    return expand(input, tuple(size))


# --- copies ------------------------------------------------------------------------------------


CLONE = register(
    Op(
        "clone",
        lambda xp, x: x.copy(order="K"),
        lambda c, g: (g,),
        R.same,
        upcast_half=False,
    )
)


@export
def clone(input, *, memory_format=None):
    check_tensor("clone", input)
    return dispatch(CLONE, (input,))


CONTIGUOUS = register(
    Op(
        "contiguous",
        lambda xp, x: xp.ascontiguousarray(x),
        lambda c, g: (g,),
        R.same,
        upcast_half=False,
        grad_name="CloneBackward0",
    )
)


def contiguous(self, memory_format=None):
    if self.is_contiguous():
        return self
    return dispatch(CONTIGUOUS, (self,))


METHODS["contiguous"] = contiguous


def _to_copy_rule(args, attrs):
    return args[0].dtype, attrs["dtype"]


def _to_copy_fwd(xp, x, dtype):
    if x.dtype.kind == "c" and dtype.category != D.COMPLEX:
        import warnings

        warnings.warn(
            "Casting complex values to real discards the imaginary part", UserWarning, stacklevel=6
        )
        x = x.real
    return x.astype(dtype.np)


TO_COPY = register(
    Op(
        "_to_copy",
        _to_copy_fwd,
        lambda c, g: (g.to(c.input_meta[0][1]) if g.dtype is not c.input_meta[0][1] else g,),
        _to_copy_rule,
        upcast_half=False,
        grad_name="ToCopyBackward0",
    )
)


def cast(t, dtype):
    """``t`` in ``dtype`` (a differentiable copy); ``t`` itself when the dtype already matches."""
    if t.dtype is dtype:
        return t
    return dispatch(TO_COPY, (t,), {"dtype": dtype})


def _to_device_fwd(xp, x, device):
    from .._backend import to_device

    return to_device(x, device)


def _to_device_bwd(c, g):
    from .._convert import to_device

    return (to_device(g, c.input_meta[0][2]),)


TO_DEVICE_OP = register(
    Op(
        "_to_device",
        _to_device_fwd,
        _to_device_bwd,
        R.same,
        upcast_half=False,
        grad_name="ToCopyBackward0",
    )  # fmt: skip
)


# in-place view ops: self takes the view's geometry (Tensor.t_, squeeze_, ...)
for _n, _f in (("transpose", transpose), ("swapaxes", swapaxes), ("swapdims", transpose),
               ("t", t), ("unsqueeze", unsqueeze), ("squeeze", squeeze)):  # fmt: skip
    METHODS[_n + "_"] = inplace_view(_f, _n)
