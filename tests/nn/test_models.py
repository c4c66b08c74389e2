"""End-to-end: small real architectures train identically in ember and torch.

Each model is built by the same code against either library, ember's copy takes
torch's state_dict, and both take three optimizer steps on the same batches. At
every step the loss, every parameter and buffer, and the optimizer's state match
torch (float32, tolerance 1e-4); ``print(model)`` gives the same text.
"""

from __future__ import annotations

import numpy as np
import pytest

import ember

from ..util import from_torch, torch

TOL = 1e-4


# --- the architectures, written once against a library `L` (torch or ember) -----------------


def lenet(L):
    nn = L.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.ReLU(),
        nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 32),
        nn.ReLU(),
        nn.Linear(32, 10),
    )


def resnet_block(L):
    nn = L.nn

    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.downsample = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)
            )

        def forward(self, x):
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return self.relu(out + self.downsample(x))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(3, 8, 3, padding=1)
            self.block = BasicBlock(8, 16, 2)
            self.pool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(16, 5)

        def forward(self, x):
            x = self.pool(self.block(self.stem(x)))
            return self.fc(L.flatten(x, 1))

    return Net()


def lstm_classifier(L):
    nn = L.nn

    class LSTMClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(20, 8, padding_idx=0)
            self.lstm = nn.LSTM(8, 12, num_layers=2, batch_first=True, bidirectional=True)
            self.head = nn.Linear(24, 4)

        def forward(self, tokens):
            out, (h, c) = self.lstm(self.embed(tokens))
            return self.head(L.cat([h[-2], h[-1]], dim=1))

    return LSTMClassifier()


def transformer_lm(L):
    nn = L.nn

    class TinyLM(nn.Module):
        def __init__(self, vocab=16, d=16):
            super().__init__()
            self.tok = nn.Embedding(vocab, d)
            self.pos = nn.Parameter(L.zeros(1, 6, d))
            layer = nn.TransformerEncoderLayer(d, 2, 32, dropout=0.0, batch_first=True,
                                               norm_first=True)  # fmt: skip
            self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
            self.norm = nn.LayerNorm(d)
            self.out = nn.Linear(d, vocab)

        def forward(self, tokens):
            t = tokens.shape[1]
            x = self.tok(tokens) + self.pos[:, :t]
            mask = nn.Transformer.generate_square_subsequent_mask(t)
            x = self.encoder(x, mask=mask, is_causal=True)
            return self.out(self.norm(x))

    return TinyLM()


# --- batches and losses ----------------------------------------------------------------------


def _batches(kind, rng):
    if kind == "image1":
        return [(rng.standard_normal((4, 1, 28, 28)), rng.integers(0, 10, 4)) for _ in range(3)]
    if kind == "image3":
        return [(rng.standard_normal((4, 3, 8, 8)), rng.integers(0, 5, 4)) for _ in range(3)]
    if kind == "tokens":
        return [(rng.integers(1, 20, (3, 7)), rng.integers(0, 4, 3)) for _ in range(3)]
    seqs = [rng.integers(0, 16, (2, 7)) for _ in range(3)]
    return [(s[:, :-1], s[:, 1:]) for s in seqs]


def _to(L, x, y):
    dt = L.float32 if x.dtype.kind == "f" else L.int64
    return L.tensor(x, dtype=dt), L.tensor(y, dtype=L.int64)


def _loss(L, name, out, y):
    if name == "transformer_lm":
        return L.nn.functional.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1))
    return L.nn.CrossEntropyLoss(label_smoothing=0.05)(out, y)


# Adam-type updates divide the gradient by its own magnitude, so a parameter whose true
# gradient is zero (the attention key bias: softmax ignores a per-query shift; a conv bias
# just before BatchNorm) moves by +-lr on rounding noise in either library. Those models
# train with SGD; Adam and AdamW run where every gradient is informative.
CASES = [
    ("lenet", lenet, "image1", "AdamW", {"lr": 1e-3, "weight_decay": 0.01}),
    ("resnet_block", resnet_block, "image3", "SGD",
     {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-4}),
    ("lstm_classifier", lstm_classifier, "tokens", "Adam", {"lr": 1e-2, "amsgrad": True}),
    ("transformer_lm", transformer_lm, "lm", "SGD", {"lr": 0.1, "momentum": 0.9}),
]  # fmt: skip


def _compare_tensors(e, t, what):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=TOL, atol=TOL,
                               err_msg=what)  # fmt: skip


def _compare_optim_state(eo, to, step):
    es, ts = eo.state_dict(), to.state_dict()
    assert es["param_groups"] == ts["param_groups"], f"step {step}: param_groups"
    assert sorted(es["state"]) == sorted(ts["state"]), f"step {step}: state keys"
    for i, tstate in ts["state"].items():
        assert sorted(es["state"][i]) == sorted(tstate), f"step {step}: state[{i}] keys"
        for k, v in tstate.items():
            e = es["state"][i][k]
            if isinstance(v, torch.Tensor):
                _compare_tensors(e, v, f"step {step}: state[{i}][{k}]")
            else:
                assert e == v, f"step {step}: state[{i}][{k}]"


@pytest.mark.parametrize("name,build,data,opt,kw", CASES, ids=[c[0] for c in CASES])
def test_model_trains_like_torch(name, build, data, opt, kw):
    torch.manual_seed(0)
    tm = build(torch)
    em = build(ember)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    em.load_state_dict({k: from_torch(v) for k, v in tm.state_dict().items()})
    to = getattr(torch.optim, opt)(tm.parameters(), **kw)
    eo = getattr(ember.optim, opt)(em.parameters(), **kw)
    tm.train()
    em.train()
    for step, (x, y) in enumerate(_batches(data, np.random.default_rng(1))):
        tl = _loss(torch, name, tm(_to(torch, x, y)[0]), _to(torch, x, y)[1])
        el = _loss(ember, name, em(_to(ember, x, y)[0]), _to(ember, x, y)[1])
        np.testing.assert_allclose(el.item(), tl.item(), rtol=TOL, atol=TOL,
                                   err_msg=f"step {step}: loss")  # fmt: skip
        to.zero_grad()
        eo.zero_grad()
        tl.backward()
        el.backward()
        to.step()
        eo.step()
        for k, v in tm.state_dict().items():
            _compare_tensors(em.state_dict()[k], v, f"step {step}: {k}")
        _compare_optim_state(eo, to, step)
    tm.eval()
    em.eval()
    x, y = _batches(data, np.random.default_rng(2))[0]
    with torch.no_grad(), ember.no_grad():
        _compare_tensors(em(_to(ember, x, y)[0]), tm(_to(torch, x, y)[0]), "eval output")
