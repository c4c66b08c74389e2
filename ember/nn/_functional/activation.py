"""nn.functional: activations.

Each is a composite of registry ops (its gradient comes from theirs), except
softmax and log_softmax, which are primitives for numerics and speed
(``ember/_ops/activation.py``). Branches that could overflow in the branch a
``where`` discards are clamped first, so the discarded branch never turns a
zero gradient into NaN.
"""

from __future__ import annotations

import math
import warnings

from ... import _config as C
from ... import _dtype as D
from ..._autograd.node import show_grad_fn_as
from ..._dispatch import dispatch
from ..._ops import activation as _A
from ..._ops._helpers import check_tensor
from ..._tensor import Tensor
from ..._tracing import traced

__all__ = [
    "threshold", "threshold_", "relu", "relu_", "relu6", "hardtanh", "hardtanh_", "elu", "elu_",
    "selu", "selu_", "celu", "celu_", "leaky_relu", "leaky_relu_", "prelu", "rrelu", "rrelu_",
    "glu", "gelu", "logsigmoid", "hardshrink", "tanhshrink", "softsign", "softplus", "softmin",
    "softmax", "log_softmax", "softshrink", "tanh", "sigmoid", "hardsigmoid", "silu", "mish",
    "hardswish", "gumbel_softmax",
]  # fmt: skip

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _where(cond, x, y):
    from ... import where

    return where(cond, x, y)


def _inplace(input, fn):
    """Apply ``fn`` and write the result into ``input``, as PyTorch's ``*_`` activations do.

    Under autograd the function runs on a copy, so the values its backward
    saves are not the ones the in-place write then overwrites.
    """
    if C.local.grad_enabled and input.requires_grad:
        return input.copy_(fn(input.clone()))
    from ..._autograd.grad_mode import no_grad

    with no_grad():
        res = fn(input)
    return input.copy_(res)


def _check(name, input):
    check_tensor(name, input)


def threshold(input, threshold, value, inplace=False):
    """``value`` where ``input <= threshold``, ``input`` elsewhere."""
    _check("threshold", input)

    def f(x):
        return _where(x > threshold, x, _full_like(x, value))

    return _inplace(input, f) if inplace else f(input)


def threshold_(input, threshold, value):
    return globals()["threshold"](input, threshold, value, inplace=True)


def _full_like(x, value):
    from ..._creation import full

    return full((), value, dtype=x.dtype, device=x.device)


@traced("nn.functional.relu")
def relu(input, inplace=False):
    """max(0, x) elementwise."""
    from ... import relu as _relu
    from ... import relu_ as _relu_

    _check("relu", input)
    return _relu_(input) if inplace else _relu(input)


def relu_(input):
    return relu(input, inplace=True)


@traced("nn.functional.hardtanh")
def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    _check("hardtanh", input)
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if inplace:
        return _inplace(input, lambda x: x.clamp(min_val, max_val))
    return input.clamp(min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def _elu(x, alpha, scale=1.0, input_scale=1.0):
    neg = (x.clamp(max=0) * input_scale).expm1() * alpha
    out = _where(x > 0, x, neg)
    return out * scale if scale != 1.0 else out


@traced("nn.functional.elu")
def elu(input, alpha=1.0, inplace=False):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    _check("elu", input)
    f = lambda x: _elu(x, alpha)  # noqa: E731
    return _inplace(input, f) if inplace else show_grad_fn_as(f(input), "EluBackward0")


def elu_(input, alpha=1.0):
    return elu(input, alpha, inplace=True)


def selu(input, inplace=False):
    _check("selu", input)
    f = lambda x: _elu(x, _SELU_ALPHA, _SELU_SCALE)  # noqa: E731
    return _inplace(input, f) if inplace else f(input)


def selu_(input):
    return selu(input, inplace=True)


def celu(input, alpha=1.0, inplace=False):
    _check("celu", input)
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    f = lambda x: _elu(x, alpha, 1.0, 1.0 / alpha)  # noqa: E731
    return _inplace(input, f) if inplace else f(input)


def celu_(input, alpha=1.0):
    return celu(input, alpha, inplace=True)


@traced("nn.functional.leaky_relu")
def leaky_relu(input, negative_slope=0.01, inplace=False):
    _check("leaky_relu", input)
    f = lambda x: _where(x > 0, x, x * negative_slope)  # noqa: E731
    return _inplace(input, f) if inplace else show_grad_fn_as(f(input), "LeakyReluBackward0")


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, inplace=True)


def prelu(input, weight):
    """x for x > 0, weight * x otherwise; a weight per channel (dim 1) or one for all."""
    _check("prelu", input)
    n = weight.numel()
    if n != 1:
        if input.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if input.ndim > 1 else 1
        if channels != n:
            raise RuntimeError(
                f"Mismatch of parameter numbers and input channel size. Found parameter numbers "
                f"= {n} and channel size = {channels}."
            )
        if input.ndim > 1:
            weight = weight.reshape((1, n) + (1,) * (input.ndim - 2))
    elif weight.ndim > 0:
        weight = weight.reshape(())
    return _where(input > 0, input, weight * input)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Leaky ReLU with a random slope in ``[lower, upper]`` per element when training."""
    _check("rrelu", input)
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    slope = _rrelu_noise(input, lower, upper)
    f = lambda x: _where(x > 0, x, x * slope)  # noqa: E731
    return _inplace(input, f) if inplace else f(input)


def _rrelu_noise(input, lower, upper):
    import numpy as np

    from ... import _generator as G
    from ..._creation import from_numpy

    # PyTorch draws one double uniform per non-positive element, in memory order.
    x = input.detach().cpu()._data
    neg = np.ascontiguousarray(x).reshape(-1) <= 0
    draws = G.default_generator.uniform(int(neg.sum()), np.float64, lower, upper)
    noise = np.ones(x.size, dtype=np.float64)
    noise[neg] = draws
    out = from_numpy(noise.reshape(x.shape)).to(input.dtype)
    return out.to(input.device) if input.device.type != "cpu" else out


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return rrelu(input, lower, upper, training, inplace=True)


def glu(input, dim=-1):
    """a * sigmoid(b), where a and b are the halves of ``input`` along ``dim``."""
    _check("glu", input)
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    from ..._ops._helpers import wrap_dim

    d = wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    a = input.narrow(d, 0, n // 2)
    b = input.narrow(d, n // 2, n // 2)
    return a * b.sigmoid()


@traced("nn.functional.gelu")
def gelu(input, approximate="none"):
    """x * Phi(x), or its tanh approximation with ``approximate='tanh'``."""
    _check("gelu", input)
    if approximate == "none":
        out = input * 0.5 * (1 + (input * (1 / math.sqrt(2))).erf())
        return show_grad_fn_as(out, "GeluBackward0")
    if approximate == "tanh":
        inner = (input + input * input * input * 0.044715) * math.sqrt(2 / math.pi)
        return show_grad_fn_as(input * 0.5 * (1 + inner.tanh()), "GeluBackward0")
    raise RuntimeError("approximate argument must be either none or tanh.")


def logsigmoid(input):
    _check("log_sigmoid", input)
    return input.clamp(max=0) - (-input.abs()).exp().log1p()


def hardshrink(input, lambd=0.5):
    _check("hardshrink", input)
    return _where(input.abs() > lambd, input, _full_like(input, 0))


def softshrink(input, lambd=0.5):
    _check("softshrink", input)
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    zero = _full_like(input, 0)
    return _where(input > lambd, input - lambd, _where(input < -lambd, input + lambd, zero))


def tanhshrink(input):
    _check("tanhshrink", input)
    return input - input.tanh()


def softsign(input):
    _check("softsign", input)
    return input / (input.abs() + 1)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, linear above ``threshold``."""
    _check("softplus", input)
    bx = input * beta
    soft = bx.clamp(max=threshold).exp().log1p()
    if beta != 1:
        soft = soft / beta
    return show_grad_fn_as(_where(bx > threshold, input, soft), "SoftplusBackward0")


def tanh(input):
    return input.tanh()


def sigmoid(input):
    return input.sigmoid()


def hardsigmoid(input, inplace=False):
    _check("hardsigmoid", input)
    f = lambda x: (x + 3).clamp(0, 6) / 6  # noqa: E731
    return _inplace(input, f) if inplace else f(input)


def hardswish(input, inplace=False):
    _check("hardswish", input)
    f = lambda x: x * (x + 3).clamp(0, 6) / 6  # noqa: E731
    return _inplace(input, f) if inplace else f(input)


@traced("nn.functional.silu")
def silu(input, inplace=False):
    _check("silu", input)
    f = lambda x: x * x.sigmoid()  # noqa: E731
    return _inplace(input, f) if inplace else show_grad_fn_as(f(input), "SiluBackward0")


def mish(input, inplace=False):
    _check("mish", input)
    f = lambda x: x * softplus(x).tanh()  # noqa: E731
    return _inplace(input, f) if inplace else f(input)


# --- softmax family ------------------------------------------------------------------------


def _get_softmax_dim(name, ndim, stacklevel):
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
        "dim=X as an argument.",
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_like(op, name, input, dim, dtype, stacklevel):
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
        )
    if dim is None:
        dim = _get_softmax_dim(name, input.ndim, stacklevel + 1)
    if dtype is not None:
        input = input.to(D.as_dtype(dtype))
    return dispatch(op, (input,), {"dim": _A.softmax_dim(input, dim)})


@traced("nn.functional.softmax")
def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim``; ``dtype`` casts the input first."""
    return _softmax_like(_A.SOFTMAX, "softmax", input, dim, dtype, _stacklevel)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _get_softmax_dim("softmin", input.ndim, _stacklevel)
    if dtype is not None:
        input = input.to(D.as_dtype(dtype))
    return _softmax_like(_A.SOFTMAX, "softmin", -input, dim, None, _stacklevel)


@traced("nn.functional.log_softmax")
def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(x)) along ``dim``, computed stably."""
    return _softmax_like(_A.LOG_SOFTMAX, "log_softmax", input, dim, dtype, _stacklevel)


def gumbel_softmax(logits, tau=1.0, hard=False, eps=1e-10, dim=-1):
    """Samples from the Gumbel-softmax distribution; ``hard`` gives one-hot straight-through."""
    from ... import empty_like, zeros_like

    gumbels = -empty_like(logits).exponential_().log()
    gumbels = (logits + gumbels) / tau
    y_soft = softmax(gumbels, dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
