"""Device -> array module. numpy for ``cpu``; cupy for ``cuda``, imported lazily.

This is the only module that imports cupy.
"""

from __future__ import annotations

import numpy as np

_cupy = None


def cupy():
    """The cupy module, or a RuntimeError saying why CUDA is unusable."""
    global _cupy
    if _cupy is None:
        try:
            import cupy as cp
        except ImportError:
            raise RuntimeError(
                "Torch not compiled with CUDA enabled: ember needs CuPy for CUDA "
                "(pip install 'ember[cuda]')"
            ) from None
        if not cp.cuda.is_available():
            raise RuntimeError("No CUDA GPUs are available")
        _cupy = cp
    return _cupy


def cuda_available() -> bool:
    try:
        import cupy as cp
    except ImportError:
        return False
    try:
        return bool(cp.cuda.is_available())
    except Exception:
        return False


def cuda_device_count() -> int:
    if not cuda_available():
        return 0
    return int(cupy().cuda.runtime.getDeviceCount())


def xp_for(device):
    """The array module for a device."""
    if device.type == "cpu":
        return np
    if device.type == "cuda":
        return cupy()
    raise RuntimeError(f"ember has no backend for device type '{device.type}'")


def to_device(array, device):
    """Copy (or pass through) an array to ``device``'s array module."""
    if device.type == "cpu":
        if isinstance(array, np.ndarray):
            return array
        return array.get()
    cp = cupy()
    with cp.cuda.Device(device.index or 0):
        return cp.asarray(array)


def device_of(array):
    """The ember device an array lives on."""
    from ._device import CPU, device

    if isinstance(array, np.ndarray):
        return CPU
    return device("cuda", int(array.device.id))
