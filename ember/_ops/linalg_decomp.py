"""Inverses, determinants, solves and decompositions (``ember.linalg``).

Forwards call NumPy's LAPACK bindings on batches of matrices. Backward formulas
are written in ember ops; the structural pieces they need (triangles, diagonals,
identity) are products with constant masks and ``einsum``, so they differentiate
again. Decompositions with several outputs recompute their factors in backward
(the node saves only its input), which keeps double backward exact.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from .. import _dtype as D
from ._helpers import Tensor, check_tensor, dispatch, handle_out, type_word
from ._registry import Op, export, register
from .linalg import einsum, matmul
from .linalg_norms import check_float


class LinAlgError(RuntimeError):
    """Raised when a matrix is singular or not positive-definite (``torch.linalg.LinAlgError``)."""


SlogdetResult = namedtuple("slogdet", ["sign", "logabsdet"])
QRResult = namedtuple("linalg_qr", ["Q", "R"])
SVDResult = namedtuple("linalg_svd", ["U", "S", "Vh"])
OldSVDResult = namedtuple("svd", ["U", "S", "V"])
EighResult = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])
EigResult = namedtuple("linalg_eig", ["eigenvalues", "eigenvectors"])
LstsqResult = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])

# --- helpers (constants and structure in ember ops) -----------------------------------------


def _const(arr, like):
    dt = like.dtype
    return Tensor._make(np.asarray(arr, dtype=dt.np), dt, like.device)


def _eye(n, like, m=None):
    return _const(np.eye(n, m if m is not None else n), like)


def _tril(x, k=0):
    return x * _const(np.tri(x.shape[-2], x.shape[-1], k), x)


def _triu(x, k=0):
    return x * _const(1 - np.tri(x.shape[-2], x.shape[-1], k - 1), x)


def _diag(x):
    return einsum("...ii->...i", x)


def _diag_embed(v):
    return v.unsqueeze(-2) * _eye(v.shape[-1], v)


def _square(name, A):
    check_tensor(name.replace(".", "_"), A, "A")
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by "
            f"{A.shape[-1]} matrices"
        )
    check_float(name, A)


def _matrix(name, A):
    check_tensor(name.replace(".", "_"), A, "A")
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    check_float(name, A)


def _batched(A):
    return A.reshape((-1,) + A.shape[-2:])


def _lu_zero_pivot(a):
    """1-based index of the first zero pivot of LU with partial pivoting (0 if none)."""
    a = np.array(a, dtype=np.complex128 if np.iscomplexobj(a) else np.float64)
    n = a.shape[0]
    for k in range(n):
        p = k + int(np.argmax(np.abs(a[k:, k])))
        if a[p, k] == 0:
            return k + 1
        a[[k, p]] = a[[p, k]]
        a[k + 1 :, k] /= a[k, k]
        a[k + 1 :, k + 1 :] -= np.outer(a[k + 1 :, k], a[k, k + 1 :])
    return 0


def _batch_prefix(A, b):
    return f"(Batch element {b}): " if A.ndim > 2 else ""


def _singular_error(name, A):
    flat = A.reshape((-1,) + A.shape[-2:])
    for b, m in enumerate(flat):
        k = _lu_zero_pivot(m)
        if k:
            raise LinAlgError(
                f"{name}: {_batch_prefix(A, b)}The diagonal element {k} is zero, the inversion "
                "could not be completed because the input matrix is singular."
            )
    raise LinAlgError(f"{name}: The input matrix is singular.")


# --- inv, det, slogdet ----------------------------------------------------------------------


def _inv_fwd(xp, a):
    try:
        res = xp.linalg.inv(a)
    except np.linalg.LinAlgError:
        _singular_error("linalg.inv", a)
    if not np.all(np.isfinite(res)) and np.all(np.isfinite(a)):
        _singular_error("linalg.inv", a)
    return res


def _inv_bwd(c, g):
    ainv_h = c.out.mH
    return (-(ainv_h @ g @ ainv_h),)


def R_same(args, attrs):
    return args[0].dtype, args[0].dtype


INV = register(Op("linalg_inv", _inv_fwd, _inv_bwd, R_same, "o"))


def inv(A, *, out=None):
    _square("linalg.inv", A)
    return handle_out(out, dispatch(INV, (A,)))


def _det_bwd(c, g):
    (a,) = c.inputs
    d = c.out
    return ((g * d.conj()).unsqueeze(-1).unsqueeze(-1) * inv(a).mH,)


DET = register(Op("linalg_det", lambda xp, a: xp.linalg.det(a), _det_bwd, R_same, "io"))


def det(A, *, out=None):
    _square("linalg.det", A)
    return handle_out(out, dispatch(DET, (A,)))


def _slogdet_rule(args, attrs):
    dt = args[0].dtype
    return dt, (dt, dt.to_real())


def _slogdet_bwd(c, gsign, glog):
    (a,) = c.inputs
    if glog is None:
        return (None,)
    return (glog.unsqueeze(-1).unsqueeze(-1) * inv(a).mH,)


SLOGDET = register(
    Op(
        "linalg_slogdet",
        lambda xp, a: tuple(xp.linalg.slogdet(a)),
        _slogdet_bwd,
        _slogdet_rule,
        "i",
        nout=2,
        grad_outputs=(0, 1),
    )
)


def slogdet(A, *, out=None):
    _square("linalg.slogdet", A)
    return SlogdetResult(*dispatch(SLOGDET, (A,)))


def logdet(input):
    _square("linalg.det", input)
    sign, logabs = dispatch(SLOGDET, (input,))
    if input.is_complex():
        return logabs + sign.log()
    return logabs.where(sign >= 0, math.nan).where(sign != 0, -math.inf)


# --- solve, solve_triangular ------------------------------------------------------------------


def _solve_fwd(xp, a, b, left=True, vector=False):
    if not left:
        a = xp.swapaxes(a, -1, -2)
        b = xp.swapaxes(b, -1, -2)
    if vector:
        b = b[..., None]
    try:
        x = xp.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        raise LinAlgError(
            "torch.linalg.solve: The solver failed because the input matrix is singular."
        ) from None
    if vector:
        x = x[..., 0]
    if not left:
        x = xp.swapaxes(x, -1, -2)
    return x


def _solve_bwd(c, g):
    a, b = c.inputs
    left, vector = c.attrs.get("left", True), c.attrs.get("vector", False)
    x = solve(a, b, left=left)
    gb = solve(a.mH, g, left=left)
    if vector:
        ga = -(gb.unsqueeze(-1) * x.conj().unsqueeze(-2))
    elif left:
        ga = -(gb @ x.mH)
    else:
        ga = -(x.mH @ gb)
    return ga, gb


SOLVE = register(Op("linalg_solve", _solve_fwd, _solve_bwd, R_same, "i"))


def _check_same_dtype(name, A, B):
    if A.dtype is not B.dtype:
        raise RuntimeError(
            f"{name}: Expected A and B to have the same dtype, but found A of type "
            f"{type_word(A.dtype)} and B of type {type_word(B.dtype)} instead"
        )


def solve(A, B, *, left=True, out=None):
    _square("linalg.solve", A)
    check_tensor("linalg_solve", B, "B", 2)
    _check_same_dtype("linalg.solve", A, B)
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    n = A.shape[-1]
    rows = B.shape[-1] if vector else (B.shape[-2] if left else B.shape[-1])
    if rows != n:
        bs = (B.shape[-1], 1) if vector else tuple(B.shape[-2:])
        raise RuntimeError(
            f"linalg.solve: Incompatible shapes of A and B for the equation "
            f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {bs[0]}x{bs[1]})"
        )
    return handle_out(out, dispatch(SOLVE, (A, B), {"left": left, "vector": vector}))


def _tri_solve_fwd(xp, a, b, upper, left=True, unitriangular=False):
    n = a.shape[-1]
    mask = np.triu(np.ones((n, n), bool)) if upper else np.tril(np.ones((n, n), bool))
    a = xp.where(mask, a, 0)
    if unitriangular:
        a = a * (1 - np.eye(n)) + np.eye(n)
    if not left:
        a = xp.swapaxes(a, -1, -2)
        b = xp.swapaxes(b, -1, -2)
    x = xp.linalg.solve(a, b)
    if not left:
        x = xp.swapaxes(x, -1, -2)
    return x


def _tri_solve_bwd(c, g):
    a, b = c.inputs
    upper = c.attrs["upper"]
    left = c.attrs.get("left", True)
    uni = c.attrs.get("unitriangular", False)
    x = solve_triangular(a, b, upper=upper, left=left, unitriangular=uni)
    gb = solve_triangular(a.mH, g, upper=not upper, left=left, unitriangular=uni)
    ga = -(gb @ x.mH) if left else -(x.mH @ gb)
    ga = _triu(ga, 1 if uni else 0) if upper else _tril(ga, -1 if uni else 0)
    return ga, gb


TRI_SOLVE = register(
    Op("linalg_solve_triangular", _tri_solve_fwd, _tri_solve_bwd, R_same, "i")  # fmt: skip
)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    name = "linalg.solve_triangular"
    _square(name, A)
    check_tensor("linalg_solve_triangular", B, "B", 2)
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    _check_same_dtype(name, A, B)
    attrs = {"upper": bool(upper), "left": left, "unitriangular": unitriangular}
    return handle_out(out, dispatch(TRI_SOLVE, (A, B), attrs))


# --- cholesky ---------------------------------------------------------------------------------


def _chol_fwd(xp, a, upper=False):
    try:
        L = xp.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        flat = a.reshape((-1,) + a.shape[-2:])
        for bi, m in enumerate(flat):
            for k in range(1, m.shape[-1] + 1):
                try:
                    np.linalg.cholesky(m[:k, :k])
                except np.linalg.LinAlgError:
                    raise LinAlgError(
                        f"linalg.cholesky: {_batch_prefix(a, bi)}The factorization could not be "
                        "completed because the input is not positive-definite (the leading minor "
                        f"of order {k} is not positive-definite)."
                    ) from None
        raise
    return xp.swapaxes(L, -1, -2).conj() if upper else L


def _chol_bwd(c, g):
    L = c.out
    if c.attrs.get("upper", False):
        L, g = L.mH, g.mH
    gA = _tril(L.mH @ g)
    gA = 0.5 * (gA + _tril(gA, -1).mH)
    gA = solve_triangular(L.mH, gA, upper=True, left=True)
    gA = solve_triangular(L, gA, upper=False, left=False)
    return (gA,)


CHOLESKY = register(Op("linalg_cholesky", _chol_fwd, _chol_bwd, R_same, "o"))


def cholesky(A, *, upper=False, out=None):
    _square("linalg.cholesky", A)
    return handle_out(out, dispatch(CHOLESKY, (A,), {"upper": upper}))


# --- qr ---------------------------------------------------------------------------------------


def _qr_fwd(xp, a, mode="reduced"):
    if mode == "r":
        r = xp.linalg.qr(a, mode="r")
        return xp.zeros((0,), dtype=a.dtype), r
    return tuple(xp.linalg.qr(a, mode=mode))


def _qr_bwd(c, gQ, gR):
    (a,) = c.inputs
    mode = c.attrs.get("mode", "reduced")
    m, n = a.shape[-2], a.shape[-1]
    if mode == "r":
        raise RuntimeError(
            "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
            "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
            "linalg.qr."
        )
    if mode == "complete" and m > n:
        raise RuntimeError(
            "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
        )
    if m < n:
        raise NotImplementedError("linalg.qr backward for wide matrices (m < n) is not implemented")
    Q, R = qr(a, mode=mode)
    M = 0
    if gR is not None:
        M = R @ gR.mH
    if gQ is not None:
        M = M - gQ.mH @ Q
    b = gQ if gQ is not None else 0
    if not isinstance(M, int):
        copyltu = _tril(M, -1) + _tril(M, -1).mH + _diag_embed(_diag(M).real if M.is_complex()
                                                                 else _diag(M))  # fmt: skip
        b = b + Q @ copyltu
    return (solve_triangular(R.mH, b, upper=False, left=False),)


QR = register(
    Op("linalg_qr", _qr_fwd, _qr_bwd, R_same, "i", nout=2, grad_outputs=(0, 1))  # fmt: skip
)


def qr(A, mode="reduced", *, out=None):
    _matrix("linalg.qr", A)
    if mode not in ("reduced", "r", "complete"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
            "'r', or 'complete'"
        )
    return QRResult(*dispatch(QR, (A,), {"mode": mode}))


# --- eigh, eig --------------------------------------------------------------------------------


def _eigh_rule(args, attrs):
    dt = args[0].dtype
    return dt, (dt.to_real(), dt)


def _eigh_bwd(c, gL, gV):
    (a,) = c.inputs
    L, V = eigh(a, UPLO=c.attrs.get("UPLO", "L"))
    if gV is None:
        return (V @ (gL.unsqueeze(-1) * V.mH),)
    VhgV = V.mH @ gV
    VhgV = 0.5 * (VhgV - VhgV.mH)
    eye = _eye(L.shape[-1], L)
    E = L.unsqueeze(-2) - L.unsqueeze(-1) + eye
    inner = VhgV / E * (1 - eye)
    if gL is not None:
        inner = inner + _diag_embed(gL)
    return (V @ inner @ V.mH,)


EIGH = register(
    Op(
        "linalg_eigh",
        lambda xp, a, UPLO="L": tuple(xp.linalg.eigh(a, UPLO=UPLO)),
        _eigh_bwd,
        _eigh_rule,
        "i",
        nout=2,
        grad_outputs=(0, 1),
    )  # fmt: skip
)


def eigh(A, UPLO="L", *, out=None):
    _square("linalg.eigh", A)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return EighResult(*dispatch(EIGH, (A,), {"UPLO": UPLO}))


def eigvalsh(A, UPLO="L", *, out=None):
    _square("linalg.eigvalsh", A)
    return handle_out(out, eigh(A, UPLO).eigenvalues)


def _eig_rule(args, attrs):
    dt = args[0].dtype
    c = D.complex128 if dt in (D.float64, D.complex128) else D.complex64
    return dt, (c, c)


def _eig_bwd(c, gL, gV):
    raise NotImplementedError("linalg.eig backward is not implemented in ember yet")


EIG = register(
    Op(
        "linalg_eig",
        lambda xp, a: tuple(xp.linalg.eig(a)),
        _eig_bwd,
        _eig_rule,
        "i",
        nout=2,
        grad_outputs=(0, 1),
    )  # fmt: skip
)


def eig(A, *, out=None):
    _square("linalg.eig", A)
    return EigResult(*dispatch(EIG, (A,)))


def eigvals(A, *, out=None):
    return handle_out(out, eig(A).eigenvalues)


# --- svd --------------------------------------------------------------------------------------


def _svd_rule(args, attrs):
    dt = args[0].dtype
    return dt, (dt, dt.to_real(), dt)


def _svd_fwd(xp, a, full_matrices=True):
    if a.size == 0:
        m, n = a.shape[-2:]
        k = min(m, n)
        b = a.shape[:-2]
        um, vn = (m, n) if full_matrices else (k, k)
        eye_u = np.broadcast_to(np.eye(m, um, dtype=a.dtype), b + (m, um)).copy()
        eye_v = np.broadcast_to(np.eye(vn, n, dtype=a.dtype), b + (vn, n)).copy()
        return eye_u, np.zeros(b + (k,), dtype=a.real.dtype), eye_v
    return tuple(xp.linalg.svd(a, full_matrices=full_matrices))


def _svd_bwd(c, gU, gS, gVh):
    (a,) = c.inputs
    full = c.attrs.get("full_matrices", True)
    U, S, Vh = svd(a, full_matrices=False)
    m, n = a.shape[-2], a.shape[-1]
    k = S.shape[-1]
    if full:
        if gU is not None:
            gU = gU @ _eye(gU.shape[-1], gU, k)
        if gVh is not None:
            gVh = _eye(k, gVh, gVh.shape[-2]) @ gVh
    if gU is None and gVh is None:
        if gS is None:
            return (None,)
        return (U @ (gS.unsqueeze(-1) * Vh),)
    skew = lambda X: X - X.mH  # noqa: E731
    UhgU = skew(U.mH @ gU) if gU is not None else None
    VhgV = skew(Vh @ gVh.mH) if gVh is not None else None
    S2 = S * S
    eye = _eye(k, S)
    E = S2.unsqueeze(-2) - S2.unsqueeze(-1) + eye
    if UhgU is not None and VhgV is not None:
        gA = (UhgU * S.unsqueeze(-2) + S.unsqueeze(-1) * VhgV) / E
    elif UhgU is not None:
        gA = UhgU * (S.unsqueeze(-2) / E)
    else:
        gA = S.unsqueeze(-1) * (VhgV / E)
    gA = gA * (1 - eye)
    if gS is not None:
        gA = gA + _diag_embed(gS)
    if m > n and gU is not None:
        gA = U @ gA
        gUSinv = gU / S.unsqueeze(-2)
        gA = gA + gUSinv - U @ (U.mH @ gUSinv)
        gA = gA @ Vh
    elif m < n and gVh is not None:
        gA = gA @ Vh
        SinvgVh = gVh / S.unsqueeze(-1)
        gA = gA + SinvgVh - (SinvgVh @ Vh.mH) @ Vh
        gA = U @ gA
    else:
        gA = U @ gA @ Vh
    return (gA,)


SVD = register(Op("linalg_svd", _svd_fwd, _svd_bwd, _svd_rule, "i", nout=3, grad_outputs=(0, 1, 2)))


def svd(A, full_matrices=True, *, driver=None, out=None):
    _matrix("linalg.svd", A)
    return SVDResult(*dispatch(SVD, (A,), {"full_matrices": bool(full_matrices)}))


def svdvals(A, *, driver=None, out=None):
    _matrix("linalg.svdvals", A)
    return handle_out(out, svd(A, full_matrices=False).S)


def _torch_svd(input, some=True, compute_uv=True, *, out=None):
    U, S, Vh = svd(input, full_matrices=not some)
    if not compute_uv:
        m, n = input.shape[-2:]
        b = tuple(input.shape[:-2])
        U = Tensor._make(np.zeros(b + (m, m if not some else min(m, n)), input.dtype.np),
                         input.dtype, input.device)  # fmt: skip
        V = Tensor._make(np.zeros(b + (n, n if not some else min(m, n)), input.dtype.np),
                         input.dtype, input.device)  # fmt: skip
        return OldSVDResult(U, S.detach(), V)
    return OldSVDResult(U, S, Vh.mH)


# --- composites: pinv, matrix_power, matrix_rank, lstsq, multi-dot ----------------------------


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    _matrix("linalg.pinv", A)
    if hermitian:
        L, V = eigh(A)
        absL = L.abs()
        smax = absL.amax(-1, keepdim=True) if absL.shape[-1] else absL
    else:
        U, S, Vh = svd(A, full_matrices=False)
        absL = S
        smax = S[..., :1] if S.shape[-1] else S
    tol = _tolerance(A, smax, atol, rtol)
    keep = absL > tol
    inv_s = (1 / absL.where(keep, 1.0)).where(keep, 0.0)
    if hermitian:
        res = (V * (inv_s * L.sgn()).unsqueeze(-2)) @ V.mH
    else:
        res = (Vh.mH * inv_s.unsqueeze(-2)) @ U.mH
    return handle_out(out, res)


def _tolerance(A, smax, atol, rtol):
    eps = np.finfo(A.dtype.to_real().np).eps
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else eps * max(A.shape[-2:])
    if isinstance(atol, Tensor) or isinstance(rtol, Tensor):
        raise NotImplementedError("linalg tolerances given as tensors are not supported yet")
    return (smax * rtol).clamp_min(atol or 0.0).detach()


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    _matrix("linalg.matrix_rank", A)
    if hermitian:
        s = eigvalsh(A).abs()
        smax = s.amax(-1, keepdim=True)
    else:
        s = svdvals(A)
        smax = s[..., :1]
    tol = _tolerance(A, smax, atol, rtol)
    return handle_out(out, (s > tol).sum(-1))


def matrix_power(A, n, *, out=None):
    check_tensor("linalg_matrix_power", A, "A")
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            f"linalg.matrix_power: A must be batches of square matrices, but they are "
            f"{A.shape[-2] if A.ndim > 1 else 1} by {A.shape[-1]} matrices"
        )
    if n == 0:
        # the identity, with a (zero) gradient path to A as in PyTorch
        always = Tensor._make(np.ones(A.shape, dtype=bool), D.bool_, A.device)
        return handle_out(out, _eye(A.shape[-1], A).where(always, A))
    if n < 0:
        A = inv(A)
        n = -n
    result = None
    base = A
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return handle_out(out, result)


def lstsq(A, B, rcond=None, *, driver=None):
    check_tensor("linalg_lstsq", A, "A")
    check_tensor("linalg_lstsq", B, "B", 2)
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    check_float("torch.linalg.lstsq", A)
    vector = B.ndim == A.ndim - 1
    Bm = B.unsqueeze(-1) if vector else B
    if A.shape[-2] != Bm.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    _check_same_dtype("torch.linalg.lstsq", A, B)
    X = pinv(A) @ Bm
    if vector:
        X = X.squeeze(-1)
    rank = matrix_rank(A.detach())
    empty = Tensor._make(np.zeros((0,), A.dtype.to_real().np), A.dtype.to_real(), A.device)
    return LstsqResult(X, empty, rank, empty)


# --- matrix_exp -------------------------------------------------------------------------------


def _expm(xp, a):
    """exp(a) by scaling and squaring with a Taylor series (batched)."""
    n = a.shape[-1]
    if a.size == 0:
        return a.copy()
    norm = xp.max(xp.sum(xp.abs(a), axis=-2), axis=-1) if a.ndim else 0
    s = int(max(0, math.ceil(math.log2(max(float(xp.max(norm)), 1e-300) / 0.25)))) + 1
    s = max(s, 0)
    x = a / (2.0**s)
    eye = xp.broadcast_to(xp.eye(n, dtype=a.dtype), a.shape)
    res = eye.copy()
    term = eye.copy()
    for k in range(1, 20):
        term = xp.matmul(term, x) / k
        res = res + term
    for _ in range(s):
        res = xp.matmul(res, res)
    return res


def _mexp_bwd(c, g):
    (a,) = c.inputs
    n = a.shape[-1]
    top = _eye(2 * n, a, n)  # (2n, n): [I; 0]
    bot = _const(np.eye(2 * n, n, -n), a)  # [0; I]
    ah = a.mH
    big = top @ ah @ top.mT + top @ g @ bot.mT + bot @ ah @ bot.mT
    return (top.mT @ matrix_exp(big) @ bot,)


MATRIX_EXP = register(Op("linalg_matrix_exp", _expm, _mexp_bwd, R_same, "i"))


def matrix_exp(A):
    _square("linalg.matrix_exp", A)
    return dispatch(MATRIX_EXP, (A,))


def vecdot(x, y, *, dim=-1, out=None):
    check_tensor("linalg_vecdot", x, "x")
    check_tensor("linalg_vecdot", y, "y", 2)
    if x.dtype is not y.dtype:
        raise RuntimeError(
            f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
            f"{type_word(x.dtype)} and y of type {type_word(y.dtype)} instead"
        )
    return handle_out(out, (x.conj() * y).sum(dim))


def cond(A, p=None, *, out=None):
    from .linalg_norms import matrix_norm

    if p is None or p in (2, -2):
        s = svdvals(A)
        r = s[..., 0] / s[..., -1] if p in (None, 2) else s[..., -1] / s[..., 0]
        return handle_out(out, r)
    return handle_out(out, matrix_norm(A, p) * matrix_norm(inv(A), p))


# --- torch.* spellings ----------------------------------------------------------------------

export(det, names=("det",))
export(logdet, names=("logdet",))
export(lambda input: slogdet(input), names=("slogdet",))
export(inv, names=("inverse",))
export(_torch_svd, names=("svd",))
export(matrix_exp, names=("matrix_exp",))
export(matrix_power, names=("matrix_power",))
export(lambda input, rcond=1e-15, hermitian=False: pinv(input, rtol=rcond, hermitian=hermitian),
       names=("pinverse",))  # fmt: skip


def _torch_cholesky(input, upper=False, *, out=None):
    return cholesky(input, upper=upper, out=out)


def _torch_qr(input, some=True, *, out=None):
    return qr(input, "reduced" if some else "complete")


export(_torch_cholesky, names=("cholesky",))
export(_torch_qr, names=("qr",))
del matmul
