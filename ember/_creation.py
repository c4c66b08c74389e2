"""Tensor creation: tensor, as_tensor, from_numpy, zeros/ones/full/empty, ranges, eye."""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from . import _backend
from . import _device as _dev
from . import _dtype as D
from ._tensor import Tensor
from ._tracing import traced


def _finish(arr, dtype, device, requires_grad):
    device = _dev.as_device(device)
    if device.type != "cpu":
        arr = _backend.to_device(arr, device)
    t = Tensor._make(arr, dtype, device)
    if requires_grad:
        t.requires_grad = True
    return t


def _size_args(size, name):
    from ._ops.movement import shape_args

    shape = shape_args(size, name)
    for s in shape:
        if s < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {s}: "
                f"[{', '.join(map(str, shape))}]"
            )
    return shape


def _infer_dtype(data) -> D.dtype:
    """The dtype torch.tensor infers for nested Python data."""
    cat = -1
    stack = [data]
    npdt = None
    while stack:
        x = stack.pop()
        if isinstance(x, Tensor):
            c = x.dtype
            npdt = c if npdt is None else D.promote_types(npdt, c)
            continue
        if isinstance(x, (np.ndarray, np.generic)):
            c = D.from_numpy_dtype(x.dtype)
            npdt = c if npdt is None else D.promote_types(npdt, c)
            continue
        if isinstance(x, bool) or isinstance(x, np.bool_):
            cat = max(cat, D.BOOL)
        elif isinstance(x, numbers.Integral):
            cat = max(cat, D.INT)
        elif isinstance(x, numbers.Real):
            cat = max(cat, D.FLOAT)
        elif isinstance(x, numbers.Complex):
            cat = max(cat, D.COMPLEX)
        elif isinstance(x, (list, tuple)):
            stack.extend(x)
        else:
            raise TypeError(f"Could not infer dtype of {type(x).__name__}")
    by_cat = {
        -1: D.get_default_dtype(),
        D.BOOL: D.bool_,
        D.INT: D.int64,
        D.FLOAT: D.get_default_dtype(),
        D.COMPLEX: D.get_default_dtype().to_complex(),
    }
    scal = by_cat[cat]
    if npdt is None:
        return scal
    if cat < 0:
        return npdt
    return D.promote_types(npdt, scal) if scal.category > npdt.category else npdt


def _check_ragged(data, depth=0):
    if not isinstance(data, (list, tuple)) or not data:
        return
    first = data[0]
    if isinstance(first, (list, tuple)):
        n = len(first)
        for x in data:
            if not isinstance(x, (list, tuple)):
                raise ValueError(
                    f"expected sequence of length {n} at dim {depth + 1} (got {type(x).__name__})"
                )
            if len(x) != n:
                raise ValueError(
                    f"expected sequence of length {n} at dim {depth + 1} (got {len(x)})"
                )
        for x in data:
            _check_ragged(x, depth + 1)


def _to_array(data, dtype):
    if isinstance(data, Tensor):
        return data.detach().cpu()._data.astype(dtype.np)
    if isinstance(data, (list, tuple)):
        _check_ragged(data)
        data = _untensor(data)
    return np.array(data, dtype=dtype.np)


def _untensor(data):
    if isinstance(data, Tensor):
        if data.dtype in (D.bfloat16, D.float16):
            return data.detach().cpu()._data.astype(np.float32)
        return data.detach().cpu()._data
    if isinstance(data, (list, tuple)):
        return [_untensor(x) for x in data]
    return data


@traced("tensor")
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """``torch.tensor``: a new tensor (always a copy) from data."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach()."
            "clone() or sourceTensor.detach().clone().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    dt = D.as_dtype(dtype) if dtype is not None else _infer_dtype(data)
    if isinstance(data, (np.ndarray, np.generic)) and dtype is None:
        dt = D.from_numpy_dtype(data.dtype)
    if isinstance(data, Tensor) and dtype is None:
        dt = data.dtype
    arr = _to_array(data, dt)
    if device is None and isinstance(data, Tensor):
        device = data.device
    return _finish(arr, dt, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """``torch.as_tensor``: shares memory with a tensor or NumPy array when it can."""
    dt = None if dtype is None else D.as_dtype(dtype)
    if isinstance(data, Tensor):
        out = data
        if dt is not None or device is not None:
            out = out.to(device=device, dtype=dt)
        return out
    if isinstance(data, np.generic):
        data = np.asarray(data)
    if isinstance(data, np.ndarray) and (device is None or _dev.as_device(device).type == "cpu"):
        t = from_numpy(data)
        return t if dt is None or dt is t.dtype else t.to(dt)
    return tensor(data, dtype=dt, device=device)


def from_numpy(ndarray):
    """A tensor sharing memory with ``ndarray``."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    if any(s < 0 for s in ndarray.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative "
            "strides are not currently supported. (You can probably work around this by making "
            "a copy of your array  with array.copy().) "
        )
    dt = D.from_numpy_dtype(ndarray.dtype)
    if not ndarray.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte order")
    return Tensor._make(ndarray, dt, _dev.CPU)


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    dt = D.as_dtype(dtype)
    arr = np.frombuffer(buffer, dtype=dt.np, count=count, offset=offset)
    return _finish(arr, dt, None, requires_grad)


def _factory(name, fill):
    def fn(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
           pin_memory=False, memory_format=None, **kw):  # fmt: skip
        if "size" in kw:
            size = (kw.pop("size"),)
        if kw:
            raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kw))}'")
        shape = _size_args(size, name)
        dt = (
            D.as_dtype(dtype)
            if dtype is not None
            else (out.dtype if out is not None else D.get_default_dtype())
        )
        arr = fill(shape, dt.np)
        t = _finish(arr, dt, device, requires_grad)
        if out is not None:
            from ._ops._helpers import handle_out

            return handle_out(out, t)
        return t

    fn.__name__ = name
    return fn


zeros = traced("zeros")(_factory("zeros", np.zeros))
ones = traced("ones")(_factory("ones", np.ones))
empty = traced("empty")(_factory("empty", np.empty))


@traced("full")
def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):  # fmt: skip
    shape = _size_args((size,) if not isinstance(size, int) else (size,), "full")
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        dt = D.result_type_of((fill_value,))
    else:
        dt = D.as_dtype(dtype)
    arr = np.full(shape, fill_value, dtype=dt.np)
    t = _finish(arr, dt, device, requires_grad)
    if out is not None:
        from ._ops._helpers import handle_out

        return handle_out(out, t)
    return t


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False, **kw):
    dt = D.as_dtype(dtype) if dtype is not None else D.get_default_dtype()
    size, stride = tuple(size), tuple(stride)
    n = 1 + sum((s - 1) * st for s, st in zip(size, stride)) if all(size) else 0
    buf = np.zeros(n, dtype=dt.np)
    arr = np.lib.stride_tricks.as_strided(buf, size, tuple(s * dt.itemsize for s in stride))
    return _finish(arr, dt, device, requires_grad)


def layout_order(t):
    """The dims of ``t`` from outermost to innermost in memory, or None for C order.

    PyTorch's ``*_like`` functions (and dropout's mask) keep the layout of a
    permuted input (``preserve_format``) and draw their numbers in memory order,
    so for a transposed input the values land where torch puts them only if we
    draw for the permuted shape and permute back. Inputs whose strides overlap
    (expanded) get C order, as in PyTorch.
    """
    if t.ndim < 2:
        return None
    st, sh = t.stride(), tuple(t.shape)
    big = [d for d in range(t.ndim) if sh[d] > 1]
    if any(st[d] == 0 for d in big) or len({st[d] for d in big}) != len(big):
        return None
    order = sorted(big, key=lambda d: -st[d])
    # size-1 dims do not change the order of elements: keep them where they are
    it = iter(order)
    order = [d if sh[d] <= 1 else next(it) for d in range(t.ndim)]
    return None if order == list(range(t.ndim)) else order


def _like_array(input, memory_format, make):
    """``make(shape)`` laid out as ``input`` is (torch's ``preserve_format``, the default)."""
    order = None
    if memory_format is None or getattr(memory_format, "name", "") == "preserve_format":
        order = layout_order(input)
    if order is None:
        return make(tuple(input.shape))
    arr = make(tuple(input.shape[d] for d in order))
    return arr.transpose([order.index(d) for d in range(input.ndim)])


def _like(name, fill):
    def fn(input, *, dtype=None, layout=None, device=None, requires_grad=False,
           memory_format=None, **kw):  # fmt: skip
        dt = D.as_dtype(dtype) if dtype is not None else input.dtype
        arr = _like_array(input, memory_format, lambda shape: fill(shape, dt.np))
        return _finish(arr, dt, device if device is not None else input.device, requires_grad)

    fn.__name__ = name
    return fn


zeros_like = traced("zeros_like")(_like("zeros_like", np.zeros))
ones_like = traced("ones_like")(_like("ones_like", np.ones))
empty_like = traced("empty_like")(_like("empty_like", np.empty))


@traced("full_like")
def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):  # fmt: skip
    dt = D.as_dtype(dtype) if dtype is not None else input.dtype
    arr = _like_array(input, memory_format, lambda shape: np.full(shape, fill_value, dt.np))
    return _finish(arr, dt, device if device is not None else input.device, requires_grad)


def _num(x):
    return x.item() if isinstance(x, Tensor) else x


@traced("arange")
def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):  # fmt: skip
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if dtype is None:
        isf = any(isinstance(v, float) for v in (start, end, step))
        dt = D.get_default_dtype() if isf else D.int64
    else:
        dt = D.as_dtype(dtype)
    if (end - start) / step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    n = max(0, math.ceil((end - start) / step))
    if dt.category >= D.FLOAT:
        arr = (start + np.arange(n, dtype=np.float64) * step).astype(dt.np)
    else:
        arr = (start + np.arange(n, dtype=np.int64) * step).astype(dt.np)
    t = _finish(arr, dt, device, requires_grad)
    if out is not None:
        from ._ops._helpers import handle_out

        return handle_out(out, t)
    return t


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):  # fmt: skip
    start, end = _num(start), _num(end)
    if not isinstance(steps, int) or steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = D.as_dtype(dtype) if dtype is not None else D.get_default_dtype()
    arr = _linspace_np(start, end, steps)
    if dt.category <= D.INT:
        arr = np.trunc(arr)
    t = _finish(arr.astype(dt.np), dt, device, requires_grad)
    if out is not None:
        from ._ops._helpers import handle_out

        return handle_out(out, t)
    return t


def _linspace_np(start, end, steps):
    if steps == 0:
        return np.zeros(0)
    if steps == 1:
        return np.array([start], dtype=np.float64)
    step = (end - start) / (steps - 1)
    i = np.arange(steps, dtype=np.float64)
    half = steps // 2
    return np.where(i < half, start + step * i, end - step * (steps - 1 - i))


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):  # fmt: skip
    dt = D.as_dtype(dtype) if dtype is not None else D.get_default_dtype()
    arr = np.power(base, _linspace_np(_num(start), _num(end), steps))
    return _finish(arr.astype(dt.np), dt, device, requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    dt = D.as_dtype(dtype) if dtype is not None else D.get_default_dtype()
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    arr = np.eye(n, n if m is None else m, dtype=dt.np)
    return _finish(arr, dt, device, requires_grad)


def _legacy_tensor_init(self, *args, **kwargs):
    """``torch.Tensor(...)``: sizes make an uninitialised float tensor; data makes a copy."""
    device = kwargs.pop("device", None)
    if len(args) == 1 and not isinstance(args[0], (int, np.integer)) or not args:
        data = args[0] if args else []
        if isinstance(data, Tensor):
            src = data
        else:
            src = tensor(data, dtype=D.get_default_dtype())
        t = src
    else:
        t = empty(*args, dtype=D.get_default_dtype(), device=device)
    self._init_fields(t._data, t._dtype, t._device)
