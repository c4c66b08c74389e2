"""``ember.jit.script``: compile Python functions and nn.Modules from their source.

Names in a function resolve in its globals and closure, as TorchScript resolves
them: ember functions become ``call::`` nodes, Tensor methods ``method::`` nodes,
other Python functions are compiled recursively (``@ember.jit.ignore`` ones are
called as Python, ``@ember.jit.unused`` ones raise), submodules are called with
``prim::CallMethod``. A module is scripted recursively: its parameters, buffers
and submodules are shared with the original (as in PyTorch), plain attributes get
a TorchScript type inferred from their value, ``Final`` / ``__constants__``
attributes are inlined as constants, and ``forward`` plus every ``@export``
method and every method they call are compiled.
"""

from __future__ import annotations

import ast
import builtins
import functools
import inspect
import textwrap
import types
import typing

import ember

from .. import _ir
from .. import _types as T
from .._script_module import RecursiveScriptModule, ScriptFunction
from .compiler import Builtin, Compiler, Sugar, TypeSugar, Unrolled
from .errors import FrontendError, NotSupportedError, Source

_BUILTIN_NAMES = {
    "len", "range", "enumerate", "zip", "int", "float", "bool", "str", "min", "max", "abs",
    "isinstance", "print", "getattr", "hasattr", "list", "tuple", "round", "sum", "any", "all",
    "divmod",
}  # fmt: skip

# ember functions whose result is not one Tensor
_FN_TYPES = {
    "chunk": T.List(T.Tensor), "split": T.List(T.Tensor), "unbind": T.List(T.Tensor),
    "tensor_split": T.List(T.Tensor), "is_tensor": T.Bool, "is_floating_point": T.Bool,
    "numel": T.Int, "is_grad_enabled": T.Bool, "meshgrid": T.List(T.Tensor),
    "broadcast_tensors": T.List(T.Tensor), "sort": T.Tuple(T.Tensor, T.Tensor),
    "topk": T.Tuple(T.Tensor, T.Tensor), "lstm_cell": T.Tuple(T.Tensor, T.Tensor),
}  # fmt: skip


@functools.cache
def _ember_paths():
    """id(function) -> its public path under ``ember`` (``add``, ``nn.functional.relu``)."""
    import ember.fft
    import ember.linalg
    import ember.nn.functional

    out = {}
    for prefix, mod in (("nn.functional.", ember.nn.functional), ("linalg.", ember.linalg),
                        ("fft.", ember.fft), ("", ember)):  # fmt: skip
        for name in dir(mod):
            if name.startswith("_"):
                continue
            obj = getattr(mod, name)
            if callable(obj) and not isinstance(obj, type):
                out[id(obj)] = prefix + name
    return out


def pytype_to_jit(t) -> T.JitType:
    """A Python annotation object (``ember.Tensor``, ``Optional[int]``, ...) as a JitType."""
    if t is inspect.Parameter.empty or t is None and False:
        return T.Tensor
    if t is None or t is type(None):
        return T.NoneType
    if isinstance(t, str):
        return T.parse_type(t.replace("torch.Tensor", "Tensor").replace("ember.Tensor", "Tensor"))
    if t is ember.Tensor or (isinstance(t, type) and issubclass(t, ember.Tensor)):
        return T.Tensor
    simple = {int: T.Int, float: T.Float, bool: T.Bool, str: T.Str, complex: T.Complex}
    if t in simple:
        return simple[t]
    if isinstance(t, ember.device) or t is ember.device:
        return T.Device
    origin, args = typing.get_origin(t), typing.get_args(t)
    if origin in (list, list):
        return T.List(pytype_to_jit(args[0]) if args else T.Any)
    if origin in (tuple, tuple):
        if len(args) == 1 and args[0] == ():
            return T.TupleType(())
        return T.TupleType(tuple(pytype_to_jit(a) for a in args))
    if origin in (dict, dict):
        return T.Dict(pytype_to_jit(args[0]), pytype_to_jit(args[1]))
    if origin is typing.Union or type(t).__name__ == "UnionType":
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2:
            return T.Optional(pytype_to_jit(rest[0]))
        return T.Any
    if origin is typing.Final:
        return pytype_to_jit(args[0]) if args else T.Any
    if t is typing.Any:
        return T.Any
    raise RuntimeError(f"Unknown type annotation: '{t}'")


class PyObj(Sugar):
    """A Python object reached by name in script mode (a module, function, class, constant)."""

    def __init__(self, obj):
        self.obj = obj

    def describe(self):
        return repr(self.obj)

    def attr(self, c, name, node):
        try:
            return c.wrap(getattr(self.obj, name), node)
        except AttributeError:
            raise c.error(f"'{self.describe()}' has no attribute '{name}'", node) from None

    @property
    def raw_args(self):
        from .. import annotate

        return self.obj is annotate

    def call_raw(self, c, node):
        t = c.resolve_type(node.args[0], node)
        v = c.expr(node.args[1], expected=t)
        v = c.value(v, node)
        if v.node is not None and v.node.kind in ("prim::ListConstruct", "prim::DictConstruct"):
            v.type = t
        return c.coerce(v, t, node)

    def call(self, c, args, kwargs, node):
        return c.call_python(self.obj, args, kwargs, node)


class ModuleRef(Sugar):
    """``self`` or a submodule inside a method: attributes are read with prim::GetAttr."""

    def __init__(self, value, module, builder):
        self.value = value
        self.module = module
        self.builder = builder

    def describe(self):
        return f"module {type(self.module).__name__}"

    def attr(self, c, name, node):
        m = self.module
        blk = c.env.block
        info = self.builder.info(m)
        if name in info.constants:
            return blk.constant(info.constants[name])
        if name in m._parameters or name in m._buffers:
            t = m._parameters.get(name, m._buffers.get(name))
            jt = T.Tensor if t is not None else T.Optional(T.Tensor)
            return blk.getattr(self.value, name, jt)
        if name in m._modules:
            sub = m._modules[name]
            if sub is None:
                return blk.constant(None)
            v = blk.getattr(self.value, name, T.ClassType(self.builder.qualname(sub)))
            return ModuleRef(v, sub, self.builder)
        if name == "training":
            return blk.getattr(self.value, "training", T.Bool)
        fn = getattr(type(m), name, None)
        if callable(fn) and isinstance(fn, types.FunctionType):
            if getattr(fn, "_ember_jit_ignore", False):
                return PyObj(getattr(m, name))
            return MethodRef(self, name, fn)
        if isinstance(fn, property):
            raise c.unsupported(f"properties ('{name}')", node)
        if name in m.__dict__:
            val = m.__dict__[name]
            t = info.attr_type(name, val)
            if t is None:
                raise c.unsupported(
                    f"Module '{type(m).__name__}' has no attribute '{name}' of a supported type "
                    f"({type(val).__name__})", node)  # fmt: skip
            return blk.getattr(self.value, name, t)
        raise c.error(f"Module '{type(m).__name__}' has no attribute '{name}'", node)

    def call(self, c, args, kwargs, node):
        return MethodRef(self, "forward", type(self.module).forward).call(c, args, kwargs, node)

    def has_attr(self, name):
        m = self.module
        if name in m._parameters or name in m._buffers or name in m._modules:
            return True
        if name in self.builder.info(m).constants or name == "training":
            return True
        return name in m.__dict__ or hasattr(type(m), name)

    def iter_items(self, c, node):
        from ...nn.modules.container import ModuleDict, ModuleList, Sequential

        m = self.module
        if isinstance(m, (ModuleList, Sequential)):
            return [self.attr(c, k, node) for k in m._modules]
        if isinstance(m, ModuleDict):
            return [blk_const for blk_const in (c.env.block.constant(k) for k in m._modules)]
        raise c.unsupported(f"iterating over module {type(m).__name__}", node)

    def subscript(self, c, sl, node):
        if isinstance(sl, ast.Constant) and isinstance(sl.value, (int, str)):
            keys = list(self.module._modules)
            k = sl.value
            if isinstance(k, int):
                k = keys[k]
            return self.attr(c, str(k), node)
        raise c.unsupported("indexing a module container with a non-literal", node)

    def as_value(self, c, node):
        return self.value


class MethodRef(Sugar):
    def __init__(self, owner, name, fn):
        self.owner = owner
        self.name = name
        self.fn = fn

    def call(self, c, args, kwargs, node):
        m = self.owner.module
        builder = self.owner.builder
        if getattr(self.fn, "_ember_jit_unused", False):
            blk = c.env.block
            blk.raise_(blk.constant(f"{self.name} is marked @unused"), "builtins.RuntimeError")
            return blk.create("prim::Uninitialized", (), (T.Any,)).outputs[0]
        sf = builder.method(m, self.name, node, c)
        vals = c.bind_call(sf, args, kwargs, node, skip_self=True)
        if sf is None:  # a plain (unscriptable) ember module: run its Python forward
            return c.env.block.call_method(self.owner.value, self.name, vals, (T.Any,))
        outs = (sf.return_type,)
        return c.env.block.call_method(self.owner.value, self.name, vals, outs)


class ScriptCompiler(Compiler):
    def __init__(self, source, qualname, globals_, builder):
        super().__init__(source, qualname)
        self.globals = globals_
        self.builder = builder

    # names -------------------------------------------------------------------------------
    def resolve_global(self, name, node):
        if name in self.globals:
            return self.wrap(self.globals[name], node)
        if name in _BUILTIN_NAMES:
            return Builtin(name)
        if hasattr(builtins, name):
            raise self.unsupported(
                f"Python builtin {getattr(builtins, name)!r} is currently not supported in "
                "TorchScript", node)  # fmt: skip
        raise self.error(f"undefined value {name}", node)

    def wrap(self, obj, node):
        blk = self.env.block
        if obj is None or isinstance(
            obj, (bool, int, float, str, complex, ember.dtype, ember.device)
        ):
            return blk.constant(obj)
        if obj in _BUILTIN_FNS:
            return Builtin(_BUILTIN_FNS[obj])
        if isinstance(obj, (types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
                            type, ScriptFunction, functools.partial)) or callable(obj):  # fmt: skip
            return PyObj(obj)
        if isinstance(obj, tuple) and all(isinstance(x, (int, float, bool, str)) for x in obj):
            return blk.constant(obj)
        raise self.unsupported(f"Python value of type '{type(obj).__name__}' cannot be used as a "
                               "value", node)  # fmt: skip

    def resolve_type(self, ann, node):
        try:
            return self._type_from_ast(ann)
        except (RuntimeError, KeyError, AttributeError, TypeError) as e:
            raise self.error(f"Unknown type annotation: '{ast.unparse(ann)}' ({e})", node) from None

    def _type_from_ast(self, ann):
        if isinstance(ann, ast.Constant):
            if ann.value is None:
                return T.NoneType
            if isinstance(ann.value, str):
                return self._type_from_ast(ast.parse(ann.value, mode="eval").body)
        if isinstance(ann, ast.Subscript):
            head = self._py_of(ann.value)
            sl = ann.slice
            args = list(sl.elts) if isinstance(sl, ast.Tuple) else [sl]
            arg_types = [self._type_from_ast(a) for a in args]
            name = getattr(head, "_name", None) or getattr(head, "__name__", "")
            if head is list or name == "List":
                return T.List(arg_types[0])
            if head is tuple or name == "Tuple":
                return T.TupleType(tuple(arg_types))
            if head is dict or name == "Dict":
                return T.Dict(arg_types[0], arg_types[1])
            if name == "Optional":
                return T.Optional(arg_types[0])
            if name == "Final":
                return arg_types[0]
            if name == "Union":
                rest = [t for t in arg_types if t != T.NoneType]
                return T.Optional(rest[0]) if len(rest) == 1 else T.Any
            raise RuntimeError(f"unsupported generic {name}")
        if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
            a, b = self._type_from_ast(ann.left), self._type_from_ast(ann.right)
            if b == T.NoneType:
                return T.Optional(a)
            if a == T.NoneType:
                return T.Optional(b)
            return T.Any
        return pytype_to_jit(self._py_of(ann))

    def _py_of(self, node):
        if isinstance(node, ast.Name):
            if node.id in self.globals:
                return self.globals[node.id]
            return getattr(builtins, node.id, None) or {"Tensor": ember.Tensor}[node.id]
        if isinstance(node, ast.Attribute):
            return getattr(self._py_of(node.value), node.attr)
        if isinstance(node, ast.Constant) and node.value is None:
            return None
        raise RuntimeError(f"cannot resolve {ast.unparse(node)}")

    def isinstance_types(self, node):
        if isinstance(node, ast.Tuple):
            return tuple(x for e in node.elts for x in self.isinstance_types(e))
        return (self.resolve_type(node, node),)

    # calls -------------------------------------------------------------------------------
    def call_python(self, obj, args, kwargs, node):
        blk = self.env.block
        from .. import is_scripting, is_tracing

        if obj is is_scripting:
            return blk.constant(True)
        if obj is is_tracing:
            return blk.constant(False)
        if isinstance(obj, ScriptFunction):
            vals = self.bind_call(obj, args, kwargs, node)
            return blk.call_function(obj, vals, (obj.return_type,))
        if isinstance(obj, type) and issubclass(obj, BaseException):
            raise self.unsupported("exception objects outside raise", node)
        path = _ember_paths().get(id(obj))
        if path is not None:
            vals = self.values(args, node)
            kw = self.kw_values(kwargs, node)
            base = path.rsplit(".", 1)[-1]
            out = _FN_TYPES.get(base, T.Tensor)
            if (
                base in ("max", "min")
                and len(vals) + len(kw) >= 2
                and (len(vals) < 2 or vals[1].type == T.Int)
            ):
                out = T.Tuple(T.Tensor, T.Tensor)
            return blk.call(path, [*vals, *kw.values()], kwnames=tuple(kw), out_types=(out,))
        if isinstance(obj, types.FunctionType):
            if getattr(obj, "_ember_jit_unused", False):
                blk.raise_(
                    blk.constant(f"{obj.__name__} is marked @unused"), "builtins.RuntimeError"
                )
                return blk.create("prim::Uninitialized", (), (T.Any,)).outputs[0]
            if getattr(obj, "_ember_jit_ignore", False):
                vals = self.values(args, node) + list(self.kw_values(kwargs, node).values())
                if kwargs:
                    raise self.unsupported("keyword arguments to an @ignore'd function", node)
                ret = _return_type_of(obj)
                return blk.call_function(_PythonCall(obj), vals, (ret,))
            sf = self.builder.function(obj, node, self)
            vals = self.bind_call(sf, args, kwargs, node)
            return blk.call_function(sf, vals, (sf.return_type,))
        if isinstance(obj, types.ModuleType):
            raise self.error(f"module '{obj.__name__}' is not callable", node)
        raise self.unsupported(f"Python function {obj!r} is currently not supported in "
                               "TorchScript", node)  # fmt: skip

    def bind_call(self, sf, args, kwargs, node, skip_self=False):
        """Positional + keyword arguments of a call to ``sf`` in its parameter order."""
        vals = self.values(args, node)
        kw = self.kw_values(kwargs, node)
        if sf is None:
            if kw:
                raise self.unsupported("keyword arguments to a Python module", node)
            return vals
        names = sf.arg_names[1:] if sf.is_method else sf.arg_names
        out = list(vals)
        for name in names[len(vals) :]:
            if name in kw:
                out.append(kw.pop(name))
            elif name in sf.defaults:
                out.append(self.env.block.constant(sf.defaults[name]))
            else:
                raise self.error(f"{sf.name}() is missing value for argument '{name}'", node)
        if kw:
            raise self.error(f"{sf.name}() got an unexpected keyword argument '{next(iter(kw))}'",
                             node)  # fmt: skip
        if len(out) > len(names):
            raise self.error(f"{sf.name}() expected at most {len(names)} argument(s) but "
                             f"received {len(out)}", node)  # fmt: skip
        return out


_BUILTIN_FNS = {getattr(builtins, n): n for n in _BUILTIN_NAMES}


class _PythonCall:
    """An ``@ignore``'d Python function called from compiled code."""

    def __init__(self, fn):
        self.fn = fn
        self.qualified_name = f"__torch__.{fn.__qualname__}"
        self.graph = None

    def __call__(self, *args):
        return self.fn(*args)


def _return_type_of(fn):
    ann = inspect.signature(fn).return_annotation
    if ann is inspect.Signature.empty:
        return T.Tensor
    try:
        return pytype_to_jit(ann)
    except RuntimeError:
        return T.Any


# --- sources ---------------------------------------------------------------------------------


def _parse(fn):
    fn = inspect.unwrap(fn)
    try:
        lines, start = inspect.getsourcelines(fn)
    except (OSError, TypeError) as e:
        raise RuntimeError(
            f"Can't get source for {fn!r}. TorchScript requires source access in order to "
            "carry out compilation."
        ) from e
    text = textwrap.dedent("".join(lines))
    tree = ast.parse(text)
    fdef = tree.body[0]
    if not isinstance(fdef, ast.FunctionDef):
        raise NotSupportedError(f"expected a function definition for {fn!r}")
    filename = inspect.getsourcefile(fn) or "<unknown>"
    return fdef, Source(text, filename, start - 1)


def _globals_of(fn):
    fn = inspect.unwrap(fn)
    g = dict(fn.__globals__)
    if fn.__closure__:
        for name, cell in zip(fn.__code__.co_freevars, fn.__closure__):
            try:
                g[name] = cell.cell_contents
            except ValueError:
                pass
    return g


def _signature(fn, fdef, comp, skip_self):
    """(arg names, arg types, defaults, return type) of ``fn``."""
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    args = fdef.args.args
    names, types_, defaults = [], [], {}
    for i, (p, a) in enumerate(zip(params, args)):
        if skip_self and i == 0:
            names.append(p.name)
            continue
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            raise comp.unsupported("variable number of arguments", a)
        names.append(p.name)
        t = T.Tensor if a.annotation is None else comp.resolve_type(a.annotation, a)
        if p.default is not inspect.Parameter.empty:
            defaults[p.name] = p.default
            if a.annotation is None and p.default is not None:
                t = T.type_of(p.default)
        types_.append(t)
    ret = None if fdef.returns is None else comp.resolve_type(fdef.returns, fdef.returns)
    return names, types_, defaults, ret


class Builder:
    """Scripts modules and functions, caching each so recursion and sharing work."""

    def __init__(self):
        self.functions = {}
        self.modules = {}  # id(module) -> RecursiveScriptModule
        self.infos = {}
        self.pending = []  # (module, method name) still to compile

    # functions -------------------------------------------------------------------------------
    def function(self, fn, node=None, caller=None):
        key = fn
        if key in self.functions:
            sf = self.functions[key]
            if sf is None:
                raise NotSupportedError("recursive functions are not supported in TorchScript")
            return sf
        self.functions[key] = None
        fdef, src = _parse(fn)
        qual = f"__torch__.{_qual_module(fn.__module__)}{fn.__qualname__}".replace(".<locals>", "")
        comp = ScriptCompiler(src, qual, _globals_of(fn), self)
        names, tys, defaults, ret = _signature(fn, fdef, comp, False)
        g = comp.compile(fdef, tys, return_type=ret)
        sf = ScriptFunction(fn.__name__, g, qualified_name=qual, arg_names=names,
                            defaults=defaults, return_type=ret or g.outputs[0].type,
                            is_method=False)  # fmt: skip
        self.functions[key] = sf
        return sf

    # modules -----------------------------------------------------------------------------------
    def qualname(self, m):
        cls = type(m)
        return f"__torch__.{_qual_module(cls.__module__)}{cls.__qualname__}".replace(
            ".<locals>", ""
        )

    def info(self, m):
        i = self.infos.get(id(m))
        if i is None:
            i = self.infos[id(m)] = _ModuleInfo(m)
        return i

    def module(self, m):
        if isinstance(m, RecursiveScriptModule):
            return m
        got = self.modules.get(id(m))
        if got is not None:
            return got
        sm = RecursiveScriptModule(self.qualname(m))
        self.modules[id(m)] = sm
        info = self.info(m)
        info.script = sm
        for name, p in m._parameters.items():
            sm.register_parameter(name, p)
        for name, b in m._buffers.items():
            sm.register_buffer(name, b, persistent=name not in m._non_persistent_buffers_set)
        for name, sub in m._modules.items():
            sm.add_module(name, None if sub is None else self.module(sub))
        sm.train(m.training)
        for name, v in info.constants.items():
            sm.set_constant(name, v)
        object.__setattr__(sm, "_ember_original", m)
        entry = ["forward"] if _has_own_forward(m) else []
        for name in dir(type(m)):
            f = getattr(type(m), name, None)
            if getattr(f, "_ember_jit_export", False):
                entry.append(name)
        for name in entry:
            self.method(m, name)
        return sm

    def method(self, m, name, node=None, caller=None):
        info = self.info(m)
        if name in info.methods:
            return info.methods[name]
        sm = self.module(m) if info.script is None else info.script
        fn = getattr(type(m), name)
        info.methods[name] = None
        from . import library

        canned = library.source_for(m, name)
        try:
            if canned is not None:
                fdef, src = canned
                comp = library.LibraryCompiler(src, f"{self.qualname(m)}.{name}",
                                               library.GLOBALS, self)  # fmt: skip
                names, tys, defaults, ret = library.signature(fdef, comp)
            else:
                fdef, src = _parse(fn)
                comp = ScriptCompiler(src, f"{self.qualname(m)}.{name}", _globals_of(fn), self)
                names, tys, defaults, ret = _signature(fn, fdef, comp, True)
            self_entry = (names[0], T.ClassType(self.qualname(m)),
                          lambda v: ModuleRef(v, m, self))  # fmt: skip
            g = comp.compile(fdef, tys, self_entry=self_entry, return_type=ret)
        except (FrontendError, RuntimeError):
            if type(m).__module__.startswith("ember.") and caller is not None:
                info.methods[name] = None
                info.opaque = True
                return None
            raise
        sf = ScriptFunction(name, g, qualified_name=f"{self.qualname(m)}.{name}",
                            arg_names=names, defaults=defaults,
                            return_type=ret or g.outputs[0].type, is_method=True)  # fmt: skip
        info.methods[name] = sf
        sm.define_method(sf)
        for aname, (val, t) in info.used_attrs.items():
            if aname not in sm._attr_types:
                sm.set_attribute(aname, val, t)
        return sf


def _has_own_forward(m):
    from ...nn.modules.module import Module

    f = getattr(type(m), "forward", None)
    return f is not None and f is not getattr(Module, "forward", None)


def _qual_module(modname):
    if modname in ("__main__", "builtins") or not modname:
        return ""
    if modname.startswith("ember."):
        modname = "torch." + modname[len("ember.") :]
    return modname + "."


class _ModuleInfo:
    """What the compiler learned about one Python module instance."""

    def __init__(self, m):
        self.module = m
        self.methods = {}
        self.script = None
        self.opaque = False
        self.used_attrs = {}
        consts = set(getattr(type(m), "__constants__", ()) or ())
        hints = {}
        for klass in reversed(type(m).__mro__):
            hints.update(getattr(klass, "__annotations__", {}) or {})
        for name, h in hints.items():
            if (
                typing.get_origin(h) is typing.Final
                or h is typing.Final
                or (
                    isinstance(h, str)
                    and h.startswith(("Final", "ember.jit.Final", "torch.jit.Final"))
                )
            ):
                consts.add(name)
        self.hints = hints
        self.constants = {}
        for name in consts:
            if name in m.__dict__:
                v = m.__dict__[name]
            elif hasattr(type(m), name) and not callable(getattr(type(m), name)):
                v = getattr(type(m), name)
            else:
                continue
            if isinstance(v, list):
                v = tuple(v)
            self.constants[name] = v

    def attr_type(self, name, val):
        h = self.hints.get(name)
        t = None
        if h is not None and not isinstance(h, str):
            try:
                t = pytype_to_jit(h)
            except RuntimeError:
                t = None
        if t is None:
            t = T.type_of(val)
            if t == T.Any or (isinstance(t, T.ListType) and t.elem == T.Any):
                return None
        self.used_attrs[name] = (val, t)
        return t


def script(obj):
    """``ember.jit.script`` for a function or an nn.Module instance."""
    from ...nn.modules.module import Module

    b = Builder()
    if isinstance(obj, Module):
        return b.module(obj)
    if isinstance(obj, type):
        raise NotSupportedError(
            "ember.jit.script of a class is not supported; script an instance of a Module"
        )
    if isinstance(obj, (types.FunctionType, types.MethodType)):
        return b.function(obj)
    raise RuntimeError(f"ember.jit.script cannot compile an object of type {type(obj).__name__}")


__all__ = ["script", "Builder", "pytype_to_jit", "TypeSugar", "Unrolled", "_ir"]
