"""Library sources of decoder / transformer / cell / kdim attention / transposed conv layers.

Each layer goes through ``ember.jit.script`` and ``ember.jit.save``; torch's
``torch.jit.load`` must run the archive and give the ember module's outputs, which must
also equal those of torch's own eager layer loaded with the same state_dict.
"""

from __future__ import annotations

import pytest

import ember
from tests.jit.test_save_scripted import _close, _save_load, _t

torch = pytest.importorskip("torch")
nn = ember.nn
tnn = torch.nn

E, H, FF = 8, 2, 16


def _pair(name, *args, **kw):
    return getattr(nn, name)(*args, **kw).eval(), getattr(tnn, name)(*args, **kw).eval()


CASES = {
    "decoder_layer": (lambda: _pair("TransformerDecoderLayer", E, H, FF, dropout=0.0),
                      [(5, 2, E), (6, 2, E)]),
    "decoder_layer_norm_first_gelu": (
        lambda: _pair("TransformerDecoderLayer", E, H, FF, dropout=0.0, norm_first=True,
                      activation="gelu", batch_first=True),
        [(2, 5, E), (2, 6, E)]),
    "decoder": (
        lambda: (nn.TransformerDecoder(nn.TransformerDecoderLayer(E, H, FF, dropout=0.0), 2,
                                       norm=nn.LayerNorm(E)).eval(),
                 tnn.TransformerDecoder(tnn.TransformerDecoderLayer(E, H, FF, dropout=0.0), 2,
                                        norm=tnn.LayerNorm(E)).eval()),
        [(5, 2, E), (6, 2, E)]),
    "transformer": (
        lambda: _pair("Transformer", E, H, 2, 1, FF, dropout=0.0, batch_first=True),
        [(2, 6, E), (2, 5, E)]),
    "lstm_cell": (lambda: _pair("LSTMCell", 3, 4), [(2, 3)]),
    "lstm_cell_nobias_unbatched": (lambda: _pair("LSTMCell", 3, 4, bias=False), [(3,)]),
    "gru_cell": (lambda: _pair("GRUCell", 3, 4), [(2, 3)]),
    "gru_cell_unbatched": (lambda: _pair("GRUCell", 3, 4), [(3,)]),
    "rnn_cell": (lambda: _pair("RNNCell", 3, 4), [(2, 3)]),
    "rnn_cell_relu": (lambda: _pair("RNNCell", 3, 4, nonlinearity="relu", bias=False),
                      [(2, 3)]),
    "mha_kdim_vdim": (lambda: _pair("MultiheadAttention", E, H, kdim=5, vdim=3),
                      [(4, 2, E), (6, 2, 5), (6, 2, 3)]),
    "mha_kdim_vdim_batch_first": (
        lambda: _pair("MultiheadAttention", E, H, kdim=5, vdim=3, batch_first=True),
        [(2, 4, E), (2, 6, 5), (2, 6, 3)]),
    "conv_transpose1d": (lambda: _pair("ConvTranspose1d", 3, 4, 3, stride=2, padding=1,
                                       output_padding=1), [(2, 3, 7)]),
    "conv_transpose2d": (lambda: _pair("ConvTranspose2d", 4, 6, (3, 2), stride=(2, 1),
                                       padding=(1, 0), groups=2, dilation=(1, 2)),
                         [(2, 4, 5, 4)]),
    "conv_transpose2d_nobias": (lambda: _pair("ConvTranspose2d", 3, 2, 2, bias=False),
                                [(1, 3, 4, 4)]),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_library_layer_saves_and_matches_torch(name, tmp_path):
    ember.manual_seed(0)
    make, shapes = CASES[name]
    em, tm = make()
    tm.load_state_dict({k: _t(v) for k, v in em.state_dict().items()})
    inputs = [ember.randn(*s) for s in shapes]
    sm = ember.jit.script(em)
    got = sm(*inputs)
    _close(got, em(*inputs))
    _close(tm(*[_t(i) for i in inputs]), got)
    _, loaded, reloaded = _save_load(sm, tmp_path)
    for mod in (loaded, reloaded):
        _close(mod(*[_t(i) for i in inputs]), got)
    assert list(loaded.state_dict()) == list(tm.state_dict())


def test_cells_with_state_match_torch(tmp_path):
    ember.manual_seed(0)
    x, h, c = ember.randn(2, 3), ember.randn(2, 4), ember.randn(2, 4)
    for name in ("LSTMCell", "GRUCell", "RNNCell"):
        em, tm = _pair(name, 3, 4)
        tm.load_state_dict({k: _t(v) for k, v in em.state_dict().items()})
        state = (h, c) if name == "LSTMCell" else h
        tstate = (_t(h), _t(c)) if name == "LSTMCell" else _t(h)
        _, loaded, _ = _save_load(ember.jit.script(em), tmp_path, f"{name}.pt")
        want = tm(_t(x), tstate)
        _close(want, em(x, state))
        _close(loaded(_t(x), tstate), em(x, state))


def test_decoder_and_transformer_masks_match_torch(tmp_path):
    ember.manual_seed(0)
    em, tm = _pair("Transformer", E, H, 1, 2, FF, dropout=0.0)
    tm.load_state_dict({k: _t(v) for k, v in em.state_dict().items()})
    src, tgt = ember.randn(6, 2, E), ember.randn(5, 2, E)
    tgt_mask = ember.triu(ember.full((5, 5), float("-inf")), diagonal=1)
    src_pad = ember.tensor([[False] * 5 + [True], [False] * 6])
    kw = dict(tgt_mask=tgt_mask, src_key_padding_mask=src_pad, memory_key_padding_mask=src_pad)
    tkw = {k: _t(v) for k, v in kw.items()}
    _, loaded, _ = _save_load(ember.jit.script(em), tmp_path)
    want = tm(_t(src), _t(tgt), **tkw)
    _close(want, em(src, tgt, **kw))
    _close(loaded(_t(src), _t(tgt), **tkw), em(src, tgt, **kw))


def test_uncovered_configurations_raise():
    with pytest.raises(NotImplementedError, match="activation"):
        ember.jit.script(nn.TransformerDecoderLayer(E, H, FF, activation=ember.tanh))
    with pytest.raises(NotImplementedError, match="add_bias_kv"):
        ember.jit.script(nn.MultiheadAttention(E, H, add_bias_kv=True))
