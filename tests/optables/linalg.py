"""Op table rows for matrix products, einsum, norms and ember.linalg."""

from ..optable import Arg, OpInfo, S
from ..util import FLOATS, INTS

NUM = tuple(INTS[2:]) + tuple(FLOATS)
CPLX = tuple(FLOATS) + ("complex128",)


def _lib(x):
    import ember

    return ember if isinstance(x, ember.Tensor) else __import__("torch")


def spd(x):
    """A symmetric positive-definite matrix built from ``x`` (differentiably)."""
    lib = _lib(x)
    return x @ x.mT + x.shape[-1] * lib.eye(x.shape[-1], dtype=x.dtype)


def wellcond(x):
    lib = _lib(x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        return x
    return x + 4 * lib.eye(x.shape[-1], dtype=x.dtype)


def _both(f):
    """f(lib, *args) as an (ember_fn, torch_fn) pair."""
    import torch

    import ember

    return dict(
        ember_fn=lambda *a, **k: f(ember, *a, **k), torch_fn=lambda *a, **k: f(torch, *a, **k)
    )


def matmul_samples(dt):
    return [
        S(Arg((3,)), Arg((3,)), desc="1d-1d"),
        S(Arg((2, 3)), Arg((3,)), desc="2d-1d"),
        S(Arg((3,)), Arg((3, 4)), desc="1d-2d"),
        S(Arg((2, 3)), Arg((3, 4)), desc="2d-2d"),
        S(Arg((5, 2, 3)), Arg((3, 4)), desc="3d-2d"),
        S(Arg((5, 2, 3)), Arg((3,)), desc="3d-1d"),
        S(Arg((3,)), Arg((5, 3, 4)), desc="1d-3d"),
        S(Arg((2, 1, 2, 3)), Arg((4, 3, 2)), desc="batch broadcast"),
        S(Arg((0, 3)), Arg((3, 2)), desc="empty"),
        S(Arg((2, 0)), Arg((0, 2)), desc="empty inner"),
        S(Arg((3, 4), noncontig=True), Arg((4, 2), noncontig=True), desc="non-contiguous"),
    ]


def matmul_errors():
    return [
        S(Arg((2, 3)), Arg((4, 5))),
        S(Arg((2, 2, 3)), Arg((4, 5))),
        S(Arg((3,)), Arg((4, 5))),
        S(Arg((2, 3)), Arg((4,))),
        S(Arg((3,)), Arg((4,))),
        S(Arg((2, 2, 3)), Arg((2, 4, 5))),
        S(Arg((3, 2, 3)), Arg((2, 3, 5))),
        S(Arg((2, 3)), Arg((3, 2), "float64")),
        S(Arg(()), Arg((3,))),
    ]


def einsum_samples(dt):
    return [
        S("ij,jk->ik", Arg((2, 3)), Arg((3, 4)), desc="matmul"),
        S("ij,jk", Arg((2, 3)), Arg((3, 4)), desc="implicit"),
        S("ii->i", Arg((3, 3)), desc="diagonal"),
        S("ii", Arg((3, 3)), desc="trace"),
        S("iij,k->jk", Arg((3, 3, 2)), Arg((4,)), desc="diag and outer"),
        S("...ij,...jk->...ik", Arg((5, 2, 3)), Arg((1, 3, 4)), desc="ellipsis broadcast"),
        S("bij,jk->b", Arg((5, 2, 3)), Arg((3, 4)), desc="label only in one operand"),
        S("ij,jk,kl->il", Arg((2, 3)), Arg((3, 4)), Arg((4, 2)), desc="three operands"),
        S("i,j->ij", Arg((3,)), Arg((0,)), desc="empty"),
    ]


def einsum_errors():
    return [
        S("i,i", Arg((2,)), Arg((3,))),
        S("ij,i", Arg((2,)), Arg((3,))),
        S("ii->i", Arg((2, 3))),
        S("i,i->j", Arg((2,)), Arg((2,))),
        S("i,i", Arg((2,))),
        S("i,i->ii", Arg((2,)), Arg((2,))),
        S("i,i", Arg((2,)), Arg((2,), "float64")),
    ]


def addmm_samples(dt):
    return [
        S(Arg((3,)), Arg((2, 4)), Arg((4, 3)), desc="broadcast input"),
        S(
            Arg((2, 3)),
            Arg((2, 4)),
            Arg((4, 3)),
            beta=0.5 if "float" in dt else 3,
            alpha=2,
            desc="beta alpha",
        ),
        S(Arg((2, 3)), Arg((2, 4)), Arg((4, 3)), beta=0, desc="beta 0"),
    ]


def norm_samples(dt):
    return [
        S(Arg((5,)), desc="2-norm"),
        S(Arg((3, 4)), ord=1, dim=1, desc="1-norm dim"),
        S(Arg((3, 4)), ord=3, dim=(0, 1), keepdim=True, desc="3-norm"),
        S(Arg((3, 4)), ord=float("inf"), dim=0, desc="inf"),
        S(Arg((3, 4)), ord=-float("inf"), desc="-inf"),
        S(Arg((3, 4)), ord=0, desc="0-norm"),
        S(Arg((3, 4)), ord=0.5, desc="0.5-norm"),
        S(Arg(()), desc="0-d"),
    ]


def matrix_norm_samples(dt):
    return [
        S(Arg((3, 4)), desc="fro"),
        S(Arg((2, 3, 4)), ord=1, desc="1"),
        S(Arg((3, 4)), ord=-1, desc="-1"),
        S(Arg((3, 4)), ord=float("inf"), keepdim=True, desc="inf"),
        S(Arg((3, 4)), ord="nuc", desc="nuc"),
        S(Arg((3, 4)), ord=2, desc="2"),
        S(Arg((4, 3, 2)), ord=-2, dim=(0, 2), desc="-2 dims"),
    ]


def square(dt, n=3):
    return [
        S(Arg((n, n)), desc="matrix"),
        S(Arg((2, n, n)), desc="batch"),
        S(Arg((n, n), noncontig=True), desc="non-contiguous"),
    ]


def square_errors():
    return [S(Arg((2, 3))), S(Arg((3,))), S(Arg((3, 3), "int64"))]


def solve_samples(dt):
    return [
        S(Arg((3, 3)), Arg((3,)), desc="vector"),
        S(Arg((3, 3)), Arg((3, 2)), desc="matrix"),
        S(Arg((2, 3, 3)), Arg((3, 2)), desc="broadcast"),
        S(Arg((2, 3, 3)), Arg((2, 3)), desc="batched vector"),
        S(Arg((3, 3)), Arg((2, 3)), left=False, desc="right"),
    ]


def rect(dt):
    return [
        S(Arg((3, 3)), desc="square"),
        S(Arg((4, 2)), desc="tall"),
        S(Arg((2, 4)), desc="wide"),
        S(Arg((2, 4, 3)), desc="batch"),
    ]


def tall(dt):
    return [S(Arg((3, 3)), desc="square"), S(Arg((4, 2)), desc="tall"), S(Arg((2, 4, 3)))]


def _svd_invariant(lib, a, full_matrices=False):
    # signs of singular vectors are implementation-defined: compare sign-free quantities
    U, S_, Vh = lib.linalg.svd(a, full_matrices=full_matrices)
    k = S_.shape[-1]
    return S_, U[..., :k] @ Vh[..., :k, :], U[..., :k] * U[..., :k]


def _eigh_invariant(lib, a, UPLO="L"):
    L, V = lib.linalg.eigh(spd(a), UPLO=UPLO)
    return L, V * V, V @ (L.unsqueeze(-1) * V.mT)


def _qr_invariant(lib, a, mode="reduced"):
    Q, R = lib.linalg.qr(a, mode=mode)
    # LAPACK's Householder QR is deterministic; still compare Q R and R^T R as well
    return Q @ R, R.mT @ R


def _solve_tri(lib, a, b, upper, left=True, unitriangular=False):
    return lib.linalg.solve_triangular(wellcond(a), b, upper=upper, left=left,
                                       unitriangular=unitriangular)  # fmt: skip


def _mpower(lib, a, n):
    return lib.linalg.matrix_power(wellcond(a), n)


OPS = [
    OpInfo(
        "matmul", matmul_samples, dtypes=NUM + ("float16", "complex128"), errors=matmul_errors
    ),  # fmt: skip
    OpInfo(
        "mm",
        lambda dt: [S(Arg((2, 3)), Arg((3, 4))), S(Arg((0, 3)), Arg((3, 4)))],
        dtypes=NUM,
        errors=lambda: [S(Arg((2, 3)), Arg((4, 5))), S(Arg((3,)), Arg((3, 4)))],
    ),
    OpInfo(
        "bmm",
        lambda dt: [S(Arg((2, 2, 3)), Arg((2, 3, 4)))],
        dtypes=NUM,
        errors=lambda: [S(Arg((2, 2, 3)), Arg((3, 3, 4))), S(Arg((2, 3)), Arg((2, 3, 4)))],
    ),
    OpInfo(
        "mv",
        lambda dt: [S(Arg((2, 3)), Arg((3,)))],
        dtypes=NUM,
        errors=lambda: [S(Arg((2, 3)), Arg((4,))), S(Arg((2, 3)), Arg((3,), "float64"))],
    ),
    OpInfo(
        "dot",
        lambda dt: [S(Arg((3,)), Arg((3,)))],
        dtypes=NUM + ("complex128",),
        errors=lambda: [S(Arg((2,)), Arg((4,))), S(Arg((2,)), Arg((2,), "float64"))],
    ),
    OpInfo("vdot", lambda dt: [S(Arg((3,)), Arg((3,)))], dtypes=CPLX),
    OpInfo(
        "inner",
        lambda dt: [S(Arg((2, 3)), Arg((4, 3))), S(Arg((3,)), Arg(())), S(Arg((3,)), Arg((3,)))],
        dtypes=NUM,
        errors=lambda: [S(Arg((2, 3)), Arg((2,)))],
    ),  # fmt: skip
    OpInfo(
        "outer",
        lambda dt: [S(Arg((2,)), Arg((3,))), S(Arg((2,)), Arg((3,), "int64"))],
        dtypes=NUM,
        errors=lambda: [S(Arg((2, 2)), Arg((3,)))],
    ),
    OpInfo("addmm", addmm_samples, dtypes=NUM),
    OpInfo("addmv", lambda dt: [S(Arg((2,)), Arg((2, 4)), Arg((4,)), beta=2, alpha=0.5)]),
    OpInfo("addr", lambda dt: [S(Arg((2, 3)), Arg((2,)), Arg((3,)), beta=2, alpha=0.5)]),
    OpInfo("baddbmm", lambda dt: [S(Arg((2, 3)), Arg((5, 2, 4)), Arg((5, 4, 3)), alpha=2)]),
    OpInfo("addbmm", lambda dt: [S(Arg((2, 3)), Arg((5, 2, 4)), Arg((5, 4, 3)), beta=0.5)]),
    OpInfo(
        "einsum", einsum_samples, dtypes=NUM + ("complex128",), errors=einsum_errors, method=False
    ),  # fmt: skip
    OpInfo(
        "tensordot",
        lambda dt: [
            S(Arg((2, 3, 4)), Arg((3, 4, 5))),
            S(Arg((2, 3, 4)), Arg((3, 5, 2)), ([1, 0], [0, 2])),
            S(Arg((2, 3)), Arg((4, 5)), 0),
        ],
        dtypes=NUM,
    ),  # fmt: skip
    OpInfo("kron", lambda dt: [S(Arg((2, 3)), Arg((2, 2))), S(Arg((2,)), Arg((2, 3)))], dtypes=NUM),
    OpInfo(
        "linalg.cross",
        lambda dt: [S(Arg((2, 3)), Arg((2, 3))), S(Arg((3, 2)), Arg((3, 1)), dim=0)],
        dtypes=NUM,
        errors=lambda: [S(Arg((3, 2)), Arg((3, 2))), S(Arg((3, 2)), Arg((1, 2)), dim=0)],
    ),
    OpInfo(
        "einsum-list",
        lambda dt: [S("ij->ji", [Arg((2, 3))])],
        method=False,
        gradcheck=False,
        ember_fn=lambda *a: __import__("ember").einsum(*a),
        torch_fn=lambda *a: __import__("torch").einsum(*a),
    ),  # fmt: skip
    OpInfo("cross", lambda dt: [S(Arg((4, 3)), Arg((4, 3)), dim=1)], dtypes=NUM),
    OpInfo(
        "cdist",
        lambda dt: [
            S(Arg((4, 3)), Arg((5, 3))),
            S(Arg((2, 4, 3)), Arg((5, 3)), p=1),
            S(Arg((4, 3)), Arg((5, 3)), p=float("inf")),
        ],
        errors=lambda: [S(Arg((4, 2)), Arg((4, 3)))],
        gradcheck=False,
    ),  # fmt: skip
    OpInfo("chain_matmul", lambda dt: [S(Arg((2, 3)), Arg((3, 4)), Arg((4, 2)))], method=False),
    OpInfo(
        "linalg.multi_dot",
        lambda dt: [
            S([Arg((3,)), Arg((3, 4)), Arg((4, 2)), Arg((2,))]),
            S([Arg((2, 3)), Arg((3, 4))]),
        ],
        gradcheck=False,
    ),  # fmt: skip
    OpInfo(
        "linalg.vector_norm",
        norm_samples,
        dtypes=CPLX,
        grad_dtypes=("float64",),
        errors=lambda: [S(Arg((3,), "int64"))],
    ),  # fmt: skip
    OpInfo(
        "linalg.matrix_norm",
        matrix_norm_samples,
        grad_dtypes=("float64",),
        errors=lambda: [S(Arg((3,))), S(Arg((3, 3)), ord=3)],
    ),  # fmt: skip
    OpInfo(
        "linalg.norm",
        lambda dt: [
            S(Arg((3, 4))),
            S(Arg((5,)), 3),
            S(Arg((3, 4)), "nuc"),
            S(Arg((2, 3, 4)), dim=(1, 2)),
        ],
        grad_dtypes=("float64",),
    ),  # fmt: skip
    OpInfo("linalg.vecdot", lambda dt: [S(Arg((2, 3)), Arg((3,)))], dtypes=CPLX),
    OpInfo(
        "linalg.inv",
        lambda dt: [S(Arg((3, 3))), S(Arg((2, 3, 3)))],
        **_both(lambda lib, a: lib.linalg.inv(wellcond(a))),
        errors=square_errors,
    ),  # fmt: skip
    OpInfo("linalg.det", square, errors=square_errors),
    OpInfo("det", square),
    OpInfo("linalg.slogdet", square, errors=square_errors),
    OpInfo("logdet", lambda dt: [S(Arg((3, 3)))], **_both(lambda lib, a: lib.logdet(spd(a)))),
    OpInfo(
        "linalg.solve",
        solve_samples,
        **_both(lambda lib, a, b, **k: lib.linalg.solve(wellcond(a), b, **k)),
        errors=lambda: [S(Arg((3, 3)), Arg((4,))), S(Arg((3, 3)), Arg((3,), "float64"))],
    ),
    OpInfo(
        "linalg.solve_triangular",
        lambda dt: [
            S(Arg((3, 3)), Arg((3, 2)), True),
            S(Arg((3, 3)), Arg((3, 2)), False),
            S(Arg((2, 3, 3)), Arg((2, 3)), True, left=False),
            S(Arg((3, 3)), Arg((3, 2)), False, unitriangular=True),
        ],
        **_both(_solve_tri),
    ),  # fmt: skip
    OpInfo(
        "linalg.cholesky",
        lambda dt: [S(Arg((3, 3))), S(Arg((2, 3, 3))), S(Arg((3, 3)), upper=True)],
        **_both(lambda lib, a, **k: lib.linalg.cholesky(spd(a), **k)),
    ),  # fmt: skip
    OpInfo("linalg.qr", tall, **_both(_qr_invariant)),
    OpInfo(
        "linalg.qr-complete",
        lambda dt: [S(Arg((3, 3)), mode="complete"), S(Arg((2, 4)), mode="complete")],
        **_both(_qr_invariant),
        grad=False,
    ),  # fmt: skip
    OpInfo("linalg.svd", rect, **_both(_svd_invariant), grad_dtypes=("float64",)),
    OpInfo(
        "linalg.svd-full",
        lambda dt: [S(Arg((4, 2)), full_matrices=True)],
        **_both(_svd_invariant),
        grad_dtypes=("float64",),
    ),  # fmt: skip
    OpInfo("linalg.svdvals", rect),
    OpInfo("linalg.eigh", square, **_both(_eigh_invariant), grad_dtypes=("float64",)),
    OpInfo("linalg.eigvalsh", square, **_both(lambda lib, a: lib.linalg.eigvalsh(spd(a)))),
    OpInfo("linalg.pinv", rect, grad_dtypes=("float64",)),
    OpInfo(
        "linalg.matrix_power",
        lambda dt: [S(Arg((3, 3)), 3), S(Arg((2, 3, 3)), 0), S(Arg((3, 3)), -2)],
        **_both(_mpower),
    ),  # fmt: skip
    OpInfo(
        "linalg.matrix_exp",
        lambda dt: [S(Arg((3, 3), low=-1, high=1)), S(Arg((2, 2, 2)))],
        grad_dtypes=("float64",),
    ),
    OpInfo(
        "linalg.matrix_rank",
        lambda dt: [S(Arg((3, 4))), S(Arg((2, 3, 3)), hermitian=True)],
        grad=False,
    ),  # fmt: skip
]
