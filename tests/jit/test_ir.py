"""The JIT IR: building, printing, linting and interpreting graphs (compared with torch)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import ember
from ember.jit import _interpreter as interp
from ember.jit import _ir
from ember.jit import _types as T

torch = pytest.importorskip("torch")


def _graph_with_control_flow():
    g = _ir.Graph()
    x = g.add_input("x", T.Tensor)
    n = g.add_input("n", T.Int)
    y = g.op("matmul", [x, x])
    y = g.op("add", [y, g.constant(1)])
    s = g.op("sum", [y], attrs={"dims": (1,), "keepdim": False})
    z = g.call("nn.functional.relu", [s])
    cond = g.py("gt", [n, g.constant(1)], T.Bool)
    node = g.if_(cond, [T.Tensor])
    node.blocks[0].add_output(node.blocks[0].op("neg", [z]))
    node.blocks[1].add_output(z)
    loop = g.loop(n, g.constant(True), [node.outputs[0]])
    body = loop.blocks[0]
    acc = body.op("add", [body.inputs[1], body.inputs[0]])
    body.add_output(body.constant(True))
    body.add_output(acc)
    g.add_output(g.tuple([loop.outputs[0], n]))
    return g


def _reference(x, n):
    z = torch.relu((x @ x + 1).sum(1))
    z = -z if n > 1 else z
    for i in range(n):
        z = z + i
    return z, n


@pytest.mark.parametrize("n", [0, 1, 3])
def test_interpreter_matches_torch_with_if_and_loop(n):
    g = _graph_with_control_flow()
    g.lint()
    xs = np.random.default_rng(0).standard_normal((3, 3)).astype(np.float32)
    got, got_n = interp.run(g, [ember.tensor(xs), n])
    want, _ = _reference(torch.tensor(xs), n)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)
    assert got_n == n


def test_graph_prints_like_torch():
    text = str(_graph_with_control_flow())
    assert text.startswith("graph(%x : Tensor,\n      %n : int):")
    assert "ember::sum[dims=(1,), keepdim=False](" in text
    assert "prim::If(" in text and "block0()" in text and "prim::Loop(" in text
    assert "Tuple[Tensor, int] = prim::TupleConstruct" in text
    assert text.rstrip().endswith(")")


def test_lint_rejects_use_before_definition():
    g = _ir.Graph()
    x = g.add_input("x")
    other = _ir.Graph().add_input("y")
    g.add_output(g.op("add", [x, other]))
    with pytest.raises(RuntimeError, match="before it is defined"):
        g.lint()


def test_unknown_op_is_named():
    g = _ir.Graph()
    with pytest.raises(RuntimeError, match="no_such_op"):
        g.op("no_such_op", [])


def test_while_loop_and_raise():
    g = _ir.Graph()
    n = g.add_input("n", T.Int)
    loop = g.loop(g.constant(sys.maxsize), g.py("lt", [g.constant(0), n], T.Bool), [g.constant(0)])
    body = loop.blocks[0]
    k = body.py("add", [body.inputs[1], body.constant(2)], T.Int)
    body.add_output(body.py("lt", [k, n], T.Bool))
    body.add_output(k)
    bad = g.py("gt", [loop.outputs[0], g.constant(100)], T.Bool)
    node = g.if_(bad)
    node.blocks[0].raise_(node.blocks[0].constant("too big"), "builtins.ValueError")
    g.add_output(loop.outputs[0])
    assert interp.run(g, [7]) == 8
    assert interp.run(g, [0]) == 0
    with pytest.raises(ValueError, match="too big"):
        interp.run(g, [200])


def test_copy_is_independent_and_equal():
    g = _graph_with_control_flow()
    h = g.copy()
    assert str(h) == str(g)
    x = ember.ones(2, 2)
    assert interp.run(h, [x, 2])[0].tolist() == interp.run(g, [x, 2])[0].tolist()


@pytest.mark.parametrize(
    "text",
    ["Tensor", "int", "List[int]", "Dict[str, List[Tensor]]", "Optional[Tuple[Tensor, int]]",
     "__torch__.a.B", "Tuple[()]"],
)  # fmt: skip
def test_types_round_trip(text):
    assert str(T.parse_type(text)) == text


def test_private_and_missing_calls_are_refused():
    with pytest.raises(RuntimeError, match="private"):
        interp.resolve_call("_ops.add")
    with pytest.raises(RuntimeError, match="no function"):
        interp.resolve_call("nn.functional.not_a_function")
