"""nn.functional: dropout and its feature (channel) and alpha variants.

Masks are drawn with ``bernoulli_(1 - p)`` from ember's generator on a tensor of
the input's shape (the feature variants: (N, C, 1, ...)), as PyTorch's CPU
kernel does, so for the same seed the masks equal PyTorch's.
"""

from __future__ import annotations

import math

from ..._creation import empty, zeros
from ..._ops.random import in_layout_of
from ..._tensor import Tensor
from ..._tracing import traced

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
           "feature_alpha_dropout"]  # fmt: skip

_ALPHA = 1.7580993408473766


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout_impl(input, p, train, inplace, feature=False, alpha=False):
    if not isinstance(input, Tensor):
        raise TypeError(f"dropout(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")  # fmt: skip
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:
        z = zeros((), dtype=input.dtype, device=input.device)
        return input.mul_(z) if inplace else input * z

    def draw(shape):
        return empty(shape, dtype=input.dtype, device=input.device).bernoulli_(1 - p)

    if feature:
        noise = draw(tuple(input.shape[:2]) + (1,) * (input.ndim - 2))
    else:
        noise = in_layout_of(input, draw)  # drawn in the input's memory order, as torch does
    if alpha:
        a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
        b = (noise - 1) * (_ALPHA * a) + _ALPHA * a * p
        noise = noise * a
        if inplace:
            return input.mul_(noise).add_(b)
        return input * noise + b
    noise = noise / (1 - p)
    return input.mul_(noise) if inplace else input * noise


@traced("nn.functional.dropout")
def dropout(input, p=0.5, training=True, inplace=False):
    """Randomly zeroes elements of the input with probability ``p`` (Bernoulli samples)."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace)


def _feature(name, input, p, training, inplace, nd):
    _check_p(p)
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"{name}: Expected {nd + 1}D or {nd + 2}D input, but received a {input.ndim}D input. "
            f"Note that {name} exists to provide channel-wise dropout on inputs with {nd} "
            f"spatial dimension{'s' if nd > 1 else ''}, a channel dimension, and an optional "
            "batch dimension (i.e. "
            f"{nd + 1}D or {nd + 2}D inputs)."
        )
    unbatched = input.ndim == nd + 1
    x = input.unsqueeze(0) if unbatched else input
    res = _dropout_impl(x, p, training, inplace, feature=True)
    return res.squeeze(0) if unbatched else res


@traced("nn.functional.dropout1d")
def dropout1d(input, p=0.5, training=True, inplace=False):
    """Randomly zeroes whole channels of a (N, C, L) or (C, L) input."""
    return _feature("dropout1d", input, p, training, inplace, 1)


@traced("nn.functional.dropout2d")
def dropout2d(input, p=0.5, training=True, inplace=False):
    """Randomly zeroes whole channels of a (N, C, H, W) input."""
    _check_p(p)
    if input.ndim not in (3, 4):
        import warnings

        warnings.warn(
            f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and "
            "will result in an error in a future release. To retain the behavior and silence "
            "this warning, please use dropout instead. Note that dropout2d exists to provide "
            "channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, and "
            "an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=2,
        )
    if input.ndim == 3:
        import warnings

        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C "
            "is the channel dim. This behavior will change in a future release to interpret "
            "the input as one without a batch dimension, i.e. shape (C, H, W). To maintain "
            "the 1D channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2,
        )
    return _dropout_impl(input, p, training, inplace, feature=True)


@traced("nn.functional.dropout3d")
def dropout3d(input, p=0.5, training=True, inplace=False):
    """Randomly zeroes whole channels of a (N, C, D, H, W) or (C, D, H, W) input."""
    _check_p(p)
    unbatched = input.ndim == 4
    x = input.unsqueeze(0) if unbatched else input
    res = _dropout_impl(x, p, training, inplace, feature=True)
    return res.squeeze(0) if unbatched else res


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Applies alpha dropout, which keeps the self-normalizing property of SELU nets."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, alpha=True)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Randomly masks out entire channels with the alpha-dropout rule."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, feature=True, alpha=True)
