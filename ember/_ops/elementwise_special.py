"""Elementwise special functions: erf, erfc, erfinv, lgamma, digamma, polygamma, i0, sinc,
logit.

The numerics are in ``elementwise_numerics`` (NumPy has none of them); they
compute in float64 and the result is cast to the op's dtype.
"""

from __future__ import annotations

import math

import numpy as np

from . import _registry as R
from . import elementwise_numerics as N
from ._helpers import check_tensor, dispatch, dispatch_inplace, handle_out
from ._registry import Op, export, register
from .elementwise import REAL_CATS, reject, unary, zeros_like

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _f64(fn):
    """Run ``fn(xp, x)`` in float64 and return the input's float dtype."""

    def fwd(xp, x, **kw):
        dt = x.dtype
        r = fn(xp, xp.asarray(x, dtype=np.float64), **kw)
        return r.astype(dt) if dt.kind == "f" else r

    return fwd


def _x(c):
    return c.inputs[0]


unary(
    "erf",
    _f64(N.erf),
    lambda c, g: (g * _TWO_OVER_SQRT_PI * (-_x(c) * _x(c)).exp(),),
    cats=REAL_CATS,
    kernel="erf_vml_cpu",
)
unary(
    "erfc",
    _f64(N.erfc),
    lambda c, g: (-g * _TWO_OVER_SQRT_PI * (-_x(c) * _x(c)).exp(),),
    cats=REAL_CATS,
    kernel="erfc_vml_cpu",
)
unary(
    "erfinv",
    _f64(N.erfinv),
    lambda c, g: (g * (0.5 * math.sqrt(math.pi)) * (c.out * c.out).exp(),),
    save="o",
    cats=REAL_CATS,
    kernel="erfinv_vml_cpu",
)
unary(
    "lgamma",
    _f64(N.lgamma),
    lambda c, g: (g * _x(c).digamma(),),
    cats=REAL_CATS,
    kernel="lgamma_vml_cpu",
)
unary(
    "digamma",
    _f64(N.digamma),
    lambda c, g: (g * polygamma(1, _x(c)),),
    cats=REAL_CATS,
    kernel="digamma_vml_cpu",
)


def _i0_bwd(c, g):
    return (g * dispatch(I1, (_x(c),)),)


def _i1_bwd(c, g):
    # I1'(x) = I0(x) - I1(x) / x, and 1/2 at 0
    x = _x(c)
    safe = x.where(x != 0, x.new_ones(()))
    d = x.i0() - c.out / safe
    return (g * d.where(x != 0, d.new_full((), 0.5)),)


unary("i0", _f64(lambda xp, x: N.bessel_i(xp, 0, x)), _i0_bwd, cats=REAL_CATS, kernel="i0_vml_cpu")
# torch.special.i1; a primitive here because i0's gradient needs it
I1 = register(
    Op("special_i1", _f64(lambda xp, x: N.bessel_i(xp, 1, x)), _i1_bwd, R.float_same, "io")
)


# --- polygamma ---------------------------------------------------------------------------------


def _polygamma_fwd(xp, x, n=0):
    return _f64(lambda xp_, v: N.polygamma(xp_, n, v))(xp, x)


def _polygamma_bwd(c, g):
    return (g * polygamma(c.attrs.get("n", 0) + 1, _x(c)),)


POLYGAMMA = register(Op("polygamma", _polygamma_fwd, _polygamma_bwd, R.float_same, "i"))


def _polygamma_check(n, input):
    check_tensor("polygamma", input, "input", 2)
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(
            f"polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}"
        )
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    reject("polygamma", REAL_CATS, input)


@export(method=False)
def polygamma(n, input, *, out=None):
    _polygamma_check(n, input)
    return handle_out(out, dispatch(POLYGAMMA, (input,), {"n": int(n)}))


def _polygamma_method(self, n):
    return polygamma(n, self)


def _polygamma_method_(self, n):
    _polygamma_check(n, self)
    return dispatch_inplace(POLYGAMMA, (self,), {"n": int(n)})


R.METHODS["polygamma"] = _polygamma_method
R.METHODS["polygamma_"] = _polygamma_method_


# --- sinc, logit -------------------------------------------------------


def _sinc_fwd(xp, x):
    if xp.iscomplexobj(x):
        px = math.pi * x
        return xp.where(x == 0, 1.0 + 0j, xp.sin(px) / xp.where(x == 0, 1.0, px))
    return xp.sinc(x)


def _sinc_bwd(c, g):
    x = _x(c)
    px = x * math.pi
    d = (px * px.cos() - px.sin()) / (px * x)
    return (g * d.where(x != 0, zeros_like(d)).conj(),)


unary("sinc", _sinc_fwd, _sinc_bwd)


def _logit_fwd(xp, x, eps=None):
    if eps is not None:
        x = xp.clip(x, eps, 1.0 - eps)
    return xp.log(x / (1 - x))


def _logit_bwd(c, g):
    x = _x(c)
    eps = c.attrs.get("eps")
    d = g / (x * (1 - x))
    if eps is None:
        # outside [0, 1] the gradient is NaN, as in PyTorch
        return (d.where((x >= 0) & (x <= 1), d.new_full((), float("nan"))),)
    inside = (x >= eps) & (x <= 1 - eps)
    return (d.where(inside, zeros_like(d)),)


LOGIT = register(Op("logit", _logit_fwd, _logit_bwd, R.float_same, "i"))


def _logit_attrs(input, eps):
    check_tensor("logit", input)
    reject("logit", REAL_CATS, input, kernel="logit_cpu")
    return {"eps": float(eps)} if eps is not None else {}


@export
def logit(input, eps=None, *, out=None):
    return handle_out(out, dispatch(LOGIT, (input,), _logit_attrs(input, eps)))


@export(names=("logit_",))
def logit_(input, eps=None):
    return dispatch_inplace(LOGIT, (input,), _logit_attrs(input, eps))
