"""The JIT's IR: a Graph of typed Values and Nodes with nested Blocks.

One IR serves tracing, scripting, ``compile(source)``, the interpreter, the
TorchScript printer and the archive reader. It is small on purpose (JAX's
jaxpr spirit) and prints like torch's graphs::

    graph(%self : __torch__.Model,
          %x : Tensor):
      %w : Tensor = prim::GetAttr[name="w"](%self)
      %1 : Tensor = ember::matmul(%x, %w)
      %2 : int = prim::Constant[value=1]()
      %3 : Tensor = ember::add(%1, %2)
      return (%3)

Node kinds
----------
``ember::<op>``
    a primitive of the op registry (``ember._ops.REGISTRY[op]``), run through
    ``ember._dispatch.dispatch``. Inputs are the op's positional arguments
    (tensors *and* Python scalars, as dispatch takes them); ``node.attrs`` are
    the op's static keyword attributes (``dims``, ``keepdim``, ...). Inputs
    named by ``node.kwnames`` (the last ``len(kwnames)`` inputs) are keyword
    attributes known only at run time. ``node.inplace`` runs
    ``dispatch_inplace`` (result written into input 0, which is also the output).
``call::<path>``
    a public ember function, ``path`` relative to the ``ember`` package
    (``call::nn.functional.linear``, ``call::zeros``, ``call::add``). Inputs are
    positional arguments followed by the keyword arguments named in ``kwnames``.
    The function itself goes through dispatch: no op is implemented twice.
    ``node.attrs["aten"] = "linear"`` (optional) tells the archive printer the
    TorchScript operator to print (``torch.linear(...)``) with the same arguments.
``method::<name>``
    a public Tensor method on input 0 (``method::size``, ``method::dim``,
    ``method::contiguous``); same argument convention as ``call::``.
``py::<name>``
    a builtin on Python values (ints, floats, bools, strings, lists, dicts) from
    a fixed table in the interpreter (:data:`ember.jit._interpreter.PY_BUILTINS`):
    ``add sub mul truediv floordiv mod pow neg pos not and or is is_not eq ne lt
    le gt ge getitem setitem delitem len append extend insert pop contains
    int float bool str format min max abs round keys values items list tuple
    dict range_length`` ... The archive printer writes them as ``torch.<aten>``.
``aten::<name>`` (or any namespace registered in ``_interpreter.NAMESPACES``)
    a TorchScript operator resolved by the front end's schema table; same
    argument convention as ``call::``. The archive printer writes it as
    ``torch.<name>(positional..., keyword=...)`` (``ops.<ns>.<name>`` for
    other namespaces), so these nodes print exactly as they were parsed.
``prim::*``
    the primitives below.

=========================  ==========================  ==================================
kind                       inputs -> outputs           attrs / blocks
=========================  ==========================  ==================================
prim::Constant             () -> value                 ``value`` (int, float, bool, str, None,
                                                        dtype, device, tuple/list of those,
                                                        or a Tensor constant)
prim::ListConstruct        elems -> list               output type ``List[T]``
prim::ListUnpack           list -> elems               one output per element
prim::TupleConstruct       elems -> tuple
prim::TupleUnpack          tuple -> elems
prim::TupleIndex           tuple, int -> elem
prim::DictConstruct        k0, v0, k1, v1 -> dict
prim::GetAttr              obj -> value                ``name``
prim::SetAttr              obj, value -> ()            ``name``
prim::CallMethod           obj, args -> results        ``name`` (method of a module / object)
prim::CallFunction         args -> results             ``fn``: a ScriptFunction (has ``.graph``,
                                                        ``.qualified_name``) or any callable
                                                        with those attributes
prim::If                   cond -> results             blocks ``[then, else]``; each block's
                                                        outputs become the node's outputs
prim::Loop                 max_trips, cond, carried    block ``[body]``: body inputs
                            -> carried                   ``(i, *carried)``, body outputs
                                                        ``(cond, *carried)`` (torch's
                                                        form: ``for`` has cond ``True``,
                                                        ``while`` has max_trips =
                                                        ``sys.maxsize``)
prim::RaiseException       msg[, qualified exc name]   raises (``"builtins.ValueError"``;
                            -> ()                        default: ``ember.jit.Error``)
prim::Uninitialized        () -> value                 placeholder of a branch that raises
prim::unchecked_cast       value -> value              Optional refinement (no-op at run time)
prim::isinstance           value -> bool               ``types``: tuple of JitType
prim::NumToTensor          number -> Tensor            0-dim tensor of a Python number
prim::device / prim::dtype tensor -> Device / dtype
prim::Print                values -> ()
=========================  ==========================  ==================================

Building a graph
----------------
::

    from ember.jit import _ir, _types as T
    g = _ir.Graph()
    self_ = g.add_input("self", T.ClassType("__torch__.Model"))
    x = g.add_input("x", T.Tensor)
    w = g.getattr(self_, "w", T.Tensor)
    y = g.op("matmul", [x, w])                     # ember::matmul, one output
    y = g.op("add", [y, g.constant(1)])
    s = g.op("sum", [y], attrs={"dims": (1,), "keepdim": False})
    z = g.call("nn.functional.relu", [s])          # call::, output type Tensor
    n = g.call_method(self_.…)                     # see call_method
    g.add_output(z)                                # or g.add_output(g.tuple([a, b]))

Every builder method exists on :class:`Block` (a Graph is its own top block),
so control flow is built by filling the node's blocks::

    node = g.if_(cond, out_types=[T.Tensor])       # node with blocks [then, else]
    a = node.blocks[0].op("relu", [x]);  node.blocks[0].add_output(a)
    b = node.blocks[1].op("neg", [x]);   node.blocks[1].add_output(b)
    r = node.outputs[0]

    loop = g.loop(trip_count, cond, [acc], [T.Tensor])   # for/while
    body = loop.blocks[0]            # body.inputs = (i, acc_in)
    acc2 = body.op("add", [body.inputs[1], x])
    body.add_output(body.constant(True)); body.add_output(acc2)
    final = loop.outputs[0]

``g.insert(node)`` appends a node made by ``Node(kind, inputs, out_types, attrs)``.
A Graph is not changed after it is handed to the interpreter or printer;
passes build new graphs. ``str(graph)`` prints it; ``graph.lint()`` checks
that every value is defined before it is used.
"""

from __future__ import annotations

import itertools

from . import _types as T


class Value:
    """One SSA value: defined by a node output or a block input."""

    __slots__ = ("type", "hint", "id", "node", "graph")

    def __init__(self, type_: T.JitType, hint: str = "", graph=None):
        self.type = type_
        self.hint = hint
        self.node = None  # the defining node (None for block inputs)
        self.graph = graph
        self.id = next(graph._ids) if graph is not None else -1

    @property
    def name(self) -> str:
        return f"{self.hint}.{self.id}" if self.hint else str(self.id)

    def __repr__(self) -> str:
        return f"%{self.name}"


class Node:
    """An operation: ``kind`` names it; ``inputs``/``outputs`` are Values."""

    __slots__ = (
        "kind",
        "inputs",
        "outputs",
        "attrs",
        "blocks",
        "kwnames",
        "inplace",
        "owner",
        "_out_types",
    )

    def __init__(self, kind, inputs=(), out_types=(), attrs=None, *, kwnames=(), inplace=False):
        self.kind = kind
        self.inputs = list(inputs)
        self.outputs: list[Value] = []
        self._out_types = list(out_types)
        self.attrs = dict(attrs or {})
        self.blocks: list[Block] = []
        self.kwnames = tuple(kwnames)
        self.inplace = inplace
        self.owner = None  # the Block holding the node

    # kinds --------------------------------------------------------------------------------
    @property
    def namespace(self) -> str:
        return self.kind.split("::", 1)[0]

    @property
    def target(self) -> str:
        """What follows ``::`` in the kind (the op name, function path or builtin)."""
        return self.kind.split("::", 1)[1]

    @property
    def output(self) -> Value:
        if len(self.outputs) != 1:
            raise RuntimeError(f"{self.kind} has {len(self.outputs)} outputs, not one")
        return self.outputs[0]

    def positional(self):
        """Inputs that are positional arguments (without the keyword ones)."""
        n = len(self.kwnames)
        return self.inputs[: len(self.inputs) - n] if n else self.inputs

    def keywords(self):
        """``{name: Value}`` of keyword inputs."""
        n = len(self.kwnames)
        return dict(zip(self.kwnames, self.inputs[len(self.inputs) - n :])) if n else {}

    def add_block(self) -> Block:
        b = Block(self.owner.graph if self.owner is not None else None, self)
        self.blocks.append(b)
        return b

    def __repr__(self) -> str:
        return _print_node(self, 0, _Namer()).rstrip()


class Block:
    """A list of nodes with inputs and outputs; bodies of If/Loop and the graph itself."""

    def __init__(self, graph, owner_node=None):
        self.graph = graph
        self.owner_node = owner_node
        self.inputs: list[Value] = []
        self.nodes: list[Node] = []
        self.outputs: list[Value] = []

    # building --------------------------------------------------------------------------------
    def add_input(self, hint: str = "", type_: T.JitType = T.Tensor) -> Value:
        v = Value(type_, hint, self.graph)
        self.inputs.append(v)
        return v

    def add_output(self, v: Value) -> Value:
        self.outputs.append(v)
        return v

    def insert(self, node: Node) -> Node:
        """Append ``node``, creating its output Values from its declared types."""
        node.owner = self
        for t in node._out_types:
            v = Value(t, "", self.graph)
            v.node = node
            node.outputs.append(v)
        node._out_types = []
        for b in node.blocks:
            b.graph = self.graph
        self.nodes.append(node)
        return node

    def create(self, kind, inputs=(), out_types=(T.Tensor,), attrs=None, **kw) -> Node:
        return self.insert(Node(kind, inputs, out_types, attrs, **kw))

    def constant(self, value, type_: T.JitType | None = None) -> Value:
        t = type_ if type_ is not None else T.type_of(value)
        if isinstance(t, T.TensorType):
            t = T.TensorType(dtype=value.dtype, shape=tuple(value.shape))
        return self.create("prim::Constant", (), (t,), {"value": value}).outputs[0]

    def op(self, name, inputs, attrs=None, *, kwnames=(), out_types=None, inplace=False):
        """A registry op node (``ember::<name>``); returns its Value, or a tuple when nout > 1."""
        from .._ops._registry import REGISTRY

        if name not in REGISTRY:
            raise RuntimeError(f"ember has no registry op named {name!r}")
        if out_types is None:
            out_types = (T.Tensor,) * REGISTRY[name].nout
        n = self.create(
            f"ember::{name}", inputs, out_types, attrs, kwnames=kwnames, inplace=inplace
        )
        return n.outputs[0] if len(n.outputs) == 1 else tuple(n.outputs)

    def call(self, path, inputs, *, kwnames=(), out_types=(T.Tensor,)):
        """A public ember function node (``call::<path>``); Value or tuple of Values."""
        n = self.create(f"call::{path}", inputs, out_types, kwnames=kwnames)
        return n.outputs[0] if len(n.outputs) == 1 else tuple(n.outputs)

    def method(self, name, inputs, *, kwnames=(), out_types=(T.Tensor,)):
        n = self.create(f"method::{name}", inputs, out_types, kwnames=kwnames)
        return n.outputs[0] if len(n.outputs) == 1 else tuple(n.outputs)

    def py(self, name, inputs, out_type: T.JitType):
        return self.create(f"py::{name}", inputs, (out_type,)).outputs[0]

    def getattr(self, obj: Value, name: str, type_: T.JitType = T.Tensor) -> Value:
        v = self.create("prim::GetAttr", [obj], (type_,), {"name": name}).outputs[0]
        v.hint = _hint_for(name)
        return v

    def setattr(self, obj: Value, name: str, value: Value) -> Node:
        return self.create("prim::SetAttr", [obj, value], (), {"name": name})

    def call_method(self, obj: Value, name: str, args, out_types=(T.Tensor,)):
        n = self.create("prim::CallMethod", [obj, *args], out_types, {"name": name})
        return n.outputs[0] if len(n.outputs) == 1 else tuple(n.outputs)

    def call_function(self, fn, args, out_types=(T.Tensor,)):
        n = self.create("prim::CallFunction", list(args), out_types, {"fn": fn})
        return n.outputs[0] if len(n.outputs) == 1 else tuple(n.outputs)

    def list(self, elems, elem_type: T.JitType | None = None) -> Value:
        et = elem_type if elem_type is not None else T.unify(e.type for e in elems)
        if et == T.Any and not elems:
            et = T.Tensor
        return self.create("prim::ListConstruct", elems, (T.ListType(et),)).outputs[0]

    def tuple(self, elems) -> Value:
        t = T.TupleType(tuple(e.type for e in elems))
        return self.create("prim::TupleConstruct", elems, (t,)).outputs[0]

    def unpack(self, v: Value, types=None):
        """TupleUnpack / ListUnpack of ``v`` into Values (``types`` needed for lists)."""
        if isinstance(v.type, T.TupleType):
            return tuple(self.create("prim::TupleUnpack", [v], v.type.elems).outputs)
        return tuple(self.create("prim::ListUnpack", [v], types).outputs)

    def if_(self, cond: Value, out_types=()) -> Node:
        n = Node("prim::If", [cond], out_types)
        n.blocks = [Block(self.graph, n), Block(self.graph, n)]
        return self.insert(n)

    def loop(self, max_trips: Value, cond: Value, carried, carried_types=None) -> Node:
        """torch's prim::Loop; the body block gets inputs ``(i, *carried)``."""
        types = list(carried_types) if carried_types is not None else [c.type for c in carried]
        n = Node("prim::Loop", [max_trips, cond, *carried], types)
        body = Block(self.graph, n)
        body.add_input("i", T.Int)
        for t in types:
            body.add_input("", t)
        n.blocks = [body]
        return self.insert(n)

    def raise_(self, msg: Value, exc: str | None = None) -> Node:
        ins = [msg] if exc is None else [msg, self.constant(exc)]
        return self.create("prim::RaiseException", ins, ())

    # walking ----------------------------------------------------------------------------------
    def walk(self):
        """Every node of this block and its nested blocks, in order."""
        for n in self.nodes:
            yield n
            for b in n.blocks:
                yield from b.walk()


class Graph(Block):
    """The top block: a function's inputs (``self`` first for methods), nodes and outputs."""

    def __init__(self):
        self._ids = itertools.count()
        super().__init__(self)

    def lint(self) -> None:
        """Raise RuntimeError if a value is used before it is defined."""
        _lint_block(self, set())

    def __str__(self) -> str:
        namer = _Namer()
        ins = ",\n      ".join(f"%{namer(v)} : {v.type}" for v in self.inputs)
        lines = [f"graph({ins}):"]
        lines += [_print_node(n, 1, namer) for n in self.nodes]
        lines.append(f"  return ({', '.join('%' + namer(v) for v in self.outputs)})")
        return "\n".join(lines) + "\n"

    __repr__ = __str__

    def copy(self) -> Graph:
        """A deep copy with fresh Values (for passes that rewrite)."""
        g = Graph()
        env = {}
        for v in self.inputs:
            env[v] = g.add_input(v.hint, v.type)
        _copy_block(self, g, env)
        return g


def _copy_block(src: Block, dst: Block, env: dict) -> None:
    for n in src.nodes:
        m = Node(n.kind, [env[i] for i in n.inputs], [o.type for o in n.outputs], n.attrs,
                 kwnames=n.kwnames, inplace=n.inplace)  # fmt: skip
        for b in n.blocks:
            nb = Block(dst.graph, m)
            m.blocks.append(nb)
            for v in b.inputs:
                env[v] = nb.add_input(v.hint, v.type)
        dst.insert(m)
        for a, b in zip(n.outputs, m.outputs):
            b.hint = a.hint
            env[a] = b
        for b, nb in zip(n.blocks, m.blocks):
            _copy_block(b, nb, env)
    for v in src.outputs:
        dst.add_output(env[v])


def _lint_block(block: Block, defined: set) -> None:
    defined = set(defined) | set(block.inputs)
    for n in block.nodes:
        for v in n.inputs:
            if v not in defined:
                raise RuntimeError(f"value %{v.name} used by {n.kind} before it is defined")
        for b in n.blocks:
            _lint_block(b, defined)
        defined.update(n.outputs)
    for v in block.outputs:
        if v not in defined:
            raise RuntimeError(f"block output %{v.name} is not defined")


def _hint_for(name: str) -> str:
    return name if name.isidentifier() else ""


class _Namer:
    """Unique printed names: the hint when free, else ``hint.N`` / the value id."""

    def __init__(self):
        self.names: dict = {}
        self.used: set = set()

    def __call__(self, v: Value) -> str:
        got = self.names.get(v)
        if got is not None:
            return got
        name = v.hint if v.hint and v.hint not in self.used else v.name
        while name in self.used:
            name = f"{name}_"
        self.used.add(name)
        self.names[v] = name
        return name


def _fmt_attr(v) -> str:
    from .._tensor import Tensor

    if isinstance(v, Tensor):
        return f"<Tensor {list(v.shape)}>"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(v, T.JitType):
        return str(v)
    if hasattr(v, "qualified_name"):
        return v.qualified_name
    return repr(v)


def _print_node(n: Node, depth: int, namer: _Namer) -> str:
    pad = "  " * depth
    outs = ", ".join(f"%{namer(o)} : {o.type}" for o in n.outputs)
    attrs = ", ".join(f"{k}={_fmt_attr(v)}" for k, v in n.attrs.items())
    pos = [f"%{namer(v)}" for v in n.positional()]
    kws = [f"{k}=%{namer(v)}" for k, v in n.keywords().items()]
    kind = n.kind + ("_" if n.inplace else "")
    head = f"{outs} = " if outs else ""
    line = f"{pad}{head}{kind}{'[' + attrs + ']' if attrs else ''}({', '.join(pos + kws)})"
    lines = [line]
    for i, b in enumerate(n.blocks):
        ins = ", ".join(f"%{namer(v)} : {v.type}" for v in b.inputs)
        lines.append(f"{pad}  block{i}({ins}):")
        lines += [_print_node(m, depth + 2, namer) for m in b.nodes]
        lines.append(f"{pad}    -> ({', '.join('%' + namer(v) for v in b.outputs)})")
    return "\n".join(lines)
