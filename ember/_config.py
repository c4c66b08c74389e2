"""Global state in one place: grad mode, default dtype, debug switches.

Grad mode is per thread, as in PyTorch; the default dtype is per process.
Environment variables are read here and nowhere else.
"""

from __future__ import annotations

import os
import threading


class _ThreadState(threading.local):
    def __init__(self) -> None:
        self.grad_enabled = True
        self.inference_mode = False
        self.anomaly = False
        self.anomaly_check_nan = True


class _ProcessState:
    def __init__(self) -> None:
        self.default_dtype = None  # set by _dtype on import (float32)
        self.deterministic = False
        self.tracer = None  # the active jit tracer, if any
        self.print_options = {}


state = _ProcessState()
local = _ThreadState()

# Environment, read once.
ENV_DEBUG = os.environ.get("EMBER_DEBUG", "") not in ("", "0")


def grad_enabled() -> bool:
    return local.grad_enabled
