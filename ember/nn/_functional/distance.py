"""nn.functional: distances and similarities between vectors."""

from __future__ import annotations

import numpy as np

from ..._tensor import Tensor

__all__ = ["pairwise_distance", "cosine_similarity", "pdist"]


def _pnorm(x, p, dim, keepdim=False):
    """The p-norm of ``x`` along ``dim`` (with PyTorch's subgradient 0 at 0)."""
    from ..._ops.linalg_norms import vector_norm

    return vector_norm(x, p, dim, keepdim)


def _check(name, **tensors):
    for i, (arg, t) in enumerate(tensors.items()):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"{name}(): argument '{arg}' (position {i + 1}) must be Tensor, not "
                f"{type(t).__name__}"
            )


def _broadcast_shape(a, b):
    sa, sb = tuple(a.shape), tuple(b.shape)
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    for i, (x, y) in enumerate(zip(sa, sb)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {i}"
            )
    return tuple(max(x, y) if min(x, y) != 0 else 0 for x, y in zip(sa, sb))


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm distance between rows of ``x1`` and ``x2``: ``||x1 - x2 + eps||_p``.

    Args:
        x1 (Tensor): (N, D) or (D,). x2 (Tensor): broadcastable with x1.
        p (float): the norm degree. eps (float): added to the difference to avoid 0.
        keepdim (bool): keep the reduced last dimension.
    """
    _check("pairwise_distance", x1=x1, x2=x2)
    ndim = max(x1.ndim, x2.ndim)
    if ndim == 0:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    _broadcast_shape(x1, x2)
    return _pnorm(x1 - x2 + eps, p, ndim - 1, keepdim)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine similarity of ``x1`` and ``x2`` along ``dim``; each norm is clamped to ``eps``."""
    _check("cosine_similarity", x1=x1, x2=x2)
    shape = _broadcast_shape(x1, x2)
    a, b = x1.expand(shape), x2.expand(shape)
    # PyTorch clamps the norms in place under no_grad: the value is clamped, the
    # gradient flows as if it were not.
    na = _pnorm(a, 2, dim, True)
    nb = _pnorm(b, 2, dim, True)
    na = na + (na.clamp(min=eps) - na).detach()
    nb = nb + (nb.clamp(min=eps) - nb).detach()
    return ((a / na) * (b / nb)).sum(dim)


def pdist(input, p=2):
    """Distances between every pair of rows of ``input`` (N, M): the upper triangle, row-major."""
    from ..._creation import tensor

    _check("pdist", input=input)
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    if i.size == 0:
        return input.sum(1)[:0]
    diff = input[tensor(i)] - input[tensor(j)]
    return _pnorm(diff, p, 1)
