"""``ember.autograd.graph``: the graph node type."""

from .._autograd.node import AccumulateGrad, Node

__all__ = ["Node", "AccumulateGrad"]
