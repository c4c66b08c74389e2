"""torch 2.13 loads ember's TorchScript archives, gives the same outputs and saves them again."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

import ember
from ember.jit import _ir
from ember.jit import _types as T
from ember.jit._script_module import RecursiveScriptModule, ScriptFunction

torch = pytest.importorskip("torch")
nn = ember.nn


def _to_torch(x):
    return torch.from_numpy(x.detach().numpy().copy())


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [x for o in out for x in _flat(o)]
    return [out]


def _roundtrip(sm, inputs, tmp_path, method="forward"):
    path = tmp_path / "m.pt"
    sm.save(str(path))
    loaded = torch.jit.load(str(path))
    loaded.eval()
    want = _flat(getattr(sm, method)(*inputs))
    got = _flat(getattr(loaded, method)(*[_to_torch(i) if isinstance(i, ember.Tensor) else i
                                          for i in inputs]))  # fmt: skip
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if isinstance(w, ember.Tensor):
            np.testing.assert_allclose(g.detach().numpy(), w.detach().numpy(), rtol=1e-5,
                                       atol=1e-5)  # fmt: skip
        else:
            assert g == w
    names = [n for n, _ in loaded.named_parameters()]
    assert names == [n for n, _ in sm.named_parameters()]
    again = io.BytesIO()
    torch.jit.save(loaded, again)
    again.seek(0)
    torch.jit.load(again)
    return path, loaded


MODELS = {
    "mlp": lambda: (nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)), (2, 3)),
    "cnn_batchnorm_eval": lambda: (
        nn.Sequential(
            nn.Conv2d(3, 4, 3, padding=1),
            nn.BatchNorm2d(4),
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(64, 2),
        ).eval(),  # fmt: skip
        (2, 3, 4, 4),
    ),
    "lstm": lambda: (nn.LSTM(3, 4, batch_first=True), (2, 5, 3)),
    "transformer_encoder_layer": lambda: (
        nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0).eval(),
        (5, 2, 8),
    ),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_traced_models_load_in_torch(name, tmp_path):
    ember.manual_seed(0)
    m, shape = MODELS[name]()
    x = ember.randn(*shape)
    sm = ember.jit.trace(m, x)
    path, loaded = _roundtrip(sm, (ember.randn(*shape),), tmp_path)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        top = names[0].split("/")[0]
        assert all(n.startswith(top + "/") for n in names)
        assert z.read(f"{top}/constants.pkl").startswith(b"\x80\x02")
        assert z.read(f"{top}/version") in (b"3\n", b"4\n")  # 4 when div is used
        assert z.getinfo(f"{top}/data.pkl").compress_type == zipfile.ZIP_STORED
        code = [n for n in names if n.startswith(f"{top}/code/")]
        assert code and all(z.getinfo(n).compress_type == zipfile.ZIP_DEFLATED for n in code)


def test_traced_module_state_dict_matches_torch_keys(tmp_path):
    m, shape = MODELS["cnn_batchnorm_eval"]()
    sm = ember.jit.trace(m, ember.randn(*shape))
    _, loaded = _roundtrip(sm, (ember.randn(*shape),), tmp_path)
    assert list(loaded.state_dict().keys()) == list(sm.state_dict().keys())
    assert [n for n, _ in loaded.named_buffers()] == [n for n, _ in sm.named_buffers()]


def _hand_module():
    """A module with an exported method taking an int (loop) and a tuple-returning forward."""
    ember.manual_seed(1)
    sm = RecursiveScriptModule("__torch__.Hand")
    sm.register_parameter("w", nn.Parameter(ember.randn(3, 2)))
    sm.set_attribute("scale", 0.5, T.Float)
    sm.set_attribute("names", ["a", "b"], T.List(T.Str))
    sm.set_attribute("sizes", [2, 3], T.List(T.Int))
    cls = T.ClassType("__torch__.Hand")

    g = _ir.Graph()  # forward(x) -> (x @ w * scale, x.sum() > 0 ? 1 : 2)
    me, x = g.add_input("self", cls), g.add_input("x", T.Tensor)
    h = g.op("matmul", [x, g.getattr(me, "w")])
    h = g.op("mul", [h, g.getattr(me, "scale", T.Float)])
    pos = g.op("gt", [g.op("sum", [x]), g.constant(0)])
    node = g.if_(pos, [T.Int])
    node.blocks[0].add_output(node.blocks[0].constant(1))
    node.blocks[1].add_output(node.blocks[1].constant(2))
    g.add_output(g.tuple([h, node.outputs[0]]))
    sm.define_method(ScriptFunction("forward", g, qualified_name="__torch__.Hand",
                                    arg_names=["self", "x"]))  # fmt: skip

    g = _ir.Graph()  # repeat(y, n: int = 3): for _ in range(n): y = relu(y) + 1
    me, y, n = g.add_input("self", cls), g.add_input("y"), g.add_input("n", T.Int)
    loop = g.loop(n, g.constant(True), [y])
    body = loop.blocks[0]
    nxt = body.op("add", [body.op("relu", [body.inputs[1]]), body.constant(1)])
    body.add_output(body.constant(True))
    body.add_output(nxt)
    g.add_output(loop.outputs[0])
    sm.define_method(ScriptFunction("repeat", g, qualified_name="__torch__.Hand",
                                    arg_names=["self", "y", "n"], defaults={"n": 3}))  # fmt: skip
    return sm


def test_module_with_exported_int_method_and_tuple_output(tmp_path):
    sm = _hand_module()
    x = ember.randn(4, 3)
    path, loaded = _roundtrip(sm, (x,), tmp_path)
    _roundtrip(sm, (-x.abs(),), tmp_path)
    y = ember.randn(2, 3)
    for n in (0, 2):
        want = sm.invoke("repeat", y, n)
        got = loaded.repeat(_to_torch(y), n)
        np.testing.assert_allclose(got.numpy(), want.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(loaded.repeat(_to_torch(y)).numpy(),
                               sm.repeat(y).detach().numpy(), rtol=1e-6)  # fmt: skip
    assert loaded.names == ["a", "b"] and loaded.sizes == [2, 3] and loaded.scale == 0.5


def test_traced_free_function_loads_as_module(tmp_path):
    def f(a, b):
        return a * 2 + b.sum(), a / 3

    sf = ember.jit.trace(f, (ember.ones(2), ember.ones(2)))
    path = tmp_path / "fn.pt"
    ember.jit.save(sf, str(path))
    loaded = torch.jit.load(str(path))
    a, b = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])
    got = loaded(a, b)
    want = sf(ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0]))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-6)
    with zipfile.ZipFile(path) as z:  # div needs version 4
        top = z.namelist()[0].split("/")[0]
        assert z.read(f"{top}/version") == b"4\n"


def test_parameters_are_trainable_after_torch_load(tmp_path):
    sm = ember.jit.trace(MODELS["mlp"]()[0], ember.randn(2, 3))
    path = tmp_path / "m.pt"
    sm.save(str(path))
    loaded = torch.jit.load(str(path))
    loaded(torch.randn(2, 3)).sum().backward()
    assert all(p.requires_grad and p.grad is not None for p in loaded.parameters())


def test_saving_a_plain_module_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="ScriptModule"):
        ember.jit.save(nn.Linear(2, 2), str(tmp_path / "x.pt"))


def test_reader_container_unpickles_torch_archives_without_running_code(tmp_path):
    from ember.jit._archive_reader import read_archive

    class M(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(3, 2)
            self.names = ["a"]

        def forward(self, x):
            return self.lin(x)

    tm = torch.jit.script(M())
    path = tmp_path / "t.pt"
    tm.save(str(path))
    c = read_archive(str(path))
    assert c.version == 3 and c.root.qualified_name.endswith(".M")
    lin = c.root.state["lin"]
    np.testing.assert_array_equal(lin.state["weight"].detach().numpy(),
                                  tm.lin.weight.detach().numpy())  # fmt: skip
    assert c.root.state["names"] == ["a"] and any(k.endswith(".py") for k in c.code)


def test_reader_refuses_bad_versions_and_foreign_globals(tmp_path):
    from ember.jit._archive_reader import read_archive

    sm = ember.jit.trace(MODELS["mlp"]()[0], ember.randn(1, 3))
    path = tmp_path / "m.pt"
    sm.save(str(path))
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    top = next(iter(members)).split("/")[0]
    for version, bad_pkl in ((b"11\n", None), (b"3\n", b"\x80\x02cos\nsystem\nq\x00.")):
        members[f"{top}/version"] = version
        if bad_pkl is not None:
            members[f"{top}/data.pkl"] = bad_pkl
        bad = tmp_path / "bad.pt"
        with zipfile.ZipFile(bad, "w") as z:
            for n, d in members.items():
                z.writestr(n, d)
        with pytest.raises(Exception, match="version 11|os.system"):
            read_archive(str(bad))


def test_traced_pooling_cnn_runs_in_torch_on_other_shapes(tmp_path):
    from tests.jit.test_trace import _pool_cnn

    m = _pool_cnn()
    sm = ember.jit.trace(m, ember.randn(2, 3, 8, 8))
    path = tmp_path / "cnn.pt"
    sm.save(str(path))
    loaded = torch.jit.load(str(path))
    for shape in [(4, 3, 12, 10), (1, 3, 9, 9)]:
        x = ember.randn(*shape)
        want = m(x).detach().numpy()
        np.testing.assert_allclose(loaded(_to_torch(x)).detach().numpy(), want, rtol=1e-5,
                                   atol=1e-5)  # fmt: skip
        back = ember.jit.load(str(path))
        np.testing.assert_allclose(back(x).detach().numpy(), want, rtol=1e-5, atol=1e-5)
    code = loaded.code
    for name in ("torch._convolution", "torch.batch_norm", "torch.max_pool2d", "torch.linear"):
        assert name in code, name


def test_traced_creation_functions_load_in_torch(tmp_path):
    class M(nn.Module):
        def forward(self, x):
            return x + ember.zeros(3) + ember.ones_like(x) * ember.arange(3)

    sm = ember.jit.trace(M(), ember.randn(2, 3))
    _roundtrip(sm, (ember.randn(2, 3),), tmp_path)


def test_tensors_sharing_a_storage_share_it_after_load(tmp_path):
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            base = ember.arange(12.0).reshape(3, 4)
            self.register_buffer("a", base)
            self.register_buffer("b", base[1])

        def forward(self, x):
            return x + self.a.sum() + self.b.sum()

    sm = ember.jit.trace(M(), ember.ones(2))
    path = tmp_path / "shared.pt"
    sm.save(str(path))
    with zipfile.ZipFile(path) as z:
        assert sum("/data/" in n for n in z.namelist()) == 1
    for loaded in (ember.jit.load(str(path)), torch.jit.load(str(path))):
        loaded.a.add_(1)
        np.testing.assert_array_equal(loaded.b.numpy(), [5.0, 6.0, 7.0, 8.0])
