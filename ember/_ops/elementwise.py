"""Elementwise ops, unary: math, rounding, predicates; and where, clamp, copy, fill, complex parts.

Binary arithmetic lives in ``elementwise_binary``; comparisons and logic in
``elementwise_logic``; the special functions (erf, lgamma, digamma, ...) in
``elementwise_special``. The factories here (``unary``, ``reject``) are shared by all.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _config as _C
from .. import _dtype as D
from .._autograd.node import show_grad_fn_as
from . import _registry as R
from ._helpers import (
    Tensor,
    check_tensor,
    dispatch,
    dispatch_inplace,
    handle_out,
    inplace_by_copy,
    needs,
    type_word,
)
from ._registry import METHODS, Op, export, register

ALL_CATS = (D.BOOL, D.INT, D.FLOAT, D.COMPLEX)
REAL_CATS = (D.BOOL, D.INT, D.FLOAT)
NO_BOOL = (D.INT, D.FLOAT, D.COMPLEX)
NO_BOOL_REAL = (D.INT, D.FLOAT)
FLOATING = (D.FLOAT, D.COMPLEX)


def reject(name, cats, *tensors, kernel=None):
    """PyTorch's "not implemented for 'Long'" error for a dtype the kernel lacks."""
    for t in tensors:
        if isinstance(t, Tensor) and t._dtype.category not in cats:
            raise NotImplementedError(
                f"\"{kernel or name + '_cpu'}\" not implemented for '{type_word(t._dtype)}'"
            )


def zeros_like(g):
    from .._creation import zeros_like as zl

    return zl(g)


def float_or_same(args, attrs):
    """Integers and bools to the default float dtype; floats and complex stay."""
    return R.float_same(args, attrs)


def real_float(args, attrs):
    """Floating result of a real-valued function (complex inputs give their real dtype)."""
    cdt, odt = R.float_same(args, attrs)
    return cdt, odt.to_real()


def unary(
    name,
    fwd,
    bwd=None,
    rule=R.float_same,
    save="i",
    *,
    cats=ALL_CATS,
    kernel=None,
    check=None,
    aliases=(),
    inplace=True,
):
    """Register a one-input op and bind ``ember.name``, ``Tensor.name`` and ``Tensor.name_``."""
    op = register(Op(name, fwd, bwd, rule, save))

    def fn(input, *, out=None):
        check_tensor(name, input)
        reject(name, cats, input, kernel=kernel)
        if check is not None:
            check(input)
        return handle_out(out, dispatch(op, (input,)))

    def fn_(input):
        reject(name, cats, input, kernel=kernel)
        if check is not None:
            check(input)
        return dispatch_inplace(op, (input,))

    fn.__name__ = name
    fn_.__name__ = name + "_"
    export(fn, names=(name,) + aliases)
    if inplace:
        export(fn_, names=tuple(n + "_" for n in (name,) + aliases))
    return op


def _conj(x):
    return x.conj() if isinstance(x, Tensor) and x.dtype.is_complex else x


def _x(c):
    return c.inputs[0]


def _no_complex(msg, exc=NotImplementedError):
    def check(t):
        if t._dtype.is_complex:
            raise exc(msg)

    return check


# --- sign, absolute value, negation ---------------------------------------------------------


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
    return _sign(xp, x)


def _sign(xp, x):
    return x.copy() if x.dtype == np.bool_ else xp.sign(x)


def _abs_bwd(c, g):
    return (g * _x(c).sgn(),)


def _sgn_bwd(c, g):
    x = _x(c)
    if not x.dtype.is_complex:
        return (zeros_like(g),)
    # d sgn(z) for z != 0: (g - Re(g conj(sgn z)) sgn z) / |z|
    a = x.abs()
    s = x.sgn()
    res = (g - (g * s.conj()).real * s) / a
    return (res.where(a != 0, zeros_like(res)),)


unary("abs", lambda xp, x: xp.abs(x), _abs_bwd, R.to_real, cats=NO_BOOL, aliases=("absolute",))
unary("neg", _neg, lambda c, g: (-g,), R.same, "", aliases=("negative",))
unary(
    "sign",
    _sign,
    lambda c, g: (zeros_like(g),),
    R.same,
    "",
    check=_no_complex(
        "Unlike NumPy, torch.sign is not intended to support complex numbers. Please use torch.sgn "
        "instead."
    ),
)
unary("sgn", _sgn, _sgn_bwd, R.same)
unary(
    "signbit",
    lambda xp, x: xp.signbit(x) if x.dtype.kind == "f" else x < 0,
    None,
    R.to_bool,
    "",
    check=_no_complex("signbit is not implemented for complex tensors."),
    inplace=False,  # PyTorch has no Tensor.signbit_
)


# --- exponentials and logarithms -------------------------------------------------------------

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)

unary("exp", lambda xp, x: xp.exp(x), lambda c, g: (g * c.out.conj(),), save="o")
unary("exp2", lambda xp, x: xp.exp2(x), lambda c, g: (g * c.out.conj() * _LN2,), save="o")
unary("expm1", lambda xp, x: xp.expm1(x), lambda c, g: (g * (c.out.conj() + 1),), save="o")
unary("log", lambda xp, x: xp.log(x), lambda c, g: (g / _x(c).conj(),))
unary("log2", lambda xp, x: xp.log2(x), lambda c, g: (g / (_x(c).conj() * _LN2),))
unary("log10", lambda xp, x: xp.log10(x), lambda c, g: (g / (_x(c).conj() * _LN10),))
unary("log1p", lambda xp, x: xp.log1p(x), lambda c, g: (g / (_x(c).conj() + 1),))
unary("sqrt", lambda xp, x: xp.sqrt(x), lambda c, g: (g / (2 * c.out.conj()),), save="o")
unary(
    "rsqrt",
    lambda xp, x: 1 / xp.sqrt(x),
    lambda c, g: (-0.5 * g * c.out.conj().pow(3),),
    save="o",
)
unary("reciprocal", lambda xp, x: 1 / x, lambda c, g: (-g * (c.out * c.out).conj(),), save="o")


def _square(xp, x):
    return x * x if x.dtype != np.bool_ else x.astype(np.int64)


def _square_rule(args, attrs):
    dt = args[0].dtype
    dt = D.int64 if dt is D.bool_ else dt
    return dt, dt


unary("square", _square, lambda c, g: (2 * g * _x(c).conj(),), _square_rule)


# --- trigonometric and hyperbolic ------------------------------------------------------------


def _one_minus_sq(x):
    return 1 - x * x


unary("sin", lambda xp, x: xp.sin(x), lambda c, g: (g * _x(c).cos().conj(),))
unary("cos", lambda xp, x: xp.cos(x), lambda c, g: (-g * _x(c).sin().conj(),))
unary("tan", lambda xp, x: xp.tan(x), lambda c, g: (g * (1 + c.out * c.out).conj(),), save="o")
unary(
    "asin",
    lambda xp, x: xp.arcsin(x),
    lambda c, g: (g * _one_minus_sq(_x(c)).rsqrt().conj(),),
    aliases=("arcsin",),
)
unary(
    "acos",
    lambda xp, x: xp.arccos(x),
    lambda c, g: (-g * _one_minus_sq(_x(c)).rsqrt().conj(),),
    aliases=("arccos",),
)
unary(
    "atan",
    lambda xp, x: xp.arctan(x),
    lambda c, g: (g / (1 + _x(c) * _x(c)).conj(),),
    aliases=("arctan",),
)
unary("sinh", lambda xp, x: xp.sinh(x), lambda c, g: (g * _x(c).cosh().conj(),))
unary("cosh", lambda xp, x: xp.cosh(x), lambda c, g: (g * _x(c).sinh().conj(),))
unary("tanh", lambda xp, x: xp.tanh(x), lambda c, g: (g * (1 - c.out * c.out).conj(),), save="o")
unary(
    "asinh",
    lambda xp, x: xp.arcsinh(x),
    lambda c, g: (g * (_x(c) * _x(c) + 1).rsqrt().conj(),),
    aliases=("arcsinh",),
)
unary(
    "acosh",
    lambda xp, x: xp.arccosh(x),
    lambda c, g: (g * ((_x(c) - 1).rsqrt() * (_x(c) + 1).rsqrt()).conj(),),
    aliases=("arccosh",),
)
unary(
    "atanh",
    lambda xp, x: xp.arctanh(x),
    lambda c, g: (g / _one_minus_sq(_x(c)).conj(),),
    aliases=("arctanh",),
)


def _sigmoid(xp, x):
    if xp.iscomplexobj(x):
        return 1 / (1 + xp.exp(-x))
    # Stable for large |x|: exp never overflows.
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


unary("sigmoid", _sigmoid, lambda c, g: (g * (c.out * (1 - c.out)).conj(),), save="o")


def _relu(xp, x):
    if x.dtype == np.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    return xp.maximum(x, 0)


def _relu_bwd(c, g):
    out = c.out
    gx = g * (out > 0)
    if _C.local.grad_enabled:
        # create_graph: like torch's threshold_backward, the result depends on the output
        # (with a zero derivative), so a gradient penalty reaches every parameter.
        gx = gx + out * 0
    return (gx,)


unary("relu", _relu, _relu_bwd, R.same, "o", cats=REAL_CATS)

_DEG = 180.0 / math.pi
unary(
    "deg2rad",
    lambda xp, x: x * (math.pi / 180.0),
    lambda c, g: (g * (math.pi / 180.0),),
    save="",
    check=_no_complex("deg2rad is not supported for complex tensors.", RuntimeError),
)
unary(
    "rad2deg",
    lambda xp, x: x * _DEG,
    lambda c, g: (g * _DEG,),
    save="",
    check=_no_complex("rad2deg is not supported for complex tensors.", RuntimeError),
)


def _angle(xp, x):
    if xp.iscomplexobj(x):
        return xp.angle(x)
    return xp.where(xp.isnan(x), x, xp.where(x < 0, math.pi, 0.0))


def _angle_bwd(c, g):
    x = _x(c)
    if not x.dtype.is_complex:
        return (zeros_like(g),)
    # d angle = Im(dz / z); PyTorch's convention for the conjugate gradient: g z i / |z|^2
    a2 = (x * x.conj()).real
    res = g * x / a2 * 1j
    return (res.where(a2 != 0, zeros_like(res)),)


unary("angle", _angle, _angle_bwd, real_float, inplace=False)


# --- rounding --------------------------------------------------------------------------------


def _int_keep(f):
    return lambda xp, x: x.copy() if x.dtype.kind in "iu" else f(x)


def _zero_grad(c, g):
    return (zeros_like(g),)


for _n, _f in (("floor", np.floor), ("ceil", np.ceil), ("trunc", np.trunc)):
    unary(
        _n,
        _int_keep(_f),
        _zero_grad,
        R.same,
        "",
        cats=NO_BOOL_REAL,
        kernel=_n + "_vml_cpu",
        aliases=("fix",) if _n == "trunc" else (),
    )
unary("frac", lambda xp, x: x - xp.trunc(x), lambda c, g: (g,), R.same, "", cats=(D.FLOAT,))


def _round(xp, x, decimals=0):
    if x.dtype.kind in "iu":
        return x.copy()
    if decimals == 0:
        return xp.round(x)
    # PyTorch scales by 10**d (or divides by 10**-d) and rounds half to even
    if decimals > 0:
        s = 10.0**decimals
        return xp.round(x * s) / s
    s = 10.0**-decimals
    return xp.round(x / s) * s


ROUND = register(Op("round", _round, _zero_grad, R.same))


def _round_check(input, decimals):
    check_tensor("round", input)
    if decimals and input._dtype.category != D.FLOAT:
        reject("round", (D.FLOAT,), input)
    reject("round", NO_BOOL_REAL, input, kernel="round_vml_cpu")


@export
def round(input, *, decimals=0, out=None):
    _round_check(input, decimals)
    attrs = {"decimals": decimals} if decimals else {}
    return handle_out(out, dispatch(ROUND, (input,), attrs))


@export(names=("round_",))
def round_(input, *, decimals=0):
    _round_check(input, decimals)
    return dispatch_inplace(ROUND, (input,), {"decimals": decimals} if decimals else {})


# --- predicates and nan_to_num ---------------------------------------------------------------


def _pred(name, f, cats=ALL_CATS, msg=None, out_ok=False):
    op = register(Op(name, lambda xp, x: f(xp, x), None, R.to_bool))

    def fn(input):
        check_tensor(name, input)
        if msg and input._dtype.is_complex:
            raise RuntimeError(msg)
        return dispatch(op, (input,))

    if out_ok:  # isposinf/isneginf have out= in PyTorch; isnan/isinf/isfinite do not
        pred = fn

        def fn(input, *, out=None):
            return handle_out(out, pred(input))

    fn.__name__ = name
    export(fn, names=(name,))
    return op


def _floats_only(g):
    return lambda xp, x: g(xp, x) if x.dtype.kind in "fc" else xp.zeros(x.shape, dtype=bool)


_pred("isnan", lambda xp, x: xp.isnan(x) if x.dtype.kind in "fc" else xp.zeros(x.shape, bool))
_pred("isinf", _floats_only(lambda xp, x: xp.isinf(x)))
_pred("isfinite", lambda xp, x: xp.isfinite(x) if x.dtype.kind in "fc" else xp.ones(x.shape, bool))
_pred(
    "isposinf",
    _floats_only(lambda xp, x: xp.isposinf(x)),
    msg="isposinf does not support complex inputs.",
    out_ok=True,
)
_pred(
    "isneginf",
    _floats_only(lambda xp, x: xp.isneginf(x)),
    msg="isneginf does not support complex inputs.",
    out_ok=True,
)
_pred("isreal", lambda xp, x: xp.imag(x) == 0 if x.dtype.kind == "c" else xp.ones(x.shape, bool))


def _nan_to_num(xp, x, nan=0.0, posinf=None, neginf=None):
    if x.dtype.kind not in "fc":
        return x.copy()
    if x.dtype.kind == "c":
        return _nan_to_num(xp, x.real, nan, posinf, neginf) + 1j * _nan_to_num(
            xp, x.imag, nan, posinf, neginf
        )
    out = xp.where(xp.isnan(x), nan, x)
    out = xp.where(xp.isposinf(x), posinf, out)
    return xp.where(xp.isneginf(x), neginf, out).astype(x.dtype)


def _nan_to_num_bwd(c, g):
    return (g.where(_x(c).isfinite(), zeros_like(g)),)


NAN_TO_NUM = register(Op("nan_to_num", _nan_to_num, _nan_to_num_bwd, R.same, "i"))


def _nan_to_num_attrs(input, nan, posinf, neginf):
    check_tensor("nan_to_num", input)
    dt = input._dtype.to_real()
    if dt.category != D.FLOAT:
        return {}
    fi = D.finfo(dt)
    return {
        "nan": 0.0 if nan is None else float(nan),
        "posinf": fi.max if posinf is None else float(posinf),
        "neginf": fi.min if neginf is None else float(neginf),
    }


@export
def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    attrs = _nan_to_num_attrs(input, nan, posinf, neginf)
    return handle_out(out, dispatch(NAN_TO_NUM, (input,), attrs))


@export(names=("nan_to_num_",))
def nan_to_num_(input, nan=0.0, posinf=None, neginf=None):
    return dispatch_inplace(NAN_TO_NUM, (input,), _nan_to_num_attrs(input, nan, posinf, neginf))


# --- where, clamp --------------------------------------------------------------------------


def _where_rule(args, attrs):
    dt = D.result_type_of(args[1:])
    return dt, dt


def _where_fwd(xp, c, x, y):
    return xp.where(c, x, y)


def _where_bwd(c, g):
    cond = c.inputs[0]
    z = zeros_like(g)
    return (
        None,
        g.where(cond, z) if needs(c, 1) else None,
        z.where(cond, g) if needs(c, 2) else None,
    )


WHERE = register(Op("where", _where_fwd, _where_bwd, _where_rule, "i", nocast=(0,)))


def _where(condition, input, other):
    check_tensor("where", condition, "condition", 1)
    if condition._dtype is not D.bool_:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{type_word(condition._dtype)}"
        )
    return dispatch(WHERE, (condition, input, other))


@export(method=False)
def where(condition, input=None, other=None, *, out=None):
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    return handle_out(out, _where(condition, input, other))


def _tensor_where(self, condition, other):
    return _where(condition, self, other)


METHODS["where"] = _tensor_where


def _int_bound(v, x):
    # PyTorch casts a Python-number bound to an integer tensor's dtype (with wrap-around)
    if isinstance(v, (int, np.integer)) and x.dtype.kind in "iu":
        return np.asarray(v).astype(x.dtype)
    return v


def _clamp_fwd(xp, x, lo, hi):
    lo, hi = _int_bound(lo, x), _int_bound(hi, x)
    # NaN in x propagates; a NaN bound gives NaN, as in PyTorch
    if lo is not None:
        x = xp.where(x < lo, lo, x) if not isinstance(lo, float) or lo == lo else lo + 0 * x
        if isinstance(lo, np.ndarray):
            x = xp.where(xp.isnan(lo), lo, x) if lo.dtype.kind in "fc" else x
    if hi is not None:
        x = xp.where(x > hi, hi, x) if not isinstance(hi, float) or hi == hi else hi + 0 * x
        if isinstance(hi, np.ndarray):
            x = xp.where(xp.isnan(hi), hi, x) if hi.dtype.kind in "fc" else x
    return x


def _clamp_bwd(c, g):
    x, lo, hi = c.inputs
    z = zeros_like(g)
    keep = None
    if lo is not None:
        keep = x >= lo
    if hi is not None:
        k = x <= hi
        keep = k if keep is None else keep & k
    gx = g.where(keep, z) if needs(c, 0) else None
    glo = ghi = None
    # with min > max the result is max: the gradient goes there, as in PyTorch
    if isinstance(lo, Tensor) and needs(c, 1):
        m = x < lo
        glo = g.where(m & (lo <= hi) if hi is not None else m, z)
    if isinstance(hi, Tensor) and needs(c, 2):
        low = x if lo is None else x.maximum(lo) if isinstance(lo, Tensor) else x.clamp(min=lo)
        ghi = g.where(low > hi, z)
    return gx, glo, ghi


CLAMP = register(Op("clamp", _clamp_fwd, _clamp_bwd, R.promote, "i"))


def _clamp_check(input, min, max, name="clamp"):
    check_tensor(name, input)
    if min is None and max is None:
        raise RuntimeError(f"torch.{name}: At least one of 'min' or 'max' must not be None")
    if input._dtype.is_complex:
        raise NotImplementedError("clamp is not supported for complex types")


@export(names=("clamp", "clip"))
def clamp(input, min=None, max=None, *, out=None):
    _clamp_check(input, min, max)
    res = dispatch(CLAMP, (input, min, max))
    if not isinstance(min, Tensor) and not isinstance(max, Tensor):
        show_grad_fn_as(res, "ClampBackward1")  # torch's overload for Python-number bounds
    return handle_out(out, res)


@export(names=("clamp_", "clip_"))
def clamp_(input, min=None, max=None):
    _clamp_check(input, min, max)
    return dispatch_inplace(CLAMP, (input, min, max))


@export
def clamp_min(input, min, *, out=None):
    res = clamp(input, min=min, out=out)
    return res if isinstance(min, Tensor) else show_grad_fn_as(res, "ClampMinBackward0")


@export
def clamp_max(input, max, *, out=None):
    res = clamp(input, max=max, out=out)
    return res if isinstance(max, Tensor) else show_grad_fn_as(res, "ClampMaxBackward0")


@export(names=("clamp_min_",))
def clamp_min_(input, min):
    return clamp_(input, min=min)


@export(names=("clamp_max_",))
def clamp_max_(input, max):
    return clamp_(input, max=max)


# --- copy, fill ------------------------------------------------------------------------------


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
    if isinstance(src, np.ndarray):
        return xp.asarray(src).astype(dst.dtype, copy=True)
    return xp.full(dst.shape, src, dtype=dst.dtype)


def _copy_bwd(c, g):
    return (zeros_like(g) if needs(c, 0) else None), (g if needs(c, 1) else None)


# copy_ computes in the destination dtype (any cast is allowed, as in PyTorch)
COPY = register(Op("copy", _copy_fwd, _copy_bwd, _copy_rule, "", upcast_half=False))


def copy_(self, src, non_blocking=False):
    if not isinstance(src, Tensor):
        raise TypeError(
            f"copy_(): argument 'src' (position 1) must be Tensor, not {type(src).__name__}"
        )
    if src._dtype is not self._dtype:
        src = src.to(self._dtype)
    return dispatch_inplace(COPY, (self, src))


METHODS["copy_"] = copy_


def _fill_fwd(xp, dst, value):
    if isinstance(value, np.ndarray):
        return xp.broadcast_to(value, dst.shape).astype(dst.dtype)
    return xp.full(dst.shape, value, dtype=dst.dtype)


FILL = register(
    Op("fill", _fill_fwd, lambda c, g: (zeros_like(g), None), _copy_rule, "", upcast_half=False)
)


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


@export(names=("conj", "resolve_conj"))
def conj(input):
    check_tensor("conj", input)
    if not input.dtype.is_complex:
        return input
    return dispatch(CONJ, (input,))


@export
def conj_physical(input, *, out=None):
    check_tensor("conj_physical", input)
    return handle_out(out, conj(input))


export(inplace_by_copy(conj, "conj_physical"), names=("conj_physical_",))


@export(names=("resolve_neg",))
def resolve_neg(input):
    return input


REAL = register(
    Op("real", lambda xp, x: xp.real(x), lambda c, g: (g,), R.to_real, save="", upcast_half=False)
)
IMAG = register(
    Op(
        "imag",
        lambda xp, x: xp.imag(x),
        lambda c, g: (g * 1j,),
        R.to_real,
        save="",
        upcast_half=False,
    )
)


@export(method=False)  # Tensor.real is a property (complex_views)
def real(input):
    check_tensor("real", input)
    if not input.dtype.is_complex:
        return input
    return dispatch(REAL, (input,))


@export(method=False)  # Tensor.imag is a property (complex_views)
def imag(input):
    check_tensor("imag", input)
    if not input.dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return dispatch(IMAG, (input,))


def _is_conj(self):
    return False


METHODS["is_conj"] = _is_conj
METHODS["is_neg"] = _is_conj


# The rest of the family registers on import (they use the factories above).
from . import elementwise_binary, elementwise_special  # noqa: E402, F401
