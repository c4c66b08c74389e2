"""``ember.cuda``: CUDA devices through CuPy (usable when CuPy and a GPU exist)."""

from __future__ import annotations

from . import _backend


def is_available() -> bool:
    return _backend.cuda_available()


def device_count() -> int:
    return _backend.cuda_device_count()


def current_device() -> int:
    return int(_backend.cupy().cuda.runtime.getDevice())


def set_device(device) -> None:
    from ._device import as_device

    d = as_device(device) if not isinstance(device, int) else None
    _backend.cupy().cuda.Device(device if isinstance(device, int) else (d.index or 0)).use()


def synchronize(device=None) -> None:
    if is_available():
        _backend.cupy().cuda.Stream.null.synchronize()


def manual_seed(seed) -> None:
    if is_available():
        _backend.cupy().random.seed(int(seed) % (1 << 32))


def manual_seed_all(seed) -> None:
    manual_seed(seed)


def is_initialized() -> bool:
    return is_available()


def empty_cache() -> None:
    if is_available():
        _backend.cupy().get_default_memory_pool().free_all_blocks()


def memory_allocated(device=None) -> int:
    if not is_available():
        return 0
    return int(_backend.cupy().get_default_memory_pool().used_bytes())


def get_device_name(device=None) -> str:
    cp = _backend.cupy()
    return cp.cuda.runtime.getDeviceProperties(0)["name"].decode()
