"""Run an example in a subprocess, on ember (through ``python -m ember.run``) or on PyTorch."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import runpy
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples")
HAS_TORCH = importlib.util.find_spec("torch") is not None
# One BLAS thread per process: the suite runs two processes on two cores.
_THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _env():
    env = dict(os.environ, **_THREADS)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run(argv, cwd=ROOT, timeout=120):
    """Run ``python *argv``; fail with its output when it exits non-zero."""
    r = subprocess.run(
        [sys.executable, *argv], cwd=cwd, env=_env(), capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    if r.returncode != 0:
        raise AssertionError(f"{argv} exited {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r.stdout


def run_ember(script, *args, **kw):
    """``python -m ember.run examples/<script> args``: the script's ``import torch`` gets ember."""
    return run(["-m", "ember.run", os.path.join(EXAMPLES, script), *args], **kw)


def run_torch(script, *args):
    """The same script on PyTorch itself, in this process (the suite has torch imported
    already as its reference, so this saves a second start of PyTorch); returns its stdout."""
    import torch  # fail here, not inside the script, when torch is absent

    path = os.path.join(EXAMPLES, script)
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv, sys.path[:0] = [path, *args], [os.path.dirname(path)]
    out = io.StringIO()
    try:
        # fork_rng: the script seeds torch; leave the suite's generator as it was.
        with contextlib.redirect_stdout(out), torch.random.fork_rng():
            runpy.run_path(path, run_name="__main__")
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
    return out.getvalue()


def floats(pattern, text):
    """Every float captured by ``pattern``'s first group, in order."""
    return [float(m) for m in re.findall(pattern, text)]
