"""A two-layer ReLU network fit to random data with tensors and a hand-written backward pass.

The first step of the learning-PyTorch progression: no autograd, every gradient is
written out by hand.

    python -m ember.run examples/two_layer_tensors.py --steps 500
"""

import argparse

import torch


def main():
    p = argparse.ArgumentParser(description="two-layer net, manual backward")
    p.add_argument("--steps", type=int, default=500, help="gradient steps (default 500)")
    p.add_argument("--lr", type=float, default=1e-6, help="learning rate (default 1e-6)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = p.parse_args()

    torch.manual_seed(args.seed)
    # batch size, input size, hidden size, output size
    n, d_in, hidden, d_out = 64, 1000, 100, 10
    x = torch.randn(n, d_in)
    y = torch.randn(n, d_out)
    w1 = torch.randn(d_in, hidden)
    w2 = torch.randn(hidden, d_out)

    first = None
    for step in range(args.steps):
        # forward: linear, ReLU, linear
        h = x.mm(w1)
        h_relu = h.clamp(min=0)
        y_pred = h_relu.mm(w2)
        loss = (y_pred - y).pow(2).sum().item()
        first = loss if first is None else first
        if step % 100 == 99 or step == args.steps - 1:
            print(f"step {step + 1:4d}  loss {loss:.4f}")

        # backward by hand: d loss / d w2 and d loss / d w1
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.t().mm(grad_y_pred)
        grad_h_relu = grad_y_pred.mm(w2.t())
        grad_h = grad_h_relu.clone()
        grad_h[h < 0] = 0
        grad_w1 = x.t().mm(grad_h)

        w1 -= args.lr * grad_w1
        w2 -= args.lr * grad_w2
    print(f"initial loss {first:.4f}  final loss {loss:.4f}")


if __name__ == "__main__":
    main()
