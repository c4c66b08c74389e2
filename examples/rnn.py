"""Recurrent networks two ways: an Elman RNN cell written by hand, and torch.nn.LSTM.

Both learn the same task: read a noisy sine wave one value at a time and predict the
next value. The hand-written cell is a Python loop over time steps; autograd unrolls it
(backpropagation through time) with no extra code.

    python -m ember.run examples/rnn.py --steps 300
"""

import argparse
import math

import torch
import torch.nn as nn


class ElmanRNN(nn.Module):
    """h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh); y_t = h_t W_out^T + b_out."""

    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.w_ih = nn.Parameter(torch.randn(hidden_size, input_size) / math.sqrt(input_size))
        self.w_hh = nn.Parameter(torch.randn(hidden_size, hidden_size) / math.sqrt(hidden_size))
        self.b_h = nn.Parameter(torch.zeros(hidden_size))
        self.out = nn.Linear(hidden_size, output_size)

    def forward(self, x):  # x: (seq_len, batch, input_size)
        h = torch.zeros(x.shape[1], self.hidden_size)
        outputs = []
        for x_t in x:  # one time step at a time
            h = torch.tanh(x_t @ self.w_ih.t() + h @ self.w_hh.t() + self.b_h)
            outputs.append(h)
        return self.out(torch.stack(outputs))


class LSTMModel(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size)
        self.out = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        h, _ = self.lstm(x)
        return self.out(h)


def make_batch(seq_len, batch, generator):
    """Noisy sine waves with random phase and frequency: inputs and next-step targets."""
    t = torch.arange(seq_len + 1, dtype=torch.float32).unsqueeze(1)
    phase = torch.rand(1, batch, generator=generator) * 2 * math.pi
    freq = 0.1 + 0.2 * torch.rand(1, batch, generator=generator)
    wave = torch.sin(t * freq + phase) + 0.05 * torch.randn(seq_len + 1, batch, generator=generator)
    wave = wave.unsqueeze(-1)  # (seq_len + 1, batch, 1)
    return wave[:-1], wave[1:]


def train(name, model, args):
    gen = torch.Generator().manual_seed(args.seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.MSELoss()
    x_val, y_val = make_batch(args.seq_len, 64, torch.Generator().manual_seed(args.seed + 1))
    with torch.no_grad():
        first = loss_fn(model(x_val), y_val).item()
    for step in range(args.steps):
        x, y = make_batch(args.seq_len, args.batch_size, gen)
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 100 == 99:
            print(f"{name:5s} step {step + 1:4d}  train loss {loss.item():.5f}")
    with torch.no_grad():
        last = loss_fn(model(x_val), y_val).item()
    print(f"{name}: validation loss {first:.5f} -> {last:.5f}")
    return first, last


def main():
    p = argparse.ArgumentParser(description="Elman RNN by hand and nn.LSTM on sine waves")
    p.add_argument("--steps", type=int, default=300, help="optimizer steps per model")
    p.add_argument("--seq-len", type=int, default=30, help="sequence length (default 30)")
    p.add_argument("--batch-size", type=int, default=32, help="batch size (default 32)")
    p.add_argument("--hidden", type=int, default=32, help="hidden size (default 32)")
    p.add_argument("--lr", type=float, default=1e-2, help="learning rate (default 1e-2)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--model", choices=["elman", "lstm", "both"], default="both")
    args = p.parse_args()

    torch.manual_seed(args.seed)
    if args.model in ("elman", "both"):
        train("elman", ElmanRNN(1, args.hidden, 1), args)
    if args.model in ("lstm", "both"):
        train("lstm", LSTMModel(1, args.hidden, 1), args)


if __name__ == "__main__":
    main()
