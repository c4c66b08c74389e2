"""Autograd graph nodes.

A :class:`Node` names the registry op that made a tensor, holds what its
backward formula reads, and has one edge per positional argument to the node
that produced that argument (``None`` where no gradient flows).

NOTE [ saved values and version counters ]
A node saves an input tensor together with the version of its storage at the
time of the forward. A tensor and all of its views share one version counter
(a one-element list), and every in-place op bumps it. When backward unpacks a
saved tensor whose counter moved, the value it would read is not the value the
forward used, so it raises PyTorch's "modified by an inplace operation" error.
An op's own output is saved detached (no reference cycle through ``grad_fn``)
and re-attached to the node when backward needs it with ``create_graph``.
"""

from __future__ import annotations

import itertools

_seq = itertools.count()

FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


def _type_name(t) -> str:
    names = {
        "float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
        "bfloat16": "BFloat16Tensor", "int64": "LongTensor", "int32": "IntTensor",
        "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor",
        "bool": "BoolTensor", "complex64": "ComplexFloatTensor",
        "complex128": "ComplexDoubleTensor",
    }  # fmt: skip
    return f"torch.{names.get(t.dtype.name, 'Tensor')} [{', '.join(map(str, t.shape))}]"


class Node:
    """One recorded op in the backward graph."""

    __slots__ = (
        "op", "attrs", "next_edges", "input_meta", "_saved", "_versions", "_out",
        "_out_version", "_freed", "seq", "_pre_hooks", "_hooks", "_retain", "__weakref__",
        "metadata", "_nout", "_display",
    )  # fmt: skip

    def __init__(self, op, attrs, next_edges, input_meta, nout=1):
        self.op = op
        self.attrs = attrs
        self.next_edges = next_edges
        self.input_meta = input_meta
        self._saved = None
        self._versions = None
        self._out = None
        self._out_version = None
        self._freed = False
        self.seq = next(_seq)
        self._pre_hooks = None  # {output_nr: [fn]} tensor hooks on non-leaf outputs
        self._hooks = None  # node hooks fn(grad_inputs, grad_outputs)
        self._retain = None
        self.metadata = {}
        self._nout = nout
        self._display = None

    # --- what backward formulas read -------------------------------------------------
    def save_inputs(self, args, versions=None):
        """Save ``args``; ``versions`` (their counters now, None for non-tensors) if known."""
        self._saved = args
        if versions is None:
            versions = tuple(a._vc[0] if hasattr(a, "_vc") else None for a in args)
        self._versions = versions

    def save_output(self, out):
        # Detached alias: same data, same version counter, no grad_fn (no cycle).
        self._out = out
        self._out_version = out._vc[0]

    @property
    def inputs(self):
        if self._freed:
            raise RuntimeError(FREED_MSG)
        saved = self._saved
        for a, v in zip(saved, self._versions):
            if v is not None and a._vc[0] != v:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by "
                    f"an inplace operation: [{_type_name(a)}] is at version {a._vc[0]}; "
                    f"expected version {v} instead. Hint: enable anomaly detection to find the "
                    "operation that failed to compute its gradient, with "
                    "torch.autograd.set_detect_anomaly(True)."
                )
        return saved

    @property
    def out(self):
        if self._freed:
            raise RuntimeError(FREED_MSG)
        o = self._out
        if o._vc[0] != self._out_version:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{_type_name(o)}], which is output 0 of {self.name()}, is "
                f"at version {o._vc[0]}; expected version {self._out_version} instead. Hint: "
                "enable anomaly detection to find the operation that failed to compute its "
                "gradient, with torch.autograd.set_detect_anomaly(True)."
            )
        from .._config import local

        if local.grad_enabled:
            # create_graph: the output must carry this node as its history
            o = o._alias_with_history(self, 0)
        return o

    def release(self):
        self._saved = None
        self._out = None
        self._freed = True

    # --- running ----------------------------------------------------------------------
    def apply(self, grads):
        return self.op.backward(self, *grads)

    def name(self) -> str:
        return self._display or self.op.grad_name

    @property
    def next_functions(self):
        return tuple((e[0], e[1]) if e is not None else (None, 0) for e in self.next_edges)

    def register_hook(self, fn):
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return _Handle(self._hooks, fn)

    def register_prehook(self, fn):
        return self._add_pre_hook(0, fn)

    def _add_pre_hook(self, nr, fn):
        if self._pre_hooks is None:
            self._pre_hooks = {}
        hooks = self._pre_hooks.setdefault(nr, [])
        hooks.append(fn)
        return _Handle(hooks, fn)

    def __call__(self, *grads):
        return self.apply(grads)

    def __repr__(self) -> str:
        return f"<{self.name().split('::')[-1]} object at {hex(id(self))}>"


def show_grad_fn_as(t, name: str):
    """Name ``t.grad_fn`` as torch's fused op ``name`` and return ``t``.

    A composite (a loss, ``linear``, ``gelu``) ends with whichever primitive it
    ran last, so without this ``print(loss)`` would show ``grad_fn=<DivBackward0>``
    where torch shows ``<NllLossBackward0>``. Only the printed name changes.
    """
    fn = getattr(t, "grad_fn", None)
    if isinstance(fn, Node):
        fn._display = name
    return t


class AccumulateGrad:
    """The sink node of a leaf tensor: adds the arriving gradient into ``.grad``."""

    __slots__ = ("variable", "seq", "_pre_hooks", "_hooks", "_post_hooks", "__weakref__",
                 "next_edges", "metadata")  # fmt: skip
    _freed = False

    def __init__(self, variable):
        self.variable = variable
        self.seq = 1 << 62  # leaves run as soon as their gradient is complete
        self._pre_hooks = None
        self._hooks = None
        self._post_hooks = None
        self.next_edges = ()
        self.metadata = {}

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    @property
    def next_functions(self):
        return ()

    def register_hook(self, fn):
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return _Handle(self._hooks, fn)

    def register_prehook(self, fn):
        if self._pre_hooks is None:
            self._pre_hooks = {}
        hooks = self._pre_hooks.setdefault(0, [])
        hooks.append(fn)
        return _Handle(hooks, fn)

    def release(self):
        pass

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"


class _Handle:
    """A removable hook handle, as ``torch.utils.hooks.RemovableHandle``."""

    __slots__ = ("_list", "_fn")

    def __init__(self, lst, fn):
        self._list = lst
        self._fn = fn

    def remove(self):
        try:
            self._list.remove(self._fn)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
