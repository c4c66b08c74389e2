"""libtorch (C++, the path TorchSharp takes) loads an ember archive and runs forward."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

SOURCE = Path(os.environ.get("EMBER_SPEC_EXAMPLES", "/work/shared/specs/formats_examples"))
CPP = SOURCE / "cpp_load_check.cpp"


def _compiler():
    for name in ("g++", "c++", "clang++"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def cpp_binary():
    cxx = _compiler()
    if cxx is None:
        pytest.skip("no C++ compiler")
    if not CPP.exists():
        pytest.skip(f"{CPP} not found")
    src = CPP.read_bytes()
    tdir = Path(torch.__file__).parent
    key = hashlib.sha256(src + str(tdir).encode() + torch.__version__.encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / "ember-jit-cpp" / key
    binary = cache / "cpp_load_check"
    if not binary.exists():
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f"build-{os.getpid()}"
        cmd = [
            cxx, "-std=c++17", "-O0", str(CPP), f"-I{tdir}/include",
            f"-I{tdir}/include/torch/csrc/api/include", f"-L{tdir}/lib", "-ltorch",
            "-ltorch_cpu", "-lc10", f"-Wl,-rpath,{tdir}/lib", "-D_GLIBCXX_USE_CXX11_ABI=1",
            "-o", str(tmp),
        ]  # fmt: skip
        res = subprocess.run(cmd, capture_output=True, text=True)
        assert res.returncode == 0, res.stderr[-3000:]
        os.replace(tmp, binary)
    return binary


def _parse_rows(text):
    rows = []
    for line in text.splitlines():
        parts = line.split()
        try:
            rows.append([float(p) for p in parts])
        except ValueError:
            continue
    return [r for r in rows if r]


def test_libtorch_runs_an_ember_archive(cpp_binary, tmp_path):
    ember.manual_seed(0)
    m = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.Tanh(), ember.nn.Linear(4, 2))
    sm = ember.jit.trace(m, ember.randn(2, 3))
    path = tmp_path / "mlp.pt"
    sm.save(str(path))
    res = subprocess.run([str(cpp_binary), str(path)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "forward ok" in res.stdout
    x = ember.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]])
    want = m(x).detach().numpy()
    body = res.stdout.split("forward ok:")[1].split("[ CPUFloatType")[0]
    got = np.array(_parse_rows(body), dtype=np.float32)
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-4)
    assert "param 0.weight [4, 3]" in res.stdout and "param 2.bias [2]" in res.stdout


class _ImageHead(ember.nn.Module):
    """Turns the C++ program's fixed (2, 3) input into an image for conv/BN/pooling layers."""

    def __init__(self):
        super().__init__()
        nn = ember.nn
        self.conv = nn.Conv2d(1, 2, 1)
        self.bn = nn.BatchNorm2d(2)
        self.pool = nn.MaxPool2d((1, 2), stride=1)
        self.adapt = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(2, 2)

    def forward(self, x):
        img = x.unsqueeze(0).unsqueeze(0)
        y = self.adapt(self.pool(ember.relu(self.bn(self.conv(img)))))
        return self.fc(y.flatten(1))


def test_libtorch_runs_a_traced_cnn_archive(cpp_binary, tmp_path):
    ember.manual_seed(0)
    m = _ImageHead().eval()
    sm = ember.jit.trace(m, ember.randn(2, 3))
    path = tmp_path / "cnn.pt"
    sm.save(str(path))
    res = subprocess.run([str(cpp_binary), str(path)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    x = ember.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]])
    want = m(x).detach().numpy()
    body = res.stdout.split("forward ok:")[1].split("[ CPUFloatType")[0]
    got = np.array(_parse_rows(body), dtype=np.float32)
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-4)
