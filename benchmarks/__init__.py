"""ember and torch timed side by side: ``python -m benchmarks [name ...]``."""
