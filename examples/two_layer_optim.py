"""A two-layer ReLU network built from torch.nn and trained with torch.optim.Adam.

python -m ember.run examples/two_layer_optim.py --steps 500
"""

import argparse

import torch


def main():
    p = argparse.ArgumentParser(description="two-layer net, torch.nn + torch.optim.Adam")
    p.add_argument("--steps", type=int, default=500, help="optimizer steps (default 500)")
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
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    first = None
    for step in range(args.steps):
        loss = loss_fn(model(x), y)
        first = loss.item() if first is None else first
        if step % 100 == 99 or step == args.steps - 1:
            print(f"step {step + 1:4d}  loss {loss.item():.4f}")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"initial loss {first:.4f}  final loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
