"""``ember.jit.trace``: record what dispatch runs into a Graph.

NOTE [ Tracing limits ]
Dispatch calls ``ember._config.state.tracer.record(op, args, attrs, outs)``
for every primitive it runs; the tracer maps each tensor (by identity) to the
IR value that produced it. A tensor the tracer has not seen is a parameter or
buffer of the traced module (read with ``prim::GetAttr``), an input, or else a
constant baked into the graph (as PyTorch does). Python control flow and
Python numbers are frozen at the values they had while tracing, except sizes
read from traced tensors (NOTE [ Traced sizes ] in ``ember.jit._trace_dynamic``:
``x.view(x.size(0), -1)`` and ``x[1:]`` follow new shapes), and turning a tensor into a Python
number (``item()``, ``bool()``, ``int()``) emits a TracerWarning, as in
PyTorch. In-place ops are recorded as in-place nodes and rebind the tensor to
the node's result; writes through a view are not propagated to its base.
Functions marked as trace boundaries (NOTE [ Trace boundaries ] in
``ember._tracing``: pooling, convolution, normalization, interpolation,
creation functions such as ``zeros`` and ``rand``) are recorded as one node
that re-runs them, so index tables they build from the input's shape are never
frozen; sizes they take from the example input stay constants unless they are
traced sizes. ``ember.tensor``
results are constants, with torch's TracerWarning.
"""

from __future__ import annotations

import warnings

import numpy as np

from .. import _config as C
from .._tensor import Tensor
from ..nn.modules.module import Module
from . import _interpreter, _ir, _trace_dynamic
from . import _types as T
from ._script_module import RecursiveScriptModule, ScriptFunction


class TracerWarning(Warning):
    """Warns about something the trace cannot capture (torch.jit.TracerWarning)."""


class TracingCheckError(Exception):
    """Raised when re-running a trace does not reproduce the traced function."""


class _Tracer:
    def __init__(self, graph: _ir.Graph, attr_paths: dict, self_value):
        self.graph = graph
        self.values: dict = {}  # id(tensor) -> (tensor, Value)
        self.attr_paths = attr_paths  # id(tensor) -> ("0", "weight")
        self.self_value = self_value
        self.getattr_cache: dict = {}
        self.pure: set = set()  # size bookkeeping nodes, pruned when unused (_trace_dynamic)
        from . import _trace_ops

        _trace_ops._schema()  # the aten:: operators that traces record must be runnable

    # dispatch hooks ----------------------------------------------------------------------------
    def record(self, op, args, attrs, outs, inplace=False):
        g = self.graph
        ins = [self.value_for(a) for a in args]
        if any(isinstance(v, np.ndarray) or (isinstance(v, tuple) and any(
                isinstance(e, np.ndarray) for e in v)) for v in attrs.values()):  # fmt: skip
            warnings.warn(
                f"ember::{op.name} was traced with an index array computed from tensor values "
                "(tensor indexing); it is recorded as a constant, so the trace might not "
                "generalize to other inputs!",
                TracerWarning,
                stacklevel=4,
            )
        attrs = {k: _trace_dynamic.plain(v) for k, v in attrs.items()}
        types = [T.TensorType(dtype=o.dtype, shape=tuple(o.shape)) for o in outs]
        node = g.create(f"ember::{op.name}", ins, types, attrs, inplace=inplace)
        for o, v in zip(outs, node.outputs):
            self.values[id(o)] = (o, v)

    def boundary(self, path, fn, args, kwargs):
        """Run a boundary function unrecorded, then record it as one node (ember._tracing)."""
        from . import _trace_ops

        custom = _trace_dynamic.HANDLERS.get(path)
        if custom is not None:
            return custom(self, fn, args, kwargs)
        out = self.run_paused(fn, args, kwargs)
        _trace_ops.record(self, path, fn, out, args, kwargs)
        return out

    def run_paused(self, fn, args, kwargs):
        """``fn(*args, **kwargs)`` with recording paused."""
        C.state.tracer = None
        try:
            return fn(*args, **kwargs)
        finally:
            C.state.tracer = self

    def size_of(self, tensor, dim=None):
        """``Tensor.size``/``shape`` during the trace (NOTE [ Traced sizes ])."""
        return _trace_dynamic.size_of(self, tensor, dim)

    def warn_python_value(self, tensor):
        warnings.warn(
            "Converting a tensor to a Python number might cause the trace to be incorrect. "
            "We can't record the data flow of Python values, so this value will be treated "
            "as a constant in the future. This means that the trace might not generalize to "
            "other inputs!",
            TracerWarning,
            stacklevel=3,
        )

    # values ------------------------------------------------------------------------------------
    def value_for(self, a):
        if isinstance(a, Tensor):
            got = self.values.get(id(a))
            if got is not None and got[0] is a:
                return got[1]
            path = self.attr_paths.get(id(a))
            if path is not None:
                v = self._getattr_path(path)
            else:
                v = self.graph.constant(Tensor._make(a._data.copy(), a.dtype, a.device))
            self.values[id(a)] = (a, v)
            return v
        if isinstance(a, _trace_dynamic.TracedInt) and a._tracer is self:
            return _trace_dynamic.int_value(self, a)
        if isinstance(a, (list, tuple)):
            vals = [self.value_for(x) for x in a]
            return self.graph.list(vals) if isinstance(a, list) else self.graph.tuple(vals)
        return self.graph.constant(a)

    def _getattr_path(self, path):
        v = self.self_value
        for i in range(len(path)):
            key = path[: i + 1]
            got = self.getattr_cache.get(key)
            if got is None:
                last = i == len(path) - 1
                t = T.Tensor if last else T.ClassType("__torch__.Module")
                got = self.graph.getattr(v, path[i], t)
                self.getattr_cache[key] = got
            v = got
        return v

    def bind_input(self, obj, hint):
        """A graph input for an example input (tensors, tuples/lists of tensors)."""
        if isinstance(obj, Tensor):
            v = self.graph.add_input(hint, T.TensorType(dtype=obj.dtype, shape=tuple(obj.shape)))
            self.values[id(obj)] = (obj, v)
            return v
        if isinstance(obj, tuple):
            v = self.graph.add_input(hint, T.type_of(obj))
            parts = self.graph.unpack(v)
            for o, p in zip(obj, parts):
                self._alias(o, p)
            return v
        if isinstance(obj, list) and all(isinstance(o, Tensor) for o in obj):
            v = self.graph.add_input(hint, T.ListType(T.Tensor))
            parts = self.graph.unpack(v, [T.Tensor] * len(obj))
            for o, p in zip(obj, parts):
                self._alias(o, p)
            return v
        raise RuntimeError(
            f"Type '{type(obj).__name__}' cannot be traced. Only Tensors and (possibly nested) "
            "Lists, Dicts, and Tuples of Tensors can be traced"
        )

    def _alias(self, obj, v):
        if isinstance(obj, Tensor):
            self.values[id(obj)] = (obj, v)
        elif isinstance(obj, tuple):
            for o, p in zip(obj, self.graph.unpack(v)):
                self._alias(o, p)
        else:
            raise RuntimeError(f"Type '{type(obj).__name__}' cannot be traced")

    def output_value(self, out, strict):
        if isinstance(out, Tensor):
            return self.value_for(out)
        if isinstance(out, tuple):
            return self.graph.tuple([self.output_value(o, strict) for o in out])
        if isinstance(out, list):
            if strict:
                warnings.warn(
                    "Encountering a list at the output of the tracer might cause the trace to be "
                    "incorrect, this is only valid if the container structure does not change "
                    "based on the module's inputs. Consider using a constant container instead "
                    "(e.g. for `list`, use a `tuple` instead. for `dict`, use a `NamedTuple` "
                    "instead). If you absolutely need this and know the side effects, pass "
                    "strict=False to trace() to allow this behavior.",
                    TracerWarning,
                    stacklevel=4,
                )
            vals = [self.output_value(o, strict) for o in out]
            return self.graph.list(vals, T.Tensor)
        if isinstance(out, dict):
            if strict:
                warnings.warn(
                    "Encountering a dict at the output of the tracer might cause the trace to be "
                    "incorrect, this is only valid if the container structure does not change "
                    "based on the module's inputs. Consider using a constant container instead "
                    "(e.g. for `list`, use a `tuple` instead. for `dict`, use a `NamedTuple` "
                    "instead). If you absolutely need this and know the side effects, pass "
                    "strict=False to trace() to allow this behavior.",
                    TracerWarning,
                    stacklevel=4,
                )
            flat = []
            for k, o in out.items():
                flat += [self.graph.constant(k), self.output_value(o, strict)]
            t = T.DictType(T.type_of(next(iter(out))) if out else T.Str, T.Tensor)
            return self.graph.create("prim::DictConstruct", flat, (t,)).outputs[0]
        raise RuntimeError(
            f"Only tensors, lists, tuples of tensors, or dictionary of tensors can be output "
            f"from traced functions, got {type(out).__name__}"
        )


def _record(fn, args, graph, attr_paths, self_value, strict, arg_names):
    tracer = _Tracer(graph, attr_paths, self_value)
    for a, name in zip(args, arg_names):
        tracer.bind_input(a, name)
    if C.state.tracer is not None:
        raise RuntimeError("ember.jit.trace cannot be nested inside another trace")
    C.state.tracer = tracer
    try:
        out = fn(*args)
    finally:
        C.state.tracer = None
    graph.add_output(tracer.output_value(out, strict))
    _trace_dynamic.prune(graph, tracer.pure)
    return out


def _as_tuple(example_inputs):
    if isinstance(example_inputs, tuple):
        return example_inputs
    return (example_inputs,)


def _arg_names(fn, n):
    import inspect

    try:
        params = [
            p.name
            for p in inspect.signature(fn).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        params = []
    params += [f"input_{i}" for i in range(len(params), n)]
    return params[:n]


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None,
          check_tolerance=1e-5, strict=True, _force_outplace=False, _module_class=None,
          _compilation_unit=None, example_kwarg_inputs=None, _store_inputs=True):  # fmt: skip
    """Trace a function or Module into a ScriptFunction / ScriptModule.

    Runs ``func`` once on ``example_inputs`` and records every op dispatch
    runs; see NOTE [ Tracing limits ] for what is frozen.

    Example::

        >>> import ember
        >>> lin = ember.nn.Linear(3, 2)
        >>> traced = ember.jit.trace(lin, ember.randn(4, 3))
        >>> traced(ember.ones(1, 3)).shape
        ember.Size([1, 2])
    """
    if example_kwarg_inputs is not None:
        raise NotImplementedError("ember.jit.trace: example_kwarg_inputs is not supported")
    if example_inputs is None:
        raise RuntimeError("ember.jit.trace needs example_inputs")
    if isinstance(func, RecursiveScriptModule) or isinstance(func, ScriptFunction):
        warnings.warn(
            "The input to trace is already a ScriptModule, tracing it is a no-op. Returning the "
            "object as is.",
            stacklevel=2,
        )
        return func
    if isinstance(func, Module):
        return trace_module(
            func, {"forward": example_inputs}, check_trace=check_trace,
            check_inputs=check_inputs, check_tolerance=check_tolerance, strict=strict,
        )  # fmt: skip
    args = _as_tuple(example_inputs)
    graph = _ir.Graph()
    name = getattr(func, "__name__", "fn")
    names = _arg_names(func, len(args))
    out = _record(func, args, graph, {}, None, strict, names)
    qual = f"__torch__.{name}" if name.isidentifier() else "__torch__.fn"
    sf = ScriptFunction(name, graph, qualified_name=qual, arg_names=names, is_method=False)
    if check_trace:
        _check(lambda *a: sf(*a), args, out, check_tolerance)
    return sf


def trace_module(mod, inputs, optimize=None, check_trace=True, check_inputs=None,
                 check_tolerance=1e-5, strict=True, _force_outplace=False,
                 _module_class=None, _compilation_unit=None, example_inputs_is_kwarg=False,
                 _store_inputs=True):  # fmt: skip
    """Trace several methods of ``mod``: ``inputs`` maps method name -> example inputs."""
    if not isinstance(mod, Module):
        raise AttributeError("expected torch.nn.Module as the first argument")
    if not isinstance(inputs, dict):
        raise AttributeError("expected a dictionary of (method_name, input) pairs")
    sm, paths = _mirror(mod, {})
    for method_name, example in inputs.items():
        args = _as_tuple(example)
        fn = mod if method_name == "forward" else getattr(mod, method_name)
        graph = _ir.Graph()
        self_value = graph.add_input("self", T.ClassType(sm._qualified_name))
        bound = getattr(mod, method_name)
        names = ["self", *_arg_names(bound, len(args))]
        out = _record(fn, args, graph, paths, self_value, strict, names[1:])
        sm.define_method(
            ScriptFunction(
                method_name,
                graph,
                qualified_name=sm._qualified_name,
                arg_names=names,
                is_method=True,
            )  # fmt: skip
        )
        if check_trace:
            _check(lambda *a, _m=method_name: sm.invoke(_m, *a), args, out, check_tolerance)
    return sm


def _qualname_of(mod) -> str:
    cls = type(mod)
    return f"__torch__.{cls.__module__}.{cls.__qualname__}".replace("<locals>.", "")


def _mirror(mod, paths, prefix=()):
    """A RecursiveScriptModule sharing ``mod``'s parameters, buffers and submodules."""
    sm = RecursiveScriptModule(_qualname_of(mod))
    object.__setattr__(sm, "_original_name", type(mod).__name__)
    for name, p in mod._parameters.items():
        sm.register_parameter(name, p)
        if p is not None:
            paths[id(p)] = (*prefix, name)
    for name, b in mod._buffers.items():
        sm.register_buffer(name, b, persistent=name not in mod._non_persistent_buffers_set)
        if b is not None:
            paths[id(b)] = (*prefix, name)
    for name, child in mod._modules.items():
        if child is None:
            continue
        sub, _ = _mirror(child, paths, (*prefix, name))
        sm.add_module(name, sub)
    sm.train(mod.training)
    return sm, paths


def _check(run, args, expected, tol):
    with _interpreter.tracer_paused():
        got = run(*args)
    if not _same(got, expected, tol):
        warnings.warn(
            "Output nr 1. of the traced function does not match the corresponding output of the "
            "Python function. Detailed error:\nthe traced graph gave different values on the "
            "example inputs",
            TracerWarning,
            stacklevel=3,
        )


def _same(a, b, tol):
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        if a.shape != b.shape:
            return False
        if a.numel() == 0:
            return True
        import numpy as np

        x = a.detach().numpy()
        y = b.detach().numpy()
        if x.dtype.kind in "fc":
            return bool(np.allclose(x, y, rtol=tol, atol=tol, equal_nan=True))
        return bool((x == y).all())
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], tol) for k in a)
    return a == b
