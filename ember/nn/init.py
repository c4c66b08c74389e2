"""``ember.nn.init``."""

from __future__ import annotations
