"""Module hook plumbing: removable handles and full backward hooks.

NOTE [ full backward hooks ]
A module's full backward hooks see the gradients with respect to the module's
positional tensor inputs and outputs. As in PyTorch, the module's inputs and
outputs are passed through identity autograd Functions: the output identity's
backward receives grad_output (runs the backward pre-hooks, which may replace
it, and remembers it); the input identity's backward receives grad_input and
calls the hooks with both, which may replace grad_input. When no input needs a
gradient, the hooks run from the output identity with grad_input all None.
"""

from __future__ import annotations

import itertools
import weakref
from collections import OrderedDict

from ..._tensor import Tensor
from ...autograd import Function

__all__ = ["RemovableHandle", "BackwardHook"]


class RemovableHandle:
    """Removes a hook from the dicts it was registered in (``torch.utils.hooks``)."""

    _ids = itertools.count()

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = next(RemovableHandle._ids)
        if extra_dict is None:
            extra = ()
        elif isinstance(extra_dict, (list, tuple)):
            extra = extra_dict
        else:
            extra = (extra_dict,)
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extra)

    def remove(self):
        for ref in (self.hooks_dict_ref,) + self.extra_dict_ref:
            d = ref()
            if d is not None and self.id in d:
                del d[self.id]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class _HookIdentity(Function):
    """Identity on tensors whose backward runs a callback on the gradients."""

    @staticmethod
    def forward(ctx, callback, *tensors):
        ctx.callback = callback
        ctx.set_materialize_grads(False)
        nondiff = [t for t in tensors if not t.requires_grad]
        if nondiff:
            ctx.mark_non_differentiable(*nondiff)
        return tuple(t.view_as(t) for t in tensors)

    @staticmethod
    def backward(ctx, *grads):
        return (None,) + tuple(ctx.callback(grads))


def _tensor_positions(values):
    return [i for i, v in enumerate(values) if isinstance(v, Tensor)]


class BackwardHook:
    """Runs a module's full backward (pre-)hooks around one forward call."""

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.grad_outputs = None
        self.n_outputs = -1
        self.output_positions = None
        self.n_inputs = -1
        self.input_positions = None

    def _pack(self, positions, values, size):
        out = [None] * size
        for i, v in zip(positions, values):
            out[i] = v
        return tuple(out)

    def _wrap(self, values, callback):
        from ... import _config as C

        positions = _tensor_positions(values)
        tensors = [values[i] for i in positions]
        if not (C.local.grad_enabled and any(t.requires_grad for t in tensors)):
            return values, None
        new = _HookIdentity.apply(callback, *tensors)
        out = list(values)
        for i, t in zip(positions, new):
            out[i] = t
        return tuple(out), positions

    def _input_callback(self, grads):
        grad_inputs = self._pack(self.input_positions, grads, self.n_inputs)
        for hook in self.user_hooks:
            res = hook(self.module, grad_inputs, self.grad_outputs)
            if res is None:
                continue
            if len(res) != len(grad_inputs):
                raise RuntimeError(
                    "Backward hook returned an invalid number of grad_input, got "
                    f"{len(res)}, but expected {len(grad_inputs)}"
                )
            grad_inputs = tuple(res)
        self.grad_outputs = None
        return [grad_inputs[i] for i in self.input_positions]

    def _output_callback(self, grads):
        grad_outputs = self._pack(self.output_positions, grads, self.n_outputs)
        for hook in self.user_pre_hooks:
            res = hook(self.module, grad_outputs)
            if res is None:
                continue
            if len(res) != len(grad_outputs):
                raise RuntimeError(
                    "Backward pre hook returned an invalid number of grad_output, got "
                    f"{len(res)}, but expected {len(grad_outputs)}"
                )
            grad_outputs = tuple(res)
        self.grad_outputs = grad_outputs
        if self.input_positions is None:
            # no input needs a gradient: the hooks see grad_input as all None
            for hook in self.user_hooks:
                if hook(self.module, (None,) * max(self.n_inputs, 0), grad_outputs) is not None:
                    raise RuntimeError(
                        "Backward hook for Modules where no input requires gradient should "
                        "always return None or None for all gradients."
                    )
            self.grad_outputs = None
        return [grad_outputs[i] for i in self.output_positions]

    def setup_input_hook(self, args):
        self.n_inputs = len(args)
        new, self.input_positions = self._wrap(args, self._input_callback)
        return new

    def setup_output_hook(self, result):
        single = not isinstance(result, tuple)
        values = (result,) if single else result
        self.n_outputs = len(values)
        new, self.output_positions = self._wrap(values, self._output_callback)
        return new[0] if single else new


def ordered():
    return OrderedDict()
