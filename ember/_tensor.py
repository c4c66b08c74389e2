"""The Tensor: a backend array plus dtype, device and autograd state.

Methods that are ops are bound from the registry (``_ops``); this module holds
only what is not an op: metadata, storage, conversion and autograd entry points.
"""

from __future__ import annotations

import weakref

import numpy as np

from . import _backend
from . import _config as C
from . import _device as _dev
from . import _dtype as D
from ._storage import UntypedStorage, data_ptr, root_array

_STATE = C.state
_new = object.__new__


class Size(tuple):
    """``torch.Size``: a tuple of ints that prints as PyTorch prints it."""

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(map(str, self))}])"

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __reduce__(self):
        return (Size, (tuple(self),))


class Tensor:
    """A multi-dimensional array with autograd, as ``torch.Tensor``."""

    __slots__ = (
        "_data", "_dtype", "_device", "_requires_grad", "_grad", "grad_fn", "_output_nr",
        "_vc", "_base", "_view_chain", "_storage", "_grad_acc", "_hooks", "_post_hooks",
        "__weakref__", "__dict__",
    )  # fmt: skip

    _is_param = False

    def __init__(self, *args, **kwargs):
        # Tensor(...) behaves as the legacy constructor torch.Tensor(...): float tensors.
        from ._creation import _legacy_tensor_init

        _legacy_tensor_init(self, *args, **kwargs)

    # --- construction ------------------------------------------------------------------
    @classmethod
    def _make(cls, data, dtype, device=_dev.CPU, requires_grad=False):
        # The fields of _init_fields, written here without the extra call: every op's
        # result is made here, so this is on the per-op path.
        t = _new(cls)
        t._data = data
        t._dtype = dtype
        t._device = device
        t._requires_grad = requires_grad
        t._grad = None
        t.grad_fn = None
        t._output_nr = 0
        t._vc = [0]
        t._base = None
        t._view_chain = ()
        t._storage = None
        t._grad_acc = None
        t._hooks = None
        t._post_hooks = None
        return t

    def _init_fields(self, data, dtype, device, requires_grad=False):
        t = self
        t._data = data
        t._dtype = dtype
        t._device = device
        t._requires_grad = requires_grad
        t._grad = None
        t.grad_fn = None
        t._output_nr = 0
        t._vc = [0]
        t._base = None
        t._view_chain = ()
        t._storage = None
        t._grad_acc = None
        t._hooks = None
        t._post_hooks = None

    def _alias(self, data=None, share_version=True):
        """A new tensor on the same (or given) data, without history."""
        t = Tensor._make(self._data if data is None else data, self._dtype, self._device)
        if share_version and data is None:
            t._vc = self._vc
            t._base = self._base if self._base is not None else self
            t._view_chain = self._view_chain
        return t

    def _alias_with_history(self, node, nr):
        t = self._alias()
        t._requires_grad = True
        t.grad_fn = node
        t._output_nr = nr
        return t

    # --- metadata ----------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def device(self):
        return self._device

    @property
    def shape(self):
        if _STATE.tracer is not None:  # traced sizes: NOTE [ Traced sizes ] in ember.jit
            return _STATE.tracer.size_of(self)
        return Size(self._data.shape)

    def size(self, dim=None):
        if _STATE.tracer is not None:
            return _STATE.tracer.size_of(self, dim)
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[self._wrap_dim(dim)]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    def element_size(self) -> int:
        return self._dtype.itemsize

    @property
    def itemsize(self) -> int:
        return self._dtype.itemsize

    @property
    def nbytes(self) -> int:
        return int(self._data.size) * self._dtype.itemsize

    @property
    def is_cuda(self) -> bool:
        return self._device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return self._device.type == "cpu"

    @property
    def is_sparse(self) -> bool:
        return False

    @property
    def is_quantized(self) -> bool:
        return False

    @property
    def is_meta(self) -> bool:
        return False

    @property
    def layout(self):
        from . import strided

        return strided

    def is_floating_point(self) -> bool:
        return self._dtype.category == D.FLOAT

    def is_complex(self) -> bool:
        return self._dtype.category == D.COMPLEX

    def is_signed(self) -> bool:
        return self._dtype.is_signed

    def get_device(self) -> int:
        return -1 if self._device.type == "cpu" else (self._device.index or 0)

    def _wrap_dim(self, dim, ndim=None):
        n = self._data.ndim if ndim is None else ndim
        lo, hi = (-1, 0) if n == 0 else (-n, n - 1)
        if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
            raise TypeError(f"dim must be an int, got {type(dim).__name__}")
        if dim < lo or dim > hi:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})"
            )
        return dim % n if n else 0

    # --- memory --------------------------------------------------------------------------
    def stride(self, dim=None):
        item = self._data.itemsize
        st = tuple(s // item for s in self._data.strides)
        if self._data.size == 0 and not any(st):
            st = _contiguous_strides(self._data.shape)  # NumPy zeroes an empty array's strides
        if dim is None:
            return st
        return st[self._wrap_dim(dim)]

    def _storage_obj(self):
        owner = self._base if self._base is not None else self
        if owner._storage is None:
            owner._storage = UntypedStorage._of(root_array(owner._data))
        return owner._storage

    def untyped_storage(self):
        return self._storage_obj()

    def storage_offset(self) -> int:
        if self._data.size == 0:
            return 0
        base = self._storage_obj().data_ptr()
        return (data_ptr(self._data) - base) // self._dtype.itemsize

    def data_ptr(self) -> int:
        return data_ptr(self._data)

    def is_contiguous(self, memory_format=None) -> bool:
        if memory_format is not None and getattr(memory_format, "name", "") == "channels_last":
            return _is_channels_last(self)
        return bool(self._data.flags.c_contiguous) or self._data.size <= 1 or _c_contig(self)

    def is_shared(self) -> bool:
        return self._storage_obj().is_shared()

    @property
    def _version(self) -> int:
        return self._vc[0]

    # --- conversion ----------------------------------------------------------------------
    def numpy(self, *, force=False):
        if self._device.type != "cpu":
            if not force:
                raise TypeError(
                    f"can't convert {self._device} device type tensor to numpy. Use "
                    "Tensor.cpu() to copy the tensor to host memory first."
                )
            return self.cpu().numpy()
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._data

    # NumPy scalars and arrays on the left of an operator defer to the tensor's reflected
    # method, so `np.float64(2) * t` is a tensor, as in torch.
    __array_priority__ = 1000

    def __array__(self, dtype=None, copy=None):
        a = self.detach().cpu()._data
        return a if dtype is None else a.astype(dtype)

    def tolist(self):
        a = self._host()
        if self._dtype in (D.bfloat16, D.float16):
            a = a.astype(np.float32)
        return a.tolist()

    def _host(self):
        return (
            self._data if self._device.type == "cpu" else _backend.to_device(self._data, _dev.CPU)
        )

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        a = self._host()
        if self._dtype in (D.bfloat16, D.float16):
            a = a.astype(np.float32)
        v = a.reshape(()).item()
        if C.state.tracer is not None:
            C.state.tracer.warn_python_value(self)
        return v

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __contains__(self, element) -> bool:
        # Without this, `in` would iterate over rows and take bool() of each.
        if not isinstance(element, (Tensor, int, float, complex, bool, np.number, np.bool_)):
            raise RuntimeError(
                "Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                f"{type(element)}."
            )
        return bool((self == element).any().item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                "Boolean value of Tensor with more than one value is ambiguous"
                if self._data.size
                else "Boolean value of Tensor with no values is ambiguous"
            )
        return bool(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __complex__(self) -> complex:
        return complex(self.item())

    def __index__(self) -> int:
        if self._dtype.category > D.INT or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        from ._tensor_str import tensor_repr

        return tensor_repr(self)

    def __format__(self, spec):
        if self._data.ndim == 0 and not self._requires_grad:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, protocol):
        from .serialization import _reduce_tensor

        return _reduce_tensor(self, protocol)

    def __deepcopy__(self, memo):
        from ._copying import deepcopy_tensor

        return deepcopy_tensor(self, memo)

    # --- autograd ------------------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        value = bool(value)
        if self.grad_fn is not None:
            if value:
                return
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        if value and self._dtype.category < D.FLOAT:
            raise RuntimeError(
                "only Tensors of floating point and complex dtype can require gradients"
            )
        self._requires_grad = value

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got {type(value).__name__}"
                )
            if value._dtype is not self._dtype:
                raise RuntimeError("assigned grad has data of a different type")
            if value._data.shape != self._data.shape:
                raise RuntimeError("assigned grad has data of a different size")
            if value._device != self._device:
                raise RuntimeError("assigned grad has data located on a different device")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def data(self):
        t = Tensor._make(self._data, self._dtype, self._device)
        t._base = self._base if self._base is not None else self
        return t

    @data.setter
    def data(self, value):
        self._data = value._data
        self._dtype = value._dtype
        self._device = value._device
        self._storage = None
        self._base = None

    def detach(self):
        return self._alias()

    def as_subclass(self, cls):
        """This tensor's data and history viewed as an instance of ``cls`` (a Tensor subclass)."""
        if not (isinstance(cls, type) and issubclass(cls, Tensor)):
            raise TypeError(f"as_subclass expects a Tensor subclass, got {cls!r}")
        t = self._alias()
        t.__class__ = cls
        t._requires_grad = self._requires_grad
        t.grad_fn = self.grad_fn
        t._output_nr = self._output_nr
        return t

    def detach_(self):
        if self._base is not None and self._base.requires_grad:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    @property
    def output_nr(self) -> int:
        return self._output_nr

    def _edge(self):
        if self.grad_fn is not None:
            return (self.grad_fn, self._output_nr)
        return (self._grad_accumulator(), 0)

    def _grad_accumulator(self):
        ref = self._grad_acc
        acc = ref() if ref is not None else None
        if acc is None:
            acc = _accumulate_grad_class()(self)
            self._grad_acc = weakref.ref(acc)
        return acc

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        from ._autograd.engine import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def register_hook(self, hook):
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn._add_pre_hook(self._output_nr, hook)
        from ._autograd.node import _Handle

        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _Handle(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        if self.grad_fn is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors"
            )
        from ._autograd.node import _Handle

        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(hook)
        return _Handle(self._post_hooks, hook)

    def retain_grad(self):
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None:
            return
        node = self.grad_fn
        if node._retain is None:
            node._retain = {}
        node._retain[self._output_nr] = weakref.ref(self)

    @property
    def retains_grad(self) -> bool:
        node = self.grad_fn
        return bool(node is not None and node._retain and self._output_nr in node._retain)

    # --- devices and dtypes ---------------------------------------------------------------
    def to(self, *args, **kwargs):
        from ._convert import tensor_to

        return tensor_to(self, *args, **kwargs)

    def cpu(self, memory_format=None):
        return self.to("cpu")

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        dev = _dev.device("cuda", device if isinstance(device, int) else None)
        if device is not None and not isinstance(device, int):
            dev = _dev.as_device(device)
        return self.to(dev)

    def type(self, dtype=None, non_blocking=False, **kwargs):
        from ._convert import TYPE_NAMES, type_name

        if dtype is None:
            return type_name(self)
        if isinstance(dtype, str):
            if dtype not in TYPE_NAMES:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = TYPE_NAMES[dtype]
        return self.to(dtype)

    def type_as(self, other):
        return self.to(other.dtype)

    def pin_memory(self, device=None):
        return self

    def is_pinned(self, device=None) -> bool:
        return False

    # --- new_* ---------------------------------------------------------------------------
    def _new_kwargs(self, dtype, device, requires_grad):
        return dict(
            dtype=self._dtype if dtype is None else dtype,
            device=self._device if device is None else device,
            requires_grad=requires_grad,
        )

    def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, **kw):
        from ._creation import tensor

        return tensor(data, **self._new_kwargs(dtype, device, requires_grad))

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        from ._creation import zeros

        return zeros(*size, **self._new_kwargs(dtype, device, requires_grad))

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        from ._creation import ones

        return ones(*size, **self._new_kwargs(dtype, device, requires_grad))

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        from ._creation import empty

        return empty(*size, **self._new_kwargs(dtype, device, requires_grad))

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, **kw):
        from ._creation import full

        return full(size, fill_value, **self._new_kwargs(dtype, device, requires_grad))

    def new_empty_strided(self, size, stride, *, dtype=None, device=None, requires_grad=False):
        from ._creation import empty_strided

        return empty_strided(size, stride, **self._new_kwargs(dtype, device, requires_grad))

    # Tensor methods that are ops are attached by ember._ops.


_ACCUMULATE_GRAD = []


def _accumulate_grad_class():
    # autograd sits above this module, so its node class is imported on first use (once).
    if not _ACCUMULATE_GRAD:
        from ._autograd.node import AccumulateGrad

        _ACCUMULATE_GRAD.append(AccumulateGrad)
    return _ACCUMULATE_GRAD[0]


def _dtype_method(name, dtype):
    def convert(self, memory_format=None):
        return self.to(dtype)

    convert.__name__ = convert.__qualname__ = name
    convert.__doc__ = f"``self.to({dtype!r})``"
    return convert


# Tensor.float(), .double(), ... : shorthands for to(dtype), as in torch.
for _name, _dt in (
    ("float", D.float32), ("double", D.float64), ("half", D.float16), ("bfloat16", D.bfloat16),
    ("int", D.int32), ("long", D.int64), ("short", D.int16), ("char", D.int8),
    ("byte", D.uint8), ("bool", D.bool_), ("cfloat", D.complex64), ("cdouble", D.complex128),
):  # fmt: skip
    setattr(Tensor, _name, _dtype_method(_name, _dt))
del _name, _dt


def _contiguous_strides(shape):
    st = []
    acc = 1
    for s in reversed(shape):
        st.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(st))


def _c_contig(t) -> bool:
    expected = 1
    a = t._data
    item = a.itemsize
    for size, st in zip(reversed(a.shape), reversed(a.strides)):
        if size != 1:
            if st // item != expected:
                return False
            expected *= size
    return True


def _is_channels_last(t) -> bool:
    if t.ndim != 4:
        return False
    st = t.stride()
    n, c, h, w = t.shape
    return st[1] == 1 and st[3] == c and st[2] == c * w


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)
