"""Implementation of ``ember.nn.functional``, one module per concept."""
