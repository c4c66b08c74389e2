"""``ember.save``: PyTorch's zip checkpoint, written as torch 2.13 writes it.

``data.pkl`` is a protocol-2 pickle whose tensors are calls of
``torch._utils._rebuild_tensor_v2`` on persistent storage ids; each distinct
storage becomes one ``data/<n>`` member, numbered in order of first use, so a
tensor and its views come back sharing memory. Only the globals that
``torch.load(weights_only=True)`` allows are written for tensors, containers,
dtypes and devices.
"""

from __future__ import annotations

import io
import os
import pickle
import secrets
from collections import OrderedDict

import numpy as np

from .. import _dtype as D
from .._storage import data_ptr, root_array
from .._tensor import Size, Tensor
from ._formats import STORAGE_NAME
from ._zip import ArchiveWriter, archive_name_for, open_for_write


class TorchGlobal:
    """A global written by name (``GLOBAL module name``) without importing it."""

    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module = module
        self.name = name

    def __call__(self, *args):  # pickle only checks that reduce functions are callable
        raise TypeError("a TorchGlobal names a PyTorch global; it is never called")


REBUILD_V2 = TorchGlobal("torch._utils", "_rebuild_tensor_v2")
REBUILD_PARAMETER = TorchGlobal("torch._utils", "_rebuild_parameter")
REBUILD_FROM_TYPE_V2 = TorchGlobal("torch._tensor", "_rebuild_from_type_v2")
TENSOR = TorchGlobal("torch", "Tensor")
DEVICE = TorchGlobal("torch", "device")
SIZE = TorchGlobal("torch", "Size")


class _StorageTable:
    """Distinct storages met while pickling, keyed by their owning array."""

    def __init__(self):
        self.by_root = {}
        self.order = []

    def ref(self, t):
        arr = t._data
        if t.device.type != "cpu":
            arr = t._host()
        root = root_array(arr)
        entry = self.by_root.get(id(root))
        dt = t.dtype
        if entry is None:
            key = str(len(self.order))
            entry = (key, dt, root)
            self.by_root[id(root)] = entry
            self.order.append(entry)
        elif entry[1] is not dt:
            raise RuntimeError(
                "Cannot save multiple tensors or storages that view the same data as different "
                "types"
            )
        key, _, root = entry
        numel = root.nbytes // dt.itemsize
        offset = (data_ptr(arr) - data_ptr(root)) // dt.itemsize if arr.size else 0
        location = "cpu" if t.device.type == "cpu" else str(t.device)
        if location == "cuda":
            location = "cuda:0"
        pid = ("storage", _storage_global(dt), key, location, numel)
        return pid, offset


_STORAGE_GLOBALS = {}


def _storage_global(dt):
    g = _STORAGE_GLOBALS.get(dt.name)
    if g is None:
        g = _STORAGE_GLOBALS[dt.name] = TorchGlobal("torch", STORAGE_NAME[dt.name])
    return g


class _PersistentStorage:
    __slots__ = ("pid",)

    def __init__(self, pid):
        self.pid = pid


class CheckpointPickler(pickle._Pickler):
    """Protocol-2 pickler that writes tensors, dtypes and devices as torch does."""

    def __init__(self, file, storages):
        super().__init__(file, protocol=2)
        self.storages = storages

    def persistent_id(self, obj):
        if type(obj) is _PersistentStorage:
            return obj.pid
        return None

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            from ..nn.parameter import Parameter

            if isinstance(obj, Parameter):
                return (REBUILD_PARAMETER, (_Plain(obj), obj.requires_grad, OrderedDict()))
            return self._tensor_reduce(obj, obj.requires_grad)
        if type(obj) is _Plain:
            return self._tensor_reduce(obj.t, False)
        if isinstance(obj, D.dtype):
            return obj.name  # a string: pickle writes it as a global (see save_global)
        from .._device import device

        if isinstance(obj, device):
            return (DEVICE, (str(obj),))
        if isinstance(obj, Size):
            return (SIZE, (tuple(obj),))
        return NotImplemented

    def _tensor_reduce(self, t, requires_grad):
        pid, offset = self.storages.ref(t)
        args = (
            _PersistentStorage(pid),
            offset,
            tuple(t.shape),
            tuple(t.stride()),
            bool(requires_grad),
            OrderedDict(),
        )
        state = t.__dict__ if type(t) is Tensor else None
        if state:
            # Python attributes on a tensor travel as torch writes them.
            return (REBUILD_FROM_TYPE_V2, (REBUILD_V2, TENSOR, args, dict(state)))
        return (REBUILD_V2, args)

    def save_global(self, obj, name=None):
        if isinstance(obj, TorchGlobal):
            module, qual = obj.module, obj.name
        elif isinstance(obj, D.dtype):
            module, qual = "torch", obj.name
        else:
            return super().save_global(obj, name)
        self.write(pickle.GLOBAL + f"{module}\n{qual}\n".encode())
        self.memoize(obj)

    # TorchGlobal instances are not classes: route them to save_global.
    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[TorchGlobal] = save_global


class _Plain:
    """A Parameter's inner tensor, pickled with requires_grad=False."""

    __slots__ = ("t",)

    def __init__(self, t):
        self.t = t


def _serialization_id() -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(40))


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):  # fmt: skip
    """Save ``obj`` to ``f`` (a path or a binary file) in PyTorch's checkpoint format.

    Paths are written atomically: the new file replaces the old one only once it
    is complete, so an interrupted save leaves the previous file intact.

    Example::

        >>> import ember, io
        >>> buf = io.BytesIO()
        >>> ember.save({"w": ember.ones(2)}, buf)
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("ember.save supports only the standard pickle module")
    if pickle_protocol != 2:
        raise NotImplementedError(
            "ember.save writes pickle protocol 2 (what torch.load(weights_only=True) reads)"
        )
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("ember.save writes only the zip format (legacy is read-only)")
    if isinstance(f, (str, os.PathLike)):
        d = os.path.dirname(os.path.abspath(os.fspath(f)))
        if not os.path.isdir(d):
            raise RuntimeError(f"Parent directory {d} does not exist.")
    storages = _StorageTable()
    buf = io.BytesIO()
    CheckpointPickler(buf, storages).dump(obj)
    fh, finish = open_for_write(f)
    ok = False
    w = None
    try:
        w = ArchiveWriter(fh, archive_name_for(f))
        w.write("data.pkl", buf.getvalue())
        w.write(".format_version", b"1")
        w.write(".storage_alignment", b"64")
        w.write("byteorder", b"little")
        for key, _, root in storages.order:
            w.write(f"data/{key}", np.ascontiguousarray(root).reshape(-1).view(np.uint8))
        w.write("version", b"3\n")
        w.write(".data/serialization_id", _serialization_id().encode())
        w.close()
        ok = True
    finally:
        if not ok and w is not None:
            try:
                w.close()
            except Exception:
                pass
        finish(ok)
