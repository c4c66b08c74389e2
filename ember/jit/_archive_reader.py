"""The container part of ``ember.jit.load``: zip, version, restricted unpickling.

Nothing from the file is executed as Python. ``data.pkl`` and
``constants.pkl`` go through :class:`_Unpickler`, which builds only tensors
(``_rebuild_tensor_v2`` on storages read from ``data/`` or ``constants/``),
plain containers, devices and :class:`ArchiveObject` records for
``__torch__`` classes; any other global is refused with its name. The code
under ``code/`` is handed, as text, to the front end
(``ember.jit._frontend.import_archive``), which parses it into the IR and
builds the ScriptModule.
"""

from __future__ import annotations

import io
import pickle

import numpy as np

from .. import _device as _dev
from .. import _dtype as D
from .._tensor import Tensor
from ..serialization._formats import DTYPE_OF_STORAGE
from ..serialization._zip import ArchiveReader, as_readable

MIN_VERSION, MAX_VERSION = 1, 10

_EXTRA_STORAGES = {
    "UInt16Storage": "uint16", "UInt32Storage": "uint32", "UInt64Storage": "uint64",
}  # fmt: skip


class ArchiveObject:
    """A ``__torch__`` object from ``data.pkl``: its qualified class name and state."""

    def __init__(self, qualified_name: str):
        self.qualified_name = qualified_name
        self.state: dict = {}

    def __setstate__(self, state):
        self.state = state if isinstance(state, dict) else {"__state__": state}

    def __repr__(self) -> str:
        return f"<ArchiveObject {self.qualified_name} {list(self.state)}>"


class _StorageTag:
    __slots__ = ("name", "dtype")

    def __init__(self, name, dtype):
        self.name, self.dtype = name, dtype


def _rebuild_tensor_v2(storage, offset, size, stride, requires_grad=False, hooks=None,
                       metadata=None):  # fmt: skip
    arr, dt = storage
    item = arr.itemsize
    need = offset + sum((s - 1) * st for s, st in zip(size, stride)) + 1 if all(size) else 0
    if need > arr.size:
        raise RuntimeError(
            f"corrupt archive: a tensor of size {list(size)} and stride {list(stride)} at "
            f"offset {offset} needs {need} elements but its storage has {arr.size}"
        )
    view = np.lib.stride_tricks.as_strided(
        arr[offset:] if arr.size else arr, shape=tuple(size),
        strides=tuple(s * item for s in stride),
    )  # fmt: skip
    # a view, not a copy: tensors that shared a storage in the archive share it after load
    t = Tensor._make(view, dt, _dev.CPU)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _identity(value, *rest):
    return value


def _device(name):
    import ember

    return ember.device(name)


def _ordered_dict(*args):
    return {}


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, read_storage):
        super().__init__(io.BytesIO(data))
        self._read_storage = read_storage

    def find_class(self, module, name):
        if module == "__torch__" or module.startswith("__torch__."):
            qual = f"{module}.{name}"

            class _Obj(ArchiveObject):
                def __new__(cls, *a):
                    obj = object.__new__(ArchiveObject)
                    ArchiveObject.__init__(obj, qual)
                    return obj

            return _Obj
        if module == "torch" and name.endswith("Storage"):
            dt = DTYPE_OF_STORAGE.get(name)
            if dt is None and name in _EXTRA_STORAGES:
                dt = getattr(D, _EXTRA_STORAGES[name])
            if dt is None:
                raise pickle.UnpicklingError(f"unsupported storage type torch.{name}")
            return _StorageTag(name, dt)
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch.jit._pickle" and (
            name == "restore_type_tag" or name.startswith("build_")
        ):
            return _identity
        if (module, name) == ("collections", "OrderedDict"):
            return _ordered_dict
        if (module, name) == ("torch", "device"):
            return _device
        if (module, name) == ("builtins", "complex"):
            return complex
        raise pickle.UnpicklingError(
            f"TorchScript archive uses the global {module}.{name}, which ember does not load"
        )

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or len(pid) != 5 or pid[0] != "storage":
            raise pickle.UnpicklingError(f"corrupt archive: bad persistent id {pid!r}")
        _, tag, key, location, numel = pid
        if not isinstance(tag, _StorageTag):
            raise pickle.UnpicklingError("corrupt archive: storage without a storage type")
        return self._read_storage(tag.dtype, str(key), int(numel)), tag.dtype


class ArchiveContents:
    """What the container holds: version, constants, the object tree and the code files."""

    def __init__(self, version, constants, root, code, extra):
        self.version = version
        self.constants = constants
        self.root = root
        self.code = code  # {"__torch__/a/b.py": source text}
        self.extra = extra


def read_archive(f) -> ArchiveContents:
    """Open a TorchScript archive and unpickle its object tree (no code is run)."""
    fh = as_readable(f)
    reader = ArchiveReader(fh, "TorchScript archive")
    if reader.has(".data/version"):
        vtext = reader.read(".data/version")
    elif reader.has("version"):
        vtext = reader.read("version")
    else:
        raise RuntimeError("TorchScript archive has no version record")
    try:
        version = int(vtext.decode().strip())
    except ValueError:
        raise RuntimeError(f"TorchScript archive has a bad version record {vtext!r}") from None
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise RuntimeError(
            f"TorchScript archive version {version} is not supported "
            f"(supported: {MIN_VERSION} to {MAX_VERSION})"
        )
    for need in ("constants.pkl", "data.pkl"):
        if not reader.has(need):
            raise RuntimeError(f"TorchScript archive lacks {need}")

    def storages(folder):
        cache = {}

        def read(dt, key, numel):
            got = cache.get(key)
            if got is None:
                raw = reader.read(f"{folder}/{key}") if numel else b""
                got = np.frombuffer(bytearray(raw), dtype=dt.np)
                if got.size < numel:
                    raise RuntimeError(
                        f"corrupt archive: {folder}/{key} holds {got.size} elements, "
                        f"expected {numel}"
                    )
                cache[key] = got
            return got

        return read

    constants = _Unpickler(reader.read("constants.pkl"), storages("constants")).load()
    root = _Unpickler(reader.read("data.pkl"), storages("data")).load()
    code = {
        name: reader.read(f"code/{name}").decode("utf-8")
        for name in reader.list("code")
        if name.endswith(".py")
    }
    extra = {name: reader.read(f"extra/{name}") for name in reader.list("extra")}
    return ArchiveContents(version, tuple(constants), root, code, extra)


def load(f, map_location=None, _extra_files=None):
    contents = read_archive(f)
    try:
        from ._frontend import import_archive
    except ImportError as e:
        raise NotImplementedError(
            "ember.jit.load needs the TorchScript front end (ember.jit._frontend.import_archive) "
            "to compile the archive's code"
        ) from e
    module = import_archive(contents)
    if map_location is not None:
        module.to(map_location)
    if _extra_files is not None:
        for k in list(_extra_files):
            _extra_files[k] = contents.extra.get(k, b"")
    return module
