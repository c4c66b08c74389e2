"""SparseAdam: not available yet (ember has no sparse tensors)."""

from __future__ import annotations

from .optimizer import Optimizer

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    """``torch.optim.SparseAdam``. Raises NotImplementedError: ember has no sparse gradients."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        raise NotImplementedError(
            "SparseAdam is not implemented in ember: it needs sparse gradients, which ember "
            "does not have yet; use Adam with dense gradients"
        )

    def step(self, closure=None):
        raise NotImplementedError("SparseAdam is not implemented in ember")
