"""Python ``ast`` -> IR: the compiler shared by ``script`` and the archive reader.

One function body is compiled at a time into an :class:`ember.jit._ir.Graph`.
Names resolve through a :class:`Resolver`: ``script`` resolves them in the
Python function's globals and closure (ember functions, submodules, scripted
functions), the archive reader in TorchScript's archive environment (``torch``,
``ops``, ``__torch__``, ``CONSTANTS``). Nothing is ever executed as Python.

NOTE [ control flow to SSA ]
Local variables live in an environment (name -> Value). ``if`` compiles each
branch into a block of a ``prim::If`` node with a copy of the environment;
names assigned in both branches (or assigned in one and defined before) become
the node's outputs. Loops carry every name that the body assigns and that is
defined before the loop (``prim::Loop`` body inputs ``(i, *carried)``, outputs
``(cond, *carried)``). Early ``return``, ``break``, ``continue`` and ``raise`` are
first normalised (:func:`normalize`): the statements after an ``if`` that may
exit are copied into each of its branches, so every exit is the last statement
of its path. A path that falls off the end of a function returns None; of a
loop body, continues. A ``return`` inside a loop is first rewritten into a
carried flag and value slot plus ``break`` (:func:`lower_loop_returns`).
"""

from __future__ import annotations

import ast
import copy
import operator
import sys

from .. import _ir
from .. import _types as T
from .errors import FrontendError, NotSupportedError, Source

_EXITS = (ast.Return, ast.Break, ast.Continue, ast.Raise)


# --- sugared values: what a name means before it is a graph Value ----------------------------


class Sugar:
    """A compile-time entity (namespace, module, function, builtin) that is not a Value."""

    def attr(self, c, name, node):
        raise c.unsupported(f"'{self.describe()}' has no attribute '{name}'", node)

    def call(self, c, args, kwargs, node):
        raise c.unsupported(f"'{self.describe()}' cannot be called", node)

    def iter_items(self, c, node):
        raise c.unsupported(f"'{self.describe()}' cannot be iterated over", node)

    def describe(self) -> str:
        return type(self).__name__


class Builtin(Sugar):
    def __init__(self, name):
        self.name = name

    def call(self, c, args, kwargs, node):
        return c.call_builtin(self.name, args, kwargs, node)

    def describe(self):
        return f"builtin {self.name}"


class BoundMethod(Sugar):
    """``value.name`` before the call: a Tensor, list, dict or str method."""

    def __init__(self, value, name):
        self.value = value
        self.name = name

    def call(self, c, args, kwargs, node):
        return c.call_value_method(self.value, self.name, args, kwargs, node)


class Unrolled(Sugar):
    """A static sequence (ModuleList, tuple of sugar) iterated by unrolling."""

    def __init__(self, items):
        self.items = list(items)

    def iter_items(self, c, node):
        return self.items


class TypeSugar(Sugar):
    """A type name used in isinstance / annotate."""

    def __init__(self, t):
        self.type = t


# --- the per-block environment --------------------------------------------------------------


class Env:
    def __init__(self, block, vars_=None):
        self.block = block
        self.vars = dict(vars_ or {})

    def child(self, block):
        return Env(block, self.vars)


class Exit:
    """How a path ended: kind in 'return' | 'raise' | 'break' | 'continue' | None (fell through)."""

    def __init__(self, kind, env, value=None):
        self.kind = kind
        self.env = env
        self.value = value


# --- normalisation of exits -------------------------------------------------------------------


def _contains_exit(stmts, loop_level=True) -> bool:
    for s in stmts:
        if isinstance(s, (ast.Return, ast.Raise)):
            return True
        if loop_level and isinstance(s, (ast.Break, ast.Continue)):
            return True
        if isinstance(s, ast.If) and (
            _contains_exit(s.body, loop_level) or _contains_exit(s.orelse, loop_level)
        ):
            return True
        if isinstance(s, (ast.For, ast.While)) and _contains_exit(s.body, False):
            return True
        if isinstance(s, (ast.With, ast.Try)) and _contains_exit(s.body, loop_level):
            return True
    return False


def normalize(stmts):
    """Move the statements after an exiting ``if`` into both of its branches (see NOTE)."""
    out = []
    for i, s in enumerate(stmts):
        if isinstance(s, _EXITS):
            out.append(s)
            return out
        if isinstance(s, ast.If) and _contains_exit([s]):
            rest = stmts[i + 1 :]
            new = ast.If(
                test=s.test,
                body=normalize(s.body + copy.deepcopy(rest)),
                orelse=normalize(s.orelse + copy.deepcopy(rest)),
            )
            ast.copy_location(new, s)
            new._exits = True
            out.append(new)
            return out
        out.append(s)
    return out


def _returns_here(stmts) -> bool:
    """A ``return`` in ``stmts`` outside nested loops and functions."""
    for s in stmts:
        if isinstance(s, ast.Return):
            return True
        if isinstance(s, ast.If) and (_returns_here(s.body) or _returns_here(s.orelse)):
            return True
        if isinstance(s, (ast.With, ast.Try)) and _returns_here(s.body):
            return True
    return False


def _returns_to_breaks(stmts, flag, slot):
    out = []
    for s in stmts:
        if isinstance(s, ast.Return):
            value = s.value if s.value is not None else ast.Constant(value=None)
            new = [ast.Assign(targets=[ast.Name(id=slot, ctx=ast.Store())], value=value),
                   ast.Assign(targets=[ast.Name(id=flag, ctx=ast.Store())],
                              value=ast.Constant(value=True)),
                   ast.Break()]  # fmt: skip
            for n in new:
                ast.copy_location(n, s)
                ast.fix_missing_locations(n)
            out += new
            break
        if isinstance(s, ast.If):
            s.body = _returns_to_breaks(s.body, flag, slot)
            s.orelse = _returns_to_breaks(s.orelse, flag, slot)
        elif isinstance(s, (ast.With, ast.Try)):
            s.body = _returns_to_breaks(s.body, flag, slot)
        out.append(s)
    return out


def lower_loop_returns(stmts, counter=None):
    """``return`` inside loops -> a flag and a value slot carried by the loop, then ``break``.

    ``for ...: ... return v`` becomes ``$ret = <pending>; $did = False; for ...: ...
    $ret = v; $did = True; break`` followed by ``if $did: return $ret`` (torch's exit
    transform, done on the AST). Inner loops are lowered first, so their ``if $did:
    return`` is lowered again by the enclosing loop. The slot's type is the type of
    the returned values, fixed once the loop is compiled (``T.Pending`` until then).
    """
    counter = counter if counter is not None else [0]
    out = []
    for s in stmts:
        if isinstance(s, ast.If):
            s.body = lower_loop_returns(s.body, counter)
            s.orelse = lower_loop_returns(s.orelse, counter)
        elif isinstance(s, (ast.With, ast.Try)):
            s.body = lower_loop_returns(s.body, counter)
        if not isinstance(s, (ast.For, ast.While)):
            out.append(s)
            continue
        s.body = lower_loop_returns(s.body, counter)
        if not _returns_here(s.body):
            out.append(s)
            continue
        counter[0] += 1
        flag, slot = f"$did_return{counter[0]}", f"$return{counter[0]}"
        s.body = _returns_to_breaks(s.body, flag, slot)
        init_slot = ast.Assign(targets=[ast.Name(id=slot, ctx=ast.Store())],
                               value=ast.Constant(value=None))  # fmt: skip
        init_slot._pending = True
        init_flag = ast.Assign(targets=[ast.Name(id=flag, ctx=ast.Store())],
                               value=ast.Constant(value=False))  # fmt: skip
        ret = ast.Return(value=ast.Name(id=slot, ctx=ast.Load()))
        after = ast.If(test=ast.Name(id=flag, ctx=ast.Load()), body=[ret], orelse=[])
        for n in (init_slot, init_flag, after):
            ast.copy_location(n, s)
            ast.fix_missing_locations(n)
        out += [init_slot, init_flag, s, after]
    return out


def _settle_pending(node, carried) -> None:
    """Give a loop's early-return slot the type of the values the body stores in it."""
    body = node.blocks[0]
    for k, init in enumerate(carried):
        if init.type != T.Pending or len(body.outputs) <= k + 1:
            continue
        t = body.outputs[k + 1].type
        if t == T.Pending:
            continue
        for v in (init, body.inputs[k + 1], node.outputs[k]):
            v.type = t
        for n in body.walk():
            for o in n.outputs:
                if o.type == T.Pending:
                    o.type = t


def assigned_names(stmts) -> list:
    """Names stored anywhere in ``stmts`` (in order of first store), not inside nested defs."""
    seen = []

    def visit(n):
        if isinstance(n, (ast.FunctionDef, ast.Lambda, ast.ListComp)):
            return
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id not in seen:
            seen.append(n.id)
        for ch in ast.iter_child_nodes(n):
            visit(ch)

    for s in stmts:
        visit(s)
    return seen


# --- the compiler ---------------------------------------------------------------------------

_BINOPS = {
    ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "truediv", ast.FloorDiv: "floordiv",
    ast.Mod: "mod", ast.Pow: "pow", ast.MatMult: "matmul", ast.BitAnd: "bitand",
    ast.BitOr: "bitor", ast.BitXor: "bitxor", ast.LShift: "lshift", ast.RShift: "rshift",
}  # fmt: skip
_CMPOPS = {
    ast.Eq: "eq", ast.NotEq: "ne", ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge",
}  # fmt: skip

# Tensor operators as ember functions (call::<name>)
_TENSOR_BIN = {
    "add": "add", "sub": "sub", "mul": "mul", "truediv": "div", "floordiv": "floor_divide",
    "mod": "remainder", "pow": "pow", "matmul": "matmul", "bitand": "bitwise_and",
    "bitor": "bitwise_or", "bitxor": "bitwise_xor", "lshift": "bitwise_left_shift",
    "rshift": "bitwise_right_shift", "eq": "eq", "ne": "ne", "lt": "lt", "le": "le",
    "gt": "gt", "ge": "ge",
}  # fmt: skip
_NUM = (T.Int, T.Float, T.Bool, T.Number)
_STATIC_CMP = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge,
}  # fmt: skip


def is_tensor(t) -> bool:
    return isinstance(t, T.TensorType)


def num_result(a, b, op):
    if op == "truediv":
        return T.Float
    if a == T.Float or b == T.Float:
        return T.Float
    if a == T.Number or b == T.Number:
        return T.Number
    if a == T.Complex or b == T.Complex:
        return T.Complex
    return T.Int


class Compiler:
    """Compiles one ``ast.FunctionDef`` into a Graph; subclasses resolve names."""

    def __init__(self, source: Source, qualname: str = "fn"):
        self.source = source
        self.qualname = qualname
        self.return_type = None
        self._return_types = []

    # errors ---------------------------------------------------------------------------------
    def unsupported(self, msg, node):
        return NotSupportedError(msg, node, self.source)

    def error(self, msg, node):
        return FrontendError(msg, node, self.source)

    # hooks for subclasses -------------------------------------------------------------------
    def resolve_global(self, name, node):
        raise self.error(f"undefined value {name}", node)

    def resolve_type(self, ann, node) -> T.JitType:
        """The JitType of an annotation expression."""
        text = ast.unparse(ann)
        text = text.replace("torch.Tensor", "Tensor").replace("ember.Tensor", "Tensor")
        for prefix in ("typing.", "t."):
            text = text.replace(prefix, "")
        try:
            return T.parse_type(text)
        except RuntimeError as e:
            raise self.error(f"Unknown type annotation: '{text}' ({e})", ann) from None

    def attr_of_value(self, env, value, name, node):
        """``value.name`` where value is a Value (module/class objects are subclass business)."""
        t = value.type
        if is_tensor(t):
            if name == "shape":
                return env.block.method("size", [value], out_types=(T.List(T.Int),))
            if name in ("dtype",):
                return env.block.create("prim::dtype", [value], (T.DType,)).outputs[0]
            if name == "device":
                return env.block.create("prim::device", [value], (T.Device,)).outputs[0]
            if name in ("requires_grad", "is_cuda"):
                return (
                    env.block.method(name + "_" if False else "dim", [value])
                    if False
                    else (
                        env.block.create(
                            "prim::GetAttr", [value], (T.Bool,), {"name": name}
                        ).outputs[0]
                    )
                )
            if name in ("T", "mT", "H", "mH", "data", "grad", "real", "imag"):
                return env.block.create(
                    "prim::GetAttr", [value], (T.Tensor,), {"name": name}
                ).outputs[0]
            return BoundMethod(value, name)
        return BoundMethod(value, name)

    def call_value_method(self, value, name, args, kwargs, node):
        env = self.env
        t = value.type
        vals, kw = self.values(args, node), self.kw_values(kwargs, node)
        if is_tensor(t):
            return self.tensor_method(value, name, vals, kw, node)
        if isinstance(t, (T.ListType, T.DictType)) or t == T.Str:
            pyname = {"__getitem__": "getitem"}.get(name, name)
            if pyname not in _PY_OK:
                raise self.unsupported(f"'{t}' method '{name}' is not supported", node)
            if kw:
                raise self.unsupported(f"keyword arguments to '{t}.{name}'", node)
            return env.block.py(pyname, [value, *vals], _method_type(t, pyname, vals))
        raise self.unsupported(f"'{t}' object has no method '{name}'", node)

    def tensor_method(self, value, name, vals, kw, node):
        out = _tensor_method_type(name)
        if name.startswith("_"):
            raise self.unsupported(f"Tensor method '{name}'", node)
        if name in ("dim", "numel", "size", "item", "tolist", "is_floating_point",
                    "is_contiguous", "element_size", "stride", "get_device"):  # fmt: skip
            if name == "size" and not vals and not kw:
                out = T.List(T.Int)
        return self.env.block.method(
            name, [value, *vals, *kw.values()], kwnames=tuple(kw), out_types=out
        )

    # entry ----------------------------------------------------------------------------------
    def compile(self, fdef: ast.FunctionDef, arg_types, self_entry=None, return_type=None):
        """Build the graph of ``fdef``. ``arg_types``: JitType per argument (self excluded)."""
        g = _ir.Graph()
        env = Env(g)
        self.env = env
        args = fdef.args.args
        if fdef.args.vararg or fdef.args.kwarg or fdef.args.kwonlyargs:
            raise self.unsupported("variable number of arguments (*args, **kwargs, keyword-only)",
                                   fdef)  # fmt: skip
        start = 0
        if self_entry is not None:
            name, t, sugar = self_entry
            v = g.add_input(name, t)
            env.vars[name] = sugar(v) if sugar is not None else v
            start = 1
        for a, t in zip(args[start:], arg_types):
            env.vars[a.arg] = g.add_input(a.arg, t)
        self.return_type = return_type
        ex = self.block(normalize(lower_loop_returns(copy.deepcopy(fdef.body))), env, "function")
        g.outputs.clear()
        g.add_output(self.function_result(ex, g, fdef))
        return g

    def function_result(self, ex, block, node):
        if ex.kind == "raise":
            return block.create(
                "prim::Uninitialized", (), (self.return_type or T.NoneType,)
            ).outputs[0]
        v = ex.value if ex.kind == "return" else block.constant(None)
        return v

    # statements -----------------------------------------------------------------------------
    def block(self, stmts, env, ctx):
        """Compile ``stmts``; returns the Exit of the path. ``ctx``: 'function' or 'loop'."""
        saved = self.env
        self.env = env
        try:
            for s in stmts:
                ex = self.stmt(s, env, ctx)
                if ex is not None:
                    return ex
            return Exit(None, env)
        finally:
            self.env = saved

    def stmt(self, s, env, ctx):
        meth = getattr(self, "stmt_" + type(s).__name__, None)
        if meth is None:
            raise self.unsupported(f"{_STMT_WORDS.get(type(s).__name__, type(s).__name__)} "
                                   "aren't supported", s)  # fmt: skip
        return meth(s, env, ctx)

    def stmt_Expr(self, s, env, ctx):
        if isinstance(s.value, ast.Constant) and isinstance(s.value.value, str):
            return None  # docstring
        self.expr(s.value)
        return None

    def stmt_Pass(self, s, env, ctx):
        return None

    def stmt_Return(self, s, env, ctx):
        if ctx != "function":
            raise self.unsupported("return statements inside loops", s)
        v = (
            self.value(self.expr(s.value, expected=self.return_type), s.value)
            if s.value is not None
            else env.block.constant(None)
        )
        if self.return_type is not None:
            v = self.coerce(v, self.return_type, s)
        return Exit("return", env, v)

    def stmt_Break(self, s, env, ctx):
        return Exit("break", env)

    def stmt_Continue(self, s, env, ctx):
        return Exit("continue", env)

    def stmt_Raise(self, s, env, ctx):
        exc = s.exc
        name, msg = "builtins.Exception", env.block.constant("Exception")
        if isinstance(exc, ast.Call) and isinstance(exc.func, ast.Name):
            name = "builtins." + exc.func.id
            if exc.args:
                msg = self.value(self.expr(exc.args[0]), exc.args[0])
            else:
                msg = env.block.constant("")
        elif isinstance(exc, ast.Name):
            name = "builtins." + exc.id
            msg = env.block.constant("")
        elif exc is not None:
            raise self.unsupported("this form of raise", s)
        env.block.raise_(msg, name)
        return Exit("raise", env)

    def stmt_Assert(self, s, env, ctx):
        cond = self.condition(s.test)
        node = env.block.if_(cond)
        msg = "AssertionError: "
        fail = node.blocks[1]
        if s.msg is not None:
            m = self.with_block(fail, env, lambda: self.value(self.expr(s.msg), s.msg))
            fail.raise_(m, "builtins.AssertionError")
        else:
            fail.raise_(fail.constant(msg.rstrip(": ")), "builtins.AssertionError")
        true_ref, _ = self.refinements(s.test, env)
        env.vars.update(self.apply_refinements(true_ref, env.block))
        return None

    def with_block(self, block, env, fn):
        saved_block, saved_env = env.block, self.env
        env.block = block
        try:
            return fn()
        finally:
            env.block = saved_block
            self.env = saved_env

    def stmt_AnnAssign(self, s, env, ctx):
        if s.value is None:
            return None
        t = self.resolve_type(s.annotation, s.annotation)
        v = self.expr(s.value, expected=t)
        v = self.coerce(self.value(v, s.value), t, s)
        self.assign(s.target, v, env, s)
        return None

    def stmt_Assign(self, s, env, ctx):
        if getattr(s, "_pending", False):  # an early-return slot (lower_loop_returns)
            v = env.block.create("prim::Uninitialized", (), (T.Pending,)).outputs[0]
            env.vars[s.targets[0].id] = v
            return None
        v = self.expr(s.value)
        for tgt in s.targets:
            self.assign(tgt, v, env, s)
        return None

    def stmt_AugAssign(self, s, env, ctx):
        op = _BINOPS.get(type(s.op))
        target = s.target
        if isinstance(target, ast.Name):
            cur = self.lookup(target.id, target)
        else:
            cur = self.expr(copy.copy(target) if False else _load(target))
        rhs = self.expr(s.value)
        cur = self.value(cur, target)
        if (
            is_tensor(cur.type)
            and op in ("add", "sub", "mul", "truediv")
            and isinstance(target, ast.Name)
        ):
            # x += y on a tensor is in place, as in Python/PyTorch
            res = self.env.block.method(_TENSOR_BIN[op] + "_", [cur, self.value(rhs, s.value)])
        elif isinstance(cur.type, T.ListType) and op == "add":
            env.block.py("extend", [cur, self.value(rhs, s.value)], T.NoneType)
            res = cur
        else:
            res = self.binop(op, cur, self.value(rhs, s.value), s)
        self.assign(target, res, env, s)
        return None

    def assign(self, tgt, v, env, node):
        if isinstance(tgt, ast.Name):
            if isinstance(v, _ir.Value) and not v.hint and v.node is not None:
                v.hint = tgt.id
            env.vars[tgt.id] = v
        elif isinstance(tgt, (ast.Tuple, ast.List)):
            if isinstance(v, Sugar):
                items = v.iter_items(self, node)
            else:
                items = self.unpack(v, len(tgt.elts), node)
            if len(items) != len(tgt.elts):
                raise self.error(f"cannot unpack {len(items)} values into {len(tgt.elts)}", node)
            for t_, it in zip(tgt.elts, items):
                self.assign(t_, it, env, node)
        elif isinstance(tgt, ast.Subscript):
            obj = self.value(self.expr(tgt.value), tgt.value)
            if is_tensor(obj.type):
                key = self.index_key(tgt.slice, tgt)
                self.env.block.create("aten::_ember_setitem", [obj, key, self.value(v, node)], ())
            else:
                k = self.value(self.expr(tgt.slice), tgt.slice)
                env.block.py("setitem", [obj, k, self.value(v, node)], T.NoneType)
        elif isinstance(tgt, ast.Attribute):
            obj = self.expr(tgt.value)
            self.set_attribute(obj, tgt.attr, self.value(v, node), node)
        else:
            raise self.unsupported("this assignment target", node)

    def set_attribute(self, obj, name, v, node):
        if isinstance(obj, Sugar) and hasattr(obj, "value"):
            self.env.block.setattr(obj.value, name, v)
            return
        raise self.unsupported("attribute assignment on this value", node)

    def unpack(self, v, n, node):
        t = v.type
        if isinstance(t, T.TupleType):
            if len(t.elems) != n:
                raise self.error(f"cannot unpack a tuple of {len(t.elems)} values into {n}", node)
            return list(self.env.block.unpack(v))
        if isinstance(t, T.ListType) or t == T.Any:
            et = t.elem if isinstance(t, T.ListType) else T.Any
            return list(self.env.block.unpack(v, [et] * n))
        raise self.error(f"cannot unpack a value of type {t}", node)

    # if ------------------------------------------------------------------------------------
    def stmt_If(self, s, env, ctx):
        static = self.static_condition(s.test, env)
        if static is not None:
            return (
                self.block(s.body if static else s.orelse, env, ctx)
                if getattr(s, "_exits", False)
                else self._static_branch(s.body if static else s.orelse, env, ctx)
            )
        cond = self.condition(s.test)
        true_ref, false_ref = self.refinements(s.test, env)
        node = env.block.if_(cond)
        envs = []
        for blk, body, ref in ((node.blocks[0], s.body, true_ref),
                               (node.blocks[1], s.orelse, false_ref)):  # fmt: skip
            e = env.child(blk)
            e.vars.update(self.apply_refinements(ref, blk))
            envs.append(self.block(body, e, ctx))
        if getattr(s, "_exits", False):
            return self.merge_exits(node, envs, env, ctx, s)
        self.merge_vars(node, envs, env, s)
        return None

    def _static_branch(self, body, env, ctx):
        ex = self.block(body, env, ctx)
        return ex if ex.kind is not None else None

    def merge_vars(self, node, exits, env, s):
        live = [e for e in exits if e.kind is None]
        names = []
        for name in assigned_names([s]):
            if all(name in e.env.vars for e in live) and name not in names:
                names.append(name)
        out_names, out_types = [], []
        for name in names:
            vals = [e.env.vars[name] for e in live]
            if any(isinstance(v, Sugar) for v in vals):
                if all(v is vals[0] for v in vals):
                    env.vars[name] = vals[0]
                continue
            if all(v is env.vars.get(name) for v in vals):
                continue
            out_names.append(name)
            out_types.append(T.unify(v.type for v in vals))
        for e in exits:
            blk = e.env.block
            for name, t in zip(out_names, out_types):
                if e.kind is None:
                    blk.add_output(self.coerce(e.env.vars[name], t, s, blk))
                else:
                    blk.add_output(blk.create("prim::Uninitialized", (), (t,)).outputs[0])
        self._set_outputs(node, out_types)
        for name, v in zip(out_names, node.outputs):
            v.hint = name
            env.vars[name] = v
        if live and len(live) < len(exits):
            # one branch raised: the other one's refinements hold afterwards
            for name, v in live[0].env.vars.items():
                if name not in env.vars:
                    env.vars[name] = v if isinstance(v, Sugar) else env.vars.get(name, v)

    def _set_outputs(self, node, types):
        for t in types:
            v = _ir.Value(t, "", node.owner.graph)
            v.node = node
            node.outputs.append(v)

    def merge_exits(self, node, exits, env, ctx, s):
        """Both branches end the function (ctx 'function') or the loop body ('loop')."""
        if ctx == "unrolled":
            raise self.unsupported(
                "break/continue in a loop over modules or a tuple under a condition that is not "
                "known at compile time", s)  # fmt: skip
        if ctx == "function":
            live = [e for e in exits if e.kind != "raise"]
            if not live:
                return Exit("raise", env)
            vals = [e.value if e.kind == "return" else e.env.block.constant(None) for e in live]
            t = self.return_type or T.unify(v.type for v in vals)
            for e in exits:
                blk = e.env.block
                if e.kind == "raise":
                    blk.add_output(blk.create("prim::Uninitialized", (), (t,)).outputs[0])
                else:
                    v = e.value if e.kind == "return" else blk.constant(None)
                    blk.add_output(self.coerce(v, t, s, blk))
            self._set_outputs(node, [t])
            return Exit("return", env, node.outputs[0])
        # loop body: each path yields (continue?, carried...)
        return self.loop_exits(node, exits, env, s)

    # loops ---------------------------------------------------------------------------------
    def stmt_While(self, s, env, ctx):
        if s.orelse:
            raise self.unsupported("else branches of while loops", s)
        cond = self.condition(s.test)
        return self._loop(s, env, env.block.constant(sys.maxsize), cond, None, while_test=s.test)

    def stmt_For(self, s, env, ctx):
        if s.orelse:
            raise self.unsupported("else branches of for loops", s)
        it = s.iter
        # range / enumerate / zip / containers
        if (
            isinstance(it, ast.Call)
            and isinstance(it.func, ast.Name)
            and it.func.id in ("range", "enumerate", "zip")
            and it.func.id not in env.vars
        ):
            kind = it.func.id
            if kind == "range":
                return self._for_range(s, env, it)
            seqs = [self.expr(a) for a in it.args]
            if any(isinstance(q, Sugar) for q in seqs):
                items = [q.iter_items(self, s) if isinstance(q, Sugar) else None for q in seqs]
                if kind == "enumerate" and items[0] is not None:
                    start = 0
                    pairs = [(env.block.constant(i + start), x) for i, x in enumerate(items[0])]
                    return self._unrolled(s, env, [_TupleSugar(p) for p in pairs])
                raise self.unsupported(f"{kind} over modules", s)
            seqs = [self.value(q, a) for q, a in zip(seqs, it.args)]
            return self._for_seq(s, env, kind, seqs)
        src = self.expr(it)
        if isinstance(src, Sugar):
            return self._unrolled(s, env, src.iter_items(self, s))
        src = self.value(src, it)
        if isinstance(src.type, T.TupleType):
            items = list(env.block.unpack(src))
            return self._unrolled(s, env, items)
        return self._for_seq(s, env, None, [src])

    def _unrolled(self, s, env, items):
        """A loop over modules or a tuple: the body is compiled once per item.

        ``break`` and ``continue`` are allowed where the compiler can decide them
        (conditions on the loop index, ``Final`` constants, ``hasattr``), since the
        iterations are not a run-time loop.
        """
        body = s.body
        if _contains_exit(body, loop_level=False):
            raise self.unsupported("return/raise in a loop over modules or a tuple", s)
        if _contains_exit(body):
            body = normalize(body)
        for it in items:
            self.assign(s.target, it, env, s)
            ex = self.block(body, env, "unrolled")
            if ex.kind == "break":
                break
        return None

    def _for_range(self, s, env, it):
        args = [self.value(self.expr(a), a) for a in it.args]
        b = env.block
        if len(args) == 1:
            start, stop, step = None, args[0], None
        elif len(args) == 2:
            start, stop, step = args[0], args[1], None
        else:
            start, stop, step = args
        if start is None:
            trips = stop
        else:
            trips = b.py("range_length", [start, stop, step or b.constant(1)], T.Int)

        def index(body, i):
            if start is None:
                return i
            scaled = i if step is None else body.py("mul", [i, step], T.Int)
            return body.py("add", [start, scaled], T.Int)

        return self._loop(s, env, trips, b.constant(True), index)

    def _for_seq(self, s, env, kind, seqs):
        b = env.block
        lens = [b.py("len", [q], T.Int) for q in seqs]
        trips = lens[0] if len(lens) == 1 else b.py("min", lens, T.Int)

        def item(body, i):
            elems = [
                body.method("select", [q, body.constant(0), i])
                if is_tensor(q.type)
                else body.py("getitem", [q, i], _elem_type(q.type))
                for q in seqs
            ]
            if kind == "enumerate":
                return _TupleSugar([i, elems[0]])
            if kind == "zip":
                return _TupleSugar(elems)
            return elems[0]

        return self._loop(s, env, trips, b.constant(True), item)

    def _loop(self, s, env, trips, cond, target_fn, while_test=None):
        names = [n for n in assigned_names(s.body) if n in env.vars
                 and isinstance(env.vars[n], _ir.Value)]  # fmt: skip
        if isinstance(s, ast.For):
            tgt_names = assigned_names([ast.Assign(targets=[s.target], value=ast.Constant(0))])
            names = [n for n in names if n not in tgt_names] + [
                n for n in tgt_names if n in env.vars and isinstance(env.vars[n], _ir.Value)
                and n in assigned_names(s.body)
            ]  # fmt: skip
        carried = [env.vars[n] for n in names]
        node = env.block.loop(trips, cond, carried)
        body = node.blocks[0]
        benv = env.child(body)
        for n, v in zip(names, body.inputs[1:]):
            v.hint = n
            benv.vars[n] = v
        if target_fn is not None:
            self.with_block(
                body, benv, lambda: self.assign(s.target, target_fn(body, body.inputs[0]), benv, s)
            )
        self._loop_names = getattr(self, "_loop_names", [])
        self._loop_names.append((names, while_test))
        try:
            ex = self.block(normalize(s.body), benv, "loop")
            if ex.kind == "return":
                raise self.unsupported("return statements inside loops", s)
            if getattr(ex, "outputs_done", False):
                pass
            else:
                self._loop_outputs(body, ex, names, while_test, s)
        finally:
            self._loop_names.pop()
        for n, v in zip(names, node.outputs):
            v.hint = n
            env.vars[n] = v
        _settle_pending(node, carried)
        return None

    def _loop_outputs(self, blk, ex, names, while_test, s):
        env = ex.env
        if ex.kind == "raise":
            blk.add_output(blk.constant(False))
            for n in names:
                t = self.env.vars[n].type if n in self.env.vars else T.Any
                blk.add_output(blk.create("prim::Uninitialized", (), (t,)).outputs[0])
            return
        if ex.kind == "break":
            c = blk.constant(False)
        elif while_test is not None:
            c = self.with_block(blk, env, lambda: self.condition_in(while_test, env))
        else:
            c = blk.constant(True)
        blk.add_output(c)
        for n in names:
            blk.add_output(env.vars[n])

    def loop_exits(self, node, exits, env, s):
        names, while_test = self._loop_names[-1]
        for e in exits:
            self._loop_outputs(e.env.block, e, names, while_test, s)
        types = [T.Bool] + [env.vars[n].type for n in names]
        for j in range(1, len(types)):
            if types[j] == T.Pending:  # an early-return slot takes the returned value's type
                types[j] = T.unify(e.env.block.outputs[j].type for e in exits)
        self._set_outputs(node, types)
        blk = env.block
        blk.add_output(node.outputs[0])
        for v in node.outputs[1:]:
            blk.add_output(v)
        ex = Exit("continue", env)
        ex.outputs_done = True
        return ex

    def condition_in(self, test, env):
        saved = self.env
        self.env = env
        try:
            return self.condition(test)
        finally:
            self.env = saved

    # unsupported statements -----------------------------------------------------------------
    def stmt_With(self, s, env, ctx):
        raise self.unsupported("with statements aren't supported", s)

    # conditions and refinement ---------------------------------------------------------------
    def condition(self, test):
        v = self.value(self.expr(test), test)
        return v

    def static_condition(self, test, env):
        """True/False when the test is known at compile time (None checks on None, Final bools)."""
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], (ast.Is, ast.IsNot))
        ):
            lhs = test.left
            if isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
                try:
                    v = self.expr(lhs)
                except FrontendError:
                    return None
                if isinstance(v, _ir.Value):
                    known = None
                    if v.type == T.NoneType:
                        known = True
                    elif not isinstance(v.type, (T.OptionalType,)) and v.type != T.Any:
                        known = False
                    if known is not None:
                        return known if isinstance(test.ops[0], ast.Is) else not known
        if isinstance(test, ast.Constant) and isinstance(test.value, bool):
            return test.value
        if (
            isinstance(test, ast.Call)
            and isinstance(test.func, ast.Name)
            and test.func.id == "hasattr"
            and "hasattr" not in env.vars
        ):
            return self.static_hasattr(test)
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self.static_condition(test.operand, env)
            return None if inner is None else not inner
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and type(test.ops[0]) in _STATIC_CMP
            and all(isinstance(x, (ast.Name, ast.Constant)) for x in (test.left, *test.comparators))
        ):
            vals = []
            for x in (test.left, test.comparators[0]):
                v = self.expr(x)
                if not (isinstance(v, _ir.Value) and v.node is not None
                        and v.node.kind == "prim::Constant"):  # fmt: skip
                    return None
                vals.append(v.node.attrs["value"])
            if not all(isinstance(v, (int, float, str, bool)) for v in vals):
                return None
            return bool(_STATIC_CMP[type(test.ops[0])](*vals))
        return None

    def static_hasattr(self, call):
        """``hasattr(obj, "name")``: known at compile time, as in TorchScript."""
        if len(call.args) != 2 or not (
            isinstance(call.args[1], ast.Constant) and isinstance(call.args[1].value, str)
        ):
            raise self.unsupported("hasattr with a non-literal name", call)
        obj = self.expr(call.args[0])
        name = call.args[1].value
        if isinstance(obj, Sugar) and hasattr(obj, "has_attr"):
            return bool(obj.has_attr(name))
        if isinstance(obj, _ir.Value) and isinstance(obj.type, T.TupleType):
            return False
        raise self.unsupported("hasattr on a value that is not a module", call)

    def refinements(self, test, env):
        """({name: type} when true, {name: type} when false) for None/isinstance checks."""
        t, f = {}, {}
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.left, ast.Name)
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value is None
        ):
            v = env.vars.get(test.left.id)
            if isinstance(v, _ir.Value) and isinstance(v.type, T.OptionalType):
                if isinstance(test.ops[0], ast.IsNot):
                    t[test.left.id] = v.type.elem
                elif isinstance(test.ops[0], ast.Is):
                    f[test.left.id] = v.type.elem
        elif isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
            for sub in test.values:
                t.update(self.refinements(sub, env)[0])
        elif isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
            for sub in test.values:
                f.update(self.refinements(sub, env)[1])
        elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            a, b = self.refinements(test.operand, env)
            t, f = b, a
        elif (isinstance(test, ast.Call) and isinstance(test.func, ast.Name)
              and test.func.id == "isinstance" and len(test.args) == 2
              and isinstance(test.args[0], ast.Name)):  # fmt: skip
            v = env.vars.get(test.args[0].id)
            if isinstance(v, _ir.Value) and isinstance(v.type, T.OptionalType):
                try:
                    want = self.isinstance_types(test.args[1])
                except FrontendError:
                    want = ()
                if any(w == v.type.elem for w in want):
                    t[test.args[0].id] = v.type.elem
        return t, f

    def apply_refinements(self, ref, block):
        out = {}
        for name, t in ref.items():
            v = self.env.vars.get(name)
            if isinstance(v, _ir.Value):
                r = block.create("prim::unchecked_cast", [v], (t,)).outputs[0]
                r.hint = name
                out[name] = r
        return out

    def isinstance_types(self, node):
        if isinstance(node, ast.Tuple):
            return tuple(x for e in node.elts for x in self.isinstance_types(e))
        text = ast.unparse(node)
        simple = {
            "int": T.Int, "float": T.Float, "bool": T.Bool, "str": T.Str,
            "list": T.List(T.Any), "tuple": T.TupleType(()), "dict": T.Dict(T.Str, T.Any),
        }  # fmt: skip
        if text in simple:
            return (simple[text],)
        return (self.resolve_type(node, node),)

    # expressions ---------------------------------------------------------------------------
    def expr(self, e, expected=None):
        meth = getattr(self, "expr_" + type(e).__name__, None)
        if meth is None:
            raise self.unsupported(f"{_EXPR_WORDS.get(type(e).__name__, type(e).__name__)} "
                                   "aren't supported", e)  # fmt: skip
        if type(e).__name__ == "DictComp" or (
            expected is not None and type(e).__name__ in ("List", "Dict", "ListComp")
        ):
            return meth(e, expected)
        return meth(e)

    def value(self, v, node):
        """``v`` as a graph Value (sugar that has no value is an error)."""
        if isinstance(v, _ir.Value):
            return v
        if isinstance(v, _TupleSugar):
            return self.env.block.tuple([self.value(x, node) for x in v.items])
        if isinstance(v, Sugar) and hasattr(v, "as_value"):
            return v.as_value(self, node)
        raise self.error(f"{v.describe()} cannot be used as a value", node)

    def values(self, args, node):
        return [self.value(a, node) for a in args]

    def kw_values(self, kwargs, node):
        return {k: self.value(v, node) for k, v in kwargs.items()}

    def coerce(self, v, t, node, block=None):
        """Check ``v`` against type ``t`` (Optional/Any/Number accept narrower values)."""
        if t is None or v.type == t or t == T.Any or v.type == T.Pending:
            return v
        vt = v.type
        if isinstance(t, T.OptionalType) and (vt == T.NoneType or vt == t.elem):
            return v
        if t == T.Float and vt == T.Int:
            return v
        if t == T.Number and vt in _NUM:
            return v
        if isinstance(t, T.ListType) and isinstance(vt, T.ListType):
            return v
        if isinstance(t, T.TupleType) and isinstance(vt, T.TupleType):
            return v
        if isinstance(t, T.DictType) and isinstance(vt, T.DictType):
            return v
        if vt in (T.Any, T.Number) or is_tensor(t) and is_tensor(vt):
            return v
        if isinstance(vt, T.OptionalType) and t == vt.elem:
            return v
        raise self.error(f"Expected a value of type '{t}' but instead found type '{vt}'", node)

    def lookup(self, name, node):
        if name in self.env.vars:
            return self.env.vars[name]
        return self.resolve_global(name, node)

    def expr_Name(self, e):
        return self.lookup(e.id, e)

    def expr_Constant(self, e):
        v = e.value
        if v is Ellipsis:
            return _EllipsisSugar()
        if isinstance(v, bytes):
            raise self.unsupported("bytes literals", e)
        return self.env.block.constant(v)

    def expr_Tuple(self, e):
        items = [self.expr(x) for x in e.elts]
        if any(isinstance(x, Sugar) and not hasattr(x, "as_value") for x in items):
            return _TupleSugar(items)
        return self.env.block.tuple(self.values(items, e))

    def expr_List(self, e, expected=None):
        vals = self.values([self.expr(x) for x in e.elts], e)
        et = expected.elem if isinstance(expected, T.ListType) else None
        if et is None and not vals:
            et = T.Tensor
        return self.env.block.list(vals, et)

    def expr_Dict(self, e, expected=None):
        if any(k is None for k in e.keys):
            raise self.unsupported("dict unpacking (**)", e)
        ins = []
        for k, v in zip(e.keys, e.values):
            ins += [self.value(self.expr(k), k), self.value(self.expr(v), v)]
        if isinstance(expected, T.DictType):
            t = expected
        elif ins:
            t = T.Dict(ins[0].type, T.unify(v.type for v in ins[1::2]))
        else:
            t = T.Dict(T.Str, T.Tensor)
        return self.env.block.create("prim::DictConstruct", ins, (t,)).outputs[0]

    def expr_DictComp(self, e, expected=None):
        """``{k: v for t in it}`` -> ``d = {}; for t in it: d[k] = v`` (``Dict[K, V]`` expected)."""
        if len(e.generators) != 1 or e.generators[0].ifs or e.generators[0].is_async:
            raise self.unsupported("comprehensions with several for clauses or if filters", e)
        gen = e.generators[0]
        acc_name = f"$dcomp{id(e)}"
        saved = dict(self.env.vars)
        # compile key/value once on the first element to learn their types
        kt = vt = None
        if isinstance(expected, T.DictType):
            kt, vt = expected.key, expected.value
        if kt is None:
            raise self.unsupported("dict comprehensions without a Dict[K, V] type annotation "
                                   "(annotate the target or the function's return)", e)  # fmt: skip
        acc = self.env.block.create("prim::DictConstruct", [], (T.Dict(kt, vt),)).outputs[0]
        self.env.vars[acc_name] = acc
        store = ast.Subscript(value=ast.Name(acc_name, ast.Load()), slice=e.key, ctx=ast.Store())
        loop = ast.For(target=gen.target, iter=gen.iter, orelse=[],
                       body=[ast.Assign(targets=[store], value=e.value)])  # fmt: skip
        ast.copy_location(loop, e)
        ast.fix_missing_locations(loop)
        self.stmt_For(loop, self.env, "function")
        self.env.vars = {k: v for k, v in saved.items() if k != acc_name}
        return acc

    def expr_ListComp(self, e, expected=None):
        if len(e.generators) != 1 or e.generators[0].ifs or e.generators[0].is_async:
            raise self.unsupported("comprehensions with several for clauses or if filters", e)
        gen = e.generators[0]
        b = self.env.block
        # [elt for target in iter] -> acc = []; for target in iter: acc.append(elt)
        acc_name = f"$comp{id(e)}"
        et = expected.elem if isinstance(expected, T.ListType) else None
        acc = b.list([], et or T.Any)
        self.env.vars[acc_name] = acc
        loop = ast.For(target=gen.target, iter=gen.iter, orelse=[], body=[
            ast.Expr(ast.Call(func=ast.Attribute(value=ast.Name(acc_name, ast.Load()),
                                                 attr="append", ctx=ast.Load()),
                              args=[e.elt], keywords=[]))])  # fmt: skip
        ast.copy_location(loop, e)
        ast.fix_missing_locations(loop)
        saved = dict(self.env.vars)
        self.stmt_For(loop, self.env, "function")
        # the element type is known only now: retype the accumulator
        res = acc
        self.env.vars = {k: v for k, v in saved.items() if k != acc_name}
        return res

    def expr_BinOp(self, e):
        op = _BINOPS.get(type(e.op))
        if op is None:
            raise self.unsupported(f"binary operator {type(e.op).__name__}", e)
        a = self.value(self.expr(e.left), e.left)
        b = self.value(self.expr(e.right), e.right)
        return self.binop(op, a, b, e)

    def binop(self, op, a, b, node):
        blk = self.env.block
        if is_tensor(a.type) or is_tensor(b.type):
            name = _TENSOR_BIN[op]
            if not is_tensor(a.type):
                if op in ("add", "mul", "eq", "ne"):
                    a, b = b, a
                elif op == "sub":
                    return blk.call("rsub", [b, a])
                elif op in ("lt", "le", "gt", "ge"):
                    flip = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le"}[op]
                    return blk.call(flip, [b, a])
                else:
                    a = (
                        blk.call("scalar_tensor", [a], out_types=(T.Tensor,))
                        if False
                        else (blk.create("prim::NumToTensor", [a], (T.Tensor,)).outputs[0])
                    )
            return blk.call(name, [a, b])
        if op == "matmul":
            raise self.error("@ needs tensors", node)
        if a.type == T.Str or b.type == T.Str or isinstance(a.type, T.ListType):
            return blk.py(op, [a, b], a.type)
        if op in ("eq", "ne", "lt", "le", "gt", "ge"):
            return blk.py(op, [a, b], T.Bool)
        return blk.py(op, [a, b], num_result(a.type, b.type, op))

    def expr_UnaryOp(self, e):
        v = self.value(self.expr(e.operand), e.operand)
        blk = self.env.block
        if isinstance(e.op, ast.Not):
            return blk.py("not", [v], T.Bool)
        if is_tensor(v.type):
            name = {ast.USub: "neg", ast.UAdd: "positive", ast.Invert: "bitwise_not"}[type(e.op)]
            return blk.call(name, [v])
        name = {ast.USub: "neg", ast.UAdd: "pos", ast.Invert: "invert"}[type(e.op)]
        return blk.py(name, [v], v.type)

    def expr_BoolOp(self, e):
        # short-circuit: a and b -> if a: b else: False
        cur = self.value(self.expr(e.values[0]), e.values[0])
        for nxt in e.values[1:]:
            node = self.env.block.if_(cur, out_types=(T.Bool,))
            is_and = isinstance(e.op, ast.And)
            eval_blk, const_blk = (node.blocks[0], node.blocks[1]) if is_and else (
                node.blocks[1], node.blocks[0])  # fmt: skip
            ref = self.refinements(e.values[0], self.env)[0 if is_and else 1]
            sub = self.env.child(eval_blk)
            sub.vars.update(self.apply_refinements(ref, eval_blk))
            v = self.with_env(sub, lambda n=nxt: self.value(self.expr(n), n))
            eval_blk.add_output(v)
            const_blk.add_output(const_blk.constant(not is_and))
            cur = node.outputs[0]
        return cur

    def with_env(self, env, fn):
        saved = self.env
        self.env = env
        try:
            return fn()
        finally:
            self.env = saved

    def expr_IfExp(self, e):
        cond = self.condition(e.test)
        tr, fr = self.refinements(e.test, self.env)
        node = self.env.block.if_(cond)
        vals = []
        for blk, sub, ref in ((node.blocks[0], e.body, tr), (node.blocks[1], e.orelse, fr)):
            env = self.env.child(blk)
            env.vars.update(self.apply_refinements(ref, blk))
            vals.append(self.with_env(env, lambda s=sub: self.value(self.expr(s), s)))
        t = T.unify(v.type for v in vals)
        for blk, v in zip(node.blocks, vals):
            blk.add_output(v)
        self._set_outputs(node, [t])
        return node.outputs[0]

    def expr_Compare(self, e):
        blk = self.env.block
        results = []
        left = e.left
        for op, right in zip(e.ops, e.comparators):
            if isinstance(op, (ast.Is, ast.IsNot)):
                a = self.value(self.expr(left), left)
                b = self.value(self.expr(right), right)
                results.append(blk.py("is" if isinstance(op, ast.Is) else "is_not", [a, b], T.Bool))
            elif isinstance(op, (ast.In, ast.NotIn)):
                a = self.value(self.expr(left), left)
                b = self.value(self.expr(right), right)
                r = blk.py("contains", [b, a], T.Bool)
                results.append(r if isinstance(op, ast.In) else blk.py("not", [r], T.Bool))
            else:
                a = self.value(self.expr(left), left)
                b = self.value(self.expr(right), right)
                results.append(self.binop(_CMPOPS[type(op)], a, b, e))
            left = right
        out = results[0]
        for r in results[1:]:
            out = blk.py("and", [out, r], T.Bool)
        return out

    def expr_Attribute(self, e):
        base = self.expr(e.value)
        if e.attr.startswith("__") and e.attr.endswith("__"):
            raise self.unsupported(f"access to the attribute '{e.attr}'", e)
        if isinstance(base, Sugar):
            return base.attr(self, e.attr, e)
        return self.attr_of_value(self.env, base, e.attr, e)

    def expr_Call(self, e):
        fn = self.expr(e.func)
        if getattr(fn, "raw_args", False):
            return fn.call_raw(self, e)
        args = []
        for a in e.args:
            if isinstance(a, ast.Starred):
                raise self.unsupported("starred arguments (*args)", a)
            args.append(self.expr(a))
        kwargs = {}
        for k in e.keywords:
            if k.arg is None:
                raise self.unsupported("keyword argument unpacking (**kwargs)", k)
            kwargs[k.arg] = self.expr(k.value)
        if isinstance(fn, Sugar):
            return fn.call(self, args, kwargs, e)
        raise self.error(f"a value of type '{fn.type}' cannot be called", e)

    def expr_Subscript(self, e):
        base = self.expr(e.value)
        if isinstance(base, Sugar):
            if hasattr(base, "subscript"):
                return base.subscript(self, e.slice, e)
            raise self.unsupported(f"indexing {base.describe()}", e)
        blk = self.env.block
        t = base.type
        if is_tensor(t):
            key = self.index_key(e.slice, e)
            return blk.create("aten::_ember_getitem", [base, key], (T.Tensor,)).outputs[0]
        if isinstance(e.slice, ast.Slice):
            lo, hi, st = (self.value(self.expr(x), x) if x is not None else blk.constant(None)
                          for x in (e.slice.lower, e.slice.upper, e.slice.step))  # fmt: skip
            return blk.py("slice", [base, lo, hi, st], t)
        k = self.value(self.expr(e.slice), e.slice)
        if isinstance(t, T.TupleType):
            kc = (
                k.node.attrs.get("value")
                if k.node is not None and k.node.kind == "prim::Constant"
                else None
            )
            et = (
                t.elems[kc] if isinstance(kc, int) and -len(t.elems) <= kc < len(t.elems) else T.Any
            )
            return blk.create("prim::TupleIndex", [base, k], (et,)).outputs[0]
        return blk.py("getitem", [base, k], _elem_type(t))

    def index_key(self, sl, node):
        """A tensor index as a Value: tuple of ints, slices (as (lo, hi, step) tuples), None,
        Ellipsis and tensors, run by ``aten::_ember_getitem``."""
        blk = self.env.block
        parts = sl.elts if isinstance(sl, ast.Tuple) else [sl]
        vals = []
        for p in parts:
            if isinstance(p, ast.Slice):
                lo, hi, st = (self.value(self.expr(x), x) if x is not None else blk.constant(None)
                              for x in (p.lower, p.upper, p.step))  # fmt: skip
                vals.append(blk.create("aten::_ember_slice", [lo, hi, st], (T.Any,)).outputs[0])
            elif isinstance(p, ast.Constant) and p.value is Ellipsis:
                vals.append(blk.create("aten::_ember_ellipsis", [], (T.Any,)).outputs[0])
            else:
                vals.append(self.value(self.expr(p), p))
        return blk.create(
            "prim::TupleConstruct", vals, (T.TupleType(tuple(v.type for v in vals)),)
        ).outputs[0]

    def expr_JoinedStr(self, e):
        fmt, args = [], []
        for part in e.values:
            if isinstance(part, ast.Constant):
                fmt.append(str(part.value).replace("{", "{{").replace("}", "}}"))
            elif part.conversion != -1 or part.format_spec is not None:
                raise self.unsupported("f-string conversions and format specs", part)
            else:
                fmt.append("{}")
                args.append(self.value(self.expr(part.value), part.value))
        blk = self.env.block
        return blk.py("format", [blk.constant("".join(fmt)), *args], T.Str)

    def expr_Lambda(self, e):
        raise self.unsupported("lambdas", e)

    # builtins ------------------------------------------------------------------------------
    def call_builtin(self, name, args, kwargs, node):
        blk = self.env.block
        if name == "isinstance":
            v = self.value(args[0], node)
            types = self.isinstance_types(node.args[1])
            return self._isinstance(v, types, blk)
        if name in ("print",):
            blk.create("prim::Print", self.values(args, node), ())
            return blk.constant(None)
        if name == "getattr":
            key = node.args[1]
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                raise self.unsupported("getattr with a non-literal name", node)
            obj = args[0]
            if isinstance(obj, Sugar):
                return obj.attr(self, key.value, node)
            return self.attr_of_value(self.env, obj, key.value, node)
        if name == "hasattr":
            return blk.constant(self.static_hasattr(node))
        if name in ("range", "enumerate", "zip"):
            raise self.unsupported(f"{name}() outside a for loop", node)
        vals = self.values(args, node)
        if name == "len":
            v = vals[0]
            if is_tensor(v.type):
                return blk.method("size", [v, blk.constant(0)], out_types=(T.Int,))
            return blk.py("len", vals, T.Int)
        if name in ("int", "float", "bool"):
            if vals and is_tensor(vals[0].type):
                return blk.method("item", vals, out_types=({"int": T.Int, "float": T.Float,
                                                            "bool": T.Bool}[name],)) if False else (
                    blk.py(name, [blk.method("item", vals, out_types=(T.Number,))],
                           {"int": T.Int, "float": T.Float, "bool": T.Bool}[name]))  # fmt: skip
            return blk.py(name, vals, {"int": T.Int, "float": T.Float, "bool": T.Bool}[name])
        if name == "str":
            return blk.py("str", vals, T.Str)
        if name in ("min", "max"):
            if len(vals) == 1 and isinstance(vals[0].type, T.ListType):
                return blk.py(name, vals, vals[0].type.elem)
            if any(is_tensor(v.type) for v in vals):
                return blk.call({"min": "minimum", "max": "maximum"}[name], vals)
            return blk.py(
                name,
                vals,
                T.unify(v.type for v in vals) if len({v.type for v in vals}) == 1 else T.Float,
            )
        if name == "abs":
            if is_tensor(vals[0].type):
                return blk.call("abs", vals)
            return blk.py("abs", vals, vals[0].type)
        if name in ("list", "tuple"):
            if not vals:
                return blk.list([], T.Tensor)
            return blk.py(name, vals, vals[0].type if name == "list" else T.Any)
        if name == "round":
            return blk.py("round", vals, T.Int if len(vals) == 1 else T.Float)
        if name in ("sum", "any", "all", "divmod"):
            return blk.py(name, vals, T.Bool if name in ("any", "all") else T.Number)
        raise self.unsupported(
            f"Python builtin {name}() is currently not supported in TorchScript", node
        )

    def _isinstance(self, v, types, blk):
        vt = v.type
        static = None
        if vt not in (T.Any,) and not isinstance(vt, T.OptionalType):
            static = any(_type_matches(vt, t) for t in types)
        if static is not None:
            return blk.constant(static)
        return blk.create("prim::isinstance", [v], (T.Bool,), {"types": tuple(types)}).outputs[0]


def _type_matches(vt, t):
    if is_tensor(t):
        return is_tensor(vt)
    if isinstance(t, T.ListType):
        return isinstance(vt, T.ListType)
    if isinstance(t, T.TupleType):
        return isinstance(vt, T.TupleType)
    if isinstance(t, T.DictType):
        return isinstance(vt, T.DictType)
    if isinstance(t, T.OptionalType):
        return vt == T.NoneType or _type_matches(vt, t.elem)
    return vt == t


class _TupleSugar(Sugar):
    """A tuple of compile-time items (e.g. ``(i, module)`` from enumerate over a ModuleList)."""

    def __init__(self, items):
        self.items = list(items)

    def iter_items(self, c, node):
        return self.items

    def subscript(self, c, sl, node):
        if isinstance(sl, ast.Constant) and isinstance(sl.value, int):
            return self.items[sl.value]
        raise c.unsupported("indexing a tuple of modules with a non-literal", node)


class _EllipsisSugar(Sugar):
    pass


def _load(target):
    t = copy.deepcopy(target)
    for n in ast.walk(t):
        if hasattr(n, "ctx"):
            n.ctx = ast.Load()
    return t


def _elem_type(t):
    if isinstance(t, T.ListType):
        return t.elem
    if isinstance(t, T.DictType):
        return t.value
    if t == T.Str:
        return T.Str
    return T.Any


_PY_OK = {
    "append", "extend", "insert", "pop", "clear", "copy", "reverse", "sort", "index", "count",
    "keys", "values", "items", "get", "join", "split", "strip", "startswith", "endswith",
    "lower", "upper", "replace", "format", "getitem",
}  # fmt: skip


def _method_type(t, name, args):
    if name in ("append", "extend", "insert", "clear", "reverse", "sort"):
        return T.NoneType
    if name in ("pop", "get", "getitem"):
        return _elem_type(t)
    if name == "keys":
        return T.List(t.key)
    if name == "values":
        return T.List(t.value)
    if name == "items":
        return T.List(T.Tuple(t.key, t.value))
    if name in ("index", "count"):
        return T.Int
    if name in ("startswith", "endswith"):
        return T.Bool
    if name == "split":
        return T.List(T.Str)
    if name == "copy":
        return t
    return T.Str


_TENSOR_NON_TENSOR = {
    "dim": T.Int, "numel": T.Int, "item": T.Number, "tolist": T.Any, "is_floating_point": T.Bool,
    "is_contiguous": T.Bool, "element_size": T.Int, "stride": T.List(T.Int), "get_device": T.Int,
    "size": T.Int, "nelement": T.Int, "is_complex": T.Bool, "ndimension": T.Int,
    "data_ptr": T.Int, "storage_offset": T.Int,
}  # fmt: skip
_TENSOR_MULTI = {"chunk", "split", "unbind", "tensor_split"}
_TENSOR_TUPLE = {"max", "min", "sort", "topk", "kthvalue", "median", "mode"}


def _tensor_method_type(name):
    if name in _TENSOR_NON_TENSOR:
        return (_TENSOR_NON_TENSOR[name],)
    if name in _TENSOR_MULTI:
        return (T.List(T.Tensor),)
    return (T.Tensor,)


_STMT_WORDS = {
    "With": "with statements", "Try": "try blocks", "Global": "global variables",
    "Nonlocal": "nonlocal variables", "Delete": "del statements", "ClassDef": "class definitions",
    "FunctionDef": "function definitions inside functions", "Import": "import statements",
    "ImportFrom": "import statements", "AsyncFunctionDef": "async functions",
    "AsyncFor": "async for loops", "AsyncWith": "async with statements",
}  # fmt: skip
_EXPR_WORDS = {
    "Lambda": "lambdas", "SetComp": "set comprehensions",
    "GeneratorExp": "generator expressions", "Set": "set literals", "Await": "await",
    "Yield": "yield", "YieldFrom": "yield", "NamedExpr": "assignment expressions (:=)",
    "Starred": "starred expressions",
}  # fmt: skip
