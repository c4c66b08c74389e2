"""``ember.nn``: modules, parameters, functional, init and utils."""

from . import functional, init, utils  # noqa: F401
from .modules import *  # noqa: F403
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter  # noqa: F401
