"""Adamax: Adam with the infinity norm."""

from __future__ import annotations

from .. import _creation
from .._ops import FUNCTIONS as _F
from .._tensor import Tensor
from ._common import check_betas, check_lr, check_nonneg
from .optimizer import Optimizer, _addcdiv_, _check_dense, _check_real, _lerp_, _scalar, _to_scalar

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Adamax (Adam based on the infinity norm), as ``torch.optim.Adamax``.

    Args:
        params (iterable): parameters or param groups to optimize.
        lr (float, optional): learning rate (default: 2e-3).
        betas (Tuple[float, float], optional): running-average coefficients (default: (0.9, 0.999)).
        eps (float, optional): term added to the denominator (default: 1e-8).
        weight_decay (float, optional): L2 penalty (default: 0).
        maximize (bool, optional): maximize the objective instead of minimizing.
    """

    def __init__(
        self,
        params,
        lr: float | Tensor = 2e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_lr(lr)
        check_nonneg(eps, "epsilon value")
        check_betas(betas)
        check_nonneg(weight_decay, "weight_decay value")
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _init_state(self, p, group, state):
        _check_real(p, "Adamax")
        state["step"] = _scalar(0.0)
        state["exp_avg"] = _creation.zeros_like(p)
        state["exp_inf"] = _creation.zeros_like(p)

    def _update(self, param, grad, state, group):
        _check_dense(param, "Adamax")
        lr = _to_scalar(group["lr"])
        beta1, beta2 = group["betas"]
        if group["maximize"]:
            grad = -grad
        state["step"].add_(1)
        if group["weight_decay"] != 0:
            grad = grad.add(param, alpha=group["weight_decay"])
        exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
        _lerp_(exp_avg, grad, 1 - beta1)
        exp_inf.copy_(_F["maximum"](exp_inf.mul_(beta2), grad.abs().add_(group["eps"])))
        clr = lr / (1 - beta1 ** state["step"].item())
        _addcdiv_(param, exp_avg, exp_inf, value=-clr)

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the loss."""
        return self._default_step(closure)
