"""``ember.autograd``: reverse-mode automatic differentiation, as ``torch.autograd``."""

from .._autograd.anomaly_mode import detect_anomaly, set_detect_anomaly
from .._autograd.engine import backward, grad
from .._autograd.function import Function, FunctionCtx, InplaceFunction, once_differentiable
from .._autograd.grad_mode import (
    enable_grad,
    inference_mode,
    no_grad,
    set_grad_enabled,
)
from .._autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck
from .._tensor import Tensor as Variable  # old tutorial code still says Variable
from . import functional, graph

__all__ = [
    "Function", "FunctionCtx", "InplaceFunction", "Variable", "backward", "detect_anomaly",
    "enable_grad", "functional", "grad", "gradcheck", "gradgradcheck", "GradcheckError",
    "graph", "inference_mode", "no_grad", "once_differentiable", "set_detect_anomaly",
    "set_grad_enabled",
]  # fmt: skip
