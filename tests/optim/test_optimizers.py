"""Optimizers against torch 2.13: the same params and gradients, step by step.

Each case applies the same sequence of random gradients in both frameworks and
compares the parameters after every step, then the optimizer's state_dict
(layout, dtypes and values). Round trips move state dicts between the two.
"""

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn
from tests.util import assert_same, from_torch, to_torch, torch

SHAPES = [(3, 4), (5,), ()]

CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "maximize": True}),
    ("Adam", {}),
    ("Adam", {"lr": 0.1, "betas": (0.8, 0.9), "weight_decay": 0.1}),
    ("Adam", {"lr": 0.1, "amsgrad": True, "maximize": True}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("AdamW", {"lr": 0.1}),
    ("AdamW", {"lr": 0.1, "amsgrad": True, "weight_decay": 0.3}),
    ("Adamax", {}),
    ("Adamax", {"lr": 0.1, "weight_decay": 0.1, "maximize": True}),
    ("NAdam", {"lr": 0.1}),
    ("NAdam", {"lr": 0.1, "weight_decay": 0.1, "momentum_decay": 0.01}),
    ("NAdam", {"lr": 0.1, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.1}),
    ("RAdam", {"lr": 0.1, "betas": (0.9, 0.9), "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.1, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "weight_decay": 0.1, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    (
        "Adagrad",
        {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.5},
    ),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1, "maximize": True}),
    ("ASGD", {"lr": 0.1}),
    ("ASGD", {"lr": 0.1, "t0": 3, "lambd": 0.01, "weight_decay": 0.1}),
    ("Rprop", {"lr": 0.1}),
    ("Rprop", {"lr": 0.1, "etas": (0.3, 1.7), "step_sizes": (1e-3, 0.5), "maximize": True}),
]

TOL = {"float32": (2e-5, 2e-6), "float64": (1e-10, 1e-12)}


def _ids(case):
    name, kw = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kw.items())


def _params(dtype, rng):
    arrays = [np.asarray(rng.standard_normal(s)).astype(dtype) for s in SHAPES]
    ep = [ember.nn.Parameter(ember.from_numpy(a.copy())) for a in arrays]
    tp = [torch.nn.Parameter(torch.from_numpy(a.copy())) for a in arrays]
    return ep, tp


def _set_grads(ep, tp, rng, dtype, skip=None):
    for i, (e, t) in enumerate(zip(ep, tp)):
        if i == skip:
            e.grad, t.grad = None, None
            continue
        g = np.asarray(rng.standard_normal(e.shape)).astype(dtype)
        e.grad = ember.from_numpy(g.copy())
        t.grad = torch.from_numpy(g.copy())


def _compare_params(ep, tp, dtype, msg):
    rtol, atol = TOL[dtype]
    for i, (e, t) in enumerate(zip(ep, tp)):
        assert_same(e.detach(), t.detach(), rtol=rtol, atol=atol, msg=f"{msg} param {i}")


def compare_state_dicts(esd, tsd, rtol, atol, msg="state_dict"):
    """Same layout (keys, order, types) and values; tensors by dtype and value."""
    if isinstance(tsd, torch.Tensor):
        assert_same(esd, tsd, rtol=rtol, atol=atol, msg=msg)
    elif isinstance(tsd, dict):
        assert isinstance(esd, dict), f"{msg}: {type(esd)}"
        assert list(esd.keys()) == list(tsd.keys()), f"{msg}: {list(esd)} != {list(tsd)}"
        for k in tsd:
            compare_state_dicts(esd[k], tsd[k], rtol, atol, f"{msg}[{k!r}]")
    elif isinstance(tsd, (list, tuple)):
        assert type(esd) is type(tsd), f"{msg}: {type(esd)} != {type(tsd)}"
        assert len(esd) == len(tsd), msg
        for i, (a, b) in enumerate(zip(esd, tsd)):
            compare_state_dicts(a, b, rtol, atol, f"{msg}[{i}]")
    elif isinstance(tsd, float):
        assert isinstance(esd, float), f"{msg}: {esd!r} is not a float"
        np.testing.assert_allclose(esd, tsd, rtol=rtol, atol=atol, err_msg=msg)
    else:
        assert type(esd) is type(tsd) and esd == tsd, f"{msg}: {esd!r} != {tsd!r}"


def _convert(sd, fn, tensor_type):
    if isinstance(sd, tensor_type):
        return fn(sd)
    if isinstance(sd, dict):
        return {k: _convert(v, fn, tensor_type) for k, v in sd.items()}
    if isinstance(sd, (list, tuple)):
        return type(sd)(_convert(v, fn, tensor_type) for v in sd)
    return sd


def torch_to_ember_sd(sd):
    return _convert(sd, from_torch, torch.Tensor)


def ember_to_torch_sd(sd):
    return _convert(sd, lambda t: to_torch(t, requires_grad=False), ember.Tensor)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_steps_match_torch(case, dtype):
    name, kw = case
    rng = np.random.default_rng(0)
    ep, tp = _params(dtype, rng)
    eo = getattr(ember.optim, name)(ep, **kw)
    to = getattr(torch.optim, name)(tp, **kw)
    assert repr(eo) == repr(to)
    for step in range(10):
        # parameter 2 gets no gradient on step 3: it must be skipped, as in torch
        _set_grads(ep, tp, rng, dtype, skip=2 if step == 3 else None)
        eo.step()
        to.step()
        _compare_params(ep, tp, dtype, f"{name} step {step}")
    compare_state_dicts(eo.state_dict(), to.state_dict(), *TOL[dtype])


@pytest.mark.parametrize("case", CASES[1::2], ids=_ids)
def test_state_dict_round_trip(case):
    """torch state -> ember optimizer, ember state -> torch optimizer; then keep stepping."""
    name, kw = case
    dtype = "float64"
    rng = np.random.default_rng(1)
    ep, tp = _params(dtype, rng)
    to = getattr(torch.optim, name)(tp, **kw)
    for _ in range(4):
        _set_grads(ep, tp, rng, dtype)
        to.step()
    # a fresh ember optimizer on torch's current values, loaded with torch's state
    with ember.no_grad():
        for e, t in zip(ep, tp):
            e.copy_(from_torch(t.detach()))
    eo = getattr(ember.optim, name)(ep, **kw)
    eo.load_state_dict(torch_to_ember_sd(to.state_dict()))
    # loading casts state to the params' dtype: compare with torch loading the same dict
    saved = to.state_dict()
    to = getattr(torch.optim, name)(tp, **kw)
    to.load_state_dict(saved)
    compare_state_dicts(eo.state_dict(), to.state_dict(), *TOL[dtype])
    for step in range(4):
        _set_grads(ep, tp, rng, dtype)
        eo.step()
        to.step()
        _compare_params(ep, tp, dtype, f"{name} resumed step {step}")
    # and back: ember's state into a fresh torch optimizer
    to2 = getattr(torch.optim, name)(tp, **kw)
    to2.load_state_dict(ember_to_torch_sd(eo.state_dict()))
    compare_state_dicts(eo.state_dict(), to2.state_dict(), *TOL[dtype])
    _set_grads(ep, tp, rng, dtype)
    eo.step()
    to2.step()
    _compare_params(ep, tp, dtype, f"{name} after ember->torch")


def test_param_groups_and_options():
    rng = np.random.default_rng(2)
    ep, tp = _params("float32", rng)
    eo = ember.optim.SGD([{"params": ep[:2]}, {"params": ep[2:], "lr": 0.5}], lr=0.1, momentum=0.9)
    to = torch.optim.SGD([{"params": tp[:2]}, {"params": tp[2:], "lr": 0.5}], lr=0.1, momentum=0.9)
    assert repr(eo) == repr(to)
    for _ in range(3):
        _set_grads(ep, tp, rng, "float32")
        eo.step()
        to.step()
    _compare_params(ep, tp, "float32", "groups")
    compare_state_dicts(eo.state_dict(), to.state_dict(), *TOL["float32"])
    assert eo.defaults == to.defaults


def test_named_parameters_and_add_param_group():
    e = [ember.nn.Parameter(ember.ones(2)) for _ in range(3)]
    t = [torch.nn.Parameter(torch.ones(2)) for _ in range(3)]
    eo = ember.optim.Adam([("a", e[0]), ("b", e[1])], lr=0.1)
    to = torch.optim.Adam([("a", t[0]), ("b", t[1])], lr=0.1)
    assert eo.param_groups[0]["param_names"] == ["a", "b"]
    eo.add_param_group({"params": [("c", e[2])], "lr": 0.2})
    to.add_param_group({"params": [("c", t[2])], "lr": 0.2})
    assert repr(eo) == repr(to)
    esd, tsd = eo.state_dict(), to.state_dict()
    compare_state_dicts(esd, tsd, 0, 0)


def _raises_same(fe, ft):
    with pytest.raises(Exception) as te:
        ft()
    with pytest.raises(type(te.value)) as ee:
        fe()
    assert str(ee.value) == str(te.value)


def test_errors_match_torch():
    e = ember.nn.Parameter(ember.ones(2))
    t = torch.nn.Parameter(torch.ones(2))
    _raises_same(lambda: ember.optim.SGD(e), lambda: torch.optim.SGD(t))
    _raises_same(lambda: ember.optim.SGD([]), lambda: torch.optim.SGD([]))
    _raises_same(
        lambda: ember.optim.SGD([{"params": {e}}]), lambda: torch.optim.SGD([{"params": {t}}])
    )
    _raises_same(lambda: ember.optim.SGD([e], lr=-1), lambda: torch.optim.SGD([t], lr=-1))
    _raises_same(
        lambda: ember.optim.SGD([e], nesterov=True), lambda: torch.optim.SGD([t], nesterov=True)
    )
    _raises_same(
        lambda: ember.optim.Adam([e], betas=(1.0, 0.9)),
        lambda: torch.optim.Adam([t], betas=(1.0, 0.9)),
    )
    _raises_same(
        lambda: ember.optim.Rprop([e], etas=(1.5, 1.2)),
        lambda: torch.optim.Rprop([t], etas=(1.5, 1.2)),
    )
    _raises_same(lambda: ember.optim.SGD([e, 1.0]), lambda: torch.optim.SGD([t, 1.0]))
    _raises_same(lambda: ember.optim.SGD([e * 2]), lambda: torch.optim.SGD([t * 2]))
    eo, to = ember.optim.SGD([e]), torch.optim.SGD([t])
    _raises_same(
        lambda: eo.add_param_group({"params": [e]}), lambda: to.add_param_group({"params": [t]})
    )
    _raises_same(lambda: eo.add_param_group([e]), lambda: to.add_param_group([t]))
    _raises_same(
        lambda: eo.load_state_dict({"state": {}, "param_groups": []}),
        lambda: to.load_state_dict({"state": {}, "param_groups": []}),
    )
    with pytest.warns(UserWarning, match="duplicate parameters"):
        ember.optim.SGD([e, e])


def test_required_option():
    from ember.optim.optimizer import required

    class Opt(ember.optim.Optimizer):
        def __init__(self, params, lr=required):
            super().__init__(params, {"lr": lr})

    assert repr(required) == "<required parameter>"
    with pytest.raises(ValueError, match="required optimization parameter lr"):
        Opt([ember.nn.Parameter(ember.ones(1))])


def test_zero_grad():
    e = ember.nn.Parameter(ember.ones(2))
    opt = ember.optim.SGD([e], lr=0.1)
    e.grad = ember.ones(2)
    opt.zero_grad(set_to_none=False)
    assert e.grad is not None and e.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert e.grad is None


def test_step_hooks_and_closure():
    e = ember.nn.Parameter(ember.tensor([1.0, 2.0]))
    opt = ember.optim.SGD([e], lr=0.5)
    calls = []
    h1 = opt.register_step_pre_hook(lambda o, a, k: calls.append(("pre", o is opt)))
    opt.register_step_post_hook(lambda o, a, k: calls.append(("post", o is opt)))

    def closure():
        opt.zero_grad()
        loss = (e * e).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == 5.0
    assert e.tolist() == [0.0, 0.0]  # p - 0.5 * 2p
    assert calls == [("pre", True), ("post", True)]
    h1.remove()
    opt.step(closure)
    assert calls[-1] == ("post", True) and len(calls) == 3


def test_state_dict_hooks():
    e = ember.nn.Parameter(ember.ones(2))
    opt = ember.optim.Adam([e])
    seen = []
    opt.register_state_dict_pre_hook(lambda o: seen.append("pre"))
    opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
    opt.register_load_state_dict_pre_hook(lambda o, sd: seen.append("load_pre"))
    opt.register_load_state_dict_post_hook(lambda o: seen.append("load_post"))
    sd = opt.state_dict()
    assert sd["extra"] == 1
    opt.load_state_dict(sd)
    assert seen == ["pre", "load_pre", "load_post"]


def test_sparse_adam_and_differentiable_are_not_implemented():
    e = ember.nn.Parameter(ember.ones(2))
    with pytest.raises(NotImplementedError):
        ember.optim.SparseAdam([e])
    with pytest.raises(NotImplementedError):
        ember.optim.Adam([e], differentiable=True)


def _rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


@pytest.mark.parametrize(
    "kw",
    [
        {"lr": 0.1, "max_iter": 5},
        {"lr": 1, "max_iter": 10, "history_size": 3, "line_search_fn": "strong_wolfe"},
    ],
    ids=["plain", "strong_wolfe"],
)
def test_lbfgs_matches_torch(kw):
    xe = ember.nn.Parameter(ember.tensor([-1.5, 2.0], dtype=ember.float64))
    xt = torch.nn.Parameter(torch.tensor([-1.5, 2.0], dtype=torch.float64))
    eo, to = ember.optim.LBFGS([xe], **kw), torch.optim.LBFGS([xt], **kw)
    assert repr(eo) == repr(to)

    def make_closure(opt, x):
        def closure():
            opt.zero_grad()
            loss = _rosenbrock(x)
            loss.backward()
            return loss

        return closure

    for step in range(4):
        le = eo.step(make_closure(eo, xe))
        lt = to.step(make_closure(to, xt))
        # the line search amplifies last-bit differences a little
        np.testing.assert_allclose(le.item(), lt.item(), rtol=1e-6)
        assert_same(xe.detach(), xt.detach(), rtol=1e-6, atol=1e-9, msg=f"LBFGS step {step}")
    es, ts = eo.state[xe], to.state[xt]
    assert es["func_evals"] == ts["func_evals"] and es["n_iter"] == ts["n_iter"]
    assert list(es) == list(ts)
