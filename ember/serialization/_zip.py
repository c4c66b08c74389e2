"""The zip container shared by checkpoints and TorchScript archives.

Writing: every member lives under one top folder; stored members start on a
64-byte boundary (padding in an ``FB`` local extra field, as PyTorch pads), so
readers can map tensor data in place. Reading accepts anything ``zipfile``
does (deflate, zip64, data descriptors) and names what is wrong otherwise.
"""

from __future__ import annotations

import io
import os
import struct
import tempfile
import zipfile

ALIGN = 64


def _pad_extra(header_offset: int, name: str) -> bytes:
    start = header_offset + 30 + len(name.encode()) + 4
    pad = (-start) % ALIGN
    return b"FB" + struct.pack("<H", pad) + b"Z" * pad


class ArchiveWriter:
    """Append members to a zip, aligned and stored unless ``compress`` is asked for."""

    def __init__(self, fileobj, prefix: str):
        self.fh = fileobj
        self.prefix = prefix
        self.zf = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED, allowZip64=True)

    def write(self, name: str, data, compress: bool = False) -> None:
        full = f"{self.prefix}/{name}"
        info = zipfile.ZipInfo(full, date_time=(1980, 1, 1, 0, 0, 0))
        if compress:
            info.compress_type = zipfile.ZIP_DEFLATED
        else:
            info.compress_type = zipfile.ZIP_STORED
            info.extra = _pad_extra(self.fh.tell(), full)
        if isinstance(data, (bytes, bytearray)):
            self.zf.writestr(info, bytes(data))
            return
        mv = memoryview(data).cast("B")
        info.file_size = mv.nbytes
        with self.zf.open(info, "w", force_zip64=mv.nbytes > 0x7FFFFFFF) as out:
            step = 1 << 26
            for i in range(0, mv.nbytes, step):
                out.write(mv[i : i + step])

    def close(self) -> None:
        self.zf.close()


def open_for_write(f):
    """(file object, finish(ok) callback) — paths are written atomically via a temp file."""
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        d = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pt", dir=d)
        fh = os.fdopen(fd, "wb")

        def finish(ok: bool) -> None:
            fh.close()
            if ok:
                os.replace(tmp, path)
            else:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass

        return fh, finish
    return f, lambda ok: None


def archive_name_for(f) -> str:
    if isinstance(f, (str, os.PathLike)):
        base = os.path.basename(os.fspath(f))
        stem = os.path.splitext(base)[0]
        return stem or "archive"
    return "archive"


class ArchiveReader:
    """Members of a zip archive, looked up relative to its one top folder."""

    def __init__(self, fileobj, what: str = "checkpoint"):
        try:
            self.zf = zipfile.ZipFile(fileobj)
        except zipfile.BadZipFile as e:
            raise RuntimeError(f"PytorchStreamReader failed reading zip archive: {e}") from None
        names = self.zf.namelist()
        if not names:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: empty archive")
        first = names[0]
        if "/" not in first:
            raise RuntimeError(
                "PytorchStreamReader failed locating file: file in archive is not in a "
                f"subdirectory: {first}"
            )
        self.prefix = first.split("/", 1)[0]
        self.names = set(names)
        self.fileobj = fileobj

    def has(self, name: str) -> bool:
        return f"{self.prefix}/{name}" in self.names

    def read(self, name: str) -> bytes:
        full = f"{self.prefix}/{name}"
        if full not in self.names:
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not found")
        try:
            return self.zf.read(full)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
            raise RuntimeError(f"PytorchStreamReader failed reading file {name}: {e}") from None

    def list(self, folder: str):
        p = f"{self.prefix}/{folder}/"
        return sorted(n[len(p) :] for n in self.names if n.startswith(p))

    def data_offset(self, name: str) -> int:
        """File offset of a stored member's bytes (for memory mapping)."""
        info = self.zf.getinfo(f"{self.prefix}/{name}")
        if info.compress_type != zipfile.ZIP_STORED:
            raise RuntimeError(f"mmap=True needs stored (uncompressed) members; {name} is not")
        fh = self.zf.fp
        pos = fh.tell()
        fh.seek(info.header_offset)
        head = fh.read(30)
        fh.seek(pos)
        if head[:4] != b"PK\x03\x04":
            raise RuntimeError(f"bad local header for {name}")
        n, m = struct.unpack("<HH", head[26:30])
        return info.header_offset + 30 + n + m

    def version(self) -> int:
        for name in ("version", ".data/version"):
            if self.has(name):
                raw = self.read(name).strip()
                try:
                    return int(raw)
                except ValueError:
                    raise RuntimeError(f"archive version record is not a number: {raw!r}") from None
        raise RuntimeError("PytorchStreamReader failed locating file version: file not found")


def is_zip(f) -> bool:
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    pos = f.tell()
    head = f.read(4)
    f.seek(pos)
    return head == b"PK\x03\x04"


def as_readable(f):
    if isinstance(f, (bytes, bytearray)):
        return io.BytesIO(f)
    return f
