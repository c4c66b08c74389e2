"""The main job, `python -m ember.examples.digits`: it learns, and PyTorch loads its files."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from ._runner import HAS_TORCH, floats, run

pytest.importorskip("sklearn", reason="the bundled digits come with scikit-learn")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One short run shared by the tests below: 3 epochs, 2 loader workers."""
    out_dir = tmp_path_factory.mktemp("digits")
    out = run(
        ["-m", "ember.examples.digits", "--epochs", "3", "--batch-size", "16", "--workers", "2",
         "--output-dir", str(out_dir)],
        cwd=str(out_dir),
    )  # fmt: skip
    return out, out_dir


def test_short_run_reaches_accuracy_and_loss_falls(trained):
    out, _ = trained
    assert "2 loader workers" in out
    losses = floats(r"epoch\s+\d+/3\s+loss ([\d.]+)", out)
    assert len(losses) == 3 and losses[-1] < 0.5 * losses[0], out
    (accuracy,) = floats(r"test accuracy: ([\d.]+)%", out)
    assert accuracy >= 93.0, out
    (reloaded,) = floats(r"reloaded test accuracy ([\d.]+)%", out)
    assert reloaded == accuracy


def test_saves_checkpoint_and_torchscript_or_says_why(trained):
    out, out_dir = trained
    assert (out_dir / "digits_cnn.pt").exists()
    if "TorchScript export skipped" in out:
        assert not (out_dir / "digits_cnn_scripted.pt").exists()
    else:
        assert (out_dir / "digits_cnn_scripted.pt").exists(), out


@pytest.mark.skipif(not HAS_TORCH, reason="needs PyTorch")
@pytest.mark.filterwarnings("ignore:`torch.jit.load` is deprecated:DeprecationWarning")
def test_pytorch_loads_both_files_and_agrees_with_ember(trained):
    import torch

    import ember
    from ember.examples.digits import DigitsCNN, load_sklearn_digits

    _, out_dir = trained
    _, (x_test, y_test) = load_sklearn_digits()
    state = torch.load(out_dir / "digits_cnn.pt")  # weights_only: plain tensors
    assert sorted(state) == sorted(DigitsCNN().state_dict())
    ours = DigitsCNN()
    ours.load_state_dict(ember.load(str(out_dir / "digits_cnn.pt")))
    ours.eval()
    with ember.no_grad():
        expected = ours(ember.from_numpy(x_test)).numpy()
    archive = out_dir / "digits_cnn_scripted.pt"
    if not archive.exists():
        pytest.skip("the JIT did not export this model")
    scripted = torch.jit.load(str(archive))
    with torch.no_grad():
        got = scripted(torch.from_numpy(x_test)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    assert (got.argmax(1) == y_test).mean() >= 0.93


def test_help_lists_options():
    out = run(["-m", "ember.examples.digits", "--help"])
    for flag in ("--epochs", "--batch-size", "--workers", "--seed", "--output-dir", "--data"):
        assert flag in out


def _write_idx(path, array):
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def test_reads_mnist_idx_files(tmp_path):
    from ember.examples.digits import load_mnist

    rng = np.random.default_rng(0)
    for prefix, n in (("train", 6), ("t10k", 4)):
        _write_idx(tmp_path / f"{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28)))
        _write_idx(tmp_path / f"{prefix}-labels-idx1-ubyte.gz", np.arange(n) % 10)
    (x_train, y_train), (x_test, y_test) = load_mnist(str(tmp_path))
    assert x_train.shape == (6, 1, 28, 28) and x_train.dtype == np.float32
    assert x_test.shape == (4, 1, 28, 28)
    assert y_train.tolist() == list(range(6)) and y_test.dtype == np.int64
