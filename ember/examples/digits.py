"""Train a small CNN on handwritten digits, then save it for PyTorch and TorchScript.

Run: ``python -m ember.examples.digits [--epochs N] [--data MNIST_DIR] ...``

By default it uses scikit-learn's bundled 8x8 digits (1,797 images, no download; install
with ``pip install -e '.[examples]'``); ``--data DIR`` points it at MNIST's idx files
instead (``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``,
``t10k-labels-idx1-ubyte``, optionally ``.gz``). Batches come from a DataLoader with worker
processes; a tqdm bar shows the loss and throughput. At the end it reports the test-set
accuracy and writes ``digits_cnn.pt`` (a state dict that ``torch.load`` reads) and, when the
JIT can export the model, ``digits_cnn_scripted.pt`` (a TorchScript archive for
``torch.jit.load`` or libtorch).
"""

from __future__ import annotations

import argparse
import gzip
import os
import struct
import sys
import time

import numpy as np

import ember as torch
import ember.nn as nn
import ember.nn.functional as F
from ember.utils.data import DataLoader, TensorDataset

CHECKPOINT = "digits_cnn.pt"
ARCHIVE = "digits_cnn_scripted.pt"


class DigitsCNN(nn.Module):
    """Two 3x3 convolutions with ReLU and 2x2 max pooling, then two linear layers.

    Args:
        size: height (= width) of the input images: 8 for the bundled digits, 28 for MNIST.
    """

    def __init__(self, size: int = 8, channels: int = 16, hidden: int = 64, classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, 2 * channels, 3, padding=1)
        self.fc1 = nn.Linear(2 * channels * (size // 4) ** 2, hidden)
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc2(F.relu(self.fc1(x)))


# ---------------------------------------------------------------------------- data


def load_sklearn_digits(test_fraction: float = 0.2):
    """scikit-learn's 8x8 digits, scaled to [0, 1], split by a fixed permutation."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise SystemExit(
            "the bundled digits need scikit-learn: pip install -e '.[examples]' "
            "(or pass --data DIR with MNIST idx files)"
        ) from None
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None]  # (N, 1, 8, 8)
    labels = digits.target.astype(np.int64)
    order = np.random.default_rng(0).permutation(len(labels))  # same split for every seed
    n_test = int(len(labels) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return (images[train], labels[train]), (images[test], labels[test])


def _read_idx(path: str) -> np.ndarray:
    """Read one idx file (MNIST's format): magic, dimension sizes, then uint8 data."""
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path}: not an idx file of unsigned bytes")
    shape = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_mnist(folder: str):
    """MNIST idx files from ``folder``, normalised with MNIST's mean and standard deviation."""

    def split(prefix):
        images = _read_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte"))
        labels = _read_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte"))
        images = ((images.astype(np.float32) / 255.0 - 0.1307) / 0.3081)[:, None]
        return images, labels.astype(np.int64)

    return split("train"), split("t10k")


# ---------------------------------------------------------------------------- training


def _progress(iterable, desc: str, total: int, enabled: bool):
    try:
        from tqdm import tqdm
    except ImportError:
        return None if not enabled else _NoBar(iterable)
    # disable=None: a bar on a terminal, silence when output is piped (CI logs).
    return tqdm(iterable, desc=desc, total=total, unit="batch", disable=None if enabled else True)


class _NoBar:
    """Stands in for a tqdm bar when tqdm is not installed."""

    def __init__(self, iterable):
        self.iterable = iterable

    def __iter__(self):
        return iter(self.iterable)

    def set_postfix(self, **kwargs):
        pass

    def close(self):
        pass


def evaluate(model: nn.Module, images, labels, batch_size: int = 512) -> float:
    """Fraction of ``images`` that ``model`` labels correctly."""
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(labels), batch_size):
            x = torch.from_numpy(images[i : i + batch_size])
            y = torch.from_numpy(labels[i : i + batch_size])
            correct += int((model(x).argmax(dim=1) == y).sum())
    return correct / len(labels)


def export_torchscript(model: nn.Module, example, path: str) -> bool:
    """Save ``model`` as a TorchScript archive when ember's JIT can; say why when it cannot."""
    jit = getattr(torch, "jit", None)
    if jit is None or not hasattr(jit, "save") or not hasattr(jit, "trace"):
        print("note: TorchScript export skipped: this ember has no jit.save yet")
        return False
    try:
        model.eval()
        traced = jit.trace(model, example)
        jit.save(traced, path)
    except Exception as e:  # the JIT is young: report, keep the checkpoint
        print(f"note: TorchScript export skipped: the JIT could not export the model ({e!r})")
        if os.path.exists(path):
            os.remove(path)
        return False
    return True


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m ember.examples.digits",
        description="Train a small CNN on handwritten digits with ember; save it for PyTorch.",
    )
    p.add_argument("--epochs", type=int, default=8, help="passes over the training set (8)")
    p.add_argument("--batch-size", type=int, default=32, help="training batch size (32)")
    p.add_argument("--workers", type=int, default=2, help="DataLoader worker processes (2)")
    p.add_argument("--seed", type=int, default=0, help="random seed (0)")
    p.add_argument("--lr", type=float, default=5e-3, help="Adam learning rate (5e-3)")
    p.add_argument(
        "--output-dir", default="digits_output", help="where the model files go (digits_output)"
    )
    p.add_argument(
        "--data", metavar="DIR", default=None, help="MNIST idx files instead of the 8x8 digits"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def main(argv=None) -> float:
    args = build_parser().parse_args(argv)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)

    if args.data:
        (x_train, y_train), (x_test, y_test) = load_mnist(args.data)
        source = f"MNIST from {args.data}"
    else:
        (x_train, y_train), (x_test, y_test) = load_sklearn_digits()
        source = "scikit-learn 8x8 digits"
    size = x_train.shape[-1]
    print(
        f"{source}: {len(y_train)} training and {len(y_test)} test images of {size}x{size}, "
        f"{args.workers} loader workers"
    )

    train_set = TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train))
    loader = DataLoader(
        train_set,
        batch_size=args.batch_size,
        shuffle=True,
        num_workers=args.workers,
        persistent_workers=args.workers > 0,
        generator=torch.Generator().manual_seed(args.seed),
    )
    model = DigitsCNN(size=size)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(args.epochs, 1))

    start = time.perf_counter()
    accuracy = 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        bar = _progress(loader, f"epoch {epoch}/{args.epochs}", len(loader), not args.no_progress)
        seen, loss_sum, t0 = 0, 0.0, time.perf_counter()
        for x, y in bar if bar is not None else loader:
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            seen += len(y)
            loss_sum += loss.item() * len(y)
            if bar is not None:
                rate = seen / max(time.perf_counter() - t0, 1e-9)
                bar.set_postfix(loss=f"{loss.item():.3f}", img_s=f"{rate:.0f}")
        if bar is not None:
            bar.close()
        scheduler.step()
        accuracy = evaluate(model, x_test, y_test)
        rate = seen / max(time.perf_counter() - t0, 1e-9)
        print(
            f"epoch {epoch:2d}/{args.epochs}  loss {loss_sum / max(seen, 1):.4f}  "
            f"{rate:6.0f} img/s  test accuracy {100 * accuracy:.2f}%",
            flush=True,
        )
    elapsed = time.perf_counter() - start
    print(f"test accuracy: {100 * accuracy:.2f}% after {args.epochs} epochs in {elapsed:.1f}s")

    os.makedirs(args.output_dir, exist_ok=True)
    checkpoint = os.path.join(args.output_dir, CHECKPOINT)
    torch.save(model.state_dict(), checkpoint)
    reloaded = DigitsCNN(size=size)
    reloaded.load_state_dict(torch.load(checkpoint))
    print(
        f"saved {checkpoint} (torch.load reads it; reloaded test accuracy "
        f"{100 * evaluate(reloaded, x_test, y_test):.2f}%)"
    )
    archive = os.path.join(args.output_dir, ARCHIVE)
    if export_torchscript(model, torch.from_numpy(x_test[:1]), archive):
        print(f"saved {archive} (TorchScript: torch.jit.load or libtorch reads it)")
    sys.stdout.flush()
    return accuracy


if __name__ == "__main__":
    main()
