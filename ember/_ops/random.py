"""Random sampling: rand, randn, randint, randperm, normal, bernoulli, and in-place fills.

Every draw comes from ``ember._generator``, which reproduces torch's CPU
streams, so the same ``manual_seed`` gives the same numbers as PyTorch.
"""

from __future__ import annotations

import numpy as np

from .. import _device as _dev
from .. import _dtype as D
from .. import _generator as G
from .._creation import _finish, _size_args, layout_order
from .._tracing import traced
from ._helpers import Tensor, handle_out
from ._registry import FUNCTIONS, METHODS


def _gen(generator):
    return G.default_generator if generator is None else generator


def _float_dtype(dtype, name):
    dt = D.as_dtype(dtype) if dtype is not None else D.get_default_dtype()
    if dt.category != D.FLOAT:
        kind = "complex" if dt.category == D.COMPLEX else _word(dt)
        raise RuntimeError(f"\"{name}\" not implemented for '{kind}'")
    return dt


def _word(dt):
    from .._dispatch import _type_word

    return _type_word(dt)


def _make(arr, dt, shape, device, requires_grad, out=None):
    t = _finish(arr.reshape(shape).astype(dt.np, copy=False), dt, device, requires_grad)
    return handle_out(out, t) if out is not None else t


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


@traced("rand")
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False, **kw):  # fmt: skip
    if "size" in kw:
        size = (kw.pop("size"),)
    shape = _size_args(size, "rand")
    dt = _float_dtype(dtype, "check_uniform_bounds")
    arr = _gen(generator).uniform(_numel(shape), dt.np)
    return _make(arr, dt, shape, device, requires_grad, out)


@traced("randn")
def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False, **kw):  # fmt: skip
    if "size" in kw:
        size = (kw.pop("size"),)
    shape = _size_args(size, "randn")
    dt = _float_dtype(dtype, "normal_kernel_cpu")
    arr = _gen(generator).normal(_numel(shape), dt.np)
    return _make(arr, dt, shape, device, requires_grad, out)


@traced("randint")
def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None,
            device=None, requires_grad=False, pin_memory=False):  # fmt: skip
    if size is None:
        if high is None or not isinstance(high, (tuple, list)):
            raise TypeError("randint() missing 1 required positional argument: 'size'")
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    shape = _size_args((tuple(size),), "randint")
    dt = D.as_dtype(dtype) if dtype is not None else D.int64
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    arr = _gen(generator).randint(int(low), int(high), _numel(shape), dt.np)
    return _make(arr, dt, shape, device, requires_grad, out)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):  # fmt: skip
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    dt = D.as_dtype(dtype) if dtype is not None else D.int64
    arr = _gen(generator).randperm(int(n), dt.np)
    return _make(arr, dt, (int(n),), device, requires_grad, out)


def in_layout_of(t, make):
    """``make(shape)``'s values laid out in memory as ``t`` is (see :func:`layout_order`)."""
    order = layout_order(t)
    if order is None:
        return make(tuple(t.shape))
    out = make(tuple(t.shape[d] for d in order))
    inv = [order.index(d) for d in range(t.ndim)]
    return Tensor._make(out._data.transpose(inv), out.dtype, out.device)


def _like(fn_name):
    def like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
             memory_format=None, generator=None):  # fmt: skip
        dt = D.as_dtype(dtype) if dtype is not None else input.dtype
        dev = device if device is not None else input.device

        def make(shape):
            if fn_name == "randn" and layout_order(input) is not None:
                # torch's normal_ takes its one-at-a-time path for a non-contiguous result
                _float_dtype(dt, "normal_kernel_cpu")
                arr = G._to_dtype(_gen(generator)._normal_scalar(_numel(shape), 0.0, 1.0), dt.np)
                return _make(arr, dt, shape, dev, False)
            return FUNCTIONS[fn_name](*shape, dtype=dt, device=dev, generator=generator)

        out = in_layout_of(input, make)
        if requires_grad:
            out.requires_grad = True
        return out

    like.__name__ = fn_name + "_like"
    return like


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None, generator=None):  # fmt: skip
    if high is None:
        low, high = 0, low
    dt = D.as_dtype(dtype) if dtype is not None else input.dtype
    dev = device if device is not None else input.device
    out = in_layout_of(
        input, lambda shape: randint(low, high, shape, dtype=dt, device=dev, generator=generator)
    )
    if requires_grad:
        out.requires_grad = True
    return out


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad=False, pin_memory=False):  # fmt: skip
    g = _gen(generator)
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mt and not st:
        if size is None:
            raise TypeError("normal() missing required argument 'size'")
        shape = _size_args((tuple(size),), "normal")
        dt = _float_dtype(dtype, "normal_kernel_cpu")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        arr = g.normal(_numel(shape), dt.np, float(mean), float(std))
        return _make(arr, dt, shape, device, requires_grad, out)
    if st and bool((std < 0).any()):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if mt and st:
        dt = D.promote_types(mean.dtype, std.dtype)
        shape = np.broadcast_shapes(mean.shape, std.shape)
        m = np.broadcast_to(mean.detach()._data, shape).astype(dt.np)
        s = np.broadcast_to(std.detach()._data, shape).astype(dt.np)
        arr = g.normal_tensor(m, s, dt.np)
        dev = mean.device
    elif mt:
        dt, shape, dev = mean.dtype, tuple(mean.shape), mean.device
        arr = g.normal_tensor_std_scalar(mean.detach()._data, float(std), dt.np)
    else:
        dt, shape, dev = std.dtype, tuple(std.shape), std.device
        arr = g.normal_tensor(np.full(shape, mean, dtype=dt.np), std.detach()._data, dt.np)
    return _make(np.asarray(arr), dt, shape, dev, requires_grad, out)


def bernoulli(input, p=None, *, generator=None, out=None):
    g = _gen(generator)
    if p is None:
        probs = input.detach()._data
        if input.dtype.category != D.FLOAT:
            raise RuntimeError(
                f"\"bernoulli_tensor_cpu_p_\" not implemented for '{_word(input.dtype)}'"
            )
        if probs.size and ((probs < 0).any() or (probs > 1).any()):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
        arr = g.bernoulli_tensor(probs, input.dtype.np)
    else:
        arr = g.bernoulli_scalar(input.numel(), float(p), input.dtype.np)
    return _make(np.asarray(arr), input.dtype, tuple(input.shape), input.device, False, out)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if input.dtype.category != D.FLOAT:
        raise RuntimeError("multinomial only supports floating-point dtypes for input")
    n_cat = input.shape[-1]
    if not replacement and num_samples > n_cat:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    probs = input.detach()._data
    if (probs < 0).any() or not np.isfinite(probs).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    sums = probs.reshape(-1, n_cat).sum(-1)
    if (sums <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    arr = _gen(generator).multinomial(probs, int(num_samples), bool(replacement))
    shape = (num_samples,) if input.ndim == 1 else (input.shape[0], num_samples)
    return _make(np.asarray(arr), D.int64, shape, input.device, False, out)


def poisson(input, generator=None):
    arr = _gen(generator).poisson(input.detach()._data, input.dtype.np)
    return _make(np.asarray(arr), input.dtype, tuple(input.shape), input.device, False)


# --- in-place fills ------------------------------------------------------------------------


def _fill(self, arr):
    from .._dispatch import write_into

    if self.requires_grad and self.is_leaf and _grad_on():
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
        )
    # values are drawn in memory order: a transposed tensor is filled along its storage
    order = layout_order(self)
    if order is None:
        arr = np.asarray(arr).reshape(self.shape)
    else:
        arr = np.asarray(arr).reshape([self.shape[d] for d in order])
        arr = arr.transpose([order.index(d) for d in range(self.ndim)])
    arr = arr.astype(self.dtype.np, copy=False)
    if self.device.type != "cpu":
        from .._backend import to_device

        arr = to_device(arr, self.device)
    write_into(self, arr, "fill")
    return self


def _grad_on():
    from .. import _config as C

    return C.local.grad_enabled


def uniform_(self, a=0.0, b=1.0, *, generator=None):
    if a > b:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}"
        )
    return _fill(self, _gen(generator).uniform(self.numel(), self.dtype.np, float(a), float(b)))


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    g = _gen(generator)
    if self.is_contiguous():
        return _fill(self, g.normal(self.numel(), self.dtype.np, float(mean), float(std)))
    # torch's vectorised normal_ needs a contiguous tensor; otherwise it draws one at a time
    _float_dtype(self.dtype, "normal_kernel_cpu")
    vals = g._normal_scalar(self.numel(), float(mean), float(std))
    return _fill(self, G._to_dtype(vals, self.dtype.np))


def bernoulli_(self, p=0.5, *, generator=None):
    g = _gen(generator)
    if isinstance(p, Tensor):
        probs = np.broadcast_to(p.detach()._data, self.shape)
        return _fill(self, g.bernoulli_tensor(np.ascontiguousarray(probs), self.dtype.np))
    return _fill(self, g.bernoulli_scalar(self.numel(), float(p), self.dtype.np))


def random_(self, from_=0, to=None, *, generator=None, **kw):
    if "from" in kw:
        from_ = kw.pop("from")
    g = _gen(generator)
    if to is None and from_ == 0:
        arr = g.random_(self.numel(), self.dtype.np)
    elif to is None:
        arr = g.random_(self.numel(), self.dtype.np, 0, int(from_))
    else:
        arr = g.random_(self.numel(), self.dtype.np, int(from_), int(to))
    return _fill(self, arr)


def exponential_(self, lambd=1.0, *, generator=None):
    return _fill(self, _gen(generator).exponential(self.numel(), self.dtype.np, float(lambd)))


def geometric_(self, p, *, generator=None):
    return _fill(self, _gen(generator).geometric(self.numel(), self.dtype.np, float(p)))


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    return _fill(self, _gen(generator).cauchy(self.numel(), self.dtype.np, median, sigma))


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    return _fill(self, _gen(generator).log_normal(self.numel(), self.dtype.np, mean, std))


for _f in (rand, randn, randint, randperm, normal, bernoulli, multinomial, poisson, randint_like):
    FUNCTIONS[_f.__name__] = _f
FUNCTIONS["rand_like"] = traced("rand_like")(_like("rand"))
FUNCTIONS["randn_like"] = traced("randn_like")(_like("randn"))
for _f in (bernoulli, multinomial, uniform_, normal_, bernoulli_, random_, exponential_,
           geometric_, cauchy_, log_normal_):  # fmt: skip
    METHODS[_f.__name__] = _f
del _dev
