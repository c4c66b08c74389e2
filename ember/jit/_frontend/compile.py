"""``ember.jit.compile(source)`` / ``CompilationUnit(source)``: functions from TorchScript text.

The source is parsed with ``ast`` and every top-level ``def`` is compiled (never
executed as Python). Inside it ``torch`` and ``ember`` name ember's functions,
``typing`` names (``List``, ``Optional``, ...) are known, and the functions of
the same source call one another by name.
"""

from __future__ import annotations

import ast
import math
import typing

import ember

from .._script_module import ScriptFunction
from .errors import NotSupportedError, Source
from .script import Builder, PyObj, ScriptCompiler, _signature


class _SourceFunction(PyObj):
    def __init__(self, unit, name):
        super().__init__(None)
        self.unit = unit
        self.name = name

    def describe(self):
        return f"function {self.name}"

    def call(self, c, args, kwargs, node):
        sf = self.unit.get(self.name, node)
        vals = c.bind_call(sf, args, kwargs, node)
        return c.env.block.call_function(sf, vals, (sf.return_type,))


class _Unit:
    def __init__(self, text, cu, filename):
        self.source = Source(text, filename)
        self.defs = {}
        self.done = {}
        self.cu = cu
        tree = ast.parse(text)
        for st in tree.body:
            if isinstance(st, ast.FunctionDef):
                self.defs[st.name] = st
            elif isinstance(st, (ast.Import, ast.ImportFrom)):
                continue
            elif isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant):
                continue
            else:
                raise NotSupportedError(
                    "only function definitions are supported at the top level of compiled "
                    "source", st, self.source)  # fmt: skip
        self.builder = Builder()
        self.globals = {"torch": ember, "ember": ember, "math": math, "Tensor": ember.Tensor}
        for n in ("List", "Dict", "Tuple", "Optional", "Union", "Any", "Final"):
            self.globals[n] = getattr(typing, n)

    def get(self, name, node=None):
        if name in self.done:
            sf = self.done[name]
            if sf is None:
                raise NotSupportedError(f"recursive call to {name} is not supported", node,
                                        self.source)  # fmt: skip
            return sf
        existing = self.cu.find_function(name) if self.cu is not None else None
        if existing is not None and name not in self.defs:
            return existing
        self.done[name] = None
        fdef = self.defs[name]
        comp = _UnitCompiler(self, name)
        names, tys, defaults = [], [], {}
        for a in fdef.args.args:
            names.append(a.arg)
            tys.append(ember.Tensor if a.annotation is None else None)
        tys = [comp.resolve_type(a.annotation, a) if a.annotation is not None else _tensor()
               for a in fdef.args.args]  # fmt: skip
        for a, d in zip(fdef.args.args[len(fdef.args.args) - len(fdef.args.defaults):],
                        fdef.args.defaults):  # fmt: skip
            if not isinstance(d, (ast.Constant, ast.UnaryOp, ast.Tuple, ast.List)):
                raise NotSupportedError("default values must be literals", d, self.source)
            defaults[a.arg] = ast.literal_eval(d)
        ret = None if fdef.returns is None else comp.resolve_type(fdef.returns, fdef.returns)
        g = comp.compile(fdef, tys, return_type=ret)
        sf = ScriptFunction(name, g, qualified_name=f"__torch__.{name}", arg_names=names,
                            defaults=defaults, return_type=ret or g.outputs[0].type,
                            is_method=False)  # fmt: skip
        self.done[name] = sf
        return sf


def _tensor():
    from .. import _types as T

    return T.Tensor


class _UnitCompiler(ScriptCompiler):
    def __init__(self, unit, name):
        super().__init__(unit.source, f"__torch__.{name}", unit.globals, unit.builder)
        self.unit = unit

    def resolve_global(self, name, node):
        if name in self.unit.defs:
            return _SourceFunction(self.unit, name)
        if self.unit.cu is not None and self.unit.cu.find_function(name) is not None:
            return PyObj(self.unit.cu.find_function(name))
        return super().resolve_global(name, node)


def compile_source(src: str, cu=None, filename: str = "<string>") -> list:
    """Compile every function of ``src``; returns their ScriptFunctions in source order."""
    unit = _Unit(src, cu, filename)
    return [unit.get(name) for name in unit.defs]


_ = _signature
