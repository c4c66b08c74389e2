"""Tensors under the standard ``pickle`` and ``copy.deepcopy``."""

from __future__ import annotations

import numpy as np

from .. import _device as _dev
from .. import _dtype as D
from .._storage import data_ptr, root_array


def _rebuild_from_array(array, dtype_name, requires_grad, device="cpu", cls=None):
    from .._tensor import Tensor

    t = Tensor._make(np.asarray(array), D._BY_NAME[dtype_name], _dev.CPU)
    if device != "cpu":
        t = t.to(device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_parameter_plain(data, requires_grad):
    from ..nn.parameter import Parameter

    return Parameter(data, requires_grad)


def reduce_tensor(t, protocol):
    if not t.is_leaf and t.requires_grad:
        raise RuntimeError(
            "Can't pickle a tensor that requires grad and is not a leaf; detach() it first"
        )
    arr = np.ascontiguousarray(t._host())
    return (_rebuild_from_array, (arr, t.dtype.name, t.requires_grad, str(t.device)))


def reduce_parameter(p, protocol):
    return (_rebuild_parameter_plain, (p.detach(), p.requires_grad))


def deepcopy_tensor(t, memo):
    from .._tensor import Tensor

    if id(t) in memo:
        return memo[id(t)]
    if not t.is_leaf:
        raise RuntimeError(
            "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
            "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
            "because of a torch.nn.utils.weight_norm usage, see "
            "https://github.com/pytorch/pytorch/pull/103001"
        )
    arr = t._data
    root = root_array(arr)
    key = ("ember-storage", id(root))
    new_root = memo.get(key)
    if new_root is None:
        new_root = root.copy()
        memo[key] = new_root
        memo.setdefault("_keep", []).append(root)  # id() stays valid while memo lives
    if arr.size and isinstance(arr, np.ndarray):
        off = data_ptr(arr) - data_ptr(root)
        view = np.ndarray(arr.shape, arr.dtype, buffer=new_root, offset=off, strides=arr.strides)
    else:
        view = arr.copy()
    new = Tensor._make(view, t.dtype, t.device)
    new.__class__ = t.__class__
    new._requires_grad = t.requires_grad
    memo[id(t)] = new
    if t.grad is not None:
        import copy

        new._grad = copy.deepcopy(t.grad, memo)
    if t.__dict__:
        import copy

        new.__dict__.update(copy.deepcopy(t.__dict__, memo))
    return new
