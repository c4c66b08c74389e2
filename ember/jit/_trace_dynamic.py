"""Shapes and indexing that a trace keeps following: traced sizes, view/reshape, ``x[...]``.

NOTE [ Traced sizes ]
While a tracer is active, ``Tensor.size()``, ``Tensor.size(d)`` and ``Tensor.shape``
of a tensor the trace has seen return :class:`TracedInt` values: ints that also
remember how the trace computes them. Reading a size records torch's pattern
``%s : int = aten::size(%x, %d)`` and ``%t : Tensor = prim::NumToTensor(%s)``
(torch's tracer returns such 0-dim tensors for sizes); arithmetic between a
TracedInt and an int records the matching tensor op (``aten::mul``,
``aten::floor_divide``, ...) on those 0-dim tensors, and an argument that needs
the int records ``aten::Int(%t)``. So ``x.view(x.size(0), -1)`` prints as
torch's ``torch.view(x, [int(_0), -1])`` and follows the batch size of later
inputs. Python control flow on a TracedInt is still frozen (as in torch).

Where the value lands decides what is recorded: the trace boundaries of
``Tensor.view``, ``reshape`` and ``Tensor.expand`` (only when a size argument is
a TracedInt), factories (``zeros(x.shape[0], 3)``), and positional scalars of any
op record the dynamic value; static attributes of a registry op (``dims``,
``shape`` computed inside ember) see a plain int. Size nodes no argument ends up
using are removed when the trace ends (:func:`prune`).

``Tensor.__getitem__`` / ``__setitem__`` are trace boundaries too: basic and
tensor indexing are recorded as torch records them (``aten::slice`` with the
slice as written, ``aten::select``, ``aten::unsqueeze``, ``aten::index`` with a
``List[Optional[Tensor]]``; writes as ``aten::copy_`` / ``aten::fill_`` /
``aten::index_put_`` on that view), so negative indices, open slices and index
tensors computed from the inputs follow new inputs. Indexing forms outside this
(boolean scalars, negative steps, lists of slices) are recorded op by op as before.
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import _config as C
from .. import _dtype as D
from .._tensor import Size, Tensor
from . import _types as T

INT64_MAX = 9223372036854775807
_SCALAR = T.TensorType(dtype=D.int64, shape=())


class TracedInt(int):
    """An int read from a traced tensor's shape (NOTE [ Traced sizes ]).

    ``_tval`` is the 0-dim tensor Value (``prim::NumToTensor``) of the trace that
    made it; ``_ival`` caches the ``aten::Int`` of it.
    """

    def __repr__(self) -> str:
        return int.__repr__(self)

    __str__ = __repr__

    def __neg__(self):
        res = int.__neg__(self)
        tr = C.state.tracer
        if tr is None or tr is not self._tracer:
            return res
        node = tr.graph.create("aten::neg", [self._tval], (_SCALAR,))
        tr.pure.add(node)
        return _make(tr, res, node.outputs[0])


def _make(tracer, n: int, tval) -> TracedInt:
    t = TracedInt(n)
    t._tracer = tracer
    t._tval = tval
    t._ival = None
    return t


def _binop(pyname, aten, reverse=False):
    intop = getattr(int, pyname)

    def f(self, other):
        res = intop(self, other)
        if res is NotImplemented or isinstance(other, bool) or not isinstance(other, int):
            return res
        tr = C.state.tracer
        if tr is None or tr is not self._tracer:
            return res
        g = tr.graph
        if isinstance(other, TracedInt) and other._tracer is tr:
            o = other._tval
        else:
            o = g.constant(int(other))
        if not reverse or aten in ("add", "mul"):
            kind, args = aten, [self._tval, o]
        elif aten == "sub":
            kind, args = "rsub", [self._tval, o]
        else:
            wrapped = g.create("prim::NumToTensor", [o], (_SCALAR,))
            tr.pure.add(wrapped)
            kind, args = aten, [wrapped.outputs[0], self._tval]
        node = g.create(f"aten::{kind}", args, (_SCALAR,))
        tr.pure.add(node)
        return _make(tr, res, node.outputs[0])

    f.__name__ = pyname
    return f


for _py, _aten in (("add", "add"), ("sub", "sub"), ("mul", "mul"), ("floordiv", "floor_divide"),
                   ("mod", "remainder")):  # fmt: skip
    setattr(TracedInt, f"__{_py}__", _binop(f"__{_py}__", _aten))
    setattr(TracedInt, f"__r{_py}__", _binop(f"__r{_py}__", _aten, reverse=True))


def is_traced(v, tracer) -> bool:
    return isinstance(v, TracedInt) and v._tracer is tracer


def int_value(tracer, t: TracedInt):
    """The ``int`` Value of a TracedInt (``aten::Int`` of its tensor, made once)."""
    if t._ival is None:
        node = tracer.graph.create("aten::Int", [t._tval], (T.Int,))
        tracer.pure.add(node)
        t._ival = node.outputs[0]
    return t._ival


def size_of(tracer, x: Tensor, dim=None):
    """``x.size(dim)`` / ``x.shape`` while ``tracer`` records (plain ints for untraced tensors)."""
    shape = x._data.shape
    got = tracer.values.get(id(x))
    if got is None or got[0] is not x:
        return Size(shape) if dim is None else shape[x._wrap_dim(dim)]
    if dim is None:
        return Size(_size_int(tracer, got[1], d, shape[d]) for d in range(len(shape)))
    d = x._wrap_dim(dim)
    return _size_int(tracer, got[1], d, shape[d])


def _size_int(tracer, xv, d, n):
    g = tracer.graph
    c = g.constant(d)
    s = g.create("aten::size", [xv, c], (T.Int,))
    t = g.create("prim::NumToTensor", [s.outputs[0]], (_SCALAR,))
    tracer.pure.update((c.node, s, t))
    return _make(tracer, n, t.outputs[0])


def plain(v):
    """``v`` with TracedInts (also inside tuples/lists) turned into ints, for static attributes."""
    if isinstance(v, TracedInt):
        return int(v)
    if isinstance(v, tuple) and any(isinstance(e, TracedInt) for e in v):
        return tuple(int(e) if isinstance(e, TracedInt) else e for e in v)
    if isinstance(v, list) and any(isinstance(e, TracedInt) for e in v):
        return [int(e) if isinstance(e, TracedInt) else e for e in v]
    return v


def int_list(tracer, seq):
    """A ``List[int]`` Value: a constant, or a ListConstruct when an element is traced."""
    g = tracer.graph
    if not any(is_traced(s, tracer) for s in seq):
        return g.constant([int(s) for s in seq], T.ListType(T.Int))
    return g.list([tracer.value_for(s) for s in seq], T.Int)


def prune(graph, pure: set) -> None:
    """Remove the nodes of ``pure`` (size bookkeeping) whose outputs nothing uses."""
    uses: dict = {}
    for n in graph.walk():
        for v in n.inputs:
            uses[v] = uses.get(v, 0) + 1
    for v in graph.outputs:
        uses[v] = uses.get(v, 0) + 1
    keep = []
    for n in reversed(graph.nodes):
        if n in pure and not any(uses.get(o, 0) for o in n.outputs):
            for v in n.inputs:
                uses[v] -= 1
            continue
        keep.append(n)
    graph.nodes[:] = keep[::-1]


# --- boundaries with their own recording ----------------------------------------------------


def _shape_arg(rest):
    if len(rest) == 1 and isinstance(rest[0], (tuple, list)):
        return list(rest[0])
    return list(rest)


def _bind(tracer, out, node):
    v = node.outputs[0]
    v.type = T.TensorType(dtype=out.dtype, shape=tuple(out.shape))
    tracer.values[id(out)] = (out, v)


def _shape_op(aten):
    def handler(tracer, fn, args, kwargs):
        if kwargs or len(args) < 2 or not isinstance(args[0], Tensor):
            return fn(*args, **kwargs)
        shape = _shape_arg(args[1:])
        if not any(is_traced(s, tracer) for s in shape):
            return fn(*args, **kwargs)  # recorded op by op, as before
        out = tracer.run_paused(fn, args, kwargs)
        xv = tracer.value_for(args[0])
        _bind(tracer, out, tracer.graph.create(f"aten::{aten}", [xv, int_list(tracer, shape)]))
        return out

    return handler


def _is_int(it) -> bool:
    return isinstance(it, (numbers.Integral, np.integer)) and not isinstance(it, (bool, np.bool_))


def _plan(x: Tensor, index):
    """Steps of ``x[index]``: (basic ops, [(slot dim, index)] advanced), or None if unsupported."""
    if isinstance(index, list):
        if not all(_is_int(i) for i in index):
            return None
        index = Tensor._make(np.asarray(index, dtype=np.int64), D.int64, x.device)
    idx = index if isinstance(index, tuple) else (index,)
    used = 0
    for it in idx:
        if it is None or it is Ellipsis:
            continue
        if isinstance(it, Tensor) and it.dtype in (D.bool_, D.uint8):
            used += it.ndim
        else:
            used += 1
    if used > x.ndim or sum(it is Ellipsis for it in idx) > 1:
        return None
    steps, adv, dim = [], [], 0
    for it in idx:
        if _is_int(it):
            steps.append(("select", dim, it))
        elif isinstance(it, slice):
            if it.step is not None and (not _is_int(it.step) or it.step <= 0):
                return None
            for b in (it.start, it.stop):
                if b is not None and not _is_int(b):
                    return None
            lo = 0 if it.start is None else it.start
            hi = INT64_MAX if it.stop is None else it.stop
            steps.append(("slice", dim, lo, hi, 1 if it.step is None else it.step))
            dim += 1
        elif it is None:
            steps.append(("unsqueeze", dim))
            dim += 1
        elif it is Ellipsis:
            dim += x.ndim - used
        elif isinstance(it, Tensor) and it.dtype in (D.bool_, D.uint8, D.int64, D.int32):
            adv.append((dim, it))
            dim += it.ndim if it.dtype in (D.bool_, D.uint8) else 1
        elif isinstance(it, (list, tuple)) and it and all(_is_int(i) for i in it):
            t = Tensor._make(np.asarray(it, dtype=np.int64), D.int64, x.device)
            adv.append((dim, t))
            dim += 1
        else:
            return None
    return steps, adv


def _emit_plan(tracer, xv, plan):
    """Record the basic steps on ``xv``; returns (view Value, index list Value or None)."""
    g = tracer.graph
    steps, adv = plan
    v = xv
    for st in steps:
        args = [v, *[tracer.value_for(a) for a in st[1:]]]
        v = g.create(f"aten::{st[0]}", args).outputs[0]
    if not adv:
        return v, None
    slots, covered = [], 0
    for d, t in adv:
        while covered < d:
            slots.append(g.constant(None))
            covered += 1
        slots.append(tracer.value_for(t))
        covered += t.ndim if t.dtype in (D.bool_, D.uint8) else 1
    lst = g.create("prim::ListConstruct", slots, (T.ListType(T.OptionalType(T.Tensor)),))
    return v, lst.outputs[0]


def _getitem(tracer, fn, args, kwargs):
    x, index = args
    plan = _plan(x, index)
    if plan is None or not (plan[0] or plan[1]):
        return fn(*args)
    out = tracer.run_paused(fn, args, kwargs)
    v, lst = _emit_plan(tracer, tracer.value_for(x), plan)
    node = v.node if lst is None else tracer.graph.create("aten::index", [v, lst])
    _bind(tracer, out, node)
    return out


def _setitem(tracer, fn, args, kwargs):
    x, index, value = args
    plan = _plan(x, index)
    number = isinstance(value, (numbers.Number, np.generic)) and not isinstance(value, Tensor)
    if plan is None or not (plan[0] or plan[1]) or not (number or isinstance(value, Tensor)):
        return fn(*args)
    tracer.run_paused(fn, args, kwargs)
    g = tracer.graph
    xv = tracer.value_for(x)
    v, lst = _emit_plan(tracer, xv, plan)
    if lst is not None:
        if number:
            value = Tensor._make(np.asarray(value, dtype=x.dtype.np), x.dtype, x.device)
        node = g.create("aten::index_put_", [v, lst, tracer.value_for(value)])
    elif number:
        node = g.create("aten::fill_", [v, tracer.value_for(value)])
    else:
        node = g.create("aten::copy_", [v, tracer.value_for(value)])
    if not plan[0]:
        _bind(tracer, x, node)  # written in place: later uses of x read the node's result
    return None


HANDLERS = {
    "Tensor.view": _shape_op("view"),
    "reshape": _shape_op("reshape"),
    "Tensor.expand": _shape_op("expand"),
    "Tensor.__getitem__": _getitem,
    "Tensor.__setitem__": _setitem,
}
