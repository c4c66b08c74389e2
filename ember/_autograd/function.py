"""``autograd.Function``: user-defined ops with a hand-written backward."""

from __future__ import annotations

import functools

from .. import _config as C
from .._tensor import Tensor
from .node import FREED_MSG, Node


class _FnOp:
    """Stands in for a registry record on the node of a custom Function."""

    __slots__ = ("grad_name", "cls", "name")

    def __init__(self, cls):
        self.cls = cls
        self.name = cls.__name__
        self.grad_name = cls.__name__ + "Backward"


class FunctionCtx(Node):
    """The ``ctx`` of a custom Function; it is also the function's backward node."""

    def __init__(self, cls):
        super().__init__(_FnOp(cls), {}, (), (), 1)
        self.needs_input_grad = ()
        self.to_save = ()
        self._non_diff = set()
        self._dirty = ()
        self.materialize_grads = True
        self._saved_versions = ()

    def save_for_backward(self, *tensors):
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    "save_for_backward can only save variables, but argument "
                    f"{tensors.index(t)} is of type {type(t).__name__}"
                )
        self.to_save = tensors

    def save_for_forward(self, *tensors):
        self.save_for_backward(*tensors)

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(FREED_MSG)
        for t, v in zip(self.to_save, self._saved_versions):
            if t is not None and t._vc[0] != v:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by "
                    f"an inplace operation: is at version {t._vc[0]}; expected version {v} "
                    "instead."
                )
        return tuple(self.to_save)

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_diff = {id(t) for t in tensors}

    def set_materialize_grads(self, value: bool):
        self.materialize_grads = value

    def release(self):
        self.to_save = ()
        self._freed = True

    def apply(self, grads):
        cls = self.op.cls
        if self.materialize_grads:
            from .._creation import zeros

            grads = tuple(
                g if g is not None else zeros(m[0], dtype=m[1], device=m[2])
                for g, m in zip(grads, self._out_meta)
            )
        res = cls.backward(self, *grads)
        if not isinstance(res, tuple):
            res = (res,)
        n = len(self.next_edges)
        if len(res) != n:
            if len(res) > n and all(r is None for r in res[n:]):
                res = res[:n]
            else:
                raise RuntimeError(
                    f"function {self.name()} returned an incorrect number of gradients "
                    f"(expected {n}, got {len(res)})"
                )
        return res


class FunctionMeta(type):
    pass


class Function:
    """Base class for custom autograd ops: subclass with static ``forward`` and ``backward``.

    Example::

        >>> class Exp(Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         y = x.exp()
        ...         ctx.save_for_backward(y)
        ...         return y
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         (y,) = ctx.saved_tensors
        ...         return g * y
    """

    def __init__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use "
            "new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)"
        )

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = FunctionCtx(cls)
        tensors = [a for a in args if isinstance(a, Tensor)]
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        record = C.local.grad_enabled and any(t._requires_grad for t in tensors)
        custom_setup = cls.setup_context is not Function.setup_context
        prev = C.local.grad_enabled
        C.local.grad_enabled = False
        try:
            if custom_setup:
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        finally:
            C.local.grad_enabled = prev
        ctx._saved_versions = tuple(t._vc[0] if t is not None else None for t in ctx.to_save)
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        if not record:
            return out
        ctx.next_edges = tuple(
            a._edge() if isinstance(a, Tensor) and a._requires_grad else None for a in args
        )
        ctx.input_meta = tuple(
            (a._data.shape, a._dtype, a._device) if isinstance(a, Tensor) else None for a in args
        )
        ctx._nout = len(outs)
        ctx._out_meta = tuple(
            (o._data.shape, o._dtype, o._device) if isinstance(o, Tensor) else ((), None, None)
            for o in outs
        )
        dirty = {id(t) for t in ctx._dirty}
        inputs = {id(a) for a in tensors}
        new_outs = []
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor):
                new_outs.append(o)
                continue
            if id(o) in ctx._non_diff or o._dtype.category < 2:
                new_outs.append(o)
                continue
            if id(o) in inputs and id(o) not in dirty:
                o = o._alias()  # an input returned as is becomes a new tensor with this history
            o._requires_grad = True
            o.grad_fn = ctx
            o._output_nr = i
            new_outs.append(o)
        return new_outs[0] if single else tuple(new_outs)


def once_differentiable(fn):
    """Mark a backward as not itself differentiable (it runs with grad mode off)."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        prev = C.local.grad_enabled
        C.local.grad_enabled = False
        try:
            return fn(ctx, *args)
        finally:
            C.local.grad_enabled = prev

    return wrapper


class InplaceFunction(Function):
    def __init__(self, inplace=False):
        self.inplace = inplace


class NestedIOFunction(Function):
    pass
