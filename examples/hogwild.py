"""Hogwild: several processes train one model whose parameters live in shared memory.

Each process runs its own optimizer on its own data stream and writes its updates into
the same parameter tensors without locks (Recht et al., 2011). The parent process then
evaluates the model all of them trained.

    python -m ember.run examples/hogwild.py --processes 2 --steps 200
"""

import argparse
import os

import torch
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F

D_IN, HIDDEN, CLASSES = 20, 32, 4


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(D_IN, HIDDEN)
        self.fc2 = nn.Linear(HIDDEN, CLASSES)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def make_data(n, generator):
    """Points labelled by which of four fixed directions they lie closest to."""
    centres = torch.randn(CLASSES, D_IN, generator=torch.Generator().manual_seed(1234))
    x = torch.randn(n, D_IN, generator=generator)
    y = (x @ centres.t()).argmax(dim=1)
    return x, y


def train(rank, args, model):
    gen = torch.Generator().manual_seed(args.seed + 1 + rank)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.5)
    for _ in range(args.steps):
        x, y = make_data(args.batch_size, gen)
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()  # writes straight into the shared parameters
    print(f"process {rank} (pid {os.getpid()}): {args.steps} steps, last loss {loss.item():.4f}")


def evaluate(model, x, y):
    with torch.no_grad():
        out = model(x)
        return F.cross_entropy(out, y).item(), (out.argmax(1) == y).float().mean().item()


def main():
    p = argparse.ArgumentParser(description="Hogwild training in shared memory")
    p.add_argument("--processes", type=int, default=2, help="training processes (default 2)")
    p.add_argument("--steps", type=int, default=300, help="steps per process (default 300)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    torch.manual_seed(args.seed)
    model = Net()
    model.share_memory()  # parameters move to shared memory; children see the same storage
    x_test, y_test = make_data(1000, torch.Generator().manual_seed(args.seed))
    loss, acc = evaluate(model, x_test, y_test)
    print(f"before: test loss {loss:.4f}  accuracy {acc:.3f}")

    processes = []
    for rank in range(args.processes):
        proc = mp.Process(target=train, args=(rank, args, model))
        proc.start()
        processes.append(proc)
    for proc in processes:
        proc.join()
    failed = [proc.exitcode for proc in processes if proc.exitcode != 0]
    if failed:
        raise SystemExit(f"training processes failed with exit codes {failed}")

    loss, acc = evaluate(model, x_test, y_test)
    print(f"after: test loss {loss:.4f}  accuracy {acc:.3f}")


if __name__ == "__main__":
    main()
