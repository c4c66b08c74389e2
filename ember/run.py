"""Run a PyTorch program on ember, unchanged.

Usage::

    python -m ember.run script.py [args ...]
    python -m ember.run -m package.module [args ...]

The script runs as ``__main__`` exactly as ``python script.py`` would run it (its folder first
on ``sys.path``, ``sys.argv`` holding the script and its arguments), except that
``import torch`` and every ``torch.<sub>`` import give ember's modules. See
:func:`ember.install_as_torch`.
"""

from __future__ import annotations

import os
import runpy
import sys

from ._torch_shim import install_as_torch

_USAGE = """\
usage: python -m ember.run script.py [args ...]
       python -m ember.run -m module [args ...]

Run a PyTorch program with ember standing in for `torch`: `import torch`, `torch.nn`,
`torch.optim`, `torch.utils.data`, ... import ember's modules. The program's own
modules import as usual.
"""


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_USAGE, end="")
        raise SystemExit(0 if argv else 2)
    install_as_torch()
    if argv[0] == "-m":
        if len(argv) < 2:
            print(_USAGE, end="", file=sys.stderr)
            raise SystemExit(2)
        # Like `python -m`: the current directory leads sys.path, argv[0] becomes the file.
        sys.argv = [argv[1], *argv[2:]]
        _help_spawned_children()
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        return
    script = argv[0]
    if not os.path.exists(script):
        print(f"python -m ember.run: can't open file {script!r}", file=sys.stderr)
        raise SystemExit(2)
    sys.argv = argv
    # `python script.py` puts the script's folder first on sys.path, not the cwd that
    # `python -m ember.run` put there.
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    _help_spawned_children()
    runpy.run_path(script, run_name="__main__")


def _help_spawned_children() -> None:
    # Processes started by `spawn`/`forkserver` (DataLoader workers, torch.multiprocessing)
    # re-import the script with our sys.path but not our import hook; a placeholder `torch`
    # package ahead of site-packages installs the hook there. Fork children inherit it.
    alias = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_as_torch")
    if os.path.isdir(os.path.join(alias, "torch")) and alias not in sys.path:
        sys.path.insert(1, alias)


if __name__ == "__main__":
    main()
