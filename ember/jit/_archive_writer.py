"""``ember.jit.save``: write a TorchScript archive that torch and libtorch load.

Layout and rules are formats.md §2: ``data/<key>`` storages, ``data.pkl`` (the
module tree), deflated ``code/`` files (one per qualifier), ``constants/`` and
``constants.pkl`` (tensor constants used by the code), ``version`` (or
``.data/version`` from 6 on), ``byteorder``, ``.data/serialization_id``; all
under one top folder, stored members 64-byte aligned.

The pickles are written by :class:`_Emitter`, a protocol-2 emitter limited to
the opcodes PyTorch's C++ unpickler understands (8-byte ``LONG1``,
``MARK ... APPENDS`` / ``SETITEMS`` even for one element, no
``_rebuild_parameter``), since Python's pickle module emits forms that
older libtorch builds reject.
"""

from __future__ import annotations

import secrets
import struct

import numpy as np

from .._tensor import Tensor
from ..nn.modules.module import Module
from ..serialization._formats import STORAGE_NAME
from ..serialization._save import _StorageTable
from ..serialization._zip import ArchiveWriter, archive_name_for, open_for_write
from . import _codegen, _ir
from . import _types as T
from ._script_module import RecursiveScriptModule, ScriptFunction

_STORAGE_EXTRA = {
    "uint16": "UInt16Storage", "uint32": "UInt32Storage", "uint64": "UInt64Storage",
    "float8_e5m2": "Float8_e5m2Storage", "float8_e4m3fn": "Float8_e4m3fnStorage",
}  # fmt: skip


# --- the restricted pickle emitter ---------------------------------------------------------------


class _Global:
    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module, self.name = module, name


class _Object:
    """A TorchScript object: ``GLOBAL qualifier Class``, NEWOBJ, state dict, BUILD."""

    def __init__(self, qualified_name, attrs):
        self.qualified_name = qualified_name
        self.attrs = attrs  # list of (name, value)


class _Call:
    """``GLOBAL module name`` applied to ``args`` (REDUCE)."""

    def __init__(self, module, name, args):
        self.module, self.name, self.args = module, name, tuple(args)


class _TensorRef:
    def __init__(self, pid, offset, size, stride, requires_grad):
        self.pid, self.offset = pid, offset
        self.size, self.stride, self.requires_grad = tuple(size), tuple(stride), requires_grad


class _Emitter:
    def __init__(self):
        self.out = bytearray(b"\x80\x02")
        self.memo: dict = {}

    def _put(self, key):
        i = len(self.memo)
        self.memo[key] = i
        self.out += b"q" + bytes([i]) if i < 256 else b"r" + struct.pack("<I", i)

    def _get(self, key) -> bool:
        i = self.memo.get(key)
        if i is None:
            return False
        self.out += b"h" + bytes([i]) if i < 256 else b"j" + struct.pack("<I", i)
        return True

    def _global(self, module, name):
        key = ("g", module, name)
        if not self._get(key):
            self.out += b"c" + module.encode() + b"\n" + name.encode() + b"\n"
            self._put(key)

    def _int(self, v):
        if 0 <= v < 256:
            self.out += b"K" + bytes([v])
        elif 0 <= v < 65536:
            self.out += b"M" + struct.pack("<H", v)
        elif -(2**31) <= v < 2**31:
            self.out += b"J" + struct.pack("<i", v)
        elif -(2**63) <= v < 2**63:
            self.out += b"\x8a\x08" + struct.pack("<q", v)
        else:
            raise RuntimeError(f"integer {v} does not fit in 64 bits")

    def _str(self, s):
        b = s.encode("utf-8")
        self.out += b"X" + struct.pack("<I", len(b)) + b

    def _tuple(self, items):
        if not items:
            self.out += b")"
            return
        self.out += b"("
        for it in items:
            self.value(it)
        self.out += b"t"

    def value(self, v):
        if v is None:
            self.out += b"N"
        elif v is True:
            self.out += b"\x88"
        elif v is False:
            self.out += b"\x89"
        elif isinstance(v, int):
            self._int(v)
        elif isinstance(v, float):
            self.out += b"G" + struct.pack(">d", v)
        elif isinstance(v, str):
            self._str(v)
        elif isinstance(v, tuple):
            self._tuple(v)
        elif isinstance(v, list):
            self.out += b"]"
            if v:
                self.out += b"("
                for it in v:
                    self.value(it)
                self.out += b"e"
        elif isinstance(v, dict):
            self.out += b"}"
            if v:
                self.out += b"("
                for k, it in v.items():
                    self.value(k)
                    self.value(it)
                self.out += b"u"
        elif isinstance(v, _Object):
            mod, _, cls = v.qualified_name.rpartition(".")
            self._global(mod, cls)
            self.out += b")\x81}"
            if v.attrs:
                self.out += b"("
                for k, it in v.attrs:
                    self._str(k)
                    self.value(it)
                self.out += b"u"
            self.out += b"b"
        elif isinstance(v, _Call):
            self._global(v.module, v.name)
            self._tuple(v.args)
            self.out += b"R"
        elif isinstance(v, _TensorRef):
            self._tensor(v)
        else:
            raise RuntimeError(f"cannot write a value of type {type(v).__name__} in an archive")

    def _tensor(self, t):
        self._global("torch._utils", "_rebuild_tensor_v2")
        self.out += b"("
        tag, stype, key, location, numel = t.pid
        if not self._get(("s", key)):
            self.out += b"("
            self._str(tag)
            self._global("torch", stype)
            self._str(key)
            self._str(location)
            self._int(numel)
            self.out += b"tQ"
            self._put(("s", key))
        self._int(t.offset)
        self._tuple(t.size)
        self._tuple(t.stride)
        self.value(t.requires_grad)
        self._global("collections", "OrderedDict")
        self.out += b")R"
        self.out += b"tR"

    def finish(self) -> bytes:
        return bytes(self.out + b".")


# --- tensors and storages -----------------------------------------------------------------------


class _Storages:
    """Distinct storages of the tensors written (one ``<folder>/<key>`` member each)."""

    def __init__(self):
        self.table = _StorageTable()

    def ref(self, t: Tensor, requires_grad: bool) -> _TensorRef:
        if t.device.type != "cpu":
            t = t.cpu()
        pid, offset = self.table.ref(t)
        _, _, key, _, numel = pid
        name = STORAGE_NAME.get(t.dtype.name) or _STORAGE_EXTRA.get(t.dtype.name)
        if name is None:
            raise RuntimeError(f"cannot save a tensor of dtype {t.dtype} in a TorchScript archive")
        return _TensorRef(("storage", name, key, "cpu", numel), offset, t.shape, t.stride(),
                          requires_grad)  # fmt: skip

    def members(self):
        for key, _dt, root in self.table.order:
            arr = np.ascontiguousarray(root)
            yield key, arr.view(np.uint8).reshape(-1)


def _encode(value, type_: T.JitType, storages: _Storages):
    """A plain attribute value in its TorchScript pickle form (typed lists, tags)."""
    if isinstance(value, Tensor):
        return storages.ref(value.detach(), value.requires_grad)
    if isinstance(type_, T.OptionalType):
        return None if value is None else _encode(value, type_.elem, storages)
    if isinstance(type_, T.ListType):
        items = [_encode(v, type_.elem, storages) for v in value]
        builder = {"int": "build_intlist", "float": "build_doublelist", "bool": "build_boollist",
                   "Tensor": "build_tensorlist"}.get(str(type_.elem.code_str()))  # fmt: skip
        if builder is not None:
            return _Call("torch.jit._pickle", builder, [items])
        return _Call("torch.jit._pickle", "restore_type_tag", [items, type_.code_str()])
    if isinstance(type_, T.DictType):
        d = {k: _encode(v, type_.value, storages) for k, v in value.items()}
        return _Call("torch.jit._pickle", "restore_type_tag", [d, type_.code_str()])
    if isinstance(type_, T.TupleType):
        return tuple(_encode(v, t, storages) for v, t in zip(value, type_.elems))
    if type_ == T.Device or type(value).__name__ == "device":
        return _Call("torch", "device", [str(value)])
    if type_ == T.DType or type(value).__name__ == "dtype":
        return _codegen.SCALAR_TYPE_CODE[value.name]
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, tuple):
        return tuple(_encode(v, T.type_of(v), storages) for v in value)
    raise NotImplementedError(
        f"saving an attribute of type {type(value).__name__} in a TorchScript archive"
    )


# --- classes ----------------------------------------------------------------------------------

_SELF = "@@SELF@@"


def _ident_path(qual: str) -> str:
    parts = [p if p.isidentifier() else "_" + "".join(c if c.isalnum() else "_" for c in p)
             for p in qual.split(".")]  # fmt: skip
    if parts[0] != "__torch__":
        parts.insert(0, "__torch__")
    return ".".join(parts)


class _ClassInfo:
    def __init__(self, qual, body, attr_order):
        self.qual = qual
        self.body = body  # lines with _SELF standing for the class's own name
        self.attr_order = attr_order  # [(name, kind)]


class _Writer:
    def __init__(self):
        self.printer = _codegen.Printer()
        self.classes: dict = {}  # final qualified name -> body text
        self.by_layout: dict = {}  # (qual, body text) -> final name
        self.mangle = 0
        self.storages = _Storages()

    def module(self, m) -> _Object:
        """Print ``m``'s class (naming it) and return its pickled object."""
        if not isinstance(m, RecursiveScriptModule):
            raise RuntimeError(
                f"cannot save a plain {type(m).__name__}: submodules of a saved module must be "
                "ScriptModules (script or trace the model first)"
            )
        children = {}
        for name, child in m._modules.items():
            if child is not None:
                children[name] = self.module(child)
        decls, params, buffers, state = [], [], [], []
        for name, p in m._parameters.items():
            if p is None:
                decls.append((name, "NoneType"))
                state.append((name, None))
            else:
                params.append(name)
                decls.append((name, "Tensor"))
                state.append((name, self.storages.ref(p.detach(), True)))
        for name, b in m._buffers.items():
            if b is None:
                decls.append((name, "NoneType"))
                state.append((name, None))
            else:
                buffers.append(name)
                decls.append((name, "Tensor"))
                state.append((name, self.storages.ref(b.detach(), False)))
        decls.append(("training", "bool"))
        state.append(("training", bool(m.training)))
        for name, t in m._attr_types.items():
            value = getattr(m, name)
            decls.append((name, t.code_str()))
            state.append((name, _encode(value, t, self.storages)))
        for name, obj in children.items():
            decls.append((name, obj.qualified_name))
            state.append((name, obj))
        body = ["  __parameters__ = [" + "".join(f'"{p}", ' for p in params) + "]",
                "  __buffers__ = [" + "".join(f'"{b}", ' for b in buffers) + "]"]  # fmt: skip
        for name, t in decls:
            if name.isidentifier():
                body.append(f"  {name} : {t}")
            else:
                body.append(f'  __annotations__["{name}"] = {t}')
        for name, value in m._constants.items():
            t = T.type_of(value).code_str()
            body.append(f"  {name} : Final[{t}] = {_codegen.literal(value)}")
        for fn in m._methods.values():
            body += self.printer.function(fn, self_type=_SELF, indent="  ")
        qual = self._name_class(_ident_path(m._qualified_name), body)
        return _Object(qual, state)

    def _name_class(self, qual, body) -> str:
        text = "\n".join(body)
        got = self.by_layout.get((qual, text))
        if got is not None:
            return got
        final = qual
        while final in self.classes:
            prefix, _, cls = qual.rpartition(".")
            final = f"{prefix}.___torch_mangle_{self.mangle}.{cls}"
            self.mangle += 1
        self.classes[final] = text.replace(_SELF, final)
        self.by_layout[(qual, text)] = final
        return final

    def code_files(self) -> dict:
        files: dict = {}
        for qual, text in self.classes.items():
            prefix, _, cls = qual.rpartition(".")
            files.setdefault(prefix, []).append(f"class {cls}(Module):\n{text}\n")
        done = set()
        while True:
            todo = [q for q in self.printer.functions if q not in done]
            if not todo:
                break
            for q in todo:
                done.add(q)
                fn = self.printer.functions[q]
                prefix, _, _ = q.rpartition(".")
                files.setdefault(prefix, []).append("\n".join(self.printer.function(fn)) + "\n")
        return {"code/" + p.replace(".", "/") + ".py": "".join(parts) for p, parts in files.items()}


def _write_archive(root: RecursiveScriptModule, f, extra_files) -> None:
    w = _Writer()
    obj = w.module(root)
    code = w.code_files()
    data_pkl = _Emitter()
    data_pkl.value(obj)
    consts = _Storages()
    const_vals = tuple(consts.ref(t.detach(), False) for t in w.printer.constants)
    const_pkl = _Emitter()
    const_pkl.value(const_vals)
    version = _codegen.version_for(w.printer.ops_used)
    fh, finish = open_for_write(f)
    ok = False
    try:
        zw = ArchiveWriter(fh, archive_name_for(f))
        for name, data in (extra_files or {}).items():
            zw.write(f"extra/{name}", data.encode() if isinstance(data, str) else data)
        for key, data in w.storages.members():
            zw.write(f"data/{key}", data)
        zw.write("data.pkl", data_pkl.finish())
        for name, text in code.items():
            zw.write(name, text.encode(), compress=True)
        for key, data in consts.members():
            zw.write(f"constants/{key}", data)
        zw.write("constants.pkl", const_pkl.finish())
        zw.write("version" if version < 6 else ".data/version", f"{version}\n".encode())
        zw.write("byteorder", b"little")
        zw.write(".data/serialization_id", "".join(secrets.choice("0123456789")
                                                   for _ in range(40)).encode())  # fmt: skip
        zw.close()
        ok = True
    finally:
        finish(ok)


def save(m, f, _extra_files=None) -> None:
    """Write the ScriptModule ``m`` to ``f`` (a path or a binary file object)."""
    if isinstance(m, Module) and not isinstance(m, RecursiveScriptModule):
        raise RuntimeError(
            f"ember.jit.save expects a ScriptModule, got {type(m).__name__}: use "
            "ember.jit.script or ember.jit.trace first"
        )
    _write_archive(m, f, _extra_files)


def save_function(fn: ScriptFunction, f, _extra_files=None) -> None:
    """Save a free function as torch does: a ``PlaceholderModule`` whose forward calls it."""
    sm = RecursiveScriptModule("__torch__.PlaceholderModule")
    g = _ir.Graph()
    self_v = g.add_input("self", T.ClassType("__torch__.PlaceholderModule"))
    args = [g.add_input(n, v.type) for n, v in zip(fn.arg_names, fn.graph.inputs)]
    out_t = fn.return_type
    g.add_output(g.call_function(fn, args, (out_t,)))
    del self_v
    sm.define_method(ScriptFunction("forward", g, qualified_name=sm._qualified_name,
                                    arg_names=["self", *fn.arg_names], defaults=fn.defaults,
                                    is_method=True))  # fmt: skip
    sm.eval()
    _write_archive(sm, f, _extra_files)
