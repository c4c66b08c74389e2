"""TorchScript's static types, as small immutable records.

Every IR value carries one of these. ``str(t)`` is the TorchScript spelling used
both by the graph printer and by the archive code printer (``Tensor``,
``List[int]``, ``Optional[Tensor]``, ``Tuple[Tensor, int]``, ``Dict[str, Tensor]``,
``__torch__.Model``). :func:`parse_type` reads that spelling back and
:func:`type_of` infers the type of a Python value.

Dtypes, layouts and memory formats have no TorchScript type of their own: in
archives they are ``int`` (formats.md §2.5). Inside the IR a dtype value has
type ``ScalarType`` (:data:`DType`) so the printers know to encode it; it
prints as ``int`` in archive code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field


@dataclass(frozen=True)
class JitType:
    """Base of all types; ``name`` is the TorchScript spelling of leaf types."""

    name: str = field(default="Any", kw_only=True)

    def __str__(self) -> str:
        return self.name

    def code_str(self) -> str:
        """The spelling inside archive code (dtypes become ``int``)."""
        return str(self)


@dataclass(frozen=True)
class TensorType(JitType):
    """A tensor; traced graphs may know the dtype and shape (printed as torch does)."""

    name: str = "Tensor"
    dtype: object = None  # an ember dtype or None
    shape: tuple | None = None

    def __str__(self) -> str:
        if self.dtype is None:
            return "Tensor"
        word = _DTYPE_WORDS.get(self.dtype.name, self.dtype.name)
        if self.shape is None:
            return word
        return f"{word}({', '.join(str(s) for s in self.shape)})"

    def code_str(self) -> str:
        return "Tensor"

    def __eq__(self, other):
        return isinstance(other, TensorType)

    def __hash__(self):
        return hash("Tensor")


_DTYPE_WORDS = {
    "float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
    "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
    "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble",
}  # fmt: skip


@dataclass(frozen=True)
class ListType(JitType):
    elem: JitType = JitType()

    def __str__(self) -> str:
        return f"List[{self.elem}]"

    def code_str(self) -> str:
        return f"List[{self.elem.code_str()}]"


@dataclass(frozen=True)
class TupleType(JitType):
    elems: tuple = ()

    def __str__(self) -> str:
        if not self.elems:
            return "Tuple[()]"
        return f"Tuple[{', '.join(str(e) for e in self.elems)}]"

    def code_str(self) -> str:
        if not self.elems:
            return "Tuple[()]"
        return f"Tuple[{', '.join(e.code_str() for e in self.elems)}]"


@dataclass(frozen=True)
class OptionalType(JitType):
    elem: JitType = JitType()

    def __str__(self) -> str:
        return f"Optional[{self.elem}]"

    def code_str(self) -> str:
        return f"Optional[{self.elem.code_str()}]"


@dataclass(frozen=True)
class DictType(JitType):
    key: JitType = JitType(name="str")
    value: JitType = JitType()

    def __str__(self) -> str:
        return f"Dict[{self.key}, {self.value}]"

    def code_str(self) -> str:
        return f"Dict[{self.key.code_str()}, {self.value.code_str()}]"


@dataclass(frozen=True)
class ClassType(JitType):
    """A module or class; ``name`` is the qualified name (``__torch__.Model``)."""

    name: str = "__torch__.Module"


@dataclass(frozen=True)
class FunctionType(JitType):
    """A script function value (the callee of ``prim::CallFunction``)."""

    name: str = "Function"


Tensor = TensorType()
Int = JitType(name="int")
Float = JitType(name="float")
Bool = JitType(name="bool")
Str = JitType(name="str")
Complex = JitType(name="complex")
NoneType = JitType(name="NoneType")
Device = JitType(name="Device")
Any = JitType(name="Any")
# the type of a value not known yet (a loop's early-return slot, fixed after the loop compiles)
Pending = JitType(name="$pending")
Number = JitType(name="Scalar")  # int, float or bool, decided at run time


class _DTypeType(JitType):
    def code_str(self) -> str:
        return "int"


DType = _DTypeType(name="ScalarType")


def List(elem: JitType) -> ListType:  # noqa: N802 - mirrors typing spelling
    return ListType(elem)


def Tuple(*elems: JitType) -> TupleType:  # noqa: N802
    return TupleType(tuple(elems))


def Optional(elem: JitType) -> OptionalType:  # noqa: N802
    return OptionalType(elem)


def Dict(key: JitType, value: JitType) -> DictType:  # noqa: N802
    return DictType(key, value)


_LEAVES = {
    "Tensor": Tensor, "int": Int, "float": Float, "bool": Bool, "str": Str,
    "complex": Complex, "NoneType": NoneType, "None": NoneType, "Device": Device,
    "Any": Any, "Scalar": Number, "number": Number, "ScalarType": DType,
}  # fmt: skip


def parse_type(text: str) -> JitType:
    """Read a TorchScript type spelling: ``'Dict[str, List[Tensor]]'`` -> DictType."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as e:
        raise RuntimeError(f"cannot parse TorchScript type {text!r}") from e
    return _from_ast(tree, text)


def _from_ast(node, text):
    if isinstance(node, ast.Constant) and node.value is None:
        return NoneType
    if isinstance(node, ast.Name):
        if node.id in _LEAVES:
            return _LEAVES[node.id]
        raise RuntimeError(f"unknown TorchScript type {node.id!r} in {text!r}")
    if isinstance(node, ast.Attribute):
        return ClassType(ast.unparse(node))
    if isinstance(node, ast.Subscript):
        head = ast.unparse(node.value)
        sl = node.slice
        args = list(sl.elts) if isinstance(sl, ast.Tuple) else [sl]
        if head in ("List", "list"):
            return ListType(_from_ast(args[0], text))
        if head in ("Optional",):
            return OptionalType(_from_ast(args[0], text))
        if head in ("Tuple", "tuple"):
            if len(args) == 1 and isinstance(args[0], ast.Tuple) and not args[0].elts:
                return TupleType(())
            return TupleType(tuple(_from_ast(a, text) for a in args))
        if head in ("Dict", "dict"):
            return DictType(_from_ast(args[0], text), _from_ast(args[1], text))
        if head == "Final":
            return _from_ast(args[0], text)
        if head == "Union":
            types = [_from_ast(a, text) for a in args]
            rest = [t for t in types if t != NoneType]
            if len(rest) == 1 and len(types) == 2:
                return OptionalType(rest[0])
            return Any
    raise RuntimeError(f"unsupported TorchScript type {text!r}")


def type_of(value) -> JitType:
    """The static type of a Python value (lists take their first element's type)."""
    from .._dtype import dtype as _EmberDType
    from .._tensor import Tensor as _T

    if isinstance(value, _T):
        return TensorType(dtype=value.dtype, shape=tuple(value.shape))
    if value is None:
        return NoneType
    if isinstance(value, bool):
        return Bool
    if isinstance(value, int):
        return Int
    if isinstance(value, float):
        return Float
    if isinstance(value, complex):
        return Complex
    if isinstance(value, str):
        return Str
    if isinstance(value, _EmberDType):
        return DType
    if type(value).__name__ == "device":
        return Device
    if isinstance(value, tuple):
        return TupleType(tuple(type_of(v) for v in value))
    if isinstance(value, list):
        return ListType(unify([type_of(v) for v in value]) if value else Tensor)
    if isinstance(value, dict):
        if not value:
            return DictType(Str, Tensor)
        k = next(iter(value))
        return DictType(type_of(k), unify([type_of(v) for v in value.values()]))
    return Any


def unify(types) -> JitType:
    """The common type of list elements or of If branches (Optional when None mixes in)."""
    types = list(types)
    known = [t for t in types if t != Pending]
    types = known or types
    if not types:
        return Any
    first = types[0]
    if all(t == first for t in types):
        return first
    non_none = [t for t in types if t != NoneType]
    if non_none and all(t == non_none[0] for t in non_none):
        return OptionalType(non_none[0])
    if all(t in (Int, Float, Bool) for t in types):
        return Number
    return Any
