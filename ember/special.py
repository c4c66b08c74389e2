"""``ember.special``: special functions, as ``torch.special``.

Most names are the existing elementwise ops under torch.special's spelling.
The others (``erfcx``, ``i0e``, ``i1e``, ``ndtr``, ``ndtri``, ``log_ndtr``,
``entr``, ``xlog1py``, ``multigammaln``, ``zeta``) are composites of ember ops,
so autograd (double backward included) needs no code of its own. The composites
that meet overflow (``erfcx``, ``i0e``, ``i1e``, ``log_ndtr``, ``ndtri``)
compute in float64 and use an asymptotic series where the direct formula would
overflow; every ``where`` feeds its unused branch a safe input so no NaN leaks
into the gradient.
"""

from __future__ import annotations

import math
import numbers

from . import _dtype
from ._creation import arange, full_like, tensor
from ._dtype import get_default_dtype
from ._ops import FUNCTIONS as _F
from ._ops._helpers import dispatch, handle_out
from ._ops.elementwise_special import I1 as _I1
from ._tensor import Tensor

__all__ = [
    "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
    "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma",
    "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc",
    "gammaln", "hermite_polynomial_h", "hermite_polynomial_he", "i0", "i0e", "i1", "i1e",
    "laguerre_polynomial_l", "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit",
    "logsumexp", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0",
    "modified_bessel_k1", "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round",
    "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w", "sinc", "softmax", "spherical_bessel_j0", "xlog1py", "xlogy",
    "zeta",
]  # fmt: skip

_SQRT1_2 = math.sqrt(0.5)
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)

# --- the existing ops under their torch.special names ------------------------------------------

erf = _F["erf"]
erfc = _F["erfc"]
erfinv = _F["erfinv"]
exp2 = _F["exp2"]
expm1 = _F["expm1"]
log1p = _F["log1p"]
gammaln = _F["lgamma"]
digamma = _F["digamma"]
psi = _F["digamma"]
polygamma = _F["polygamma"]
i0 = _F["i0"]
modified_bessel_i0 = i0
sinc = _F["sinc"]
logit = _F["logit"]
logsumexp = _F["logsumexp"]
xlogy = _F["xlogy"]
round = _F["round"]  # noqa: A001 - torch.special.round


def expit(input, *, out=None):
    return handle_out(out, _F["sigmoid"](input))


def softmax(input, dim, *, dtype=None):
    return _F["softmax"](input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    return _F["log_softmax"](input, dim, dtype=dtype)


# --- helpers for the composites ----------------------------------------------------------------


def _check(name, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")  # fmt: skip
    if input.dtype.is_complex:
        raise NotImplementedError(
            f"\"{name}_cpu\" not implemented for '{str(input.dtype).split('.')[-1].title()}'"
        )


def _result_dtype(x):
    return x.dtype if x.dtype.is_floating_point else get_default_dtype()


def _f64(x):
    return x.to(_dtype.float64)


def _poly_series(inv, coefs):
    """sum_k coefs[k] * inv**k, by Horner's rule."""
    total = full_like(inv, coefs[-1])
    for c in reversed(coefs[:-1]):
        total = total * inv + c
    return total


# erfcx(x) ~ 1 / (x sqrt(pi)) * sum_k (-1)^k (2k-1)!! / (2 x^2)^k
_ERFCX_TERMS = [1.0]
for _k in range(1, 14):
    _ERFCX_TERMS.append(-_ERFCX_TERMS[-1] * (2 * _k - 1))
# I_n(x) e^-x ~ 1 / sqrt(2 pi x) * sum_k (-1)^k prod_{j<=k} (4n^2 - (2j-1)^2) / (k! (8x)^k)
_BESSEL_TERMS = {}
for _n in (0, 1):
    _t = [1.0]
    for _k in range(1, 12):
        _t.append(-_t[-1] * (4 * _n * _n - (2 * _k - 1) ** 2) / (_k * 8.0))
    _BESSEL_TERMS[_n] = _t


def _erfcx64(x):
    big = x > 10.0
    xs = x.where(~big, full_like(x, 10.0))
    direct = (xs * xs).exp() * _F["erfc"](xs)
    xb = x.where(big, full_like(x, 10.0))
    inv = 1.0 / (2.0 * xb * xb)
    asym = _poly_series(inv, _ERFCX_TERMS) / (xb * math.sqrt(math.pi))
    return direct.where(~big, asym)


def erfcx(input, *, out=None):
    """Scaled complementary error function, ``exp(x**2) * erfc(x)``."""
    _check("erfcx", input)
    return handle_out(out, _erfcx64(_f64(input)).to(_result_dtype(input)))


def _scaled_bessel(name, n, input, out):
    _check(name, input)
    x = _f64(input)
    ax = x.abs()
    big = ax > 700.0
    xs = x.where(~big, x.new_zeros(()))
    direct = (i0(xs) if n == 0 else dispatch(_I1, (xs,))) * (-xs.abs()).exp()
    ab = ax.where(big, full_like(ax, 700.0))
    asym = _poly_series(1.0 / ab, _BESSEL_TERMS[n]) / (2.0 * math.pi * ab).sqrt()
    if n == 1:
        asym = asym * x.sign()
    return handle_out(out, direct.where(~big, asym).to(_result_dtype(input)))


def i1(input, *, out=None):
    """Modified Bessel function of the first kind, order 1."""
    _check("i1", input)
    return handle_out(out, dispatch(_I1, (input,)))


modified_bessel_i1 = i1


def i0e(input, *, out=None):
    """Exponentially scaled modified Bessel function of order 0, ``exp(-|x|) * i0(x)``."""
    return _scaled_bessel("i0e", 0, input, out)


def i1e(input, *, out=None):
    """Exponentially scaled modified Bessel function of order 1, ``exp(-|x|) * i1(x)``."""
    return _scaled_bessel("i1e", 1, input, out)


def spherical_bessel_j0(input, *, out=None):
    """Spherical Bessel function of the first kind of order 0, ``sin(x) / x``."""
    _check("spherical_bessel_j0", input)
    x = input.to(_result_dtype(input))
    zero = x == 0
    xs = x.where(~zero, x.new_ones(()))
    r = (xs.sin() / xs).where(~zero, x.new_ones(()))
    return handle_out(out, r.where(~x.isinf(), x.new_zeros(())))


# --- the normal distribution -------------------------------------------------------------------


def ndtr(input, *, out=None):
    """Standard normal cumulative distribution function."""
    _check("ndtr", input)
    x = input.to(_result_dtype(input))
    return handle_out(out, 0.5 * erfc(x * -_SQRT1_2))


def _log_ndtr64(x):
    neg = x < 0
    xn = x.where(neg, x.new_full((), -1.0))
    left = (0.5 * _erfcx64(xn * -_SQRT1_2)).log() - 0.5 * xn * xn
    xp = x.where(~neg, x.new_ones(()))
    right = (-0.5 * erfc(xp * _SQRT1_2)).log1p()
    return left.where(neg, right)


def log_ndtr(input, *, out=None):
    """Log of the standard normal cumulative distribution function, accurate in both tails."""
    _check("log_ndtr", input)
    return handle_out(out, _log_ndtr64(_f64(input)).to(_result_dtype(input)))


def ndtri(input, *, out=None):
    """Inverse of ``ndtr``: the argument where the normal CDF equals ``input``."""
    _check("ndtri", input)
    p = _f64(input)
    upper = p > 0.5
    q = (1.0 - p).where(upper, p)
    bad = q <= 0  # p outside (0, 1): a safe stand-in, replaced below
    q = q.where(~bad, q.new_full((), 0.25))
    # Abramowitz & Stegun 26.2.23 (error below 5e-4), then Newton on log(ndtr(x)) = log(q)
    t = (-2.0 * q.log()).sqrt()
    num = 2.515517 + t * (0.802853 + t * 0.010328)
    den = 1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308))
    x = num / den - t
    logq = q.log()
    for _ in range(3):
        lc = _log_ndtr64(x)
        x = x - (lc - logq) * (lc + 0.5 * x * x + _LOG_SQRT_2PI).exp()
    x = (-x).where(upper, x)
    x = x.where(p != 0.5, x - x.detach())  # exactly 0 there, gradient kept
    x = x.where(p != 0, x.new_full((), -math.inf))
    x = x.where(p != 1, x.new_full((), math.inf))
    x = x.where((p >= 0) | p.isnan(), x.new_full((), math.nan))
    x = x.where((p <= 1) | p.isnan(), x.new_full((), math.nan))
    return handle_out(out, x.to(_result_dtype(input)))


# --- entropy, xlog1py, multigammaln, zeta ------------------------------------------------------


def entr(input, *, out=None):
    """Elementwise entropy: ``-x * log(x)`` for ``x > 0``, 0 at 0 and ``-inf`` below.

    The gradient is taken through the branch that is used, so it is 0 at 0 and
    below 0 (PyTorch's formula gives ``inf`` and NaN there).
    """
    _check("entr", input)
    x = input.to(_result_dtype(input))
    xs = x.where(~(x <= 0), x.new_ones(()))
    r = -xs * xs.log()
    r = r.where(x != 0, x.new_zeros(()))
    return handle_out(out, r.where(~(x < 0), x.new_full((), -math.inf)))


def _as_tensor(v):
    return v if isinstance(v, Tensor) else tensor(v)


def _check_pair(name, input, other):
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"{name}(): at least one of 'input' and 'other' must be a Tensor")
    for v in (input, other):
        if not isinstance(v, (Tensor, numbers.Number)):
            raise TypeError(f"{name}(): argument must be Tensor or Number, not {type(v).__name__}")
        if isinstance(v, Tensor):
            _check(name, v)
        elif isinstance(v, complex):
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for 'ComplexFloat'")


def xlog1py(input, other, *, out=None):
    """``input * log1p(other)``, and 0 where ``input`` is 0 (unless ``other`` is NaN)."""
    _check_pair("xlog1py", input, other)
    x, y = _as_tensor(input), _as_tensor(other)
    # only where log1p(other) is not finite does x == 0 need a mask; elsewhere 0 * log1p(y)
    # is already 0 and its gradient in x stays log1p(y), as in PyTorch
    masked = (x == 0) & ((y <= -1) | (y == math.inf))
    return handle_out(out, x * y.where(~masked, y.new_zeros(())).log1p())


def multigammaln(input, p, *, out=None):
    """Multivariate log-gamma of dimension ``p``."""
    _check("multigammaln", input)
    if not isinstance(p, int) or isinstance(p, bool):
        raise TypeError(
            f"special_multigammaln(): argument 'p' (position 2) must be int, not {type(p).__name__}"
        )
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    dt = _result_dtype(input)
    shifts = arange(p, dtype=dt) * 0.5
    terms = gammaln(input.to(dt).unsqueeze(-1) - shifts)
    return handle_out(out, terms.sum(-1) + p * (p - 1) / 4 * math.log(math.pi))


# B_2k / (2k)!, for the Euler-Maclaurin tail of the Hurwitz zeta function
_B2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
        -174611 / 330, 854513 / 138, -236364091 / 2730)  # fmt: skip
_B2K_FACT = tuple(b / math.factorial(2 * k) for k, b in enumerate(_B2K, start=1))


def zeta(input, other, *, out=None):
    """Hurwitz zeta function ``sum_k (other + k) ** -input``.

    Unlike PyTorch, the gradient with respect to ``input`` is computed too.
    """
    _check_pair("zeta", input, other)
    s_in, q_in = _as_tensor(input), _as_tensor(other)
    dt = _dtype.result_type(input, other)
    dt = dt if dt.is_floating_point else get_default_dtype()
    s, q = _f64(s_in), _f64(q_in)
    s, q = s + q.new_zeros(()), q + s.new_zeros(())  # broadcast both
    pole = (q <= 0) & (q == q.floor())
    s = s.where(~(s <= 1), s.new_full((), 2.0))
    q = q.where(~pole, q.new_ones(()))
    fin = q.isfinite()
    low = float(q.where(fin, q.new_zeros(())).min()) if q.numel() else 0.0
    top = float(s.where(s.isfinite(), s.new_zeros(())).max()) if s.numel() else 0.0
    steps = 10 + math.ceil(max(0.0, -low)) + math.ceil(min(max(top, 0.0), 200.0) / 4)
    total = q.new_zeros(())
    for k in range(steps):
        total = total + (q + k) ** -s
    a = q + steps
    tail = a ** (1.0 - s) / (s - 1.0) + 0.5 * a**-s
    fac = s
    pw = a ** (-s - 1.0)
    for k, b in enumerate(_B2K_FACT, start=1):
        if k > 1:
            fac = fac * (s + (2 * k - 3)) * (s + (2 * k - 2))
        tail = tail + b * fac * pw
        pw = pw / (a * a)
    r = total + tail.where(fin, tail.new_zeros(()))
    r = r.where(~pole, r.new_full((), math.inf))
    r = r.where(q != math.inf, r.new_full((), math.nan))  # as Cephes: its tail is inf * 0
    s0 = _f64(s_in) + q.new_zeros(())
    r = r.where(~(s0 < 1), r.new_full((), math.nan))
    r = r.where(s0 != 1, r.new_full((), math.inf))
    return handle_out(out, r.to(dt))


# --- not implemented ---------------------------------------------------------------------------


def _missing(name):
    def fn(*args, **kwargs):
        raise NotImplementedError(f"torch.special.{name} is not implemented in ember")

    fn.__name__ = fn.__qualname__ = name
    return fn


airy_ai = _missing("airy_ai")
bessel_j0 = _missing("bessel_j0")
bessel_j1 = _missing("bessel_j1")
bessel_y0 = _missing("bessel_y0")
bessel_y1 = _missing("bessel_y1")
chebyshev_polynomial_t = _missing("chebyshev_polynomial_t")
chebyshev_polynomial_u = _missing("chebyshev_polynomial_u")
chebyshev_polynomial_v = _missing("chebyshev_polynomial_v")
chebyshev_polynomial_w = _missing("chebyshev_polynomial_w")
gammainc = _missing("gammainc")
gammaincc = _missing("gammaincc")
hermite_polynomial_h = _missing("hermite_polynomial_h")
hermite_polynomial_he = _missing("hermite_polynomial_he")
laguerre_polynomial_l = _missing("laguerre_polynomial_l")
legendre_polynomial_p = _missing("legendre_polynomial_p")
modified_bessel_k0 = _missing("modified_bessel_k0")
modified_bessel_k1 = _missing("modified_bessel_k1")
scaled_modified_bessel_k0 = _missing("scaled_modified_bessel_k0")
scaled_modified_bessel_k1 = _missing("scaled_modified_bessel_k1")
shifted_chebyshev_polynomial_t = _missing("shifted_chebyshev_polynomial_t")
shifted_chebyshev_polynomial_u = _missing("shifted_chebyshev_polynomial_u")
shifted_chebyshev_polynomial_v = _missing("shifted_chebyshev_polynomial_v")
shifted_chebyshev_polynomial_w = _missing("shifted_chebyshev_polynomial_w")
