"""Python operators on tensors, bound to registry ops as PyTorch binds them."""

from __future__ import annotations

from ._helpers import Tensor, is_scalar
from ._registry import FUNCTIONS as F
from ._registry import METHODS


def _operand(x):
    return isinstance(x, Tensor) or is_scalar(x)


def _binary(name, reflected=False):
    def op(self, other):
        if not _operand(other):
            return NotImplemented
        fn = METHODS[name]
        return fn(other, self) if reflected else fn(self, other)

    return op


def _rbinary_scalar(opname):
    # other (a scalar) op self: dispatch with the scalar first, as PyTorch does.
    def op(self, other):
        if not _operand(other):
            return NotImplemented
        from .._autograd.node import show_grad_fn_as
        from ._helpers import dispatch
        from ._registry import REGISTRY

        return show_grad_fn_as(dispatch(REGISTRY[opname], (other, self)), grad_names[opname])

    grad_names = {"sub": "RsubBackward1", "pow": "PowBackward2"}
    return op


def _inplace(name):
    def op(self, other):
        if not _operand(other):
            return NotImplemented
        return METHODS[name + "_"](self, other)

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
    from ._helpers import dispatch
    from ._registry import REGISTRY

    return dispatch(REGISTRY["remainder"], (other, self))


def _matmul(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return F["matmul"](self, other)


def _rmatmul(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return F["matmul"](other, self)


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
    "__neg__": lambda self: METHODS["neg"](self),
    "__pos__": lambda self: self,
    "__abs__": lambda self: METHODS["abs"](self),
    "__invert__": lambda self: METHODS["bitwise_not"](self),
}
