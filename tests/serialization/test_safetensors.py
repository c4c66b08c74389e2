"""ember.utils.safetensors against the safetensors package."""

from __future__ import annotations

import pytest

import ember
from ember.utils import safetensors as es

from ..util import assert_same, from_torch, torch

st_torch = pytest.importorskip("safetensors.torch")


def _tensors():
    return {
        "w": torch.randn(3, 4),
        "b16": torch.randn(5).to(torch.bfloat16),
        "i": torch.arange(7, dtype=torch.int64),
        "flag": torch.tensor([True, False]),
        "empty": torch.zeros(0, 2),
        "scalar": torch.tensor(2.5, dtype=torch.float64),
        "h": torch.ones(2, dtype=torch.float16),
    }


def test_package_writes_ember_reads(tmp_path):
    ts = _tensors()
    st_torch.save_file(ts, tmp_path / "a.safetensors", metadata={"format": "pt"})
    got = es.load_file(tmp_path / "a.safetensors")
    assert set(got) == set(ts)
    for k in ts:
        assert_same(got[k], ts[k])
    with es.safe_open(tmp_path / "a.safetensors") as f:
        assert f.metadata() == {"format": "pt"}
        assert_same(f.get_tensor("w"), ts["w"])


def test_ember_writes_package_reads(tmp_path):
    ts = _tensors()
    es.save_file({k: from_torch(v) for k, v in ts.items()}, tmp_path / "b.safetensors",
                 metadata={"format": "pt"})  # fmt: skip
    got = st_torch.load_file(tmp_path / "b.safetensors")
    for k in ts:
        assert torch.equal(got[k], ts[k]), k
    raw = es.save({k: from_torch(v) for k, v in ts.items()})
    assert (tmp_path / "b.safetensors").read_bytes()[8:].find(b"format") > 0
    for k, v in st_torch.load(raw).items():
        assert torch.equal(v, ts[k])
    assert set(es.load(raw)) == set(ts)


def test_shared_memory_refused_and_corrupt_files_rejected(tmp_path):
    a = ember.ones(4)
    with pytest.raises(RuntimeError, match="share memory"):
        es.save({"a": a, "b": a})
    raw = bytearray(es.save({"x": ember.ones(3)}))
    with pytest.raises(es.SafetensorError):
        es.load(bytes(raw[:-1]))
    with pytest.raises(es.SafetensorError):
        es.load(b"\xff" * 8 + bytes(raw[8:]))
    with pytest.raises(es.SafetensorError):
        es.load(bytes(raw[:4]))
