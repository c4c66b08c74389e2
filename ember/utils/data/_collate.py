"""``default_collate`` and ``default_convert``: samples to batches, with PyTorch's rules.

In a DataLoader worker, tensors are stacked straight into a shared-memory block,
so the batch crosses to the main process without another copy.
"""

from __future__ import annotations

import collections.abc
import copy
import re

import numpy as np

from ..._tensor import Tensor
from ._worker import get_worker_info

__all__ = ["collate", "default_collate", "default_collate_fn_map", "default_convert"]

np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def default_convert(data):
    """Convert NumPy arrays and scalars inside ``data`` (recursively) to tensors."""
    import ember

    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_"):
        if elem_type.__name__ == "ndarray" and np_str_obj_array_pattern.search(data.dtype.str):
            return data
        return ember.as_tensor(np.asarray(data))  # a NumPy scalar keeps its dtype
    if isinstance(data, collections.abc.Mapping):
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update({key: default_convert(data[key]) for key in data})
                return clone
            return elem_type({key: default_convert(data[key]) for key in data})
        except TypeError:
            return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                for i, d in enumerate(data):
                    clone[i] = default_convert(d)
                return clone
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


def collate(batch, *, collate_fn_map=None):
    """Collate ``batch`` (a list of samples), with per-type functions from ``collate_fn_map``."""
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)

    def rec(samples):
        return collate(samples, collate_fn_map=collate_fn_map)

    if isinstance(elem, collections.abc.Mapping):
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update({key: rec([d[key] for d in batch]) for key in elem})
                return clone
            return elem_type({key: rec([d[key] for d in batch]) for key in elem})
        except TypeError:
            return {key: rec([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(rec(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [rec(samples) for samples in transposed]
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, samples in enumerate(transposed):
                    clone[i] = rec(samples)
                return clone
            return elem_type([rec(samples) for samples in transposed])
        except TypeError:
            return [rec(samples) for samples in transposed]
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def _stackable(batch):
    e = batch[0]
    shape, dtype = e._data.shape, e._dtype
    for t in batch:
        if (
            type(t._data) is not np.ndarray
            or t._data.shape != shape
            or t._dtype is not dtype
            or t._requires_grad
        ):
            return False
    return True


def collate_tensor_fn(batch, *, collate_fn_map=None):
    import ember

    batch = list(batch)
    if not _stackable(batch):
        return ember.stack(batch, 0)  # autograd, devices, and stack's errors for ragged input
    e = batch[0]
    shape = (len(batch),) + e._data.shape
    if get_worker_info() is None:
        out = np.empty(shape, e._data.dtype)
    else:
        # In a worker: stack straight into shared memory (the batch then travels as a handle).
        from ...multiprocessing import _shared

        nbytes = int(np.prod(shape, dtype=np.int64)) * e._data.dtype.itemsize
        flat = _shared.root_of(_shared.new_block(nbytes))
        out = np.ndarray(shape, e._data.dtype, buffer=flat)
    np.stack([t._data for t in batch], 0, out=out)
    return Tensor._make(out, e._dtype)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    import ember

    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([ember.as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    import ember

    if all(type(b) is type(batch[0]) for b in batch):
        return ember.as_tensor(np.asarray(batch))  # keeps the scalars' dtype
    return ember.as_tensor(batch)


def collate_float_fn(batch, *, collate_fn_map=None):
    import ember

    return ember.tensor(batch, dtype=ember.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    import ember

    return ember.tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch):
    """Stack a list of samples into a batch, recursing into containers.

    Tensors are stacked on a new first dimension; NumPy arrays and scalars,
    floats (``float64``) and ints (``int64``) become tensors; strings and bytes
    stay lists; mappings, namedtuples and sequences are collated field by field
    (a tuple gives a list). Samples of unequal length raise ``RuntimeError``.

    Example:
        >>> default_collate([(0, 1), (2, 3)])
        [tensor([0, 2]), tensor([1, 3])]
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)
