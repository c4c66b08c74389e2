"""``import torch`` that gives ember: an import hook for running PyTorch programs unchanged.

:func:`install_as_torch` puts a finder at the front of :data:`sys.meta_path` that answers
for ``torch`` and every ``torch.<sub>`` name. Each answer is a thin module object that
stands for the ember module of the same path (``torch.nn.functional`` stands for
``ember.nn.functional``), so ``import torch``, ``import torch.nn as nn``, ``from
torch.utils.data import DataLoader`` and ``torch.optim.Adam`` all reach ember. Every other
import, the script's own modules included, goes through the normal machinery untouched.

NOTE [ Why stand-in modules rather than aliases in sys.modules ]
Binding ``sys.modules["torch"] = ember`` would be shorter, but a name that ember lacks
would then fail with "module 'ember' has no attribute 'X'", which tells a PyTorch user
little. The stand-ins forward every attribute read and write to the ember module and turn
a miss into "ember does not implement torch.X yet", still an ``AttributeError`` so that
``hasattr`` and ``getattr(m, name, default)`` keep working. Objects themselves are never
wrapped: ``torch.Tensor is ember.Tensor``, so ``isinstance``, subclassing and pickling see
ember's own classes. A stand-in keeps only import bookkeeping (``__spec__``, ``__path__``,
child stand-ins) in its own ``__dict__``; everything else lives on the ember module.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types

_TORCH = "torch"
_EMBER = "ember"
# Dunder names a stand-in reads from the ember module; other dunders belong to the stand-in.
_FORWARDED_DUNDERS = frozenset({"__version__", "__all__", "__file__"})


def _ember_name(torch_name: str) -> str:
    return _EMBER + torch_name[len(_TORCH) :]


def _torch_name(ember_name: str) -> str:
    return _TORCH + ember_name[len(_EMBER) :]


def _is_ember_module_name(name: str) -> bool:
    return name == _EMBER or name.startswith(_EMBER + ".")


class _TorchModule(types.ModuleType):
    """The module a script gets for ``torch[.sub]``: a window onto the ember module."""

    def __init__(self, name: str, target: types.ModuleType):
        super().__init__(name, target.__doc__)
        object.__setattr__(self, "_ember_module", target)

    def __getattr__(self, attr: str):
        # Only called when normal lookup (the stand-in's own __dict__) misses.
        if attr.startswith("__") and attr.endswith("__") and attr not in _FORWARDED_DUNDERS:
            raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r}")
        target = self.__dict__["_ember_module"]
        try:
            value = getattr(target, attr)
        except AttributeError:
            raise AttributeError(f"ember does not implement {self.__name__}.{attr} yet") from None
        if isinstance(value, types.ModuleType) and _is_ember_module_name(value.__name__):
            # torch.nn reached as an attribute must be the stand-in too, so that misses
            # one level down still name the PyTorch API.
            return importlib.import_module(_torch_name(value.__name__))
        return value

    def __setattr__(self, attr: str, value) -> None:
        if isinstance(value, _TorchModule) or (attr.startswith("__") and attr.endswith("__")):
            object.__setattr__(self, attr, value)
        else:
            setattr(self.__dict__["_ember_module"], attr, value)

    def __delattr__(self, attr: str) -> None:
        if attr in self.__dict__:
            object.__delattr__(self, attr)
        else:
            delattr(self.__dict__["_ember_module"], attr)

    def __dir__(self):
        return sorted(set(dir(self.__dict__["_ember_module"])) | set(self.__dict__))

    def __repr__(self) -> str:
        return f"<module {self.__name__!r} (ember: {self.__dict__['_ember_module'].__name__})>"


class _TorchFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds and loads ``torch`` and ``torch.*`` as stand-ins for ember's modules."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != _TORCH and not fullname.startswith(_TORCH + "."):
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):
        ember_name = _ember_name(spec.name)
        try:
            target = importlib.import_module(ember_name)
        except ModuleNotFoundError as e:
            # Only a missing ember module is ember's gap; a dependency missing inside an
            # existing ember module is a different problem and keeps its own message.
            if e.name is not None and not (
                ember_name == e.name or ember_name.startswith(e.name + ".")
            ):
                raise
            raise ModuleNotFoundError(
                f"ember does not implement {spec.name} yet (no module {ember_name})",
                name=spec.name,
            ) from None
        return _TorchModule(spec.name, target)

    def exec_module(self, module) -> None:
        pass  # the ember module is already imported; the stand-in has nothing to run


_finder: _TorchFinder | None = None


def install_as_torch() -> None:
    """Make ``import torch`` (and ``torch.nn``, ``torch.optim``, …) import ember.

    Call it before anything imports torch, e.g. at the top of a notebook; a script can
    instead be run with ``python -m ember.run script.py``. Names ember lacks raise
    ``AttributeError``/``ModuleNotFoundError`` that name the missing PyTorch API. Calling
    it again does nothing.

    Raises:
        RuntimeError: if the real PyTorch is already imported in this process.

    Example::

        >>> import ember
        >>> ember.install_as_torch()
        >>> import torch
        >>> torch.ones(2).sum().item()
        2.0
    """
    global _finder
    loaded = sys.modules.get(_TORCH)
    if loaded is not None and not isinstance(loaded, _TorchModule):
        raise RuntimeError(
            "install_as_torch(): PyTorch is already imported in this process; "
            "call it before the first `import torch`"
        )
    if _finder is None:
        _finder = _TorchFinder()
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)


def uninstall_as_torch() -> None:
    """Undo :func:`install_as_torch`: remove the hook and forget the stand-in modules."""
    global _finder
    if _finder is not None and _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    _finder = None
    for name in [n for n, m in sys.modules.items() if isinstance(m, _TorchModule)]:
        del sys.modules[name]
