"""Run the benchmarks: ``python -m benchmarks [substring ...]``."""

from __future__ import annotations

import importlib
import pkgutil
import sys

from . import __path__ as _path
from .runner import compare


def main(argv):
    for info in sorted(pkgutil.iter_modules(_path), key=lambda m: m.name):
        if not info.name.startswith("bench_"):
            continue
        mod = importlib.import_module(f"benchmarks.{info.name}")
        for name, make in getattr(mod, "WORKLOADS", {}).items():
            if argv and not any(a in name or a in info.name for a in argv):
                continue
            compare(name, make)


if __name__ == "__main__":
    main(sys.argv[1:])
