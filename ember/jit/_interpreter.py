"""Run a Graph: every op node goes through ember's dispatch, blocks run control flow.

``run(graph, args)`` binds ``graph.inputs`` to ``args`` (a method graph's first
input is the module object ``self``) and returns the single output, or a tuple
when the graph has several outputs. Nothing in a graph is executed as Python
source: ``call::`` resolves a dotted path inside the ``ember`` package only,
``method::`` calls a public Tensor method, ``py::`` picks from the fixed table
:data:`PY_BUILTINS`, and ``prim::RaiseException`` may only raise builtin
exception classes.

Calls into other code: ``prim::CallMethod[name=m](obj, *args)`` calls
``getattr(obj, m)(*args)``, so a submodule that is a ScriptModule runs its own
graph and a plain ``nn.Module`` runs its Python ``forward``;
``prim::CallFunction[fn=f](*args)`` calls ``f(*args)`` (a ScriptFunction).
"""

from __future__ import annotations

import builtins
import operator

from .. import _config as C
from .._tensor import Tensor
from . import _ir


class Error(RuntimeError):
    """Raised by ``prim::RaiseException`` without a known exception class (torch.jit.Error)."""


def _format(fmt, *args):
    return fmt.format(*args)


def _append(lst, v):
    lst.append(v)
    return lst


def _setitem(c, k, v):
    c[k] = v


def _delitem(c, k):
    del c[k]


def _insert(lst, i, v):
    lst.insert(i, v)


def _extend(lst, other):
    lst.extend(other)


def _pop(c, *k):
    return c.pop(*k)


def _div(a, b):
    return a / b


def _floordiv(a, b):
    return a // b


def _to_str(v):
    return str(v)


def _range_length(lo, hi, step):
    return len(range(lo, hi, step))


PY_BUILTINS = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": _div,
    "div": _div, "floordiv": _floordiv, "mod": operator.mod, "pow": operator.pow,
    "neg": operator.neg, "pos": operator.pos, "not": operator.not_,
    "and": lambda a, b: a and b, "or": lambda a, b: a or b,
    "is": operator.is_, "is_not": operator.is_not, "eq": operator.eq, "ne": operator.ne,
    "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge,
    "bitand": operator.and_, "bitor": operator.or_, "bitxor": operator.xor,
    "lshift": operator.lshift, "rshift": operator.rshift, "invert": operator.invert,
    "getitem": operator.getitem, "setitem": _setitem, "delitem": _delitem,
    "contains": operator.contains, "len": len, "append": _append, "extend": _extend,
    "insert": _insert, "pop": _pop, "int": int, "float": float, "bool": bool, "str": _to_str,
    "format": _format, "min": builtins.min, "max": builtins.max, "abs": builtins.abs,
    "round": builtins.round, "keys": lambda d: list(d.keys()),
    "values": lambda d: list(d.values()), "items": lambda d: list(d.items()),
    "list": list, "tuple": tuple, "dict": dict, "range_length": _range_length,
    "slice": lambda seq, lo, hi, step: seq[lo:hi:step], "copy": lambda c: c.copy(),
    "clear": lambda c: c.clear(), "reverse": lambda c: c.reverse(),
    "sort": lambda c, reverse=False: c.sort(reverse=reverse), "index": lambda c, v: c.index(v),
    "count": lambda c, v: c.count(v), "join": lambda s, parts: s.join(parts),
    "split": lambda s, *a: s.split(*a), "strip": lambda s, *a: s.strip(*a),
    "startswith": lambda s, p: s.startswith(p), "endswith": lambda s, p: s.endswith(p),
    "lower": lambda s: s.lower(), "upper": lambda s: s.upper(),
    "replace": lambda s, a, b: s.replace(a, b), "isinstance": None,
    "get": lambda d, k, default=None: d.get(k, default), "divmod": builtins.divmod,
    "sum": builtins.sum, "any": builtins.any, "all": builtins.all,
}  # fmt: skip

_EXCEPTIONS = {
    f"builtins.{c.__name__}": c
    for c in (
        ValueError, TypeError, RuntimeError, AssertionError, IndexError, KeyError,
        NotImplementedError, ZeroDivisionError, AttributeError, StopIteration, Exception,
    )
}  # fmt: skip


def resolve_call(path: str):
    """The public ember function at ``ember.<path>`` (never a private name)."""
    import ember

    obj = ember
    for part in path.split("."):
        if part.startswith("_"):
            raise RuntimeError(f"call::{path} names a private ember function")
        obj = getattr(obj, part, None)
        if obj is None:
            raise RuntimeError(f"ember has no function ember.{path}")
    if not callable(obj):
        raise RuntimeError(f"ember.{path} is not callable")
    return obj


_CALL_CACHE: dict = {}

# Extra node namespaces: ``NAMESPACES["aten"] = resolve`` where ``resolve(node)``
# returns a callable run as ``fn(*positional, **keywords)``. The front end
# registers ``aten`` (TorchScript operator names such as ``aten::linear``,
# resolved through its schema table, with ``node.attrs`` available to pick an
# overload or an upgrader); the archive printer writes ``aten::X`` as ``torch.X``.
NAMESPACES: dict = {}
_RESOLVED: dict = {}


def run(graph: _ir.Graph, args, self_obj=None):
    """Run ``graph`` on ``args``; returns one value or a tuple of the graph's outputs."""
    if len(args) != len(graph.inputs):
        raise RuntimeError(f"graph expects {len(graph.inputs)} inputs but got {len(args)}")
    env = dict(zip(graph.inputs, args))
    outs = _run_block(graph, env)
    return outs[0] if len(outs) == 1 else tuple(outs)


def _run_block(block: _ir.Block, env: dict):
    for n in block.nodes:
        _run_node(n, env)
    return [env[v] for v in block.outputs]


def _run_node(n: _ir.Node, env: dict) -> None:
    kind = n.kind
    handler = _PRIMS.get(kind)
    if handler is not None:
        res = handler(n, env)
    else:
        ns, _, target = kind.partition("::")
        vals = [env[v] for v in n.inputs]
        nk = len(n.kwnames)
        pos = vals[: len(vals) - nk] if nk else vals
        kw = dict(zip(n.kwnames, vals[len(vals) - nk :])) if nk else {}
        if ns == "ember":
            res = _run_op(n, target, pos, kw)
        elif ns == "call":
            fn = _CALL_CACHE.get(target)
            if fn is None:
                fn = _CALL_CACHE[target] = resolve_call(target)
            res = fn(*pos, **kw)
        elif ns == "method":
            if target.startswith("_") or not isinstance(pos[0], Tensor):
                raise RuntimeError(f"method::{target} needs a Tensor, got {type(pos[0]).__name__}")
            res = getattr(pos[0], target)(*pos[1:], **kw)
        elif ns == "py":
            fn = PY_BUILTINS.get(target)
            if fn is None:
                raise RuntimeError(f"unknown builtin py::{target}")
            res = fn(*pos, **kw)
        elif ns in NAMESPACES:
            fn = _RESOLVED.get(n)
            if fn is None:
                fn = _RESOLVED[n] = NAMESPACES[ns](n)
            res = fn(*pos, **kw)
        else:
            raise RuntimeError(f"the interpreter cannot run node kind {kind!r}")
    _bind(n, res, env)


def _bind(n, res, env):
    outs = n.outputs
    if not outs:
        return
    if len(outs) == 1:
        env[outs[0]] = res
    else:
        for v, r in zip(outs, res):
            env[v] = r


def _run_op(n, name, pos, kw):
    from .._dispatch import dispatch, dispatch_inplace
    from .._ops._registry import REGISTRY

    op = REGISTRY.get(name)
    if op is None:
        raise RuntimeError(f"ember has no registry op named {name!r}")
    attrs = {**n.attrs, **kw} if kw else n.attrs
    if n.inplace:
        return dispatch_inplace(op, tuple(pos), attrs)
    return dispatch(op, tuple(pos), attrs)


# --- primitives --------------------------------------------------------------------------


def _constant(n, env):
    return n.attrs["value"]


def _list_construct(n, env):
    return [env[v] for v in n.inputs]


def _tuple_construct(n, env):
    return tuple(env[v] for v in n.inputs)


def _unpack(n, env):
    seq = env[n.inputs[0]]
    if len(seq) != len(n.outputs):
        raise ValueError(
            f"cannot unpack a sequence of length {len(seq)} into {len(n.outputs)} values"
        )
    return tuple(seq)


def _tuple_index(n, env):
    return env[n.inputs[0]][env[n.inputs[1]]]


def _dict_construct(n, env):
    vals = [env[v] for v in n.inputs]
    return dict(zip(vals[0::2], vals[1::2]))


def _getattr(n, env):
    obj = env[n.inputs[0]]
    name = n.attrs["name"]
    try:
        return getattr(obj, name)
    except AttributeError:
        raise RuntimeError(
            f"object of type {type(obj).__name__} has no attribute {name!r}"
        ) from None


def _setattr(n, env):
    setattr(env[n.inputs[0]], n.attrs["name"], env[n.inputs[1]])


def _call_method(n, env):
    obj = env[n.inputs[0]]
    name = n.attrs["name"]
    fn = getattr(obj, name, None)
    if fn is None:
        raise RuntimeError(f"{type(obj).__name__} has no method {name!r}")
    res = fn(*[env[v] for v in n.inputs[1:]])
    return res


def _call_function(n, env):
    return n.attrs["fn"](*[env[v] for v in n.inputs])


def _truth(v):
    if isinstance(v, Tensor):
        return bool(v.item())
    return bool(v)


def _if(n, env):
    blk = n.blocks[0] if _truth(env[n.inputs[0]]) else n.blocks[1]
    outs = _run_block(blk, env)
    return outs[0] if len(outs) == 1 else tuple(outs)


def _loop(n, env):
    max_trips = env[n.inputs[0]]
    cond = _truth(env[n.inputs[1]])
    carried = [env[v] for v in n.inputs[2:]]
    body = n.blocks[0]
    i = 0
    while cond and i < max_trips:
        env[body.inputs[0]] = i
        for v, c in zip(body.inputs[1:], carried):
            env[v] = c
        res = _run_block(body, env)
        cond = _truth(res[0])
        carried = res[1:]
        i += 1
    return carried[0] if len(carried) == 1 else tuple(carried)


def _raise(n, env):
    msg = env[n.inputs[0]]
    cls = Error
    if len(n.inputs) > 1:
        cls = _EXCEPTIONS.get(env[n.inputs[1]], Error)
    raise cls(msg)


def _uninitialized(n, env):
    return None


def _passthrough(n, env):
    return env[n.inputs[0]]


def _isinstance(n, env):
    from . import _types as T

    v = env[n.inputs[0]]
    for t in n.attrs["types"]:
        if _matches(v, t, T):
            return True
    return False


def _matches(v, t, T):
    if isinstance(t, T.TensorType):
        return isinstance(v, Tensor)
    if isinstance(t, T.OptionalType):
        return v is None or _matches(v, t.elem, T)
    if isinstance(t, T.ListType):
        return isinstance(v, list)
    if isinstance(t, T.TupleType):
        return isinstance(v, tuple)
    if isinstance(t, T.DictType):
        return isinstance(v, dict)
    py = {"int": int, "float": float, "bool": bool, "str": str, "NoneType": type(None)}
    if t.name in py:
        if t.name == "int" and isinstance(v, bool):
            return False
        return isinstance(v, py[t.name])
    return True


def _num_to_tensor(n, env):
    import ember

    return ember.tensor(env[n.inputs[0]])


def _device(n, env):
    return env[n.inputs[0]].device


def _dtype(n, env):
    return env[n.inputs[0]].dtype


def _print(n, env):
    print(*[env[v] for v in n.inputs])


_PRIMS = {
    "prim::Constant": _constant,
    "prim::ListConstruct": _list_construct,
    "prim::ListUnpack": _unpack,
    "prim::TupleConstruct": _tuple_construct,
    "prim::TupleUnpack": _unpack,
    "prim::TupleIndex": _tuple_index,
    "prim::DictConstruct": _dict_construct,
    "prim::GetAttr": _getattr,
    "prim::SetAttr": _setattr,
    "prim::CallMethod": _call_method,
    "prim::CallFunction": _call_function,
    "prim::If": _if,
    "prim::Loop": _loop,
    "prim::RaiseException": _raise,
    "prim::Uninitialized": _uninitialized,
    "prim::unchecked_cast": _passthrough,
    "prim::isinstance": _isinstance,
    "prim::NumToTensor": _num_to_tensor,
    "prim::device": _device,
    "prim::dtype": _dtype,
    "prim::Print": _print,
}
_BUILTIN_KINDS = frozenset(_PRIMS)


def register_kind(kind: str, handler) -> None:
    """Let :func:`run` execute nodes of ``kind`` with ``handler(node, env)``.

    ``env`` maps each IR value already computed to its run-time value; the handler
    reads its inputs as ``[env[v] for v in node.inputs]`` and returns the node's
    result (one value, or a tuple/list when the node has several outputs; ``None``
    for none). This is how the front end installs the ``aten::``/``prim::``
    operators of its schema table (``ember.jit._frontend.schema.install_kind``).
    Built-in kinds (``prim::If``, ``prim::Loop``, ...) cannot be replaced.
    """
    if kind in _BUILTIN_KINDS:
        raise ValueError(f"{kind} is a built-in node kind of the interpreter")
    _PRIMS.setdefault(kind, handler)


def is_registered(kind: str) -> bool:
    return kind in _PRIMS


def tracer_paused():
    """Context manager: run without an active tracer (graphs run inside a trace are inlined
    by the tracer itself, op by op)."""
    return _Paused()


class _Paused:
    def __enter__(self):
        self.saved = C.state.tracer
        C.state.tracer = None

    def __exit__(self, *exc):
        C.state.tracer = self.saved


__all__ = ["run", "Error", "PY_BUILTINS", "resolve_call", "register_kind", "is_registered"]
