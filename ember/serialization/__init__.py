"""``ember.save`` / ``ember.load`` in PyTorch's checkpoint format."""

from ._load import add_safe_globals, clear_safe_globals, get_safe_globals, load, safe_globals
from ._pickling import reduce_parameter, reduce_tensor
from ._save import save

_reduce_tensor = reduce_tensor
_reduce_parameter = reduce_parameter

__all__ = [
    "add_safe_globals", "clear_safe_globals", "get_safe_globals", "load", "safe_globals",
    "save",
]  # fmt: skip
