"""ember.jit.script against eager ember and torch.jit.script, on the same source."""

from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

_CASES = pathlib.Path(__file__).with_name("_script_cases.py")


def _load(tmp_dir, name, ember_side):
    text = _CASES.read_text()
    if ember_side:
        text = (
            text.replace("import torch  # replaced by the test loader", "import ember as torch")
            .replace("import torch.nn as nn", "import ember.nn as nn")
            .replace("import torch.nn.functional as F", "import ember.nn.functional as F")
        )
    path = tmp_dir / f"{name}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    d = tmp_path_factory.mktemp("cases")
    return _load(d, "cases_torch", False), _load(d, "cases_ember", True)


def _to_e(v):
    if isinstance(v, torch.Tensor):
        return ember.from_numpy(v.detach().numpy().copy())
    if isinstance(v, list):
        return [_to_e(x) for x in v]
    return v


def _same(a, b):
    if isinstance(b, torch.Tensor):
        assert isinstance(a, ember.Tensor), type(a)
        assert tuple(a.shape) == tuple(b.shape)
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)
    elif isinstance(b, (tuple, list)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(b, dict):
        assert list(a) == list(b)
        for k in b:
            _same(a[k], b[k])
    else:
        assert a == b and type(a) is type(b)


def _x(*shape):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(0))


FUNCTION_CASES = [
    ("loops_and_if", lambda: [(_x(3), 2), (-_x(3).abs(), 6), (-_x(3).abs(), 1)]),
    ("while_break_continue", lambda: [(0,), (5,), (20,)]),
    ("early_return", lambda: [(_x(3), -1), (_x(3), 0), (_x(3), 4)]),
    ("tuples_and_aug", lambda: [(_x(2), _x(2))]),
    ("containers", lambda: [(_x(2), 3), (_x(2), 1)]),
    (
        "optional_refine",
        lambda: [(_x(3),), (_x(3), 2.0), (_x(3), None, _x(3)), (_x(3), 0.5, _x(3))],
    ),
    ("isinstance_refine", lambda: [(_x(1), None), (_x(1), 4)]),
    ("strings", lambda: [(3,), (-1,)]),
    ("fstrings", lambda: [(3,)]),
    ("asserts", lambda: [(_x(2), 3)]),
    ("raises", lambda: [(_x(2), 1)]),
    ("enumerate_zip", lambda: [([_x(2), _x(2) + 1, _x(2) * 3], [0.5, 2.0, -1.0])]),
    ("functional_calls", lambda: [(_x(2, 3),)]),
    ("calls_helper", lambda: [(_x(3),)]),
    ("indexing", lambda: [(_x(3, 4),)]),
    ("ternary_and_bool", lambda: [(_x(2), 1, 2), (_x(2), 3, -1), (_x(2), -1, 0)]),
]


@pytest.mark.parametrize("name,inputs", FUNCTION_CASES, ids=[c[0] for c in FUNCTION_CASES])
def test_scripted_function_matches_torch_and_eager(cases, name, inputs):
    tmod, emod = cases
    t_fn = torch.jit.script(getattr(tmod, name))
    e_py = getattr(emod, name)
    e_fn = ember.jit.script(e_py)
    assert isinstance(e_fn, ember.jit.ScriptFunction)
    for args in inputs():
        expected = t_fn(*args)
        eargs = [_to_e(a) for a in args]
        _same(e_fn(*eargs), expected)
        _same(e_py(*eargs), expected)


@pytest.mark.parametrize("name,args", [("asserts", (-1,)), ("raises", (7,))])
def test_scripted_function_raises_like_torch(cases, name, args):
    tmod, emod = cases
    with pytest.raises(Exception) as t_err:
        torch.jit.script(getattr(tmod, name))(_x(2), *args)
    with pytest.raises(Exception) as e_err:
        ember.jit.script(getattr(emod, name))(_to_e(_x(2)), *args)
    # torch wraps the exception in torch.jit.Error; ember raises the Python class itself
    kind = "AssertionError" if name == "asserts" else "ValueError"
    assert kind in str(t_err.value) or type(t_err.value).__name__ == kind
    assert type(e_err.value).__name__ == kind
    assert ("negative" if name == "asserts" else "too big") in str(e_err.value)


def _copy_params(tm, em):
    with torch.no_grad():
        for (n, p), (n2, q) in zip(tm.state_dict().items(), em.state_dict().items()):
            assert n == n2
            q.copy_(_to_e(p))


def test_scripted_module_matches_torch(cases):
    tmod, emod = cases
    tm, em = tmod.Model(), emod.Model()
    _copy_params(tm, em)
    ts, es = torch.jit.script(tm), ember.jit.script(em)
    assert isinstance(es, ember.jit.ScriptModule)
    x = _x(2, 4)
    for training in (True, False):
        ts.train(training)
        es.train(training)
        for flag in (True, False):
            _same(es(_to_e(x), flag), ts(x, flag))
    _same(es.predict(_to_e(x), 1), ts.predict(x, 1))
    _same(es.invoke("predict", _to_e(x), 0), ts.predict(x, 0))
    assert [n for n, _ in es.named_parameters()] == [n for n, _ in ts.named_parameters()]
    assert [n for n, _ in es.named_buffers()] == [n for n, _ in ts.named_buffers()]


def test_scripted_module_shares_parameters_and_trains(cases):
    _, emod = cases
    em = emod.Model()
    es = ember.jit.script(em)
    x = ember.randn(2, 4)
    es(x).sum().backward()
    assert em.head.weight.grad is not None
    ref = emod.Model()
    ref.load_state_dict(em.state_dict())
    ref(x).sum().backward()
    np.testing.assert_allclose(em.head.weight.grad.numpy(), ref.head.weight.grad.numpy(), rtol=1e-5)


def test_unannotated_arguments_are_tensors(cases):
    _, emod = cases
    sf = ember.jit.script(emod.functional_calls)
    assert str(sf.graph.inputs[0].type) == "Tensor"


def _compile_error(tmp_path, body, name="bad"):
    src = "import ember\n\n\ndef " + name + "(x):\n" + body
    path = tmp_path / f"{name}_mod.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location(f"{name}_mod", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    with pytest.raises(Exception) as err:
        ember.jit.script(getattr(mod, name))
    return err.value, src


@pytest.mark.parametrize(
    "body,line,word",
    [
        ("    y = x\n    try:\n        y = x + 1\n    except Exception:\n        pass\n"
         "    return y\n", 6, "try"),
        ("    y = x * 2\n    with ember.no_grad():\n        y = y + 1\n    return y\n", 6, "with"),
        ("    f = lambda t: t + 1\n    return f(x)\n", 5, "lambda"),
        ("    s = {1, 2}\n    return x\n", 5, "set"),
        ("    y = open('f')\n    return x\n", 5, "open"),
    ],
)  # fmt: skip
def test_unsupported_constructs_point_at_the_line(tmp_path, body, line, word):
    from ember.jit._frontend.errors import FrontendError

    err, src = _compile_error(tmp_path, body)
    assert isinstance(err, FrontendError)
    assert isinstance(err, (NotImplementedError, RuntimeError))
    msg = str(err)
    assert word in msg.lower()
    assert f"line {line}" in msg
    assert "<--- HERE" in msg
    assert src.splitlines()[line - 1].strip() in msg


def test_torch_rejects_the_same_constructs(tmp_path):
    src = "import torch\n\n\ndef bad(x):\n    y = x\n    try:\n        y = x + 1\n" \
          "    except Exception:\n        pass\n    return y\n"  # fmt: skip
    path = tmp_path / "tbad.py"
    path.write_text(src)
    spec = importlib.util.spec_from_file_location("tbad", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    with pytest.raises(torch.jit.frontend.NotSupportedError):
        torch.jit.script(mod.bad)
    from ember.jit._frontend.errors import NotSupportedError

    with pytest.raises(NotSupportedError):
        ember.jit.script(mod.bad)


def test_undefined_name_is_an_error(tmp_path):
    err, _ = _compile_error(tmp_path, "    return x + undefined_thing\n", "undef")
    assert isinstance(err, RuntimeError)
    assert "undefined_thing" in str(err)


def test_scripted_module_saves_to_an_archive_torch_loads(cases, tmp_path):
    tmod, emod = cases
    tm, em = tmod.Model(), emod.Model()
    _copy_params(tm, em)
    tm.eval()
    em.eval()
    path = tmp_path / "scripted.pt"
    ember.jit.script(em).save(str(path))
    back = torch.jit.load(str(path))
    x = _x(2, 4)
    with torch.no_grad():
        np.testing.assert_allclose(back(x).numpy(), tm(x).numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(back.predict(x, 1).numpy(), tm.predict(x, 1).numpy())


def test_dict_comprehension_matches_torch(cases):
    tmod, emod = cases
    for n in (0, 3):
        _same(
            ember.jit.script(emod.dict_comprehension)(n),
            torch.jit.script(tmod.dict_comprehension)(n),
        )


def test_unrolled_break_continue_and_hasattr_match_torch(cases, tmp_path):
    tmod, emod = cases
    tm, em = tmod.UnrolledExits(), emod.UnrolledExits()
    _copy_params(tm, em)
    es = ember.jit.script(em)
    x = _x(3, 2)
    with torch.no_grad():
        want = tm(x)  # torch.jit.script refuses break/continue here; ember decides them statically
    _same(es(_to_e(x)), want)
    path = tmp_path / "unrolled.pt"
    es.save(str(path))
    _same(es(_to_e(x)), torch.jit.load(str(path))(x))


def test_break_under_a_runtime_condition_in_an_unrolled_loop_is_refused(tmp_path):
    from ember.jit._frontend.errors import NotSupportedError

    class M(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = ember.nn.ModuleList([ember.nn.Linear(2, 2), ember.nn.Linear(2, 2)])

        def forward(self, x):
            for layer in self.layers:
                if x.sum() > 0:
                    break
                x = layer(x)
            return x

    with pytest.raises(NotSupportedError, match="known at compile time"):
        ember.jit.script(M())
