"""nn.functional: convolutions (conv1d/2d/3d, conv_transpose1d/2d/3d)."""

from __future__ import annotations

from ... import _dtype as D
from ..._ops.nn_conv import conv_op, conv_transpose_op
from ..._tensor import Tensor
from ..._tracing import traced

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d"]  # fmt: skip


def ntuple(v, n, name="value"):
    """``v`` (int or sequence) as an n-tuple of ints."""
    if isinstance(v, (list, tuple)):
        if len(v) == 1:
            return tuple(int(v[0]) for _ in range(n))
        if len(v) != n:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} "
                               f"values to match the convolution dimensions, but got "
                               f"{name}={list(v)}")  # fmt: skip
        return tuple(int(i) for i in v)
    return (int(v),) * n


def _cpp(dt):
    return {"float32": "float", "float64": "double", "float16": "c10::Half",
            "bfloat16": "c10::BFloat16"}.get(dt.name, dt.name)  # fmt: skip


def _sizes(t):
    return "[" + ", ".join(map(str, t.shape)) + "]"


def _check(name, nd, input, weight, bias, transposed=False):
    for arg, t in (("input", input), ("weight", weight)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{name}(): argument '{arg}' (position {1 if arg == 'input' else 2}) "
                            f"must be Tensor, not {type(t).__name__}")  # fmt: skip
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got "
            f"input of size: {_sizes(input)}"
        )
    if weight.ndim != nd + 2:
        raise RuntimeError(
            "weight should have at least three dimensions"
            if weight.ndim < 3
            else f"Expected {nd + 2}-dimensional weight for {nd + 2}-dimensional input, but got "
            f"{weight.ndim}-dimensional weight of size {_sizes(weight)}"
        )
    if input.dtype is not weight.dtype:
        raise RuntimeError(
            f"Input type ({_cpp(input.dtype)}) and weight type ({_cpp(weight.dtype)}) should "
            "be the same"
        )
    if bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(
            f"Input type ({_cpp(input.dtype)}) and bias type ({_cpp(bias.dtype)}) should be the "
            "same"
        )
    if input.dtype.category < D.FLOAT:
        raise RuntimeError(f"\"slow_conv2d_cpu\" not implemented for '{input.dtype.name}'")


def _batched(input, nd):
    if input.ndim == nd + 1:
        return input.unsqueeze(0), True
    return input, False


def _conv(name, nd, input, weight, bias, stride, padding, dilation, groups):
    _check(name, nd, input, weight, bias)
    x, unb = _batched(input, nd)
    stride = ntuple(stride, nd, "stride")
    dilation = ntuple(dilation, nd, "dilation")
    ksize = tuple(weight.shape[2:])
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = tuple((d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2)
                         for d, k in zip(dilation, ksize))  # fmt: skip
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        p = ntuple(padding, nd, "padding")
        if any(v < 0 for v in p):
            raise RuntimeError("negative padding is not supported")
        pads = tuple((v, v) for v in p)
    c = x.shape[1]
    if weight.shape[0] % groups != 0:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size {_sizes(weight)} instead"
        )
    if c != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {_sizes(weight)}, expected input"
            f"{_sizes(x)} to have {weight.shape[1] * groups} channels, but got {c} channels "
            "instead"
        )
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != weight.shape[0]):
        raise RuntimeError(
            f"Given weight of size {_sizes(weight)}, expected bias to be 1-dimensional with "
            f"{weight.shape[0]} elements, but got bias of size {_sizes(bias)} instead"
        )
    for i in range(nd):
        padded = x.shape[2 + i] + pads[i][0] + pads[i][1]
        if padded < dilation[i] * (ksize[i] - 1) + 1:
            raise RuntimeError(
                f"Calculated padded input size per channel: ({padded}). Kernel size: "
                f"({ksize[i]}). Kernel size can't be greater than actual input size"
            )
    y = conv_op(x, weight, bias, stride, pads, dilation, groups)
    return y.squeeze(0) if unb else y


@traced("nn.functional.conv1d")
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Applies a 1D convolution over an input signal composed of several input planes."""
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


@traced("nn.functional.conv2d")
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Applies a 2D convolution over an input image composed of several input planes."""
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


@traced("nn.functional.conv3d")
def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Applies a 3D convolution over an input image composed of several input planes."""
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def _conv_t(name, nd, input, weight, bias, stride, padding, output_padding, groups, dilation):
    _check(name, nd, input, weight, bias, transposed=True)
    x, unb = _batched(input, nd)
    stride = ntuple(stride, nd, "stride")
    dilation = ntuple(dilation, nd, "dilation")
    pad = ntuple(padding, nd, "padding")
    opad = ntuple(output_padding, nd, "output_padding")
    ksize = tuple(weight.shape[2:])
    if x.shape[1] != weight.shape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size {_sizes(weight)}, expected input{_sizes(x)} to "
            f"have {weight.shape[0]} channels, but got {x.shape[1]} channels instead"
        )
    if weight.shape[0] % groups != 0:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
            f"but got weight of size {_sizes(weight)} instead"
        )
    for o, s, d in zip(opad, stride, dilation):
        if o >= s and o >= d:
            raise RuntimeError(
                "output padding must be smaller than either stride or dilation, but got "
                f"output_padding: {o}, stride: {s}, dilation: {d}"
            )
    z = zip(x.shape[2:], stride, pad, dilation, ksize, opad)
    out = tuple((i - 1) * s - 2 * p + d * (k - 1) + o + 1 for i, s, p, d, k, o in z)
    if any(o <= 0 for o in out):
        raise RuntimeError(
            f"Given input size per channel: {list(x.shape[2:])}. Calculated output size per "
            f"channel: {list(out)}. Output size is too small"
        )
    y = conv_transpose_op(x, weight, bias, stride, pad, out, dilation, groups)
    return y.squeeze(0) if unb else y


@traced("nn.functional.conv_transpose1d")
def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):  # fmt: skip
    """Applies a 1D transposed convolution operator over an input signal."""
    return _conv_t("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding,
                   groups, dilation)  # fmt: skip


@traced("nn.functional.conv_transpose2d")
def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):  # fmt: skip
    """Applies a 2D transposed convolution operator over an input image."""
    return _conv_t("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding,
                   groups, dilation)  # fmt: skip


@traced("nn.functional.conv_transpose3d")
def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):  # fmt: skip
    """Applies a 3D transposed convolution operator over an input image."""
    return _conv_t("conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding,
                   groups, dilation)  # fmt: skip
