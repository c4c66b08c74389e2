"""``ember.optim``."""
