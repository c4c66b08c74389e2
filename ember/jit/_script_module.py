"""ScriptModule, ScriptFunction and CompilationUnit: compiled code with a Module's API.

A :class:`RecursiveScriptModule` is an ``nn.Module`` whose methods are Graphs
run by the interpreter: parameters, buffers and submodules are registered as
on any Module (so ``parameters()``, ``state_dict()``, ``train()``, ``to()``
and autograd work unchanged), plain attributes carry a TorchScript type (for
the archive writer), and ``Final`` constants are kept apart. Methods are
reached as attributes (``m.forward``, ``m.predict``) or by name through
``m.invoke("predict", *args)``.

Building one (used by trace, script and the archive reader)::

    sm = RecursiveScriptModule("__torch__.Model")
    sm.register_parameter("w", p); sm.add_module("sub", sub_script_module)
    sm.set_attribute("scale", 0.5, T.Float)
    sm.define_method(ScriptFunction("forward", graph, arg_names=[...], defaults={...}))
"""

from __future__ import annotations

import inspect

from .. import _config as C
from .._tensor import Tensor
from ..nn.modules.module import Module
from . import _interpreter, _ir
from . import _types as T


class ScriptFunction:
    """A compiled function: a Graph plus its argument names, defaults and qualified name.

    A method's graph takes ``self`` as its first input; ``ScriptFunction``
    objects stored on a module are unbound and bound on attribute access.
    """

    def __init__(self, name, graph: _ir.Graph, *, qualified_name=None, arg_names=None,
                 defaults=None, return_type=None, is_method=None):  # fmt: skip
        self.name = self.__name__ = name
        self.graph = graph
        self.qualified_name = qualified_name or f"__torch__.{name}"
        names = arg_names or [v.hint or f"arg{i}" for i, v in enumerate(graph.inputs)]
        self.arg_names = list(names)
        self.defaults = dict(defaults or {})
        if return_type is None:
            outs = graph.outputs
            return_type = (
                outs[0].type if len(outs) == 1 else T.TupleType(tuple(o.type for o in outs))
            )
        self.return_type = return_type
        if is_method is None:
            is_method = bool(graph.inputs) and isinstance(graph.inputs[0].type, T.ClassType)
        self.is_method = is_method

    # calling ----------------------------------------------------------------------------------
    def _bind_args(self, args, kwargs, owner=None):
        names = self.arg_names[1:] if self.is_method else self.arg_names
        if len(args) > len(names):
            raise RuntimeError(
                f"{self.name}() expected at most {len(names)} argument(s) but received "
                f"{len(args)} argument(s)"
            )
        vals = list(args)
        for name in names[len(args) :]:
            if name in kwargs:
                vals.append(kwargs.pop(name))
            elif name in self.defaults:
                vals.append(self.defaults[name])
            else:
                raise RuntimeError(f"{self.name}() is missing value for argument '{name}'.")
        if kwargs:
            raise RuntimeError(f"{self.name}() got an unexpected keyword argument "
                               f"'{next(iter(kwargs))}'")  # fmt: skip
        return [owner, *vals] if self.is_method else vals

    def __call__(self, *args, **kwargs):
        return _interpreter.run(self.graph, self._bind_args(args, dict(kwargs)))

    def bind(self, owner) -> _BoundMethod:
        return _BoundMethod(self, owner)

    # inspection ---------------------------------------------------------------------------------
    @property
    def code(self) -> str:
        from ._codegen import function_source

        return function_source(self)

    @property
    def inlined_graph(self) -> _ir.Graph:
        return self.graph

    @property
    def schema(self) -> str:
        ins = ", ".join(f"{v.type} {n}" for n, v in zip(self.arg_names, self.graph.inputs))
        return f"{self.name}({ins}) -> {self.return_type}"

    def save(self, f, _extra_files=None) -> None:
        """Save as an archive whose module's ``forward`` is this function (as torch does)."""
        if self.is_method:
            raise RuntimeError("save() of a method: save the module instead")
        from ._archive_writer import save_function

        save_function(self, f, _extra_files)

    def __repr__(self) -> str:
        return f"<ember.jit.ScriptFunction {self.qualified_name}>"


class _BoundMethod:
    """A ScriptFunction bound to a module (``m.forward``)."""

    def __init__(self, fn: ScriptFunction, owner):
        self.function = fn
        self.owner = owner
        self.name = self.__name__ = fn.name

    def __call__(self, *args, **kwargs):
        fn = self.function
        return _interpreter.run(fn.graph, fn._bind_args(args, dict(kwargs), self.owner))

    @property
    def graph(self):
        return self.function.graph

    @property
    def code(self):
        return self.function.code

    @property
    def schema(self):
        return self.function.schema

    def __repr__(self) -> str:
        return f"<bound ScriptMethod {self.name} of {type(self.owner).__name__}>"


class ScriptModule(Module):
    """The base class of compiled modules (``isinstance(m, ember.jit.ScriptModule)``)."""


class RecursiveScriptModule(ScriptModule):
    """A module whose methods are compiled graphs; see the module docstring."""

    def __init__(self, qualified_name: str = "__torch__.Module"):
        super().__init__()
        object.__setattr__(self, "_qualified_name", qualified_name)
        object.__setattr__(self, "_methods", {})
        object.__setattr__(self, "_attr_types", {})  # plain attributes: name -> JitType
        object.__setattr__(self, "_constants", {})  # Final constants: name -> value
        object.__setattr__(self, "_original_name", qualified_name.rsplit(".", 1)[-1])

    # construction ------------------------------------------------------------------------------
    def define_method(self, fn: ScriptFunction) -> None:
        self._methods[fn.name] = fn

    def set_attribute(self, name, value, type_: T.JitType | None = None) -> None:
        self._attr_types[name] = type_ if type_ is not None else T.type_of(value)
        object.__setattr__(self, name, value)

    def set_constant(self, name, value) -> None:
        self._constants[name] = value

    # calling -----------------------------------------------------------------------------------
    def forward(self, *args, **kwargs):
        fn = self._methods.get("forward")
        if fn is None:
            raise RuntimeError(f"Method 'forward' is not defined on {self._qualified_name}")
        return _interpreter.run(fn.graph, fn._bind_args(args, dict(kwargs), self))

    def invoke(self, name: str, *args, **kwargs):
        """Call the method ``name`` (``forward`` or an exported one) with ``args``."""
        fn = self._methods.get(name)
        if fn is None:
            raise RuntimeError(f"Method '{name}' is not defined on {self._qualified_name}")
        return _interpreter.run(fn.graph, fn._bind_args(args, dict(kwargs), self))

    def __getattribute__(self, name):
        # compiled methods shadow Module's own (``double``, ``float``, ...), as in torch
        if name[0] != "_" and name != "forward":
            methods = object.__getattribute__(self, "__dict__").get("_methods")
            if methods and name in methods:
                return methods[name].bind(self)
        return object.__getattribute__(self, name)

    def __getattr__(self, name):
        methods = self.__dict__.get("_methods")
        if methods is not None and name in methods:
            return methods[name].bind(self)
        consts = self.__dict__.get("_constants")
        if consts is not None and name in consts:
            return consts[name]
        return super().__getattr__(name)

    def __setattr__(self, name, value):
        types = self.__dict__.get("_attr_types")
        if types is not None and name in types and not isinstance(value, (Tensor, Module)):
            object.__setattr__(self, name, value)
            return
        super().__setattr__(name, value)

    def _method_names(self):
        return list(self._methods)

    # inspection -------------------------------------------------------------------------------
    @property
    def graph(self) -> _ir.Graph:
        return self._methods["forward"].graph

    @property
    def inlined_graph(self) -> _ir.Graph:
        return self.graph

    @property
    def code(self) -> str:
        if "forward" not in self._methods:
            return ""
        return self._methods["forward"].code

    @property
    def original_name(self) -> str:
        return self._original_name

    def save(self, f, _extra_files=None) -> None:
        """Write a TorchScript archive that ``torch.jit.load`` and libtorch read."""
        from ._archive_writer import save

        save(self, f, _extra_files)

    def _get_name(self):
        return self._original_name

    def extra_repr(self) -> str:
        return "original_name=" + self._original_name

    def __repr__(self) -> str:
        return Module.__repr__(self)


class CompilationUnit:
    """Functions compiled together; call them as attributes or with ``invoke``."""

    def __init__(self, lang: str | None = None, _frames_up: int = 0):
        self._functions: dict[str, ScriptFunction] = {}
        if lang is not None:
            self.define(lang, _frames_up=_frames_up + 1)

    def define(self, src: str, rcb=None, _frames_up: int = 0) -> None:
        try:
            from ._frontend import compile_source
        except ImportError as e:
            raise NotImplementedError(
                "ember.jit.CompilationUnit(source) needs the TorchScript front end "
                "(ember.jit._frontend.compile_source), which is not available"
            ) from e
        for fn in compile_source(src, self):
            self._functions[fn.name] = fn

    def add_function(self, fn: ScriptFunction) -> None:
        self._functions[fn.name] = fn

    def find_function(self, name: str):
        return self._functions.get(name)

    def get_functions(self):
        return list(self._functions.values())

    def invoke(self, name: str, *args, **kwargs):
        fn = self._functions.get(name)
        if fn is None:
            raise RuntimeError(f"no function named '{name}' in this CompilationUnit")
        return fn(*args, **kwargs)

    def __getattr__(self, name):
        fns = self.__dict__.get("_functions", {})
        if name in fns:
            return fns[name]
        raise AttributeError(f"'CompilationUnit' has no function '{name}'")


def is_scripting() -> bool:
    """True inside compiled code; ember runs compiled graphs, never Python, so False here."""
    return False


def is_tracing() -> bool:
    return C.state.tracer is not None


def _signature_names(fn):
    return list(inspect.signature(fn).parameters)
