"""Elementwise comparisons, logic and bitwise ops, and closeness (isclose, allclose, equal)."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from . import _registry as R
from ._helpers import (
    check_operand,
    check_tensor,
    dispatch,
    dispatch_inplace,
    handle_out,
    type_word,
)
from ._registry import Op, export, register
from .elementwise import ALL_CATS
from .elementwise_binary import INT_CATS, NO_COMPLEX, _check_cats, _tensor_only, binary

# --- comparisons and logic -------------------------------------------------------------------


def _cmp(name, f, aliases=(), cats=ALL_CATS):
    op = register(Op(name, lambda xp, a, b: f(a, b), None, R.compare))

    def fn(input, other, *, out=None):
        check_tensor(name, input)
        check_operand(name, other)
        _check_cats(name, cats, input, other)
        return handle_out(out, dispatch(op, (input, other)))

    def fn_(input, other):
        check_operand(name + "_", other)
        _check_cats(name, cats, input, other)
        return dispatch_inplace(op, (input, other))

    fn.__name__ = name
    export(fn, names=(name,) + aliases)
    export(fn_, names=tuple(n + "_" for n in (name,) + aliases))
    return op


EQ = _cmp("eq", np.equal)
NE = _cmp("ne", np.not_equal, ("not_equal",))
LT = _cmp("lt", np.less, ("less",), NO_COMPLEX)
LE = _cmp("le", np.less_equal, ("less_equal",), NO_COMPLEX)
GT = _cmp("gt", np.greater, ("greater",), NO_COMPLEX)
GE = _cmp("ge", np.greater_equal, ("greater_equal",), NO_COMPLEX)


def _logical_rule(args, attrs):
    return args[0].dtype, D.bool_


def _logical(name, f):
    op = register(Op(name, lambda xp, a, b: f(a, b), None, _logical_rule, nocast=(0, 1)))

    def fn(input, other, *, out=None):
        check_tensor(name, input)
        _tensor_only(name, other, "other", 2)
        return handle_out(out, dispatch(op, (input, other)))

    def fn_(input, other):
        _tensor_only(name + "_", other, "other", 2)
        return dispatch_inplace(op, (input, other))

    fn.__name__ = name
    export(fn, names=(name,))
    export(fn_, names=(name + "_",))
    return op


LOGICAL_AND = _logical("logical_and", np.logical_and)
LOGICAL_OR = _logical("logical_or", np.logical_or)
LOGICAL_XOR = _logical("logical_xor", np.logical_xor)
LOGICAL_NOT = register(
    Op("logical_not", lambda xp, a: xp.logical_not(a), None, R.to_bool, nocast=(0,))
)


@export
def logical_not(input, *, out=None):
    check_tensor("logical_not", input)
    return handle_out(out, dispatch(LOGICAL_NOT, (input,)))


@export(names=("logical_not_",))
def logical_not_(input):
    return dispatch_inplace(LOGICAL_NOT, (input,))


def _shift(left):
    def fwd(xp, a, b):
        a = xp.asarray(a)
        bits = a.dtype.itemsize * 8
        bad = (xp.asarray(b) < 0) | (xp.asarray(b) >= bits)
        bb = xp.where(bad, 0, b).astype(a.dtype)
        if left:
            return xp.where(bad, 0, xp.left_shift(a, bb))
        return xp.where(bad, xp.right_shift(a, bits - 1), xp.right_shift(a, bb))

    return fwd


for _n, _f in (
    ("bitwise_and", np.bitwise_and),
    ("bitwise_or", np.bitwise_or),
    ("bitwise_xor", np.bitwise_xor),
):
    binary(
        _n,
        (lambda f: lambda xp, a, b: f(a, b))(_f),
        None,
        cats=INT_CATS,
        save="",
        scalar_input=True,
    )
binary("bitwise_left_shift", _shift(True), None, cats=(D.INT,), save="", scalar_input=True)
binary("bitwise_right_shift", _shift(False), None, cats=(D.INT,), save="", scalar_input=True)


def _bitwise_not_fwd(xp, a):
    return xp.logical_not(a) if a.dtype == np.bool_ else xp.invert(a)


BITWISE_NOT = register(Op("bitwise_not", _bitwise_not_fwd, None, R.same))


@export
def bitwise_not(input, *, out=None):
    check_tensor("bitwise_not", input)
    _check_cats("bitwise_not", INT_CATS, input, None)
    return handle_out(out, dispatch(BITWISE_NOT, (input,)))


@export(names=("bitwise_not_",))
def bitwise_not_(input):
    _check_cats("bitwise_not", INT_CATS, input, None)
    return dispatch_inplace(BITWISE_NOT, (input,))


# --- closeness -------------------------------------------------------------------------------


def _isclose_fwd(xp, a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    if a.dtype.kind not in "fc":
        a = a.astype(np.float64)
        b = b.astype(np.float64)
    return xp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


ISCLOSE = register(Op("isclose", _isclose_fwd, None, R.compare))


@export
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    check_tensor("isclose", input)
    _tensor_only("isclose", other, "other", 2)
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{type_word(input.dtype)} did not match {type_word(other.dtype)}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    attrs = {"rtol": rtol, "atol": atol, "equal_nan": equal_nan}
    return dispatch(ISCLOSE, (input, other), attrs)


@export
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


@export
def equal(input, other) -> bool:
    check_tensor("equal", input)
    _tensor_only("equal", other, "other", 2)
    if tuple(input.shape) != tuple(other.shape):
        return False
    return bool(np.array_equal(input.detach()._data, other.detach()._data))
