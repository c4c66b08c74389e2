"""`python -m ember.run` and `ember.install_as_torch()`: `import torch` in a script gets ember."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _run(args, cwd):
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=120
    )


def _write(folder, name, source):
    path = folder / name
    path.write_text(textwrap.dedent(source))
    return path


def test_import_torch_gets_ember_and_sibling_module_imports_normally(tmp_path):
    _write(tmp_path, "helper.py", "SCALE = 3\n")
    script = _write(
        tmp_path,
        "train.py",
        """
        import sys
        import torch, torch.nn as nn
        import torch.nn.functional as F
        from torch import optim
        import ember
        import helper

        assert torch.Tensor is ember.Tensor
        assert nn.Linear is ember.nn.Linear and F.relu is ember.nn.functional.relu
        assert optim.SGD is ember.optim.SGD
        assert torch.nn is nn and torch.nn.functional is F
        assert helper.__file__.endswith("helper.py")
        assert sys.argv[1:] == ["--steps", "2"]
        x = torch.ones(2, 3) * helper.SCALE
        print("OK", torch.__version__, type(x).__module__, nn.Linear(3, 1)(x).shape)
        """,
    )
    r = _run(["-m", "ember.run", str(script), "--steps", "2"], cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "OK 2.13.0+ember ember._tensor torch.Size([2, 1])" in r.stdout


def test_missing_attribute_names_the_pytorch_api(tmp_path):
    script = _write(
        tmp_path,
        "s.py",
        """
        import torch.nn as nn
        assert not hasattr(nn, "NoSuchLayer")
        assert getattr(nn, "NoSuchLayer", None) is None
        nn.NoSuchLayer(3)
        """,
    )
    r = _run(["-m", "ember.run", str(script)], cwd=tmp_path)
    assert r.returncode == 1
    assert "AttributeError: ember does not implement torch.nn.NoSuchLayer yet" in r.stderr


def test_missing_submodule_names_the_pytorch_module(tmp_path):
    script = _write(tmp_path, "s.py", "import torch.no_such_module\n")
    r = _run(["-m", "ember.run", str(script)], cwd=tmp_path)
    assert r.returncode == 1
    assert "ModuleNotFoundError: ember does not implement torch.no_such_module yet" in r.stderr


def test_run_module_form_and_exit_status(tmp_path):
    _write(tmp_path, "mymod.py", "import sys, torch\nprint('MOD', sys.argv[1:])\nsys.exit(3)\n")
    r = _run(["-m", "ember.run", "-m", "mymod", "x"], cwd=tmp_path)
    assert r.returncode == 3, r.stderr
    assert "MOD ['x']" in r.stdout


def test_usage_and_missing_script(tmp_path):
    r = _run(["-m", "ember.run", "--help"], cwd=tmp_path)
    assert r.returncode == 0 and "python -m ember.run script.py" in r.stdout
    r = _run(["-m", "ember.run", str(tmp_path / "absent.py")], cwd=tmp_path)
    assert r.returncode == 2 and "can't open file" in r.stderr


def test_install_as_torch_in_process():
    code = textwrap.dedent(
        """
        import ember
        ember.install_as_torch()
        ember.install_as_torch()  # twice is harmless
        import torch
        from torch.utils import data
        assert torch.zeros(2).sum().item() == 0.0
        assert "ember" in repr(torch)
        torch.some_flag = 5  # writes go to ember's module
        assert ember.some_flag == 5
        from ember._torch_shim import uninstall_as_torch
        uninstall_as_torch()
        import sys
        assert "torch" not in sys.modules
        print("OK")
        """
    )
    r = _run(["-c", code], cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "OK" in r.stdout


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs PyTorch")
def test_install_after_real_torch_refuses():
    code = (
        "import torch, ember\n"
        "try:\n    ember.install_as_torch()\nexcept RuntimeError as e:\n    print(e)\n"
    )
    r = _run(["-c", code], cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "already imported" in r.stdout


# The PyTorch modules scripts import most; each maps to ember's module of the same path.
MAPPED = [
    "torch.nn", "torch.nn.functional", "torch.nn.init", "torch.nn.utils", "torch.optim",
    "torch.optim.lr_scheduler", "torch.utils.data", "torch.autograd", "torch.multiprocessing",
    "torch.jit", "torch.linalg", "torch.fft", "torch.cuda", "torch.distributed", "torch.testing",
]  # fmt: skip


def test_torch_submodules_map_to_ember_modules():
    code = textwrap.dedent(
        f"""
        import importlib, importlib.util
        import ember
        ember.install_as_torch()
        for name in {MAPPED!r}:
            ember_name = "ember" + name[len("torch"):]
            try:
                found = importlib.util.find_spec(ember_name) is not None
            except ModuleNotFoundError:
                found = False
            try:
                stand_in = importlib.import_module(name)
            except ModuleNotFoundError as e:
                assert not found, (name, e)
                assert str(e).startswith(f"ember does not implement {{name}} yet"), e
                print("MISSING", name)
                continue
            assert stand_in.__name__ == name
            assert stand_in._ember_module is importlib.import_module(ember_name), name
            parent, _, child = name.rpartition(".")
            assert getattr(importlib.import_module(parent), child) is stand_in, name
            print("OK", name)
        """
    )
    r = _run(["-c", code], cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("OK torch.") + r.stdout.count("MISSING torch.") == len(MAPPED)
    assert "OK torch.nn.functional" in r.stdout and "OK torch.utils.data" in r.stdout


def test_spawned_children_get_ember_too(tmp_path):
    # A spawn child re-imports the script without the parent's hook; it must still get ember.
    script = _write(
        tmp_path,
        "spawn_script.py",
        """
        import torch
        import torch.multiprocessing as mp

        def work(t):
            t.add_(1)
            print("child", torch.__version__, flush=True)

        if __name__ == "__main__":
            t = torch.zeros(3)
            t.share_memory_()
            p = mp.get_context("spawn").Process(target=work, args=(t,))
            p.start()
            p.join()
            print("parent", p.exitcode, t.tolist())
        """,
    )
    r = _run(["-m", "ember.run", str(script)], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "child 2.13.0+ember" in r.stdout and "parent 0 [1.0, 1.0, 1.0]" in r.stdout
