"""Attention and Transformer layers against torch 2.13 with identical weights."""

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn.functional as F

from ..util import assert_same, from_torch, torch
from .test_rnn import _compare, _load, _x

TF = torch.nn.functional


def _mask_pair(a):
    return ember.from_numpy(a.copy()), torch.from_numpy(a.copy())


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"is_causal": True},
        {"scale": 0.3},
        {"mask": "bool"},
        {"mask": "float"},
        {"mask": "bool_full_row"},
    ],  # fmt: skip
)
def test_scaled_dot_product_attention(kw):
    kw = dict(kw)
    eq, tq = _x(2, 3, 4, 5)
    ek, tk = _x(2, 3, 6, 5, seed=1)
    ev, tv = _x(2, 3, 6, 7, seed=2)
    mask = kw.pop("mask", None)
    ekw, tkw = dict(kw), dict(kw)
    rng = np.random.default_rng(5)
    if mask:
        if mask == "float":
            m = rng.standard_normal((4, 6)).astype(np.float32)
        else:
            m = rng.random((2, 1, 4, 6)) > 0.3
            if mask == "bool_full_row":
                m[0, 0, 1] = False
        ekw["attn_mask"], tkw["attn_mask"] = _mask_pair(m)
    e = F.scaled_dot_product_attention(eq, ek, ev, **ekw)
    t = TF.scaled_dot_product_attention(tq, tk, tv, **tkw)
    assert_same(e, t, 1e-5, 1e-5)
    cot = np.random.default_rng(0).standard_normal(tuple(t.shape)).astype(np.float32)
    tg = torch.autograd.grad(t, [tq, tk, tv], torch.from_numpy(cot))
    eg = ember.autograd.grad(e, [eq, ek, ev], ember.from_numpy(cot.copy()))
    for a, b in zip(eg, tg):
        assert_same(a, b, 1e-4, 1e-5)


def test_sdpa_gqa():
    eq, tq = _x(2, 4, 3, 5)
    ek, tk = _x(2, 2, 6, 5, seed=1)
    ev, tv = _x(2, 2, 6, 5, seed=2)
    e = F.scaled_dot_product_attention(eq, ek, ev, enable_gqa=True)
    t = TF.scaled_dot_product_attention(tq, tk, tv, enable_gqa=True)
    assert_same(e, t, 1e-5, 1e-5)


MHA_CFGS = [
    {},
    {"batch_first": True},
    {"bias": False},
    {"add_bias_kv": True, "add_zero_attn": True},
    {"kdim": 3, "vdim": 5},
]


@pytest.mark.parametrize("cfg", MHA_CFGS, ids=lambda c: "-".join(map(str, c.items())) or "default")
@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_attention(cfg, need_weights):
    tm = torch.nn.MultiheadAttention(8, 2, **cfg)
    em = ember.nn.MultiheadAttention(8, 2, **cfg)
    _load(em, tm)
    bf = cfg.get("batch_first", False)
    qs, ks = ((2, 4, 8), (2, 6, 8)) if bf else ((4, 2, 8), (6, 2, 8))
    eq, tq = _x(*qs)
    ek, tk = _x(*ks[:-1], cfg.get("kdim", 8), seed=1)
    ev, tv = _x(*ks[:-1], cfg.get("vdim", 8), seed=2)
    kpm = np.zeros((2, 6), dtype=bool)
    kpm[1, 4:] = True
    ekpm, tkpm = _mask_pair(kpm)
    am = np.random.default_rng(1).standard_normal((4, 6)).astype(np.float32)
    eam, tam = _mask_pair(am)
    eout, tout = _compare(
        em,
        tm,
        [eq, ek, ev, ekpm, need_weights, eam],
        [tq, tk, tv, tkpm, need_weights, tam],
        [eq, ek, ev],
        [tq, tk, tv],
    )
    assert (eout[1] is None) == (tout[1] is None)
    assert repr(em) == repr(tm)


def test_multihead_attention_weights_per_head_and_unbatched():
    tm = torch.nn.MultiheadAttention(6, 3)
    em = ember.nn.MultiheadAttention(6, 3)
    _load(em, tm)
    eq, tq = _x(4, 6)
    causal = np.triu(np.ones((4, 4), dtype=bool), 1)
    em_, tm_ = _mask_pair(causal)
    e = em(eq, eq, eq, attn_mask=em_, average_attn_weights=False)
    t = tm(tq, tq, tq, attn_mask=tm_, average_attn_weights=False)
    assert_same(e[0], t[0], 1e-5, 1e-5)
    assert_same(e[1], t[1], 1e-5, 1e-5)


def _model_pair(name, *args, **kw):
    torch.manual_seed(0)
    tm = getattr(torch.nn, name)(*args, **kw)
    em = getattr(ember.nn, name)(*args, **kw)
    _load(em, tm)
    return em, tm


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_encoder_decoder_layers(norm_first, activation):
    kw = {"dim_feedforward": 16, "dropout": 0.0, "norm_first": norm_first,
          "activation": activation}  # fmt: skip
    em, tm = _model_pair("TransformerEncoderLayer", 8, 2, **kw)
    ex, tx = _x(5, 2, 8)
    kpm = np.zeros((2, 5), dtype=bool)
    kpm[0, 3:] = True
    ek, tk = _mask_pair(kpm)
    _compare(em, tm, [ex, None, ek], [tx, None, tk], [ex], [tx])
    em, tm = _model_pair("TransformerDecoderLayer", 8, 2, **kw)
    ey, ty = _x(4, 2, 8, seed=3)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(4)
    emask = ember.nn.Transformer.generate_square_subsequent_mask(4)
    assert_same(emask, mask)
    _compare(em, tm, [ey, ex, emask], [ty, tx, mask], [ey, ex], [ty, tx])


def test_transformer_full_model():
    kw = {"d_model": 8, "nhead": 2, "num_encoder_layers": 2, "num_decoder_layers": 1,
          "dim_feedforward": 16, "dropout": 0.0, "batch_first": True}  # fmt: skip
    em, tm = _model_pair("Transformer", **kw)
    es, ts = _x(2, 5, 8)
    et, tt = _x(2, 4, 8, seed=1)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(4)
    emask = from_torch(mask)
    _compare(em, tm, [es, et, None, emask], [ts, tt, None, mask], [es, et], [ts, tt])
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())


def test_encoder_stack_with_final_norm_and_callable_activation():
    tl = torch.nn.TransformerEncoderLayer(8, 2, 16, 0.0, activation=torch.nn.functional.gelu)
    el = ember.nn.TransformerEncoderLayer(8, 2, 16, 0.0, activation=ember.nn.functional.gelu)
    tm = torch.nn.TransformerEncoder(tl, 2, norm=torch.nn.LayerNorm(8), enable_nested_tensor=False)
    em = ember.nn.TransformerEncoder(el, 2, norm=ember.nn.LayerNorm(8), enable_nested_tensor=False)
    _load(em, tm)
    ex, tx = _x(5, 2, 8)
    _compare(em, tm, [ex], [tx], [ex], [tx])


def test_errors():
    cases = [
        lambda m: m.nn.MultiheadAttention(7, 2),
        lambda m: m.nn.TransformerEncoderLayer(8, 2, activation="tanh"),
        lambda m: m.nn.functional.scaled_dot_product_attention(
            m.ones(2, 3, 4), m.ones(2, 3, 4), m.ones(2, 3, 4), attn_mask=m.ones(3, 3),
            is_causal=True,
        ),
        lambda m: m.nn.MultiheadAttention(4, 2)(m.ones(3, 2, 4), m.ones(5, 2, 4), m.ones(5, 2, 4),
                                                attn_mask=m.ones(3, 4)),
        lambda m: m.nn.Transformer(8, 2, 1, 1, 16)(m.ones(3, 2, 8), m.ones(3, 3, 8)),
    ]  # fmt: skip
    for call in cases:
        with pytest.raises(Exception) as te:
            call(torch)
        with pytest.raises(type(te.value)):
            call(ember)
