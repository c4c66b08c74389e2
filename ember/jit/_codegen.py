"""Print IR as TorchScript source, the way PyTorch's printer does (formats.md §2.5-2.6).

Every ember registry op becomes one ``torch.<aten name>(...)`` call with aten's
argument order, keyword-only arguments by name and dtypes as integer codes;
primitives print as the Python-subset forms the TorchScript importer reads
(``(sub).forward(x, )``, ``getattr(self, "0")``, ``ops.prim.RaiseException``,
``for i in range(n)``, ``while`` with a carried condition). Tensor constants
become ``CONSTANTS.c<n>``. The printer also collects the aten operators used,
from which the archive version is computed (:func:`version_for`).
"""

from __future__ import annotations

import math
import sys

from .._tensor import Tensor
from . import _ir
from . import _types as T

SCALAR_TYPE_CODE = {
    "uint8": 0, "int8": 1, "int16": 2, "int32": 3, "int64": 4, "float16": 5, "float32": 6,
    "float64": 7, "complex32": 8, "complex64": 9, "complex128": 10, "bool": 11, "bfloat16": 15,
    "float8_e5m2": 23, "float8_e4m3fn": 24, "float8_e5m2fnuz": 25, "float8_e4m3fnuz": 26,
    "uint16": 27, "uint32": 28, "uint64": 29,
}  # fmt: skip

# operator -> archive version that its current semantics need (formats.md §2.7)
VERSION_BUMPS = {"div": 4, "div_": 4, "full": 5, "linspace": 8, "logspace": 9, "gelu": 10}


def version_for(ops_used) -> int:
    return max([3] + [VERSION_BUMPS.get(o, 3) for o in ops_used])


class _Names:
    """Unique Python identifiers for values within one function."""

    def __init__(self):
        self.names: dict = {}
        self.used: set = {"self", "torch", "ops", "CONSTANTS", "annotate", "getattr", "range"}
        self.counter = 0

    def __call__(self, v: _ir.Value) -> str:
        got = self.names.get(v)
        if got is not None:
            return got
        return self.fresh(v, v.hint)

    def fresh(self, v, hint=""):
        base = hint.split(".")[0] if hint else ""
        if not base.isidentifier() or base.startswith("__"):
            base = ""
        if base and base not in self.used:
            name = base
        else:
            stem = base or "_"
            i = 0
            while f"{stem}{i}" in self.used:
                i += 1
            name = f"{stem}{i}"
        self.used.add(name)
        if v is not None:
            self.names[v] = name
        return name


def literal(v, printer=None) -> str:
    """A Python value as TorchScript source."""
    if v is None:
        return "None"
    if v is True:
        return "True"
    if v is False:
        return "False"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        r = repr(v)
        if "." not in r and "e" not in r:
            r += "."
        elif r.endswith(".0"):
            r = r[:-1]
        return r
    if isinstance(v, complex):
        return f"torch.add({literal(v.real)}, {literal(v.imag)}j)"
    if isinstance(v, str):
        s = v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{s}"'
    if isinstance(v, (list, tuple)):
        inner = ", ".join(literal(x, printer) for x in v)
        if isinstance(v, tuple):
            return f"({inner},)" if len(v) == 1 else f"({inner})"
        return f"[{inner}]"
    name = type(v).__name__
    if name == "dtype":
        return str(SCALAR_TYPE_CODE[v.name])
    if name == "device":
        return f'torch.device("{v}")'
    if isinstance(v, Tensor):
        if printer is None:
            raise NotImplementedError("a tensor constant needs an archive to live in")
        return printer.tensor_constant(v)
    raise NotImplementedError(f"cannot print a constant of type {type(v).__name__}")


def _ints(v) -> str:
    if v is None:
        return "None"
    if isinstance(v, int):
        v = (v,)
    return "[" + ", ".join(str(int(x)) for x in v) + "]"


def _tensor_typed(v: _ir.Value) -> bool:
    return isinstance(v.type, T.TensorType)


# --- ember op -> aten call ---------------------------------------------------------------------
# Each printer gets (P, node, args: list of printed inputs) and returns
# (aten_name, positional strings, keyword dict).

_UNARY = (
    "abs neg sign sgn signbit exp exp2 expm1 log log2 log10 log1p sqrt rsqrt reciprocal square "
    "sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh sigmoid relu deg2rad rad2deg "
    "angle floor ceil trunc frac isnan isinf isfinite isposinf isneginf isreal conj real imag "
    "logical_not bitwise_not erf erfc erfinv lgamma digamma i0 sinc clone contiguous alias"
).split()
_BINARY = (
    "mul remainder fmod pow atan2 hypot maximum minimum fmax fmin logaddexp logaddexp2 xlogy "
    "copysign nextafter gcd lcm heaviside logical_and logical_or logical_xor bitwise_and "
    "bitwise_or bitwise_xor bitwise_left_shift bitwise_right_shift matmul mm bmm mv dot"
).split()
_COMMUTATIVE = {"mul", "maximum", "minimum", "logical_and", "logical_or", "logical_xor",
                "bitwise_and", "bitwise_or", "bitwise_xor", "add", "eq", "ne"}  # fmt: skip
_FLIP_CMP = {"lt": "gt", "gt": "lt", "le": "ge", "ge": "le", "eq": "eq", "ne": "ne"}


def _p_unary(P, n, a):
    if n.attrs:
        if n.target == "round" and n.attrs.get("decimals", 0):
            return "round", a, {"decimals": str(n.attrs["decimals"])}
        if any(v is not None for v in n.attrs.values()):
            raise NotImplementedError(f"printing ember::{n.target} with attributes {n.attrs}")
    return n.target, a, {}


def _p_binary(P, n, a):
    name = n.target
    x, y = n.inputs[0], n.inputs[1]
    if not _tensor_typed(x) and _tensor_typed(y):
        if name in _COMMUTATIVE:
            return name, [a[1], a[0]], {}
        if name in _FLIP_CMP:
            return _FLIP_CMP[name], [a[1], a[0]], {}
        if name == "pow":
            return "pow", a, {}
        return name, [f"torch.scalar_tensor({a[0]})", a[1]], {}
    return name, a, {}


def _p_addsub(P, n, a):
    alpha = n.attrs.get("alpha", 1)
    kw = {} if alpha == 1 else {"alpha": literal(alpha)}
    x, y = n.inputs[0], n.inputs[1]
    if not _tensor_typed(x) and _tensor_typed(y):
        if n.target == "add":
            if alpha != 1:
                return "add", [a[1], a[0]], {}  # not reached by ember's own bindings
            return "add", [a[1], a[0]], {}
        return "rsub", [a[1], a[0]], kw
    return n.target, a, kw


def _p_div(P, n, a):
    mode = n.attrs.get("rounding_mode")
    kw = {} if mode is None else {"rounding_mode": literal(mode)}
    x, y = n.inputs[0], n.inputs[1]
    if not _tensor_typed(x) and _tensor_typed(y):
        return "div", [f"torch.scalar_tensor({a[0]})", a[1]], kw
    return "div", a, kw


def _p_cmp(P, n, a):
    x, y = n.inputs[0], n.inputs[1]
    if not _tensor_typed(x) and _tensor_typed(y):
        return _FLIP_CMP[n.target], [a[1], a[0]], {}
    return n.target, a, {}


def _p_where(P, n, a):
    return "where", a, {}


def _p_clamp(P, n, a):
    return "clamp", a, {}


def _p_softmax(P, n, a):
    return n.target, [a[0], str(n.attrs["dim"])], {}


def _p_select(P, n, a):
    return "select", [a[0], str(n.attrs["dim"]), str(n.attrs["index"])], {}


def _p_slice(P, n, at):
    a = n.attrs
    return "slice", [at[0], str(a["dim"]), literal(a["start"]), literal(a["end"]),
                     str(a["step"])], {}  # fmt: skip


def _p_view(P, n, a):
    return "view", [a[0], _ints(n.attrs["shape"])], {}


def _p_expand(P, n, a):
    return "expand", [a[0], _ints(n.attrs["shape"])], {}


def _p_permute(P, n, a):
    return "permute", [a[0], _ints(n.attrs["dims"])], {}


def _p_transpose(P, n, a):
    return "transpose", [a[0], str(n.attrs["dim0"]), str(n.attrs["dim1"])], {}


def _p_unsqueeze(P, n, a):
    return "unsqueeze", [a[0], str(n.attrs["dim"])], {}


def _p_squeeze(P, n, a):
    dims = n.attrs.get("dims")
    return "squeeze", [a[0]] if dims is None else [a[0], _ints(dims)], {}


def _p_to_copy(P, n, a):
    return "to", [a[0], literal(n.attrs["dtype"])], {}


def _p_cat(P, n, a):
    return "cat", ["[" + ", ".join(a) + "]", str(n.attrs.get("dim", 0))], {}


def _p_reduce(P, n, a):
    at = n.attrs
    dims, keep, dtype = at.get("dims"), at.get("keepdim", False), at.get("dtype")
    name = n.target
    if name in ("sum", "mean"):
        if dims is None and not keep:
            return name, [a[0]], {} if dtype is None else {"dtype": literal(dtype)}
        return (
            name,
            [a[0], _ints(dims), literal(keep)],
            ({} if dtype is None else {"dtype": literal(dtype)}),
        )
    if name in ("amax", "amin", "logsumexp"):
        d = dims if dims is not None else ()
        return name, [a[0], _ints(d), literal(keep)], {}
    if name in ("var", "std"):
        corr = at.get("correction", 1)
        kw = {"correction": literal(corr), "keepdim": literal(keep)}
        return name, [a[0], _ints(dims)], kw
    if name in ("max", "min") and not at:
        return name, [a[0]], {}
    if name in ("max.dim", "min.dim"):
        return name.split(".")[0], [a[0], str(at.get("dim", 0)), literal(at.get("keepdim"))], {}
    if name in ("argmax", "argmin"):
        dim = at.get("dim")
        return name, [a[0], literal(dim), literal(at.get("keepdim", False))], {}
    if name in ("all", "any", "prod") and not at:
        return name, [a[0]], {}
    raise NotImplementedError(f"printing ember::{name} with attributes {at}")


def _p_convolution(P, n, a):
    at = n.attrs
    w = n.inputs[1]
    pads = at.get("padding", ((0, 0),))
    nd = len(pads)
    bias = a[2] if len(a) > 2 else "None"
    x = a[0]
    if any(lo != hi for lo, hi in pads):
        flat = []
        for lo, hi in reversed(pads):
            flat += [lo, hi]
        x = f"torch.constant_pad_nd({x}, {_ints(flat)}, 0)"
        pads = tuple((0, 0) for _ in pads)
    del w
    return f"conv{nd}d", [x, a[1], bias, _ints(at.get("stride", (1,) * nd)),
                          _ints([p[0] for p in pads]), _ints(at.get("dilation", (1,) * nd)),
                          str(at.get("groups", 1))], {}  # fmt: skip


def _p_pad(P, n, a):
    return "constant_pad_nd", [a[0], _ints(n.attrs.get("pads", ())),
                               literal(n.attrs.get("value", 0))], {}  # fmt: skip


def _p_embedding(P, n, a):
    pidx = n.attrs.get("padding_idx")
    sgf = n.attrs.get("scale_grad_by_freq", False)
    return "embedding", [a[0], a[1], str(-1 if pidx is None else pidx), literal(sgf),
                         "False"], {}  # fmt: skip


def _p_masked_fill(P, n, a):
    return "masked_fill", a, {}


def _p_repeat(P, n, a):
    return "repeat", [a[0], _ints(n.attrs["sizes"])], {}


def _p_flip(P, n, a):
    return "flip", [a[0], _ints(n.attrs["dims"])], {}


def _p_copy(P, n, a):
    return "copy", a, {}


def _p_fill(P, n, a):
    return "fill", a, {}


def _p_lerp(P, n, a):
    return "lerp", a, {}


def _p_addc(P, n, a):
    v = n.attrs.get("value", 1)
    return n.target, a, {} if v == 1 else {"value": literal(v)}


OP_PRINTERS = {name: _p_unary for name in _UNARY + ["round", "logit"]}
OP_PRINTERS.update({name: _p_binary for name in _BINARY})
OP_PRINTERS.update({name: _p_cmp for name in ("eq", "ne", "lt", "le", "gt", "ge")})
OP_PRINTERS.update({
    "add": _p_addsub, "sub": _p_addsub, "div": _p_div, "where": _p_where, "clamp": _p_clamp,
    "softmax": _p_softmax, "log_softmax": _p_softmax, "select": _p_select, "slice": _p_slice,
    "view": _p_view, "expand": _p_expand, "permute": _p_permute, "transpose": _p_transpose,
    "unsqueeze": _p_unsqueeze, "squeeze": _p_squeeze, "_to_copy": _p_to_copy, "cat": _p_cat,
    "convolution": _p_convolution, "constant_pad_nd": _p_pad, "embedding": _p_embedding,
    "masked_fill": _p_masked_fill, "repeat": _p_repeat, "flip": _p_flip, "copy": _p_copy,
    "fill": _p_fill, "lerp": _p_lerp, "addcmul": _p_addc, "addcdiv": _p_addc,
})  # fmt: skip
for _r in ("sum", "mean", "amax", "amin", "logsumexp", "var", "std", "max", "min", "max.dim",
           "min.dim", "argmax", "argmin", "all", "any", "prod"):  # fmt: skip
    OP_PRINTERS[_r] = _p_reduce

# call::<path> of public ember functions -> aten name (same argument order)
CALL_ATEN = {
    "nn.functional.relu": "relu", "nn.functional.linear": "linear", "relu": "relu",
    "sigmoid": "sigmoid", "tanh": "tanh", "matmul": "matmul", "add": "add", "mul": "mul",
    "zeros": "zeros", "ones": "ones", "cat": "cat", "stack": "stack",
}  # fmt: skip

PY_ATEN = {
    "add": "add", "sub": "sub", "mul": "mul", "truediv": "div", "div": "div",
    "floordiv": "floordiv", "mod": "remainder", "pow": "pow", "neg": "neg", "not": "__not__",
    "is": "__is__", "is_not": "__isnot__", "eq": "eq", "ne": "ne", "lt": "lt", "le": "le",
    "gt": "gt", "ge": "ge", "len": "len", "append": "append", "format": "format",
    "setitem": "_set_item", "contains": "__contains__", "min": "min", "max": "max",
    "abs": "abs", "keys": "keys", "values": "values", "extend": "extend", "insert": "insert",
    "pop": "pop", "and": "__and__", "or": "__or__", "bitand": "__and__", "bitor": "__or__",
    "copy": "copy", "clear": "clear", "list": "list", "slice": "slice",
}  # fmt: skip


class Printer:
    """Prints functions and methods; shared by all code files of one archive."""

    def __init__(self):
        self.constants: list = []  # tensors printed as CONSTANTS.c<n>
        self._const_ids: dict = {}
        self.ops_used: set = set()
        self.functions: dict = {}  # qualified name -> ScriptFunction called via CallFunction

    def tensor_constant(self, t) -> str:
        i = self._const_ids.get(id(t))
        if i is None:
            i = self._const_ids[id(t)] = len(self.constants)
            self.constants.append(t)
        return f"CONSTANTS.c{i}"

    # functions ---------------------------------------------------------------------------------
    def function(self, fn, self_type: str | None = None, indent: str = "") -> list[str]:
        g = fn.graph
        names = _Names()
        params = []
        for i, (v, arg) in enumerate(zip(g.inputs, fn.arg_names)):
            if i == 0 and fn.is_method:
                names.names[v] = "self"
                params.append(f"self: {self_type or v.type}")
                continue
            nm = names.fresh(v, arg)
            ann = f"{nm}: {v.type.code_str()}"
            if arg in fn.defaults:
                ann += "=" + literal(fn.defaults[arg], self)
            params.append(ann)
        ret = fn.return_type.code_str() if hasattr(fn.return_type, "code_str") else "Tensor"
        sep = ",\n" + indent + "    "
        lines = [f"{indent}def {fn.name}({sep.join(params)}) -> {ret}:"]
        body = indent + "  "
        self.names = names
        lines += self.block(g, body, final=True)
        return lines

    def block(self, b: _ir.Block, ind: str, final=False, assign_to=None) -> list[str]:
        out = []
        for n in b.nodes:
            out += self.node(n, ind)
        if final:
            if len(b.outputs) == 1:
                out.append(f"{ind}return {self.expr(b.outputs[0])}")
            else:
                out.append(f"{ind}return ({', '.join(self.expr(v) for v in b.outputs)})")
        elif assign_to:
            lhs = ", ".join(assign_to)
            rhs = ", ".join(self.expr(v) for v in b.outputs)
            out.append(f"{ind}{lhs} = {rhs}")
        if not out:
            out.append(f"{ind}pass")
        return out

    def expr(self, v: _ir.Value) -> str:
        n = v.node
        if n is not None and n.kind == "prim::Constant":
            return literal(n.attrs["value"], self)
        return self.names(v)

    def _lhs(self, n) -> str:
        if not n.outputs:
            return ""
        if len(n.outputs) == 1:
            comma = "," if n.kind in ("prim::ListUnpack", "prim::TupleUnpack") else ""
            return self.names(n.outputs[0]) + comma + " = "
        return ", ".join(self.names(o) for o in n.outputs) + " = "

    def node(self, n: _ir.Node, ind: str) -> list[str]:
        k = n.kind
        a = [self.expr(v) for v in n.positional()]
        kw = {name: self.expr(v) for name, v in n.keywords().items()}
        if k == "prim::Constant":
            return []
        if k == "prim::If":
            return self._if(n, ind)
        if k == "prim::Loop":
            return self._loop(n, ind)
        lhs = self._lhs(n)
        return [f"{ind}{lhs}{self.call_expr(n, a, kw)}"]

    def call_expr(self, n, a, kw) -> str:
        ns, _, target = n.kind.partition("::")
        if ns == "ember":
            printer = OP_PRINTERS.get(target)
            if printer is None:
                raise NotImplementedError(
                    f"saving a graph with ember::{target}: no TorchScript spelling for this op yet"
                )
            name, args, kws = printer(self, n, a)
            kws = {**kws, **kw}
            if n.inplace:
                name += "_"
            return self._aten(name, args, kws)
        if ns == "call":
            name = n.attrs.get("aten") or CALL_ATEN.get(target) or _schema_name(target)
            if name is None:
                raise NotImplementedError(
                    f"saving a graph that calls ember.{target}: no TorchScript spelling for it yet"
                )
            return self._aten(name, a, kw)
        if ns == "method":
            return self._aten(target, a, kw)
        if ns == "aten":
            return self._aten(target, a, kw)
        if ns == "py":
            return self._py(target, a)
        prim = _PRIM_PRINTERS.get(n.kind)
        if prim is not None:
            return prim(self, n, a)
        if ns and ns != "prim":
            self.ops_used.add(target)
            return f"ops.{ns}.{target}({self._args(a, kw)})"
        raise NotImplementedError(f"printing {n.kind} as TorchScript is not supported")

    def _aten(self, name, args, kws) -> str:
        self.ops_used.add(name)
        return f"torch.{name}({self._args(args, kws)})"

    @staticmethod
    def _args(args, kws) -> str:
        return ", ".join(list(args) + [f"{k}={v}" for k, v in kws.items()])

    def _py(self, target, a) -> str:
        if target == "getitem":
            return f"({a[0]})[{a[1]}]"
        if target in ("int", "float", "bool", "str"):
            return f"{target}({a[0]})"
        name = PY_ATEN.get(target)
        if name is None:
            raise NotImplementedError(f"printing the builtin py::{target} is not supported")
        return self._aten(name, a, {})

    def cond_expr(self, v: _ir.Value) -> str:
        """A condition: a Tensor is turned into a bool with ``bool(...)`` as torch prints it."""
        if _tensor_typed(v):
            return f"bool({self.expr(v)})"
        return self.expr(v)

    def _if(self, n, ind) -> list[str]:
        outs = [self.names(o) for o in n.outputs]
        lines = [f"{ind}if {self.cond_expr(n.inputs[0])}:"]
        lines += self.block(n.blocks[0], ind + "  ", assign_to=outs)
        lines.append(f"{ind}else:")
        lines += self.block(n.blocks[1], ind + "  ", assign_to=outs)
        return lines

    def _loop(self, n, ind) -> list[str]:
        trips, cond = n.inputs[0], n.inputs[1]
        carried_in = n.inputs[2:]
        body = n.blocks[0]
        slots = [self.names(o) for o in n.outputs]
        for v, s in zip(body.inputs[1:], slots):
            self.names.names[v] = s
        lines = []
        if slots:
            lines.append(f"{ind}{', '.join(slots)} = {', '.join(self.expr(v) for v in carried_in)}")
        body_cond = body.outputs[0]
        is_for = _is_true(cond) and _is_true(body_cond)
        i_name = self.names(body.inputs[0])
        if is_for:
            lines.append(f"{ind}for {i_name} in range({self.expr(trips)}):")
            inner = self.block(body, ind + "  ", assign_to=None)
            if slots:
                inner = [ln for ln in inner if ln.strip() != "pass"]
                inner.append(
                    f"{ind}  {', '.join(slots)} = "
                    f"{', '.join(self.expr(v) for v in body.outputs[1:])}"
                )
            lines += inner
            return lines
        unlimited = (trips.node is not None and trips.node.kind == "prim::Constant"
                     and trips.node.attrs["value"] >= sys.maxsize)  # fmt: skip
        c = self.names.fresh(None, "_c")
        lines.append(f"{ind}{c} = {self.cond_expr(cond)}")
        lines.append(f"{ind}{i_name} = 0")
        if unlimited:
            lines.append(f"{ind}while {c}:")
        else:  # a for loop that may break: torch's printer also writes the trip test
            lines.append(f"{ind}while torch.lt({i_name}, {self.expr(trips)}) and {c}:")
        inner = [ln for ln in self.block(body, ind + "  ") if ln.strip() != "pass"]
        rhs = [self.cond_expr(body.outputs[0])] + [self.expr(v) for v in body.outputs[1:]]
        inner.append(f"{ind}  {', '.join([c, *slots])} = {', '.join(rhs)}")
        inner.append(f"{ind}  {i_name} = torch.add({i_name}, 1)")
        return lines + inner


def _schema_name(target: str):
    """``call::<name>`` of a top-level ember function whose signature is aten's: ``torch.<name>``.

    ember's public functions take torch's Python arguments, which for these names are
    the aten schema's, so the call prints unchanged (keyword arguments by name).
    """
    if "." in target:
        return None
    from ._frontend import schema

    return target if f"aten::{target}" in schema.TABLE else None


def _is_true(v) -> bool:
    n = v.node
    return n is not None and n.kind == "prim::Constant" and n.attrs["value"] is True


def _getattr_expr(P, n, a):
    name = n.attrs["name"]
    if name.isidentifier():
        return f"{a[0]}.{name}"
    return f"getattr({a[0]}, {literal(name)})"


def _setattr_stmt(P, n, a):
    name = n.attrs["name"]
    target = f"{a[0]}.{name}" if name.isidentifier() else None
    if target is None:
        raise NotImplementedError(f"printing prim::SetAttr of the attribute {name!r}")
    return f"{target} = {a[1]}"


def _call_method(P, n, a):
    rest = "".join(f"{x}, " for x in a[1:])
    return f"({a[0]}).{n.attrs['name']}({rest})"


def _call_function(P, n, a):
    fn = n.attrs["fn"]
    P.functions[fn.qualified_name] = fn
    rest = "".join(f"{x}, " for x in a)
    return f"{fn.qualified_name}({rest})"


def _list(P, n, a):
    if not a:
        return f"annotate({n.outputs[0].type.code_str()}, [])"
    return "[" + ", ".join(a) + "]"


def _tuple(P, n, a):
    if len(a) == 1:
        return f"({a[0]},)"
    return "(" + ", ".join(a) + ")"


def _unpack(P, n, a):
    return a[0]


def _dict(P, n, a):
    if not a:
        return f"annotate({n.outputs[0].type.code_str()}, {{}})"
    return "{" + ", ".join(f"{k}: {v}" for k, v in zip(a[0::2], a[1::2])) + "}"


def _raise(P, n, a):
    return f"ops.prim.RaiseException({', '.join(a)})"


_PRIM_PRINTERS = {
    "prim::GetAttr": _getattr_expr,
    "prim::SetAttr": _setattr_stmt,
    "prim::CallMethod": _call_method,
    "prim::CallFunction": _call_function,
    "prim::ListConstruct": _list,
    "prim::TupleConstruct": _tuple,
    "prim::ListUnpack": _unpack,
    "prim::TupleUnpack": _unpack,
    "prim::TupleIndex": lambda P, n, a: f"({a[0]})[{a[1]}]",
    "prim::DictConstruct": _dict,
    "prim::RaiseException": _raise,
    "prim::Uninitialized": lambda P, n, a: f"uninitialized({n.outputs[0].type.code_str()})",
    "prim::unchecked_cast": lambda P, n, a: (
        f"unchecked_cast({n.outputs[0].type.code_str()}, {a[0]})"
    ),
    "prim::isinstance": lambda P, n, a: _isinstance(n, a),
    "prim::NumToTensor": lambda P, n, a: f"ops.prim.NumToTensor({a[0]})",
    "prim::device": lambda P, n, a: f"ops.prim.device({a[0]})",
    "prim::dtype": lambda P, n, a: f"ops.prim.dtype({a[0]})",
    "prim::Print": lambda P, n, a: f"print({', '.join(a)})",
}


def _isinstance(n, a) -> str:
    types = [t.code_str() for t in n.attrs["types"]]
    spelled = types[0] if len(types) == 1 else "(" + ", ".join(types) + ")"
    return f"isinstance({a[0]}, {spelled})"


def function_source(fn) -> str:
    """``fn.code``: the printed ``def`` of one function or method (self typed by its class)."""
    P = Printer()
    self_type = fn.qualified_name if fn.is_method else None
    return "\n".join(P.function(fn, self_type)) + "\n"
