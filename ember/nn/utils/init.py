"""``nn.utils.skip_init``: build a module without running its initialisation."""

from __future__ import annotations

import inspect

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """Returns ``module_cls(*args, **kwargs)`` whose parameters hold arbitrary values.

    PyTorch builds the module on the meta device and allocates empty storage; ember
    builds it directly, so the values are the default initialisation's (which a
    caller of ``skip_init`` must overwrite in either case).
    """
    from ..modules.module import Module

    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    kwargs.setdefault("device", "cpu")
    return module_cls(*args, **kwargs)
