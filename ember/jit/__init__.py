"""ember.jit: TorchScript — trace, script, compile, save and load archives.

The IR lives in :mod:`ember.jit._ir`, its types in :mod:`ember.jit._types` and
the interpreter in :mod:`ember.jit._interpreter`.
"""

from ._interpreter import Error

__all__ = ["Error"]
