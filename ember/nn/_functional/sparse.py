"""nn.functional: embedding, embedding_bag and one_hot."""

from __future__ import annotations

import numpy as np

from ... import _dtype as D
from ..._autograd.grad_mode import no_grad
from ..._creation import tensor
from ..._ops.nn import embedding as _embedding_op
from ..._tensor import Tensor
from ..._tracing import traced

__all__ = ["embedding", "embedding_bag", "one_hot"]


def _check_indices(input):
    if not isinstance(input, Tensor):
        raise TypeError(f"embedding(): argument 'indices' (position 2) must be Tensor, not "
                        f"{type(input).__name__}")  # fmt: skip
    if input.dtype not in (D.int64, D.int32):
        word = (
            input.dtype.name.capitalize().replace("Float32", "Float").replace("Float64", "Double")
        )
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got torch.{word}Tensor instead (while checking arguments "
            "for embedding)"
        )


def _padding_idx(padding_idx, weight):
    if padding_idx is None:
        return None
    if padding_idx > 0:
        if padding_idx >= weight.shape[0]:
            raise AssertionError("Padding_idx must be within num_embeddings")
    elif padding_idx < 0:
        if padding_idx < -weight.shape[0]:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx = weight.shape[0] + padding_idx
    return padding_idx


def _renorm(weight, input, max_norm, norm_type):
    with no_grad():
        rows = np.unique(input.detach()._data)
        w = weight.detach()._data
        norms = np.linalg.norm(w[rows].astype(np.float64), ord=norm_type, axis=1)
        big = norms > max_norm
        scale = max_norm / (norms[big] + 1e-7)
        w[rows[big]] = (w[rows[big]] * scale[:, None]).astype(w.dtype)
        weight._vc[0] += 1


@traced("nn.functional.embedding")
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):  # fmt: skip
    """Looks up rows of ``weight`` at the indices in ``input``."""
    _check_indices(input)
    if sparse:
        raise NotImplementedError("embedding(sparse=True): sparse gradients are not supported")
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    padding_idx = _padding_idx(padding_idx, weight)
    data = input.detach()._data
    if data.size and (data.min() < 0 or data.max() >= weight.shape[0]):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm(weight, input, max_norm, norm_type)
    idx = input if input.dtype is D.int64 else input.long()
    return _embedding_op(weight, idx, padding_idx, scale_grad_by_freq)


def _bags(input, offsets, include_last_offset):
    """(flat indices, bag id per index, number of bags)."""
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences. However, found offsets "
                             f"of type {type(offsets)}")  # fmt: skip
        b, n = input.shape
        return input.reshape(-1), np.repeat(np.arange(b), n), b
    if input.ndim != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.ndim}")  # fmt: skip
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if offsets.ndim != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    off = offsets.detach()._data.astype(np.int64)
    m = input.shape[0]
    if include_last_offset:
        off = off[:-1]
    nb = len(off)
    bag = np.searchsorted(off, np.arange(m), side="right") - 1
    return input, bag, nb


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False,
                  padding_idx=None):  # fmt: skip
    """Computes sums, means or maxes of bags of embeddings, without the intermediate."""
    _check_indices(input)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only "
            f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
            "GitHub."
        )
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    idx, bag, nb = _bags(input, offsets, include_last_offset)
    padding_idx = _padding_idx(padding_idx, weight)
    if max_norm is not None:
        _renorm(weight, idx, max_norm, norm_type)
    rows = embedding(idx, weight, scale_grad_by_freq=scale_grad_by_freq)  # (M, D)
    flat = idx.detach()._data
    keep = np.ones(flat.shape, dtype=bool) if padding_idx is None else flat != padding_idx
    m = flat.shape[0]
    if mode == "max":
        counts = np.bincount(bag[keep], minlength=nb)
        width = max(int(counts.max()) if nb else 0, 1)
        table = np.full((nb, width), m, dtype=np.int64)  # m: an extra -inf row
        pos = np.zeros(nb, dtype=np.int64)
        for j in np.flatnonzero(keep):
            table[bag[j], pos[bag[j]]] = j
            pos[bag[j]] += 1
        from ..._ops.nn import constant_pad

        padded = constant_pad(rows, ((0, 1), (0, 0)), float("-inf"))
        g = _embedding_op(padded, tensor(table))
        out = g.amax(1)
        empty = tensor((counts == 0)[:, None])
        return out.masked_fill(empty, 0) if counts.min(initial=1) == 0 else out
    mat = np.zeros((nb, m), dtype=weight.dtype.np if weight.dtype.category >= D.FLOAT else None)
    mat[bag[keep], np.flatnonzero(keep)] = 1
    if mode == "mean":
        cnt = mat.sum(1, keepdims=True)
        mat = mat / np.maximum(cnt, 1)
    s = tensor(mat, dtype=weight.dtype)
    if per_sample_weights is not None:
        s = s * per_sample_weights.reshape(1, -1)
    return s @ rows


def one_hot(tensor, num_classes=-1):
    """Takes LongTensor of class indices and returns a one-hot encoded tensor."""
    if tensor.dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    data = tensor.detach()._data
    if data.size and data.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if data.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(data.max()) + 1
    elif data.size and data.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = (data[..., None] == np.arange(num_classes)).astype(np.int64)
    return Tensor._make(out, D.int64, tensor.device)
