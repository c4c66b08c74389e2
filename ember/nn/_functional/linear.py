"""nn.functional: linear and bilinear maps."""

from __future__ import annotations

from ..._autograd.node import show_grad_fn_as
from ..._ops._helpers import check_tensor
from ..._tracing import traced

__all__ = ["linear", "bilinear"]


@traced("nn.functional.linear")
def linear(input, weight, bias=None):
    """``input @ weight.T + bias``.

    Shape:
        input ``(*, in_features)``, weight ``(out_features, in_features)`` or
        ``(in_features,)``, bias ``(out_features)`` or ``()``; output ``(*, out_features)``.
    """
    check_tensor("linear", input)
    check_tensor("linear", weight, "weight", 2)
    out = input.matmul(weight.t()) if weight.ndim == 2 else input.matmul(weight)
    if bias is not None:
        out = out + bias
    if out.grad_fn is not None and weight.ndim == 2:
        show_grad_fn_as(out, _linear_grad_name(input.ndim, bias is not None))
    return out


def _linear_grad_name(ndim: int, bias: bool) -> str:
    """The node torch's linear ends with: addmm, or a view of the folded batch."""
    if ndim == 2:
        return "AddmmBackward0" if bias else "MmBackward0"
    if bias:
        return "ViewBackward0"
    return "SqueezeBackward4" if ndim == 1 else "UnsafeViewBackward0"


def bilinear(input1, input2, weight, bias=None):
    """``y_k = x1^T A_k x2 + b_k`` for each output feature k.

    Shape:
        input1 ``(*, in1)``, input2 ``(*, in2)``, weight ``(out, in1, in2)``,
        bias ``(out)``; output ``(*, out)``.
    """
    check_tensor("bilinear", input1)
    check_tensor("bilinear", input2, "input2", 2)
    if input1.ndim != input2.ndim:
        raise RuntimeError(
            f"bilinear(): input dimensions do not match: got {input1.ndim} and {input2.ndim}"
        )
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-dimensional, got {weight.ndim}")
    out_f, in1, in2 = weight.shape
    if input1.shape[-1] != in1:
        raise RuntimeError(
            f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
            f"expected {in1}"
        )
    if input2.shape[-1] != in2:
        raise RuntimeError(
            f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
            f"expected {in2}"
        )
    lead = input1.shape[:-1]
    x1 = input1.reshape(-1, in1)
    x2 = input2.reshape(-1, in2)
    # (N, in1) @ (in1, out * in2) -> (N, out, in2), then contract in2 with x2
    w = weight.permute(1, 0, 2).reshape(in1, out_f * in2)
    t = x1.matmul(w).reshape(-1, out_f, in2)
    out = (t * x2.unsqueeze(1)).sum(-1)
    if bias is not None:
        out = out + bias
    return out.reshape(tuple(lead) + (out_f,))
