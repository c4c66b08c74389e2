"""The ``code/`` files of a TorchScript archive -> class layouts and method graphs.

PyTorch prints every class and function of a saved module as Python-syntax
TorchScript (formats.md §2.5). This module parses those files with ``ast`` and
compiles each method with the shared compiler, in the archive's environment:
``torch.<op>`` and ``ops.aten.<op>`` are aten operators (``aten::<op>`` nodes,
run through :mod:`.schema`, with the version upgraders of §2.7), ``ops.prim.<op>``
prim operators, ``__torch__.<qualified>`` the archive's own classes and
functions, ``CONSTANTS.c<n>`` the entries of ``constants.pkl``, plus
``annotate``, ``unchecked_cast``, ``uninitialized``, ``inf``, ``nan`` and the
TorchScript builtins. The code is never executed as Python: a name that does
not resolve (``__import__``, ``eval``, ``os``), an attribute of a dunder name,
or an operator ember lacks fails while loading, with a message naming it.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field

from .. import _types as T
from .._script_module import RecursiveScriptModule, ScriptFunction
from . import schema
from .compiler import Builtin, Compiler, Sugar, is_tensor, num_result
from .errors import FrontendError, NotSupportedError, Source

_BUILTINS = {
    "range", "len", "int", "float", "bool", "str", "getattr", "isinstance", "print", "min",
    "max", "abs", "list", "tuple", "round", "sum", "any", "all", "divmod", "enumerate", "zip",
}  # fmt: skip
_CLASS_DUNDERS = {"__parameters__", "__buffers__", "__forward_pre_hooks__", "__forward_hooks__"}
# aten operators whose printed names are dunders
_ATEN_DUNDERS = {
    "__is__", "__isnot__", "__not__", "__contains__", "__getitem__", "__and__", "__or__",
    "__xor__", "__lshift__", "__rshift__", "__iand__", "__ior__", "__interpolate",
    "__round_to_zero_floordiv", "__upsample", "__upsample_bilinear", "__derive_index",
    "__range_length",
}  # fmt: skip

# functions of torch's own library whose archive copy ember replaces (no fused fast paths)
_OVERRIDES = {"__torch__.torch.backends.mha.get_fastpath_enabled": False}


@dataclass(frozen=True)
class NamedTupleType(T.TupleType):
    """A NamedTuple class of the archive: a tuple whose fields also have names."""

    qualname: str = ""
    names: tuple = ()

    def __str__(self):
        return self.qualname

    def code_str(self):
        return self.qualname


@dataclass
class ClassInfo:
    """One class of the archive: its layout and its methods."""

    qualname: str
    kind: str  # "Module", "NamedTuple", "Class", ...
    parameters: list = field(default_factory=list)
    buffers: list = field(default_factory=list)
    attributes: dict = field(default_factory=dict)  # name -> JitType, in slot order
    constants: dict = field(default_factory=dict)  # Final name -> value
    method_defs: dict = field(default_factory=dict)  # name -> ast.FunctionDef
    methods: dict = field(default_factory=dict)  # name -> ScriptFunction
    source: Source | None = None
    program: ArchiveProgram | None = None

    def method(self, name) -> ScriptFunction:
        """The compiled method ``name`` (compiled on first use)."""
        got = self.methods.get(name)
        if got is None:
            if name not in self.method_defs:
                raise RuntimeError(f"{self.qualname} has no method '{name}'")
            if name in self.methods:
                raise NotSupportedError(f"recursive method {self.qualname}.{name}")
            self.methods[name] = None
            got = self.methods[name] = self.program.compile_def(
                self.method_defs[name], self.source, f"{self.qualname}.{name}", self
            )
        return got

    def method_signature(self, name):
        fdef = self.method_defs.get(name)
        if fdef is None:
            raise RuntimeError(f"{self.qualname} has no method '{name}'")
        return self.program.signature(fdef, self.source, self)

    def compile_all(self):
        for name in self.method_defs:
            self.method(name)


class ArchiveProgram:
    """All classes and free functions of one archive's ``code/``."""

    def __init__(self, version: int, constants=()):
        self.version = version
        self.constants = tuple(constants)
        self.classes: dict[str, ClassInfo] = {}
        self.function_defs: dict[str, tuple] = {}  # qualname -> (FunctionDef, Source)
        self.functions: dict[str, ScriptFunction] = {}

    # parsing ---------------------------------------------------------------------------------
    def add_source(self, qualifier: str, text: str) -> None:
        src = Source(text, f"code/{qualifier.replace('.', '/')}.py")
        try:
            tree = ast.parse(text)
        except SyntaxError as e:
            raise RuntimeError(f"archive code {src.filename} is not valid: {e}") from None
        for st in tree.body:
            if isinstance(st, ast.ClassDef):
                self._add_class(qualifier, st, src)
            elif isinstance(st, ast.FunctionDef):
                self.function_defs[f"{qualifier}.{st.name}"] = (st, src)
            elif isinstance(st, (ast.Import, ast.ImportFrom)):
                continue
            elif (
                isinstance(st, ast.Assign)
                and len(st.targets) == 1
                and isinstance(st.targets[0], ast.Name)
                and st.targets[0].id == "op_version_set"
            ):
                continue
            else:
                raise NotSupportedError(
                    f"unexpected top-level statement in archive code {src.filename}", st, src
                )

    def _add_class(self, qualifier, cdef, src):
        qual = f"{qualifier}.{cdef.name}"
        bases = [ast.unparse(b) for b in cdef.bases]
        kind = bases[0] if bases else "Class"
        info = ClassInfo(qual, kind, source=src, program=self)
        for st in cdef.body:
            if isinstance(st, ast.FunctionDef):
                info.method_defs[st.name] = st
            elif isinstance(st, ast.Assign) and len(st.targets) == 1:
                tgt = st.targets[0]
                if isinstance(tgt, ast.Name) and tgt.id in _CLASS_DUNDERS:
                    names = _literal(st.value, src)
                    if tgt.id == "__parameters__":
                        info.parameters = list(names)
                    elif tgt.id == "__buffers__":
                        info.buffers = list(names)
                elif (
                    isinstance(tgt, ast.Subscript)
                    and isinstance(tgt.value, ast.Name)
                    and tgt.value.id == "__annotations__"
                ):
                    name = _literal(tgt.slice, src)
                    info.attributes[name] = self.parse_type(st.value, src)
                else:
                    raise NotSupportedError("unexpected assignment in a class body", st, src)
            elif isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name):
                ann = st.annotation
                name = st.target.id
                if isinstance(ann, ast.Subscript) and ast.unparse(ann.value) == "Final":
                    info.constants[name] = _literal(st.value, src) if st.value else None
                elif st.value is None:
                    info.attributes[name] = self.parse_type(ann, src)
                else:
                    info.constants[name] = _literal(st.value, src)
            elif isinstance(st, ast.Pass) or (
                isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant)
            ):
                continue
            else:
                raise NotSupportedError("unexpected statement in a class body", st, src)
        self.classes[qual] = info

    # types -----------------------------------------------------------------------------------
    def parse_type(self, node, src) -> T.JitType:
        text = ast.unparse(node)
        try:
            t = T.parse_type(text)
        except RuntimeError as e:
            raise FrontendError(str(e), node, src) from None
        return self._named(t)

    def _named(self, t):
        if isinstance(t, T.ClassType):
            info = self.classes.get(t.name)
            if info is not None and info.kind == "NamedTuple":
                names = tuple(info.attributes)
                elems = tuple(self._named(x) for x in info.attributes.values())
                return NamedTupleType(elems=elems, qualname=t.name, names=names)
            return t
        if isinstance(t, T.ListType):
            return T.ListType(self._named(t.elem))
        if isinstance(t, T.OptionalType):
            return T.OptionalType(self._named(t.elem))
        if isinstance(t, T.TupleType) and not isinstance(t, NamedTupleType):
            return T.TupleType(tuple(self._named(e) for e in t.elems))
        if isinstance(t, T.DictType):
            return T.DictType(t.key, self._named(t.value))
        return t

    # compiling -------------------------------------------------------------------------------
    def signature(self, fdef, src, cls=None):
        args = fdef.args.args
        start = 1 if cls is not None else 0
        names = [a.arg for a in args]
        types = []
        for a in args[start:]:
            types.append(T.Tensor if a.annotation is None else self.parse_type(a.annotation, src))
        defaults = {}
        dflt = fdef.args.defaults
        for a, d in zip(args[len(args) - len(dflt) :], dflt):
            defaults[a.arg] = _literal(d, src)
        ret = None if fdef.returns is None else self.parse_type(fdef.returns, src)
        return names, types, defaults, ret

    def compile_def(self, fdef, src, qualname, cls=None) -> ScriptFunction:
        names, types, defaults, ret = self.signature(fdef, src, cls)
        comp = ArchiveCompiler(self, src, qualname)
        self_entry = None
        if cls is not None:
            ct = T.ClassType(cls.qualname)
            self_entry = (names[0], ct, lambda v: ArchiveObject(v, cls))
        if qualname in _OVERRIDES:
            fdef = ast.parse(f"def f():\n  return {_OVERRIDES[qualname]!r}\n").body[0]
        g = comp.compile(fdef, types, self_entry=self_entry, return_type=ret)
        return ScriptFunction(
            fdef.name if qualname not in _OVERRIDES else qualname.rsplit(".", 1)[1],
            g,
            qualified_name=qualname,
            arg_names=names,
            defaults=defaults,
            return_type=ret or g.outputs[0].type,
            is_method=cls is not None,
        )

    def function(self, qualname, node=None, src=None) -> ScriptFunction:
        got = self.functions.get(qualname)
        if got is not None:
            return got
        if qualname not in self.function_defs:
            raise FrontendError(f"unknown function {qualname} in archive code", node, src)
        fdef, fsrc = self.function_defs[qualname]
        sf = self.compile_def(fdef, fsrc, qualname)
        self.functions[qualname] = sf
        return sf

    def compile_all(self):
        for info in self.classes.values():
            info.compile_all()
        for q in self.function_defs:
            self.function(q)

    # building modules ------------------------------------------------------------------------
    def build_module(self, qualname: str, state: dict, children=None) -> RecursiveScriptModule:
        """A RecursiveScriptModule of class ``qualname`` from its unpickled attribute dict.

        ``state`` maps every declared attribute to its value; submodule values must
        already be built modules (the archive reader builds bottom-up).
        """
        info = self.classes.get(qualname)
        if info is None:
            raise RuntimeError(f"archive code defines no class {qualname}")
        from ..._tensor import Tensor
        from ...nn.modules.module import Module
        from ...nn.parameter import Parameter

        sm = RecursiveScriptModule(qualname)
        for name, t in info.attributes.items():
            if name not in state:
                raise RuntimeError(
                    f"{qualname}: attribute '{name}' is declared but missing from data.pkl"
                )
            v = state[name]
            if name in info.parameters:
                if v is not None and not isinstance(v, Parameter):
                    v = Parameter(v, requires_grad=v.requires_grad)
                sm.register_parameter(name, v)
            elif name in info.buffers:
                sm.register_buffer(name, v)
            elif isinstance(v, Module):
                sm.add_module(name, v)
            elif name == "training":
                object.__setattr__(sm, "training", bool(v))
            elif isinstance(v, Tensor):
                sm.set_attribute(name, v, t)
            else:
                sm.set_attribute(name, v, t)
        for name, v in info.constants.items():
            sm.set_constant(name, v)
        info.compile_all()
        for sf in info.methods.values():
            sm.define_method(sf)
        if "forward" not in info.methods and "forward__0" in info.methods:
            sm.define_method(_renamed(info.methods["forward__0"], "forward"))
        return sm


def _renamed(sf, name):
    return ScriptFunction(
        name,
        sf.graph,
        qualified_name=sf.qualified_name,
        arg_names=sf.arg_names,
        defaults=sf.defaults,
        return_type=sf.return_type,
        is_method=sf.is_method,
    )


def _literal(node, src):
    """A literal of archive code (numbers incl. inf/nan, strings, tuples, lists, None)."""

    def conv(n):
        if isinstance(n, ast.Constant):
            return n.value
        if isinstance(n, ast.Name) and n.id in ("inf", "nan"):
            return float(n.id)
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
            return -conv(n.operand)
        if isinstance(n, ast.Tuple):
            return tuple(conv(e) for e in n.elts)
        if isinstance(n, ast.List):
            return [conv(e) for e in n.elts]
        if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Add, ast.Sub)):
            a, b = conv(n.left), conv(n.right)
            return a + b if isinstance(n.op, ast.Add) else a - b
        if isinstance(n, ast.Call) and ast.unparse(n.func) == "torch.device":
            import ember

            return ember.device(*[conv(a) for a in n.args])
        raise NotSupportedError("expected a literal", n, src)

    return conv(node)


# --- names in archive code --------------------------------------------------------------------


class AtenNS(Sugar):
    """``torch`` (and ``ops.aten``): attributes are aten operators."""

    allow_dunder = True

    def __init__(self, ns="aten"):
        self.ns = ns

    def describe(self):
        return "torch" if self.ns == "aten" else f"ops.{self.ns}"

    def attr(self, c, name, node):
        if name.startswith("__") and name not in _ATEN_DUNDERS:
            raise c.unsupported(f"access to the attribute '{name}'", node)
        return AtenOp(f"{self.ns}::{name}")


class OpsNS(Sugar):
    def describe(self):
        return "ops"

    def attr(self, c, name, node):
        if name in ("aten", "prim"):
            return AtenNS(name)
        raise c.error(f"Unknown builtin op namespace: ops.{name}", node)


class AtenOp(Sugar):
    def __init__(self, qualified):
        self.qualified = qualified

    def describe(self):
        return self.qualified

    def call(self, c, args, kwargs, node):
        return c.call_op(self.qualified, args, kwargs, node)


class QualNS(Sugar):
    """A prefix of a ``__torch__.a.b`` qualified name."""

    def __init__(self, path):
        self.path = path

    def describe(self):
        return self.path

    def attr(self, c, name, node):
        q = f"{self.path}.{name}"
        prog = c.program
        if q in prog.classes:
            return ClassRef(prog.classes[q])
        if q in prog.function_defs:
            return FunctionRef(q)
        return QualNS(q)

    def call(self, c, args, kwargs, node):
        raise c.error(f"unknown function or class {self.path} in archive code", node)


class FunctionRef(Sugar):
    def __init__(self, qualname):
        self.qualname = qualname

    def describe(self):
        return self.qualname

    def call(self, c, args, kwargs, node):
        sf = c.program.function(self.qualname, node, c.source)
        vals = c.bind(sf, args, kwargs, node)
        return c.env.block.call_function(sf, vals, (sf.return_type,))


class ClassRef(Sugar):
    def __init__(self, info):
        self.info = info

    def describe(self):
        return self.info.qualname

    def call(self, c, args, kwargs, node):
        if self.info.kind != "NamedTuple":
            raise c.unsupported(f"constructing objects of class {self.info.qualname}", node)
        vals = c.values(args, node)
        names = list(self.info.attributes)
        for n in names[len(vals) :]:
            if n not in kwargs:
                raise c.error(f"{self.info.qualname}() is missing field '{n}'", node)
            vals.append(c.value(kwargs[n], node))
        t = c.program.parse_type(ast.parse(self.info.qualname, mode="eval").body, c.source)
        return c.env.block.create("prim::TupleConstruct", vals, (t,)).outputs[0]


class ConstantsNS(Sugar):
    def describe(self):
        return "CONSTANTS"

    def attr(self, c, name, node):
        if not (name.startswith("c") and name[1:].isdigit()):
            raise c.error(f"unknown constant CONSTANTS.{name}", node)
        i = int(name[1:])
        if i >= len(c.program.constants):
            raise c.error(f"CONSTANTS.{name} is not in constants.pkl", node)
        return c.env.block.constant(c.program.constants[i])


class ArchiveObject(Sugar):
    """A module/class object of the archive inside a method (``self``, a submodule)."""

    def __init__(self, value, info):
        self.value = value
        self.info = info

    def describe(self):
        return self.info.qualname

    def as_value(self, c, node):
        return self.value

    def attr(self, c, name, node):
        info = self.info
        blk = c.env.block
        if name in info.attributes:
            t = info.attributes[name]
            v = blk.getattr(self.value, name, t)
            sub = c.program.classes.get(t.name) if isinstance(t, T.ClassType) else None
            if sub is not None:
                return ArchiveObject(v, sub)
            return v
        if name in info.constants:
            return blk.constant(info.constants[name])
        if name in info.method_defs:
            return ArchiveMethod(self, name)
        if name == "training":
            return blk.getattr(self.value, "training", T.Bool)
        raise c.error(f"{info.qualname} has no attribute '{name}'", node)


class ArchiveMethod(Sugar):
    def __init__(self, obj, name):
        self.obj = obj
        self.name = name

    def call(self, c, args, kwargs, node):
        info = self.obj.info
        names, types, defaults, ret = info.method_signature(self.name)
        vals = c.bind_names(names[1:], defaults, args, kwargs, node, self.name)
        if ret is None:
            ret = info.method(self.name).return_type
        return c.env.block.call_method(self.obj.value, self.name, vals, (ret,))


class Special(Sugar):
    """annotate / unchecked_cast / uninitialized."""

    raw_args = True

    def __init__(self, name):
        self.name = name

    def call_raw(self, c, node):
        blk = c.env.block
        t = c.program.parse_type(node.args[0], c.source)
        if self.name == "uninitialized":
            return blk.create("prim::Uninitialized", (), (t,)).outputs[0]
        v = c.expr(node.args[1], expected=t)
        v = c.value(v, node)
        if self.name == "unchecked_cast":
            return blk.create("prim::unchecked_cast", [v], (t,)).outputs[0]
        if (
            isinstance(t, T.ListType)
            and v.node is not None
            and v.node.kind == "prim::ListConstruct"
        ):
            v.type = t
        elif (
            isinstance(t, T.DictType)
            and v.node is not None
            and v.node.kind == "prim::DictConstruct"
        ):
            v.type = t
        return v


# --- the compiler ----------------------------------------------------------------------------


class ArchiveCompiler(Compiler):
    def __init__(self, program, source, qualname):
        super().__init__(source, qualname)
        self.program = program

    def resolve_global(self, name, node):
        if name == "torch":
            return AtenNS("aten")
        if name == "ops":
            return OpsNS()
        if name == "__torch__":
            return QualNS("__torch__")
        if name == "CONSTANTS":
            return ConstantsNS()
        if name in ("annotate", "unchecked_cast", "uninitialized"):
            return Special(name)
        if name in ("inf", "nan"):
            return self.env.block.constant(float(name))
        if name in _BUILTINS:
            return Builtin(name)
        raise self.error(f"undefined value {name} in archive code", node)

    def resolve_type(self, ann, node):
        return self.program.parse_type(ann, self.source)

    def isinstance_types(self, node):
        if isinstance(node, ast.Tuple):
            return tuple(x for e in node.elts for x in self.isinstance_types(e))
        return (self.resolve_type(node, node),)

    def expr_Attribute(self, e):
        base = self.expr(e.value)
        if isinstance(base, AtenNS):
            return base.attr(self, e.attr, e)
        if e.attr.startswith("__"):
            raise self.unsupported(f"access to the attribute '{e.attr}'", e)
        if isinstance(base, Sugar):
            return base.attr(self, e.attr, e)
        t = base.type
        if isinstance(t, NamedTupleType) and e.attr in t.names:
            i = t.names.index(e.attr)
            idx = self.env.block.constant(i)
            return self.env.block.create("prim::TupleIndex", [base, idx], (t.elems[i],)).outputs[0]
        return self.attr_of_value(self.env, base, e.attr, e)

    def tensor_method(self, value, name, vals, kw, node):
        """``x.view(...)`` in archive code is the aten operator with ``x`` first."""
        return self.call_op(f"aten::{name}", [value, *vals], kw, node)

    # calls ---------------------------------------------------------------------------------
    def call_op(self, qualified, args, kwargs, node):
        blk = self.env.block
        s = schema.lookup(qualified, self.program.version)
        if s is None:
            raise self.error(
                f"Unknown builtin op: {qualified}. ember does not implement this operator", node
            )
        vals = self.values(args, node)
        kw = self.kw_values(kwargs, node)
        out = self.result_type(s, qualified, vals, kw)
        attrs = {}
        base = schema.TABLE.get(qualified)
        if base is not None and base.bump > self.program.version:
            attrs["version"] = self.program.version
        schema.install_kind(qualified)
        if qualified in ("prim::RaiseException",):
            blk.create(qualified, vals, ())
            return blk.constant(None)
        n = blk.create(qualified, [*vals, *kw.values()], (out,), attrs, kwnames=tuple(kw))
        return n.outputs[0]

    def result_type(self, s, qualified, vals, kw):
        ret = s.ret
        types = [v.type for v in vals]
        name = qualified.split("::")[1]
        any_tensor = any(is_tensor(t) for t in types)
        if name == "size":
            return T.Int if len(vals) > 1 else T.List(T.Int)
        if name in ("max", "min") and any_tensor and len(vals) >= 2 and types[1] == T.Int:
            return T.Tuple(T.Tensor, T.Tensor)
        if ret == "num":
            if any_tensor:
                return T.Tensor
            if len(types) >= 2:
                return num_result(types[0], types[1], name)
            return types[0] if types else T.Number
        if ret == "float":
            return T.Tensor if any_tensor else T.Float
        if ret == "cmp":
            return T.Tensor if any_tensor else T.Bool
        if ret == "same":
            return types[0] if types else T.Any
        if ret == "elem":
            t = types[0] if types else T.Any
            if isinstance(t, T.ListType):
                return t.elem
            if isinstance(t, T.DictType):
                return t.value
            return T.Any
        if ret == "List":
            return T.List(T.Any)
        try:
            return T.parse_type(ret)
        except RuntimeError:
            return T.Any

    def bind(self, sf, args, kwargs, node):
        names = sf.arg_names[1:] if sf.is_method else sf.arg_names
        return self.bind_names(names, sf.defaults, args, kwargs, node, sf.name)

    def bind_names(self, names, defaults, args, kwargs, node, fname):
        vals = self.values(args, node)
        kw = self.kw_values(kwargs, node)
        out = list(vals)
        for n in names[len(vals) :]:
            if n in kw:
                out.append(kw.pop(n))
            elif n in defaults:
                out.append(self.env.block.constant(defaults[n]))
            else:
                raise self.error(f"{fname}() is missing value for argument '{n}'", node)
        if kw or len(out) > len(names):
            raise self.error(f"{fname}() got unexpected arguments", node)
        return out


def compile_archive_classes(sources: dict, version: int, constants=()) -> ArchiveProgram:
    """Parse every ``code/`` file (qualifier -> text) of an archive; see the package docstring.

    Every method and function is compiled here, so an archive that uses an
    operator ember lacks fails now, naming the operator.
    """
    if not isinstance(version, int) or not 1 <= version <= 10:
        raise RuntimeError(
            f"TorchScript archive version {version} is not supported (supported: 1 to 10)"
        )
    prog = ArchiveProgram(version, constants)
    for q, text in sources.items():
        prog.add_source(q, text)
    prog.compile_all()
    return prog


_ = math
