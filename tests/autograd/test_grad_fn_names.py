"""The grad_fn a composite shows is the one torch shows (printed as ``grad_fn=<...>``)."""

from __future__ import annotations

import pytest

import ember

from ..util import torch

CASES = {
    "cross_entropy": lambda m, x, y: m.nn.functional.cross_entropy(x, y),
    "cross_entropy_sum": lambda m, x, y: m.nn.functional.cross_entropy(x, y, reduction="sum"),
    "cross_entropy_3d": lambda m, x, y: m.nn.functional.cross_entropy(
        x[None].transpose(1, 2), y[None].expand(1, 3)
    ),
    "nll_none": lambda m, x, y: m.nn.functional.nll_loss(x, y, reduction="none"),
    "mse": lambda m, x, y: m.nn.functional.mse_loss(x, x.detach() * 2),
    "bce": lambda m, x, y: m.nn.functional.binary_cross_entropy(x.sigmoid(), x.detach().sigmoid()),
    "bce_logits": lambda m, x, y: m.nn.functional.binary_cross_entropy_with_logits(x, x.detach()),
    "smooth_l1": lambda m, x, y: m.nn.functional.smooth_l1_loss(x, x.detach() * 2),
    "huber_none": lambda m, x, y: m.nn.functional.huber_loss(x, x.detach() * 2, reduction="none"),
    "linear_2d": lambda m, x, y: m.nn.functional.linear(x, m.ones(2, 4), m.ones(2)),
    "linear_3d": lambda m, x, y: m.nn.functional.linear(x[None], m.ones(2, 4), m.ones(2)),
    "linear_3d_nobias": lambda m, x, y: m.nn.functional.linear(x[None], m.ones(2, 4)),
    "linear_1d_nobias": lambda m, x, y: m.nn.functional.linear(x[0], m.ones(2, 4)),
    "gelu": lambda m, x, y: m.nn.functional.gelu(x),
    "silu": lambda m, x, y: m.nn.functional.silu(x),
    "leaky_relu": lambda m, x, y: m.nn.functional.leaky_relu(x),
    "elu": lambda m, x, y: m.nn.functional.elu(x),
    "softplus": lambda m, x, y: m.nn.functional.softplus(x),
    "layer_norm": lambda m, x, y: m.nn.functional.layer_norm(x, (4,)),
    "dot": lambda m, x, y: x[0] @ x[1],
    "mv": lambda m, x, y: x @ x[0],
    "vm": lambda m, x, y: x[:, 0] @ x,
    "mm": lambda m, x, y: x @ x.t(),
    "batched": lambda m, x, y: x[None] @ x.t(),
    "t": lambda m, x, y: x.t(),
    "T": lambda m, x, y: x.T,
    "sum_dim": lambda m, x, y: x.sum(1),
    "sum_all": lambda m, x, y: x.sum(),
    "mean_dim": lambda m, x, y: x.mean((0, 1)),
    "stack": lambda m, x, y: m.stack([x, x]),
    "split": lambda m, x, y: x.split(2)[1],
    "split_sizes": lambda m, x, y: x.split([1, 2])[1],
    "chunk": lambda m, x, y: x.chunk(2, 1)[0],
    "unbind": lambda m, x, y: x.unbind(1)[2],
    "clamp": lambda m, x, y: x.clamp(-0.5, 0.5),
    "clamp_tensor": lambda m, x, y: x.clamp(min=m.zeros(4)),
    "clamp_min": lambda m, x, y: x.clamp_min(0),
    "clamp_max": lambda m, x, y: x.clamp_max(0),
    "rsub": lambda m, x, y: 1 - x,
    "rpow": lambda m, x, y: 2**x,
    "pow_tensor": lambda m, x, y: x ** x.detach(),
    "pow_scalar": lambda m, x, y: x**2,
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_grad_fn_name_matches_torch(name):
    f = CASES[name]
    te = ember.randn(3, 4, requires_grad=True)
    tt = torch.randn(3, 4, requires_grad=True)
    re = f(ember, te, ember.tensor([0, 1, 3]))
    rt = f(torch, tt, torch.tensor([0, 1, 3]))
    assert re.grad_fn.name() == rt.grad_fn.name()
    assert repr(re.grad_fn).split()[0] == repr(rt.grad_fn).split()[0]


def test_printed_loss_shows_torch_node():
    torch.manual_seed(0)
    ember.manual_seed(0)
    outs = []
    for m in (torch, ember):
        x = m.randn(3, 5, requires_grad=True)
        outs.append(str(m.nn.functional.cross_entropy(x, m.tensor([1, 0, 4]))))
    assert outs[0] == outs[1]
    assert "NllLossBackward0" in outs[1]
