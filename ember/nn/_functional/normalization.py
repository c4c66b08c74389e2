"""nn.functional: normalization (batch, layer, group, instance, RMS, local response, normalize).

All are composites of reductions and elementwise ops, so their gradients (and
gradients of gradients) come from those primitives.
"""

from __future__ import annotations

import numpy as np

from ... import _dtype as D
from ..._autograd.grad_mode import no_grad
from ..._autograd.node import show_grad_fn_as
from ..._ops.nn import batch_norm_train, linmap
from ..._tensor import Tensor
from ..._tracing import traced

__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm",
           "local_response_norm", "normalize"]  # fmt: skip


def _sizes(shape):
    return "[" + ", ".join(map(str, shape)) + "]"


def _moments(x, dims):
    mean = x.mean(dims, keepdim=True)
    xc = x - mean
    var = (xc * xc).mean(dims, keepdim=True)
    return mean, xc, var


def _channel_shape(x):
    return (1, -1) + (1,) * (x.ndim - 2)


def _affine(y, weight, bias, shape):
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def _update_running(running, value, momentum):
    with no_grad():
        running.copy_(running * (1 - momentum) + value.detach() * momentum)


@traced("nn.functional.batch_norm")
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-05):  # fmt: skip
    """Applies Batch Normalization for each channel across a batch of data."""
    if not isinstance(input, Tensor):
        raise TypeError(f"batch_norm(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")  # fmt: skip
    if input.ndim < 2:
        raise ValueError(f"Expected 2D or 3D input (got {input.ndim}D input)")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):  # fmt: skip
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")
    shape = _channel_shape(input)
    dims = [0] + list(range(2, input.ndim))
    if training:
        n = input.numel() // max(c, 1)
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input "
                             f"size torch.Size({_sizes(input.shape)})")  # fmt: skip
        if weight is not None and bias is not None and input.dtype in (D.float32, D.float64):
            return _batch_norm_fused(input, running_mean, running_var, weight, bias, momentum,
                                     eps, dims, n)  # fmt: skip
        mean, xc, var = _moments(input, dims)
        y = xc * (var + eps).rsqrt()
        if running_mean is not None:
            _update_running(running_mean, mean.reshape(-1), momentum)
        if running_var is not None:
            _update_running(running_var, var.reshape(-1) * (n / (n - 1)), momentum)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
        y = (input - running_mean.reshape(shape)) * (running_var.reshape(shape) + eps).rsqrt()
    return _affine(y, weight, bias, shape)


def _batch_norm_fused(input, running_mean, running_var, weight, bias, momentum, eps, dims, n):
    """Training-mode batch norm through one primitive: statistics in two passes here."""
    data = input.detach()._data
    axes = tuple(dims)
    mean = data.mean(axis=axes)
    sq = data - mean.reshape(_channel_shape(input))
    sq *= sq
    var = sq.mean(axis=axes)
    del sq
    invstd = 1.0 / np.sqrt(var + eps) if isinstance(data, np.ndarray) else (var + eps) ** -0.5
    y = batch_norm_train(input, weight, bias, mean, invstd.astype(var.dtype, copy=False), eps)
    for running, value in ((running_mean, mean), (running_var, var * (n / (n - 1)))):
        if running is not None:
            _update_running(running, Tensor._make(value, input.dtype, input.device), momentum)
    return y


@traced("nn.functional.instance_norm")
def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-05):  # fmt: skip
    """Applies Instance Normalization independently for each channel in every sample."""
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher input (got {input.ndim}D input)")
    shape = _channel_shape(input)
    if not use_input_stats:
        y = (input - running_mean.reshape(shape)) * (running_var.reshape(shape) + eps).rsqrt()
        return _affine(y, weight, bias, shape)
    dims = list(range(2, input.ndim))
    n = int(np.prod(input.shape[2:]))
    if n <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"torch.Size({_sizes(input.shape)})")  # fmt: skip
    mean, xc, var = _moments(input, dims)
    y = xc * (var + eps).rsqrt()
    if running_mean is not None:
        _update_running(running_mean, mean.reshape(input.shape[:2]).mean(0), momentum)
    if running_var is not None:
        uv = var.reshape(input.shape[:2]) * (n / (n - 1))
        _update_running(running_var, uv.mean(0), momentum)
    return _affine(y, weight, bias, shape)


def _norm_shape(name, input, normalized_shape):
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(ns)
    if k == 0 or input.ndim < k or tuple(input.shape[-k:]) != ns:
        raise RuntimeError(
            f"Given normalized_shape={_sizes(ns)}, expected input with shape "
            f"[*, {', '.join(map(str, ns))}], but got input of size{_sizes(input.shape)}"
        )
    return ns, list(range(input.ndim - k, input.ndim))


@traced("nn.functional.layer_norm")
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Applies Layer Normalization over the last certain number of dimensions."""
    ns, dims = _norm_shape("layer_norm", input, normalized_shape)
    _, xc, var = _moments(input, dims)
    y = xc * (var + eps).rsqrt()
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return show_grad_fn_as(y, "NativeLayerNormBackward0")


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Applies Root Mean Square Layer Normalization over the last dimensions."""
    ns, dims = _norm_shape("rms_norm", input, normalized_shape)
    if eps is None:
        dt = input.dtype if input.dtype.category >= D.FLOAT else D.get_default_dtype()
        eps = float(np.finfo(dt.np if dt.name != "bfloat16" else np.float32).eps)
        if dt.name == "bfloat16":
            eps = 0.0078125
    y = input * ((input * input).mean(dims, keepdim=True) + eps).rsqrt()
    if weight is not None:
        y = y * weight
    return y


@traced("nn.functional.group_norm")
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Applies Group Normalization over the channels of a mini-batch."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")  # fmt: skip
    n, c = input.shape[:2]
    if c % num_groups != 0:
        raise RuntimeError(
            f"Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {_sizes(input.shape)} and num_groups={num_groups}"
        )
    x = input.reshape(n, num_groups, -1)
    _, xc, var = _moments(x, [2])
    y = (xc * (var + eps).rsqrt()).reshape(input.shape)
    return _affine(y, weight, bias, _channel_shape(input))


def local_response_norm(input, size, alpha=0.0001, beta=0.75, k=1.0):
    """Applies local response normalization over an input signal, channels as one dim."""
    if input.ndim < 3:
        raise ValueError(
            f"Expected 3D or higher dimensionality input (got {input.ndim} dimensions)"
        )
    if input.numel() == 0:
        return input
    c = input.shape[1]
    lo = size // 2
    o = np.arange(c)[:, None] - lo + np.arange(size)[None, :]
    valid = (o >= 0) & (o < c)
    idx = np.clip(o, 0, c - 1)
    w = valid / float(size)
    div = linmap(input * input, 1, idx, w)
    div = (div * alpha + k).pow(beta)
    return input / div


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """Performs L_p normalization of inputs over the specified dimension."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    res = input / denom
    if out is not None:
        out.copy_(res)
        return out
    return res
