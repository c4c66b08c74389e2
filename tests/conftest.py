import os
import sys

from hypothesis import HealthCheck, settings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Property tests draw the same examples on every run (a failure is reproducible, and a
# loaded CI machine cannot turn a slow example into a deadline error).
settings.register_profile(
    "ember", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ember")
