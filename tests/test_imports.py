"""Every ember module imports on its own, and ember runs with torch made unimportable."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import ember

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(ember.__path__, "ember.") if ".examples." not in m.name
)


@pytest.mark.parametrize("name", MODULES)
def test_module_imports_alone(name):
    r = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


TRAIN_STEP = r"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("torch is blocked in this test")
        return None
sys.meta_path.insert(0, Block())
import ember as torch
torch.manual_seed(0)
x = torch.randn(32, 10)
y = torch.randn(32, 1)
w = torch.randn(10, 1, requires_grad=True)
losses = []
for _ in range(5):
    loss = ((x @ w - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
        w.grad = None
    losses.append(loss.item())
assert losses[-1] < losses[0], losses
assert not any(m == "torch" or m.startswith("torch.") for m in sys.modules), "torch was imported"
print("ok")
"""


def test_training_step_without_torch():
    r = subprocess.run([sys.executable, "-c", TRAIN_STEP], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
