"""Generic op tests driven by the op table: values, gradients and errors against torch."""

from __future__ import annotations

import importlib
import pkgutil

import numpy as np
import pytest

import ember

from . import optables
from .optable import materialize
from .util import assert_same, to_numpy, torch

OPS = []
for _m in pkgutil.iter_modules(optables.__path__):
    OPS.extend(importlib.import_module(f"{optables.__name__}.{_m.name}").OPS)


def _cases(kind):
    out = []
    for op in OPS:
        if kind == "forward":
            out += [pytest.param(op, dt, id=f"{op.name}-{dt}") for dt in op.dtypes]
        elif kind == "grad" and op.grad:
            out += [pytest.param(op, dt, id=f"{op.name}-{dt}") for dt in op.grad_dtypes]
        elif kind == "gradcheck" and op.grad and op.gradcheck:
            out.append(pytest.param(op, id=op.name))
        elif kind == "errors" and op.errors is not None:
            out.append(pytest.param(op, id=op.name))
    return out


def _rng(op, dt):
    return np.random.default_rng(sum(map(ord, op.name + dt)))


@pytest.mark.parametrize("op,dtype", _cases("forward"))
def test_forward_matches_torch(op, dtype):
    rng = _rng(op, dtype)
    for s in op.samples(dtype):
        ea, ek, ta, tk, _, _ = materialize(s, dtype, rng, False)
        try:
            expected = op.tfn()(*ta, **tk)
        except Exception as exc:  # torch refuses: ember must refuse the same way
            with pytest.raises(type(exc)):
                op.efn()(*ea, **ek)
            continue
        got = op.efn()(*ea, **ek)
        assert_same(got, expected, op.rtol, op.atol, msg=f"{op.name} {s.desc} {s.args}")


def _outputs(res):
    if isinstance(res, (tuple, list)):
        return [r for r in res if hasattr(r, "requires_grad") and r.requires_grad]
    return [res] if res.requires_grad else []


@pytest.mark.parametrize("op,dtype", _cases("grad"))
def test_gradients_match_torch(op, dtype):
    rng = _rng(op, dtype)
    checked = 0
    for s in op.samples(dtype):
        ea, ek, ta, tk, el, tl = materialize(s, dtype, rng, True)
        if not el:
            continue
        try:
            tres = op.tfn()(*ta, **tk)
        except Exception:
            continue
        eres = op.efn()(*ea, **ek)
        touts, eouts = _outputs(tres), _outputs(eres)
        assert len(touts) == len(eouts)
        if not touts:
            continue
        cots = [rng.standard_normal(tuple(t.shape)) for t in touts]
        tgs = torch.autograd.grad(
            touts,
            tl,
            [torch.tensor(c, dtype=t.dtype) for c, t in zip(cots, touts)],
            allow_unused=True,
        )
        egs = ember.autograd.grad(
            eouts,
            el,
            [ember.tensor(c, dtype=e.dtype) for c, e in zip(cots, eouts)],
            allow_unused=True,
        )
        for i, (eg, tg) in enumerate(zip(egs, tgs)):
            if tg is None:
                assert eg is None or not np.any(to_numpy(eg)), f"{op.name}: grad {i}"
                continue
            assert eg is not None, f"{op.name} {s.desc}: missing gradient for input {i}"
            rtol = op.rtol if op.rtol is not None else (1e-4 if dtype == "float32" else None)
            atol = op.atol if op.atol is not None else (1e-4 if dtype == "float32" else None)
            assert_same(eg, tg, rtol, atol, msg=f"{op.name} {s.desc} grad {i}")
        checked += 1


@pytest.mark.parametrize("op", _cases("gradcheck"))
def test_gradcheck_float64(op):
    rng = np.random.default_rng(1)
    for s in op.samples("float64"):
        ea, ek, _, _, el, _ = materialize(s, "float64", rng, True)
        if not el or sum(x.numel() for x in el) > 60:
            continue
        leaves = [x for x in ea if isinstance(x, ember.Tensor) and x.requires_grad]
        if any(not x.is_contiguous() for x in leaves):
            continue

        def fn(*xs, _s=ea, _k=ek):
            it = iter(xs)
            args = [next(it) if isinstance(a, ember.Tensor) and a.requires_grad else a
                    for a in _s]  # fmt: skip
            return op.efn()(*args, **_k)

        assert ember.autograd.gradcheck(fn, tuple(leaves), eps=1e-6, atol=1e-5, rtol=1e-3)


@pytest.mark.parametrize("op", _cases("errors"))
def test_errors_match_torch(op):
    rng = np.random.default_rng(2)
    for s in op.errors():
        ea, ek, ta, tk, _, _ = materialize(s, op.dtypes[0], rng, False)
        with pytest.raises(Exception) as texc:
            op.tfn()(*ta, **tk)
        with pytest.raises(type(texc.value)):
            op.efn()(*ea, **ek)
