"""ember.save / ember.load against torch.save / torch.load."""

from __future__ import annotations

import copy
import io
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember
from ember.serialization import _zip

from ..util import DTYPE_NAMES, assert_same, from_torch, tdtype, to_torch, torch


def _torch_values(dtype):
    t = torch.arange(12).reshape(3, 4)
    return (t % 2 == 0) if dtype == "bool" else t.to(tdtype(dtype))


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_torch_saves_ember_loads_every_dtype(tmp_path, dtype):
    t = _torch_values(dtype)
    obj = {"t": t, "view": t[1:, 2:], "tt": t.t(), "scalar": t[0, 0].clone()}
    torch.save(obj, tmp_path / "x.pt")
    e = ember.load(tmp_path / "x.pt")
    for k in obj:
        assert_same(e[k], obj[k])
        assert e[k].stride() == obj[k].stride()
        assert e[k].storage_offset() == obj[k].storage_offset()
    assert e["view"].untyped_storage().data_ptr() == e["t"].untyped_storage().data_ptr()


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_ember_saves_torch_loads_every_dtype(tmp_path, dtype):
    t = from_torch(_torch_values(dtype))
    obj = {"t": t, "view": t[1:, 2:], "tt": t.t()}
    ember.save(obj, tmp_path / "x.pt")
    got = torch.load(tmp_path / "x.pt")  # weights_only=True by default
    for k in obj:
        assert_same(obj[k], got[k])
        assert got[k].stride() == obj[k].stride()
        assert got[k].storage_offset() == obj[k].storage_offset()
    assert got["view"].untyped_storage().data_ptr() == got["t"].untyped_storage().data_ptr()


def test_nested_containers_parameters_and_metadata_round_trip(tmp_path):
    sd = OrderedDict([("fc.weight", ember.ones(2, 3)), ("fc.bias", ember.zeros(2))])
    sd._metadata = OrderedDict([("", {"version": 1}), ("fc", {"version": 1})])
    obj = {
        "sd": sd,
        "p": ember.nn.Parameter(ember.arange(3.0)),
        "frozen": ember.nn.Parameter(ember.ones(1), requires_grad=False),
        "misc": [1, -5, 2**40, 2.5, "s", b"bytes", None, True, (1, 2), {3, 4}],
        "dtype": ember.bfloat16,
        "device": ember.device("cpu"),
        "size": ember.Size([2, 3]),
        "rg": ember.ones(2, requires_grad=True),
    }
    ember.save(obj, tmp_path / "a.pt")
    t = torch.load(tmp_path / "a.pt")
    assert list(t["sd"].keys()) == ["fc.weight", "fc.bias"]
    assert t["sd"]._metadata == sd._metadata
    assert isinstance(t["p"], torch.nn.Parameter) and t["p"].requires_grad
    assert not t["frozen"].requires_grad
    assert t["misc"] == obj["misc"]
    assert t["dtype"] is torch.bfloat16 and t["device"] == torch.device("cpu")
    assert t["size"] == torch.Size([2, 3]) and t["rg"].requires_grad
    torch.save(t, tmp_path / "b.pt")
    e = ember.load(tmp_path / "b.pt")
    assert e["sd"]._metadata == sd._metadata
    assert isinstance(e["p"], ember.nn.Parameter) and e["p"].requires_grad
    assert e["misc"] == obj["misc"] and e["dtype"] is ember.bfloat16
    assert e["size"] == (2, 3) and isinstance(e["size"], ember.Size)


def test_zip_layout_matches_spec(tmp_path):
    ember.save({"a": ember.ones(3), "b": ember.zeros(2, dtype=ember.int64)}, tmp_path / "ck.pt")
    with zipfile.ZipFile(tmp_path / "ck.pt") as z:
        names = z.namelist()
        assert names == [
            "ck/data.pkl", "ck/.format_version", "ck/.storage_alignment", "ck/byteorder",
            "ck/data/0", "ck/data/1", "ck/version", "ck/.data/serialization_id",
        ]  # fmt: skip
        assert z.read("ck/version") == b"3\n"
        assert z.read("ck/data.pkl")[:2] == b"\x80\x02"
        raw = (tmp_path / "ck.pt").read_bytes()
        for info in z.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            n, m = np.frombuffer(raw[info.header_offset + 26 : info.header_offset + 30], "<u2")
            assert (info.header_offset + 30 + n + m) % 64 == 0
    buf = io.BytesIO()
    ember.save([ember.ones(1)], buf)
    assert zipfile.ZipFile(io.BytesIO(buf.getvalue())).namelist()[0].startswith("archive/")


def test_save_is_atomic_for_paths(tmp_path, monkeypatch):
    path = tmp_path / "model.pt"
    ember.save({"v": ember.ones(2)}, path)
    before = path.read_bytes()

    def boom(self, name, data, compress=False):
        raise KeyboardInterrupt("killed mid-save")

    monkeypatch.setattr(_zip.ArchiveWriter, "write", boom)
    with pytest.raises(KeyboardInterrupt):
        ember.save({"v": ember.zeros(1000)}, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]


class Point:
    def __init__(self, x):
        self.x = x


def test_weights_only_refuses_globals_and_allowlist(tmp_path):
    torch.save({"p": Point(3), "t": torch.ones(1)}, tmp_path / "p.pt")
    with pytest.raises(pickle.UnpicklingError, match="Point"):
        ember.load(tmp_path / "p.pt")
    assert ember.load(tmp_path / "p.pt", weights_only=False)["p"].x == 3
    with ember.serialization.safe_globals([Point]):
        assert ember.load(tmp_path / "p.pt")["p"].x == 3
    with pytest.raises(pickle.UnpicklingError):
        ember.load(tmp_path / "p.pt")


def test_hostile_pickle_never_runs_under_weights_only(tmp_path):
    class Evil:
        def __reduce__(self):
            return (exec, ("raise SystemExit('ran')",))

    torch.save({"x": Evil()}, tmp_path / "evil.pt")
    with pytest.raises(pickle.UnpicklingError, match="exec"):
        ember.load(tmp_path / "evil.pt")


def test_legacy_format_loads(tmp_path):
    t = torch.arange(6.0).reshape(2, 3)
    obj = {"t": t, "v": t[1], "i": torch.tensor([1, 2], dtype=torch.int32)}
    torch.save(obj, tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    e = ember.load(tmp_path / "old.pt")
    for k in obj:
        assert_same(e[k], obj[k])
    assert e["v"].untyped_storage().data_ptr() == e["t"].untyped_storage().data_ptr()


def test_mmap_and_map_location(tmp_path):
    torch.save({"w": torch.arange(10.0)}, tmp_path / "m.pt")
    e = ember.load(tmp_path / "m.pt", mmap=True)
    assert_same(e["w"], torch.arange(10.0))
    for loc in ("cpu", ember.device("cpu"), {"cpu": "cpu"}, lambda s, loc: s):
        assert_same(ember.load(tmp_path / "m.pt", map_location=loc)["w"], torch.arange(10.0))


def test_cuda_location_needs_map_location(tmp_path):
    if ember.cuda.is_available():
        pytest.skip("a CUDA device is present")
    buf = io.BytesIO()
    ember.save({"w": ember.ones(2)}, buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n in src.namelist():
            data = src.read(n)
            if n.endswith("data.pkl"):
                data = data.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
            z.writestr(n, data)
    raw = out.getvalue()
    with pytest.raises(RuntimeError, match="CUDA"):
        ember.load(io.BytesIO(raw))
    assert ember.load(io.BytesIO(raw), map_location="cpu")["w"].tolist() == [1.0, 1.0]


def test_errors_name_the_problem(tmp_path):
    with pytest.raises(pickle.UnpicklingError):
        torch.load(io.BytesIO(b"not a checkpoint at all"))
    with pytest.raises(pickle.UnpicklingError):
        ember.load(io.BytesIO(b"not a checkpoint at all"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("flat.pkl", b"x")
    with pytest.raises(RuntimeError, match="not in a subdirectory"):
        ember.load(io.BytesIO(buf.getvalue()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a/data.pkl", b"\x80\x02N.")
    with pytest.raises(RuntimeError, match="version"):
        ember.load(io.BytesIO(buf.getvalue()))
    good = io.BytesIO()
    ember.save({"w": ember.ones(4)}, good)
    src = zipfile.ZipFile(io.BytesIO(good.getvalue()))
    bad = io.BytesIO()
    with zipfile.ZipFile(bad, "w") as z:
        for n in src.namelist():
            data = src.read(n)
            z.writestr(n, data[:8] if n.endswith("data/0") else data)
    with pytest.raises(RuntimeError, match="holds 8 bytes"):
        ember.load(io.BytesIO(bad.getvalue()))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fuzzed_files_fail_cleanly(data):
    buf = io.BytesIO()
    ember.save({"a": ember.arange(6.0).view(2, 3), "b": [1, 2.5, "x"]}, buf)
    raw = bytearray(buf.getvalue())
    kind = data.draw(st.sampled_from(["flip", "truncate", "splice"]))
    if kind == "flip":
        for _ in range(data.draw(st.integers(1, 8))):
            i = data.draw(st.integers(0, len(raw) - 1))
            raw[i] ^= data.draw(st.integers(1, 255))
    elif kind == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw) - 1))]
    else:
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i:i] = data.draw(st.binary(min_size=1, max_size=32))
    try:
        ember.load(io.BytesIO(bytes(raw)))
    except (RuntimeError, pickle.UnpicklingError):
        pass


def test_standard_pickle_and_deepcopy():
    t = ember.arange(4.0).requires_grad_()
    t2 = pickle.loads(pickle.dumps(t))
    assert_same(t2, to_torch(t).detach().requires_grad_())
    p = ember.nn.Parameter(ember.ones(2))
    p2 = pickle.loads(pickle.dumps(p))
    assert isinstance(p2, ember.nn.Parameter) and p2.requires_grad
    base = ember.arange(6.0)
    d = copy.deepcopy({"base": base, "view": base[2:]})
    with ember.no_grad():
        d["base"].add_(1)
    assert d["view"].tolist() == [3.0, 4.0, 5.0, 6.0] and base.tolist()[0] == 0.0
    q = copy.deepcopy(p)
    assert isinstance(q, ember.nn.Parameter) and q.data_ptr() != p.data_ptr()
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(p * 2)


def test_tensor_attributes_round_trip(tmp_path):
    t = ember.ones(2)
    t.tag = "w"
    ember.save({"t": t}, tmp_path / "a.pt")
    assert torch.load(tmp_path / "a.pt")["t"].tag == "w"
    assert ember.load(tmp_path / "a.pt")["t"].tag == "w"
    tt = torch.zeros(1)
    tt.tag = 7
    torch.save([tt], tmp_path / "b.pt")
    assert ember.load(tmp_path / "b.pt")[0].tag == 7
