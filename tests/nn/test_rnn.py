"""Recurrent layers and nn.utils.rnn against torch 2.13 with identical weights."""

from __future__ import annotations

import numpy as np
import pytest

import ember
from ember.nn.utils import rnn as ernn

from ..util import assert_same, from_torch, torch

trnn = torch.nn.utils.rnn
TOL = {"rtol": 1e-4, "atol": 1e-5}


def _load(emod, tmod):
    sd = {k: from_torch(v) for k, v in tmod.state_dict().items()}
    emod.load_state_dict(sd)
    assert list(emod.state_dict()) == list(tmod.state_dict())


def _x(*shape, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    e = ember.from_numpy(a.copy()).requires_grad_()
    t = torch.from_numpy(a.copy()).requires_grad_()
    return e, t


def _flat(out):
    if out is None:
        return []
    if hasattr(out, "batch_sizes"):
        return [out.data]
    if isinstance(out, (tuple, list)):
        return [o for x in out for o in _flat(x)]
    return [out]


def _compare(emod, tmod, eargs, targs, leaves_e=(), leaves_t=()):
    eout, tout = emod(*eargs), tmod(*targs)
    ef, tf = _flat(eout), _flat(tout)
    assert len(ef) == len(tf)
    for a, b in zip(ef, tf):
        assert_same(a, b, **TOL)
    rng = np.random.default_rng(3)
    cots = [rng.standard_normal(tuple(b.shape)).astype(np.float32) for b in tf]
    tl = list(leaves_t) + list(tmod.parameters())
    el = list(leaves_e) + list(emod.parameters())
    tg = torch.autograd.grad(tf, tl, [torch.from_numpy(c) for c in cots], allow_unused=True)
    eg = ember.autograd.grad(ef, el, [ember.from_numpy(c.copy()) for c in cots], allow_unused=True)
    names = [f"input{i}" for i in range(len(leaves_t))] + [n for n, _ in tmod.named_parameters()]
    for n, a, b in zip(names, eg, tg):
        if b is None:
            continue
        assert a is not None, n
        assert_same(a, b, 1e-4, 1e-4, msg=n)
    return eout, tout


CONFIGS = [
    {},
    {"num_layers": 2},
    {"bidirectional": True},
    {"num_layers": 2, "bidirectional": True, "batch_first": True},
    {"bias": False},
]


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("cfg", CONFIGS, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
def test_recurrent_layer_matches_torch(kind, cfg):
    tmod = getattr(torch.nn, kind)(3, 4, **cfg)
    emod = getattr(ember.nn, kind)(3, 4, **cfg)
    _load(emod, tmod)
    shape = (2, 5, 3) if cfg.get("batch_first") else (5, 2, 3)
    ex, tx = _x(*shape)
    _compare(emod, tmod, [ex], [tx], [ex], [tx])
    assert repr(emod) == repr(tmod)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_initial_state_and_unbatched(kind):
    tmod = getattr(torch.nn, kind)(3, 4, num_layers=2, bidirectional=True)
    emod = getattr(ember.nn, kind)(3, 4, num_layers=2, bidirectional=True)
    _load(emod, tmod)
    ex, tx = _x(5, 2, 3)
    eh, th = _x(4, 2, 4, seed=1)
    if kind == "LSTM":
        ec, tc = _x(4, 2, 4, seed=2)
        _compare(emod, tmod, [ex, (eh, ec)], [tx, (th, tc)], [ex, eh, ec], [tx, th, tc])
    else:
        _compare(emod, tmod, [ex, eh], [tx, th], [ex, eh], [tx, th])
    ex, tx = _x(5, 3)
    _compare(emod, tmod, [ex], [tx], [ex], [tx])


def test_lstm_projection_and_relu_rnn():
    tmod = torch.nn.LSTM(3, 5, num_layers=2, proj_size=2, bidirectional=True)
    emod = ember.nn.LSTM(3, 5, num_layers=2, proj_size=2, bidirectional=True)
    _load(emod, tmod)
    ex, tx = _x(4, 2, 3)
    _compare(emod, tmod, [ex], [tx], [ex], [tx])
    assert repr(emod) == repr(tmod)
    tmod = torch.nn.RNN(3, 4, 1, "relu")
    emod = ember.nn.RNN(3, 4, 1, "relu")
    _load(emod, tmod)
    ex, tx = _x(4, 2, 3)
    _compare(emod, tmod, [ex], [tx], [ex], [tx])


def test_seeded_init_matches_torch():
    for kind, kw in [("LSTM", {"num_layers": 2, "bidirectional": True}), ("GRU", {})]:
        torch.manual_seed(0)
        tmod = getattr(torch.nn, kind)(3, 4, **kw)
        ember.manual_seed(0)
        emod = getattr(ember.nn, kind)(3, 4, **kw)
        for (n, a), b in zip(emod.named_parameters(), tmod.parameters()):
            assert_same(a.detach(), b.detach(), msg=n)
    torch.manual_seed(1)
    tcell = torch.nn.GRUCell(3, 4)
    ember.manual_seed(1)
    ecell = ember.nn.GRUCell(3, 4)
    for a, b in zip(ecell.parameters(), tcell.parameters()):
        assert_same(a.detach(), b.detach())


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packed_input(kind, enforce_sorted):
    tmod = getattr(torch.nn, kind)(3, 4, bidirectional=True, num_layers=2)
    emod = getattr(ember.nn, kind)(3, 4, bidirectional=True, num_layers=2)
    _load(emod, tmod)
    ex, tx = _x(5, 3, 3)
    lengths = [5, 3, 2] if enforce_sorted else [2, 5, 3]
    ep = ernn.pack_padded_sequence(ex, lengths, enforce_sorted=enforce_sorted)
    tp = trnn.pack_padded_sequence(tx, lengths, enforce_sorted=enforce_sorted)
    assert_same(ep.batch_sizes, tp.batch_sizes)
    eout, tout = _compare(emod, tmod, [ep], [tp], [ex], [tx])
    assert isinstance(eout[0], ernn.PackedSequence)
    epad, elen = ernn.pad_packed_sequence(eout[0], batch_first=True, total_length=6)
    tpad, tlen = trnn.pad_packed_sequence(tout[0], batch_first=True, total_length=6)
    assert_same(epad, tpad, **TOL)
    assert_same(elen, tlen)


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells(kind):
    tmod = getattr(torch.nn, kind)(3, 4)
    emod = getattr(ember.nn, kind)(3, 4)
    _load(emod, tmod)
    ex, tx = _x(2, 3)
    _compare(emod, tmod, [ex], [tx], [ex], [tx])
    eh, th = _x(2, 4, seed=1)
    if kind == "LSTMCell":
        ec, tc = _x(2, 4, seed=2)
        _compare(emod, tmod, [ex, (eh, ec)], [tx, (th, tc)], [ex, eh, ec], [tx, th, tc])
    else:
        _compare(emod, tmod, [ex, eh], [tx, th], [ex, eh], [tx, th])
    ex, tx = _x(3)
    _compare(emod, tmod, [ex], [tx], [ex], [tx])
    assert repr(emod) == repr(tmod)
    assert repr(getattr(ember.nn, kind)(3, 4, bias=False)) == repr(
        getattr(torch.nn, kind)(3, 4, bias=False)
    )


def test_pad_pack_utilities():
    seqs = [_x(n, 2, seed=n) for n in (2, 4, 3)]
    es, ts = [s[0] for s in seqs], [s[1] for s in seqs]
    for kw in [{}, {"batch_first": True, "padding_value": -1.0}, {"padding_side": "left"}]:
        e = ernn.pad_sequence(es, **kw)
        t = trnn.pad_sequence(ts, **kw)
        assert_same(e, t)
    ep = ernn.pack_sequence(es, enforce_sorted=False)
    tp = trnn.pack_sequence(ts, enforce_sorted=False)
    for a, b in zip(ep, tp):
        assert_same(a, b)
    for a, b in zip(ernn.unpack_sequence(ep), trnn.unpack_sequence(tp)):
        assert_same(a, b)
    epad = ernn.pad_sequence(es)
    tpad = trnn.pad_sequence(ts)
    for a, b in zip(ernn.unpad_sequence(epad, ember.tensor([2, 4, 3])),
                    trnn.unpad_sequence(tpad, torch.tensor([2, 4, 3]))):  # fmt: skip
        assert_same(a, b)
    cot = np.random.default_rng(0).standard_normal(tuple(tp.data.shape)).astype(np.float32)
    tg = torch.autograd.grad(tp.data, ts, torch.from_numpy(cot))
    eg = ember.autograd.grad(ep.data, es, ember.from_numpy(cot.copy()))
    for a, b in zip(eg, tg):
        assert_same(a, b)


def test_errors_match_torch():
    cases = [
        lambda m, r: m.nn.LSTM(3, 4)(m.ones(5, 2, 2)),
        lambda m, r: m.nn.GRU(3, 4)(m.ones(5, 2, 3), m.ones(2, 2, 4)),
        lambda m, r: m.nn.RNN(3, 4)(m.ones(1, 5, 2, 3)),
        lambda m, r: m.nn.LSTM(3, 4, proj_size=4),
        lambda m, r: m.nn.GRU(3, 4, proj_size=2),
        lambda m, r: m.nn.RNN(3, 4, nonlinearity="sigmoid"),
        lambda m, r: m.nn.LSTMCell(3, 4)(m.ones(2, 2, 3)),
        lambda m, r: m.nn.GRUCell(3, 4)(m.ones(2, 3), m.ones(3, 4)),
        lambda m, r: r.pack_padded_sequence(m.ones(4, 3, 2), [2, 3, 1]),
        lambda m, r: r.pack_padded_sequence(m.ones(4, 3, 2), [3, 2, 0]),
        lambda m, r: r.pad_packed_sequence(
            r.pack_padded_sequence(m.ones(4, 2, 2), [4, 2]), total_length=3
        ),
    ]
    for call in cases:
        with pytest.raises(Exception) as te:
            call(torch, trnn)
        with pytest.raises(type(te.value)):
            call(ember, ernn)
