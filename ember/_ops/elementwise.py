"""Elementwise ops: unary math, binary arithmetic, comparisons, logic, where, clamp."""

from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from . import _registry as R
from ._helpers import (
    Tensor,
    check_operand,
    check_tensor,
    dispatch,
    dispatch_inplace,
    handle_out,
    is_scalar,
    needs,
)
from ._registry import METHODS, Op, export, register

# --- unary -----------------------------------------------------------------------------------


def _unary(name, fwd, bwd=None, rule=R.float_same, save="i", inplace=True):
    op = register(Op(name, fwd, bwd, rule, save))

    def fn(input, *, out=None):
        check_tensor(name, input)
        return handle_out(out, dispatch(op, (input,)))

    def fn_(input):
        return dispatch_inplace(op, (input,))

    fn.__name__ = name
    fn_.__name__ = name + "_"
    export(fn, names=(name,))
    if inplace:
        export(fn_, names=(name + "_",))
    return op


def _erf_np(x):
    if x.dtype == np.float64:
        return np.frompyfunc(math.erf, 1, 1)(x).astype(np.float64)
    # float32 and narrower: Abramowitz & Stegun 7.1.26 refined; |error| < 1.2e-7 in float64.
    z = np.abs(x).astype(np.float64)
    t = 1.0 / (1.0 + 0.5 * z)
    y = 1.0 - t * np.exp(
        -z * z
        - 1.26551223
        + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (
            0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))
        )))))
    )  # fmt: skip
    return (np.sign(x) * y).astype(x.dtype)


_unary("abs", lambda xp, x: xp.abs(x), lambda c, g: (g * c.inputs[0].sgn(),), R.same)
_unary("neg", lambda xp, x: _neg(xp, x), lambda c, g: (-g,), R.same, save="")
_unary("sign", lambda xp, x: xp.sign(x), lambda c, g: (g * 0,), R.same, save="")
_unary("sgn", lambda xp, x: _sgn(xp, x), lambda c, g: (g * 0,), R.same, save="")
_unary("exp", lambda xp, x: xp.exp(x), lambda c, g: (g * c.out.conj(),), save="o")
_unary("log", lambda xp, x: xp.log(x), lambda c, g: (g / c.inputs[0].conj(),))
_unary("log1p", lambda xp, x: xp.log1p(x), lambda c, g: (g / (c.inputs[0] + 1),))
_unary("expm1", lambda xp, x: xp.expm1(x), lambda c, g: (g * (c.out + 1),), save="o")
_unary("sqrt", lambda xp, x: xp.sqrt(x), lambda c, g: (g / (2 * c.out.conj()),), save="o")
_unary("rsqrt", lambda xp, x: 1 / xp.sqrt(x), lambda c, g: (-0.5 * g * c.out.pow(3),), save="o")
_unary("sin", lambda xp, x: xp.sin(x), lambda c, g: (g * c.inputs[0].cos(),))
_unary("cos", lambda xp, x: xp.cos(x), lambda c, g: (-g * c.inputs[0].sin(),))
_unary("tanh", lambda xp, x: xp.tanh(x), lambda c, g: (g * (1 - c.out * c.out),), save="o")
_unary(
    "sigmoid",
    lambda xp, x: _sigmoid(xp, x),
    lambda c, g: (g * c.out * (1 - c.out),),
    save="o",
)
_unary(
    "erf",
    lambda xp, x: _erf_np(x),
    lambda c, g: (g * (2 / math.sqrt(math.pi)) * (-c.inputs[0] * c.inputs[0]).exp(),),
)
_unary("reciprocal", lambda xp, x: 1 / x, lambda c, g: (-g * c.out * c.out,), save="o")
_unary("floor", lambda xp, x: _int_keep(xp.floor, x), lambda c, g: (g * 0,), R.same, save="")
_unary("ceil", lambda xp, x: _int_keep(xp.ceil, x), lambda c, g: (g * 0,), R.same, save="")
_unary("trunc", lambda xp, x: _int_keep(xp.trunc, x), lambda c, g: (g * 0,), R.same, save="")
_unary(
    "relu",
    lambda xp, x: xp.maximum(x, 0) if x.dtype != np.bool_ else x.copy(),
    lambda c, g: (g * (c.out > 0),),
    R.same,
    save="o",
)


def _neg(xp, x):
    if x.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return xp.negative(x)


def _sgn(xp, x):
    if xp.iscomplexobj(x):
        a = xp.abs(x)
        return xp.where(a == 0, 0, x / xp.where(a == 0, 1, a))
    return xp.sign(x)


def _sigmoid(xp, x):
    # Stable for large |x|: exp never overflows.
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _int_keep(f, x):
    return x.copy() if x.dtype.kind in "iub" else f(x)


ROUND = register(
    Op(
        "round",
        lambda xp, x, decimals=0: _round(xp, x, decimals),
        lambda c, g: (g * 0,),
        R.same,
    )
)


def _round(xp, x, decimals):
    if x.dtype.kind in "iub":
        return x.copy()
    if decimals == 0:
        return xp.round(x)
    s = 10.0**decimals
    return (xp.round(x * s) / s).astype(x.dtype)


@export
def round(input, *, decimals=0, out=None):
    check_tensor("round", input)
    attrs = {"decimals": decimals} if decimals else {}
    return handle_out(out, dispatch(ROUND, (input,), attrs))


@export(names=("round_",))
def round_(input, *, decimals=0):
    return dispatch_inplace(ROUND, (input,), {"decimals": decimals} if decimals else {})


# --- binary arithmetic ---------------------------------------------------------------------


def _add_fwd(xp, a, b, alpha=1):
    if alpha != 1:
        b = b * alpha
    return a + b


def _add_bwd(c, g):
    alpha = c.attrs.get("alpha", 1)
    return g, (g * alpha if alpha != 1 else g)


def _sub_fwd(xp, a, b, alpha=1):
    if isinstance(a, np.ndarray) and a.dtype == np.bool_ or isinstance(b, np.ndarray) and b.dtype == np.bool_:
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    if alpha != 1:
        b = b * alpha
    return a - b


def _sub_bwd(c, g):
    alpha = c.attrs.get("alpha", 1)
    return g, -g * alpha if alpha != 1 else -g


def _mul_bwd(c, g):
    a, b = c.inputs
    return (
        g * _conj(b) if needs(c, 0) else None,
        g * _conj(a) if needs(c, 1) else None,
    )


def _conj(x):
    return x.conj() if isinstance(x, Tensor) and x.dtype.is_complex else x


def _div_fwd(xp, a, b, rounding_mode=None):
    if rounding_mode is None:
        return xp.true_divide(a, b)
    ints = all(not isinstance(v, np.ndarray) or v.dtype.kind in "iub" for v in (a, b))
    ints = ints and not any(isinstance(v, float) for v in (a, b))
    if ints and np.any(np.asarray(b) == 0):
        raise RuntimeError("ZeroDivisionError")
    if rounding_mode == "floor":
        return xp.floor_divide(a, b)
    if ints:
        q = xp.floor_divide(a, b)
        fix = (xp.remainder(a, b) != 0) & ((xp.asarray(a) < 0) != (xp.asarray(b) < 0))
        return q + fix
    return xp.trunc(xp.true_divide(a, b))


def _div_rule(args, attrs):
    if attrs.get("rounding_mode") is None:
        return R.promote_float(args, attrs)
    return R.promote(args, attrs)


def _div_bwd(c, g):
    if c.attrs.get("rounding_mode") is not None:
        return g * 0, g * 0 if needs(c, 1) else None
    a, b = c.inputs
    ga = g / _conj(b) if needs(c, 0) else None
    gb = -g * _conj(a) / _conj(b * b) if needs(c, 1) else None
    return ga, gb


def _pow_fwd(xp, a, b):
    if (
        isinstance(a, np.ndarray)
        and a.dtype.kind in "iu"
        and (
            (isinstance(b, int) and b < 0)
            or (isinstance(b, np.ndarray) and b.dtype.kind in "iu" and (b < 0).any())
        )
    ):
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return xp.power(a, b)


def _pow_bwd(c, g):
    a, b = c.inputs
    ga = gb = None
    if needs(c, 0):
        if is_scalar(b):
            ga = g * 0 if b == 0 else g * b * a.pow(b - 1)
        else:
            ga = (g * b * a.pow(b - 1)).masked_fill(b == 0, 0)
    if needs(c, 1):
        out = a.pow(b) if isinstance(a, Tensor) else b.new_full((), a).pow(b)
        la = a.log() if isinstance(a, Tensor) else math.log(a) if a > 0 else float("nan")
        gb = g * out * la
        if isinstance(a, Tensor):
            gb = gb.masked_fill((a == 0) & (b >= 0), 0)
        elif a == 0:
            gb = gb.masked_fill(b >= 0, 0)
    return ga, gb


def _remainder_bwd(c, g):
    a, b = c.inputs
    gb = None
    if needs(c, 1):
        gb = -g * a.div(b, rounding_mode="floor")
    return g, gb


def _minmax_bwd(is_max):
    def bwd(c, g):
        a, b = c.inputs
        win = (a > b) if is_max else (a < b)
        tie = a == b
        half = g / 2
        ga = g.where(win, half.where(tie, g * 0)) if needs(c, 0) else None
        gb = g.where(~win & ~tie, half.where(tie, g * 0)) if needs(c, 1) else None
        return ga, gb

    return bwd


def _binary(name, fwd, bwd, rule=R.promote, save="i", alpha=False, extra=None):
    op = register(Op(name, fwd, bwd, rule, save))

    if alpha:

        def fn(input, other, *, alpha=1, out=None):
            check_tensor(name, input)
            check_operand(name, other)
            attrs = {"alpha": alpha} if alpha != 1 else {}
            return handle_out(out, dispatch(op, (input, other), attrs))

        def fn_(input, other, *, alpha=1):
            check_operand(name + "_", other)
            return dispatch_inplace(op, (input, other), {"alpha": alpha} if alpha != 1 else {})

    else:

        def fn(input, other, *, out=None):
            if not isinstance(input, Tensor):
                check_operand(name, input, "input", 1)
                check_tensor(name, other, "other", 2)
            else:
                check_operand(name, other)
            return handle_out(out, dispatch(op, (input, other)))

        def fn_(input, other):
            check_operand(name + "_", other)
            return dispatch_inplace(op, (input, other))

    fn.__name__ = name
    fn_.__name__ = name + "_"
    export(fn, names=(name,))
    export(fn_, names=(name + "_",))
    return op


ADD = _binary("add", _add_fwd, _add_bwd, save="", alpha=True)
SUB = _binary("sub", _sub_fwd, _sub_bwd, save="", alpha=True)
MUL = _binary("mul", lambda xp, a, b: a * b, _mul_bwd)
POW = _binary("pow", _pow_fwd, _pow_bwd)
REMAINDER = _binary("remainder", lambda xp, a, b: _mod(xp, a, b), _remainder_bwd)
FMOD = _binary("fmod", lambda xp, a, b: _fmod(xp, a, b), lambda c, g: (g, None))
MAXIMUM = _binary("maximum", lambda xp, a, b: xp.maximum(a, b), _minmax_bwd(True))
MINIMUM = _binary("minimum", lambda xp, a, b: xp.minimum(a, b), _minmax_bwd(False))


def _mod(xp, a, b):
    if all(not isinstance(v, np.ndarray) or v.dtype.kind in "iub" for v in (a, b)):
        if not isinstance(b, float) and np.any(np.asarray(b) == 0):
            raise RuntimeError("ZeroDivisionError")
    return xp.remainder(a, b)


def _fmod(xp, a, b):
    if all(not isinstance(v, np.ndarray) or v.dtype.kind in "iub" for v in (a, b)):
        if not isinstance(b, float) and np.any(np.asarray(b) == 0):
            raise RuntimeError("ZeroDivisionError")
    return xp.fmod(a, b)


DIV = register(Op("div", _div_fwd, _div_bwd, _div_rule, "i"))


@export(names=("div", "divide", "true_divide"))
def div(input, other, *, rounding_mode=None, out=None):
    if not isinstance(input, Tensor):
        check_operand("div", input, "input", 1)
        check_tensor("div", other, "other", 2)
    else:
        check_operand("div", other)
    if rounding_mode not in (None, "trunc", "floor"):
        raise RuntimeError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'"
        )
    attrs = {"rounding_mode": rounding_mode} if rounding_mode else {}
    return handle_out(out, dispatch(DIV, (input, other), attrs))


@export(names=("div_", "divide_", "true_divide_"))
def div_(input, other, *, rounding_mode=None):
    check_operand("div_", other)
    attrs = {"rounding_mode": rounding_mode} if rounding_mode else {}
    return dispatch_inplace(DIV, (input, other), attrs)


@export
def floor_divide(input, other, *, out=None):
    return div(input, other, rounding_mode="floor", out=out)


@export(names=("floor_divide_",))
def floor_divide_(input, other):
    return div_(input, other, rounding_mode="floor")


@export
def rsub(input, other, *, alpha=1):
    return dispatch(SUB, (other, input), {"alpha": alpha} if alpha != 1 else {})


@export(names=("subtract",))
def subtract(input, other, *, alpha=1, out=None):
    return R.FUNCTIONS["sub"](input, other, alpha=alpha, out=out)


@export(names=("multiply",))
def multiply(input, other, *, out=None):
    return R.FUNCTIONS["mul"](input, other, out=out)


@export(names=("float_power",))
def float_power(input, exponent, *, out=None):
    dt = D.complex128 if any(
        isinstance(v, Tensor) and v.dtype.is_complex or isinstance(v, complex)
        for v in (input, exponent)
    ) else D.float64
    a = input.to(dt) if isinstance(input, Tensor) else input
    b = exponent.to(dt) if isinstance(exponent, Tensor) else exponent
    return handle_out(out, dispatch(POW, (a, b)))


# --- comparisons and logic -----------------------------------------------------------------


def _cmp(name, f, aliases=()):
    op = register(Op(name, lambda xp, a, b: f(a, b), None, R.compare))

    def fn(input, other, *, out=None):
        check_tensor(name, input)
        check_operand(name, other)
        return handle_out(out, dispatch(op, (input, other)))

    def fn_(input, other):
        return dispatch_inplace(op, (input, other))

    fn.__name__ = name
    export(fn, names=(name,) + aliases)
    export(fn_, names=tuple(n + "_" for n in (name,) + aliases))
    return op


EQ = _cmp("eq", np.equal)
NE = _cmp("ne", np.not_equal, ("not_equal",))
LT = _cmp("lt", np.less, ("less",))
LE = _cmp("le", np.less_equal, ("less_equal",))
GT = _cmp("gt", np.greater, ("greater",))
GE = _cmp("ge", np.greater_equal, ("greater_equal",))


def _logical(name, f):
    op = register(Op(name, lambda xp, a, b: f(a, b), None, R.compare))

    def fn(input, other, *, out=None):
        check_tensor(name, input)
        return handle_out(out, dispatch(op, (input, other)))

    def fn_(input, other):
        return dispatch_inplace(op, (input, other))

    fn.__name__ = name
    export(fn, names=(name,))
    export(fn_, names=(name + "_",))
    return op


LOGICAL_AND = _logical("logical_and", np.logical_and)
LOGICAL_OR = _logical("logical_or", np.logical_or)
LOGICAL_XOR = _logical("logical_xor", np.logical_xor)
LOGICAL_NOT = register(Op("logical_not", lambda xp, a: xp.logical_not(a), None, R.to_bool))


@export
def logical_not(input, *, out=None):
    check_tensor("logical_not", input)
    return handle_out(out, dispatch(LOGICAL_NOT, (input,)))


@export(names=("logical_not_",))
def logical_not_(input):
    return dispatch_inplace(LOGICAL_NOT, (input,))


def _bitwise_check(name, args):
    for a in args:
        if isinstance(a, np.ndarray) and a.dtype.kind not in "iub":
            kind = {"f": "Float", "c": "ComplexFloat"}.get(a.dtype.kind, str(a.dtype))
            if a.dtype == np.float64:
                kind = "Double"
            raise RuntimeError(f'"{name}_cpu" not implemented for \'{kind}\'')
        if isinstance(a, float):
            raise RuntimeError(f'"{name}_cpu" not implemented for \'Float\'')


def _bitwise(name, f):
    def fwd(xp, *args):
        _bitwise_check(name, args)
        return f(*args)

    op = register(Op(name, fwd, None, R.promote))

    def fn(input, other, *, out=None):
        return handle_out(out, dispatch(op, (input, other)))

    def fn_(input, other):
        return dispatch_inplace(op, (input, other))

    fn.__name__ = name
    export(fn, names=(name,))
    export(fn_, names=(name + "_",))
    return op


BITWISE_AND = _bitwise("bitwise_and", np.bitwise_and)
BITWISE_OR = _bitwise("bitwise_or", np.bitwise_or)
BITWISE_XOR = _bitwise("bitwise_xor", np.bitwise_xor)
BITWISE_LEFT_SHIFT = _bitwise("bitwise_left_shift", np.left_shift)
BITWISE_RIGHT_SHIFT = _bitwise("bitwise_right_shift", np.right_shift)


def _bitwise_not_fwd(xp, a):
    _bitwise_check("bitwise_not", (a,))
    return xp.logical_not(a) if a.dtype == np.bool_ else xp.invert(a)


BITWISE_NOT = register(Op("bitwise_not", _bitwise_not_fwd, None, R.same))


@export
def bitwise_not(input, *, out=None):
    return handle_out(out, dispatch(BITWISE_NOT, (input,)))


@export(names=("bitwise_not_",))
def bitwise_not_(input):
    return dispatch_inplace(BITWISE_NOT, (input,))


# --- where, clamp, copy, fill ------------------------------------------------------------


def _where_rule(args, attrs):
    dt = D.result_type_of(args[1:])
    return dt, dt


def _where_fwd(xp, c, x, y):
    if c.dtype != np.bool_:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{D.from_numpy_dtype(c.dtype).name.capitalize()}"
        )
    return xp.where(c, x, y)


def _where_bwd(c, g):
    cond = c.inputs[0]
    z = g.new_zeros(())
    return (
        None,
        g.where(cond, z) if needs(c, 1) else None,
        z.where(cond, g) if needs(c, 2) else None,
    )


WHERE = register(Op("where", _where_fwd, _where_bwd, _where_rule, "i", nocast=(0,)))


@export(method=False)
def where(condition, input=None, other=None, *, out=None):
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    check_tensor("where", condition, "condition", 1)
    return handle_out(out, dispatch(WHERE, (condition, input, other)))


def _tensor_where(self, condition, y):
    return dispatch(WHERE, (condition, self, y))


METHODS["where"] = _tensor_where


def _clamp_fwd(xp, x, lo, hi):
    if lo is not None and hi is not None:
        return xp.minimum(xp.maximum(x, lo), hi)
    if lo is not None:
        return xp.maximum(x, lo)
    return xp.minimum(x, hi)


def _clamp_bwd(c, g):
    x, lo, hi = c.inputs
    keep = None
    if lo is not None:
        keep = x >= lo
    if hi is not None:
        k = x <= hi
        keep = k if keep is None else keep & k
    z = g.new_zeros(())
    gx = g.where(keep, z) if needs(c, 0) else None
    glo = g.where(x < lo, z) if isinstance(lo, Tensor) and needs(c, 1) else None
    ghi = g.where(x > hi, z) if isinstance(hi, Tensor) and needs(c, 2) else None
    return gx, glo, ghi


CLAMP = register(Op("clamp", _clamp_fwd, _clamp_bwd, R.promote, "i"))


def _clamp_args(min, max):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")


@export(names=("clamp", "clip"))
def clamp(input, min=None, max=None, *, out=None):
    check_tensor("clamp", input)
    _clamp_args(min, max)
    return handle_out(out, dispatch(CLAMP, (input, min, max)))


@export(names=("clamp_", "clip_"))
def clamp_(input, min=None, max=None):
    _clamp_args(min, max)
    return dispatch_inplace(CLAMP, (input, min, max))


@export
def clamp_min(input, min):
    return clamp(input, min=min)


@export
def clamp_max(input, max):
    return clamp(input, max=max)


def _copy_rule(args, attrs):
    return args[0].dtype, args[0].dtype


def _copy_fwd(xp, dst, src):
    if isinstance(src, np.ndarray) and src.shape != dst.shape:
        try:
            return xp.broadcast_to(src, dst.shape).astype(dst.dtype)
        except ValueError:
            raise RuntimeError(
                f"The size of tensor a ({dst.shape[-1] if dst.ndim else 1}) must match the size "
                f"of tensor b ({src.shape[-1] if src.ndim else 1}) at non-singleton dimension "
                f"{max(dst.ndim - 1, 0)}"
            ) from None
    return xp.asarray(src).astype(dst.dtype, copy=True) if isinstance(src, np.ndarray) else (
        xp.full(dst.shape, src, dtype=dst.dtype)
    )


def _copy_bwd(c, g):
    return (g * 0 if needs(c, 0) else None), (g if needs(c, 1) else None)


# copy_ computes in the destination dtype (any cast is allowed, as in PyTorch)
COPY = register(Op("copy", _copy_fwd, _copy_bwd, _copy_rule, "", upcast_half=False))


def copy_(self, src, non_blocking=False):
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' (position 1) must be Tensor, not {type(src).__name__}")
    if src._dtype is not self._dtype:
        src = src.to(self._dtype)
    return dispatch_inplace(COPY, (self, src))


METHODS["copy_"] = copy_


def _fill_fwd(xp, dst, value):
    return xp.full(dst.shape, value, dtype=dst.dtype) if not isinstance(value, np.ndarray) else (
        xp.broadcast_to(value, dst.shape).astype(dst.dtype)
    )


FILL = register(Op("fill", _fill_fwd, lambda c, g: (g * 0, None), _copy_rule, "", upcast_half=False))


def fill_(self, value):
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(
            "fill_ only supports 0-dimension value tensor but got tensor with "
            f"{value.ndim} dimensions."
        )
    if isinstance(value, Tensor) and not value.requires_grad:
        value = value.item()
    return dispatch_inplace(FILL, (self, value))


def zero_(self):
    return dispatch_inplace(FILL, (self, 0))


METHODS["fill_"] = fill_
METHODS["zero_"] = zero_
R.FUNCTIONS["fill_"] = fill_
R.FUNCTIONS["zero_"] = zero_


# --- complex parts ---------------------------------------------------------------------------

CONJ = register(Op("conj", lambda xp, x: xp.conj(x), lambda c, g: (g.conj(),), R.same, save=""))


@export(names=("conj", "conj_physical", "resolve_conj"))
def conj(input):
    check_tensor("conj", input)
    if not input.dtype.is_complex:
        return input
    return dispatch(CONJ, (input,))


@export(names=("resolve_neg",))
def resolve_neg(input):
    return input


def _real_fwd(xp, x):
    return xp.real(x)


REAL = register(
    Op("real", _real_fwd, lambda c, g: (g,), R.to_real, save="", view=False, upcast_half=False)
)
IMAG = register(
    Op("imag", lambda xp, x: xp.imag(x), lambda c, g: (g * 1j,), R.to_real, save="",
       upcast_half=False)  # fmt: skip
)


@export
def real(input):
    if not input.dtype.is_complex:
        return input
    return dispatch(REAL, (input,))


@export
def imag(input):
    if not input.dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return dispatch(IMAG, (input,))


def _is_conj(self):
    return False


METHODS["is_conj"] = _is_conj
METHODS["is_neg"] = _is_conj
