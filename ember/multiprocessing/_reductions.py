"""Pickling tensors between processes as shared-memory handles, and ``share_memory_``.

``init_reductions()`` registers ``reduce_tensor`` with ``ForkingPickler``, the
pickler that ``multiprocessing`` uses for queues, pipes and spawned processes'
arguments. A tensor sent that way is moved to shared memory first (as PyTorch
does), then travels as (block handle, dtype, shape, strides, offset); the
receiver maps the same block, so writes on either side are seen by both.
"""

from __future__ import annotations

from multiprocessing import reduction

import numpy as np

from .._dtype import _dtype_by_name
from .._storage import data_ptr, root_array
from .._tensor import Tensor
from . import _shared


def _rebase(arr, old_root, new_root):
    """``arr`` (a view into ``old_root``) re-made as the same view into ``new_root``."""
    if arr.size == 0:
        return np.ndarray(arr.shape, arr.dtype, buffer=new_root, offset=0, strides=arr.strides)
    off = data_ptr(arr) - data_ptr(old_root)
    return np.ndarray(arr.shape, arr.dtype, buffer=new_root, offset=off, strides=arr.strides)


def share_memory_(self):
    """Moves the underlying storage to shared memory (a no-op if it is already there).

    Tensors in shared memory cannot be resized. Views made from this tensor
    *before* the call keep the old (private) memory; make views afterwards.
    Returns ``self``.
    """
    if self._device.type != "cpu":
        return self  # CUDA memory is shared through IPC handles, not moved
    owner = self._base if self._base is not None else self
    if _shared.block_of(owner._data) is not None:
        if self is not owner and _shared.block_of(self._data) is None:
            self._data = _rebase(self._data, root_array(self._data), root_array(owner._data))
        return self
    root = root_array(owner._data)
    mapping = _shared.new_block(root.nbytes)
    flat = _shared.root_of(mapping)
    if root.nbytes:
        src = np.ndarray((root.nbytes,), np.uint8, buffer=_raw(root))
        flat[:] = src
    for t in {id(owner): owner, id(self): self}.values():
        t._data = _rebase(t._data, root, flat)
    owner._storage = None
    self._storage = None
    return self


def _raw(root):
    """A bytes-like view of the whole of ``root`` (contiguous by construction of a root)."""
    if root.flags.c_contiguous or root.flags.f_contiguous:
        return root.reshape(-1, order="A").view(np.uint8)
    return np.ascontiguousarray(root).view(np.uint8)


def is_shared(self) -> bool:
    """Whether this tensor's storage is in shared memory."""
    if self._device.type != "cpu":
        return False
    return _shared.block_of(self._data) is not None


# --- pickling ------------------------------------------------------------------------------
def _reduce_block(m):
    if m.kind == "file_descriptor":
        return (_rebuild_fd_block, (reduction.DupFd(m.fd), m.size))
    _shared.sent(m)
    return (_shared.open_named_block, (m.name, m.size))


def _rebuild_fd_block(dupfd, size):
    return _shared.open_fd_block(dupfd.detach(), size)


def reduce_tensor(t):
    if t.requires_grad and not t.is_leaf:
        raise RuntimeError(
            "Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd "
            "does not support crossing process boundaries.  If you just want to transfer the "
            "data, call detach() on the tensor before serializing (e.g., putting it on the queue)."
        )
    if t._device.type != "cpu":
        from ..serialization import _reduce_tensor

        return _reduce_tensor(t, 2)  # a copy: CUDA IPC handles are not implemented
    share_memory_(t)
    arr = t._data
    m = _shared.block_of(arr)
    off = data_ptr(arr) - data_ptr(_shared.root_of(m)) if arr.size else 0
    block = _reduce_block(m)
    param = bool(getattr(type(t), "_is_param", False))
    return (
        _rebuild_tensor,
        (type(t), block, arr.dtype, t._dtype.name, arr.shape, arr.strides, off,
         t.requires_grad, param),
    )  # fmt: skip


def _rebuild_tensor(cls, block, np_dtype, dtype_name, shape, strides, offset, requires_grad,
                    param):  # fmt: skip
    rebuild, args = block
    m = rebuild(*args)
    flat = _shared.root_of(m)
    arr = np.ndarray(shape, np_dtype, buffer=flat, offset=offset, strides=strides)
    t = Tensor._make(arr, _dtype_by_name(dtype_name))
    if param:
        return cls(t, requires_grad)
    if cls is not Tensor:
        t.__class__ = cls
    t._requires_grad = requires_grad
    return t


_registered = set()


def init_reductions() -> None:
    """Register the tensor reducer for ``Tensor`` and the tensor classes ember defines."""
    from ..nn.parameter import Parameter

    for cls in (Tensor, Parameter):
        if cls not in _registered:
            reduction.ForkingPickler.register(cls, reduce_tensor)
            _registered.add(cls)
