"""Discrete Fourier transforms (``ember.fft``).

Three primitives, as in PyTorch: complex-to-complex (``fft_c2c``), real-to-complex
one-sided (``fft_r2c``) and complex-to-real (``fft_c2r``), each carrying its dims and
a scale factor, so ``norm=`` is one number. Their gradients follow PyTorch's
convention for complex autograd (the conjugate Wirtinger derivative): the gradient
of a transform is the opposite-direction transform with the same scale.
"""

from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from ._helpers import Tensor, check_tensor, dispatch, wrap_dim
from ._registry import Op, register
from .elementwise import real as _real


def _complex_of(dt):
    if dt.category == D.COMPLEX:
        return dt
    if dt is D.float64:
        return D.complex128
    if dt.category < D.FLOAT and D.get_default_dtype() is D.float64:
        return D.complex128
    return D.complex64


def _c2c_rule(args, attrs):
    dt = _complex_of(args[0].dtype)
    return dt, dt


def _c2c_fwd(xp, x, dims, forward, scale):
    if x.size == 0:
        return x.astype(np.result_type(x.dtype, np.complex64))
    if forward:
        y = xp.fft.fftn(x, axes=dims, norm="backward")
    else:
        y = xp.fft.ifftn(x, axes=dims, norm="forward")
    return y * scale if scale != 1 else y


def _c2c_bwd(c, g):
    gi = dispatch(C2C, (g,), {"dims": c.attrs["dims"], "forward": not c.attrs["forward"],
                              "scale": c.attrs["scale"]})  # fmt: skip
    if c.input_meta[0][1].category < D.COMPLEX:
        gi = _real(gi)
    return (gi,)


C2C = register(Op("fft_c2c", _c2c_fwd, _c2c_bwd, _c2c_rule, "", grad_name="FftC2CBackward0"))


def _r2c_rule(args, attrs):
    dt = args[0].dtype
    if dt.category == D.COMPLEX:
        raise RuntimeError(f"rfft expects a real input tensor, but got {_word(dt)}")
    dt = D.float64 if dt is D.float64 else D.get_default_dtype() if dt.category < D.FLOAT else dt
    return dt, _complex_of(dt)


def _word(dt):
    from .._dispatch import _type_word

    return _type_word(dt)


def _r2c_fwd(xp, x, dims, scale):
    y = xp.fft.rfftn(x, axes=dims, norm="backward")
    return y * scale if scale != 1 else y


def _r2c_bwd(c, g):
    dims = c.attrs["dims"]
    n = c.input_meta[0][0][dims[-1]]
    full = _resize(g, dims[-1], n)
    gi = dispatch(C2C, (full,), {"dims": dims, "forward": False, "scale": c.attrs["scale"]})
    return (_real(gi),)


R2C = register(Op("fft_r2c", _r2c_fwd, _r2c_bwd, _r2c_rule, "", grad_name="FftR2CBackward0"))


def _c2r_rule(args, attrs):
    dt = _complex_of(args[0].dtype)
    return dt, dt.to_real()


def _c2r_fwd(xp, x, dims, n, scale):
    s = [x.shape[d] for d in dims[:-1]] + [n]
    y = xp.fft.irfftn(x, s=s, axes=dims, norm="forward")
    return y * scale if scale != 1 else y


def _c2r_bwd(c, g):
    dims = c.attrs["dims"]
    gi = dispatch(R2C, (g,), {"dims": dims, "scale": c.attrs["scale"]})
    m = gi.shape[dims[-1]]
    double = c.attrs["n"] - m
    if double > 0:
        w = np.ones(m)
        w[1 : 1 + double] = 2
        shape = [1] * gi.ndim
        shape[dims[-1]] = m
        gi = gi * Tensor._make(w.reshape(shape).astype(gi.dtype.to_real().np),
                               gi.dtype.to_real(), gi.device)  # fmt: skip
    return (gi,)


C2R = register(Op("fft_c2r", _c2r_fwd, _c2r_bwd, _c2r_rule, "", grad_name="FftC2RBackward0"))


# --- helpers --------------------------------------------------------------------------------


def _resize(x, dim, n):
    """``x`` cropped or zero-padded to length ``n`` along ``dim`` (a product with a 0/1 matrix)."""
    m = x.shape[dim]
    if m == n:
        return x
    dt = x.dtype
    P = Tensor._make(np.eye(m, n, dtype=dt.np), dt, x.device)
    return (x.movedim(dim, -1) @ P).movedim(-1, dim)


def _norm_scale(norm, n, forward):
    if norm is None or norm == "backward":
        return 1.0 if forward else 1.0 / n
    if norm == "ortho":
        return 1.0 / math.sqrt(n)
    if norm == "forward":
        return 1.0 / n if forward else 1.0
    raise ValueError(f'Invalid normalization mode: "{norm}"')


def _dims_and_sizes(name, x, s, dim, default_all):
    if dim is None:
        dims = list(range(x.ndim)) if s is None else list(range(x.ndim - len(s), x.ndim))
        if not default_all and s is None:
            dims = list(range(x.ndim))
    elif isinstance(dim, (int, np.integer)):
        dims = [dim]
    else:
        dims = list(dim)
    dims = [wrap_dim(d, x.ndim) for d in dims]
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"{name} dims must be unique")
    if s is None:
        sizes = [x.shape[d] for d in dims]
    else:
        sizes = list(s)
        if len(sizes) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        sizes = [x.shape[d] if k == -1 else k for k, d in zip(sizes, dims)]
    for k in sizes:
        if k < 1:
            raise RuntimeError(f"Invalid number of data points ({k}) specified")
    return dims, sizes


def _check(name, x):
    check_tensor(f"fft_{name}", x)


def _cfft(name, input, s, dim, norm, forward, out=None):
    _check(name, input)
    dims, sizes = _dims_and_sizes(name, input, s, dim, True)
    x = input
    for d, k in zip(dims, sizes):
        x = _resize(x, d, k)
    scale = _norm_scale(norm, math.prod(sizes), forward)
    return dispatch(C2C, (x,), {"dims": tuple(dims), "forward": forward, "scale": scale})


def _rfft(name, input, s, dim, norm):
    _check(name, input)
    if input.is_complex():
        raise RuntimeError(f"{name} expects a real input tensor, but got {_word(input.dtype)}")
    dims, sizes = _dims_and_sizes(name, input, s, dim, True)
    x = input
    for d, k in zip(dims, sizes):
        x = _resize(x, d, k)
    scale = _norm_scale(norm, math.prod(sizes), True)
    return dispatch(R2C, (x,), {"dims": tuple(dims), "scale": scale})


def _irfft(name, input, s, dim, norm):
    _check(name, input)
    dims, sizes = _dims_and_sizes(name, input, s, dim, True)
    last = sizes[-1] if s is not None else 2 * (input.shape[dims[-1]] - 1)
    if last < 1:
        raise RuntimeError(f"Invalid number of data points ({last}) specified")
    x = input
    for d, k in zip(dims[:-1], sizes[:-1]):
        x = _resize(x, d, k)
    x = _resize(x, dims[-1], last // 2 + 1)
    n = math.prod(sizes[:-1]) * last
    scale = _norm_scale(norm, n, False)
    return dispatch(C2R, (x,), {"dims": tuple(dims), "n": last, "scale": scale})


def _one(n, dim):
    return None if n is None else [n], dim


# --- public functions -------------------------------------------------------------------------


def fft(input, n=None, dim=-1, norm=None, *, out=None):
    return _cfft("fft", input, *_one(n, dim), norm, True)


def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    return _cfft("ifft", input, *_one(n, dim), norm, False)


def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _cfft("fft2", input, s, dim, norm, True)


def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _cfft("ifft2", input, s, dim, norm, False)


def fftn(input, s=None, dim=None, norm=None, *, out=None):
    return _cfft("fftn", input, s, dim, norm, True)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    return _cfft("ifftn", input, s, dim, norm, False)


def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    return _rfft("rfft", input, *_one(n, dim), norm)


def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    return _irfft("irfft", input, *_one(n, dim), norm)


def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _rfft("rfft2", input, s, dim, norm)


def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _irfft("irfft2", input, s, dim, norm)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _rfft("rfftn", input, s, dim, norm)


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _irfft("irfftn", input, s, dim, norm)


def _freq_tensor(values, dtype, device, requires_grad):
    from .._creation import tensor

    dt = D.as_dtype(dtype) if dtype is not None else D.get_default_dtype()
    t = tensor(values.astype(dt.np), dtype=dt, device=device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
            pin_memory=False):  # fmt: skip
    return _freq_tensor(np.fft.fftfreq(n, d), dtype, device, requires_grad)


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):  # fmt: skip
    return _freq_tensor(np.fft.rfftfreq(n, d), dtype, device, requires_grad)


def _roll_fwd(xp, x, shifts, dims):
    return xp.roll(x, shifts, axis=dims)


def _roll_bwd(c, g):
    shifts = tuple(-s for s in c.attrs["shifts"])
    return (dispatch(SHIFT, (g,), {"shifts": shifts, "dims": c.attrs["dims"]}),)


SHIFT = register(Op("fft_shift", _roll_fwd, _roll_bwd, lambda a, k: (a[0].dtype,) * 2,
                    upcast_half=False, grad_name="RollBackward0"))  # fmt: skip


def _shift(input, dim, inverse):
    check_tensor("fft_fftshift", input)
    if dim is None:
        dims = tuple(range(input.ndim))
    elif isinstance(dim, (int, np.integer)):
        dims = (wrap_dim(dim, input.ndim),)
    else:
        dims = tuple(wrap_dim(d, input.ndim) for d in dim)
    shifts = tuple((input.shape[d] + (1 if inverse else 0)) // 2 for d in dims)
    if inverse:
        shifts = tuple(-(input.shape[d] // 2) for d in dims)
    return dispatch(SHIFT, (input,), {"shifts": shifts, "dims": dims})


def fftshift(input, dim=None):
    return _shift(input, dim, False)


def ifftshift(input, dim=None):
    return _shift(input, dim, True)
