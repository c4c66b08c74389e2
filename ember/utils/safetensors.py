"""safetensors files: ``save_file``/``load_file``, ``save``/``load`` on bytes, ``safe_open``.

Layout: a little-endian u64 header length N, N bytes of JSON naming each tensor's
dtype, shape and byte range, then the data (little-endian, C order, no sharing).
Readers check every range: no holes, no overlaps, nothing past the end.
"""

from __future__ import annotations

import json
import os
import struct

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor

_CODE = {
    "bool": "BOOL", "uint8": "U8", "int8": "I8", "int16": "I16", "int32": "I32",
    "int64": "I64", "float16": "F16", "bfloat16": "BF16", "float32": "F32", "float64": "F64",
    "complex64": "C64",
}  # fmt: skip
_DTYPE = {v: D._BY_NAME[k] for k, v in _CODE.items()}
MAX_HEADER = 100_000_000


class SafetensorError(Exception):
    """A safetensors file or buffer is malformed."""


def _layout(tensors):
    if not isinstance(tensors, dict):
        raise TypeError(f"expected a dict of tensors, got {type(tensors).__name__}")
    seen = {}
    for name, t in tensors.items():
        if not isinstance(t, Tensor):
            raise TypeError(f"{name!r} is not a Tensor but {type(t).__name__}")
        if t.dtype.name not in _CODE:
            raise ValueError(f"safetensors cannot store {t.dtype!r} ({name!r})")
        if t.numel():
            ptr = (t.untyped_storage().data_ptr(), t.data_ptr())
            if ptr in seen:
                raise RuntimeError(
                    f"Some tensors share memory, this will lead to duplicate memory on disk and "
                    f"potential differences when loading them again: [{seen[ptr]!r}, {name!r}]."
                )
            seen[ptr] = name
    # as the reference writer: by decreasing alignment, then name
    return sorted(tensors.items(), key=lambda kv: (-kv[1].element_size(), kv[0]))


def _serialize(tensors, metadata):
    items = _layout(tensors)
    header = {}
    if metadata is not None:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise ValueError("safetensors metadata must map strings to strings")
        header["__metadata__"] = dict(metadata)
    offset = 0
    blobs = []
    for name, t in items:
        data = np.ascontiguousarray(t.detach()._host())
        raw = data.reshape(-1).view(np.uint8)
        header[name] = {
            "dtype": _CODE[t.dtype.name],
            "shape": list(t.shape),
            "data_offsets": [offset, offset + raw.nbytes],
        }
        offset += raw.nbytes
        blobs.append(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((-len(h)) % 8)
    return struct.pack("<Q", len(h)) + h, blobs


def save(tensors, metadata=None) -> bytes:
    """The safetensors bytes of a dict of tensors."""
    head, blobs = _serialize(tensors, metadata)
    return head + b"".join(b.tobytes() for b in blobs)


def save_file(tensors, filename, metadata=None) -> None:
    """Write a dict of tensors to ``filename`` (atomically)."""
    head, blobs = _serialize(tensors, metadata)
    path = os.fspath(filename)
    tmp = path + ".tmp"
    try:
        with open(tmp, "wb") as fh:
            fh.write(head)
            for b in blobs:
                fh.write(memoryview(b))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _parse_header(buf_len, read):
    if buf_len < 8:
        raise SafetensorError("file is too small to hold a safetensors header")
    (n,) = struct.unpack("<Q", read(0, 8))
    if n > MAX_HEADER:
        raise SafetensorError(f"header of {n} bytes is larger than the {MAX_HEADER} limit")
    if 8 + n > buf_len:
        raise SafetensorError("header length points past the end of the file")
    try:
        header = json.loads(read(8, n).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorError(f"header is not valid JSON: {e}") from None
    if not isinstance(header, dict):
        raise SafetensorError("header is not a JSON object")
    meta = header.pop("__metadata__", None)
    data_len = buf_len - 8 - n
    spans = []
    for name, info in header.items():
        try:
            dt = _DTYPE[info["dtype"]]
            shape = tuple(int(s) for s in info["shape"])
            begin, end = (int(v) for v in info["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise SafetensorError(f"bad entry for tensor {name!r}: {info!r}") from None
        numel = int(np.prod(shape)) if shape else 1
        if any(s < 0 for s in shape) or end - begin != numel * dt.itemsize or begin > end:
            raise SafetensorError(f"tensor {name!r}: data_offsets do not match its shape/dtype")
        spans.append((begin, end, name))
        info["_parsed"] = (dt, shape, begin, end)
    pos = 0
    for begin, end, name in sorted(spans):
        if begin != pos:
            raise SafetensorError(f"tensor {name!r}: data is not contiguous with the previous one")
        pos = end
    if pos != data_len:
        raise SafetensorError(f"data section is {data_len} bytes but tensors cover {pos}")
    return header, meta, 8 + n


def load(data: bytes) -> dict:
    """Tensors from safetensors bytes."""
    header, _, start = _parse_header(len(data), lambda o, n: data[o : o + n])
    out = {}
    for name, info in header.items():
        dt, shape, begin, end = info["_parsed"]
        arr = np.frombuffer(data, dtype=dt.np, count=(end - begin) // dt.itemsize,
                            offset=start + begin)  # fmt: skip
        out[name] = Tensor._make(arr.reshape(shape).copy(), dt)
    return out


def load_file(filename, device="cpu") -> dict:
    """Tensors from a safetensors file."""
    with safe_open(filename, framework="pt", device=device) as f:
        return {k: f.get_tensor(k) for k in f.keys()}


class safe_open:
    """Lazy reader: tensors are read from the file only when asked for."""

    def __init__(self, filename, framework="pt", device="cpu"):
        if framework not in ("pt", "torch", "numpy", "np"):
            raise ValueError(f"framework {framework!r} is not supported")
        self.path = os.fspath(filename)
        self.device = device
        self.mm = np.memmap(self.path, dtype=np.uint8, mode="r")
        self.header, self.meta, self.start = _parse_header(
            self.mm.size, lambda o, n: self.mm[o : o + n].tobytes()
        )

    def keys(self):
        return list(self.header.keys())

    def metadata(self):
        return self.meta

    def get_tensor(self, name):
        if name not in self.header:
            raise SafetensorError(f"File does not contain tensor {name}")
        dt, shape, begin, end = self.header[name]["_parsed"]
        raw = np.array(self.mm[self.start + begin : self.start + end])
        t = Tensor._make(raw.view(dt.np).reshape(shape), dt)
        return t if str(self.device) == "cpu" else t.to(self.device)

    def get_slice(self, name):
        return _Slice(self, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        del self.mm
        return False


class _Slice:
    def __init__(self, f, name):
        self.f, self.name = f, name

    def get_shape(self):
        return list(self.f.header[self.name]["_parsed"][1])

    def get_dtype(self):
        return self.f.header[self.name]["dtype"]

    def __getitem__(self, idx):
        return self.f.get_tensor(self.name)[idx]
