"""Rprop: resilient backpropagation."""

from __future__ import annotations

from .. import _creation
from .._ops import FUNCTIONS as _F
from .._tensor import Tensor
from ._common import check_lr
from .optimizer import Optimizer, _addcmul_, _check_dense, _check_real, _scalar, _to_scalar

__all__ = ["Rprop"]


class Rprop(Optimizer):
    r"""The resilient backpropagation algorithm, as ``torch.optim.Rprop``.

    Args:
        params (iterable): parameters or param groups to optimize.
        lr (float, optional): initial step size (default: 1e-2).
        etas (Tuple[float, float], optional): multiplicative decrease and increase factors
            (default: (0.5, 1.2)).
        step_sizes (Tuple[float, float], optional): minimal and maximal step sizes
            (default: (1e-6, 50)).
        maximize (bool, optional): maximize the objective instead of minimizing.
    """

    def __init__(
        self,
        params,
        lr: float | Tensor = 1e-2,
        etas=(0.5, 1.2),
        step_sizes=(1e-6, 50),
        *,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {
            "lr": lr,
            "etas": etas,
            "step_sizes": step_sizes,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _init_state(self, p, group, state):
        _check_real(p, "Rprop")
        state["step"] = _scalar(0.0)
        state["prev"] = _creation.zeros_like(p)
        state["step_size"] = _creation.full_like(p.grad, _to_scalar(group["lr"]))

    def _update(self, param, grad, state, group):
        _check_dense(param, "Rprop")
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        if group["maximize"]:
            grad = -grad
        prev, step_size = state["prev"], state["step_size"]
        state["step"].add_(1)
        where = _F["where"]
        sign = grad.mul(prev).sign()
        # the same sequence of replacements as PyTorch's masked assignments
        sign = where(sign.gt(0), etaplus, sign)
        sign = where(sign.lt(0), etaminus, sign)
        sign = where(sign.eq(0), 1.0, sign)
        step_size.mul_(sign).clamp_(step_size_min, step_size_max)
        grad = where(sign.eq(etaminus), 0.0, grad)
        _addcmul_(param, grad.sign(), step_size, value=-1)
        prev.copy_(grad)

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the loss."""
        return self._default_step(closure)
