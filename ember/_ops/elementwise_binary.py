"""Elementwise ops of two or three inputs: arithmetic, lerp, addcmul/addcdiv.

Comparisons, logic, bitwise ops and isclose live in ``elementwise_logic``, which uses the
``binary`` factory defined here.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._autograd.node import show_grad_fn_as
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
    type_word,
)
from ._registry import Op, export, register
from .elementwise import ALL_CATS, FLOATING, NO_BOOL, NO_BOOL_REAL, REAL_CATS, zeros_like

INT_CATS = (D.BOOL, D.INT)
_BOOL = D.bool_
NO_COMPLEX = REAL_CATS


def _check_cats(name, cats, a, b, kernel=None, complex_msg=None):
    if cats is ALL_CATS:
        return
    dt = D.result_type_of((a, b))
    if dt.category in cats:
        return
    if complex_msg and dt.is_complex:
        raise RuntimeError(complex_msg)
    raise NotImplementedError(
        f"\"{kernel or name + '_cpu'}\" not implemented for '{type_word(dt)}'"
    )


_FAST_NUMBERS = frozenset((int, float, bool))


def _tensor_only(name, x, arg, pos):
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not {type(x).__name__}"
        )


def binary(
    name,
    fwd,
    bwd=None,
    rule=R.promote,
    save="i",
    *,
    cats=ALL_CATS,
    scalar_other=True,
    scalar_input=False,
    kernel=None,
    complex_msg=None,
    other_name="other",
    aliases=(),
    inplace=True,
):
    """Register a two-input op; bind ``ember.name``, ``Tensor.name``, ``Tensor.name_``."""
    op = register(Op(name, fwd, bwd, rule, save))

    def check(input, other, fname):
        if (
            cats is ALL_CATS
            and isinstance(input, Tensor)
            and (isinstance(other, Tensor) or (scalar_other and type(other) in _FAST_NUMBERS))
        ):
            return
        if not isinstance(input, Tensor):
            if not scalar_input or not isinstance(other, Tensor):
                check_tensor(fname, input)
            check_operand(fname, input, "input", 1)
        elif scalar_other:
            check_operand(fname, other, other_name, 2)
        else:
            _tensor_only(fname, other, other_name, 2)
        _check_cats(name, cats, input, other, kernel, complex_msg)

    def fn(input, other, *, out=None):
        check(input, other, name)
        if out is None:
            return dispatch(op, (input, other))
        return handle_out(out, dispatch(op, (input, other)))

    def fn_(input, other):
        check(input, other, name + "_")
        return dispatch_inplace(op, (input, other))

    fn.__name__ = name
    fn_.__name__ = name + "_"
    export(fn, names=(name,) + aliases)
    if inplace:
        export(fn_, names=tuple(n + "_" for n in (name,) + aliases))
    return op


def _conj(x):
    return x.conj() if isinstance(x, Tensor) and x.dtype.is_complex else x


def _is_int(v):
    if isinstance(v, np.ndarray):
        return v.dtype.kind in "iub"
    return isinstance(v, (int, np.integer))


def _zero_division_check(a, b):
    if np.broadcast(a, b).size == 0:
        return
    if _is_int(a) and _is_int(b) and np.any(np.asarray(b) == 0):
        raise RuntimeError("ZeroDivisionError")


# --- add, sub, mul ---------------------------------------------------------------------------


def _add_fwd(xp, a, b, alpha=1):
    if alpha != 1:
        b = b * alpha
    if type(a) is _ndarray and (type(b) is _ndarray or a.dtype.kind != "b"):
        return a + b  # NumPy adds two bool arrays as logical or
    return a + b if not (_is_bool(a) and _is_bool(b)) else xp.logical_or(a, b)


def _sub_fwd(xp, a, b, alpha=1):
    if alpha != 1:
        b = b * alpha
    return a - b


_ndarray = np.ndarray


def _is_bool(v):
    if type(v) is bool:
        return True
    return isinstance(v, np.ndarray) and v.dtype.kind == "b"


def _add_bwd(c, g):
    alpha = c.attrs.get("alpha", 1)
    return g, (g * alpha if alpha != 1 else g)


def _sub_bwd(c, g):
    alpha = c.attrs.get("alpha", 1)
    return g, (-g * alpha if alpha != 1 else -g)


def _mul_fwd(xp, a, b):
    if type(a) is _ndarray and (type(b) is _ndarray or a.dtype.kind != "b"):
        return a * b  # NumPy multiplies two bool arrays as logical and
    return a * b if not (_is_bool(a) and _is_bool(b)) else xp.logical_and(a, b)


def _mul_bwd(c, g):
    a, b = c.inputs
    return (
        g * _conj(b) if needs(c, 0) else None,
        g * _conj(a) if needs(c, 1) else None,
    )


ADD = register(Op("add", _add_fwd, _add_bwd, R.promote, ""))
SUB = register(Op("sub", _sub_fwd, _sub_bwd, R.promote, ""))
MUL = binary("mul", _mul_fwd, _mul_bwd, scalar_input=True, aliases=("multiply",))


def _alpha_attrs(name, input, other, alpha):
    if name != "add":
        for v in (input, other):
            if isinstance(v, bool) or isinstance(v, Tensor) and v._dtype is D.bool_:
                both = all(
                    isinstance(u, bool) or isinstance(u, Tensor) and u._dtype is D.bool_
                    for u in (input, other)
                )
                if both:
                    raise RuntimeError(
                        "Subtraction, the `-` operator, with two bool tensors is not supported. "
                        "Use the `^` or `logical_xor()` operator instead."
                    )
                raise RuntimeError(
                    "Subtraction, the `-` operator, with a bool tensor is not supported. If you "
                    "are trying to invert a mask, use the `~` or `logical_not()` operator instead."
                )
    if alpha == 1 and not isinstance(alpha, bool):
        return {}
    dt = D.result_type_of((input, other))
    if isinstance(alpha, bool) and dt is not D.bool_:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and dt.category < D.FLOAT:
        raise RuntimeError(
            "For integral input tensors, argument alpha must not be a floating point number."
        )
    if isinstance(alpha, complex) and dt.category < D.COMPLEX:
        raise RuntimeError(
            "For non-complex input tensors, argument alpha must not be a complex number."
        )
    return {"alpha": alpha} if alpha != 1 else {}


def _no_bool(input, other):
    return input._dtype is not _BOOL and getattr(other, "_dtype", None) is not _BOOL


def _alpha_op(op):
    name = op.name
    is_add = name == "add"

    def fn(input, other, *, alpha=1, out=None):
        # Fast path: a Tensor with a Tensor or a Python number, no alpha, no out=, and
        # (for sub) no bool operand; everything else takes the checks below.
        if (
            out is None
            and type(alpha) is int
            and alpha == 1
            and isinstance(input, Tensor)
            and (type(other) is float or type(other) is int or isinstance(other, Tensor))
            and (is_add or _no_bool(input, other))
        ):
            return dispatch(op, (input, other))
        if not isinstance(input, Tensor):
            check_operand(name, input, "input", 1)
            check_tensor(name, other, "other", 2)
        else:
            check_operand(name, other)
        attrs = _alpha_attrs(name, input, other, alpha)
        return handle_out(out, dispatch(op, (input, other), attrs))

    def fn_(input, other, *, alpha=1):
        check_operand(name + "_", other)
        return dispatch_inplace(op, (input, other), _alpha_attrs(name, input, other, alpha))

    fn.__name__ = name
    fn_.__name__ = name + "_"
    names = ("sub", "subtract") if name == "sub" else (name,)
    export(fn, names=names)
    export(fn_, names=tuple(n + "_" for n in names))
    return fn


add = _alpha_op(ADD)
sub = _alpha_op(SUB)


@export(method=False)  # torch.rsub only; Tensor has no rsub method
def rsub(input, other, *, alpha=1):
    check_tensor("rsub", input)
    return dispatch(SUB, (other, input), _alpha_attrs("sub", other, input, alpha))


# --- division, remainder ---------------------------------------------------------------------


def _div_fwd(xp, a, b, rounding_mode=None):
    if rounding_mode is None:
        return xp.true_divide(a, b)
    ints = _is_int(a) and _is_int(b)
    if ints:
        _zero_division_check(a, b)
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
    a, b = c.inputs
    if c.attrs.get("rounding_mode") is not None:
        return (zeros_like(g) if needs(c, 0) else None), (zeros_like(g) if needs(c, 1) else None)
    ga = g / _conj(b) if needs(c, 0) else None
    gb = -g * _conj(a) / _conj(b * b) if needs(c, 1) else None
    return ga, gb


DIV = register(Op("div", _div_fwd, _div_bwd, _div_rule, "i"))


def _div_check(input, other, rounding_mode, name="div"):
    if not isinstance(input, Tensor):
        check_operand(name, input, "input", 1)
        check_tensor(name, other, "other", 2)
    else:
        check_operand(name, other)
    if rounding_mode not in (None, "trunc", "floor"):
        raise RuntimeError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'"
        )
    if rounding_mode is not None:
        _check_cats(name, NO_BOOL_REAL, input, other, f"div_{rounding_mode}_cpu")
    return {"rounding_mode": rounding_mode} if rounding_mode else {}


@export(names=("div", "divide"))
def div(input, other, *, rounding_mode=None, out=None):
    attrs = _div_check(input, other, rounding_mode)
    return handle_out(out, dispatch(DIV, (input, other), attrs))


@export(names=("div_", "divide_"))
def div_(input, other, *, rounding_mode=None):
    attrs = _div_check(input, other, rounding_mode, "div_")
    return dispatch_inplace(DIV, (input, other), attrs)


@export
def true_divide(input, other, *, out=None):
    return div(input, other, out=out)


@export(names=("true_divide_",))
def true_divide_(input, other):
    return div_(input, other)


@export
def floor_divide(input, other, *, out=None):
    return div(input, other, rounding_mode="floor", out=out)


@export(names=("floor_divide_",))
def floor_divide_(input, other):
    return div_(input, other, rounding_mode="floor")


def _mod(xp, a, b):
    if _is_int(a) and _is_int(b):
        _zero_division_check(a, b)
    return xp.remainder(a, b)


def _fmod(xp, a, b):
    if _is_int(a) and _is_int(b):
        _zero_division_check(a, b)
    return xp.fmod(a, b)


def _quotient_grad(c, g, mode):
    a, b = c.inputs
    if not needs(c, 1):
        return None
    a = a if isinstance(a, Tensor) else b.new_full((), a)
    return -g * a.div(b, rounding_mode=mode)


def _remainder_bwd(c, g):
    return g, _quotient_grad(c, g, "floor")


def _fmod_bwd(c, g):
    return g, _quotient_grad(c, g, "trunc")


binary("remainder", _mod, _remainder_bwd, cats=NO_BOOL_REAL, scalar_input=True)
binary("fmod", _fmod, _fmod_bwd, cats=NO_BOOL_REAL)


# --- powers ----------------------------------------------------------------------------------


def _pow_fwd(xp, a, b):
    if _is_int(a) and not _is_bool(a) and _is_int(b):
        if np.any(np.asarray(b) < 0):
            if isinstance(b, np.ndarray):
                # PyTorch: integer results of negative powers: 1/a**|b| truncated
                aa = xp.asarray(a)
                res = xp.power(aa, xp.abs(b))
                neg = xp.where(aa == 1, 1, xp.where(aa == -1, xp.where(b % 2 == 0, 1, -1), 0))
                return xp.where(b < 0, neg, res)
            raise RuntimeError("Integers to negative integer powers are not allowed.")
    return xp.power(a, b)


def _pow_bwd(c, g):
    a, b = c.inputs
    ga = gb = None
    if needs(c, 0):
        if is_scalar(b):
            ga = zeros_like(g) if b == 0 else g * (b * a.pow(b - 1)).conj()
        else:
            d = (b * a.pow(b - 1)).conj()
            ga = (g * d).where(b != 0, zeros_like(g))
    if needs(c, 1):
        if isinstance(a, Tensor):
            res = (g * (a.pow(b) * a.log()).conj()).where((a != 0) | (b < 0), zeros_like(g))
            gb = res
        else:
            out = b.new_full((), a).pow(b)
            la = math.log(a) if a > 0 else (float("nan") if a < 0 else 0.0)
            gb = g * (out * la).conj()
            if a == 0:
                gb = gb.where(b < 0, zeros_like(gb))
    return ga, gb


POW = binary(
    "pow", _pow_fwd, _pow_bwd, cats=NO_BOOL, scalar_input=True, kernel="pow", other_name="exponent"
)
_pow, _pow_ = R.FUNCTIONS["pow"], R.METHODS["pow_"]


@export
def pow(input, exponent, *, out=None):  # PyTorch names the second argument ``exponent``
    res = _pow(input, exponent, out=out)
    if isinstance(exponent, Tensor) and res.grad_fn is not None:
        # torch's pow overloads: Tensor_Scalar (0), Tensor_Tensor (1), Scalar (2)
        show_grad_fn_as(res, "PowBackward1" if isinstance(input, Tensor) else "PowBackward2")
    return res


@export(names=("pow_",))
def pow_(input, exponent):
    return _pow_(input, exponent)


@export
def float_power(input, exponent, *, out=None):
    if not isinstance(input, Tensor):
        check_operand("float_power", input, "input", 1)
        check_tensor("float_power", exponent, "exponent", 2)
    cplx = any(
        isinstance(v, Tensor) and v.dtype.is_complex or isinstance(v, complex)
        for v in (input, exponent)
    )
    dt = D.complex128 if cplx else D.float64
    a = input.to(dt) if isinstance(input, Tensor) else input
    b = exponent.to(dt) if isinstance(exponent, Tensor) else exponent
    return handle_out(out, dispatch(POW, (a, b)))


@export(names=("float_power_",))
def float_power_(input, exponent):
    cplx = (
        input.dtype.is_complex
        or isinstance(exponent, complex)
        or (isinstance(exponent, Tensor) and exponent.dtype.is_complex)
    )
    dt = D.complex128 if cplx else D.float64
    if input.dtype is not dt:
        raise RuntimeError(
            f"the base given to float_power_ has dtype {type_word(input.dtype)} but the "
            f"operation's result requires dtype {type_word(dt)}"
        )
    b = exponent.to(dt) if isinstance(exponent, Tensor) else exponent
    return dispatch_inplace(POW, (input, b))


# --- two-argument real functions -------------------------------------------------------------


def _atan2_bwd(c, g):
    a, b = c.inputs
    r = a * a + b * b
    return (g * b / r if needs(c, 0) else None), (-g * a / r if needs(c, 1) else None)


binary(
    "atan2",
    lambda xp, a, b: xp.arctan2(a, b),
    _atan2_bwd,
    R.promote_float,
    cats=NO_COMPLEX,
    scalar_other=False,
    aliases=("arctan2",),
)


def _hypot_bwd(c, g):
    a, b = c.inputs
    out = c.out
    return (g * a / out if needs(c, 0) else None), (g * b / out if needs(c, 1) else None)


binary(
    "hypot",
    lambda xp, a, b: xp.hypot(a, b),
    _hypot_bwd,
    save="io",
    cats=(D.FLOAT,),
    scalar_other=False,
)


def _minmax_bwd(is_max):
    def bwd(c, g):
        a, b = c.inputs
        win = (a > b) if is_max else (a < b)
        tie = a == b
        z = zeros_like(g)
        half = g / 2
        ga = g.where(win, half.where(tie, z)) if needs(c, 0) else None
        gb = g.where(~win & ~tie, half.where(tie, z)) if needs(c, 1) else None
        return ga, gb

    return bwd


def _fminmax_bwd(is_max):
    def bwd(c, g):
        a, b = c.inputs
        first = ((a >= b) if is_max else (a <= b)) | b.isnan()
        z = zeros_like(g)
        return (g.where(first, z) if needs(c, 0) else None), (
            z.where(first, g) if needs(c, 1) else None
        )

    return bwd


for _n, _f, _mx in (("maximum", np.maximum, True), ("minimum", np.minimum, False)):
    binary(
        _n,
        (lambda f: lambda xp, a, b: f(a, b))(_f),
        _minmax_bwd(_mx),
        cats=REAL_CATS,
        scalar_other=False,
        complex_msg=f"{_n} not implemented for complex tensors.",
        inplace=False,
    )
for _n, _f, _mx in (("fmax", np.fmax, True), ("fmin", np.fmin, False)):
    binary(
        _n,
        (lambda f: lambda xp, a, b: f(a, b))(_f),
        _fminmax_bwd(_mx),
        cats=REAL_CATS,
        scalar_other=False,
        complex_msg=f"{_n} not implemented for complex tensors.",
        inplace=False,
    )


def _logaddexp_bwd(base2):
    def bwd(c, g):
        a, b = c.inputs
        f = (lambda t: t.exp2()) if base2 else (lambda t: t.exp())
        return (g / (1 + f(b - a)) if needs(c, 0) else None), (
            g / (1 + f(a - b)) if needs(c, 1) else None
        )

    return bwd


binary(
    "logaddexp",
    lambda xp, a, b: xp.logaddexp(a, b),
    _logaddexp_bwd(False),
    cats=FLOATING,
    scalar_other=False,
    inplace=False,
)
binary(
    "logaddexp2",
    lambda xp, a, b: xp.logaddexp2(a, b),
    _logaddexp_bwd(True),
    cats=(D.FLOAT,),
    scalar_other=False,
    inplace=False,  # PyTorch has no Tensor.logaddexp2_
)


def _xlogy(xp, x, y):
    x = xp.asarray(x)
    out = x * xp.log(y)
    out = xp.where(x == 0, 0.0, out)
    return xp.where(xp.isnan(y), xp.nan, out)


def _xlogy_bwd(c, g):
    x, y = c.inputs
    gx = gy = None
    if needs(c, 0):
        # torch's rule: log(y), except 0 where x == 0 and y <= 0
        yt = y if isinstance(y, Tensor) else g.new_full((), y)
        gx = g * yt.log().masked_fill((x == 0) & (yt <= 0), 0)
    if needs(c, 1):
        gy = g * x / y
    return gx, gy


binary("xlogy", _xlogy, _xlogy_bwd, R.promote_float, cats=NO_COMPLEX, scalar_input=True)


def _copysign_bwd(c, g):
    a, _ = c.inputs
    ratio = c.out / a
    return (g * ratio.where(a != 0, zeros_like(ratio)) if needs(c, 0) else None), (
        zeros_like(g) if needs(c, 1) else None
    )


binary(
    "copysign",
    lambda xp, a, b: xp.copysign(a, b),
    _copysign_bwd,
    R.promote_float,
    "io",
    cats=NO_COMPLEX,
)


def _nextafter_bwd(c, g):
    # PyTorch's NextafterBackward0: the step is treated as constant
    return (g if needs(c, 0) else None), (zeros_like(g) if needs(c, 1) else None)


binary(
    "nextafter",
    lambda xp, a, b: xp.nextafter(a, b),
    _nextafter_bwd,
    save="",
    cats=(D.FLOAT,),
    scalar_other=False,
)


def _gcd(xp, a, b):
    return xp.gcd(a, b)


def _lcm(xp, a, b):
    return xp.lcm(a, b)


binary("gcd", _gcd, None, cats=(D.INT,), scalar_other=False)
binary("lcm", _lcm, None, cats=(D.INT,), scalar_other=False)


def _heaviside(xp, x, v):
    return xp.where(x == 0, v, (x > 0).astype(x.dtype) if x.dtype != np.bool_ else x)


HEAVISIDE = binary(
    "heaviside",
    _heaviside,
    None,
    cats=NO_COMPLEX,
    scalar_other=False,
    other_name="values",
    inplace=False,
)
_heaviside_fn = R.FUNCTIONS["heaviside"]


@export(names=("heaviside",))
def heaviside(input, values, *, out=None):
    if isinstance(input, Tensor) and isinstance(values, Tensor) and input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _heaviside_fn(input, values, out=out)


@export(names=("heaviside_",))
def heaviside_(input, values):
    if isinstance(values, Tensor) and input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return dispatch_inplace(HEAVISIDE, (input, values))


@export
def ldexp(input, other, *, out=None):
    check_tensor("ldexp", input)
    _tensor_only("ldexp", other, "other", 2)
    return handle_out(out, R.FUNCTIONS["mul"](input, R.FUNCTIONS["pow"](2.0, other)))


@export(names=("ldexp_",))
def ldexp_(input, other):
    _tensor_only("ldexp_", other, "other", 2)
    return input.mul_(R.FUNCTIONS["pow"](2.0, other))


# --- lerp, addcmul, addcdiv ------------------------------------------------------------------


def _lerp_fwd(xp, a, b, w):
    d = b - a
    small = xp.abs(w) < 0.5
    return xp.where(small, a + w * d, b - d * (1 - w))


def _lerp_bwd(c, g):
    a, b, w = c.inputs
    ga = g * (1 - w) if needs(c, 0) else None
    gb = g * w if needs(c, 1) else None
    gw = g * (b - a) if isinstance(w, Tensor) and needs(c, 2) else None
    return ga, gb, gw


LERP = register(Op("lerp", _lerp_fwd, _lerp_bwd, R.promote, "i"))


def _lerp_check(input, end, weight):
    check_tensor("lerp", input)
    _tensor_only("lerp", end, "end", 2)
    if not isinstance(weight, Tensor):
        check_operand("lerp", weight, "weight", 3)
    if input.dtype.category not in FLOATING:
        kind = "tensor" if isinstance(weight, Tensor) else "scalar"
        raise NotImplementedError(
            f"\"lerp_kernel_{kind}\" not implemented for '{type_word(input.dtype)}'"
        )
    for nm, v in (("end", end), ("weight", weight)):
        if isinstance(v, Tensor) and v.dtype is not input.dtype:
            raise RuntimeError(
                f"expected dtype {input.dtype.name.replace('float32', 'float')} for `{nm}` but "
                f"got dtype {v.dtype.name.replace('float64', 'double')}"
            )


@export
def lerp(input, end, weight, *, out=None):
    _lerp_check(input, end, weight)
    return handle_out(out, dispatch(LERP, (input, end, weight)))


@export(names=("lerp_",))
def lerp_(input, end, weight):
    _lerp_check(input, end, weight)
    return dispatch_inplace(LERP, (input, end, weight))


def _addc_rule(args, attrs):
    dt = D.result_type_of(args[:3])
    return dt, dt


def _addcmul_fwd(xp, x, t1, t2, value=1):
    if x.dtype.kind in "iu" and isinstance(value, float):
        value = int(value)
    return x + value * (t1 * t2)


def _addcmul_bwd(c, g):
    _, t1, t2 = c.inputs
    v = c.attrs.get("value", 1)
    return g, (g * (v * t2) if needs(c, 1) else None), (g * (v * t1) if needs(c, 2) else None)


def _addcdiv_fwd(xp, x, t1, t2, value=1):
    return x + value * (t1 / t2)


def _addcdiv_bwd(c, g):
    _, t1, t2 = c.inputs
    v = c.attrs.get("value", 1)
    g1 = g * v / t2 if needs(c, 1) else None
    g2 = -g * v * t1 / (t2 * t2) if needs(c, 2) else None
    return g, g1, g2


ADDCMUL = register(Op("addcmul", _addcmul_fwd, _addcmul_bwd, _addc_rule, "i"))
ADDCDIV = register(Op("addcdiv", _addcdiv_fwd, _addcdiv_bwd, _addc_rule, "i"))

_ADDCDIV_INT = (
    "Integer division with addcdiv is no longer supported, and in a future release addcdiv will "
    "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
    "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer "
    "inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv "
    "behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all "
    "dtypes."
)


def _addc_check(name, input, t1, t2):
    check_tensor(name, input)
    _tensor_only(name, t1, "tensor1", 2)
    _tensor_only(name, t2, "tensor2", 3)
    if name == "addcdiv":
        if t1.dtype.category < D.FLOAT and t2.dtype.category < D.FLOAT:
            raise RuntimeError(_ADDCDIV_INT)
    elif D.result_type_of((input, t1, t2)) is D.bool_:
        raise NotImplementedError("\"addcmul_cpu_out\" not implemented for 'Bool'")


def _addc(op):
    name = op.name

    def fn(input, tensor1, tensor2, *, value=1, out=None):
        _addc_check(name, input, tensor1, tensor2)
        attrs = {"value": value} if value != 1 else {}
        return handle_out(out, dispatch(op, (input, tensor1, tensor2), attrs))

    def fn_(input, tensor1, tensor2, *, value=1):
        _addc_check(name, input, tensor1, tensor2)
        attrs = {"value": value} if value != 1 else {}
        return dispatch_inplace(op, (input, tensor1, tensor2), attrs)

    fn.__name__ = name
    export(fn, names=(name,))
    export(fn_, names=(name + "_",))


_addc(ADDCMUL)
_addc(ADDCDIV)
