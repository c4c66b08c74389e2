"""``UntypedStorage``: the bytes behind a tensor and all of its views."""

from __future__ import annotations

import numpy as np

from . import _device as _dev


def root_array(a):
    """The array that owns ``a``'s memory (following NumPy's ``.base`` chain)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def data_ptr(a) -> int:
    if isinstance(a, np.ndarray):
        return a.__array_interface__["data"][0]
    return int(a.data.ptr)  # cupy


class UntypedStorage:
    """A flat byte buffer (``torch.UntypedStorage``). ``_array`` is a 1-D uint8 view."""

    __slots__ = ("_array", "_shared", "__weakref__")

    def __init__(self, size_or_array=0, *, device=None):
        if isinstance(size_or_array, int):
            size_or_array = np.zeros(size_or_array, dtype=np.uint8)
        self._array = size_or_array
        self._shared = None

    @classmethod
    def _of(cls, root):
        flat = root.reshape(-1).view(np.uint8) if root.size else np.zeros(0, np.uint8)
        return cls(flat)

    def nbytes(self) -> int:
        return int(self._array.nbytes)

    def size(self) -> int:
        return self.nbytes()

    def __len__(self) -> int:
        return self.nbytes()

    def data_ptr(self) -> int:
        return data_ptr(self._array)

    @property
    def device(self):
        return _dev.CPU if isinstance(self._array, np.ndarray) else _dev.device("cuda")

    def tolist(self):
        return self._array.tolist()

    def __getitem__(self, i):
        return int(self._array[i])

    def is_shared(self) -> bool:
        if self._shared is not None:
            return True
        a = self._array  # ember.multiprocessing maps shared blocks as mmaps that know their kind
        while isinstance(a, np.ndarray):
            a = a.base
        return getattr(getattr(a, "obj", a), "kind", None) in ("file_descriptor", "file_system")

    def __repr__(self) -> str:
        body = "\n".join(f" {v}" for v in self._array.tolist())
        return (
            f"{body}\n[torch.storage.UntypedStorage(device={self.device}) of size {self.nbytes()}]"
        )
