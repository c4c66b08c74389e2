"""Optimizers of ``torch.optim`` that ember does not implement yet.

They keep PyTorch's constructor signatures so programs fail with a clear message
at construction rather than an AttributeError on import.
"""

from __future__ import annotations

from .optimizer import Optimizer

__all__ = ["Adafactor", "Muon"]


class Adafactor(Optimizer):
    """Adafactor (factored second moments). Not implemented in ember yet."""

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0, *, foreach=None, maximize=False):  # fmt: skip
        raise NotImplementedError(
            "optim.Adafactor is not implemented in ember yet; Adam or AdamW are available"
        )


class Muon(Optimizer):
    """Muon (Newton-Schulz orthogonalised momentum). Not implemented in ember yet."""

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(3.4445, -4.775, 2.0315), eps=1e-7, ns_steps=5,
                 adjust_lr_fn=None):  # fmt: skip
        raise NotImplementedError(
            "optim.Muon is not implemented in ember yet; SGD with momentum or AdamW are available"
        )
