"""The op registry and its bindings.

Importing this package registers every op family and attaches the bindings
to ``Tensor``; ``ember`` re-exports the functions.
"""

import warnings

from .._tensor import Tensor
from . import (  # noqa: F401
    activation,  # noqa: F401
    complex_views,  # noqa: F401
    elementwise,
    elementwise_logic,  # noqa: F401
    extras,  # noqa: F401
    indexing,  # noqa: F401
    joining,  # noqa: F401
    linalg,
    linalg_norms,
    movement,
    nn,  # noqa: F401
    nn_conv,  # noqa: F401
    nn_loss,  # noqa: F401
    random,
    rearrange,  # noqa: F401
    reduce,
    reduce_scan,  # noqa: F401
    scatter,  # noqa: F401
    sort,  # noqa: F401
)
from ._registry import FUNCTIONS, METHODS, REGISTRY, Op  # noqa: F401
from .operators import OPERATORS

for _name, _fn in METHODS.items():
    setattr(Tensor, _name, _fn)
for _name, _fn in OPERATORS.items():
    setattr(Tensor, _name, _fn)
Tensor.__hash__ = lambda self: id(self)

# PyTorch computes overflow, 0/0 and log(-1) silently (inf, nan); so do the op forwards.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"ember\._ops\.")
