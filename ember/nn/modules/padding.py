"""Padding layers: constant, zero, reflection, replication and circular, in 1/2/3 dims."""

from __future__ import annotations

from .._functional.padding import pad
from .module import Module

__all__ = ["ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d",
           "ZeroPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d",
           "CircularPad2d", "CircularPad3d"]  # fmt: skip


def _ntuple(v, n):
    return tuple(v) if isinstance(v, (list, tuple)) else (v,) * n


class _PadNd(Module):
    _nd = 1
    _mode = "constant"

    def __init__(self, padding):
        super().__init__()
        self.padding = _ntuple(padding, 2 * self._nd)

    def forward(self, input):
        return pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    __constants__ = ["padding", "value"]

    def __init__(self, padding, value: float):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


def _make(name, base, nd, mode, doc):
    return type(name, (base,), {"_nd": nd, "_mode": mode, "__doc__": doc,
                                "__module__": __name__})  # fmt: skip


ConstantPad1d = _make("ConstantPad1d", _ConstantPadNd, 1, "constant", "Pads with a constant.")
ConstantPad2d = _make("ConstantPad2d", _ConstantPadNd, 2, "constant", "Pads with a constant.")
ConstantPad3d = _make("ConstantPad3d", _ConstantPadNd, 3, "constant", "Pads with a constant.")


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


ZeroPad1d = _make("ZeroPad1d", _ZeroPadNd, 1, "constant", "Pads with zeros.")
ZeroPad2d = _make("ZeroPad2d", _ZeroPadNd, 2, "constant", "Pads with zeros.")
ZeroPad3d = _make("ZeroPad3d", _ZeroPadNd, 3, "constant", "Pads with zeros.")
ReflectionPad1d = _make("ReflectionPad1d", _PadNd, 1, "reflect", "Pads by reflection.")
ReflectionPad2d = _make("ReflectionPad2d", _PadNd, 2, "reflect", "Pads by reflection.")
ReflectionPad3d = _make("ReflectionPad3d", _PadNd, 3, "reflect", "Pads by reflection.")
ReplicationPad1d = _make("ReplicationPad1d", _PadNd, 1, "replicate", "Pads with the edge.")
ReplicationPad2d = _make("ReplicationPad2d", _PadNd, 2, "replicate", "Pads with the edge.")
ReplicationPad3d = _make("ReplicationPad3d", _PadNd, 3, "replicate", "Pads with the edge.")
CircularPad1d = _make("CircularPad1d", _PadNd, 1, "circular", "Pads by wrapping around.")
CircularPad2d = _make("CircularPad2d", _PadNd, 2, "circular", "Pads by wrapping around.")
CircularPad3d = _make("CircularPad3d", _PadNd, 3, "circular", "Pads by wrapping around.")
