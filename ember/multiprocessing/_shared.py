"""Shared-memory blocks: the memory behind tensors that cross process boundaries.

A block is one mapping of a shared segment. Its NumPy root array (``uint8``) has
the mapping as its ``.base``, so every tensor built on it keeps it alive, and the
block is released when the last array in this process goes away.

NOTE [ Shared-memory lifetime ]
================================
Two kinds of segment, chosen by the sharing strategy when a block is created:

* ``file_descriptor`` (default): an anonymous ``memfd``. It has no name, so it
  never appears in /dev/shm. The kernel frees it when the last file descriptor
  and the last mapping of it close, in whichever processes hold them, and a
  process that dies (even by SIGKILL) closes both. Nothing can leak beyond the
  lifetime of the processes that hold it. A handle travels as a duplicated fd
  (``multiprocessing.reduction.DupFd``: through the child's exec for spawn and
  forkserver start-up, otherwise through the sender's resource sharer, so the
  sender must stay alive until the receiver has unpickled the handle, as in
  PyTorch).

* ``file_system``: a named file ``/dev/shm/ember_<creator pid>_<n>``. Every
  process that maps it also holds an open fd on it with a *shared* ``flock``.
  The kernel drops a process's lock when that process closes the fd or dies, by
  any means, and a forked child shares its parent's lock (same open file).
  A count of handles *in transit* lives in 8 bytes after the data: the sender
  adds one when it pickles a handle, the receiver takes one off once it holds
  its lock (both under a POSIX record lock on those bytes, which is independent
  of ``flock``). When a process lets go of its mapping (the finalizer of the
  block), it closes its locked fd, opens the file again and asks for an
  *exclusive* lock without waiting: if it gets it and nothing is in transit, no
  other process holds the block and it unlinks the name. So the last process to
  let go removes the file, and a sender may drop a tensor right after sending it.
  Two gaps remain, both closed by ``sweep(pid)``: a handle that is never
  received (a message dropped with its queue) keeps the count above zero, and a
  block whose *last* holder is killed is never unlinked by it. ``sweep(pid)``
  unlinks the unheld blocks created by a process known to be dead; the
  DataLoader calls it for its workers at shutdown and when one dies, ``spawn``
  for children that fail, and an ``atexit`` hook lets go of this process's
  blocks, then sweeps its own and its dead children's.
"""

from __future__ import annotations

import atexit
import fcntl
import itertools
import mmap
import os
import threading
import weakref

import numpy as np

SHM_DIR = "/dev/shm"
PREFIX = "ember_"

_strategy = "file_descriptor"
_all_strategies = ("file_descriptor", "file_system")
_counter = itertools.count()
_lock = threading.RLock()
# key -> weakref to the mapping, so a block received twice maps once (views stay views)
_by_key: dict = {}
_children: set = set()
_live: dict = {}  # key -> weakref.finalize of the mapping, run by hand at exit


def get_sharing_strategy() -> str:
    return _strategy


def set_sharing_strategy(new_strategy: str) -> None:
    global _strategy
    if new_strategy not in _all_strategies:
        raise ValueError(
            f"sharing strategy must be one of {sorted(_all_strategies)}, got {new_strategy!r}"
        )
    _strategy = new_strategy


def get_all_sharing_strategies() -> set:
    return set(_all_strategies)


class _Mapping(mmap.mmap):
    """An ``mmap`` that knows its block (``kind``, ``key``, ``fd``, ``name``, ``size``)."""


def _map(fd: int, size: int, kind: str, key, name=None) -> _Mapping:
    if name is None:
        m = _Mapping(fd, max(size, 1))
    else:
        # mmap keeps a dup of the fd it maps; map through a second open file, so that the
        # flock (held on ``fd``'s open file) goes away when ``fd`` is closed.
        map_fd = os.open(os.path.join(SHM_DIR, name), os.O_RDWR | os.O_CLOEXEC)
        try:
            m = _Mapping(map_fd, max(size, 1))
        finally:
            os.close(map_fd)
    m.kind, m.key, m.fd, m.name, m.size = kind, key, fd, name, size
    fin = weakref.finalize(m, _release, kind, key, fd, name)
    fin.atexit = False
    _live[key] = fin
    _by_key[key] = weakref.ref(m)
    return m


def _release(kind, key, fd, name):
    ref = _by_key.get(key)
    if ref is not None and ref() is None:
        _by_key.pop(key, None)
        _live.pop(key, None)
    try:
        os.close(fd)
    except OSError:
        pass
    if kind == "file_system":
        _unlink_if_unheld(name)


def _count_offset(fd) -> int:
    return os.fstat(fd).st_size - 8


def _transit(fd, delta: int) -> int:
    """Add ``delta`` to the in-transit count of the named block open as ``fd``; return it."""
    off = _count_offset(fd)
    fcntl.lockf(fd, fcntl.LOCK_EX, 8, off)
    try:
        n = int.from_bytes(os.pread(fd, 8, off), "little", signed=True) + delta
        if delta:
            os.pwrite(fd, n.to_bytes(8, "little", signed=True), off)
        return n
    finally:
        fcntl.lockf(fd, fcntl.LOCK_UN, 8, off)


def sent(m) -> None:
    """A handle to the named block ``m`` is being sent: count it as in transit."""
    _transit(m.fd, 1)


def _unlink_if_unheld(name, force=False) -> bool:
    path = os.path.join(SHM_DIR, name)
    try:
        probe = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # another process still holds it
    else:
        if not force and _transit(probe, 0) > 0:
            return False  # a handle is on its way to another process
        try:
            os.unlink(path)
        except OSError:
            return False
        return True
    finally:
        os.close(probe)


def new_block(nbytes: int, strategy: str | None = None) -> _Mapping:
    """A fresh zero-filled shared mapping of ``nbytes`` bytes."""
    strategy = strategy or _strategy
    if strategy == "file_descriptor":
        fd = os.memfd_create("ember", os.MFD_CLOEXEC)
        os.ftruncate(fd, max(nbytes, 1))
        st = os.fstat(fd)
        return _map(fd, nbytes, "file_descriptor", (st.st_dev, st.st_ino))
    name = f"{PREFIX}{os.getpid()}_{next(_counter)}"
    fd = os.open(os.path.join(SHM_DIR, name), os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC)
    fcntl.flock(fd, fcntl.LOCK_SH)
    os.ftruncate(fd, _round8(max(nbytes, 1)) + 8)  # the data, then the in-transit count
    return _map(fd, nbytes, "file_system", name, name)


def _round8(n: int) -> int:
    return (n + 7) // 8 * 8


def open_fd_block(fd: int, size: int) -> _Mapping:
    """The mapping for a received memfd (reusing this process's mapping if it has one)."""
    st = os.fstat(fd)
    key = (st.st_dev, st.st_ino)
    with _lock:
        ref = _by_key.get(key)
        m = ref() if ref is not None else None
        if m is not None:
            os.close(fd)
            return m
        return _map(fd, size, "file_descriptor", key)


def open_named_block(name: str, size: int) -> _Mapping:
    with _lock:
        ref = _by_key.get(name)
        m = ref() if ref is not None else None
        if m is not None:
            _transit(m.fd, -1)
            return m
        try:
            fd = os.open(os.path.join(SHM_DIR, name), os.O_RDWR | os.O_CLOEXEC)
        except FileNotFoundError:
            raise RuntimeError(
                f"shared memory block {name!r} no longer exists: the sending process released "
                "it before it was received; keep the tensor alive in the sender until the "
                "receiver has it"
            ) from None
        fcntl.flock(fd, fcntl.LOCK_SH)
        _transit(fd, -1)
        return _map(fd, size, "file_system", name, name)


def block_of(arr):
    """The shared mapping behind ``arr``, or None."""
    while isinstance(arr, np.ndarray):
        arr = arr.base
    if isinstance(arr, memoryview):
        arr = arr.obj
    return arr if isinstance(arr, _Mapping) else None


def root_of(m: _Mapping) -> np.ndarray:
    return np.frombuffer(m, dtype=np.uint8, count=m.size)


def sweep(pid: int) -> int:
    """Unlink ``file_system`` blocks created by the dead process ``pid`` that nobody holds.

    Handles still in transit are not waited for: messages from a dead process are dropped.
    """
    n = 0
    prefix = f"{PREFIX}{pid}_"
    try:
        names = os.listdir(SHM_DIR)
    except OSError:
        return 0
    for name in names:
        if name.startswith(prefix) and _unlink_if_unheld(name, force=True):
            n += 1
    return n


def note_child(pid: int) -> None:
    """Remember a child process, so its leftover blocks are swept at exit."""
    _children.add(pid)


@atexit.register
def _sweep_at_exit():
    # Let go of every block this process still maps, then remove what nobody holds.
    for fin in list(_live.values()):
        info = fin.detach()  # not fin(): weakref's own exit hook may have disabled finalizers
        if info is not None:
            _, func, args, _ = info
            func(*args)
    _live.clear()
    sweep(os.getpid())
    for pid in list(_children):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sweep(pid)
        except OSError:
            pass
