"""nn.functional: pad (constant, reflect, replicate, circular).

The constant mode is one primitive (negative pads crop); the other modes are
index maps along each padded dim, run as separable linear maps (NOTE [ separable
linear maps ] in ember/_ops/nn.py), so their gradients sum into the sources.
"""

from __future__ import annotations

import numpy as np

from ..._ops.nn import constant_pad, linmap
from ..._tensor import Tensor
from ..._tracing import traced

__all__ = ["pad"]

_MODES = ("constant", "reflect", "replicate", "circular")


def _sizes(shape):
    return "[" + ", ".join(map(str, shape)) + "]"


def pad_table(size, lo, hi, mode):
    j = np.arange(-lo, size + hi)
    if mode == "reflect":
        j = np.abs(j)
        j = np.where(j >= size, 2 * (size - 1) - j, j)
    elif mode == "replicate":
        j = np.clip(j, 0, size - 1)
    else:
        j = np.mod(j, size)
    return j[:, None]


@traced("nn.functional.pad")
def pad(input, pad, mode="constant", value=None):
    """Pads a tensor: ``pad`` lists (left, right) sizes from the last dim backwards."""
    if not isinstance(input, Tensor):
        raise TypeError(f"pad(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")  # fmt: skip
    pad = [int(p) for p in pad]
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(
            f"Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {input.ndim}"
        )
    if mode not in _MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    k = len(pad) // 2
    pairs = [(pad[2 * i], pad[2 * i + 1]) for i in range(k)][::-1]  # leading dim first
    if mode == "constant":
        for (lo, hi), n in zip(pairs, input.shape[input.ndim - k :]):
            if n + lo + hi < 0:
                raise RuntimeError(
                    f"The input size {n}, plus negative padding {lo} and {hi} resulted in a "
                    f"negative output size, which is invalid. Check dimension "
                    f"{input.ndim - k} of your input."
                )
        return constant_pad(input, pairs, 0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if not (k + 1 <= input.ndim <= k + 2) or k > 3:
        raise NotImplementedError(
            "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now"
        )
    x = input
    for i, (lo, hi) in enumerate(pairs):
        d = input.ndim - k + i
        n = input.shape[d]
        if mode == "reflect" and (lo >= n or hi >= n):
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({lo}, {hi}) at dimension {d} of input "
                f"{_sizes(input.shape)}"
            )
        if mode == "circular" and (lo > n or hi > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == "replicate" and n == 0:
            raise RuntimeError(
                f"padding size should be less than the corresponding input "
                f"dimension, but got: padding ({lo}, {hi}) at dimension {d}"
            )
        x = linmap(x, d, pad_table(n, lo, hi, mode))
    return x
