"""ASGD: averaged stochastic gradient descent."""

from __future__ import annotations

from .. import _creation
from .._tensor import Tensor
from ._common import check_lr, check_nonneg
from .optimizer import Optimizer, _check_dense, _check_real, _scalar, _to_scalar

__all__ = ["ASGD"]


class ASGD(Optimizer):
    r"""Averaged stochastic gradient descent, as ``torch.optim.ASGD``.

    Args:
        params (iterable): parameters or param groups to optimize.
        lr (float, optional): learning rate (default: 1e-2).
        lambd (float, optional): decay term (default: 1e-4).
        alpha (float, optional): power for the eta update (default: 0.75).
        t0 (float, optional): point at which to start averaging (default: 1e6).
        weight_decay (float, optional): L2 penalty (default: 0).
        maximize (bool, optional): maximize the objective instead of minimizing.
    """

    def __init__(
        self,
        params,
        lr: float | Tensor = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_lr(lr)
        check_nonneg(weight_decay, "weight_decay value")
        defaults = {
            "lr": lr,
            "lambd": lambd,
            "alpha": alpha,
            "t0": t0,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _init_state(self, p, group, state):
        _check_real(p, "ASGD")
        state["step"] = _scalar(0.0)
        state["eta"] = _scalar(_to_scalar(group["lr"]))
        state["mu"] = _scalar(1.0)
        state["ax"] = _creation.zeros_like(p)

    def _update(self, param, grad, state, group):
        _check_dense(param, "ASGD")
        lr = _to_scalar(group["lr"])
        lambd, alpha, t0 = group["lambd"], group["alpha"], group["t0"]
        if group["maximize"]:
            grad = -grad
        mu, ax, eta = state["mu"], state["ax"], state["eta"]
        state["step"].add_(1)
        if group["weight_decay"] != 0:
            grad = grad.add(param, alpha=group["weight_decay"])
        eta_value = eta.item()
        param.mul_(1 - lambd * eta_value)
        param.add_(grad, alpha=-eta_value)
        if mu.item() != 1:
            ax.add_(param.sub(ax).mul_(mu))
        else:
            ax.copy_(param)
        step = state["step"].item()
        # the new values pass through a default-dtype tensor, as in PyTorch
        eta.copy_(_scalar(lr / ((1 + lambd * lr * step) ** alpha)))
        mu.copy_(_scalar(1 / max(1, step - t0)))

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the loss."""
        return self._default_step(closure)
