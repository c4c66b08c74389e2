# ruff: noqa: B023
"""nn.Module semantics against torch: routing, iteration, state_dict, hooks, repr, conversion."""

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import ember
import ember.nn as enn

from ..util import assert_same, from_torch, make_pair, torch


def build(lib):
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 4)
            self.register_buffer("running", lib.zeros(4))
            self.register_buffer("scratch", lib.ones(2), persistent=False)
            self.act = nn.ReLU()

        def forward(self, x):
            return self.act(self.fc(x)) + self.running

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(lib.ones(1))
            self.block = Block()
            self.head = nn.Sequential(nn.Linear(4, 2), nn.Tanh())
            self.shared = self.block.fc
            self.nothing = None

        def forward(self, x):
            return self.head(self.block(x)) * self.scale

    return Net()


def pair():
    tm = build(torch)
    em = build(ember)
    em.load_state_dict({k: from_torch(v) for k, v in tm.state_dict().items()})
    return em, tm


def test_names_order_and_repr():
    em, tm = pair()
    assert repr(em) == repr(tm)
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert [n for n, _ in em.named_buffers()] == [n for n, _ in tm.named_buffers()]
    assert [n for n, _ in em.named_modules()] == [n for n, _ in tm.named_modules()]
    assert [n for n, _ in em.named_children()] == [n for n, _ in tm.named_children()]
    for kw in [dict(remove_duplicate=False), dict(prefix="p", recurse=False)]:
        assert [n for n, _ in em.named_parameters(**kw)] == [
            n for n, _ in tm.named_parameters(**kw)
        ]
    assert [n for n, _ in em.named_modules(remove_duplicate=False)] == [
        n for n, _ in tm.named_modules(remove_duplicate=False)
    ]
    assert len(list(em.parameters())) == len(list(tm.parameters()))
    assert len(list(em.children())) == len(list(tm.children()))


def test_state_dict_keys_metadata_and_values():
    em, tm = pair()
    se, st = em.state_dict(), tm.state_dict()
    assert list(se) == list(st)
    assert se._metadata == st._metadata
    for k in st:
        assert_same(se[k], st[k], msg=k)
        assert not se[k].requires_grad
    assert list(em.state_dict(prefix="m.")) == list(tm.state_dict(prefix="m."))
    kv = em.state_dict(keep_vars=True)
    assert kv["scale"] is em.scale


def test_forward_and_grads_match():
    em, tm = pair()
    e, t = make_pair((5, 3), requires_grad=True)
    ye, yt = em(e), tm(t)
    assert_same(ye, yt)
    ye.sum().backward()
    yt.sum().backward()
    assert_same(e.grad, t.grad)
    for (n, p), (_, q) in zip(em.named_parameters(), tm.named_parameters()):
        assert_same(p.grad, q.grad, msg=n)


def _load_error(m, sd, **kw):
    with pytest.raises(RuntimeError) as info:
        m.load_state_dict(sd, **kw)
    return str(info.value)


def test_load_state_dict_errors_match_torch_text():
    em, tm = pair()
    st = tm.state_dict()
    st.pop("block.fc.bias")
    st["extra.weight"] = torch.ones(1)
    st["block.fc.weight"] = torch.ones(5, 3)
    se = OrderedDict((k, from_torch(v)) for k, v in st.items())
    assert _load_error(em, se) == _load_error(tm, st)
    st2 = tm.state_dict()
    st2["scale"] = "not a tensor"
    se2 = OrderedDict((k, v if isinstance(v, str) else from_torch(v)) for k, v in st2.items())
    assert _load_error(em, se2) == _load_error(tm, st2)


def test_load_state_dict_non_strict_returns_keys():
    em, tm = pair()
    st = tm.state_dict()
    st.pop("scale")
    st["foo"] = torch.ones(1)
    se = {k: from_torch(v) for k, v in st.items()}
    re, rt = em.load_state_dict(se, strict=False), tm.load_state_dict(st, strict=False)
    assert re.missing_keys == rt.missing_keys and re.unexpected_keys == rt.unexpected_keys
    assert repr(re) == repr(rt)
    assert repr(em.load_state_dict(em.state_dict())) == "<All keys matched successfully>"
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        em.load_state_dict([1])


def test_load_state_dict_copies_in_place_or_assigns():
    em = enn.Linear(3, 4)
    w = em.weight
    new = ember.full((4, 3), 2.0)
    em.load_state_dict({"weight": new, "bias": ember.zeros(4)})
    assert em.weight is w and float(w.sum()) == 24.0 and w.data_ptr() != new.data_ptr()
    em.load_state_dict({"weight": new, "bias": ember.zeros(4)}, assign=True)
    assert isinstance(em.weight, enn.Parameter) and em.weight.requires_grad
    assert em.weight.data_ptr() == new.data_ptr()


def test_setattr_routing_and_errors():
    for lib in (torch, ember):
        m = lib.nn.Module()
        m.p = lib.nn.Parameter(lib.ones(2))
        m.b = lib.nn.Buffer(lib.ones(2), persistent=False)
        m.c = lib.nn.Linear(1, 1)
        m.x = 3
        assert list(m._parameters) == ["p"] and list(m._buffers) == ["b"]
        assert list(m._modules) == ["c"] and "b" in m._non_persistent_buffers_set
        m.b = lib.zeros(3)
        assert "b" in m._non_persistent_buffers_set
        m.p = None
        assert m._parameters["p"] is None
        del m.c, m.b, m.x
        assert not m._modules and not m._buffers and not hasattr(m, "x")


@pytest.mark.parametrize(
    "action",
    [lambda L, m: setattr(m, "p", L.ones(1)), lambda L, m: setattr(m, "c", 3),
     lambda L, m: m.register_buffer("a.b", L.ones(1)), lambda L, m: m.register_buffer("", None),
     lambda L, m: m.register_buffer("x", L.ones(1)), lambda L, m: m.register_buffer(1, None),
     lambda L, m: m.register_parameter("q", L.ones(1)),
     lambda L, m: m.register_parameter("x", None), lambda L, m: m.add_module("a.b", None),
     lambda L, m: m.add_module("k", 5), lambda L, m: m.add_module("x", L.nn.Module()),
     lambda L, m: m.register_parameter("r", L.nn.Parameter(L.ones(1)) * 2),
     lambda L, m: m.get_submodule("c.nope"), lambda L, m: m.get_submodule("x"),
     lambda L, m: m.get_parameter("c"), lambda L, m: m.get_buffer("p"),
     lambda L, m: m.missing, lambda L, m: m.train("yes")],
)  # fmt: skip
def test_registration_errors_match_torch(action):
    msgs = []
    for lib in (torch, ember):
        m = lib.nn.Module()
        m.p = lib.nn.Parameter(lib.ones(1))
        m.c = lib.nn.Linear(1, 1)
        m.x = 1
        with pytest.raises(Exception) as info:
            action(lib, m)
        msgs.append((type(info.value), str(info.value).replace("torch.", "").replace("ember.", "")))
    assert msgs[0][0] is msgs[1][0]
    if "nn.modules" not in msgs[0][1] and "Tensor" not in msgs[0][1]:
        assert msgs[0][1] == msgs[1][1]


def test_get_submodule_parameter_buffer():
    em, tm = pair()
    assert em.get_submodule("block.fc") is em.block.fc
    assert em.get_parameter("block.fc.bias") is em.block.fc.bias
    assert em.get_buffer("block.running") is em.block.running
    assert em.get_submodule("") is em


def test_train_eval_requires_grad_zero_grad():
    em, _ = pair()
    assert em.eval() is em and not em.block.act.training
    em.train()
    assert em.head[1].training
    em.requires_grad_(False)
    assert not any(p.requires_grad for p in em.parameters())
    em.requires_grad_()
    em(ember.ones(2, 3)).sum().backward()
    em.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0 for p in em.parameters())
    em.zero_grad()
    assert all(p.grad is None for p in em.parameters())


def test_to_dtype_keeps_parameter_identity():
    for lib in (torch, ember):
        m = lib.nn.Linear(2, 2)
        m.register_buffer("steps", lib.zeros(1, dtype=lib.int64))
        w = m.weight
        m.to(lib.float64)
        assert m.weight is w and w.dtype == lib.float64
        assert m.steps.dtype == lib.int64
        m.half()
        assert w.dtype == lib.float16
        m.float()
        assert w.dtype == lib.float32
        m.bfloat16().double()
        assert w.dtype == lib.float64
        with pytest.raises(TypeError, match="nn.Module.to only accepts floating point"):
            m.to(lib.int32)
        assert m.to("cpu") is m and m.cpu() is m


def test_apply_and_dir():
    em, tm = pair()
    seen_e, seen_t = [], []
    em.apply(lambda m: seen_e.append(type(m).__name__))
    tm.apply(lambda m: seen_t.append(type(m).__name__))
    assert seen_e == seen_t
    de = set(dir(em))
    assert {"scale", "block", "head", "forward", "state_dict"} <= de


def test_forward_hooks_order_and_results():
    logs = {}
    for lib in (torch, ember):
        log = logs[lib.__name__] = []
        m = lib.nn.Linear(2, 2)
        m.register_forward_pre_hook(lambda mod, args: log.append("pre1"))
        m.register_forward_pre_hook(lambda mod, args: log.append("pre0"), prepend=True)

        def pre_kw(mod, args, kwargs):
            log.append("prekw")
            return (args[0] * 2,), kwargs

        m.register_forward_pre_hook(pre_kw, with_kwargs=True)
        h = m.register_forward_hook(lambda mod, args, out: out + 1)
        m.register_forward_hook(lambda mod, args, kwargs, out: log.append("kw"), with_kwargs=True)
        m.register_forward_hook(lambda mod, a, o: log.append("first"), prepend=True)
        m.weight.data.fill_(1.0)
        m.bias.data.fill_(0.0)
        y = m(lib.ones(1, 2))
        log.append(y.tolist())
        h.remove()
        log.append(m(lib.ones(1, 2)).tolist())
    assert logs["torch"] == logs["ember"]


def test_always_call_forward_hook_runs_on_error():
    for lib in (torch, ember):
        seen = []

        class Bad(lib.nn.Module):
            def forward(self, x):
                raise ValueError("boom")

        m = Bad()
        m.register_forward_hook(lambda mod, a, o: seen.append(o), always_call=True)
        with pytest.raises(ValueError):
            m(1)
        assert seen == [None]


def test_full_backward_hooks_match_torch():
    records = {}
    for lib in (torch, ember):
        rec = records[lib.__name__] = []
        m = lib.nn.Linear(3, 2)
        with lib.no_grad():
            m.weight.copy_(lib.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]]))
            m.bias.zero_()

        def pre(mod, grad_out):
            rec.append(("pre", [g.tolist() for g in grad_out]))
            return (grad_out[0] * 2,)

        def hook(mod, grad_in, grad_out):
            rec.append(("hook", [None if g is None else g.tolist() for g in grad_in],
                        [g.tolist() for g in grad_out]))  # fmt: skip
            return None if grad_in[0] is None else (grad_in[0] + 1,)

        m.register_full_backward_pre_hook(pre)
        m.register_full_backward_hook(hook)
        x = lib.tensor([[1.0, -1.0, 2.0]], requires_grad=True)
        m(x).sum().backward()
        rec.append(("x", x.grad.tolist()))
        rec.append(("w", m.weight.grad.tolist()))
        # no input requiring grad: the hook sees grad_input = (None,)
        m(lib.ones(1, 3)).sum().backward()
    assert records["torch"] == records["ember"]


def test_state_dict_hooks():
    for lib in (torch, ember):
        m = lib.nn.Linear(2, 2)
        calls = []
        m.register_state_dict_pre_hook(lambda mod, prefix, keep: calls.append(("pre", prefix)))

        def post(mod, sd, prefix, meta):
            calls.append(("post", list(sd)))

        m.register_state_dict_post_hook(post)
        m.state_dict(prefix="a.")

        def lpre(mod, sd, prefix, meta, strict, missing, unexpected, errors):
            calls.append(("lpre", sorted(sd)))

        m.register_load_state_dict_pre_hook(lpre)
        m.register_load_state_dict_post_hook(lambda mod, keys: calls.append(("lpost", keys)))
        m.load_state_dict(m.state_dict())
        if lib is torch:
            expected = calls
        else:
            assert [c[:1] + tuple(map(repr, c[1:])) for c in calls] == [
                c[:1] + tuple(map(repr, c[1:])) for c in expected
            ]


def test_extra_state_round_trip():
    class WithExtra(enn.Module):
        def __init__(self):
            super().__init__()
            self.value = 1

        def get_extra_state(self):
            return {"v": self.value}

        def set_extra_state(self, state):
            self.value = state["v"]

    m = WithExtra()
    sd = m.state_dict()
    assert list(sd) == ["_extra_state"]
    m.value = 5
    m.load_state_dict(sd)
    assert m.value == 1


def test_missing_forward_raises():
    with pytest.raises(NotImplementedError, match=r"Module \[Module\] is missing the required"):
        enn.Module()(1)


def test_deepcopy_and_pickle():
    em, _ = pair()
    c = copy.deepcopy(em)
    assert repr(c) == repr(em)
    assert c.block.fc.weight is not em.block.fc.weight
    assert c.shared is c.block.fc
    np.testing.assert_array_equal(c.scale.detach().numpy(), em.scale.detach().numpy())
    m2 = pickle.loads(pickle.dumps(enn.Linear(2, 3)))
    assert repr(m2) == "Linear(in_features=2, out_features=3, bias=True)"
    assert isinstance(m2.weight, enn.Parameter)


def test_nested_repr_with_extra_lines():
    tm = torch.nn.Sequential(
        torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(inplace=True)),
        torch.nn.ModuleList([torch.nn.Linear(1, 1)] * 3 + [torch.nn.Tanh()]),
        torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2, 3)), torch.zeros(2)]),
    )
    em = enn.Sequential(
        enn.Sequential(enn.Linear(2, 2), enn.ReLU(inplace=True)),
        enn.ModuleList([enn.Linear(1, 1)] * 3 + [enn.Tanh()]),
        enn.ParameterList([enn.Parameter(ember.ones(2, 3)), ember.zeros(2)]),
    )
    assert repr(em) == repr(tm)
