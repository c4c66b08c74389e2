"""ember: PyTorch, written in Python.

``import ember as torch`` and a PyTorch program runs: tensors with autograd on
NumPy (and CuPy on CUDA devices), with PyTorch's API, dtypes, printing and
errors.
"""

from . import _config, _ops, autograd, cuda, random
from ._autograd.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from ._creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    empty_strided,
    eye,
    from_numpy,
    frombuffer,
    full,
    full_like,
    linspace,
    logspace,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
from ._device import device
from ._dtype import (
    bfloat16,
    can_cast,
    complex64,
    complex128,
    dtype,
    finfo,
    float16,
    float32,
    float64,
    get_default_dtype,
    iinfo,
    int8,
    int16,
    int32,
    int64,
    promote_types,
    result_type,
    set_default_dtype,
    uint8,
)
from ._dtype import (
    bool_ as bool,  # noqa: A004  (torch.bool)
)
from ._generator import Generator
from ._ops import FUNCTIONS as _FUNCTIONS
from ._storage import UntypedStorage
from ._tensor import Size, Tensor, is_tensor
from ._tensor_str import get_printoptions, printoptions, set_printoptions
from .random import (
    default_generator,
    fork_rng,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)

globals().update(_FUNCTIONS)

half, float, double = float16, float32, float64
short, int, long = int16, int32, int64
cfloat, cdouble = complex64, complex128
chalf = None


class layout:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name


strided = layout("strided")
sparse_coo = layout("sparse_coo")


class memory_format:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
preserve_format = memory_format("preserve_format")


def is_floating_point(input) -> bool:
    return input.is_floating_point()


def is_complex(input) -> bool:
    return input.is_complex()


def numel(input) -> int:
    return input.numel()


def typename(obj) -> str:
    if isinstance(obj, Tensor):
        return obj.type()
    return type(obj).__qualname__


__version__ = "2.13.0+ember"

# Subpackages that build on the core (late: they import the bindings above).
from . import (
    distributions,
    fft,
    jit,
    linalg,
    multiprocessing,
    nn,
    optim,
    serialization,
    special,
    utils,
)
from ._functional_aliases import *
from ._torch_shim import install_as_torch
from .serialization import load, save
from .utils import data as _utils_data  # binds ember.utils.data
