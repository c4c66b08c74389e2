"""ember.jit: TorchScript — trace, script, compile, save and load archives.

The IR lives in :mod:`ember.jit._ir` (its docstring is the reference for
building graphs), its types in :mod:`ember.jit._types`, the interpreter in
:mod:`ember.jit._interpreter`; compiled modules and functions in
:mod:`ember.jit._script_module`; tracing in :mod:`ember.jit._trace`; the
TorchScript printer in :mod:`ember.jit._codegen`; archives in
:mod:`ember.jit._archive_writer` / :mod:`ember.jit._archive_reader`; the
Python-syntax front end (``script``, ``compile``, archive code) in
:mod:`ember.jit._frontend`.
"""

from __future__ import annotations

from typing import Final  # noqa: F401  (ember.jit.Final, as torch.jit.Final)

from ._interpreter import Error
from ._script_module import (
    CompilationUnit,
    RecursiveScriptModule,
    ScriptFunction,
    ScriptModule,
    is_scripting,
    is_tracing,
)
from ._trace import TracerWarning, TracingCheckError, trace, trace_module

__all__ = [
    "Attribute", "CompilationUnit", "Error", "Final", "RecursiveScriptModule", "ScriptFunction",
    "ScriptModule", "TracerWarning", "TracingCheckError", "annotate", "compile", "export",
    "freeze", "ignore", "is_scripting", "is_tracing", "load", "save", "script", "trace",
    "trace_module", "unused",
]  # fmt: skip


def save(m, f, _extra_files=None) -> None:
    """Save a ScriptModule (or ScriptFunction) as a TorchScript archive."""
    from ._archive_writer import save as _save
    from ._archive_writer import save_function

    if isinstance(m, ScriptFunction):
        save_function(m, f, _extra_files)
    else:
        _save(m, f, _extra_files)


def load(f, map_location=None, _extra_files=None, _restore_shapes=False):
    """Load a TorchScript archive written by ember or by PyTorch."""
    from ._archive_reader import load as _load

    return _load(f, map_location=map_location, _extra_files=_extra_files)


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """Compile a function or Module from its Python source (the TorchScript subset)."""
    if isinstance(obj, (ScriptModule, ScriptFunction)):
        return obj
    try:
        from ._frontend import script as _script
    except ImportError as e:
        raise NotImplementedError(
            "ember.jit.script needs the TorchScript front end (ember.jit._frontend.script), "
            "which is not available"
        ) from e
    return _script(obj)


def compile(source: str) -> CompilationUnit:  # noqa: A001 - torch's name
    """Compile TorchScript source; returns a CompilationUnit of its functions."""
    return CompilationUnit(source)


def export(fn):
    """Mark a module method to be compiled as an entry point besides ``forward``."""
    fn._ember_jit_export = True
    return fn


def ignore(drop=False, **kwargs):
    """Leave a function as Python: compiled code calls it (or, with drop, raises)."""
    if callable(drop):
        drop._ember_jit_ignore = True
        return drop

    def deco(fn):
        fn._ember_jit_ignore = True
        fn._ember_jit_drop = bool(drop)
        return fn

    return deco


def unused(fn):
    """Compile a call to ``fn`` as raising an exception (the body is not compiled)."""
    fn._ember_jit_unused = True
    return fn


def annotate(the_type, the_value):
    """Give a value a static type for the compiler; at run time, the value itself."""
    return the_value


class Attribute:
    """``self.x = ember.jit.Attribute(value, type)`` declares an attribute's type."""

    def __new__(cls, value, type=None):  # noqa: A002 - torch's name
        return value


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    raise NotImplementedError("ember.jit.freeze is not implemented yet")
