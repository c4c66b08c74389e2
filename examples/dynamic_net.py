"""A dynamic network: each forward pass picks a random depth and reuses one hidden layer.

Control flow is plain Python, so the graph differs from step to step, and the middle
layer's weights are shared by every repetition (its gradient sums over them).

    python -m ember.run examples/dynamic_net.py --steps 500
"""

import argparse
import random

import torch


class DynamicNet(torch.nn.Module):
    def __init__(self, d_in, hidden, d_out):
        super().__init__()
        self.input_linear = torch.nn.Linear(d_in, hidden)
        self.middle_linear = torch.nn.Linear(hidden, hidden)
        self.output_linear = torch.nn.Linear(hidden, d_out)

    def forward(self, x):
        h = self.input_linear(x).clamp(min=0)
        for _ in range(random.randint(0, 3)):
            h = self.middle_linear(h).clamp(min=0)
        return self.output_linear(h)


def main():
    p = argparse.ArgumentParser(description="dynamic depth, shared weights")
    p.add_argument("--steps", type=int, default=500, help="optimizer steps (default 500)")
    p.add_argument("--lr", type=float, default=1e-4, help="learning rate (default 1e-4)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = p.parse_args()

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    n, d_in, hidden, d_out = 64, 1000, 100, 10
    x = torch.randn(n, d_in)
    y = torch.randn(n, d_out)
    model = DynamicNet(d_in, hidden, d_out)
    loss_fn = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)

    first = None
    for step in range(args.steps):
        loss = loss_fn(model(x), y)
        first = loss.item() if first is None else first
        if step % 100 == 99 or step == args.steps - 1:
            print(f"step {step + 1:4d}  loss {loss.item():.4f}")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    # Evaluate with every depth so the result does not hang on one random draw.
    with torch.no_grad():
        h = model.input_linear(x).clamp(min=0)
        losses = []
        for _ in range(4):
            losses.append(loss_fn(model.output_linear(h), y).item())
            h = model.middle_linear(h).clamp(min=0)
    print("loss by depth:", " ".join(f"{v:.2f}" for v in losses))
    print(f"initial loss {first:.4f}  final loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
