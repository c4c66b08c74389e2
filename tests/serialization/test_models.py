"""State dicts of real architectures move between ember and torch, and give the same outputs."""

from __future__ import annotations

import numpy as np
import pytest

import ember

from ..util import assert_same, from_torch, torch


def mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))


def cnn(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(4 * 3 * 3, 5),
    )  # fmt: skip


def lstm(lib):
    return lib.nn.LSTM(6, 8, num_layers=2, batch_first=True)


def encoder(lib):
    layer = lib.nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, dropout=0.0,
                                           batch_first=True)  # fmt: skip
    return lib.nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)


MODELS = {
    "mlp": (mlp, (3, 8)),
    "cnn": (cnn, (2, 1, 8, 8)),
    "lstm": (lstm, (2, 5, 6)),
    "encoder": (encoder, (2, 5, 8)),
}


def _out(y):
    return y[0] if isinstance(y, tuple) else y


@pytest.mark.parametrize("name", list(MODELS))
def test_torch_checkpoint_loads_into_ember_model(tmp_path, name):
    build, shape = MODELS[name]
    torch.manual_seed(0)
    tm = build(torch).eval()
    if name == "cnn":  # give BatchNorm non-trivial running stats
        tm.train()
        tm(torch.randn(*shape))
        tm.eval()
    torch.save(tm.state_dict(), tmp_path / "m.pt")
    em = build(ember).eval()
    result = em.load_state_dict(ember.load(tmp_path / "m.pt"))
    assert list(result.missing_keys) == [] and list(result.unexpected_keys) == []
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    with torch.no_grad():
        expected = _out(tm(torch.from_numpy(x)))
    assert_same(_out(em(ember.from_numpy(x))).detach(), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", list(MODELS))
def test_ember_checkpoint_loads_into_torch_model(tmp_path, name):
    build, shape = MODELS[name]
    ember.manual_seed(1)
    em = build(ember).eval()
    ember.save(em.state_dict(), tmp_path / "m.pt")
    sd = torch.load(tmp_path / "m.pt")
    assert list(sd.keys()) == list(em.state_dict().keys())
    assert sd._metadata == em.state_dict()._metadata
    tm = build(torch).eval()
    tm.load_state_dict(sd)
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    with torch.no_grad():
        expected = _out(tm(torch.from_numpy(x)))
    assert_same(_out(em(ember.from_numpy(x))).detach(), expected, rtol=1e-4, atol=1e-5)


def test_optimizer_state_dict_round_trips_between_frameworks(tmp_path):
    torch.manual_seed(0)
    tm = mlp(torch)
    topt = torch.optim.Adam(tm.parameters(), lr=0.01)
    x = torch.randn(4, 8)
    for _ in range(3):
        topt.zero_grad()
        tm(x).pow(2).sum().backward()
        topt.step()
    torch.save({"model": tm.state_dict(), "opt": topt.state_dict()}, tmp_path / "ck.pt")

    ck = ember.load(tmp_path / "ck.pt")
    em = mlp(ember)
    em.load_state_dict(ck["model"])
    eopt = ember.optim.Adam(em.parameters(), lr=0.01)
    eopt.load_state_dict(ck["opt"])
    ex = from_torch(x)
    for _ in range(2):
        eopt.zero_grad()
        em(ex).pow(2).sum().backward()
        eopt.step()
        topt.zero_grad()
        tm(x).pow(2).sum().backward()
        topt.step()
    for (k, ev), tv in zip(em.state_dict().items(), tm.state_dict().values()):
        assert_same(ev, tv, rtol=1e-5, atol=1e-6, msg=k)

    ember.save({"opt": eopt.state_dict()}, tmp_path / "back.pt")
    back = torch.load(tmp_path / "back.pt")["opt"]
    ref = topt.state_dict()
    assert back["param_groups"] == ref["param_groups"]
    for i, st in ref["state"].items():
        for k, v in st.items():
            assert_same(from_torch(back["state"][i][k]), v, rtol=1e-5, atol=1e-6)
