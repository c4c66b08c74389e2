"""nn.functional: resampling and rearranging images.

interpolate builds one index/weight table per spatial dim with PyTorch's
source-index arithmetic (area_pixel_compute_source_index, nearest_idx) computed
in the input's float type, and applies them as separable linear maps.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ... import _dtype as D
from ..._creation import tensor
from ..._ops.nn import gather_flat, linmap
from ..._ops.nn_conv import col2im_op, im2col_op
from ..._tensor import Tensor
from ..._tracing import traced
from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d

__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle",
           "interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "grid_sample",
           "affine_grid", "unfold", "fold"]  # fmt: skip


def _tup(v, n):
    if isinstance(v, (list, tuple)):
        return tuple(int(i) for i in v) if len(v) != 1 else (int(v[0]),) * n
    return (int(v),) * n


# --- rearranging -------------------------------------------------------------------------------


def pixel_shuffle(input, upscale_factor):
    """Rearranges (*, C*r^2, H, W) into (*, C, H*r, W*r)."""
    r = int(upscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.ndim} dimension(s)")  # fmt: skip
    c, h, w = input.shape[-3:]
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
            f"of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}"
        )
    lead = tuple(input.shape[:-3])
    b = len(lead)
    x = input.reshape(lead + (c // (r * r), r, r, h, w))
    x = x.permute(*range(b), b, b + 3, b + 1, b + 4, b + 2)
    return x.reshape(lead + (c // (r * r), h * r, w * r))


def pixel_unshuffle(input, downscale_factor):
    """Rearranges (*, C, H*r, W*r) into (*, C*r^2, H, W)."""
    r = int(downscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.ndim} dimension(s)")  # fmt: skip
    c, h, w = input.shape[-3:]
    if h % r or w % r:
        raise RuntimeError(
            "pixel_unshuffle expects height to be divisible by downscale_factor, but "
            f"input.size(-2)={h} is not divisible by {r}"
            if h % r
            else "pixel_unshuffle expects width to be divisible by downscale_factor, but "
            f"input.size(-1)={w} is not divisible by {r}"
        )
    lead = tuple(input.shape[:-3])
    b = len(lead)
    x = input.reshape(lead + (c, h // r, r, w // r, r))
    x = x.permute(*range(b), b, b + 2, b + 4, b + 1, b + 3)
    return x.reshape(lead + (c * r * r, h // r, w // r))


def channel_shuffle(input, groups):
    """Divides the channels into ``groups`` and interleaves them."""
    if input.ndim < 3:
        raise RuntimeError(f"channel_shuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.ndim} dimension(s)")  # fmt: skip
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")  # fmt: skip
    n, c = input.shape[:2]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {groups} groups.")  # fmt: skip
    rest = tuple(input.shape[2:])
    x = input.reshape((n, groups, c // groups) + rest).transpose(1, 2)
    return x.reshape(tuple(input.shape))


native_channel_shuffle = channel_shuffle


# --- interpolation tables ----------------------------------------------------------------------


def _scale_value(scale, size, out, ft):
    if scale is not None and scale > 0:
        return ft(1.0 / scale)
    return ft(size) / ft(out)


def _area_scale(size, out, align_corners, scale, ft):
    if align_corners:
        return ft(size - 1) / ft(out - 1) if out > 1 else ft(0)
    return _scale_value(scale, size, out, ft)


def _source(scale, o, align_corners, cubic, ft):
    if align_corners:
        return scale * o
    src = scale * (o + ft(0.5)) - ft(0.5)
    return src if cubic else np.maximum(src, ft(0))


def nearest_table(size, out, scale, exact, ft):
    o = np.arange(out)
    if out == size:
        return o[:, None]
    if out == 2 * size and not exact:
        return (o >> 1)[:, None]
    s = _scale_value(scale, size, out, ft)
    of = o.astype(ft)
    src = np.floor((of + ft(0.5)) * s) if exact else np.floor(of * s)
    return np.minimum(src.astype(np.int64), size - 1)[:, None]


def linear_table(size, out, scale, align_corners, ft):
    s = _area_scale(size, out, align_corners, scale, ft)
    src = _source(s, np.arange(out).astype(ft), align_corners, False, ft)
    i0 = np.minimum(np.floor(src).astype(np.int64), size - 1)
    lam = np.clip(src - i0.astype(ft), 0, 1).astype(ft)
    i1 = i0 + (i0 < size - 1)
    return np.stack([i0, i1], 1), np.stack([1 - lam, lam], 1)


def _cc1(x, a):
    return ((a + 2) * x - (a + 3)) * x * x + 1


def _cc2(x, a):
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a


def cubic_table(size, out, scale, align_corners, ft):
    s = _area_scale(size, out, align_corners, scale, ft)
    src = _source(s, np.arange(out).astype(ft), align_corners, True, ft)
    i = np.floor(src)
    t = (src - i).astype(ft)
    a = ft(-0.75)
    w = np.stack([_cc2(t + 1, a), _cc1(t, a), _cc1(1 - t, a), _cc2(2 - t, a)], 1)
    idx = np.clip(i.astype(np.int64)[:, None] + np.arange(-1, 3)[None, :], 0, size - 1)
    return idx, w


_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


@traced("nn.functional.interpolate")
def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):  # fmt: skip
    """Down/up samples the input to the given ``size`` or by ``scale_factor``."""
    nd = input.ndim - 2
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")  # fmt: skip
    elif align_corners is None:
        align_corners = False
    if nd < 1 or nd > 3:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
            f"the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
            f"nearest-exact (got {mode})"
        )
    if mode in _DIMS and _DIMS[mode] != nd:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs "
                                  f"{_DIMS[mode] + 2}D input")  # fmt: skip
    if antialias:
        raise NotImplementedError("interpolate(antialias=True) is not implemented in ember yet")
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        outs = list(_tup(size, nd)) if isinstance(size, (list, tuple)) else [int(size)] * nd
        if len(outs) != nd:
            raise ValueError(f"Input and output must have the same number of spatial dimensions,"
                             f" but got input with spatial dimensions of {list(input.shape[2:])} "
                             f"and output size of {size}. Please provide input tensor in (N, C, "
                             "d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) "
                             "format.")  # fmt: skip
        scales = [None] * nd
    elif scale_factor is not None:
        sf = list(scale_factor) if isinstance(scale_factor, (list, tuple)) else [scale_factor] * nd
        if len(sf) != nd:
            raise ValueError(f"Input and scale_factor must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{list(input.shape[2:])} and scale_factor of shape {scale_factor}. "
                             "Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                             "scale_factor in (s1, s2, ...,sK) format.")  # fmt: skip
        outs = [math.floor(float(input.shape[2 + i]) * sf[i]) for i in range(nd)]
        scales = [None] * nd if recompute_scale_factor else [float(s) for s in sf]
    else:
        raise ValueError("either size or scale_factor should be defined")
    if mode == "area":
        pool = (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[nd - 1]
        return pool(input, outs)
    if input.dtype.category < D.FLOAT and mode != "nearest" and mode != "nearest-exact":
        raise RuntimeError(f"\"upsample_{mode}\" not implemented for '{input.dtype.name}'")
    ft = np.float64 if input.dtype is D.float64 else np.float32
    y = input
    for i in range(nd):
        n, o, s = input.shape[2 + i], outs[i], scales[i]
        if mode in ("nearest", "nearest-exact"):
            y = linmap(y, 2 + i, nearest_table(n, o, s, mode == "nearest-exact", ft))
        elif mode == "bicubic":
            y = linmap(y, 2 + i, *cubic_table(n, o, s, align_corners, ft))
        elif mode in _DIMS:
            y = linmap(y, 2 + i, *linear_table(n, o, s, align_corners, ft))
        else:
            raise NotImplementedError(
                f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) "
                "for the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
                f"nearest-exact (got {mode})"
            )
    return y


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of :func:`interpolate`."""
    warnings.warn("nn.functional.upsample is deprecated. Use nn.functional.interpolate instead.",
                  stacklevel=2)  # fmt: skip
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Upsamples with nearest neighbours (deprecated alias of interpolate)."""
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Upsamples bilinearly with align_corners=True (deprecated alias of interpolate)."""
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# --- grid sampling -----------------------------------------------------------------------------


def _unnormalize(coord, size, align_corners):
    if align_corners:
        return (coord + 1) / 2 * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _reflect(coord, twice_low, twice_high):
    if twice_low == twice_high:
        return coord * 0
    mn = twice_low / 2
    span = (twice_high - twice_low) / 2
    c = (coord - mn).abs()
    extra = c.fmod(span)
    flips = (c / span).detach().floor()
    even = flips.remainder(2) == 0
    return (extra + mn).where(even, span - extra + mn)


def _source_coord(coord, size, padding_mode, align_corners):
    c = _unnormalize(coord, size, align_corners)
    if padding_mode == "border":
        c = c.clamp(0, size - 1)
    elif padding_mode == "reflection":
        c = _reflect(c, 0, 2 * (size - 1)) if align_corners else _reflect(c, -1, 2 * size - 1)
        c = c.clamp(0, size - 1)
    return c


@traced("nn.functional.grid_sample")
def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Samples ``input`` at the normalized (x, y) locations in ``grid``."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")  # fmt: skip
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")  # fmt: skip
    if input.ndim != 4 or mode == "bicubic":
        raise NotImplementedError("grid_sample: ember supports 4-D input with bilinear or "
                                  "nearest mode only")  # fmt: skip
    if grid.ndim != 4 or grid.shape[-1] != 2 or grid.shape[0] != input.shape[0]:
        raise RuntimeError(
            "grid_sampler(): expected grid to have size 2 in last dimension and the same batch "
            f"size as input, but got grid with sizes {list(grid.shape)}"
        )
    align_corners = bool(align_corners)
    n, c, h, w = input.shape
    ho, wo = grid.shape[1:3]
    ix = _source_coord(grid[..., 0], w, padding_mode, align_corners)
    iy = _source_coord(grid[..., 1], h, padding_mode, align_corners)
    if mode == "nearest":
        xr = np.rint(ix.detach()._data).astype(np.int64)
        yr = np.rint(iy.detach()._data).astype(np.int64)
        return _corner(input, xr, yr, h, w, None).reshape(n, c, ho, wo)
    x0 = np.floor(ix.detach()._data).astype(np.int64)
    y0 = np.floor(iy.detach()._data).astype(np.int64)
    fx0 = tensor(x0, dtype=ix.dtype)
    fy0 = tensor(y0, dtype=iy.dtype)
    wx1 = ix - fx0
    wx0 = 1 - wx1
    wy1 = iy - fy0
    wy0 = 1 - wy1
    out = None
    for xs, ys, wgt in ((x0, y0, wx0 * wy0), (x0 + 1, y0, wx1 * wy0), (x0, y0 + 1, wx0 * wy1),
                        (x0 + 1, y0 + 1, wx1 * wy1)):  # fmt: skip
        term = _corner(input, xs, ys, h, w, wgt)
        out = term if out is None else out + term
    return out.reshape(n, c, ho, wo)


def _corner(input, xs, ys, h, w, wgt):
    n = input.shape[0]
    valid = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
    flat = np.clip(ys, 0, h - 1) * w + np.clip(xs, 0, w - 1)
    idx = Tensor._make(flat.reshape(n, 1, -1), D.int64, input.device)
    vals = gather_flat(input, idx)
    m = tensor(valid.reshape(n, 1, -1), dtype=input.dtype)
    if wgt is None:
        return vals * m
    return vals * (wgt.reshape(n, 1, -1) * m)


def _linspace(steps, align_corners, dtype):
    if steps <= 1:
        return tensor(np.zeros(steps), dtype=dtype)
    r = np.linspace(-1, 1, steps)
    if not align_corners:
        r = r * (steps - 1) / steps
    return tensor(r, dtype=dtype)


def affine_grid(theta, size, align_corners=None):
    """Generates a sampling grid for ``grid_sample`` from a batch of affine matrices."""
    align_corners = bool(align_corners)
    size = [int(s) for s in size]
    if len(size) == 4:
        if theta.ndim != 3 or tuple(theta.shape[1:]) != (2, 3):
            raise ValueError(
                f"Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                f"torch.Size({size}). Got torch.Size({list(theta.shape)})."
            )
        n, _, h, w = size
        xs = _linspace(w, align_corners, theta.dtype).numpy()
        ys = _linspace(h, align_corners, theta.dtype).numpy()
        base = np.stack(np.broadcast_arrays(xs[None, :], ys[:, None], np.ones((1, 1))), -1)
        out = (h, w, 2)
    elif len(size) == 5:
        if theta.ndim != 3 or tuple(theta.shape[1:]) != (3, 4):
            raise ValueError(
                f"Expected a batch of 3D affine matrices of shape Nx3x4 for size "
                f"torch.Size({size}). Got torch.Size({list(theta.shape)})."
            )
        n, _, d, h, w = size
        xs = _linspace(w, align_corners, theta.dtype).numpy()
        ys = _linspace(h, align_corners, theta.dtype).numpy()
        zs = _linspace(d, align_corners, theta.dtype).numpy()
        base = np.stack(np.broadcast_arrays(xs[None, None, :], ys[None, :, None],
                                            zs[:, None, None], np.ones((1, 1, 1))), -1)  # fmt: skip
        out = (d, h, w, 3)
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {size}.")  # fmt: skip
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    b = tensor(base.reshape(1, -1, base.shape[-1]), dtype=theta.dtype)
    return (b @ theta.transpose(1, 2)).reshape((theta.shape[0],) + out)


# --- unfold / fold -----------------------------------------------------------------------------


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extracts sliding local blocks from a batched input tensor (im2col)."""
    if input.ndim < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-input.ndim}, {input.ndim - 1}], but got 2)")  # fmt: skip
    if input.ndim > 4:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch "
                           f"size for input, but got: {list(input.shape)}")  # fmt: skip
    unb = input.ndim == 3
    x = input.unsqueeze(0) if unb else input
    k, d, p, s = (_tup(v, 2) for v in (kernel_size, dilation, padding, stride))
    for i in range(2):
        if (x.shape[2 + i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 <= 0:
            raise RuntimeError(f"Given input with spatial size {list(x.shape[2:])}, "
                               f"kernel_size={list(k)}, dilation={list(d)}, padding={list(p)}, "
                               "calculated shape of the array of sliding blocks is non-positive "
                               "or zero.")  # fmt: skip
    y = im2col_op(x, k, d, p, s)
    return y.squeeze(0) if unb else y


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Combines an array of sliding local blocks into a large containing tensor (col2im)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 "
                           "batch size and non-zero dimensions for input, but got: "
                           f"{list(input.shape)}")  # fmt: skip
    unb = input.ndim == 2
    x = input.unsqueeze(0) if unb else input
    o, k, d, p, s = (_tup(v, 2) for v in (output_size, kernel_size, dilation, padding, stride))
    kk = k[0] * k[1]
    if x.shape[1] % kk:
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={x.shape[1]} and kernel_size={list(k)}"
        )
    blocks = [(o[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2)]
    if blocks[0] * blocks[1] != x.shape[2]:
        raise RuntimeError(
            f"Given output_size={list(o)}, kernel_size={list(k)}, dilation={list(d)}, "
            f"padding={list(p)}, stride={list(s)}, expected size of input's dimension 2 to "
            f"match the calculated number of sliding blocks {blocks[0]} * {blocks[1]} = "
            f"{blocks[0] * blocks[1]}, but got input.size(2)={x.shape[2]}."
        )
    y = col2im_op(x, o, k, d, p, s)
    return y.squeeze(0) if unb else y
