"""Anomaly detection: forward tracebacks on backward errors, NaN checks on gradients."""

from __future__ import annotations

import warnings

from .. import _config as C


class detect_anomaly:
    """Context manager (and decorator) that enables anomaly detection."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self.prev = False
        self.prev_nan = True
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and should "
            "only be enabled for debugging.",
            stacklevel=2,
        )

    def __enter__(self):
        self.prev = C.local.anomaly
        self.prev_nan = C.local.anomaly_check_nan
        C.local.anomaly = True
        C.local.anomaly_check_nan = self.check_nan

    def __exit__(self, *exc):
        C.local.anomaly = self.prev
        C.local.anomaly_check_nan = self.prev_nan
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*a, **k):
            with self.__class__(self.check_nan):
                return fn(*a, **k)

        return wrapper


class set_detect_anomaly:
    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = C.local.anomaly
        self.prev_nan = C.local.anomaly_check_nan
        C.local.anomaly = mode
        C.local.anomaly_check_nan = check_nan

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        C.local.anomaly = self.prev
        C.local.anomaly_check_nan = self.prev_nan
        return False


def is_anomaly_enabled() -> bool:
    return C.local.anomaly


def is_anomaly_check_nan_enabled() -> bool:
    return C.local.anomaly_check_nan
