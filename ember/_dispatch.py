"""The one path every op takes.

``dispatch(op, args, attrs)``: check devices, decide dtypes by the op's rule,
pick the array module, run forward, wrap outputs, record an autograd node when
grad mode is on and an input requires grad, and tell an active JIT tracer.
``dispatch_inplace`` does the same and writes the result into ``args[0]``.
"""

from __future__ import annotations

import numpy as np

from . import _backend
from . import _config as C
from . import _device as _dev
from . import _dtype as D
from ._autograd.node import Node
from ._tensor import Tensor

_EMPTY: dict = {}
_HALF = (D.float16, D.bfloat16)
_F32 = np.dtype(np.float32)
_CPU = _dev.CPU
_ndarray = np.ndarray
_local = C.local
_state = C.state
_make = Tensor._make


def _device_of(op, args):
    dev = None
    for a in args:
        if type(a) is Tensor or isinstance(a, Tensor):
            d = a._device
            if dev is None:
                dev = d
            elif d is not dev and d != dev:
                # PyTorch lets 0-dim CPU tensors mix with tensors on any device.
                if d.type == "cpu" and a._data.ndim == 0:
                    continue
                if dev.type == "cpu" and _first_is_scalar_cpu(args, dev):
                    dev = d
                    continue
                raise RuntimeError(
                    "Expected all tensors to be on the same device, but found at least two "
                    f"devices, {dev} and {d}! (when checking arguments for {op.name})"
                )
    return _CPU if dev is None else dev


def _first_is_scalar_cpu(args, dev):
    for a in args:
        if isinstance(a, Tensor) and a._device == dev:
            return a._data.ndim == 0
    return False


def _arrays(op, args, cdt, dev):
    """Arrays for forward: tensors cast to the compute dtype, scalars as they are."""
    cnp = cdt.np
    if op.upcast_half and cdt in _HALF:
        cnp = _F32
    out = []
    nocast = op.nocast
    for i, a in enumerate(args):
        if type(a) is Tensor and a._device is dev:
            arr = a._data
            if arr.dtype is not cnp and arr.dtype != cnp and not (nocast and i in nocast):
                arr = arr.astype(cnp)
            out.append(arr)
        elif isinstance(a, Tensor):
            arr = a._data
            if arr.dtype != cnp and not (nocast and i in nocast):
                arr = arr.astype(cnp)
            if a._device is not dev and a._device != dev:
                arr = _backend.to_device(arr, dev)
            out.append(arr)
        else:
            out.append(a)
    return out


def _wrap(res, odt, dev):
    if type(res) is _ndarray and res.dtype is odt.np:
        return _make(res, odt, dev)
    if not isinstance(res, _ndarray):
        if isinstance(res, (np.generic, int, float, complex, bool)):
            res = np.asarray(res)
        else:
            dev = _backend.device_of(res)
    if res.dtype != odt.np:
        res = res.astype(odt.np)
    return _make(res, odt, dev)


def dispatch(op, args, attrs=_EMPTY):
    """Run ``op`` on ``args`` (tensors and scalars) with keyword ``attrs``."""
    # One pass over the arguments: is any tensor off the CPU, does any require grad.
    on_cpu = True
    wants_grad = False
    for a in args:
        if type(a) is Tensor or isinstance(a, Tensor):
            if a._device is not _CPU:
                on_cpu = False
            if a._requires_grad:
                wants_grad = True
    if on_cpu:
        dev = _CPU
        cdt, odt = op.dtype_rule(args, attrs)
        xp = np
        arrays = _cpu_arrays(op, args, cdt)
    else:
        dev = _device_of(op, args)
        cdt, odt = op.dtype_rule(args, attrs)
        xp = np if dev is _CPU or dev.type == "cpu" else _backend.xp_for(dev)
        arrays = _arrays(op, args, cdt, dev)
    try:
        res = op.forward(xp, *arrays, **attrs)
    except ValueError:
        _raise_if_not_broadcastable(args)
        raise
    if op.nout == 1:
        if type(res) is _ndarray and res.dtype is odt.np:
            out = _make(res, odt, dev)
        else:
            out = _wrap(res, odt, dev)
        outs = (out,)
    else:
        odts = odt if isinstance(odt, tuple) else (odt,) * op.nout
        outs = tuple(_wrap(r, d, dev) for r, d in zip(res, odts))
        out = outs
    if op.view:
        _mark_view(outs, args[0], op, args, attrs)
    if wants_grad and op.backward is not None and _local.grad_enabled:
        _record(op, args, attrs, outs)
    if _state.tracer is not None:
        _state.tracer.record(op, args, attrs, outs)
    return out


def _cpu_arrays(op, args, cdt):
    """``_arrays`` when every tensor argument is on the CPU."""
    cnp = cdt.np
    if op.upcast_half and cdt in _HALF:
        cnp = _F32
    nocast = op.nocast
    out = []
    for i, a in enumerate(args):
        if type(a) is Tensor or isinstance(a, Tensor):
            arr = a._data
            if arr.dtype is not cnp and arr.dtype != cnp and not (nocast and i in nocast):
                arr = arr.astype(cnp)
            out.append(arr)
        else:
            out.append(a)
    return out


def _raise_if_not_broadcastable(args):
    """PyTorch's RuntimeError for operands whose shapes do not broadcast."""
    shapes = [a._data.shape for a in args if isinstance(a, Tensor)]
    for i in range(1, len(shapes)):
        a, b = shapes[0], shapes[i]
        n = max(len(a), len(b))
        pa, pb = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
        for d in range(n - 1, -1, -1):
            if pa[d] != pb[d] and pa[d] != 1 and pb[d] != 1:
                raise RuntimeError(
                    f"The size of tensor a ({pa[d]}) must match the size of tensor b ({pb[d]}) "
                    f"at non-singleton dimension {d}"
                )


def _mark_view(outs, src, op, args, attrs):
    base = src._base if src._base is not None else src
    chain = src._view_chain + ((op, args[1:], attrs),)
    for o in outs:
        o._vc = src._vc
        o._base = base
        o._view_chain = chain


def _record(op, args, attrs, outs):
    edges = []
    meta = []
    versions = []
    for a in args:
        if type(a) is Tensor or isinstance(a, Tensor):
            meta.append((a._data.shape, a._dtype, a._device))
            versions.append(a._vc[0])
            if a._requires_grad:
                fn = a.grad_fn
                edges.append((fn, a._output_nr) if fn is not None else a._edge())
            else:
                edges.append(None)
        else:
            meta.append(None)
            edges.append(None)
            versions.append(None)
    node = Node(op, attrs, tuple(edges), tuple(meta), op.nout)
    if "i" in op.save:
        node.save_inputs(args, tuple(versions))
    if "o" in op.save:
        node.save_output(outs[0]._alias())
    if _local.anomaly:
        import traceback

        node.metadata["traceback_"] = traceback.format_stack()[:-3]
    for i in op.grad_outputs:
        o = outs[i]
        if o._dtype.category >= D.FLOAT:
            o._requires_grad = True
            o.grad_fn = node
            o._output_nr = i
    return node


# --- in-place ------------------------------------------------------------------------------


def _check_inplace_target(op, self):
    if self._requires_grad and self.grad_fn is None and C.local.grad_enabled:
        if self._base is not None:
            raise RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place "
                "operation."
            )
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
        )
    base = self._base
    if base is not None and base._requires_grad and base.grad_fn is None and C.local.grad_enabled:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation."
        )


def write_into(self, res_data, opname):
    """Write ``res_data`` into ``self``'s memory (broadcasting and casting as PyTorch does)."""
    dst = self._data
    if res_data.shape != dst.shape:
        try:
            shape = np.broadcast_shapes(res_data.shape, dst.shape)
        except ValueError:
            shape = None
        if shape != dst.shape:
            raise RuntimeError(
                f"output with shape [{', '.join(map(str, dst.shape))}] doesn't match the "
                f"broadcast shape [{', '.join(map(str, res_data.shape))}]"
            )
    if not dst.flags.writeable:
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation."
        )
    if dst.ndim == 0:
        dst[()] = res_data
    else:
        dst[...] = res_data
    self._vc[0] += 1


def dispatch_inplace(op, args, attrs=_EMPTY):
    """``op`` with its result written into ``args[0]`` (``Tensor.add_`` and friends)."""
    self = args[0]
    dev = _device_of(op, args)
    cdt, odt = op.dtype_rule(args, attrs)
    if odt is not self._dtype and not D.can_cast(odt, self._dtype):
        raise RuntimeError(
            f"result type {_type_word(odt)} can't be cast to the desired output type "
            f"{_type_word(self._dtype)}"
        )
    grad_mode = C.local.grad_enabled and op.backward is not None
    needs_grad = grad_mode and any(isinstance(a, Tensor) and a._requires_grad for a in args)
    if needs_grad:
        _check_inplace_target(op, self)
        return _inplace_with_grad(op, args, attrs)
    xp = np if dev.type == "cpu" else _backend.xp_for(dev)
    res = op.forward(xp, *_arrays(op, args, cdt, dev), **attrs)
    if not isinstance(res, _ndarray) and dev.type == "cpu":
        res = np.asarray(res)
    write_into(self, res.astype(self._dtype.np, copy=False), op.name)
    if C.state.tracer is not None:
        C.state.tracer.record(op, args, attrs, (self,), inplace=True)
    return self


def _inplace_with_grad(op, args, attrs):
    """In-place op under autograd: compute out of place, write, rebase history.

    If backward reads the inputs, ``self`` is saved as a copy of its old value;
    if ``self`` is a view, the base's history becomes a CopySlices node.
    """
    self = args[0]
    old = self._alias(data=self._data.copy() if "i" in op.save else self._data)
    old._requires_grad = self._requires_grad
    old.grad_fn = self.grad_fn
    old._output_nr = self._output_nr
    tracer, C.state.tracer = C.state.tracer, None
    try:
        res = dispatch(op, (old,) + tuple(args[1:]), attrs)
    finally:
        C.state.tracer = tracer
    if res._dtype is not self._dtype:
        res = res.to(self._dtype)
    write_into(self, res._data, op.name)
    if self._base is not None and (self._base._requires_grad or res._requires_grad):
        _copy_slices(self, res)
    else:
        self.grad_fn = res.grad_fn
        self._output_nr = 0
        self._requires_grad = res._requires_grad
    if tracer is not None:
        tracer.record(op, args, attrs, (self,), inplace=True)
    return self


def _copy_slices(view, res):
    from ._autograd.copy_slices import rebase_view

    rebase_view(view, res)


def _type_word(dt):
    return {
        "float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
        "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
        "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble",
    }[dt.name]  # fmt: skip
