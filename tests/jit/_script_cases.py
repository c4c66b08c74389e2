# ruff: noqa: UP006, UP007, UP032, UP035, UP045
# Functions and modules compiled by both torch.jit.script and ember.jit.script.
# This file is imported twice by tests/jit/test_script.py: once with `torch` bound
# to PyTorch and once with it bound to ember (`import ember as torch`).
from typing import Dict, List, Optional, Tuple

import torch  # replaced by the test loader
import torch.nn as nn
import torch.nn.functional as F


def loops_and_if(x, n: int):
    y = x
    for i in range(n):
        y = y * 2 + i
    if y.sum() > 0:
        z = y.relu()
    elif n > 5:
        z = y - 1
    else:
        z = -y
    return z


def while_break_continue(n: int) -> int:
    total = 0
    i = 0
    while i < n:
        i += 1
        if i % 2 == 0:
            continue
        if i > 7:
            break
        total += i
    return total


def early_return(x, k: int):
    if k < 0:
        return x * 0
    if k == 0:
        return x
    y = x + k
    return y


def tuples_and_aug(x, y) -> Tuple[torch.Tensor, int]:
    a, b = x, y
    a, b = b, a
    c = a * b
    c += 1
    n = 3
    n *= 2
    return c, n


def containers(x, n: int) -> Dict[str, torch.Tensor]:
    sq = [k * 2 for k in range(n)]
    ts: List[torch.Tensor] = []
    for k in sq:
        ts.append(x * k)
    out: Dict[str, torch.Tensor] = {"sum": x.sum()}
    out["stack"] = torch.stack(ts)
    out["len"] = torch.tensor(len(sq))
    return out


def optional_refine(x, scale: Optional[float] = None, bias: Optional[torch.Tensor] = None):
    if scale is not None:
        x = x * scale
    if bias is None:
        return x
    return x + bias


def isinstance_refine(x, v: Optional[int]) -> int:
    if isinstance(v, int):
        return v + 1
    return -1


def strings(n: int) -> str:
    s = "n=" + str(n)
    t = "{}-{}".format(s, n * 2)
    if t.startswith("n="):
        t = t + "!"
    return t


def asserts(x, n: int):
    assert n >= 0, "negative"
    return x * n


def raises(x, n: int):
    if n > 3:
        raise ValueError("too big")
    return x + n


def enumerate_zip(xs: List[torch.Tensor], ws: List[float]):
    acc = torch.zeros(2)
    for i, x in enumerate(xs):
        acc = acc + x * i
    for x, w in zip(xs, ws):
        acc = acc + x * w
    return acc


def functional_calls(x):
    h = F.relu(x)
    h = F.softmax(h, dim=-1)
    h = torch.cat([h, x], dim=0)
    return h.view(-1).sum(0, keepdim=True)


def helper(x, k: int):
    return x * k


def calls_helper(x):
    return helper(x, 3) + helper(x, 2)


def indexing(x):
    a = x[0]
    b = x[:, 1:3]
    c = x[..., -1]
    s = x.shape[0]
    return a.sum() + b.sum() + c.sum() + s


def ternary_and_bool(x, a: int, b: int):
    k = a if a > b else b
    if a > 0 and b > 0:
        return x * k
    if not (a > 0) or b < 0:
        return x - k
    return x


class Block(nn.Module):
    __constants__ = ["scale"]

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)
        self.scale = 2.0

    def forward(self, x):
        return F.relu(self.lin(x)) * self.scale


class Model(nn.Module):
    n_rep: torch.jit.Final[int]

    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([Block(), Block()])
        self.head = nn.Linear(4, 3)
        self.n_rep = 2
        self.offset = 0.5
        self.register_buffer("running", torch.ones(3))

    def forward(self, x, flag: bool = True):
        for b in self.blocks:
            x = b(x)
        for _ in range(self.n_rep):
            x = x + self.offset
        y = self.head(x)
        if flag and self.training:
            y = y * 2
        return y + self.running

    @torch.jit.export
    def predict(self, x, k: int) -> torch.Tensor:
        return self.forward(x, False).argmax(dim=k)

    @torch.jit.ignore
    def python_only(self, x):
        return x

    def uses_ignored(self, x):
        return self.python_only(x)


def fstrings(n: int) -> str:
    return f"n={n} twice={n * 2} {{braces}}"


def dict_comprehension(n: int) -> Dict[str, int]:
    return {str(k): k * 2 for k in range(n)}


class UnrolledExits(nn.Module):
    """break/continue decided at compile time in a loop over a ModuleList; hasattr."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(4)])
        self.scale = 2.0

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            if i == 1:
                continue
            if i == 3:
                break
            x = layer(x)
        if hasattr(self, "scale"):
            x = x * self.scale
        if hasattr(self, "missing"):
            x = x + 100.0
        return x
