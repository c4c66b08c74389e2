"""Placeholder ``torch`` that only ``python -m ember.run`` puts on ``sys.path``.

A child process started with the ``spawn`` or ``forkserver`` method imports the script
afresh, without the parent's import hook but with the parent's ``sys.path``. Finding this
placeholder first, it installs the hook and hands back ember's stand-in for ``torch``: the
import system returns whatever ``sys.modules["torch"]`` holds once this module finishes.
See NOTE [ Why stand-in modules rather than aliases in sys.modules ] in ember/_torch_shim.py.
"""

import importlib as _importlib
import sys as _sys

from ember._torch_shim import install_as_torch as _install

del _sys.modules[__name__]
_install()
_sys.modules[__name__] = _importlib.import_module(__name__)
