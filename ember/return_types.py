"""Named result tuples, as ``torch.return_types``.

``torch.max(x, dim)`` and friends return a tuple whose fields also have names
(``values``, ``indices``). PyTorch's classes are C "struct sequences": a
``tuple`` subclass with ``n_fields`` and a multi-line ``repr``; these are the
same in Python.
"""

from __future__ import annotations

__all__ = [
    "aminmax", "cummax", "cummin", "histogram", "kthvalue", "max", "median", "min", "mode",
    "nanmedian", "sort", "topk",
]  # fmt: skip


def _structseq(name: str, fields: tuple[str, ...]) -> type:
    def __new__(cls, sequence=None, dict=None):  # noqa: A002  (PyTorch's argument name)
        seq = tuple(sequence) if sequence is not None else ()
        if len(seq) != len(fields):
            raise TypeError(
                f"torch.return_types.{name}() takes a {len(fields)}-sequence "
                f"({len(seq)}-sequence given)"
            )
        return tuple.__new__(cls, seq)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    def __reduce__(self):
        return (type(self), (tuple(self),))

    ns = {
        "__new__": __new__,
        "__repr__": __repr__,
        "__reduce__": __reduce__,
        "__slots__": (),
        "__module__": __name__,
        "n_fields": len(fields),
        "n_sequence_fields": len(fields),
        "n_unnamed_fields": 0,
        "_fields": fields,
    }
    for i, f in enumerate(fields):
        ns[f] = property(lambda self, _i=i: tuple.__getitem__(self, _i))
    return type(name, (tuple,), ns)


_VI = ("values", "indices")
max = _structseq("max", _VI)  # noqa: A001
min = _structseq("min", _VI)  # noqa: A001
sort = _structseq("sort", _VI)
topk = _structseq("topk", _VI)
kthvalue = _structseq("kthvalue", _VI)
median = _structseq("median", _VI)
nanmedian = _structseq("nanmedian", _VI)
mode = _structseq("mode", _VI)
cummax = _structseq("cummax", _VI)
cummin = _structseq("cummin", _VI)
aminmax = _structseq("aminmax", ("min", "max"))
histogram = _structseq("histogram", ("hist", "bin_edges"))
