"""The op registry and its bindings.

Importing this package registers every op family and attaches the bindings
to ``Tensor``; ``ember`` re-exports the functions.
"""

from .._tensor import Tensor
from . import elementwise, linalg, movement, reduce  # noqa: F401  (register the families)
from ._registry import FUNCTIONS, METHODS, REGISTRY, Op  # noqa: F401
from .operators import OPERATORS

for _name, _fn in METHODS.items():
    setattr(Tensor, _name, _fn)
for _name, _fn in OPERATORS.items():
    setattr(Tensor, _name, _fn)
Tensor.__hash__ = lambda self: id(self)
