"""Op table rows for ember.fft (real and complex inputs, norm modes, n/s cropping and padding)."""

from ..optable import Arg, OpInfo, S

CPLX = ("float32", "float64", "complex128")


def _t(name):
    """torch.fft.<name> with the conjugate bit resolved (the test helpers read raw memory)."""

    def fn(*a, **k):
        import torch

        out = getattr(torch.fft, name)(*a, **k)
        return out.resolve_conj() if out.is_conj() else out

    return fn


def c2c(dt):
    return [
        S(Arg((8,)), desc="1-d"),
        S(Arg((3, 5)), dim=0, norm="ortho", desc="dim 0 ortho"),
        S(Arg((4, 6)), n=8, norm="forward", desc="padded"),
        S(Arg((4, 6)), n=3, desc="cropped"),
        S(Arg((3, 4), noncontig=True), desc="non-contiguous"),
    ]


def c2c_nd(dt):
    return [
        S(Arg((3, 4))),
        S(Arg((2, 3, 4)), s=(4, 2), norm="ortho", desc="s"),
        S(Arg((2, 3, 4)), dim=(0, 2), norm="forward", desc="dims"),
    ]


def r2c(dt):
    return [
        S(Arg((8,)), desc="even"),
        S(Arg((7,)), norm="ortho", desc="odd"),
        S(Arg((3, 6)), n=5, dim=0, norm="forward", desc="padded dim 0"),
    ]


def c2r(dt):
    return [
        S(Arg((5,), "complex128"), desc="default n"),
        S(Arg((5,), "complex128"), n=9, norm="ortho", desc="odd n"),
        S(Arg((3, 4), "complex128"), n=4, norm="forward", desc="cropped"),
    ]


def c2r_nd(dt):
    return [
        S(Arg((3, 4), "complex128")),
        S(Arg((2, 3, 4), "complex128"), s=(4, 5), norm="ortho", desc="s"),
    ]


def shift(dt):
    return [S(Arg((5,))), S(Arg((4, 5)), dim=1), S(Arg((4, 5)), dim=(0, 1))]


OPS = [
    OpInfo("fft.fft", c2c, torch_fn=_t("fft"), dtypes=CPLX, method=False),
    OpInfo("fft.ifft", c2c, torch_fn=_t("ifft"), dtypes=CPLX, method=False),
    OpInfo("fft.fft2", c2c_nd, torch_fn=_t("fft2"), dtypes=CPLX, method=False),
    OpInfo("fft.ifft2", c2c_nd, torch_fn=_t("ifft2"), dtypes=CPLX, method=False),
    OpInfo("fft.fftn", c2c_nd, torch_fn=_t("fftn"), dtypes=CPLX, method=False),
    OpInfo("fft.ifftn", c2c_nd, torch_fn=_t("ifftn"), dtypes=CPLX, method=False),
    OpInfo(
        "fft.rfft",
        r2c,
        torch_fn=_t("rfft"),
        method=False,
        errors=lambda: [S(Arg((4,), "complex64"))],
    ),
    OpInfo("fft.rfft2", c2c_nd, torch_fn=_t("rfft2"), method=False),
    OpInfo("fft.rfftn", c2c_nd, torch_fn=_t("rfftn"), method=False),
    OpInfo("fft.irfft", c2r, torch_fn=_t("irfft"), dtypes=("complex128",), method=False),
    OpInfo("fft.irfft2", c2r_nd, torch_fn=_t("irfft2"), dtypes=("complex128",), method=False),
    OpInfo("fft.irfftn", c2r_nd, torch_fn=_t("irfftn"), dtypes=("complex128",), method=False),
    OpInfo("fft.fftshift", shift, torch_fn=_t("fftshift"), method=False),
    OpInfo("fft.ifftshift", shift, torch_fn=_t("ifftshift"), method=False),
    OpInfo("fft.fftfreq", lambda dt: [S(5), S(6, 0.5)], grad=False, method=False),
    OpInfo("fft.rfftfreq", lambda dt: [S(5), S(6, 0.5)], grad=False, method=False),
]
