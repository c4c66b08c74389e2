"""nn.functional: losses.

Every loss takes PyTorch's ``reduction`` string (and the legacy ``size_average``
/ ``reduce`` pair, which overrides it); :func:`reduction_of` turns them into a
:class:`Reduction` once, where they enter. Losses are composites of primitives;
the class picking of NLL/cross entropy and CTC are records in ``_ops/nn_loss``.
"""

from __future__ import annotations

import enum
import math
import warnings

import numpy as np

from ..._autograd.node import show_grad_fn_as
from ..._ops import nn_loss as _P
from ..._tensor import Tensor

__all__ = [
    "l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "nll_loss", "cross_entropy",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div", "poisson_nll_loss",
    "gaussian_nll_loss", "hinge_embedding_loss", "soft_margin_loss",
    "multilabel_soft_margin_loss", "multilabel_margin_loss", "multi_margin_loss",
    "cosine_embedding_loss", "margin_ranking_loss", "triplet_margin_loss",
    "triplet_margin_with_distance_loss", "ctc_loss", "linear_cross_entropy",
]  # fmt: skip


class Reduction(enum.Enum):
    NONE = "none"
    MEAN = "mean"
    SUM = "sum"


def legacy_reduction(size_average, reduce) -> str:
    """The reduction string that the deprecated ``size_average``/``reduce`` pair stands for."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        ret = "mean"
    elif reduce:
        ret = "sum"
    else:
        ret = "none"
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
        stacklevel=3,
    )
    return ret


def reduction_of(reduction, size_average=None, reduce=None) -> Reduction:
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    try:
        return Reduction(reduction)
    except ValueError:
        raise ValueError(f"{reduction} is not a valid value for reduction") from None


def _reduce(loss, red: Reduction):
    if red is Reduction.MEAN:
        return loss.mean()
    if red is Reduction.SUM:
        return loss.sum()
    return loss


def _where(cond, a, b):
    from ..._ops.elementwise import where

    return where(cond, a, b)


def _size(t) -> str:
    return f"torch.Size([{', '.join(map(str, t.shape))}])"


def _warn_size(input, target):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(
            f"Using a target size ({_size(target)}) that is different to the input size "
            f"({_size(input)}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            stacklevel=3,
        )


def _broadcast(a, b):
    shape = np.broadcast_shapes(tuple(a.shape), tuple(b.shape))
    return a.expand(shape), b.expand(shape)


def _check_tensors(name, **tensors):
    for i, (arg, t) in enumerate(tensors.items()):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"{name}(): argument '{arg}' (position {i + 1}) must be Tensor, not "
                f"{type(t).__name__}"
            )


def _weighted(loss, input, weight, red, mean_by_weight):
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if red is Reduction.MEAN and mean_by_weight:
        return loss.sum() / weight.sum()
    return _reduce(loss, red)


# --- regression ---------------------------------------------------------------------------


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error. See :class:`~ember.nn.L1Loss`."""
    _check_tensors("l1_loss", input=input, target=target)
    _warn_size(input, target)
    red = reduction_of(reduction, size_average, reduce)
    x, y = _broadcast(input, target)
    loss = (x - y).abs()
    if weight is not None:
        return _weighted(loss, input, weight, red, True)
    return _reduce(loss, red)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error. See :class:`~ember.nn.MSELoss`."""
    _check_tensors("mse_loss", input=input, target=target)
    _warn_size(input, target)
    red = reduction_of(reduction, size_average, reduce)
    x, y = _broadcast(input, target)
    d = x - y
    loss = d * d
    if weight is not None:
        return _weighted(loss, input, weight, red, True)
    return show_grad_fn_as(_reduce(loss, red), "MseLossBackward0")


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Smooth L1 loss: quadratic below ``beta``, linear above."""
    _check_tensors("smooth_l1_loss", input=input, target=target)
    _warn_size(input, target)
    red = reduction_of(reduction, size_average, reduce)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    x, y = _broadcast(input, target)
    z = (x - y).abs()
    if beta == 0:
        return _reduce(z, red)
    loss = _where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta)
    return show_grad_fn_as(_reduce(loss, red), "SmoothL1LossBackward0")


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Huber loss: quadratic below ``delta``, linear (scaled by ``delta``) above."""
    _check_tensors("huber_loss", input=input, target=target)
    _warn_size(input, target)
    red = reduction_of(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    x, y = _broadcast(input, target)
    z = (x - y).abs()
    loss = _where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))
    if weight is not None:
        return _weighted(loss, input, weight, red, False)
    return show_grad_fn_as(_reduce(loss, red), "HuberLossBackward0")


# --- classification -----------------------------------------------------------------------


def _nll_shapes(input, target):
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim == 1:
        if target.ndim != 0:
            raise RuntimeError(
                "0D or 1D target tensor expected, multi-target not supported"
                if target.ndim > 1
                else "Expected input batch_size (1) to match target batch_size "
                f"({target.shape[0]})."
            )
        return input.unsqueeze(0), target.unsqueeze(0), True
    if target.ndim == 0 or input.shape[0] != target.shape[0]:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
            f"({target.shape[0] if target.ndim else 0})."
        )
    expect = (input.shape[0],) + tuple(input.shape[2:])
    if tuple(target.shape) != expect:
        if input.ndim == 2:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        raise RuntimeError(
            f"Expected target size [{', '.join(map(str, expect))}], got "
            f"[{', '.join(map(str, target.shape))}]"
        )
    return input, target, False


def _class_weight(weight, input):
    """``weight`` (C,) shaped to broadcast along the class dim of ``input`` (N, C, ...)."""
    c = input.shape[1]
    if weight.ndim != 1 or weight.shape[0] != c:
        raise RuntimeError(
            f"weight tensor should be defined either for all {c} classes or no classes but got "
            f"weight tensor of shape: [{', '.join(map(str, weight.shape))}]"
        )
    return weight.reshape((1, c) + (1,) * (input.ndim - 2))


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):  # fmt: skip
    """Negative log likelihood of ``target`` class indices under log-probabilities ``input``."""
    _check_tensors("nll_loss", input=input, target=target)
    red = reduction_of(reduction, size_average, reduce)
    _check_class_target(target)
    x, t, unbatched = _nll_shapes(input, target)
    loss = _nll(x, t, weight, ignore_index, red, unbatched)
    if input.ndim <= 2 or (input.ndim <= 4 and red is not Reduction.NONE):
        show_grad_fn_as(loss, "NllLossBackward0" if input.ndim <= 2 else "NllLoss2DBackward0")
    return loss


def _nll(x, t, weight, ignore_index, red, unbatched):
    picked = _P.class_pick(x, t, ignore_index)
    if weight is None:
        loss = -picked
        if red is Reduction.MEAN:
            kept = (t != ignore_index).sum().to(x.dtype)
            return loss.sum() / kept
    else:
        w = _class_weight(weight, x).expand(tuple(x.shape)).detach()
        wt = _P.class_pick(w, t, ignore_index)
        loss = -picked * wt
        if red is Reduction.MEAN:
            return loss.sum() / wt.sum()
    if red is Reduction.SUM:
        return loss.sum()
    return loss.squeeze(0) if unbatched else loss


def _check_class_target(target):
    # torch's nll_loss kernels take int64 or uint8 class indices and nothing else
    if target.dtype.name not in ("int64", "uint8"):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {_scalar_word(target.dtype)}"
        )


def _scalar_word(dt):
    from ..._dispatch import _type_word

    return _type_word(dt)


def _log_softmax(x, dim):
    from .activation import log_softmax

    return log_softmax(x, dim)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):  # fmt: skip
    """Cross entropy between ``input`` logits and class-index or class-probability ``target``."""
    _check_tensors("cross_entropy", input=input, target=target)
    red = reduction_of(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    cdim = 0 if input.ndim == 1 else 1
    lp = _log_softmax(input, cdim)
    if tuple(input.shape) == tuple(target.shape):
        return _ce_probs(lp, target, weight, red, label_smoothing, cdim)
    _check_class_target(target)
    nll = nll_loss(lp, target, weight, None, ignore_index, None, red.value)
    if label_smoothing == 0.0:
        return nll
    x, t, unbatched = _nll_shapes(lp, target)
    ncls = x.shape[1]
    ignored = t == ignore_index
    if weight is not None:
        smooth = -(x * _class_weight(weight, x)).sum(1)
    else:
        smooth = -x.sum(1)
    smooth = _where(ignored, 0.0, smooth)
    if red is Reduction.MEAN:
        if weight is not None:
            w = _class_weight(weight, x).expand(tuple(x.shape)).detach()
            denom = _P.class_pick(w, t, ignore_index).sum()
        else:
            denom = (~ignored).sum().to(x.dtype)
        ret = smooth.sum() / denom
    elif red is Reduction.SUM:
        ret = smooth.sum()
    else:
        ret = smooth.squeeze(0) if unbatched else smooth
    return (1 - label_smoothing) * nll + ret * (label_smoothing / ncls)


def _ce_probs(lp, target, weight, red, label_smoothing, cdim):
    if not target.dtype.is_floating_point:
        raise RuntimeError(
            "Expected floating point type for target with class probabilities, got "
            f"{_scalar_word(target.dtype)}"
        )
    ncls = lp.shape[cdim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / ncls
    if weight is not None:
        if weight.ndim != 1 or weight.shape[0] != ncls:
            raise RuntimeError(
                f"weight tensor should be defined either for all {ncls} classes or no classes "
                f"but got weight tensor of shape: [{', '.join(map(str, weight.shape))}]"
            )
        w = weight.reshape((ncls,) + (1,) * (lp.ndim - cdim - 1))
        loss = -(lp * target * w).sum(cdim)
    else:
        loss = -(lp * target).sum(cdim)
    if red is Reduction.MEAN:
        n = lp.numel() // ncls if ncls else 0
        return loss.sum() / n if lp.ndim > 1 else loss.sum()
    return _reduce(loss, red)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):  # fmt: skip
    """Binary cross entropy of probabilities ``input``; each log is clamped at -100."""
    _check_tensors("binary_cross_entropy", input=input, target=target)
    red = reduction_of(reduction, size_average, reduce)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({_size(target)}) that is different to the input size "
            f"({_size(input)}) is deprecated. Please ensure they have the same size."
        )
    if input.numel() and bool(((input < 0) | (input > 1)).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    log_x = input.log().clamp(min=-100)
    log_1mx = (1 - input).log().clamp(min=-100)
    loss = -(target * log_x + (1 - target) * log_1mx)
    if weight is not None:
        loss = loss * weight
    return show_grad_fn_as(_reduce(loss, red), "BinaryCrossEntropyBackward0")


def _softplus(x):
    """log(1 + exp(x)) without overflow."""
    return x.clamp(min=0) + (-x.abs()).exp().log1p()


def logsigmoid(x):
    return -_softplus(-x)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):  # fmt: skip
    """Sigmoid and binary cross entropy in one stable expression."""
    _check_tensors("binary_cross_entropy_with_logits", input=input, target=target)
    red = reduction_of(reduction, size_average, reduce)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({_size(target)}) must be the same as input size ({_size(input)})"
        )
    if pos_weight is not None:
        lw = (pos_weight - 1) * target + 1
        loss = (1 - target) * input + lw * _softplus(-input)
    else:
        loss = (1 - target) * input + _softplus(-input)
    if weight is not None:
        loss = loss * weight
    return show_grad_fn_as(_reduce(loss, red), "BinaryCrossEntropyWithLogitsBackward0")


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Kullback-Leibler divergence of ``target`` from log-probabilities ``input``."""
    _check_tensors("kl_div", input=input, target=target)
    batchmean = reduction == "batchmean" and size_average is None and reduce is None
    if batchmean:
        red = Reduction.SUM
    else:
        red = reduction_of(reduction, size_average, reduce)
        if red is Reduction.MEAN and size_average is None and reduce is None:
            warnings.warn(
                "reduction: 'mean' divides the total loss by both the batch size and the support "
                "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
                "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
                "major release.",
                stacklevel=2,
            )
    if log_target:
        loss = target.exp() * (target - input)
    else:
        pos = target > 0
        loss = target * _where(pos, target, 1.0).log() - target * input
    out = _reduce(loss, red)
    if batchmean and input.ndim != 0:
        out = out / input.shape[0]
    return out


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):  # fmt: skip
    """Negative log likelihood of ``target`` under a Poisson with rate ``input``."""
    _check_tensors("poisson_nll_loss", input=input, target=target)
    red = reduction_of(reduction, size_average, reduce)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        big = target > 1
        t = _where(big, target, 2.0)
        stirling = t * t.log() - t + 0.5 * (2 * math.pi * t).log()
        loss = loss + _where(big, stirling, 0.0)
    return _reduce(loss, red)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Negative log likelihood of ``target`` under a Gaussian N(``input``, ``var``)."""
    from ..._creation import ones_like

    if isinstance(var, (int, float)) and not isinstance(var, bool):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ones_like(input)
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif (
            input.ndim == var.ndim and sum(y for x, y in zip(input.shape, var.shape) if x != y) == 1
        ):
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    from ..._autograd.grad_mode import no_grad

    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, Reduction(reduction))


# --- margins ------------------------------------------------------------------------------


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):  # fmt: skip
    """``x`` where the target is 1, ``max(0, margin - x)`` where it is -1."""
    red = reduction_of(reduction, size_average, reduce)
    clamped = (margin - input).clamp(min=0)
    loss = _where(target != 1, clamped, 0.0) + _where(target != -1, input, 0.0)
    return _reduce(loss, red)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Two-class logistic loss ``log(1 + exp(-y x))``."""
    red = reduction_of(reduction, size_average, reduce)
    loss = (-input * target).exp().log1p()
    return _reduce(loss, red)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):  # fmt: skip
    """One-versus-all logistic loss, averaged over the classes."""
    red = reduction_of(reduction, size_average, reduce)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    cdim = input.ndim - 1
    loss = loss.sum(cdim) / input.shape[cdim]
    return _reduce(loss, red)


def _host(t):
    from ..._backend import to_device
    from ..._device import CPU

    return to_device(t.detach()._data, CPU) if isinstance(t, Tensor) else np.asarray(t)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Multi-class multi-label hinge loss; ``target`` lists class indices, ended by -1."""
    from ..._creation import tensor as _tensor

    red = reduction_of(reduction, size_average, reduce)
    if input.ndim > 2 or tuple(target.shape) != tuple(input.shape):
        raise RuntimeError(
            f"inconsistent target size: [{', '.join(map(str, target.shape))}] for input of "
            f"size: [{', '.join(map(str, input.shape))}]"
        )
    x = input.reshape(1, -1) if input.ndim < 2 else input
    tg = _host(target).reshape(x.shape).astype(np.int64)
    n, c = x.shape
    if ((tg < -1) | (tg >= c)).any():
        raise RuntimeError("argument #2 'target' is out of range")
    stop = np.cumsum(tg == -1, axis=1) > 0
    valid = ~stop  # (N, K): positions before the first -1
    is_target = np.zeros((n, c), dtype=bool)
    rows = np.nonzero(valid)
    is_target[rows[0], tg[rows]] = True
    t_e = _tensor(np.where(valid, tg, 0), device=input.device)
    xj = _P.class_pick(x.unsqueeze(2).expand(n, c, c), t_e)  # (N, K=C): x at each target
    mask = valid[:, :, None] & ~is_target[:, None, :]
    hinge = (1 - xj.unsqueeze(2) + x.unsqueeze(1)).clamp(min=0)
    mask_e = _tensor(mask, device=input.device)
    loss = _where(mask_e, hinge, 0.0).sum((1, 2)) / c
    if input.ndim < 2:
        loss = loss.reshape(()) if input.ndim == 1 else loss.reshape(())
    return _reduce(loss, red)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):  # fmt: skip
    """Multi-class hinge loss ``sum_i max(0, margin - x[y] + x[i])^p / C``."""
    from ..._creation import arange

    red = reduction_of(reduction, size_average, reduce)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    if input.ndim > 2 or input.ndim == 0 and False:
        raise RuntimeError(
            f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
            f"[{', '.join(map(str, input.shape))}]"
        )
    x = input.reshape(1, -1) if input.ndim < 2 else input
    t = target.reshape(-1)
    if t.shape[0] != x.shape[0]:
        raise RuntimeError(
            f"inconsistent target size, expected {x.shape[0]} but got "
            f"[{', '.join(map(str, target.shape))}]"
        )
    c = x.shape[1]
    xy = _P.class_pick(x, t)
    z = (margin - xy.unsqueeze(1) + x).clamp(min=0)
    if p == 2:
        z = z * z
    if weight is not None:
        wy = _P.class_pick(weight.detach().unsqueeze(0).expand(x.shape[0], c), t)
        z = z * wy.unsqueeze(1)
    not_y = arange(c, device=x.device).unsqueeze(0) != t.unsqueeze(1)
    loss = _where(not_y, z, 0.0).sum(1) / c
    if input.ndim < 2:
        loss = loss.reshape(())
    return _reduce(loss, red)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):  # fmt: skip
    """``1 - cos(x1, x2)`` for target 1, ``max(0, cos(x1, x2) - margin)`` for target -1."""
    red = reduction_of(reduction, size_average, reduce)
    if target.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target.ndim == 1 and (input1.ndim != 2 or input2.ndim != 2):
        raise RuntimeError(
            f"1D target tensor expects 2D input tensors, but found inputs with sizes "
            f"[{', '.join(map(str, input1.shape))}] and [{', '.join(map(str, input2.shape))}]."
        )
    if target.ndim == 0 and (input1.ndim != 1 or input2.ndim != 1):
        raise RuntimeError(
            f"0D target tensor expects 1D input tensors, but found inputs with sizes "
            f"[{', '.join(map(str, input1.shape))}] and [{', '.join(map(str, input2.shape))}]."
        )
    eps = 1e-12
    d = input1.ndim - 1
    prod = (input1 * input2).sum(d)
    m1 = (input1 * input1).sum(d) + eps
    m2 = (input2 * input2).sum(d) + eps
    cos = prod / (m1 * m2).sqrt()
    loss = _where(target == 1, 1 - cos, 0.0) + _where(
        target == -1, (cos - margin).clamp(min=0), 0.0
    )
    return _reduce(loss, red)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):  # fmt: skip
    """``max(0, -y (x1 - x2) + margin)``."""
    red = reduction_of(reduction, size_average, reduce)
    if not (input1.ndim == input2.ndim == target.ndim):
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {_size(input1)}, input2: {_size(input2)}, target: {_size(target)} "
        )
    loss = (-target * (input1 - input2) + margin).clamp(min=0)
    return _reduce(loss, red)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):  # fmt: skip
    """``max(0, d(a, p) - d(a, n) + margin)`` with the p-norm pairwise distance."""
    from .distance import pairwise_distance

    red = reduction_of(reduction, size_average, reduce)
    a, pos, neg = anchor.ndim, positive.ndim, negative.ndim
    if not (a == pos == neg):
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {a}D, positive {pos}D, and negative {neg}D inputs"
        )
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = d_neg.minimum(pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + d_pos - d_neg).clamp(min=0), red)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):  # fmt: skip
    """Triplet loss with a user-supplied distance (default: pairwise L2 distance)."""
    from .distance import pairwise_distance

    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a, pos, neg = anchor.ndim, positive.ndim, negative.ndim
    if not (a == pos == neg):
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {a}D, positive {pos}D, and negative {neg}D inputs"
        )
    dist = distance_function if distance_function is not None else pairwise_distance
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = d_neg.minimum(dist(positive, negative))
    return _reduce((margin + d_pos - d_neg).clamp(min=0), Reduction(reduction))


# --- sequences ----------------------------------------------------------------------------


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):  # fmt: skip
    """Connectionist Temporal Classification loss of ``log_probs`` (T, N, C) or (T, C)."""
    from ..._creation import tensor as _tensor

    red = reduction_of(reduction)
    unbatched = log_probs.ndim == 2
    if log_probs.ndim not in (2, 3):
        raise RuntimeError(f"ctc_loss(): log_probs must be 2-D or 3-D, got {log_probs.ndim}-D")
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    if unbatched and targets.ndim == 1:
        targets = targets.unsqueeze(0)
    il = (
        input_lengths
        if isinstance(input_lengths, Tensor)
        else _tensor(list(np.ravel(input_lengths)))
    )
    tl = (
        target_lengths
        if isinstance(target_lengths, Tensor)
        else _tensor(list(np.ravel(target_lengths)))
    )
    il, tl = il.reshape(-1), tl.reshape(-1)
    n = lp.shape[1]
    if il.shape[0] != n:
        raise RuntimeError(f"input_lengths must be of size batch_size ({il.shape[0]} vs {n})")
    if tl.shape[0] != n:
        raise RuntimeError(f"target_lengths must be of size batch_size ({tl.shape[0]} vs {n})")
    if not 0 <= blank < lp.shape[2]:
        raise RuntimeError("blank must be in label range")
    il_h, tl_h = _host(il), _host(tl)
    if (il_h > lp.shape[0]).any():
        bad = int(np.argmax(il_h > lp.shape[0]))
        raise RuntimeError(
            f"Expected input_lengths to have value at most {lp.shape[0]}, but got value "
            f"{int(il_h[bad])} (while checking arguments for ctc_loss_cpu)"
        )
    if targets.ndim == 2 and (tl_h > targets.shape[1]).any():
        bad = int(np.argmax(tl_h > targets.shape[1]))
        raise RuntimeError(
            f"Expected tensor to have size at least {int(tl_h[bad])} at dimension 1, but got "
            f"size {targets.shape[1]} for argument #2 'targets' (while checking arguments for "
            "ctc_loss_cpu)"
        )
    nll = _P.ctc_nll(lp, targets, il, tl, blank, zero_infinity)
    if red is Reduction.MEAN:
        return (nll / tl.clamp(min=1).to(nll.dtype)).mean()
    if red is Reduction.SUM:
        return nll.sum()
    return nll.squeeze(0) if unbatched else nll


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None,
                         reduction="mean", ignore_index=None, label_smoothing=0.0,
                         options=None):  # fmt: skip
    """Cross entropy of ``linear(input, linear_weight, linear_bias)`` against ``target``.

    ``options`` selects PyTorch's chunked evaluation, a memory optimisation; ember
    always evaluates the reference form, which gives the same values.
    """
    if linear_weight.ndim != 2:
        raise NotImplementedError(
            "linear_cross_entropy: only a 2D linear_weight (classes, in_features) is supported "
            f"in ember yet, got shape {tuple(linear_weight.shape)}"
        )
    logits = input.matmul(linear_weight.t())
    if linear_bias is not None:
        logits = logits + linear_bias
    if ignore_index is None:
        ignore_index = -100
    return cross_entropy(logits, target, weight, ignore_index=ignore_index, reduction=reduction,
                         label_smoothing=label_smoothing)  # fmt: skip
