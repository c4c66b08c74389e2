"""The backward engine: a reversed walk over the recorded graph.

Dependencies are counted first; a node runs once every gradient it waits for
has arrived, the most recently created ready node first (as PyTorch orders its
ready queue). Every returned gradient is checked against the shape, dtype and
device of the input it belongs to: a broadcast gradient is summed back, a
wrong one is an error that names the op.
"""

from __future__ import annotations

import heapq

from .. import _config as C
from .._storage import root_array
from .._tensor import Tensor
from .node import AccumulateGrad


class _GraphRoot:
    __slots__ = ("next_edges", "seq", "_pre_hooks", "_hooks", "_retain", "grads", "_nout")

    def __init__(self, edges, grads):
        self.next_edges = edges
        self.grads = grads
        self.seq = 1 << 63
        self._pre_hooks = None
        self._hooks = None
        self._retain = None
        self._nout = 1

    def name(self):
        return "GraphRoot"

    def release(self):
        pass


def _shape_str(shape):
    return f"torch.Size([{', '.join(map(str, shape))}])"


def _make_root_grads(outputs, grad_outputs, create_graph):
    from .._creation import ones_like

    grads = []
    for i, (t, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if t.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if t._dtype.category < 2:
                raise RuntimeError(
                    "grad can be implicitly created only for real scalar outputs but got "
                    f"{t._dtype!r}"
                )
            g = ones_like(t)
        elif not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        elif g.shape != t.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {_shape_str(g.shape)} and "
                f"output[{i}] has a shape of {_shape_str(t.shape)}."
            )
        grads.append(g)
    return grads


def _root_edges(outputs):
    edges = []
    for i, t in enumerate(outputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"outputs must be Tensors, got {type(t).__name__}")
        if not t._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        edges.append(t._edge())
    return edges


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """``torch.autograd.backward``."""
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors) or (None,) * len(tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(
            f"grad_tensors has {len(grad_tensors)} elements but tensors has {len(tensors)}"
        )
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_tuple(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    grads = _make_root_grads(tensors, grad_tensors, create_graph)
    edges = _root_edges(tensors)
    if inputs is None:
        _run(edges, grads, retain_graph, create_graph, None, accumulate=True)
        return
    targets = []
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        targets.append(t._edge())
    captured = _run(edges, grads, retain_graph, create_graph, targets, accumulate=False)
    for t, g in zip(inputs, captured):
        if g is not None:
            _accumulate(t, g, create_graph, set())


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    only_inputs=True,
    allow_unused=None,
    is_grads_batched=False,
    materialize_grads=False,
):
    """``torch.autograd.grad``: gradients of ``outputs`` with respect to ``inputs``."""
    if is_grads_batched:
        raise NotImplementedError("autograd.grad(is_grads_batched=True) is not supported")
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, "
            "but got: allow_unused=False."
        )
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs = _as_tuple(outputs)
    single = isinstance(inputs, Tensor)
    inputs = _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs) or (None,) * len(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    grads = _make_root_grads(outputs, grad_outputs, create_graph)
    edges = _root_edges(outputs)
    targets = []
    for t in inputs:
        if not isinstance(t, Tensor):
            raise TypeError(f"inputs must be Tensors, got {type(t).__name__}")
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        targets.append(t._edge())
    result = _run(edges, grads, retain_graph, create_graph, targets, accumulate=False)
    out = []
    for t, g in zip(inputs, result):
        if g is None:
            if materialize_grads:
                from .._creation import zeros_like

                g = zeros_like(t)
            elif not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior."
                )
        out.append(g)
    del single
    return tuple(out)


def _discover(root, needed_targets):
    """Dependency counts over the graph below ``root`` (only needed nodes when targeting)."""
    deps = {}
    seen = {id(root): root}
    order = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        for e in node.next_edges:
            if e is None:
                continue
            child = e[0]
            deps[child] = deps.get(child, 0) + 1
            if id(child) not in seen:
                seen[id(child)] = child
                stack.append(child)
    needed = None
    if needed_targets is not None:
        target_nodes = {id(e[0]) for e in needed_targets}
        needed = set()
        # reverse topological propagation: iterate until fixed point over DFS order
        for node in reversed(_topo(root)):
            if id(node) in target_nodes or any(
                e is not None and id(e[0]) in needed for e in node.next_edges
            ):
                needed.add(id(node))
    return deps, needed


def _topo(root):
    order = []
    visited = set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for e in node.next_edges:
            if e is not None and id(e[0]) not in visited:
                stack.append((e[0], False))
    order.reverse()
    return order


def _run(edges, root_grads, retain_graph, create_graph, targets, accumulate):
    root = _GraphRoot(tuple(edges), root_grads)
    deps, needed = _discover(root, targets)
    capture = {}
    if targets is not None:
        for i, e in enumerate(targets):
            capture.setdefault((id(e[0]), e[1]), []).append(i)
    captured = [None] * (len(targets) if targets is not None else 0)
    buffers = {id(root): [None]}
    heap = [(-root.seq, 0, root)]
    counter = 1
    stored = {id(root_array(g._data)) for g in root_grads}
    prev = C.local.grad_enabled
    C.local.grad_enabled = create_graph
    try:
        while heap:
            _, _, node = heapq.heappop(heap)
            grads = buffers.pop(id(node), None) or [None] * node._nout
            if node is root:
                outs = root.grads
            else:
                is_acc = isinstance(node, AccumulateGrad)
                if node._pre_hooks or is_acc or node._retain:
                    grads = _pre_hooks(node, grads)
                if capture:
                    for nr, g in enumerate(grads):
                        for i in capture.get((id(node), nr), ()):
                            captured[i] = g
                if is_acc:
                    if accumulate and grads[0] is not None:
                        _accumulate(node.variable, grads[0], create_graph, stored)
                    continue
                if needed is not None and id(node) not in needed:
                    continue
                for g in grads:
                    if g is not None:
                        outs = _apply(node, grads)
                        if not retain_graph:
                            node.release()
                        break
                else:
                    outs = (None,) * len(node.next_edges)
                outs = _validate(node, outs)
            for e, g in zip(node.next_edges, outs):
                if e is None:
                    continue
                child, nr = e
                if needed is not None and id(child) not in needed:
                    continue
                cid = id(child)
                buf = buffers.get(cid)
                if buf is None:
                    buf = buffers[cid] = [None] * getattr(child, "_nout", 1)
                if g is not None:
                    buf[nr] = g if buf[nr] is None else buf[nr] + g
                left = deps[child] - 1
                deps[child] = left
                if left == 0:
                    heapq.heappush(heap, (-child.seq, counter, child))
                    counter += 1
    finally:
        C.local.grad_enabled = prev
    return captured


def _pre_hooks(node, grads):
    hooks = node._pre_hooks
    if hooks:
        grads = list(grads)
        for nr, fns in hooks.items():
            for fn in list(fns):
                if grads[nr] is None:
                    continue
                r = fn(grads[nr])
                if r is not None:
                    grads[nr] = r
    if isinstance(node, AccumulateGrad):
        var_hooks = node.variable._hooks
        if var_hooks and grads[0] is not None:
            grads = list(grads)
            for fn in list(var_hooks):
                r = fn(grads[0])
                if r is not None:
                    grads[0] = r
    elif node._retain:
        for nr, ref in node._retain.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                g = grads[nr]
                t._grad = g.detach().clone() if t._grad is None else t._grad + g.detach()
    return grads


def _apply(node, grads):
    try:
        outs = node.apply(grads)
    except Exception as exc:
        if C.local.anomaly and "traceback_" in node.metadata:
            import sys

            print(
                "Error detected in " + node.name() + ". Traceback of forward call that caused "
                "the error:\n" + "".join(node.metadata["traceback_"]),
                file=sys.stderr,
            )
        if isinstance(exc, RuntimeError):
            raise
        raise
    if not isinstance(outs, tuple):
        outs = (outs,) if not isinstance(outs, list) else tuple(outs)
    if node._hooks:
        for fn in node._hooks:
            r = fn(outs, tuple(grads))
            if r is not None:
                outs = tuple(r)
    if C.local.anomaly and C.local.anomaly_check_nan:
        for i, g in enumerate(outs):
            if g is not None and g._dtype.category >= 2 and _has_nan(g):
                raise RuntimeError(
                    f"Function '{node.name()}' returned nan values in its {i}th output."
                )
    return outs


def _validate(node, outs):
    edges = node.next_edges
    if len(outs) != len(edges):
        raise RuntimeError(
            f"function {node.name()} returned an incorrect number of gradients (expected "
            f"{len(edges)}, got {len(outs)})"
        )
    metas = getattr(node, "input_meta", None)
    if metas is None:
        return outs
    fixed = None
    for i, (g, e) in enumerate(zip(outs, edges)):
        if g is None or e is None:
            continue
        shape, dtype, device = metas[i]
        if type(g) is not Tensor and not isinstance(g, Tensor):
            raise TypeError(f"function {node.name()} returned a gradient that is not a Tensor")
        if g._dtype is dtype and g._data.shape == shape:
            continue  # already right: the common case
        if g._data.shape != shape:
            if _expandable(shape, g._data.shape):
                g = _sum_to(g, shape)
            else:
                raise RuntimeError(
                    f"Function {node.name()} returned an invalid gradient at index {i} - got "
                    f"[{', '.join(map(str, g.shape))}] but expected shape compatible with "
                    f"[{', '.join(map(str, shape))}]"
                )
        if g._dtype is not dtype:
            g = g.to(dtype) if dtype.category >= 2 or g._dtype.category < 2 else g
        if fixed is None:
            fixed = list(outs)
        fixed[i] = g
    return tuple(fixed) if fixed is not None else outs


def _expandable(shape, target):
    if len(shape) > len(target):
        return False
    for s, t in zip(reversed(shape), reversed(target)):
        if s != t and s != 1:
            return False
    return True


def _sum_to(g, shape):
    lead = g.ndim - len(shape)
    dims = list(range(lead))
    for i, s in enumerate(shape):
        if s == 1 and g.shape[lead + i] != 1:
            dims.append(lead + i)
    if dims:
        g = g.sum(dims, keepdim=True)
    if lead:
        g = g.reshape(shape)
    return g


def _accumulate(var, g, create_graph, stored):
    if var._grad is None:
        if create_graph:
            var._grad = g
        else:
            key = id(root_array(g._data))
            if (
                key in stored
                or g._base is not None
                or g._requires_grad
                or not g._data.flags.writeable
            ):
                g = g.detach().clone()
            else:
                g = g.detach()
            stored.add(id(root_array(g._data)))
            var._grad = g
    elif create_graph or var._grad._requires_grad:
        var._grad = var._grad + g
    else:
        dst = var._grad
        if dst._data.flags.writeable:
            dst._data += g._data.astype(dst._data.dtype, copy=False)
            dst._vc[0] += 1
        else:
            var._grad = dst + g.detach()
    if var._post_hooks:
        for fn in list(var._post_hooks):
            fn(var)


def _has_nan(g):
    import numpy as np

    return bool(np.isnan(g._host()).any())
