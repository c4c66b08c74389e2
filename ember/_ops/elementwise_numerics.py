"""Vectorised special functions on NumPy arrays: erf, erfc, erfinv, lgamma,
digamma, polygamma, Bessel I0/I1.

NumPy has none of these as ufuncs. Each works on float64 arrays (callers cast
in and out) and aims at ~1e-15 relative error, except where noted near a root.
They use only ``xp`` operations, so they run on CuPy arrays too.
"""

from __future__ import annotations

import math

_SQRT_PI = math.sqrt(math.pi)
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def _poly(x, coefs):
    """Horner's rule, highest coefficient first."""
    r = coefs[0]
    for c in coefs[1:]:
        r = r * x + c
    return r


# --- erf / erfc ------------------------------------------------------------------------------
# Rational approximations (Cephes ndtr, Moshier): erf on |x| < 1 in x**2, erfc * exp(x**2)
# on [1, 8) and, in 1/x**2, beyond.
_ERF_T = (
    9.60497373987051638749e0,
    9.00260197203842689217e1,
    2.23200534594684319226e3,
    7.00332514112805075473e3,
    5.55923013010394962768e4,
)
_ERF_U = (
    1.0,
    3.35617141647503099647e1,
    5.21357949780152679795e2,
    4.59432382970980127987e3,
    2.26290000613890934246e4,
    4.92673942608635921086e4,
)
_ERFC_P = (
    2.46196981473530512524e-10,
    5.64189564831068821977e-1,
    7.46321056442269912687e0,
    4.86371970985681366614e1,
    1.96520832956077098242e2,
    5.26445194995477358631e2,
    9.34528527171957607540e2,
    1.02755188689515710272e3,
    5.57535335369399327526e2,
)
_ERFC_Q = (
    1.0,
    1.32281951154744992508e1,
    8.67072140885989742329e1,
    3.54937778887819891062e2,
    9.75708501743205489753e2,
    1.82390916687909736289e3,
    2.24633760818710981792e3,
    1.65666309194161350182e3,
    5.57535340817727675546e2,
)
_ERFC_R = (
    5.64189583547755073984e-1,
    1.27536670759978104416e0,
    5.01905042251180477414e0,
    6.16021097993053585195e0,
    7.40974269950448939160e0,
    2.97886665372100240670e0,
)
_ERFC_S = (
    1.0,
    2.26052863220117276590e0,
    9.39603524938001434673e0,
    1.20489539808096656605e1,
    1.70814450747565897222e1,
    9.60896809063285878198e0,
    3.36907645100081516050e0,
)


def _erf_small(x):
    z = x * x
    return x * _poly(z, _ERF_T) / _poly(z, _ERF_U)


def _exp_neg_sq(xp, a):
    """exp(-a*a) without the rounding error of forming a*a (split a into two parts)."""
    hi = xp.floor(a * 128.0) / 128.0
    lo = a - hi
    return xp.exp(-hi * hi) * xp.exp(-lo * (2 * hi + lo))


def _erfc_pos(xp, a):
    """erfc(a) for a >= 1 (elsewhere the value is unused)."""
    # erfc underflows to 0 long before 30; the clamp keeps inf from turning into NaN
    a = xp.minimum(xp.maximum(a, 1.0), 30.0)
    e = _exp_neg_sq(xp, a)
    small = _poly(a, _ERFC_P) / _poly(a, _ERFC_Q)
    big = _poly(a, _ERFC_R) / _poly(a, _ERFC_S)
    return e * xp.where(a < 8.0, small, big)


def erf(xp, x):
    a = xp.abs(x)
    inner = _erf_small(xp.minimum(a, 1.0) * xp.sign(x))
    outer = xp.copysign(1.0 - _erfc_pos(xp, a), x)
    return xp.where(a < 1.0, inner, outer)


def erfc(xp, x):
    a = xp.abs(x)
    inner = 1.0 - _erf_small(xp.minimum(a, 1.0) * xp.sign(x))
    t = _erfc_pos(xp, a)
    outer = xp.where(x < 0, 2.0 - t, t)
    return xp.where(a < 1.0, inner, outer)


def erfinv(xp, y):
    """Inverse of erf: a single-precision first guess (Giles 2010) and Newton steps."""
    ay = xp.abs(y)
    yc = xp.where(ay < 1, y, 0.0)
    w = -xp.log((1.0 - yc) * (1.0 + yc))
    w1 = w - 2.5
    p1 = _poly(
        w1,
        (
            2.81022636e-08,
            3.43273939e-07,
            -3.5233877e-06,
            -4.39150654e-06,
            0.00021858087,
            -0.00125372503,
            -0.00417768164,
            0.246640727,
            1.50140941,
        ),
    )
    w2 = xp.sqrt(xp.maximum(w, 5.0)) - 3.0
    p2 = _poly(
        w2,
        (
            -0.000200214257,
            0.000100950558,
            0.00134934322,
            -0.00367342844,
            0.00573950773,
            -0.0076224613,
            0.00943887047,
            1.00167406,
            2.83297682,
        ),
    )
    x = xp.where(w < 5.0, p1, p2) * yc
    tail = ay > 0.5
    log_q = xp.log(xp.where(tail & (ay < 1), 1.0 - ay, 1.0))
    for _ in range(4):
        # In the tails, step on log(erfc): it is nearly quadratic, and 1 - |y| keeps its digits.
        ax = xp.abs(x)
        d = (2.0 / _SQRT_PI) * _exp_neg_sq(xp, ax)
        c = erfc(xp, ax)
        ok = (d > 0) & (c > 0)
        step_tail = xp.sign(yc) * (xp.log(xp.where(ok, c, 1.0)) - log_q) * c / xp.where(ok, d, 1.0)
        step_mid = (erf(xp, x) - yc) / xp.where(d > 0, d, 1.0)
        x = x - xp.where(ok, xp.where(tail, -step_tail, step_mid), 0.0)
    x = xp.where(ay == 1, xp.copysign(xp.inf, y), x)
    return xp.where((ay > 1) | xp.isnan(y), xp.nan, x)


# --- lgamma, digamma, polygamma --------------------------------------------------------------

_SHIFT = 12.0
# Stirling's series for lgamma: B_2k / (2k (2k - 1)), k = 1..8
_STIRLING = (
    1 / 12,
    -1 / 360,
    1 / 1260,
    -1 / 1680,
    1 / 1188,
    -691 / 360360,
    1 / 156,
    -3617 / 122400,
)
_B2K = (
    1 / 6,
    -1 / 30,
    1 / 42,
    -1 / 30,
    5 / 66,
    -691 / 2730,
    7 / 6,
    -3617 / 510,
    43867 / 798,
    -174611 / 330,
    854513 / 138,
    -236364091 / 2730,
)


def _shift_up(xp, x, limit):
    """(z, prod, recip): z = x + n >= limit, prod = x (x+1) ... (x+n-1), recip = sum 1/(x+k)."""
    z = x
    prod = xp.ones_like(x)
    recip = xp.zeros_like(x)
    for _ in range(int(limit) + 1):
        m = z < limit
        if not m.any():
            break
        zz = xp.where(m, z, 1.0)
        prod = xp.where(m, prod * zz, prod)
        recip = xp.where(m, recip + 1.0 / zz, recip)
        z = xp.where(m, z + 1.0, z)
    return z, prod, recip


def _sinpi_abs(xp, x):
    r = x - xp.round(x)
    return xp.abs(xp.sin(math.pi * r))


def _lgamma_pos(xp, x):
    """lgamma for x >= 0.5."""
    z, prod, _ = _shift_up(xp, x, _SHIFT)
    iz2 = 1.0 / (z * z)
    series = _poly(iz2, _STIRLING[::-1]) / z
    return (z - 0.5) * xp.log(z) - z + _LOG_SQRT_2PI + series - xp.log(prod)


def lgamma(xp, x):
    big = xp.abs(x) > 1e15  # no fraction left; reflection is meaningless there
    pos = (x >= 0.5) | big
    xr = xp.where(pos, xp.abs(x), 1.0 - x)
    lg = _lgamma_pos(xp, xp.where(xp.isfinite(xr), xr, 1.0))
    lg = xp.where(xp.isinf(xr), xp.inf, lg)
    s = _sinpi_abs(xp, x)
    refl = math.log(math.pi) - xp.log(s) - lg
    out = xp.where(pos, lg, refl)
    out = xp.where((x <= 0) & (x == xp.floor(x)), xp.inf, out)
    out = xp.where((x == 1) | (x == 2), 0.0, out)  # exact zeros, as libm gives
    return xp.where(xp.isnan(x), xp.nan, out)


def _digamma_pos(xp, x):
    z, _, recip = _shift_up(xp, x, 10.0)
    iz2 = 1.0 / (z * z)
    coefs = tuple(b / (2 * (k + 1)) for k, b in enumerate(_B2K[:8]))
    series = iz2 * _poly(iz2, coefs[::-1])
    return xp.log(z) - 0.5 / z - series - recip


def digamma(xp, x):
    neg = x < 0.5
    xr = xp.where(neg, 1.0 - x, x)
    fin = xp.isfinite(xr)
    d = _digamma_pos(xp, xp.where(fin, xr, 1.0))
    d = xp.where(fin, d, xr)  # digamma(inf) = inf
    r = x - xp.round(x)
    cot = math.pi / xp.tan(math.pi * xp.where(r == 0, 0.5, r))
    out = xp.where(neg, d - cot, d)
    out = xp.where((x < 0) & (x == xp.floor(x)), xp.nan, out)
    return xp.where(x == 0, xp.copysign(xp.inf, -x), out)


def hurwitz_zeta(xp, s, q):
    """zeta(s, q) = sum_k (q + k)**-s for integer s >= 2 by Euler-Maclaurin summation."""
    limit = 10.0 + s
    a = q
    total = xp.zeros_like(q)
    steps = int(max(0.0, limit - float(xp.min(q)) if q.size else 0.0)) + 1
    for _ in range(steps):
        m = a < limit
        if not m.any():
            break
        total = xp.where(m, total + xp.where(m, a, 1.0) ** -s, total)
        a = xp.where(m, a + 1.0, a)
    tail = a ** (1.0 - s) / (s - 1.0) + 0.5 * a**-s
    fac = 1.0  # s (s+1) ... (s+2k-2) / (2k)!
    pw = a ** (-s - 1.0)
    ia2 = 1.0 / (a * a)
    for k, b in enumerate(_B2K, start=1):
        fac *= (
            (s + 2 * k - 2) / (2 * k)
            if k == 1
            else (s + 2 * k - 3) * (s + 2 * k - 2) / ((2 * k - 1) * (2 * k))
        )
        tail = tail + b * fac * pw
        pw = pw * ia2
    out = total + tail
    nonpos_int = (q <= 0) & (q == xp.floor(q))
    return xp.where(nonpos_int, xp.inf, out)


def polygamma(xp, n, x):
    if n == 0:
        return digamma(xp, x)
    sign = 1.0 if n % 2 else -1.0
    return sign * math.factorial(n) * hurwitz_zeta(xp, float(n + 1), x)


# --- modified Bessel functions I0, I1 ---------------------------------------------------------


def _bessel_series(xp, x, order):
    q = 0.25 * x * x
    term = xp.ones_like(x) if order == 0 else 0.5 * x
    total = term
    for k in range(1, 60):
        term = term * q / (k * (k + order))
        total = total + term
    return total


def _bessel_asymptotic(xp, x, order):
    mu = 4.0 * order * order
    ax = xp.maximum(xp.abs(x), 1.0)
    term = xp.ones_like(ax)
    total = term
    for k in range(1, 30):
        term = -term * (mu - (2 * k - 1) ** 2) / (k * 8.0 * ax)
        total = total + term
    out = xp.exp(ax) * (total / xp.sqrt(2 * math.pi * ax))
    return out if order == 0 else xp.copysign(out, x)


def bessel_i(xp, order, x):
    """Modified Bessel function of the first kind of order 0 or 1."""
    small = xp.abs(x) <= 20.0
    inner = _bessel_series(xp, xp.where(small, x, 0.0), order)
    return xp.where(small, inner, _bessel_asymptotic(xp, x, order))
