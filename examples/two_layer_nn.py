"""A two-layer ReLU network built from torch.nn, updated by hand.

python -m ember.run examples/two_layer_nn.py --steps 500
"""

import argparse

import torch


def main():
    p = argparse.ArgumentParser(description="two-layer net, torch.nn")
    p.add_argument("--steps", type=int, default=500, help="gradient steps (default 500)")
    p.add_argument("--lr", type=float, default=1e-4, help="learning rate (default 1e-4)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = p.parse_args()

    torch.manual_seed(args.seed)
    n, d_in, hidden, d_out = 64, 1000, 100, 10
    x = torch.randn(n, d_in)
    y = torch.randn(n, d_out)
    model = torch.nn.Sequential(
        torch.nn.Linear(d_in, hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, d_out),
    )
    loss_fn = torch.nn.MSELoss(reduction="sum")
    print(model)

    first = None
    for step in range(args.steps):
        loss = loss_fn(model(x), y)
        first = loss.item() if first is None else first
        if step % 100 == 99 or step == args.steps - 1:
            print(f"step {step + 1:4d}  loss {loss.item():.4f}")
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= args.lr * param.grad
    print(f"initial loss {first:.4f}  final loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
