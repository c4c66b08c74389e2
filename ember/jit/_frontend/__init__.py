"""The TorchScript front end: Python source (``script``, ``compile``) and archive code -> IR.

Public hooks (used by :mod:`ember.jit` and the archive reader):

``script(obj)``
    ``ember.jit.script`` for a function (-> ScriptFunction) or an nn.Module
    instance (-> RecursiveScriptModule sharing the module's parameters).
``compile_source(src, cu=None) -> list[ScriptFunction]``
    the functions of TorchScript source text, for ``CompilationUnit.define``.
``compile_archive_classes(sources, version, constants=()) -> ArchiveProgram``
    parse the ``code/`` files of a TorchScript archive. ``sources`` maps a
    qualifier (``"__torch__"``, ``"__torch__.torch.nn.modules.linear"``) to the
    file's text; ``version`` is the archive's version (upgraders of formats.md
    §2.7 apply below it); ``constants`` is the unpickled ``constants.pkl``
    tuple (``CONSTANTS.cN``). The result has ``classes``: qualified class name
    -> :class:`~.archive_code.ClassInfo` (``parameters``, ``buffers``,
    ``attributes`` name -> JitType in slot order, ``constants``, ``methods``
    name -> ScriptFunction compiled lazily via ``info.method(name)``), and
    ``functions``: qualified name -> ScriptFunction. ``program.build_module(obj)``
    turns an unpickled archive object (qualified class name + attribute dict)
    into a RecursiveScriptModule. Code is parsed with ``ast`` and never executed;
    an operator ember lacks fails with a RuntimeError naming it.

``import_archive(contents) -> RecursiveScriptModule``
    what ``ember.jit.load`` calls with ``_archive_reader.read_archive``'s result.

Graphs built here use the IR's node kinds plus ``aten::<name>`` nodes for
archive operators (see NOTE [ aten:: node kinds ] in :mod:`.schema`).
"""

from __future__ import annotations

# Submodules first: importing ``.script`` / ``.compile`` binds the package attributes of
# those names to the modules, so the functions below must be defined after.
from . import archive_code as _archive_code
from . import compile as _compile
from . import script as _script


def script(obj):
    return _script.script(obj)


def compile_source(src, cu=None, filename="<string>"):
    return _compile.compile_source(src, cu, filename)


def compile_archive_classes(sources, version, constants=()):
    return _archive_code.compile_archive_classes(sources, version, constants)


def import_archive(contents):
    """The RecursiveScriptModule of an archive read by ``_archive_reader.read_archive``.

    ``contents.code`` maps ``"__torch__/a/b.py"`` to source text; ``contents.root``
    is the unpickled object tree of ArchiveObjects (``qualified_name``, ``state``).
    """
    sources = {}
    for path, text in contents.code.items():
        sources[path[: -len(".py")].replace("/", ".")] = text
    prog = compile_archive_classes(sources, contents.version, contents.constants)

    def build(obj):
        if hasattr(obj, "qualified_name") and hasattr(obj, "state"):
            info = prog.classes.get(obj.qualified_name)
            if info is None:
                raise RuntimeError(f"archive code defines no class {obj.qualified_name}")
            if info.kind != "Module":
                raise NotImplementedError(
                    f"objects of TorchScript class {obj.qualified_name} ({info.kind}) as "
                    "attributes are not supported by ember.jit.load yet"
                )
            state = {k: build(v) for k, v in obj.state.items()}
            return prog.build_module(obj.qualified_name, state)
        return obj

    return build(contents.root)


__all__ = ["script", "compile_source", "compile_archive_classes", "import_archive"]
