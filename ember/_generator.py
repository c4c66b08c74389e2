"""PyTorch's CPU random generator, reimplemented on NumPy.

The engine is MT19937 seeded with ``init_genrand(seed & 0xffffffff)`` (NumPy's legacy
seeding), drawn in bulk with ``MT19937.random_raw``. On top of it sit torch's
transformations (ATen's DistributionsHelper / TransformationHelper / CPU distribution
kernels), reproduced step by step. ``get_state``/``set_state`` use torch's 5056-byte
``CPUGeneratorImplState`` layout (seed, left, seeded, next, 624 x uint64 state, the
legacy normal fields holding the cached double Box-Muller value, then the float cache),
so states move freely between ember and torch.

How each function compares with torch 2.13 on x86-64 (checked by
tests/test_generator_streams.py for several seeds, sizes 1 ... 100003 and all dtypes):

=============================  ==========  ==================================================
function                       match       notes
=============================  ==========  ==================================================
random_uint32 / seeding        bit-exact   incl. negative and 64-bit seeds, default seed
get_state / set_state          bit-exact   bytes identical, incl. cached normal, odd positions
uniform (rand, uniform_)       bit-exact   f32/f16/bf16: 24-bit float, ``fma(x, to-from, from)``
                                           f64: 53 bits of two words, fma in double
normal, n < 16                 bit-exact   double Box-Muller, cached second value; libm maths
normal, n >= 16, float32/16/bf bit-exact   the AVX2 Cephes log/sincos torch uses, replayed in
                                           float32 with the compiler's FMA contractions
normal, n >= 16, float64       bit-exact   libm log/cos/sin; tail redraws the last 16
normal_tensor                  bit-exact   ``normal_(0, 1)`` then ``mul_(std).add_(mean)``
randint / random_              bit-exact   32-bit draws below 2**28, 64-bit draws above
randperm                       bit-exact   Fisher-Yates with ``random() % (n - i)``; the
                                           64-bit variant (n >= 2**32 / 20) is untested
bernoulli_tensor               bit-exact   float p: 24-bit uniform; double p: 53-bit
bernoulli_scalar               bit-exact*  *default kernel; torch on Intel CPUs with MKL may
                                           use MKL's own stream instead (not reproduced)
exponential / geometric /      bit-exact   double transforms with the C library's log1p, log,
cauchy / log_normal                        tan, exp (via ``math``); log_normal uses the cache
poisson                        bit-exact   per-element rejection sampler; lgamma from libm
multinomial                    bit-exact*  *with replacement always; without replacement the
                                           order of exactly tied ``p / q`` keys (e.g. drawing
                                           zero-probability categories) can differ from
                                           torch's unstable topk
=============================  ==========  ==================================================

Platform dependence: the float32 randn fast path mirrors torch's AVX2 kernel (used on
AVX2 and AVX-512 machines); a torch built for another CPU (e.g. ARM) uses other maths for
that one path. Double-precision results rely on the C library's libm, as torch does.
``_fma64`` is an error-free-transform FMA that can differ from a hardware FMA only in
rare double-rounding ties.
"""

from __future__ import annotations

import math
import os
import struct
import time

import ml_dtypes
import numpy as np

__all__ = [
    "Generator",
    "default_generator",
    "manual_seed",
    "seed",
    "initial_seed",
    "get_rng_state",
    "set_rng_state",
]

_DEFAULT_SEED = 67280421310721
_N = 624
_STATE_BYTES = 5056
_U64 = (1 << 64) - 1

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_F16 = np.dtype(np.float16)
_BF16 = np.dtype(ml_dtypes.bfloat16)
_FLOATS = (_F16, _BF16, _F32, _F64)
# mantissa digits (std::numeric_limits<T>::digits) per floating dtype
_DIGITS = {_F16: 11, _BF16: 8, _F32: 24, _F64: 53}


def _np_dtype(dtype) -> np.dtype:
    """Accept a NumPy dtype, anything np.dtype understands, or an object with ``.np``."""
    if dtype is None:
        return _F32
    inner = getattr(dtype, "np", None)
    if isinstance(inner, np.dtype):
        return inner
    return np.dtype(dtype)


def _is_float(dt: np.dtype) -> bool:
    return dt in _FLOATS


# ----------------------------------------------------------------------------------------------
# Exact float helpers
# ----------------------------------------------------------------------------------------------


def _fma32(a, b, c):
    """Correctly rounded float32 fused multiply-add, computed in float64 with round-to-odd."""
    a = np.asarray(a, np.float32).astype(np.float64)
    b = np.asarray(b, np.float32).astype(np.float64)
    c = np.asarray(c, np.float32).astype(np.float64)
    p = a * b  # exact: 24 + 24 bits fit in 53
    s = p + c
    bb = s - p
    err = (p - (s - bb)) + (c - bb)
    si = np.atleast_1d(s).view(np.int64).copy()
    err = np.atleast_1d(err)
    fix = (err != 0) & ((si & 1) == 0) & np.isfinite(np.atleast_1d(s))
    if fix.any():
        same = np.signbit(err) == np.signbit(np.atleast_1d(s))
        si[fix] += np.where(same[fix], 1, -1)
    return si.view(np.float64).astype(np.float32).reshape(np.shape(s))


def _two_prod(a, b):
    """Dekker's exact product: a*b == p + e (float64)."""
    p = a * b
    split = 134217729.0  # 2**27 + 1
    t = split * a
    ah = t - (t - a)
    al = a - ah
    t = split * b
    bh = t - (t - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def _fma64(a, b, c):
    """float64 fused multiply-add (exact product, one final rounding in all but rare ties)."""
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    c = np.asarray(c, np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        p, e = _two_prod(a, b)
        s = p + c
        bb = s - p
        err = (p - (s - bb)) + (c - bb)
        out = s + (err + e)
    return np.where(np.isfinite(out), out, a * b + c)


# ----------------------------------------------------------------------------------------------
# The AVX2 float32 log / sincos that torch's vectorised randn uses (Cephes polynomials).
# Every step is an IEEE float32 operation, so NumPy float32 arithmetic reproduces it.
# ----------------------------------------------------------------------------------------------

_f = np.float32
_LOG_P = [
    _f(7.0376836292e-2),
    _f(-1.1514610310e-1),
    _f(1.1676998740e-1),
    _f(-1.2420140846e-1),
    _f(1.4249322787e-1),
    _f(-1.6668057665e-1),
    _f(2.0000714765e-1),
    _f(-2.4999993993e-1),
    _f(3.3333331174e-1),
]
_LOG_Q1 = _f(-2.12194440e-4)
_LOG_Q2 = _f(0.693359375)
_SQRTHF = _f(0.707106781186547524)
_DP1 = _f(-0.78515625)
_DP2 = _f(-2.4187564849853515625e-4)
_DP3 = _f(-3.77489497744594108e-8)
_SIN_P = [_f(-1.9515295891e-4), _f(8.3321608736e-3), _f(-1.6666654611e-1)]
_COS_P = [_f(2.443315711809948e-005), _f(-1.388731625493765e-003), _f(4.166664568298827e-002)]
_FOPI = _f(1.27323954473516)
_HALF = _f(0.5)
_ONE = _f(1.0)
_TWO_PI_F = _f(2.0 * math.pi)

# torch's AVX2 kernels are compiled with FMA contraction: a multiply whose only use is an
# add/subtract becomes one fused operation, which changes the rounding.
_FUSE = True


def _madd(a, b, c):
    """``a * b + c`` as the compiled AVX2 kernel evaluates it (fused when contracted)."""
    if _FUSE:
        return _fma32(a, b, c)
    return a * b + c


def _log_avx(x):
    x = np.maximum(x, np.float32(1.1754944e-38))
    bits = x.view(np.uint32)
    e = ((bits >> np.uint32(23)).astype(np.int32) - 127).astype(np.float32) + _ONE
    x = ((bits & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000)).view(np.float32)
    mask = x < _SQRTHF
    tmp = np.where(mask, x, _f(0.0))
    x = x - _ONE
    e = e - np.where(mask, _ONE, _f(0.0))
    x = x + tmp
    z = x * x
    y = np.full_like(x, _LOG_P[0])
    for p in _LOG_P[1:]:
        y = _madd(y, x, p)
    y = y * x
    y = _madd(y, z, e * _LOG_Q1)
    y = _madd(-z, _HALF, y)
    x = x + y
    x = _madd(e, _LOG_Q2, x)
    return x


def _sincos_avx(x):
    sign_sin = np.signbit(x)
    x = np.abs(x)
    y = x * _FOPI
    j = np.trunc(y).astype(np.int32)
    j = (j + 1) & ~1
    y = j.astype(np.float32)
    swap_sin = (j & 4) != 0
    poly = (j & 2) == 0
    x = _madd(y, _DP1, x)
    x = _madd(y, _DP2, x)
    x = _madd(y, _DP3, x)
    sign_cos = ((~(j - 2)) & 4) != 0
    sign_sin = sign_sin ^ swap_sin
    z = x * x
    yc = np.full_like(x, _COS_P[0])
    yc = _madd(yc, z, _COS_P[1])
    yc = _madd(yc, z, _COS_P[2])
    yc = yc * z
    yc = _madd(yc, z, -(z * _HALF))
    yc = yc + _ONE
    ys = np.full_like(x, _SIN_P[0])
    ys = _madd(ys, z, _SIN_P[1])
    ys = _madd(ys, z, _SIN_P[2])
    ys = ys * z
    ys = _madd(ys, x, x)
    s = np.where(poly, ys, yc)
    c = np.where(poly, yc, ys)
    s = np.where(sign_sin, -s, s)
    c = np.where(sign_cos, -c, c)
    return s, c


# ----------------------------------------------------------------------------------------------
# libm-exact scalar maths (CPython's math module calls the C library, as torch's kernels do)
# ----------------------------------------------------------------------------------------------


def _libm(fn):
    vec = np.frompyfunc(fn, 1, 1)

    def apply(x):
        x = np.asarray(x, np.float64)
        if x.size == 0:
            return x.copy()
        return vec(x).astype(np.float64)

    return apply


_log = _libm(math.log)
_log1p = _libm(math.log1p)
_sin = _libm(math.sin)
_cos = _libm(math.cos)
_tan = _libm(math.tan)
_exp = _libm(math.exp)

try:  # CPython's math.lgamma is its own code; torch calls the C library's lgamma
    import ctypes
    import ctypes.util

    _libm_so = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    _c_lgamma = _libm_so.lgamma
    _c_lgamma.restype = ctypes.c_double
    _c_lgamma.argtypes = [ctypes.c_double]

    def _lgamma(x: float) -> float:
        return float(_c_lgamma(x))

except (OSError, AttributeError, TypeError):  # pragma: no cover - non-glibc platforms
    _lgamma = math.lgamma


def _to_dtype(values, dt: np.dtype):
    """static_cast<scalar_t>(double) as torch does it (Half/BFloat16 go through float)."""
    values = np.asarray(values)
    if dt in (_F16, _BF16) and values.dtype == np.float64:
        values = values.astype(np.float32)
    if dt == np.bool_:
        return values != 0
    with np.errstate(over="ignore", invalid="ignore"):
        if dt.kind in "iu" and values.dtype.kind == "f":
            return np.trunc(values).astype(np.int64).astype(dt)
        return values.astype(dt)


def _mul_add(z, std, mean, dt):
    """``out.mul_(std).add_(mean)`` with torch's in-place type promotion."""
    ct = np.result_type(dt, std.dtype) if std.dtype.kind == "f" else dt
    out = (z.astype(ct) * std.astype(ct)).astype(dt)
    ct = np.result_type(dt, mean.dtype) if mean.dtype.kind == "f" else dt
    return (out.astype(ct) + mean.astype(ct)).astype(dt)


def _temper(y):
    y = np.asarray(y, np.uint32)
    y = y ^ (y >> np.uint32(11))
    y = y ^ ((y << np.uint32(7)) & np.uint32(0x9D2C5680))
    y = y ^ ((y << np.uint32(15)) & np.uint32(0xEFC60000))
    y = y ^ (y >> np.uint32(18))
    return y


def _init_genrand(seed32: int) -> np.ndarray:
    """MT19937 ``init_genrand`` key for a 32-bit seed (via NumPy's legacy seeding)."""
    return np.random.RandomState(seed32).get_state()[1].astype(np.uint32)


def _nondeterministic_seed() -> int:
    try:
        raw = int.from_bytes(os.urandom(8), "little")
    except NotImplementedError:  # pragma: no cover
        raw = time.time_ns() ^ (os.getpid() << 32)
    return raw & _U64


def _normalise_seed(seed) -> int:
    seed = int(seed)
    if seed < -(1 << 63) or seed > _U64:
        raise RuntimeError(
            "Overflow when unpacking long long: seed must be within the range "
            "[-0x8000_0000_0000_0000, 0xffff_ffff_ffff_ffff]"
        )
    return seed & _U64


_STRUCT = struct.Struct("<QiiQ624QdddiifB3x")
assert _STRUCT.size == _STATE_BYTES


class Generator:
    """torch.Generator for the CPU: an MT19937 stream plus torch's transformations."""

    def __init__(self, device="cpu"):
        self.device = device
        self._mt = np.random.MT19937(0)
        self._set_seed(_DEFAULT_SEED)

    # ------------------------------------------------------------------ state
    def _set_seed(self, seed: int) -> None:
        self._seed = seed
        self._load_torch_state(_init_genrand(seed & 0xFFFFFFFF), left=1, next_=0)
        self._normal_double = None
        self._normal_float = None

    def _load_torch_state(self, key: np.ndarray, left: int, next_: int) -> None:
        key = np.asarray(key, np.uint32)
        if left + next_ == _N + 1:
            # the ordinary case: torch's (left, next) is NumPy's pos
            self._mt.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": next_}}
            self._pending = None
        else:
            # e.g. freshly seeded (left=1, next=0): torch first serves state[next:next+left-1]
            # untwisted, then twists the whole array; NumPy does the same from pos=624.
            self._mt.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _N}}
            self._pending = [key.copy(), left, next_]

    def manual_seed(self, seed) -> Generator:
        self._set_seed(_normalise_seed(seed))
        return self

    def seed(self) -> int:
        s = _nondeterministic_seed()
        self._set_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> np.ndarray:
        if self._pending is not None:
            key, left, next_ = self._pending
        else:
            st = self._mt.state["state"]
            key, next_ = st["key"], int(st["pos"])
            left = _N + 1 - next_
        nd = self._normal_double
        nf = self._normal_float
        packed = _STRUCT.pack(
            self._seed,
            left,
            1,
            next_,
            *np.asarray(key, np.uint64).tolist(),
            0.0,
            0.0 if nd is None else float(nd),
            0.0,
            0 if nd is None else 1,
            0,
            0.0 if nf is None else float(nf),
            0 if nf is None else 1,
        )
        return np.frombuffer(packed, dtype=np.uint8).copy()

    def set_state(self, state) -> Generator:
        if hasattr(state, "numpy") and not isinstance(state, np.ndarray):
            state = state.numpy()
        if isinstance(state, (bytes, bytearray, memoryview)):
            raw = bytes(state)
        else:
            arr = np.asarray(state)
            if arr.dtype != np.uint8:
                raise TypeError(
                    f"RNG state must be a torch.ByteTensor, got array of dtype {arr.dtype}"
                )
            raw = np.ascontiguousarray(arr).tobytes()
        if len(raw) != _STATE_BYTES:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {_STATE_BYTES} but found the "
                f"input RNG state size to be {len(raw)}"
            )
        vals = _STRUCT.unpack(raw)
        seed, left, seeded, next_ = vals[0], vals[1], vals[2], vals[3]
        key = np.array(vals[4 : 4 + _N], dtype=np.uint64).astype(np.uint32)
        normal_y, normal_valid = vals[4 + _N + 1], vals[4 + _N + 3]
        nf, nf_valid = vals[4 + _N + 5], vals[4 + _N + 6]
        next_ &= 0xFFFFFFFF
        if not (seeded and 0 < left <= _N and next_ <= _N):
            raise RuntimeError("Invalid mt19937 state")
        self._seed = seed
        self._load_torch_state(key, left, next_)
        self._normal_double = float(normal_y) if normal_valid else None
        self._normal_float = np.float32(nf) if nf_valid else None
        return self

    def clone_state(self) -> Generator:
        g = Generator(self.device)
        g.set_state(self.get_state())
        return g

    # ------------------------------------------------------------------ raw words
    def _words(self, n: int) -> np.ndarray:
        n = int(n)
        if n <= 0:
            return np.empty(0, np.uint32)
        if self._pending is not None:
            key, left, next_ = self._pending
            avail = left - 1
            if n <= avail:
                out = _temper(key[next_ : next_ + n])
                self._pending[1] -= n
                self._pending[2] += n
                return out
            head = _temper(key[next_ : next_ + avail])
            self._pending = None
            rest = self._mt.random_raw(n - avail).astype(np.uint32)
            return np.concatenate([head, rest]) if avail else rest
        return self._mt.random_raw(n).astype(np.uint32)

    def _words64(self, n: int) -> np.ndarray:
        w = self._words(2 * int(n)).astype(np.uint64).reshape(-1, 2)
        return (w[:, 0] << np.uint64(32)) | w[:, 1]

    def _u24(self, n: int) -> np.ndarray:
        """uniform_real_distribution<float>(0, 1): one word, 24 bits."""
        return (self._words(n) & np.uint32(0xFFFFFF)).astype(np.float32) * np.float32(2.0**-24)

    def _u53(self, n: int) -> np.ndarray:
        """uniform_real_distribution<double>(0, 1): two words, 53 bits."""
        w = self._words64(n) & np.uint64((1 << 53) - 1)
        return w.astype(np.float64) * (2.0**-53)

    def random_uint32(self, n) -> np.ndarray:
        return self._words(n)

    def random_uint64(self, n) -> np.ndarray:
        return self._words64(n)

    # ------------------------------------------------------------------ uniform
    def uniform(self, n, dtype=_F32, low=0.0, high=1.0) -> np.ndarray:
        dt = _np_dtype(dtype)
        n = int(n)
        if dt == _F64:
            frm, to = float(low), float(high)
            u = self._u53(n)
            x = u if (frm == 0.0 and to == 1.0) else _fma64(u, to - frm, frm)
            return np.where(x == to, frm, x)
        if dt not in _FLOATS:
            raise TypeError(f"uniform_ not implemented for {dt}")
        frm, to = np.float32(low), np.float32(high)
        u = self._u24(n)
        x = u if (frm == 0 and to == 1) else _fma32(u, to - frm, frm)  # fma(x, 1, 0) == x
        to_s = np.asarray(float(high)).astype(np.float64).astype(np.float32).astype(dt)
        from_s = np.asarray(float(low)).astype(np.float32).astype(dt)
        out = x.astype(dt)
        return np.where(out == to_s, from_s, out).astype(dt)

    # ------------------------------------------------------------------ normal
    def _normal_pairs(self, n: int) -> np.ndarray:
        """n standard normals from normal_distribution<double> (Box-Muller with a cached value)."""
        out = np.empty(n, np.float64)
        i = 0
        if n and self._normal_double is not None:
            out[0] = self._normal_double
            self._normal_double = None
            i = 1
        m = n - i
        if m <= 0:
            return out
        k = (m + 1) // 2
        u = self._u53(2 * k).reshape(k, 2)
        r = np.sqrt(-2.0 * _log1p(-u[:, 1]))
        theta = (2.0 * math.pi) * u[:, 0]
        cos_v = r * _cos(theta)
        sin_v = r * _sin(theta)
        pairs = np.stack([cos_v, sin_v], axis=1).reshape(-1)
        out[i:] = pairs[:m]
        if m % 2:
            self._normal_double = float(pairs[-1])
        return out

    def _normal_scalar(self, n: int, mean: float, std: float) -> np.ndarray:
        z = self._normal_pairs(n)
        return _fma64(z, float(std), float(mean))

    @staticmethod
    def _fill16_f32(u: np.ndarray, mean, std) -> np.ndarray:
        u = u.reshape(-1, 2, 8)
        u1 = _ONE - u[:, 0]
        radius = np.sqrt(np.float32(-2.0) * _log_avx(u1))
        s, c = _sincos_avx(_TWO_PI_F * u[:, 1])
        out = np.stack([radius * c, radius * s], axis=1).reshape(-1)
        mean, std = np.float32(mean), np.float32(std)
        if std == 1 and mean == 0:
            return out + np.float32(0.0)
        return _fma32(out, std, mean)

    @staticmethod
    def _fill16_f64(u: np.ndarray, mean, std) -> np.ndarray:
        u = u.reshape(-1, 2, 8)
        u1 = 1.0 - u[:, 0]
        radius = np.sqrt(-2.0 * _log(u1))
        theta = (2.0 * math.pi) * u[:, 1]
        out = np.stack([radius * _cos(theta), radius * _sin(theta)], axis=1).reshape(-1)
        return _fma64(out, float(std), float(mean))

    def normal(self, n, dtype=_F32, mean=0.0, std=1.0) -> np.ndarray:
        dt = _np_dtype(dtype)
        n = int(n)
        if dt not in _FLOATS:
            raise TypeError(f"normal_ not implemented for {dt}")
        if n < 16:
            return _to_dtype(self._normal_scalar(n, mean, std), dt)
        tail = n % 16
        if dt == _F64:
            data = self._u53(n)
            out = np.empty(n, np.float64)
            body = n - tail
            out[:body] = self._fill16_f64(data[:body], mean, std)
            if tail:
                out[body:] = data[body:]
                out[n - 16 :] = self._fill16_f64(self._u53(16), mean, std)
            return out
        if dt == _F32:
            data = self._u24(n)
        else:  # half / bfloat16 draw only whole blocks of 16 into a float buffer
            data = self._u24(n - tail)
        body = n - tail
        out = np.empty(n, np.float32)
        out[:body] = self._fill16_f32(data[:body], mean, std)
        if tail:
            if dt == _F32:
                out[body:] = data[body:]
            out[n - 16 :] = self._fill16_f32(self._u24(16), mean, std)
        return out.astype(dt)

    def normal_tensor(self, mean, std, dtype=None) -> np.ndarray:
        """torch.normal(mean, std) with tensors: standard normals, then ``* std + mean``."""
        mean = np.asarray(mean)
        std = np.asarray(std)
        dt = _np_dtype(dtype) if dtype is not None else np.result_type(mean, std)
        shape = np.broadcast_shapes(mean.shape, std.shape)
        if np.any(std < 0):
            raise RuntimeError("normal expects all elements of std >= 0.0")
        z = self.normal(int(np.prod(shape, dtype=np.int64)), dt).reshape(shape)
        return _mul_add(z, std, mean, dt)

    def normal_tensor_std_scalar(self, mean, std: float, dtype=None) -> np.ndarray:
        """torch.normal(mean_tensor, float std): ``normal_(0, std)`` then ``+ mean``."""
        mean = np.asarray(mean)
        dt = _np_dtype(dtype) if dtype is not None else mean.dtype
        z = self.normal(mean.size, dt, 0.0, std).reshape(mean.shape)
        return (z + mean.astype(dt)).astype(dt)

    # ------------------------------------------------------------------ integers
    def _from_to(self, n: int, rng: int, base: int) -> np.ndarray:
        """uniform_int_from_to_distribution: ``(v % range) + base`` as int64."""
        if rng >= 1 << 28:
            v = self._words64(n) % np.uint64(rng)
        else:
            v = (self._words(n) % np.uint32(rng)).astype(np.uint64)
        return (v + np.uint64(base & _U64)).view(np.int64)

    def randint(self, low, high, n, dtype=np.int64) -> np.ndarray:
        """torch.randint(low, high): ``random_(low, high)`` on a tensor of ``dtype``."""
        return self.random_(n, dtype, int(low), int(high))

    def random_(self, n, dtype=np.int64, low=None, high=None) -> np.ndarray:
        dt = _np_dtype(dtype)
        n = int(n)
        if low is None and high is None:
            return self._random_default(n, dt)
        frm = 0 if low is None else int(low)
        if high is not None:
            to = int(high)
            if dt in _FLOATS:
                frm, to = _update_from(frm, dt), _update_to(to, dt)
            if frm >= to:
                raise RuntimeError(
                    f"random_ expects 'from' to be less than 'to', but got from={frm} >= to={to}"
                )
            return _to_dtype_int(self._from_to(n, (to - frm) & _U64, frm), dt)
        if frm == -(1 << 63):
            return _to_dtype_int(self._words64(n).view(np.int64), dt)
        if dt in _FLOATS:
            to_inc = min(1 << _DIGITS[dt], (1 << 63) - 1)
            frm = _update_from(frm, dt)
        elif dt == np.bool_:
            to_inc = 1
        else:
            to_inc = int(np.iinfo(dt).max)
        if frm > to_inc:
            raise RuntimeError("random_ expects 'from' casted to dtype to be less than or equal")
        return _to_dtype_int(self._from_to(n, (to_inc - frm + 1) & _U64, frm), dt)

    def _random_default(self, n: int, dt: np.dtype) -> np.ndarray:
        if dt == np.bool_:
            return (self._words(n) & np.uint32(1)).astype(np.bool_)
        if dt == np.int64:
            return (self._words64(n) % np.uint64(1 << 63)).astype(np.int64)
        if dt == _F64:
            return (self._words64(n) % np.uint64((1 << 53) + 1)).astype(np.float64)
        if dt in _FLOATS:
            mod = (1 << _DIGITS[dt]) + 1
            v = (self._words(n) % np.uint32(mod)).astype(np.int64)
            return _to_dtype_int(v, dt)
        if dt.kind in "iu" and dt.itemsize <= 4:
            mod = int(np.iinfo(dt).max) + 1
            return (self._words(n).astype(np.uint64) % np.uint64(mod)).astype(dt)
        raise TypeError(f"random_ not implemented for {dt}")

    def randperm(self, n, dtype=np.int64) -> np.ndarray:
        dt = _np_dtype(dtype)
        n = int(n)
        if n < 0:
            raise RuntimeError(f"n must be non-negative, got{n}")
        if n < 0xFFFFFFFF // 20:
            # sequential Fisher-Yates: swap r[i] with r[i + random() % (n - i)]
            w = self._words(max(n - 1, 0)).astype(np.int64)
            js = (w % np.arange(n, 1, -1, dtype=np.int64)) + np.arange(n - 1, dtype=np.int64)
            r = list(range(n))
            for i, j in enumerate(js.tolist()):
                r[i], r[j] = r[j], r[i]
            perm = np.array(r, dtype=np.int64)
        else:  # pragma: no cover - needs > 2**27 elements
            # "inside-out" Fisher-Yates with 64-bit draws
            z = self._words64(n) % np.arange(1, n + 1, dtype=np.uint64)
            perm = np.arange(n, dtype=np.int64)
            for i, j in enumerate(z.tolist()):
                perm[i] = perm[j]
                perm[j] = i
        return _to_dtype_int(perm, dt)

    # ------------------------------------------------------------------ bernoulli / multinomial
    def bernoulli_scalar(self, n, p: float, dtype=_F32) -> np.ndarray:
        dt = _np_dtype(dtype)
        p = float(p)
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        return _to_dtype_int(self._u53(int(n)) < p, dt)

    def bernoulli_tensor(self, p, dtype=None) -> np.ndarray:
        p = np.asarray(p)
        dt = _np_dtype(dtype) if dtype is not None else p.dtype
        if p.size and (np.any(p < 0) or np.any(p > 1)):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true")
        flat = p.reshape(-1)
        if p.dtype == np.float64:
            hit = self._u53(flat.size) < flat
        else:
            hit = self._u24(flat.size) < flat.astype(np.float32)
        return _to_dtype_int(hit, dt).reshape(p.shape)

    def multinomial(self, probs, num_samples, replacement=False) -> np.ndarray:
        probs = np.asarray(probs)
        if probs.ndim not in (1, 2):
            raise RuntimeError("prob_dist must be 1 or 2 dim")
        num_samples = int(num_samples)
        rows = probs.reshape(1, -1) if probs.ndim == 1 else probs
        n_cat = rows.shape[1]
        if num_samples <= 0:
            raise RuntimeError("cannot sample n_sample <= 0 samples")
        if not replacement and num_samples > n_cat:
            raise RuntimeError(
                "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
            )
        if np.any(rows < 0) or not np.all(np.isfinite(rows)):
            raise RuntimeError(
                "invalid multinomial distribution (encountering probability entry < 0)"
            )
        if not replacement or num_samples == 1:
            # argmax / topk of p / q with q ~ Exp(1) drawn like Tensor.exponential_
            q = self.exponential(rows.size, rows.dtype).reshape(rows.shape)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = (rows / q).astype(rows.dtype)
            key = -ratio.astype(np.float64)
            if num_samples == 1:
                out = np.argmax(ratio.astype(np.float64), axis=1)[:, None]
            else:
                out = np.argsort(key, axis=1, kind="stable")[:, :num_samples]
            out = out.astype(np.int64)
        else:
            cdt = np.float32 if rows.dtype in (_F16, _BF16) else rows.dtype
            out = np.empty((rows.shape[0], num_samples), np.int64)
            for i in range(rows.shape[0]):
                cum = np.cumsum(rows[i].astype(cdt), dtype=cdt)
                total = cum[-1]
                if not total > 0:
                    raise RuntimeError(
                        "invalid multinomial distribution (sum of probabilities <= 0)"
                    )
                cum = (cum / total).astype(cdt)
                cum[-1] = 1
                u = self._u53(num_samples)
                out[i] = np.searchsorted(cum.astype(np.float64), u, side="left")
        return out.reshape(num_samples) if probs.ndim == 1 else out

    # ------------------------------------------------------------------ other distributions
    def exponential(self, n, dtype=_F32, lambd=1.0) -> np.ndarray:
        dt = _np_dtype(dtype)
        u = self._u53(int(n))
        return _to_dtype((-1.0 / float(lambd)) * _log1p(-u), dt)

    def geometric(self, n, dtype=_F32, p=0.5) -> np.ndarray:
        dt = _np_dtype(dtype)
        p = float(p)
        if not 0 < p < 1:
            raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
        u = self._u53(int(n))
        with np.errstate(divide="ignore"):
            v = np.ceil(_log(u) / math.log1p(-p))
        return _to_dtype(v, dt)

    def cauchy(self, n, dtype=_F32, median=0.0, sigma=1.0) -> np.ndarray:
        dt = _np_dtype(dtype)
        u = self._u53(int(n))
        t = _tan(math.pi * (u - 0.5))
        return _to_dtype(_fma64(float(sigma), t, float(median)), dt)

    def log_normal(self, n, dtype=_F32, mean=1.0, std=2.0) -> np.ndarray:
        dt = _np_dtype(dtype)
        if not std > 0:
            raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
        return _to_dtype(_exp(self._normal_scalar(int(n), mean, std)), dt)

    def poisson(self, rates, dtype=None) -> np.ndarray:
        rates = np.asarray(rates)
        dt = _np_dtype(dtype) if dtype is not None else rates.dtype
        flat = rates.reshape(-1).astype(np.float64)
        out = np.empty(flat.size, np.float64)
        for i, lam in enumerate(flat.tolist()):
            out[i] = self._poisson_one(lam)
        return _to_dtype(out, dt).reshape(rates.shape)

    def _uniform1(self) -> float:
        w = self._words(2)
        return float(((int(w[0]) << 32 | int(w[1])) & ((1 << 53) - 1)) * 2.0**-53)

    def _poisson_one(self, lam: float) -> int:
        if not lam >= 0:
            raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
        if lam >= 10:
            # transformed rejection (Hoermann 1993), as numpy / torch do it
            slam = math.sqrt(lam)
            loglam = math.log(lam)
            b = 0.931 + 2.53 * slam
            a = -0.059 + 0.02483 * b
            invalpha = 1.1239 + 1.1328 / (b - 3.4)
            vr = 0.9277 - 3.6224 / (b - 2)
            while True:
                u = self._uniform1() - 0.5
                v = self._uniform1()
                us = 0.5 - abs(u)
                k = math.floor((2 * a / us + b) * u + lam + 0.43)
                if us >= 0.07 and v <= vr:
                    return k
                if k < 0 or (us < 0.013 and v > us):
                    continue
                lhs = math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)
                if lhs <= -lam + k * loglam - _lgamma(k + 1.0):
                    return k
        if lam == 0:
            return 0
        enlam = math.exp(-lam)
        x = 0
        prod = 1.0
        while True:
            prod *= self._uniform1()
            if prod > enlam:
                x += 1
            else:
                return x


def _to_dtype_int(values, dt: np.dtype) -> np.ndarray:
    """static_cast<scalar_t>(int64 / bool) for any target dtype."""
    values = np.asarray(values)
    if dt == np.bool_:
        return values != 0
    if dt in (_F16, _BF16):
        return values.astype(np.float32).astype(dt)
    return values.astype(dt)


def _update_from(frm: int, dt: np.dtype) -> int:
    """Round 'from' up to a value the floating dtype represents (torch's update_from)."""
    digits = _DIGITS[dt]
    plus1 = int(_to_dtype_int(np.array([frm + 1], np.int64), dt).astype(np.float64)[0])
    if plus1 < frm:
        f_ = abs(frm + 1)
        nb = f_.bit_length() - 1
        frm = plus1 + (1 << (nb - digits + 1))
    return frm


def _update_to(to: int, dt: np.dtype) -> int:
    """Round 'to' down to a value the floating dtype represents (torch's update_to)."""
    digits = _DIGITS[dt]
    minus1 = int(_to_dtype_int(np.array([to - 1], np.int64), dt).astype(np.float64)[0])
    if minus1 >= to:
        t_ = abs(to - 1)
        nb = t_.bit_length() - 1
        to = minus1 - (1 << (nb - digits + 1))
    return to


default_generator = Generator()
default_generator.seed()


def manual_seed(seed) -> Generator:
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> np.ndarray:
    return default_generator.get_state()


def set_rng_state(state) -> None:
    default_generator.set_state(state)
