"""A two-layer ReLU network whose ReLU is a custom autograd.Function.

The Function saves its input in forward and writes its own backward.

    python -m ember.run examples/two_layer_function.py --steps 500
"""

import argparse

import torch


class MyReLU(torch.autograd.Function):
    """ReLU with a hand-written gradient."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


def main():
    p = argparse.ArgumentParser(description="two-layer net, custom autograd.Function ReLU")
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

    # The custom ReLU agrees with the built-in one, gradients included.
    probe = torch.randn(5, 3, requires_grad=True)
    (g_custom,) = torch.autograd.grad(MyReLU.apply(probe).sum(), probe)
    (g_builtin,) = torch.autograd.grad(probe.relu().sum(), probe)
    print("custom ReLU gradient matches built-in:", torch.equal(g_custom, g_builtin))

    first = None
    for step in range(args.steps):
        y_pred = MyReLU.apply(x.mm(w1)).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        first = loss.item() if first is None else first
        if step % 100 == 99 or step == args.steps - 1:
            print(f"step {step + 1:4d}  loss {loss.item():.4f}")
        loss.backward()
        with torch.no_grad():
            w1 -= args.lr * w1.grad
            w2 -= args.lr * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    print(f"initial loss {first:.4f}  final loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
