"""Names PyTorch's files use for storages and dtypes, and rebuilding tensors on storages."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D

STORAGE_NAME = {
    "float32": "FloatStorage", "float64": "DoubleStorage", "float16": "HalfStorage",
    "bfloat16": "BFloat16Storage", "complex64": "ComplexFloatStorage",
    "complex128": "ComplexDoubleStorage", "uint8": "ByteStorage", "int8": "CharStorage",
    "int16": "ShortStorage", "int32": "IntStorage", "int64": "LongStorage",
    "bool": "BoolStorage",
}  # fmt: skip
DTYPE_OF_STORAGE = {v: D._BY_NAME[k] for k, v in STORAGE_NAME.items()}


class StorageType:
    """What a ``torch.<Xxx>Storage`` global means when loading: the element dtype."""

    __slots__ = ("name", "dtype")

    def __init__(self, name, dtype):
        self.name = name
        self.dtype = dtype  # None for UntypedStorage (bytes)

    def __repr__(self) -> str:
        return f"torch.{self.name}"


STORAGE_TYPES = {name: StorageType(name, dt) for name, dt in DTYPE_OF_STORAGE.items()}
STORAGE_TYPES["UntypedStorage"] = StorageType("UntypedStorage", None)


class LoadedStorage:
    """One storage read from a file: a flat array (typed, or uint8 when untyped)."""

    __slots__ = ("array", "device", "dtype")

    def __init__(self, array, device, dtype):
        self.array = array
        self.device = device
        self.dtype = dtype


def view_on_storage(storage: LoadedStorage, dtype, offset, size, stride):
    """A strided view of ``storage`` as ``dtype``, after checking it stays inside it."""
    arr = storage.array
    if storage.dtype is None or storage.dtype is not dtype:
        if arr.dtype != np.uint8:
            arr = arr.view(np.uint8)
        if arr.nbytes % dtype.itemsize:
            raise RuntimeError(f"storage of {arr.nbytes} bytes cannot hold elements of {dtype!r}")
        arr = arr.view(dtype.np)
    size = tuple(int(s) for s in size)
    stride = tuple(int(s) for s in stride)
    offset = int(offset)
    if len(size) != len(stride):
        raise RuntimeError(f"tensor record has {len(size)} sizes but {len(stride)} strides")
    if offset < 0 or any(s < 0 for s in size) or any(s < 0 for s in stride):
        raise RuntimeError(
            f"tensor record has a negative offset, size or stride: offset={offset}, "
            f"size={size}, stride={stride}"
        )
    numel = 1
    for s in size:
        numel *= s
    if numel:
        last = offset + sum((n - 1) * st for n, st in zip(size, stride))
        if last >= arr.size:
            raise RuntimeError(
                f"tensor record (offset {offset}, size {list(size)}, stride {list(stride)}) "
                f"reaches element {last} but its storage holds only {arr.size} elements"
            )
        item = arr.itemsize
        return np.ndarray(
            size, dtype=arr.dtype, buffer=arr, offset=offset * item,
            strides=tuple(st * item for st in stride),
        )  # fmt: skip
    return np.empty(size, dtype=dtype.np)
