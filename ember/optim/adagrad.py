"""Adagrad."""

from __future__ import annotations

from .. import _creation
from .._tensor import Tensor
from ._common import check_lr, check_nonneg
from .optimizer import Optimizer, _addcdiv_, _addcmul_, _check_real, _scalar, _to_scalar

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad, as ``torch.optim.Adagrad``.

    Args:
        params (iterable): parameters or param groups to optimize.
        lr (float, optional): learning rate (default: 1e-2).
        lr_decay (float, optional): learning rate decay (default: 0).
        weight_decay (float, optional): L2 penalty (default: 0).
        initial_accumulator_value (float, optional): initial value of the sum of squares.
        eps (float, optional): term added to the denominator (default: 1e-10).
        maximize (bool, optional): maximize the objective instead of minimizing.
    """

    def __init__(
        self,
        params,
        lr: float | Tensor = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        check_lr(lr)
        check_nonneg(lr_decay, "lr_decay value")
        check_nonneg(weight_decay, "weight_decay value")
        check_nonneg(initial_accumulator_value, "initial_accumulator_value value")
        check_nonneg(eps, "epsilon value")
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        # PyTorch creates the state eagerly, so a fresh Adagrad has state for every param.
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                self._init_state(p, group, state)

    def share_memory(self) -> None:
        """Move the ``sum`` state to shared memory (for Hogwild training)."""
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["sum"].share_memory_()

    def _init_state(self, p, group, state):
        _check_real(p, "Adagrad")
        state["step"] = _scalar(0.0)
        state["sum"] = _creation.full_like(p, self.defaults["initial_accumulator_value"])

    def _update(self, param, grad, state, group):
        if grad.is_sparse:
            raise NotImplementedError("Adagrad: sparse gradients are not supported yet")
        lr = _to_scalar(group["lr"])
        state["step"].add_(1)
        step = state["step"].item()
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad.add(param, alpha=group["weight_decay"])
        clr = lr / (1 + (step - 1) * group["lr_decay"])
        state_sum = state["sum"]
        _addcmul_(state_sum, grad, grad, value=1)
        std = state_sum.sqrt().add_(group["eps"])
        _addcdiv_(param, grad, std, value=-clr)

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the loss."""
        return self._default_step(closure)
