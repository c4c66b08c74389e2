"""A two-layer ReLU network fit to random data, with gradients from autograd.

python -m ember.run examples/two_layer_autograd.py --steps 500
"""

import argparse

import torch


def main():
    p = argparse.ArgumentParser(description="two-layer net, autograd")
    p.add_argument("--steps", type=int, default=500, help="gradient steps (default 500)")
    p.add_argument("--lr", type=float, default=1e-6, help="learning rate (default 1e-6)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = p.parse_args()

    torch.manual_seed(args.seed)
    n, d_in, hidden, d_out = 64, 1000, 100, 10
    x = torch.randn(n, d_in)
    y = torch.randn(n, d_out)
    w1 = torch.randn(d_in, hidden, requires_grad=True)
    w2 = torch.randn(hidden, d_out, requires_grad=True)

    first = None
    for step in range(args.steps):
        y_pred = x.mm(w1).clamp(min=0).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        first = loss.item() if first is None else first
        if step % 100 == 99 or step == args.steps - 1:
            print(f"step {step + 1:4d}  loss {loss.item():.4f}")
        loss.backward()
        # Update outside the graph, then clear the gradients for the next step.
        with torch.no_grad():
            w1 -= args.lr * w1.grad
            w2 -= args.lr * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    print(f"initial loss {first:.4f}  final loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
