"""AveragedModel and update_bn (imported lazily by swa_utils, since they need ember.nn)."""

from __future__ import annotations

import itertools
from copy import deepcopy

from .. import _creation
from .._autograd.grad_mode import no_grad
from .._dtype import int64
from ..nn.modules.module import Module
from .swa_utils import get_swa_avg_fn

__all__ = ["AveragedModel", "update_bn"]


class AveragedModel(Module):
    """A copy of ``model`` whose parameters hold a running average (SWA or EMA).

    Args:
        model (Module): the model to average.
        device (device, optional): where to keep the averaged copy.
        avg_fn (callable, optional): ``avg_fn(averaged, current, num_averaged) -> Tensor``.
        multi_avg_fn (callable, optional): in-place version over lists of tensors.
        use_buffers (bool): average buffers too (default: False, buffers are copied).
    """

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", _creation.tensor(0, dtype=int64, device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def update_parameters(self, model) -> None:
        """Fold ``model``'s current parameters into the average."""
        if self.use_buffers:
            self_params = itertools.chain(self.module.parameters(), self.module.buffers())
            model_params = itertools.chain(model.parameters(), model.buffers())
        else:
            self_params, model_params = self.parameters(), model.parameters()
        mine, theirs = [], []
        first = self.n_averaged.item() == 0
        with no_grad():
            for p_avg, p_model in zip(self_params, model_params):
                p_model_ = p_model.detach().to(p_avg.device)
                mine.append(p_avg.detach())
                theirs.append(p_model_)
                if first:
                    p_avg.detach().copy_(p_model_)
            if not first:
                n = self.n_averaged.item()
                if self.multi_avg_fn is not None:
                    self.multi_avg_fn(mine, theirs, self.n_averaged)
                else:
                    avg_fn = self.avg_fn or get_swa_avg_fn()
                    for p_avg, p_model in zip(mine, theirs):
                        p_avg.copy_(avg_fn(p_avg, p_model, self.n_averaged if self.avg_fn else n))
            if not self.use_buffers:
                for b_swa, b_model in zip(self.module.buffers(), model.buffers()):
                    b_swa.detach().copy_(b_model.detach().to(b_swa.device))
            self.n_averaged.add_(1)


def update_bn(loader, model, device=None) -> None:
    """Recompute BatchNorm running statistics with one pass over ``loader``."""
    momenta = {}
    for module in model.modules():
        if _is_batchnorm(module):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for input in loader:
            if isinstance(input, (list, tuple)):
                input = input[0]
            if device is not None:
                input = input.to(device)
            model(input)
    for bn_module in momenta:
        bn_module.momentum = momenta[bn_module]
    model.train(was_training)


def _is_batchnorm(module) -> bool:
    # BatchNorm1d/2d/3d and friends, found by class name so this needs no nn import order
    return any(c.__name__ in ("_BatchNorm", "_NormBase") for c in type(module).__mro__) and (
        hasattr(module, "reset_running_stats")
    )
