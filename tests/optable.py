"""The op table: one record per op drives the generic op tests (tests/test_ops.py).

A record names the op and yields samples; each sample's tensor arguments are
``Arg`` specs materialised with the same values in ember and torch. Families
keep their rows in ``tests/optables/<family>.py`` as a list ``OPS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .util import ALL_FLOATS, FLOATS, make_pair


@dataclass
class Arg:
    """A tensor argument: shape, dtype (None: the sample's dtype), value range, layout."""

    shape: tuple
    dtype: str | None = None
    low: float = -3
    high: float = 3
    grad: bool = True
    noncontig: bool = False


@dataclass
class Sample:
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    desc: str = ""


def S(*args, desc="", **kwargs):
    return Sample(args, kwargs, desc)


@dataclass
class OpInfo:
    name: str
    samples: Callable  # (dtype: str) -> iterable of Sample
    dtypes: tuple = tuple(FLOATS)
    ember_fn: Callable | None = None
    torch_fn: Callable | None = None
    grad: bool = True
    gradcheck: bool = True
    errors: Callable | None = None  # () -> iterable of Sample that must raise in both
    rtol: float | None = None
    atol: float | None = None
    method: bool = True
    inplace: bool = False
    grad_dtypes: tuple = ("float32", "float64")
    extra: Any = None

    def efn(self):
        import ember

        return self.ember_fn or _resolve(ember, self.name)

    def tfn(self):
        import torch

        return self.torch_fn or _resolve(torch, self.name)


def _resolve(mod, name):
    obj = mod
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def materialize(sample, dtype, rng, requires_grad):
    """(ember args, ember kwargs, torch args, torch kwargs, ember grad leaves, torch leaves)."""
    eleaves, tleaves = [], []

    def conv(x):
        if isinstance(x, Arg):
            dt = x.dtype or dtype
            rg = requires_grad and x.grad and dt in ALL_FLOATS + ["complex64", "complex128"]
            e, t = make_pair(x.shape, dt, rng, x.low, x.high, rg, x.noncontig)
            if rg:
                eleaves.append(e)
                tleaves.append(t)
            return e, t
        if isinstance(x, (list, tuple)) and any(isinstance(v, Arg) for v in x):
            pairs = [conv(v) for v in x]
            return type(x)(p[0] for p in pairs), type(x)(p[1] for p in pairs)
        return x, x

    pa = [conv(a) for a in sample.args]
    pk = {k: conv(v) for k, v in sample.kwargs.items()}
    return (
        tuple(p[0] for p in pa),
        {k: v[0] for k, v in pk.items()},
        tuple(p[1] for p in pa),
        {k: v[1] for k, v in pk.items()},
        eleaves,
        tleaves,
    )


def seeded(name):
    return np.random.default_rng(abs(hash(name)) % (2**32))
