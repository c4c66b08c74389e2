"""In-place ops on views under autograd (PyTorch's CopySlices).

NOTE [ in-place on a view ]
When ``v = base[...]`` is modified in place by an op that takes part in
autograd, the memory of ``base`` changes, so ``base``'s history must change
too. ``base`` gets a CopySlices node: its gradient is the incoming gradient
with the view's region replaced by what the in-place op's backward says flows
through that region; the op's other inputs get their gradients from the same
call. The view's own history is then rebuilt by replaying its chain of view
ops on ``base`` (each view records ``(op, args, attrs)`` in ``_view_chain``).
"""

from __future__ import annotations

from .._ops._registry import Op
from .node import Node


def replay(chain, t):
    from .._dispatch import dispatch

    for op, rest, attrs in chain:
        t = dispatch(op, (t,) + tuple(rest), attrs)
    return t


def _copy_slices_backward(ctx, g):
    from .engine import _validate

    chain = ctx.attrs["chain"]
    inner = ctx.attrs["inner"]
    g_base = g.clone()
    gv = replay(chain, g_base)
    if inner is None:
        gv.zero_()
        return (g_base,)
    res = _validate(inner, inner.apply((gv.clone(),)))
    if res[0] is None:
        gv.zero_()
    else:
        gv.copy_(res[0])
    return (g_base,) + tuple(res[1:])


COPY_SLICES = Op("copy_slices", forward=None, backward=_copy_slices_backward,
                 grad_name="torch::autograd::CopySlices")  # fmt: skip


def rebase_view(view, res):
    base = view._base
    chain = view._view_chain
    inner = res.grad_fn
    base_edge = base._edge() if base._requires_grad else None
    base_meta = (base._data.shape, base._dtype, base._device)
    if inner is not None:
        edges = (base_edge,) + tuple(inner.next_edges[1:])
        meta = (base_meta,) + tuple(inner.input_meta[1:])
    else:
        edges, meta = (base_edge,), (base_meta,)
    node = Node(COPY_SLICES, {"chain": chain, "inner": inner}, edges, meta)
    base.grad_fn = node
    base._requires_grad = True
    base._output_nr = 0
    v2 = replay(chain, base)
    view.grad_fn = v2.grad_fn
    view._output_nr = v2._output_nr
    view._requires_grad = True
