"""Scripted ember modules and functions save to archives that torch 2.13 and libtorch load.

Every module of the save list of the JIT issue goes through ``ember.jit.script`` and
``ember.jit.save``; torch's ``torch.jit.load`` must load the file, give ember's
outputs (and torch's own eager outputs for the same layer with the same weights), and
save it again.
"""

from __future__ import annotations

import io
import subprocess

import numpy as np
import pytest

import ember
from tests.jit.test_cpp_load import _parse_rows, cpp_binary  # noqa: F401  (fixture)

torch = pytest.importorskip("torch")
nn = ember.nn


def _t(x):
    return torch.from_numpy(x.detach().numpy().copy()) if isinstance(x, ember.Tensor) else x


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [x for o in out for x in _flat(o)]
    return [out]


def _close(got, want):
    got, want = _flat(got), _flat(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if isinstance(w, ember.Tensor):
            np.testing.assert_allclose(g.detach().numpy(), w.detach().numpy(), rtol=1e-4,
                                       atol=1e-5)  # fmt: skip
        else:
            assert g == w


def _save_load(sm, tmp_path, name="m.pt"):
    path = tmp_path / name
    ember.jit.save(sm, str(path))
    loaded = torch.jit.load(str(path))
    again = io.BytesIO()
    torch.jit.save(loaded, again)
    again.seek(0)
    return path, loaded, torch.jit.load(again)


class IfFor(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)

    def forward(self, x, n: int):
        y = x
        for i in range(n):
            y = self.lin(y) + i
        if y.sum() > 0:
            y = y - 1
        else:
            y = -y
        return y


class TupleOut(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 2)

    def forward(self, x) -> tuple[ember.Tensor, int]:
        return self.lin(x).relu(), x.size(0)


class Exported(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)

    def forward(self, x):
        return self.lin(x)

    @ember.jit.export
    def predict(self, x, k: int):
        y = x
        for _ in range(k):
            y = ember.tanh(self.lin(y))
        return y * k


def free_fn(x, n: int):
    y = x
    for _ in range(n):
        y = ember.sigmoid(y) * 2
    if y.sum() > 0:
        y = y - 1
    return y


MODELS = {
    "mlp": lambda: (nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)), [(2, 3)]),
    "cnn_batchnorm_eval": lambda: (
        nn.Sequential(
            nn.Conv2d(3, 4, 3, padding=1),
            nn.BatchNorm2d(4),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(16, 2),
        ).eval(),
        [(2, 3, 4, 4)],
    ),  # fmt: skip
    "lstm": lambda: (nn.LSTM(3, 4, num_layers=2, batch_first=True), [(2, 5, 3)]),
    "gru_bidirectional": lambda: (nn.GRU(3, 4, bidirectional=True), [(5, 2, 3)]),
    "transformer_encoder_layer": lambda: (
        nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0).eval(),
        [(5, 2, 8)],
    ),
    "transformer_encoder_layer_norm_first_gelu": lambda: (
        nn.TransformerEncoderLayer(
            8, 2, 16, dropout=0.0, activation="gelu", norm_first=True, batch_first=True
        ).eval(),
        [(2, 5, 8)],
    ),  # fmt: skip
    "multihead_attention": lambda: (nn.MultiheadAttention(8, 2).eval(), [(4, 2, 8)] * 3),
    "tuple_out": lambda: (TupleOut(), [(2, 3)]),
    "embedding": lambda: (nn.Sequential(nn.Embedding(10, 4, padding_idx=0), nn.Tanh()), None),
}


def _inputs(shapes):
    if shapes is None:
        return [ember.tensor([[0, 3, 9], [1, 2, 0]])]
    return [ember.randn(*s) for s in shapes]


@pytest.mark.parametrize("name", list(MODELS))
def test_scripted_module_loads_in_torch(name, tmp_path):
    ember.manual_seed(0)
    m, shapes = MODELS[name]()
    sm = ember.jit.script(m)
    inputs = _inputs(shapes)
    _close(sm(*inputs), m(*inputs))
    _, loaded, reloaded = _save_load(sm, tmp_path)
    loaded.eval()
    for mod in (loaded, reloaded):
        _close(mod(*[_t(i) for i in inputs]), sm(*inputs))
    assert [n for n, _ in loaded.named_parameters()] == [n for n, _ in sm.named_parameters()]
    assert list(loaded.state_dict()) == list(sm.state_dict())


def test_scripted_modules_match_torch_eager_layers():
    """The library sources compute what torch's own layers compute (same weights)."""
    ember.manual_seed(0)
    cases = [
        (nn.LSTM(3, 4, num_layers=2, batch_first=True), torch.nn.LSTM(3, 4, 2, batch_first=True),
         [(2, 5, 3)]),
        (nn.GRU(3, 4, bidirectional=True), torch.nn.GRU(3, 4, bidirectional=True), [(5, 2, 3)]),
        (nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0).eval(),
         torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0).eval(), [(5, 2, 8)]),
        (nn.MultiheadAttention(8, 2, batch_first=True).eval(),
         torch.nn.MultiheadAttention(8, 2, batch_first=True).eval(), [(2, 4, 8)] * 3),
    ]  # fmt: skip
    for em, tm, shapes in cases:
        tm.load_state_dict({k: _t(v) for k, v in em.state_dict().items()})
        inputs = _inputs(shapes)
        want = tm(*[_t(i) for i in inputs])
        _close(want, ember.jit.script(em)(*inputs))


def test_scripted_attention_masks_match_torch():
    ember.manual_seed(0)
    em = nn.MultiheadAttention(8, 2).eval()
    tm = torch.nn.MultiheadAttention(8, 2).eval()
    tm.load_state_dict({k: _t(v) for k, v in em.state_dict().items()})
    sm = ember.jit.script(em)
    q = ember.randn(4, 3, 8)
    mask = ember.triu(ember.ones(4, 4), diagonal=1).bool()
    pad = ember.tensor([[False, False, False, True]] * 3)
    want = tm(_t(q), _t(q), _t(q), key_padding_mask=_t(pad), attn_mask=_t(mask))
    _close(want, sm(q, q, q, key_padding_mask=pad, attn_mask=mask))
    want = tm(_t(q), _t(q), _t(q), need_weights=False)
    got = sm(q, q, q, need_weights=False)
    assert got[1] is None and want[1] is None
    _close(want[0], got[0])


def test_scripted_lstm_with_state_and_unbatched(tmp_path):
    ember.manual_seed(0)
    sm = ember.jit.script(nn.LSTM(3, 4))
    _, loaded, _ = _save_load(sm, tmp_path)
    x, h, c = ember.randn(5, 3), ember.randn(1, 4), ember.randn(1, 4)
    _close(loaded(_t(x), (_t(h), _t(c))), sm(x, (h, c)))
    _close(loaded(_t(x)), sm(x))


def test_scripted_if_for_module(tmp_path):
    ember.manual_seed(0)
    sm = ember.jit.script(IfFor())
    _, loaded, _ = _save_load(sm, tmp_path)
    x = ember.randn(2, 3)
    for n in (0, 1, 3):
        for sign in (1, -1):
            _close(loaded(_t(x * sign), n), sm(x * sign, n))


def test_scripted_exported_method_taking_an_int(tmp_path):
    ember.manual_seed(0)
    sm = ember.jit.script(Exported())
    _, loaded, reloaded = _save_load(sm, tmp_path)
    x = ember.randn(2, 3)
    for k in (0, 2):
        _close(loaded.predict(_t(x), k), sm.invoke("predict", x, k))
        _close(reloaded.predict(_t(x), k), sm.predict(x, k))


def test_scripted_free_function(tmp_path):
    sf = ember.jit.script(free_fn)
    _, loaded, _ = _save_load(sf, tmp_path)
    x = ember.randn(3)
    for n in (0, 2):
        _close(loaded(_t(x), n), sf(x, n))
        _close(loaded(_t(-x - 5), n), sf(-x - 5, n))
    assert "torch.gt(" in sf.code and "if bool(" in sf.code


def test_scripted_modules_train_after_torch_load(tmp_path):
    ember.manual_seed(0)
    sm = ember.jit.script(nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)))
    _, loaded, _ = _save_load(sm, tmp_path)
    loaded(torch.randn(2, 3)).sum().backward()
    assert all(p.grad is not None for p in loaded.parameters())
    sm(ember.randn(2, 3)).sum().backward()
    assert all(p.grad is not None for p in sm.parameters())


class _CppModel(nn.Module):
    """Scripted control flow and library layers on the C++ program's fixed (2, 3) input."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
        self.rnn = nn.GRU(2, 2)

    def forward(self, x):
        y = self.body(x)
        for _ in range(2):
            y = y * 0.5
        if y.sum() > 100:
            y = y - 1
        out, _h = self.rnn(y.unsqueeze(1))
        return out.squeeze(1) + y


def test_libtorch_runs_scripted_archive(cpp_binary, tmp_path):  # noqa: F811
    ember.manual_seed(0)
    m = _CppModel()
    sm = ember.jit.script(m)
    path = tmp_path / "scripted.pt"
    sm.save(str(path))
    res = subprocess.run([str(cpp_binary), str(path)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    x = ember.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]])
    want = m(x).detach().numpy()
    body = res.stdout.split("forward ok:")[1].split("[ CPUFloatType")[0]
    got = np.array(_parse_rows(body), dtype=np.float32)
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-4)
