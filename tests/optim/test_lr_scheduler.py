"""Learning-rate schedulers against torch 2.13: the lr sequence and the state_dict layout."""

from __future__ import annotations

import math
import warnings

import pytest

import ember
import ember.nn
from tests.util import torch

S = "lr_scheduler"


def _opts(opt_name="SGD", groups=1, **kw):
    kw = kw or ({"lr": 0.1, "momentum": 0.9} if opt_name == "SGD" else {"lr": 0.1})
    ep = [ember.nn.Parameter(ember.ones(2)) for _ in range(groups)]
    tp = [torch.nn.Parameter(torch.ones(2)) for _ in range(groups)]
    eg = [{"params": [p], "lr": 0.1 * (i + 1)} for i, p in enumerate(ep)]
    tg = [{"params": [p], "lr": 0.1 * (i + 1)} for i, p in enumerate(tp)]
    return getattr(ember.optim, opt_name)(eg, **kw), getattr(torch.optim, opt_name)(tg, **kw)


def _lam(epoch):
    return 0.95**epoch


def _plain_values(sd):
    """A state_dict with functions/partials replaced by their type names, for comparison."""
    out = {}
    for k, v in sd.items():
        if callable(v):
            v = type(v).__name__
        out[k] = v
    return out


def _close(a, b, msg):
    if isinstance(b, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), f"{msg}: {a!r} != {b!r}"
        for x, y in zip(a, b):
            _close(x, y, msg)
    elif isinstance(b, dict):
        assert list(a) == list(b), f"{msg}: keys {list(a)} != {list(b)}"
        for k in b:
            _close(a[k], b[k], f"{msg}[{k!r}]")
    elif isinstance(b, float) and not math.isinf(b):
        assert isinstance(a, (float, int)) and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15), (
            f"{msg}: {a!r} != {b!r}"
        )
    else:
        assert a == b, f"{msg}: {a!r} != {b!r}"


CASES = [
    ("LambdaLR", {"lr_lambda": _lam}, "SGD", 2),
    ("MultiplicativeLR", {"lr_lambda": lambda e: 0.9}, "SGD", 1),
    ("StepLR", {"step_size": 4}, "SGD", 2),
    ("StepLR", {"step_size": 3, "gamma": 0.5}, "SGD", 1),
    ("MultiStepLR", {"milestones": [3, 7, 7, 20], "gamma": 0.5}, "SGD", 1),
    ("ConstantLR", {}, "SGD", 2),
    ("ConstantLR", {"factor": 0.5, "total_iters": 8}, "SGD", 1),
    ("LinearLR", {}, "SGD", 2),
    ("LinearLR", {"start_factor": 0.2, "end_factor": 0.9, "total_iters": 12}, "SGD", 1),
    ("ExponentialLR", {"gamma": 0.9}, "SGD", 2),
    ("PolynomialLR", {}, "SGD", 1),
    ("PolynomialLR", {"total_iters": 20, "power": 2.0}, "SGD", 2),
    ("CosineAnnealingLR", {"T_max": 10}, "SGD", 2),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.01}, "SGD", 1),
    ("CosineAnnealingWarmRestarts", {"T_0": 5}, "SGD", 1),
    ("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2, "eta_min": 0.001}, "SGD", 2),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4}, "SGD", 2),
    (
        "CyclicLR",
        {
            "base_lr": 0.01,
            "max_lr": 0.1,
            "step_size_up": 3,
            "step_size_down": 5,
            "mode": "triangular2",
        },
        "SGD",
        1,
    ),
    (
        "CyclicLR",
        {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4, "mode": "exp_range", "gamma": 0.9},
        "Adam",
        1,
    ),
    ("CyclicLR", {"base_lr": [0.01], "max_lr": [0.1], "cycle_momentum": False}, "Adagrad", 1),
    ("OneCycleLR", {"max_lr": 0.5, "total_steps": 40}, "SGD", 2),
    (
        "OneCycleLR",
        {"max_lr": 0.5, "epochs": 4, "steps_per_epoch": 10, "anneal_strategy": "linear"},
        "Adam",
        1,
    ),
    (
        "OneCycleLR",
        {"max_lr": [0.5], "total_steps": 40, "three_phase": True, "pct_start": 0.25},
        "SGD",
        1,
    ),
]


def _ids(case):
    return case[0] + "-" + "-".join(f"{k}={getattr(v, '__name__', v)}" for k, v in case[1].items())


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_lr_sequence_matches_torch(case):
    name, kw, opt_name, groups = case
    eo, to = _opts(opt_name, groups)
    es = getattr(ember.optim.lr_scheduler, name)(eo, **kw)
    ts = getattr(torch.optim.lr_scheduler, name)(to, **kw)
    _close(es.get_last_lr(), ts.get_last_lr(), f"{name} initial")
    for epoch in range(30 if name != "OneCycleLR" else 39):
        eo.step()
        to.step()
        es.step()
        ts.step()
        _close(es.get_last_lr(), ts.get_last_lr(), f"{name} epoch {epoch}")
        for eg, tg in zip(eo.param_groups, to.param_groups):
            for key in ("lr", "momentum", "betas"):
                if key in tg:
                    _close(eg[key], tg[key], f"{name} epoch {epoch} group {key}")
    esd, tsd = es.state_dict(), ts.state_dict()
    _close(_plain_values(esd), _plain_values(tsd), f"{name} state_dict")
    # the optimizer's param groups carry the scheduler's extra keys too
    assert [sorted(g) for g in eo.param_groups] == [sorted(g) for g in to.param_groups]
    assert repr(eo) == repr(to)


@pytest.mark.parametrize("case", CASES[2:12], ids=_ids)
def test_state_dict_round_trip(case):
    name, kw, opt_name, groups = case
    eo, to = _opts(opt_name, groups)
    es = getattr(ember.optim.lr_scheduler, name)(eo, **kw)
    ts = getattr(torch.optim.lr_scheduler, name)(to, **kw)
    for _ in range(5):
        to.step()
        ts.step()
    eo.load_state_dict({"state": {}, "param_groups": to.state_dict()["param_groups"]})
    es.load_state_dict(ts.state_dict())
    for epoch in range(10):
        es.step()
        ts.step()
        _close(es.get_last_lr(), ts.get_last_lr(), f"{name} resumed {epoch}")


def test_step_with_epoch_uses_closed_form():
    for name, kw in [
        ("StepLR", {"step_size": 3}),
        ("CosineAnnealingWarmRestarts", {"T_0": 4, "T_mult": 2}),
    ]:
        eo, to = _opts()
        es = getattr(ember.optim.lr_scheduler, name)(eo, **kw)
        ts = getattr(torch.optim.lr_scheduler, name)(to, **kw)
        for epoch in [2, 5, 9, 13]:
            with warnings.catch_warnings(record=True):
                warnings.simplefilter("always")
                es.step(epoch)
                ts.step(epoch)
            _close(es.get_last_lr(), ts.get_last_lr(), f"{name} epoch {epoch}")


@pytest.mark.parametrize("mode,threshold_mode", [("min", "rel"), ("max", "abs")])
def test_reduce_lr_on_plateau(mode, threshold_mode):
    eo, to = _opts(groups=2)
    kw = dict(
        mode=mode,
        threshold_mode=threshold_mode,
        patience=2,
        cooldown=1,
        factor=0.5,
        min_lr=[0.01, 0.02],
    )
    es = ember.optim.lr_scheduler.ReduceLROnPlateau(eo, **kw)
    ts = torch.optim.lr_scheduler.ReduceLROnPlateau(to, **kw)
    metrics = [1.0, 0.9, 0.9, 0.95, 0.97, 0.8, 0.8, 0.81, 0.85, 0.9, 0.7, 0.7, 0.7, 0.7, 0.7] * 2
    for m in metrics:
        es.step(m)
        ts.step(m)
        _close(es.get_last_lr(), ts.get_last_lr(), "plateau")
    _close(es.state_dict(), ts.state_dict(), "plateau state_dict")


def test_sequential_and_chained():
    eo, to = _opts(groups=2)
    e1 = ember.optim.lr_scheduler.LinearLR(eo, start_factor=0.1, total_iters=4)
    e2 = ember.optim.lr_scheduler.ExponentialLR(eo, gamma=0.9)
    t1 = torch.optim.lr_scheduler.LinearLR(to, start_factor=0.1, total_iters=4)
    t2 = torch.optim.lr_scheduler.ExponentialLR(to, gamma=0.9)
    es = ember.optim.lr_scheduler.SequentialLR(eo, [e1, e2], milestones=[5])
    ts = torch.optim.lr_scheduler.SequentialLR(to, [t1, t2], milestones=[5])
    _close(es.get_last_lr(), ts.get_last_lr(), "sequential initial")
    for epoch in range(15):
        eo.step()
        to.step()
        es.step()
        ts.step()
        _close(es.get_last_lr(), ts.get_last_lr(), f"sequential {epoch}")
    _close(_plain_values(es.state_dict()), _plain_values(ts.state_dict()), "sequential sd")

    eo, to = _opts()
    ec = ember.optim.lr_scheduler.ChainedScheduler(
        [ember.optim.lr_scheduler.ConstantLR(eo, factor=0.5, total_iters=3),
         ember.optim.lr_scheduler.ExponentialLR(eo, gamma=0.9)]
    )  # fmt: skip
    tc = torch.optim.lr_scheduler.ChainedScheduler(
        [torch.optim.lr_scheduler.ConstantLR(to, factor=0.5, total_iters=3),
         torch.optim.lr_scheduler.ExponentialLR(to, gamma=0.9)]
    )  # fmt: skip
    for epoch in range(10):
        eo.step()
        to.step()
        ec.step()
        tc.step()
        _close(ec.get_last_lr(), tc.get_last_lr(), f"chained {epoch}")
    _close(_plain_values(ec.state_dict()), _plain_values(tc.state_dict()), "chained sd")


def test_warns_when_scheduler_steps_before_optimizer():
    eo, to = _opts()
    es = ember.optim.lr_scheduler.StepLR(eo, step_size=2)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        es.step()


def test_errors_match_torch():
    eo, to = _opts()
    cases = [
        (lambda m: m.lr_scheduler.StepLR(object(), 2)),
        (lambda m: m.lr_scheduler.ConstantLR(eo if m is ember.optim else to, factor=2)),
        (lambda m: m.lr_scheduler.StepLR(eo if m is ember.optim else to, 2, last_epoch=3)),
        (lambda m: m.lr_scheduler.OneCycleLR(eo if m is ember.optim else to, 0.1)),
        (lambda m: m.lr_scheduler.ReduceLROnPlateau(eo if m is ember.optim else to, mode="x")),
    ]
    for make in cases:
        with pytest.raises(Exception) as te:
            make(torch.optim)
        with pytest.raises(type(te.value)) as ee:
            make(ember.optim)
        assert str(ee.value) == str(te.value)


@pytest.mark.parametrize(
    "kw",
    [{"swa_lr": 0.05}, {"swa_lr": 0.05, "anneal_epochs": 5, "anneal_strategy": "linear"},
     {"swa_lr": 0.05, "anneal_epochs": 0}],
)  # fmt: skip
def test_swalr_matches_torch(kw):
    eo, to = _opts(groups=2)
    es = ember.optim.swa_utils.SWALR(eo, **kw)
    ts = torch.optim.swa_utils.SWALR(to, **kw)
    for epoch in range(15):
        eo.step()
        to.step()
        es.step()
        ts.step()
        _close(es.get_last_lr(), ts.get_last_lr(), f"SWALR {epoch}")
    _close(_plain_values(es.state_dict()), _plain_values(ts.state_dict()), "SWALR sd")


def test_averaging_functions_match_torch():
    import numpy as np

    from tests.util import assert_same, from_torch

    a, b = torch.randn(4, dtype=torch.float64), torch.randn(4, dtype=torch.float64)
    ea, eb = from_torch(a), from_torch(b)
    for name, args in [("get_ema_avg_fn", (0.9,)), ("get_swa_avg_fn", ())]:
        ef = getattr(ember.optim.swa_utils, name)(*args)
        tf = getattr(torch.optim.swa_utils, name)(*args)
        assert_same(ef(ea, eb, 3), tf(a, b, 3), msg=name)
    for name, args in [("get_ema_multi_avg_fn", (0.9,)), ("get_swa_multi_avg_fn", ())]:
        ea2, a2 = from_torch(a), a.clone()
        getattr(ember.optim.swa_utils, name)(*args)([ea2], [eb], 3)
        getattr(torch.optim.swa_utils, name)(*args)([a2], [b], torch.tensor(3))
        np.testing.assert_allclose(ea2.numpy(), a2.numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="Invalid decay value"):
        ember.optim.swa_utils.get_ema_avg_fn(1.5)


@pytest.mark.parametrize("ema", [False, True])
def test_averaged_model_matches_torch(ema):
    import numpy as np

    em = ember.nn.Linear(3, 2)
    tm = torch.nn.Linear(3, 2)
    tm.load_state_dict(
        {k: torch.from_numpy(v.detach().numpy().copy()) for k, v in em.state_dict().items()}
    )
    ekw = {"multi_avg_fn": ember.optim.swa_utils.get_ema_multi_avg_fn(0.9)} if ema else {}
    tkw = {"multi_avg_fn": torch.optim.swa_utils.get_ema_multi_avg_fn(0.9)} if ema else {}
    ea = ember.optim.swa_utils.AveragedModel(em, **ekw)
    ta = torch.optim.swa_utils.AveragedModel(tm, **tkw)
    for i in range(4):
        with ember.no_grad():
            for p in em.parameters():
                p.mul_(0.5).add_(0.1 * i)
        with torch.no_grad():
            for p in tm.parameters():
                p.mul_(0.5).add_(0.1 * i)
        ea.update_parameters(em)
        ta.update_parameters(tm)
    for a, b in zip(ea.parameters(), ta.parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, atol=1e-7)
    assert ea.n_averaged.item() == ta.n_averaged.item() == 4
    assert list(ea.state_dict()) == list(ta.state_dict())
