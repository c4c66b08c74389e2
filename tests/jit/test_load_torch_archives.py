"""ember.jit.load on archives written by torch 2.13 (scripted and traced standard layers)."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
nn = torch.nn

from tests.jit import _archive_models as AM  # noqa: E402


def _to_e(v):
    if isinstance(v, torch.Tensor):
        return ember.from_numpy(v.detach().numpy().copy())
    if isinstance(v, (tuple, list)):
        return type(v)(_to_e(x) for x in v)
    return v


def _same(a, b, atol=1e-5):
    if isinstance(b, torch.Tensor):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-4, atol=atol)
    elif isinstance(b, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y, atol)
    else:
        assert a == b


def _g():
    return torch.Generator().manual_seed(0)


def _r(*shape):
    return torch.randn(*shape, generator=_g())


MODELS = {
    "linear": lambda: (nn.Linear(4, 3), (_r(2, 4),)),
    "cnn_bn_pool": lambda: (
        nn.Sequential(
            nn.Conv2d(2, 3, 3, padding=1),
            nn.BatchNorm2d(3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.AvgPool2d(1),
            nn.AdaptiveAvgPool2d(1),
        ),
        (_r(2, 2, 6, 6),),
    ),
    "conv_transpose": lambda: (nn.ConvTranspose2d(2, 3, 3, stride=2), (_r(1, 2, 4, 4),)),
    "conv1d": lambda: (nn.Sequential(nn.Conv1d(2, 4, 3), nn.MaxPool1d(2)), (_r(2, 2, 9),)),
    "embedding": lambda: (nn.Embedding(10, 4), (torch.tensor([[1, 2], [3, 9]]),)),
    "layernorm_gelu_dropout": lambda: (
        nn.Sequential(nn.LayerNorm(4), nn.GELU(), nn.Dropout(0.1), nn.Linear(4, 2)),
        (_r(2, 4),),
    ),
    "mha": lambda: (nn.MultiheadAttention(8, 2, batch_first=True), (_r(2, 3, 8),) * 3),
    "encoder_layer": lambda: (
        nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True),
        (_r(2, 3, 8),),
    ),
    "if_for": lambda: (AM.IfFor(), (_r(2, 4), 2)),
    "exported": lambda: (AM.Exported(), (_r(2, 4),)),
    "lstm_gru": lambda: (AM.LSTMHead(), (_r(2, 3, 4),)),
}
# traced-only: scripted nn.LSTM/GRU as the root module cannot even be called in torch
TRACE_ONLY = {"lstm": lambda: (nn.LSTM(4, 5, batch_first=True), (_r(2, 3, 4),)),
              "gru": lambda: (nn.GRU(4, 5), (_r(3, 2, 4),))}  # fmt: skip

CASES = [
    (k, mode) for k in MODELS for mode in ("script", "trace") if (k, mode) != ("if_for", "trace")
] + [(k, "trace") for k in TRACE_ONLY]


def _make(name, mode):
    torch.manual_seed(0)
    m, inputs = (MODELS.get(name) or TRACE_ONLY[name])()
    m.eval()
    if mode == "script":
        sm = torch.jit.script(m)
    else:
        sm = torch.jit.trace(m, inputs, check_trace=False)
    buf = io.BytesIO()
    torch.jit.save(sm, buf)
    return sm, inputs, buf.getvalue()


@pytest.fixture(scope="module")
def archives():
    cache = {}

    def get(name, mode):
        if (name, mode) not in cache:
            cache[name, mode] = _make(name, mode)
        return cache[name, mode]

    return get


@pytest.mark.parametrize("name,mode", CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_load_gives_torch_outputs(archives, name, mode):
    sm, inputs, data = archives(name, mode)
    em = ember.jit.load(io.BytesIO(data))
    assert isinstance(em, ember.jit.ScriptModule)
    em.eval()
    with torch.no_grad():
        expected = sm(*inputs)
    _same(em(*_to_e(inputs)), expected)
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in sm.named_parameters()]
    assert [n for n, _ in em.named_buffers()] == [n for n, _ in sm.named_buffers()]
    if name == "exported" and mode == "script":
        _same(em.predict(_to_e(inputs[0]), 1), sm.predict(inputs[0], 1))
        _same(em.invoke("predict", _to_e(inputs[0]), 0), sm.predict(inputs[0], 0))


@pytest.mark.parametrize("name,mode", [("cnn_bn_pool", "script"), ("if_for", "script"),
                                       ("lstm_gru", "trace"), ("encoder_layer", "script"),
                                       ("mha", "trace")])  # fmt: skip
def test_loaded_parameters_receive_torch_gradients(archives, name, mode):
    sm, inputs, data = archives(name, mode)
    em = ember.jit.load(io.BytesIO(data))
    sm.train()
    em.train()
    out_t = sm(*inputs)
    out_e = em(*_to_e(inputs))
    first_t = out_t[0] if isinstance(out_t, tuple) else out_t
    first_e = out_e[0] if isinstance(out_e, tuple) else out_e
    first_t.sum().backward()
    first_e.sum().backward()
    for (n, p), (n2, q) in zip(sm.named_parameters(), em.named_parameters()):
        assert n == n2
        if p.grad is None:
            continue
        assert q.grad is not None, n
        np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), rtol=1e-4, atol=1e-5)
    if name == "cnn_bn_pool":  # training mode updated the running statistics like torch
        _same(em.state_dict()["1.running_mean"], sm.state_dict()["1.running_mean"])


@pytest.mark.parametrize("name,mode", [("linear", "trace"), ("cnn_bn_pool", "trace"),
                                       ("if_for", "script"), ("exported", "script")])  # fmt: skip
def test_loaded_module_saves_back_to_an_archive_torch_loads(archives, tmp_path, name, mode):
    sm, inputs, data = archives(name, mode)
    em = ember.jit.load(io.BytesIO(data))
    path = tmp_path / "back.pt"
    ember.jit.save(em, str(path))
    back = torch.jit.load(str(path))
    back.eval()
    sm.eval()
    with torch.no_grad():
        _same(_to_e(back(*inputs)), sm(*inputs))


# --- archives edited by hand --------------------------------------------------------------


def _edit(data, fn):
    """Rewrite the code/ files of an archive with ``fn(name, text) -> text``."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            raw = src.read(info.filename)
            if "/code/" in info.filename and info.filename.endswith(".py"):
                raw = fn(info.filename, raw.decode()).encode()
            dst.writestr(info.filename, raw)
    return out.getvalue()


def test_unknown_operator_fails_at_load_naming_it(archives):
    _, _, data = archives("linear", "trace")
    bad = _edit(data, lambda n, t: t.replace("torch.linear(", "torch.frobnicate_linear("))
    with pytest.raises(RuntimeError, match="frobnicate_linear"):
        ember.jit.load(io.BytesIO(bad))


@pytest.mark.parametrize(
    "snippet",
    [
        "__import__('os').system('echo pwned > /tmp/ember_pwned')",
        "torch.__class__.__subclasses__()",
        "input.__class__",
        "eval('1')",
        "(self).__dict__",
    ],
)
def test_hostile_archive_code_is_rejected_not_run(archives, snippet, tmp_path):
    _, _, data = archives("linear", "trace")
    marker = tmp_path / "pwned"
    snippet = snippet.replace("/tmp/ember_pwned", str(marker))

    def inject(name, text):
        return text.replace(
            "    return torch.linear(", f"    _x = {snippet}\n    return torch.linear("
        )

    bad = _edit(data, inject)
    with pytest.raises((RuntimeError, NotImplementedError)):
        ember.jit.load(io.BytesIO(bad))
    assert not marker.exists()


def _handmade_version(data, version):
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            raw = src.read(info.filename)
            if info.filename.endswith("/version") or info.filename.endswith(".data/version"):
                name = info.filename.replace(".data/version", "version")
                dst.writestr(name, f"{version}\n".encode())
                continue
            dst.writestr(info.filename, raw)
    return out.getvalue()


class _Div(nn.Module):
    def forward(self, x):
        return torch.div(x, 2), torch.full([2], 1)


@pytest.mark.parametrize("version", [3, 4, 5])
def test_version_upgraders_match_torch(version):
    sm = torch.jit.script(_Div())
    buf = io.BytesIO()
    torch.jit.save(sm, buf)
    data = _handmade_version(buf.getvalue(), version)
    x = torch.tensor([5, -5])
    expected = torch.jit.load(io.BytesIO(data))(x)
    got = ember.jit.load(io.BytesIO(data))(_to_e(x))
    for a, b in zip(got, expected):
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
        np.testing.assert_array_equal(a.numpy(), b.numpy())


class _SchemaArgs(torch.nn.Module):
    def forward(self, w, idx, x):
        e = torch.embedding(w, idx, -1, True, False)
        return e, torch.ops.aten.elu(x, 0.5, 2.0, 3.0)


def test_embedding_scale_grad_by_freq_and_elu_scales_follow_aten(tmp_path):
    path = tmp_path / "schema_args.pt"
    torch.jit.script(_SchemaArgs()).save(str(path))
    loaded = ember.jit.load(str(path))
    w = torch.randn(5, 3, requires_grad=True)
    idx = torch.tensor([0, 1, 1, 1, 2])
    x = torch.tensor([-1.0, 0.5, 2.0])
    te, tx = _SchemaArgs()(w, idx, x)
    te.sum().backward()
    ew = ember.from_numpy(w.detach().numpy().copy()).requires_grad_()
    ee, ex = loaded(ew, ember.from_numpy(idx.numpy().copy()), ember.from_numpy(x.numpy().copy()))
    ee.sum().backward()
    np.testing.assert_allclose(ew.grad.numpy(), w.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(ex.numpy(), tx.numpy(), rtol=1e-6)


def test_interpreter_kinds_are_registered_through_the_official_hook():
    from ember.jit import _interpreter

    assert _interpreter.is_registered("aten::linear")
    with pytest.raises(ValueError, match="built-in"):
        _interpreter.register_kind("prim::If", lambda n, env: None)
