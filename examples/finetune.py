"""Save a checkpoint, load it in another process (PyTorch or ember), and fine-tune it.

The checkpoint is an ordinary ``torch.save`` file holding the model's and optimizer's
state dicts, so the same script moves training between PyTorch and ember:

    python examples/finetune.py --steps 200 --save a.pt                    # PyTorch
    python -m ember.run examples/finetune.py --load a.pt --save b.pt       # ember
    python examples/finetune.py --load b.pt                                # PyTorch again

The task is deterministic (fit sin(x) on a fixed grid), so the loss printed after
loading equals the loss printed before saving, whichever library wrote the file.
"""

import argparse

import torch
import torch.nn as nn


def make_model():
    return nn.Sequential(
        nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1)
    )


def main():
    p = argparse.ArgumentParser(description="checkpoint round trip and fine-tuning")
    p.add_argument("--load", default="", help="checkpoint to start from (.pt)")
    p.add_argument("--save", default="", help="where to write the checkpoint (.pt)")
    p.add_argument("--steps", type=int, default=100, help="Adam steps (default 100)")
    p.add_argument("--lr", type=float, default=1e-2)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    torch.manual_seed(args.seed)
    x = torch.linspace(-3, 3, 256).unsqueeze(1)
    y = torch.sin(x)
    model = make_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    step = 0
    if args.load:
        checkpoint = torch.load(args.load)  # weights_only by default: tensors and containers
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        step = checkpoint["step"]
        print(f"loaded {args.load} (trained {step} steps)")

    loss_fn = nn.MSELoss()
    with torch.no_grad():
        print(f"loss before: {loss_fn(model(x), y).item():.6e}")
    for _ in range(args.steps):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        step += 1
    with torch.no_grad():
        print(f"loss after: {loss_fn(model(x), y).item():.6e}")

    if args.save:
        state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step}
        torch.save(state, args.save)
        print(f"saved {args.save} ({torch.__version__})")


if __name__ == "__main__":
    main()
