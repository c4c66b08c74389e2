"""nn modules: distances between vectors."""

from __future__ import annotations

from .. import functional as F
from .module import Module

__all__ = ["PairwiseDistance", "CosineSimilarity"]


class PairwiseDistance(Module):
    """The p-norm distance ``||x1 - x2 + eps||_p`` along the last dimension.

    Args:
        p (float): the norm degree. Default: 2.
        eps (float): added to the difference to avoid division by zero. Default: 1e-6.
        keepdim (bool): keep the reduced dimension. Default: False.
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    """Cosine similarity of ``x1`` and ``x2`` along ``dim``.

    Args:
        dim (int): the dimension to reduce. Default: 1.
        eps (float): the smallest norm divided by. Default: 1e-8.
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)
