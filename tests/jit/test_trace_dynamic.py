"""Traced sizes and indexing follow new inputs, in ember and after torch.jit.load of the archive."""

from __future__ import annotations

import io
import re
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _both(fn_src: str):
    """The same forward for ember and torch (``T`` names the library)."""
    ns_e, ns_t = {"T": ember}, {"T": torch}
    exec(fn_src, ns_e)
    exec(fn_src, ns_t)

    def mod(lib, ns):
        class M(lib.nn.Module):
            def forward(self, x):
                return ns["f"](x)

        return M()

    return mod(ember, ns_e), mod(torch, ns_t)


def _torch_load(sm):
    buf = io.BytesIO()
    ember.jit.save(sm, buf)
    buf.seek(0)
    return torch.jit.load(buf)


def _check(src, example_shape, other_shape, seed=0):
    me, mt = _both(src)
    rng = np.random.default_rng(seed)
    ex = rng.standard_normal(example_shape).astype(np.float32)
    new = rng.standard_normal(other_shape).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        te = ember.jit.trace(me, ember.tensor(ex))
        tt = torch.jit.trace(mt, torch.tensor(ex))
    want = tt(torch.tensor(new))
    got = te(ember.tensor(new))
    loaded = _torch_load(te)(torch.tensor(new))
    want, got, loaded = (v if isinstance(v, tuple) else (v,) for v in (want, got, loaded))
    for w, g, lo in zip(want, got, loaded):
        assert tuple(g.shape) == tuple(w.shape) == tuple(lo.shape)
        np.testing.assert_allclose(g.detach().numpy(), w.detach().numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(lo.detach().numpy(), w.detach().numpy(), rtol=1e-5, atol=1e-6)
    return te, tt


_VIEW = """
def f(x):
    return x.view(x.size(0), -1) * 2
"""


def test_view_by_traced_size_follows_batch_and_prints_like_torch():
    te, tt = _check(_VIEW, (2, 3, 4), (5, 3, 4))
    for code in (te.code, tt.code):
        assert "ops.prim.NumToTensor" in code and "torch.size(x, 0)" in code
        assert re.search(r"torch\.view\(x, ", code)


@pytest.mark.parametrize(
    "body",
    [
        "return x.reshape(x.shape[0], -1)",
        "return T.zeros(x.shape[0], 3) + x.sum()",
        "return x.flatten(1)",
        "return x.reshape(x.shape[0] * x.shape[1], -1)",
        "return x.view(-1, x.size(1) * x.size(2) // 2, 2)",
        "n = x.size(0)\n    return x.expand(2, n, 3, 4).sum(0) + (n - 1) + (1 - n)",
        "return T.ones(x.size(0) - 1, x.size(1) + 1) * x.size(0)",
        "return T.full((x.size(0), 2), 1.5)",
    ],
)  # fmt: skip
def test_shape_arithmetic_follows_new_shapes(body):
    _check(f"def f(x):\n    {body}\n", (2, 3, 4), (5, 3, 4))


@pytest.mark.parametrize(
    "body",
    [
        "return x[-1]",
        "return x[1:]",
        "return x[:, -2:]",
        "return x[..., ::2]",
        "return x[:, None, 0]",
        "return x[: x.size(0) // 2]",
        "return x[x > 0]",
        "return x[x.sum(2).argmax(0)]",
        "return x[:, [0, 2]]",
        "return x[[0, 1]]",
    ],
)  # fmt: skip
def test_indexing_follows_new_inputs(body):
    _check(f"def f(x):\n    {body}\n", (4, 3, 4), (6, 3, 4), seed=1)


@pytest.mark.parametrize(
    "body",
    [
        "y[-1] = 0.5",
        "y[1:] = y[:-1] * 2",
        "y[y < 0] = 0.0",
        "y[0, :, 2] = y[1, :, 0] * 2",
        "y[y.abs().argmax(0)] = -1.0",
    ],
)  # fmt: skip
def test_setitem_is_recorded_and_follows_new_inputs(body):
    src = f"def f(x):\n    y = x.clone()\n    {body}\n    return y + 1\n"
    te, _ = _check(src, (4, 3, 4), (6, 3, 4), seed=2)
    assert "copy_" in te.code or "fill_" in te.code or "index_put_" in te.code


def test_traced_size_outside_trace_is_a_plain_int():
    x = ember.ones(2, 3)
    assert type(x.size(0)) is int and type(x.shape[1]) is int
    seen = []

    def f(x):
        seen.append(x.size(0))
        return x.view(x.size(0), -1)

    ember.jit.trace(f, ember.ones(2, 3), check_trace=False)
    assert isinstance(seen[0], int) and seen[0] == 2 and type(seen[0]) is not int
    assert seen[0] * 3 == 6 and str(seen[0]) == "2"


def test_unused_sizes_leave_no_nodes():
    def f(x):
        _ = x.shape
        return x * x.size(1)

    sf = ember.jit.trace(f, ember.ones(2, 3))
    text = str(sf.graph)
    assert text.count("aten::size") == 1
    assert sf(ember.ones(4, 5)).tolist() == [[5.0] * 5] * 4
