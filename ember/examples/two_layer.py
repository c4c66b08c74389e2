"""Train a two-layer ReLU network on random data with ember tensors and autograd.

Run: ``python -m ember.examples.two_layer [--steps N] [--seed S]``
"""

from __future__ import annotations

import argparse

import ember as torch


def main(argv=None) -> float:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=300, help="gradient steps (default 300)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--lr", type=float, default=1e-6, help="learning rate (default 1e-6)")
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    n, d_in, hidden, d_out = 64, 1000, 100, 10
    x = torch.randn(n, d_in)
    y = torch.randn(n, d_out)
    w1 = torch.randn(d_in, hidden, requires_grad=True)
    w2 = torch.randn(hidden, d_out, requires_grad=True)

    loss_value = float("nan")
    for step in range(args.steps):
        y_pred = x.mm(w1).clamp(min=0).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        loss_value = loss.item()
        if step % 20 == 0 or step == args.steps - 1:
            print(f"step {step:4d}  loss {loss_value:14.4f}")
        loss.backward()
        with torch.no_grad():
            w1 -= args.lr * w1.grad
            w2 -= args.lr * w2.grad
            w1.grad = None
            w2.grad = None
    return loss_value


if __name__ == "__main__":
    main()
