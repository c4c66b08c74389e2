"""Python operators on tensors, bound to registry ops as PyTorch binds them."""

from __future__ import annotations

from .._autograd.node import show_grad_fn_as
from ._helpers import Tensor, dispatch, is_scalar
from ._registry import FUNCTIONS as F
from ._registry import METHODS, REGISTRY

# Operators call the registry's functions bound here once (the registry is complete when
# this module is imported) rather than looking them up per call. Tensors and Python
# numbers, the operands of nearly every call, are recognised by their type alone.
_FAST = frozenset((Tensor, float, int))


def _operand(x):
    return type(x) in _FAST or isinstance(x, Tensor) or is_scalar(x)


def _binary(name, reflected=False):
    fn = METHODS[name]

    if reflected:

        def op(self, other):
            if type(other) not in _FAST and not _operand(other):
                return NotImplemented
            return fn(other, self)

    else:

        def op(self, other):
            if type(other) not in _FAST and not _operand(other):
                return NotImplemented
            return fn(self, other)

    return op


_GRAD_NAMES = {"sub": "RsubBackward1", "pow": "PowBackward2"}


def _rbinary_scalar(opname):
    # other (a scalar) op self: dispatch with the scalar first, as PyTorch does.
    rop = REGISTRY[opname]
    grad_name = _GRAD_NAMES.get(opname)

    def op(self, other):
        if not _operand(other):
            return NotImplemented
        res = dispatch(rop, (other, self))
        return show_grad_fn_as(res, grad_name) if grad_name else res

    return op


def _inplace(name):
    fn = METHODS[name + "_"]

    def op(self, other):
        if type(other) not in _FAST and not _operand(other):
            return NotImplemented
        return fn(self, other)

    return op


def _floordiv(self, other):
    if not _operand(other):
        return NotImplemented
    return F["div"](self, other, rounding_mode="floor")


def _rfloordiv(self, other):
    if not _operand(other):
        return NotImplemented
    return F["div"](other, self, rounding_mode="floor")


def _ifloordiv(self, other):
    return METHODS["div_"](self, other, rounding_mode="floor")


def _rdiv(self, other):
    if not _operand(other):
        return NotImplemented
    return F["div"](other, self)


def _rmod(self, other):
    if not _operand(other):
        return NotImplemented
    return dispatch(REGISTRY["remainder"], (other, self))


_matmul_fn = F["matmul"]


def _matmul(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return _matmul_fn(self, other)


def _rmatmul(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return _matmul_fn(other, self)


_neg, _abs, _invert = METHODS["neg"], METHODS["abs"], METHODS["bitwise_not"]

OPERATORS = {
    "__add__": _binary("add"),
    "__radd__": _binary("add"),
    "__iadd__": _inplace("add"),
    "__sub__": _binary("sub"),
    "__rsub__": _rbinary_scalar("sub"),
    "__isub__": _inplace("sub"),
    "__mul__": _binary("mul"),
    "__rmul__": _binary("mul"),
    "__imul__": _inplace("mul"),
    "__truediv__": _binary("div"),
    "__rtruediv__": _rdiv,
    "__itruediv__": _inplace("div"),
    "__floordiv__": _floordiv,
    "__rfloordiv__": _rfloordiv,
    "__ifloordiv__": _ifloordiv,
    "__mod__": _binary("remainder"),
    "__rmod__": _rmod,
    "__imod__": _inplace("remainder"),
    "__pow__": _binary("pow"),
    "__rpow__": _rbinary_scalar("pow"),
    "__ipow__": _inplace("pow"),
    "__matmul__": _matmul,
    "__rmatmul__": _rmatmul,
    "__and__": _binary("bitwise_and"),
    "__rand__": _binary("bitwise_and"),
    "__iand__": _inplace("bitwise_and"),
    "__or__": _binary("bitwise_or"),
    "__ror__": _binary("bitwise_or"),
    "__ior__": _inplace("bitwise_or"),
    "__xor__": _binary("bitwise_xor"),
    "__rxor__": _binary("bitwise_xor"),
    "__ixor__": _inplace("bitwise_xor"),
    "__lshift__": _binary("bitwise_left_shift"),
    "__rlshift__": _rbinary_scalar("bitwise_left_shift"),
    "__ilshift__": _inplace("bitwise_left_shift"),
    "__rshift__": _binary("bitwise_right_shift"),
    "__rrshift__": _rbinary_scalar("bitwise_right_shift"),
    "__irshift__": _inplace("bitwise_right_shift"),
    "__eq__": _binary("eq"),
    "__ne__": _binary("ne"),
    "__lt__": _binary("lt"),
    "__le__": _binary("le"),
    "__gt__": _binary("gt"),
    "__ge__": _binary("ge"),
    "__neg__": lambda self: _neg(self),
    "__pos__": lambda self: self,
    "__abs__": lambda self: _abs(self),
    "__invert__": lambda self: _invert(self),
}
