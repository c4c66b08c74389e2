"""dtypes and PyTorch's type promotion.

One function, :func:`result_type_of`, decides the result dtype of every op that
promotes; the rules are PyTorch's, not NumPy's (``int16 + float16`` is
``float16`` here, ``float32`` in NumPy).
"""

from __future__ import annotations

import builtins

import ml_dtypes
import numpy as np

from . import _config

__all__ = [
    "dtype",
    "finfo",
    "iinfo",
    "promote_types",
    "result_type",
    "can_cast",
    "get_default_dtype",
    "set_default_dtype",
]

# Categories, ordered: bool < integer < floating < complex.
BOOL, INT, FLOAT, COMPLEX = 0, 1, 2, 3


class dtype:
    """A tensor element type (``ember.float32`` …); prints as PyTorch prints it."""

    __slots__ = ("name", "np", "itemsize", "category", "is_signed", "_rank")

    def __init__(self, name, np_dtype, category, rank):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self.category = category
        self.is_signed = name not in ("bool", "uint8", "uint16", "uint32", "uint64")
        self._rank = rank

    @property
    def is_floating_point(self) -> bool:
        return self.category == FLOAT

    @property
    def is_complex(self) -> bool:
        return self.category == COMPLEX

    def to_real(self) -> dtype:
        return {complex64: float32, complex128: float64}.get(self, self)

    def to_complex(self) -> dtype:
        return {float64: complex128, complex128: complex128}.get(self, complex64)

    def __repr__(self) -> str:
        # PyTorch's printed form, so output and string checks written for PyTorch match.
        return "torch." + self.name

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))


def _dtype_by_name(name: str) -> dtype:
    return _BY_NAME[name]


bool_ = dtype("bool", np.bool_, BOOL, 0)
uint8 = dtype("uint8", np.uint8, INT, 1)
int8 = dtype("int8", np.int8, INT, 1)
int16 = dtype("int16", np.int16, INT, 2)
int32 = dtype("int32", np.int32, INT, 3)
int64 = dtype("int64", np.int64, INT, 4)
float16 = dtype("float16", np.float16, FLOAT, 1)
bfloat16 = dtype("bfloat16", ml_dtypes.bfloat16, FLOAT, 1)
float32 = dtype("float32", np.float32, FLOAT, 2)
float64 = dtype("float64", np.float64, FLOAT, 3)
complex64 = dtype("complex64", np.complex64, COMPLEX, 2)
complex128 = dtype("complex128", np.complex128, COMPLEX, 3)

ALL = (
    bool_, uint8, int8, int16, int32, int64,
    float16, bfloat16, float32, float64, complex64, complex128,
)  # fmt: skip
_BY_NAME = {d.name: d for d in ALL}
_BY_NP = {d.np: d for d in ALL}

# PyTorch's aliases: torch.half, torch.float, torch.double, torch.long, ...
ALIASES = {
    "bool": bool_,
    "half": float16,
    "float": float32,
    "double": float64,
    "short": int16,
    "int": int32,
    "long": int64,
    "cfloat": complex64,
    "cdouble": complex128,
}


def from_numpy_dtype(npd) -> dtype:
    try:
        return _BY_NP[np.dtype(npd)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(npd)}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
            "uint8, and bool."
        ) from None


def get_default_dtype() -> dtype:
    return _config.state.default_dtype


def set_default_dtype(d: dtype) -> None:
    if not isinstance(d, dtype) or d not in (float16, bfloat16, float32, float64):
        raise TypeError(f"only floating-point types are supported as the default type, got {d!r}")
    _config.state.default_dtype = d


def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype both ``a`` and ``b`` convert to, by PyTorch's lattice."""
    if a is b:
        return a
    if a.category != b.category:
        hi, lo = (a, b) if a.category > b.category else (b, a)
        if hi.category == COMPLEX and lo is float64:
            return complex128
        return hi
    cat = a.category
    if cat == INT:
        if uint8 in (a, b):
            other = b if a is uint8 else a
            return int16 if other is int8 else other
        return a if a._rank > b._rank else b
    if cat == FLOAT:
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if a._rank > b._rank else b
    return a if a._rank > b._rank else b


def _scalar_dtype(x) -> dtype:
    if isinstance(x, builtins.bool):
        return bool_
    if isinstance(x, int):
        return int64
    if isinstance(x, float):
        return get_default_dtype()
    if isinstance(x, complex):
        return get_default_dtype().to_complex()
    raise TypeError(f"unsupported scalar type {type(x).__name__}")


def _combine(higher, lower):
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category == COMPLEX:
        return higher
    if lower.category == COMPLEX:
        return higher.to_complex() if higher.category == FLOAT else lower
    if higher.category == FLOAT:
        return higher
    if higher is bool_ or lower.category == FLOAT:
        return promote_types(higher, lower)
    return higher


def result_type_of(operands) -> dtype:
    """PyTorch's result type over tensors and Python scalars.

    Tensors with dimensions decide first; 0-dim tensors and then Python scalars
    only raise the category (an int64 tensor plus a float is float32, a float32
    tensor plus a 0-dim float64 tensor stays float32).
    """
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if isinstance(d, dtype) and hasattr(x, "_data"):
            if x._data.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        elif x is not None:
            if isinstance(x, np.generic):
                x = x.item()
            s = _scalar_dtype(x)
            wrapped = s if wrapped is None else promote_types(wrapped, s)
    out = _combine(dim, _combine(zero, wrapped))
    if out is None:
        raise TypeError("result_type needs at least one tensor or number")
    return out


def result_type(tensor1, tensor2) -> dtype:
    return result_type_of((tensor1, tensor2))


def can_cast(from_: dtype, to: dtype) -> bool:
    """PyTorch's same-kind rule: no cast to a lower category."""
    if from_.category == COMPLEX and to.category != COMPLEX:
        return False
    if from_.category == FLOAT and to.category in (BOOL, INT):
        return False
    if from_.category != BOOL and to is bool_:
        return False
    return True


def as_dtype(d) -> dtype:
    """Accept ember dtypes, NumPy dtypes and Python types where PyTorch does."""
    if isinstance(d, dtype):
        return d
    if d is builtins.bool:
        return bool_
    if d is int:
        return int64
    if d is float:
        return float64
    if d is complex:
        return complex128
    if isinstance(d, str) and d.startswith("torch."):
        d = d[6:]
    if isinstance(d, str) and d in _BY_NAME:
        return _BY_NAME[d]
    if isinstance(d, str) and d in ALIASES:
        return ALIASES[d]
    try:
        return from_numpy_dtype(d)
    except TypeError:
        raise TypeError(f"{d!r} is not a valid dtype") from None


class finfo:
    """Machine limits of a floating point dtype, with PyTorch's attribute names."""

    def __init__(self, type: dtype | None = None):
        type = get_default_dtype() if type is None else as_dtype(type)
        if type.category not in (FLOAT, COMPLEX):
            raise TypeError(f"torch.finfo() requires a floating point input type, got {type!r}")
        self.dtype = type.to_real().name
        info = ml_dtypes.finfo(type.to_real().np) if type is bfloat16 else np.finfo(type.np)
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = float(info.tiny)
        self.smallest_normal = self.tiny
        self.resolution = float(f"1e-{int(-np.log10(self.eps))}")

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
            f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, "
            f"dtype={self.dtype})"
        )


class iinfo:
    """Limits of an integer dtype, with PyTorch's attribute names."""

    def __init__(self, type: dtype):
        type = as_dtype(type)
        if type.category not in (INT, BOOL):
            raise TypeError(f"torch.iinfo() requires an integer input type, got {type!r}")
        info = np.iinfo(np.uint8 if type is bool_ else type.np)
        self.bits = int(info.bits)
        self.max = int(info.max)
        self.min = int(info.min)
        self.dtype = type.name

    def __repr__(self) -> str:
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


_config.state.default_dtype = float32
