"""nn.functional: pooling (max, average, adaptive, power-average) and max unpooling.

Average pools are separable linear maps and max pools pick elements by flat
index; see NOTE [ separable linear maps ] in ember/_ops/nn.py. The index tables
below follow PyTorch's window arithmetic (pooling_output_shape, adaptive
start/end indices) exactly, so ceil_mode and padding windows match.
"""

from __future__ import annotations

import math

import numpy as np

from ... import _dtype as D
from ..._ops.nn import gather_flat, linmap, scatter_flat
from ..._tensor import Tensor
from ..._tracing import traced

__all__ = [
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
    "max_pool2d_with_indices", "max_pool3d_with_indices", "max_unpool1d", "max_unpool2d",
    "max_unpool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d",
    "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d",
    "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices", "lp_pool1d",
    "lp_pool2d", "lp_pool3d", "fractional_max_pool2d", "fractional_max_pool3d",
    "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices",
]  # fmt: skip


def tup(v, n):
    if isinstance(v, (list, tuple)):
        if len(v) == 1:
            return (int(v[0]),) * n
        return tuple(int(i) for i in v)
    return (int(v),) * n


def sizes(t):
    return "[" + ", ".join(map(str, t.shape)) + "]"


def pool_out(size, k, s, p, d, ceil):
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)) // s + 1
    if ceil and (out - 1) * s >= size + p:
        out -= 1
    return out


def check_input(name, x, nd):
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(x).__name__}")  # fmt: skip
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}: Expected {nd + 1}D or {nd + 2}D (batch mode) tensor for "
                           f"input, but got: {sizes(x)}")  # fmt: skip
    if any(s == 0 for s in x.shape[-nd:]):
        raise RuntimeError(f"{name}: Expected input's non-batch dimensions to have positive "
                           f"length, but input has a shape of {sizes(x)}")  # fmt: skip


def batched(x, nd):
    """(N, C, *S) view of ``x`` and whether the batch dim was added."""
    if x.ndim == nd + 1:
        return x.unsqueeze(0), True
    return x, False


def _unbatch(y, unb):
    return y.squeeze(0) if unb else y


# --- index tables ------------------------------------------------------------------------------


def window_table(size, out, k, s, p, d):
    """(out, k) input indices of each window; positions outside the input are ``size``."""
    idx = np.arange(out)[:, None] * s - p + np.arange(k)[None, :] * d
    idx[(idx < 0) | (idx >= size)] = size
    return idx


def adaptive_bounds(size, out):
    o = np.arange(out)
    start = (o * size) // out
    end = -((-(o + 1) * size) // out)
    return start, end


def adaptive_table(size, out):
    start, end = adaptive_bounds(size, out)
    t = int((end - start).max()) if out else 1
    idx = np.minimum(start[:, None] + np.arange(t)[None, :], end[:, None] - 1)
    return idx, start, end


# --- max pooling -------------------------------------------------------------------------------


def max_select(x, tables):
    """Flat spatial indices (N, C, *O) of the maximum of each window (first max, NaN wins)."""
    nd = len(tables)
    data = x.detach()._data
    xp = np if isinstance(data, np.ndarray) else __import__("cupy")
    sp = data.shape[2:]
    fill = -np.inf if data.dtype.kind == "f" else np.iinfo(data.dtype).min
    pad = xp.pad(data, [(0, 0), (0, 0)] + [(0, 1)] * nd, constant_values=fill)
    ix = []
    for i, t in enumerate(tables):
        shp = [1] * (2 * nd)
        shp[2 * i], shp[2 * i + 1] = t.shape
        ix.append(xp.asarray(t.reshape(shp)))
    g = pad[(slice(None), slice(None)) + tuple(ix)]  # (N, C, O0, T0, O1, T1, ...)
    outs = tuple(t.shape[0] for t in tables)
    ts = tuple(t.shape[1] for t in tables)
    perm = [0, 1] + [2 + 2 * i for i in range(nd)] + [3 + 2 * i for i in range(nd)]
    g = g.transpose(perm).reshape(data.shape[:2] + outs + (-1,))
    am = xp.argmax(g, axis=-1)
    # flat index table (*O, prod T) in the unpadded input
    mult = np.cumprod((1,) + tuple(sp[::-1]))[:-1][::-1]
    ft = np.zeros(outs + ts, dtype=np.int64)
    for i, t in enumerate(tables):
        shp = [1] * (2 * nd)
        shp[i], shp[nd + i] = t.shape
        ft = ft + np.minimum(t, sp[i] - 1).reshape(shp) * mult[i]
    ft = xp.asarray(ft.reshape(outs + (-1,)))
    flat = xp.take_along_axis(xp.broadcast_to(ft, am.shape + ft.shape[-1:]), am[..., None], -1)
    return flat[..., 0]


def _index_tensor(arr, like):
    t = Tensor._make(arr.astype(np.int64, copy=False), D.int64, like.device)
    return t


def _max_pool(name, nd, input, kernel_size, stride, padding, dilation, ceil_mode, ret):
    check_input(name, input, nd)
    k = tup(kernel_size, nd)
    s = tup(stride, nd) if stride is not None and stride != [] and stride != () else k
    p = tup(padding, nd)
    d = tup(dilation, nd)
    if any(v <= 0 for v in k):
        raise RuntimeError(f"{name}(): kernel_size must be greater than zero, but got {list(k)}")
    if any(v <= 0 for v in s):
        raise RuntimeError(f"{name}(): stride must be greater than zero, but got {list(s)}")
    if any(v <= 0 for v in d):
        raise RuntimeError(f"{name}(): dilation must be greater than zero, but got {list(d)}")
    for pi, ki, di in zip(p, k, d):
        if pi < 0 or pi > ((ki - 1) * di + 1) // 2:
            raise RuntimeError(
                "pad should be at most half of effective kernel size, but got "
                f"pad={pi}, kernel_size={ki} and dilation={di}"
            )
    x, unb = batched(input, nd)
    sp = x.shape[2:]
    outs = [pool_out(sp[i], k[i], s[i], p[i], d[i], ceil_mode) for i in range(nd)]
    if any(o <= 0 for o in outs):
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, x.shape[1:]))}). Calculated "
                           f"output size: ({'x'.join(map(str, [x.shape[1]] + outs))}). Output "
                           "size is too small")  # fmt: skip
    if (
        k == s
        and not any(p)
        and all(v == 1 for v in d)
        and all(o * ki <= n for o, ki, n in zip(outs, k, sp))
    ):
        flat = _index_tensor(max_select_blocks(x, k, outs), x)
        y = gather_flat(x, flat)
        return (_unbatch(y, unb), _unbatch(flat, unb)) if ret else _unbatch(y, unb)
    tables = [window_table(sp[i], outs[i], k[i], s[i], p[i], d[i]) for i in range(nd)]
    return _max_by_tables(x, tables, unb, ret)


def max_select_blocks(x, k, outs):
    """``max_select`` for non-overlapping windows (stride = kernel, no padding or dilation).

    The windows tile the input, so a reshape exposes each one as trailing axes: no
    index tables and no gather are needed to find the maxima.
    """
    data = x.detach()._data
    xp = np if isinstance(data, np.ndarray) else __import__("cupy")
    nd = len(k)
    sp = data.shape[2:]
    crop = data[(slice(None), slice(None)) + tuple(slice(0, o * ki) for o, ki in zip(outs, k))]
    shape = data.shape[:2]
    for o, ki in zip(outs, k):
        shape += (o, ki)
    blocks = crop.reshape(shape)
    perm = [0, 1] + [2 + 2 * i for i in range(nd)] + [3 + 2 * i for i in range(nd)]
    am = xp.argmax(blocks.transpose(perm).reshape(data.shape[:2] + tuple(outs) + (-1,)), -1)
    offs = xp.unravel_index(am, k)
    flat = 0
    mult = 1
    for i in range(nd - 1, -1, -1):
        o = xp.arange(outs[i]).reshape((-1,) + (1,) * (nd - 1 - i))
        flat = flat + (o * k[i] + offs[i]) * mult
        mult *= sp[i]
    return flat


def _max_by_tables(x, tables, unb, ret):
    flat = _index_tensor(max_select(x, tables), x)
    y = gather_flat(x, flat)
    if ret:
        return _unbatch(y, unb), _unbatch(flat, unb)
    return _unbatch(y, unb)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):  # fmt: skip
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode,
                     True)  # fmt: skip


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):  # fmt: skip
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode,
                     True)  # fmt: skip


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):  # fmt: skip
    return _max_pool("max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode,
                     True)  # fmt: skip


@traced("nn.functional.max_pool1d")
def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):  # fmt: skip
    """Applies a 1D max pooling over an input signal composed of several input planes."""
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)  # fmt: skip


@traced("nn.functional.max_pool2d")
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):  # fmt: skip
    """Applies a 2D max pooling over an input signal composed of several input planes."""
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)  # fmt: skip


@traced("nn.functional.max_pool3d")
def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):  # fmt: skip
    """Applies a 3D max pooling over an input signal composed of several input planes."""
    return _max_pool("max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)  # fmt: skip


def _max_unpool(name, nd, input, indices, kernel_size, stride, padding, output_size):
    check_input(name, input, nd)
    k = tup(kernel_size, nd)
    s = tup(stride, nd) if stride is not None else k
    p = tup(padding, nd)
    x, unb = batched(input, nd)
    ind, _ = batched(indices, nd)
    default = [(x.shape[2 + i] - 1) * s[i] - 2 * p[i] + k[i] for i in range(nd)]
    if output_size is None:
        out = default
    else:
        out = [int(v) for v in output_size][-nd:]
        for i in range(nd):
            lo, hi = default[i] - s[i], default[i] + s[i]
            if not lo < out[i] < hi:
                raise ValueError(f"invalid output_size {list(output_size)} (dim {i} must be "
                                 f"between {lo} and {hi})")  # fmt: skip
    if tuple(ind.shape) != tuple(x.shape):
        raise RuntimeError(
            f"Expected shape of indices to be same as that of the input tensor ({sizes(x)}) but "
            f"got indices tensor with shape: {sizes(ind)}"
        )
    if ind.numel() and (int(ind.detach()._data.max()) >= math.prod(out) or
                        int(ind.detach()._data.min()) < 0):  # fmt: skip
        raise RuntimeError(f"Found an invalid max index: {int(ind.detach()._data.max())} (output "
                           f"volumes are of size {'x'.join(map(str, out))}")  # fmt: skip
    y = scatter_flat(x, ind, out)
    return _unbatch(y, unb)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Computes a partial inverse of :class:`MaxPool1d`."""
    return _max_unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding,
                       output_size)  # fmt: skip


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Computes a partial inverse of :class:`MaxPool2d`."""
    return _max_unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding,
                       output_size)  # fmt: skip


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Computes a partial inverse of :class:`MaxPool3d`."""
    return _max_unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding,
                       output_size)  # fmt: skip


# --- average pooling ---------------------------------------------------------------------------


def avg_table(size, out, k, s, p, count_include_pad, divide=True):
    """(idx, w) of average pooling along one dim, as PyTorch's avg_pool kernels count."""
    o = np.arange(out)
    start = o * s - p
    end = np.minimum(start + k, size + p)
    pool = end - start
    start_c = np.maximum(start, 0)
    end_c = np.minimum(end, size)
    div = pool if count_include_pad else (end_c - start_c)
    t = np.arange(k)[None, :]
    valid = start_c[:, None] + t < end_c[:, None]
    idx = np.where(valid, start_c[:, None] + t, np.maximum(end_c - 1, 0)[:, None])
    w = valid.astype(np.float64)
    if divide:
        w = w / np.maximum(div, 1)[:, None]
    return idx, w


def _avg_pool(name, nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):  # fmt: skip
    check_input(name, input, nd)
    k = tup(kernel_size, nd)
    s = tup(stride, nd) if stride is not None and stride != [] and stride != () else k
    p = tup(padding, nd)
    if any(v <= 0 for v in s):
        raise RuntimeError("stride should not be zero")
    for pi, ki in zip(p, k):
        if pi > ki // 2:
            raise RuntimeError(f"pad should be at most half of kernel size, but got pad={pi} and "
                               f"kernel_size={ki}")  # fmt: skip
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    x, unb = batched(input, nd)
    if x.dtype.category < D.FLOAT:
        raise RuntimeError(f"\"avg_pool{nd}d\" not implemented for '{x.dtype.name}'")
    y = x
    for i in range(nd):
        size = x.shape[2 + i]
        out = pool_out(size, k[i], s[i], p[i], 1, ceil_mode)
        if out <= 0:
            raise RuntimeError(f"Given input size: ({'x'.join(map(str, x.shape[1:]))}). "
                               "Calculated output size is too small")  # fmt: skip
        idx, w = avg_table(size, out, k[i], s[i], p[i], count_include_pad,
                           divide=divisor_override is None)  # fmt: skip
        y = linmap(y, 2 + i, idx, w)
    if divisor_override is not None:
        y = y / divisor_override
    return _unbatch(y, unb)


@traced("nn.functional.avg_pool1d")
def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):  # fmt: skip
    """Applies a 1D average pooling over an input signal composed of several input planes."""
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, None)  # fmt: skip


@traced("nn.functional.avg_pool2d")
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):  # fmt: skip
    """Applies 2D average-pooling operation in kH x kW regions by step size sH x sW steps."""
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)  # fmt: skip


@traced("nn.functional.avg_pool3d")
def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):  # fmt: skip
    """Applies 3D average-pooling operation in kT x kH x kW regions by step size sT x sH x sW."""
    return _avg_pool("avg_pool3d", 3, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)  # fmt: skip


# --- adaptive pooling --------------------------------------------------------------------------


def _out_sizes(output_size, x, nd):
    if isinstance(output_size, (list, tuple)):
        if len(output_size) != nd:
            raise RuntimeError(f"adaptive_avg_pool{nd}d: output_size must be {nd}")
        return [x.shape[2 + i] if v is None else int(v) for i, v in enumerate(output_size)]
    return [int(output_size)] * nd


def adaptive_avg_table(size, out):
    idx, start, end = adaptive_table(size, out)
    t = np.arange(idx.shape[1])[None, :]
    w = np.where(start[:, None] + t < end[:, None], 1.0 / (end - start)[:, None], 0.0)
    return idx, w


def _adaptive_avg(name, nd, input, output_size):
    check_input(name, input, nd)
    x, unb = batched(input, nd)
    outs = _out_sizes(output_size, x, nd)
    y = x
    for i in range(nd):
        if outs[i] < 0:
            raise RuntimeError(f"{name}: elements of output_size must be greater than or equal "
                               "to 0")  # fmt: skip
        idx, w = adaptive_avg_table(x.shape[2 + i], outs[i])
        y = linmap(y, 2 + i, idx, w)
    return _unbatch(y, unb)


@traced("nn.functional.adaptive_avg_pool1d")
def adaptive_avg_pool1d(input, output_size):
    """Applies a 1D adaptive average pooling over an input signal."""
    return _adaptive_avg("adaptive_avg_pool1d", 1, input, output_size)


@traced("nn.functional.adaptive_avg_pool2d")
def adaptive_avg_pool2d(input, output_size):
    """Applies a 2D adaptive average pooling over an input signal."""
    return _adaptive_avg("adaptive_avg_pool2d", 2, input, output_size)


@traced("nn.functional.adaptive_avg_pool3d")
def adaptive_avg_pool3d(input, output_size):
    """Applies a 3D adaptive average pooling over an input signal."""
    return _adaptive_avg("adaptive_avg_pool3d", 3, input, output_size)


def _adaptive_max(name, nd, input, output_size, ret):
    check_input(name, input, nd)
    x, unb = batched(input, nd)
    outs = _out_sizes(output_size, x, nd)
    tables = [adaptive_table(x.shape[2 + i], outs[i])[0] for i in range(nd)]
    return _max_by_tables(x, tables, unb, ret)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max("adaptive_max_pool1d", 1, input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max("adaptive_max_pool2d", 2, input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    return _adaptive_max("adaptive_max_pool3d", 3, input, output_size, True)


@traced("nn.functional.adaptive_max_pool1d")
def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Applies a 1D adaptive max pooling over an input signal."""
    return _adaptive_max("adaptive_max_pool1d", 1, input, output_size, return_indices)


@traced("nn.functional.adaptive_max_pool2d")
def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Applies a 2D adaptive max pooling over an input signal."""
    return _adaptive_max("adaptive_max_pool2d", 2, input, output_size, return_indices)


@traced("nn.functional.adaptive_max_pool3d")
def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Applies a 3D adaptive max pooling over an input signal."""
    return _adaptive_max("adaptive_max_pool3d", 3, input, output_size, return_indices)


# --- power-average pooling ---------------------------------------------------------------------


def _lp_pool(nd, input, norm_type, kernel_size, stride, ceil_mode):
    k = tup(kernel_size, nd)
    avg = (avg_pool1d, avg_pool2d, avg_pool3d)[nd - 1]
    if stride is not None:
        out = avg(input.pow(norm_type), k, stride, 0, ceil_mode)
    else:
        out = avg(input.pow(norm_type), k, padding=0, ceil_mode=ceil_mode)
    return (out.sign() * out.abs().relu()).mul(math.prod(k)).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Applies a 1D power-average pooling over an input signal."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Applies a 2D power-average pooling over an input signal."""
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Applies a 3D power-average pooling over an input signal."""
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


def fractional_max_pool2d(*args, **kwargs):
    raise NotImplementedError("fractional_max_pool2d is not implemented in ember yet")


def fractional_max_pool3d(*args, **kwargs):
    raise NotImplementedError("fractional_max_pool3d is not implemented in ember yet")


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                        return_indices=False, _random_samples=None):  # fmt: skip
    raise NotImplementedError("fractional_max_pool2d is not implemented in ember yet")


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                        return_indices=False, _random_samples=None):  # fmt: skip
    raise NotImplementedError("fractional_max_pool3d is not implemented in ember yet")
