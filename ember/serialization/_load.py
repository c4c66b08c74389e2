"""``ember.load``: checkpoints written by ember or torch 2.x, and the legacy stream.

By default (``weights_only=True``) the unpickler builds only tensors,
containers, numbers, strings, dtypes, devices and what ``add_safe_globals``
allows; any other global is refused by name before anything runs. With
``weights_only=False`` the file may name any importable callable, and loading
it runs that callable: only load such files from sources you trust.
"""

from __future__ import annotations

import builtins
import collections
import io
import os
import pickle
import struct

import numpy as np

from .. import _backend
from .. import _device as _dev
from .. import _dtype as D
from .._tensor import Size, Tensor
from ._formats import STORAGE_TYPES, LoadedStorage, StorageType, view_on_storage
from ._zip import ArchiveReader, is_zip

_SAFE_GLOBALS: dict[tuple[str, str], object] = {}


# --- rebuild functions (what torch._utils names mean here) ----------------------------------


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):  # fmt: skip
    return _rebuild(storage, storage.dtype, storage_offset, size, stride, requires_grad)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       dtype, metadata=None):  # fmt: skip
    return _rebuild(storage, dtype, storage_offset, size, stride, requires_grad)


def _rebuild(storage, dtype, offset, size, stride, requires_grad):
    if not isinstance(storage, LoadedStorage):
        raise pickle.UnpicklingError(
            f"tensor rebuild expected a storage, got {type(storage).__name__}"
        )
    if not isinstance(dtype, D.dtype):
        raise pickle.UnpicklingError(f"tensor rebuild expected a dtype, got {dtype!r}")
    arr = view_on_storage(storage, dtype, offset, size, stride)
    t = Tensor._make(arr, dtype, _dev.CPU)
    if storage.device.type != "cpu":
        t = t.to(storage.device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks=None):
    from ..nn.parameter import Parameter

    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    p = _rebuild_parameter(data, requires_grad)
    if state:
        p.__dict__.update(state)
    return p


def _rebuild_from_type_v2(func, new_type, args, state):
    t = func(*args)
    if state:
        if isinstance(state, tuple):
            state = state[0] or {}
        t.__dict__.update(state)
    return t


def _rebuild_device_tensor_from_numpy(data, dtype, device, requires_grad):
    t = Tensor._make(np.array(data), dtype, _dev.CPU)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_meta_tensor_no_storage(dtype, size, stride, requires_grad):
    raise RuntimeError("ember cannot load meta tensors (tensors without storage)")


def _encode(text, encoding="latin1"):
    return text.encode(encoding)


def _torch_names():
    from ..nn.parameter import Parameter

    names = {
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_tensor_v3"): _rebuild_tensor_v3,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
        ("torch._utils", "_rebuild_device_tensor_from_numpy"): _rebuild_device_tensor_from_numpy,
        ("torch._utils", "_rebuild_meta_tensor_no_storage"): _rebuild_meta_tensor_no_storage,
        ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
        ("torch", "device"): _dev.device,
        ("torch", "Size"): Size,
        ("torch", "Tensor"): Tensor,
        ("torch.nn.parameter", "Parameter"): Parameter,
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("collections", "Counter"): collections.Counter,
        ("_codecs", "encode"): _encode,
        ("builtins", "set"): set,
        ("__builtin__", "set"): set,
        ("builtins", "frozenset"): frozenset,
        ("builtins", "bytearray"): bytearray,
        ("builtins", "complex"): complex,
        ("torch.storage", "UntypedStorage"): STORAGE_TYPES["UntypedStorage"],
    }
    for name, st in STORAGE_TYPES.items():
        names[("torch", name)] = st
    for d in D.ALL:
        names[("torch", d.name)] = d
    for alias, d in D.ALIASES.items():
        names.setdefault(("torch", alias), d)
    return names


_NAMES = None


def _names():
    global _NAMES
    if _NAMES is None:
        _NAMES = _torch_names()
    return _NAMES


# --- unpickler -----------------------------------------------------------------------------


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, read_storage, weights_only):
        super().__init__(file, encoding="utf-8")
        self._read_storage = read_storage
        self._weights_only = weights_only
        self._storages = {}

    def find_class(self, module, name):
        if module == "torch.tensor":
            module = "torch._tensor"
        obj = _names().get((module, name))
        if obj is not None:
            return obj
        obj = _SAFE_GLOBALS.get((module, name))
        if obj is not None:
            return obj
        if self._weights_only:
            raise pickle.UnpicklingError(
                "Weights only load failed. In ember (as in PyTorch 2.6+), the default "
                "weights_only=True refuses arbitrary globals. Re-running with "
                "weights_only=False would execute code from the file: do it only if you trust "
                f"its source. Unsupported global: GLOBAL {module}.{name} was not an allowed "
                "global by default. Please use `ember.serialization.add_safe_globals"
                f"([{name}])` or the `ember.serialization.safe_globals([{name}])` context "
                "manager to allowlist this global if you trust this class/function."
            )
        if module == "torch" or module.startswith("torch."):
            module = "ember" + module[5:]
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or not pid or pid[0] != "storage":
            raise pickle.UnpicklingError(
                f"persistent id must be a tuple starting with 'storage', got {pid!r}"
            )
        if len(pid) not in (5, 6):
            raise pickle.UnpicklingError(f"storage record has {len(pid)} fields: {pid!r}")
        stype, key, location, numel = pid[1], pid[2], pid[3], pid[4]
        if isinstance(stype, D.dtype):
            stype = StorageType(stype.name, stype)
        if not isinstance(stype, StorageType):
            raise pickle.UnpicklingError(f"unknown storage type {stype!r} in storage record")
        key = str(key)
        st = self._storages.get(key)
        if st is None:
            st = self._read_storage(stype, key, str(location), int(numel))
            self._storages[key] = st
        return st


def _map_location(map_location, location):
    if map_location is None:
        dev = _dev.device(location)
    elif isinstance(map_location, dict):
        dev = _dev.as_device(map_location.get(location, location))
    elif callable(map_location):
        r = map_location(location, location)
        dev = _dev.as_device(r if isinstance(r, (str, _dev.device)) else location)
    else:
        dev = _dev.as_device(map_location)
    if dev.type == "cuda" and not _backend.cuda_available():
        raise RuntimeError(
            "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
            "False. If you are running on a CPU-only machine, please use torch.load with "
            "map_location=torch.device('cpu') to map your storages to the CPU."
        )
    return dev


def _storage_array(raw, stype, numel, key):
    itemsize = 1 if stype.dtype is None else stype.dtype.itemsize
    if len(raw) != numel * itemsize:
        raise RuntimeError(
            f"storage data/{key} holds {len(raw)} bytes but its record says {numel} elements "
            f"of {itemsize} bytes"
        )
    npdt = np.uint8 if stype.dtype is None else stype.dtype.np
    return np.frombuffer(raw, dtype=npdt)


def _load_zip(fh, map_location, weights_only, mmap, path):
    reader = ArchiveReader(fh)
    if reader.has("constants.pkl"):
        raise RuntimeError(
            "this file is a TorchScript archive: load it with ember.jit.load, not ember.load"
        )
    if not reader.has("data.pkl"):
        raise RuntimeError("PytorchStreamReader failed locating file data.pkl: file not found")
    v = reader.version()
    if not 1 <= v <= 10:
        raise RuntimeError(f"checkpoint version {v} is not supported (expected 1 to 10)")
    big = reader.has("byteorder") and reader.read("byteorder").strip() == b"big"

    def read_storage(stype, key, location, numel):
        name = f"data/{key}"
        if not reader.has(name):
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not found")
        if mmap:
            off = reader.data_offset(name)
            npdt = np.uint8 if stype.dtype is None else stype.dtype.np
            arr = np.memmap(path, dtype=npdt, mode="c", offset=off, shape=(numel,))
        else:
            arr = _storage_array(reader.read(name), stype, numel, key).copy()
        if big:
            arr = arr.byteswap()
        return LoadedStorage(arr, _map_location(map_location, location), stype.dtype)

    up = _Unpickler(io.BytesIO(reader.read("data.pkl")), read_storage, weights_only)
    return up.load()


MAGIC = 0x1950A86A20F9469CFC6C


def _load_legacy(fh, map_location, weights_only):
    def load_one(read_storage=None):
        return _Unpickler(fh, read_storage or _no_storage, weights_only).load()

    magic = load_one()
    if magic != MAGIC:
        raise RuntimeError("Invalid magic number; corrupt file?")
    proto = load_one()
    if proto != 1001:
        raise RuntimeError(f"Invalid protocol version: {proto}")
    sys_info = load_one()
    if not isinstance(sys_info, dict) or not sys_info.get("little_endian", True):
        raise RuntimeError("legacy checkpoint written on a big-endian machine is not supported")
    pending = {}

    def read_storage(stype, key, location, numel):
        npdt = np.uint8 if stype.dtype is None else stype.dtype.np
        arr = np.empty(numel, dtype=npdt)
        st = LoadedStorage(arr, _map_location(map_location, location), stype.dtype)
        pending[key] = st
        return st

    obj = load_one(read_storage)
    keys = load_one()
    for key in keys:
        head = fh.read(8)
        if len(head) != 8:
            raise RuntimeError("legacy checkpoint is truncated (storage count missing)")
        (count,) = struct.unpack("<q", head)
        st = pending.get(str(key))
        if st is None:
            raise RuntimeError(f"legacy checkpoint has data for unknown storage {key}")
        if count != st.array.size:
            raise RuntimeError(
                f"legacy storage {key}: {count} elements in the data, {st.array.size} expected"
            )
        raw = fh.read(count * st.array.itemsize)
        if len(raw) != count * st.array.itemsize:
            raise RuntimeError("legacy checkpoint is truncated (storage data missing)")
        st.array[...] = np.frombuffer(raw, dtype=st.array.dtype)
    return obj


def _no_storage(*args):
    raise pickle.UnpicklingError("unexpected storage record in a legacy header pickle")


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=False,
         **pickle_load_args):  # fmt: skip
    """Load an object saved with ``ember.save`` or ``torch.save``.

    Args:
        f: a path, ``pathlib.Path`` or binary file object.
        map_location: a device, a string, a dict ``{saved: new}`` or a callable
            ``(storage, location) -> device`` saying where tensors go.
        weights_only: build only tensors, containers and allow-listed types (the
            default). ``False`` loads arbitrary pickles, which can run any code
            named in the file: use it only for files you trust.
        mmap: map tensor data from the file instead of reading it (zip files only).
    """
    if weights_only is None:
        weights_only = True
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        with open(path, "rb") as fh:
            return _load_any(fh, map_location, weights_only, mmap, path)
    if mmap:
        raise ValueError("mmap=True needs a file path, not a file object")
    return _load_any(f, map_location, weights_only, mmap, None)


def _load_any(fh, map_location, weights_only, mmap, path):
    try:
        if is_zip(fh):
            return _load_zip(fh, map_location, weights_only, mmap, path)
        if mmap:
            raise RuntimeError("mmap can only be used with files saved with the zip format")
        return _load_legacy(fh, map_location, weights_only)
    except pickle.UnpicklingError:
        raise
    except (EOFError, struct.error, ValueError, KeyError, IndexError, TypeError,
            AttributeError, UnicodeDecodeError, MemoryError, OverflowError) as e:  # fmt: skip
        raise RuntimeError(f"corrupt or truncated checkpoint: {type(e).__name__}: {e}") from None


# --- allow-list ----------------------------------------------------------------------------


def _key(obj):
    if isinstance(obj, tuple):
        obj, name = obj
        mod = obj.__module__
        return (mod, name), obj
    return (obj.__module__, obj.__qualname__), obj


def add_safe_globals(safe_globals):
    """Allow these globals in ``weights_only`` loads (functions, classes, or (obj, name))."""
    for g in safe_globals:
        k, obj = _key(g)
        _SAFE_GLOBALS[k] = obj
        if k[0].startswith("ember"):
            _SAFE_GLOBALS[("torch" + k[0][5:], k[1])] = obj


def get_safe_globals():
    return list(_SAFE_GLOBALS.values())


def clear_safe_globals():
    _SAFE_GLOBALS.clear()


class safe_globals:
    """Context manager: ``add_safe_globals`` for the duration of a block."""

    def __init__(self, safe_globals):
        self.globals = safe_globals
        self.saved = None

    def __enter__(self):
        self.saved = dict(_SAFE_GLOBALS)
        add_safe_globals(self.globals)

    def __exit__(self, *exc):
        _SAFE_GLOBALS.clear()
        _SAFE_GLOBALS.update(self.saved)
        return False


del builtins
