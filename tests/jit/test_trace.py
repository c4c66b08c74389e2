"""ember.jit.trace against eager ember and torch: values, gradients, warnings, errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _mlp():
    ember.manual_seed(0)
    return ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.ReLU(), ember.nn.Linear(4, 2))


def test_traced_module_matches_eager_on_new_inputs():
    m = _mlp()
    t = ember.jit.trace(m, ember.randn(2, 3))
    x = ember.randn(5, 3)
    np.testing.assert_allclose(t(x).detach().numpy(), m(x).detach().numpy(), rtol=1e-6)
    assert [n for n, _ in t.named_parameters()] == [n for n, _ in m.named_parameters()]
    assert t.state_dict().keys() == m.state_dict().keys()
    assert isinstance(t, ember.jit.ScriptModule) and isinstance(t, ember.nn.Module)


def test_gradients_flow_through_traced_module():
    m = _mlp()
    t = ember.jit.trace(m, ember.randn(2, 3))
    x = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    t(ember.tensor(x)).pow(2).sum().backward()
    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    with torch.no_grad():
        for (_, p), (_, q) in zip(m.named_parameters(), tm.named_parameters()):
            q.copy_(torch.from_numpy(p.detach().numpy()))
    tm(torch.tensor(x)).pow(2).sum().backward()
    for (_, p), (_, q) in zip(m.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_traced_function_graph_and_outputs():
    def f(a, b):
        return a * 2 + b.sum(), a - 1

    sf = ember.jit.trace(f, (ember.ones(2), ember.ones(2)))
    assert isinstance(sf, ember.jit.ScriptFunction)
    text = str(sf.graph)
    assert "ember::mul" in text and "ember::sum" in text and "prim::TupleConstruct" in text
    a, b = ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0])
    got = sf(a, b)
    assert got[0].tolist() == [9.0, 11.0] and got[1].tolist() == [0.0, 1.0]
    assert "def f(a: Tensor,\n    b: Tensor) -> Tuple[Tensor, Tensor]:" in sf.code


def test_python_control_flow_is_frozen_with_a_tracer_warning():
    def g(a):
        if a.sum() > 0:
            return a + 1
        return a - 1

    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        tg = ember.jit.trace(g, (ember.ones(2),))
    assert any(issubclass(x.category, ember.jit.TracerWarning) for x in w)
    # the positive branch was recorded; torch freezes the same way
    assert tg(-ember.ones(2)).tolist() == [0.0, 0.0]
    tt = torch.jit.trace(lambda a: a + 1 if a.sum() > 0 else a - 1, (torch.ones(2),))
    assert tt(-torch.ones(2)).tolist() == [0.0, 0.0]


def test_strict_warns_on_list_outputs_like_torch():
    with pytest.warns(ember.jit.TracerWarning, match="Encountering a list at the output"):
        ember.jit.trace(lambda a: [a, a], (ember.ones(1),))
    with pytest.warns(torch.jit.TracerWarning, match="Encountering a list at the output"):
        torch.jit.trace(lambda a: [a, a], (torch.ones(1),))
    out = ember.jit.trace(lambda a: [a + 1, a], (ember.ones(1),), strict=False)(ember.zeros(1))
    assert [o.tolist() for o in out] == [[1.0], [0.0]]


def test_in_place_ops_and_constants():
    c = ember.tensor([10.0, 20.0])

    def f(a):
        b = a.clone()
        b.add_(c)
        return b

    tf = ember.jit.trace(f, (ember.ones(2),))
    assert "ember::add_" in str(tf.graph)
    assert tf(ember.zeros(2)).tolist() == [10.0, 20.0]


def test_trace_module_several_methods_and_invoke():
    class M(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = ember.nn.Linear(2, 2)

        def forward(self, x):
            return self.lin(x)

        def double(self, x):
            return self.lin(x) * 2

    m = M()
    x = ember.randn(3, 2)
    t = ember.jit.trace_module(m, {"forward": (x,), "double": (x,)})
    np.testing.assert_allclose(t.invoke("double", x).detach().numpy(),
                               (m(x) * 2).detach().numpy(), rtol=1e-6)  # fmt: skip
    np.testing.assert_allclose(t.double(x).detach().numpy(), t.invoke("double", x).detach().numpy())
    with pytest.raises(RuntimeError, match="Method 'nope' is not defined"):
        t.invoke("nope", x)


def test_train_eval_and_is_tracing():
    seen = []

    def f(a):
        seen.append(ember.jit.is_tracing())
        return a + 1

    ember.jit.trace(f, (ember.ones(1),), check_trace=False)
    assert seen == [True] and not ember.jit.is_tracing()
    t = ember.jit.trace(_mlp(), ember.randn(1, 3))
    t.eval()
    assert not t.training and not t[0].training if hasattr(t, "__getitem__") else True
    assert not t._modules["0"].training


class _PoolCNN(ember.nn.Module):
    """Every layer whose eager forward builds index tables from the input's shape."""

    def __init__(self):
        super().__init__()
        nn = ember.nn
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.pool = nn.MaxPool2d(2)
        self.avg = nn.AvgPool2d(2, stride=1)
        self.adapt = nn.AdaptiveAvgPool2d((2, 2))
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = self.pool(ember.relu(self.bn(self.conv(x))))
        x = self.adapt(self.avg(x))
        return ember.nn.functional.log_softmax(self.fc(self.drop(x.flatten(1))), dim=1)


def _pool_cnn():
    ember.manual_seed(0)
    m = _PoolCNN()
    m.bn.running_mean.uniform_(-0.5, 0.5)
    m.bn.running_var.uniform_(0.5, 2.0)
    return m.eval()


@pytest.mark.parametrize("shape", [(5, 3, 12, 12), (1, 3, 9, 7)])
def test_traced_cnn_is_correct_on_other_shapes(shape):
    m = _pool_cnn()
    tm = ember.jit.trace(m, ember.randn(2, 3, 8, 8))
    x = ember.randn(*shape)
    np.testing.assert_allclose(tm(x).detach().numpy(), m(x).detach().numpy(), rtol=1e-5,
                               atol=1e-6)  # fmt: skip


def test_traced_code_prints_torch_operator_names():
    tm = ember.jit.trace(_pool_cnn(), ember.randn(2, 3, 8, 8))
    code = tm.code
    for text in ("torch._convolution(x, weight, bias, [1, 1], [1, 1], [1, 1], False, [0, 0], 1,",
                 "torch.batch_norm(", "torch.max_pool2d(", "[2, 2], [2, 2], [0, 0], [1, 1], False)",
                 "torch.avg_pool2d(", "torch.adaptive_avg_pool2d(", "torch.dropout(",
                 "torch.linear(", "torch.flatten(", "torch.log_softmax("):  # fmt: skip
        assert text in code, text
    assert "CONSTANTS" not in code


def test_traced_layer_norm_embedding_interpolate_follow_new_shapes():
    nn, F = ember.nn, ember.nn.functional
    ember.manual_seed(1)
    emb, ln = nn.Embedding(10, 4), nn.LayerNorm(4)

    def f(idx, img):
        a = ln(emb(idx)).sum(1)
        b = F.interpolate(img, scale_factor=2, mode="bilinear", align_corners=False)
        c = F.pad(F.adaptive_max_pool2d(img, (2, 3)), (1, 1, 1, 1), mode="reflect")
        return a, b.mean((2, 3)) + c.mean((2, 3))

    tf = ember.jit.trace(f, (ember.tensor([[1, 2, 3]]), ember.randn(1, 2, 4, 4)))
    for name in ("torch.embedding(", "torch.layer_norm(", "torch.upsample_bilinear2d(",
                 "torch.adaptive_max_pool2d(", "torch.pad("):  # fmt: skip
        assert name in tf.code, name
    idx, img = ember.tensor([[4, 5], [6, 7], [8, 9]]), ember.randn(3, 2, 7, 5)
    for got, want in zip(tf(idx, img), f(idx, img)):
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-5,
                                   atol=1e-6)  # fmt: skip


def test_creation_functions_are_recorded():
    def f(x):
        z = ember.zeros(2, 3) + ember.ones_like(x) + ember.arange(3) + ember.full((1, 3), 2.0)
        return x * z, ember.rand(4)

    tf = ember.jit.trace(f, ember.randn(2, 3), check_trace=False)
    kinds = {n.kind for n in tf.graph.nodes}
    assert {"aten::zeros", "aten::ones_like", "aten::arange", "aten::full", "aten::rand"} <= kinds
    assert "torch.zeros([2, 3], dtype=6" in tf.code
    x = ember.randn(2, 3)
    got, r1 = tf(x)
    want, _ = f(x)
    np.testing.assert_allclose(got.numpy(), want.numpy())
    _, r2 = tf(x)
    assert not np.array_equal(r1.numpy(), r2.numpy())  # rand runs again, not a constant


def test_tensor_literal_is_a_constant_with_a_tracer_warning():
    with pytest.warns(ember.jit.TracerWarning, match="registered as constants"):
        tf = ember.jit.trace(lambda x: x + ember.tensor([1.0, 2.0]), ember.zeros(2))
    np.testing.assert_allclose(tf(ember.ones(2)).numpy(), [2.0, 3.0])


def test_gather_index_select_and_tensor_keys_follow_new_indices():
    def f(x, i):
        return ember.gather(x, 1, i.unsqueeze(0).expand(3, 2)), x.index_select(0, i)

    x = ember.randn(3, 4)
    tf = ember.jit.trace(f, (x, ember.tensor([0, 2])))
    j = ember.tensor([2, 1])
    for got, want in zip(tf(x, j), f(x, j)):
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # tensor keys are recorded as aten::index, not constants
        tk = ember.jit.trace(lambda a, k: a[k], (x, ember.tensor([0, 2])), check_trace=False)
    np.testing.assert_array_equal(tk(x, j).numpy(), x[j].numpy())
