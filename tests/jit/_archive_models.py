# Models that tests/jit/test_load_torch_archives.py scripts/traces with torch (needs source).
import torch
import torch.nn as nn


class IfFor(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)
        self.layers = nn.ModuleList([nn.Linear(4, 4), nn.ReLU()])

    def forward(self, x, n: int):
        for layer in self.layers:
            x = layer(x)
        if x.sum() > 0:
            x = x * 2
        else:
            x = x - 1
        for _ in range(n):
            x = self.lin(x)
        return x


class Exported(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 3)

    def forward(self, x):
        return self.lin(x)

    @torch.jit.export
    def predict(self, x, k: int):
        return torch.softmax(self.lin(x), dim=k)


class LSTMHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 5, batch_first=True)
        self.gru = nn.GRU(5, 3)

    def forward(self, x):
        y, (h, c) = self.lstm(x)
        z, hz = self.gru(y)
        return z + hz.sum(), h
