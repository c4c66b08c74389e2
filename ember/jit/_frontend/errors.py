"""Front-end errors that point at the user's source, in the form PyTorch prints them.

``NotSupportedError`` (PyTorch: ``torch.jit.frontend.NotSupportedError``) is for a
construct the TorchScript subset lacks; ``FrontendError`` (a RuntimeError) for a
program that uses a supported construct wrongly (unknown name, wrong type).
Both carry the excerpt::

    Python builtin <built-in function open> is currently not supported in Torchscript:
      File "model.py", line 12
        y = open(x)
            ~~~~ <--- HERE
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass
class Source:
    """The text a function was compiled from and where it came from."""

    text: str
    filename: str = "<string>"
    line_offset: int = 0  # added to ast line numbers (source taken from inside a file)

    def excerpt(self, node) -> str:
        lineno = getattr(node, "lineno", None)
        if lineno is None:
            return f'  File "{self.filename}"'
        lines = self.text.splitlines()
        line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
        col = getattr(node, "col_offset", 0) or 0
        end = getattr(node, "end_col_offset", None)
        if end is None or getattr(node, "end_lineno", lineno) != lineno:
            end = len(line)
        width = max(1, end - col)
        return (
            f'  File "{self.filename}", line {lineno + self.line_offset}\n'
            f"{line}\n{' ' * col}{'~' * width} <--- HERE"
        )


class FrontendError(RuntimeError):
    """A TorchScript compilation error with the offending source excerpt."""

    def __init__(self, msg: str, node=None, source: Source | None = None):
        self.msg = msg
        self.lineno = getattr(node, "lineno", None)
        text = msg if source is None or node is None else f"{msg}:\n{source.excerpt(node)}"
        super().__init__(text)


class NotSupportedError(FrontendError, NotImplementedError):
    """A construct outside the TorchScript subset (``torch.jit.frontend.NotSupportedError``)."""


class UnsupportedNodeError(NotSupportedError):
    pass


def node_name(node: ast.AST) -> str:
    return type(node).__name__


def make_exception(msg, cls=None):
    from .._interpreter import Error

    return (cls or Error)(msg)
