"""Layer functions that PyTorch also exposes at the top level (``torch.conv2d``, ...).

Most are the ``nn.functional`` function itself. A few top-level spellings are
ATen's, with their own argument order (``torch.embedding(weight, input)``,
``torch.batch_norm(input, weight, bias, running_mean, ...)``); those get
wrappers here so that code written against ``torch.X`` gets torch's meaning.
"""

from __future__ import annotations

from ._tensor import Tensor
from .nn import functional as F

_SAME = (
    "adaptive_avg_pool1d", "avg_pool1d", "bilinear", "celu", "celu_", "channel_shuffle",
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "cosine_similarity", "hardshrink", "max_pool1d", "max_pool2d", "max_pool3d",
    "max_pool1d_with_indices", "native_channel_shuffle", "pairwise_distance", "pdist",
    "pixel_shuffle", "pixel_unshuffle", "prelu", "rrelu", "rrelu_", "selu", "selu_",
    "threshold", "threshold_",
)  # fmt: skip

__all__ = list(_SAME) + [
    "alpha_dropout", "batch_norm", "dropout", "embedding", "feature_alpha_dropout",
    "group_norm", "instance_norm", "layer_norm",
]  # fmt: skip

globals().update({name: getattr(F, name) for name in _SAME})


def dropout(input, p, train):
    return F.dropout(input, p, train)


def alpha_dropout(input, p, train):
    return F.alpha_dropout(input, p, train)


def feature_alpha_dropout(input, p, train):
    return F.feature_alpha_dropout(input, p, train)


def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    return F.embedding(
        indices, weight, None if padding_idx == -1 else padding_idx,
        scale_grad_by_freq=scale_grad_by_freq, sparse=sparse,
    )  # fmt: skip


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
               cudnn_enabled=True):  # fmt: skip
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps,
                  cudnn_enabled=True):  # fmt: skip
    return F.instance_norm(
        input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps
    )


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    return F.group_norm(input, num_groups, weight, bias, eps)


# Tensor methods torch has for these layer functions.
Tensor.prelu = lambda self, weight: F.prelu(self, weight)
Tensor.hardshrink = lambda self, lambd=0.5: F.hardshrink(self, lambd)
