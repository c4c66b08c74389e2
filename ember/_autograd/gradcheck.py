"""gradcheck / gradgradcheck: analytical gradients against finite differences."""

from __future__ import annotations

import numpy as np

from .._tensor import Tensor


class GradcheckError(RuntimeError):
    pass


def _as_tuple(x):
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _flat_outputs(fn, inputs):
    out = fn(*inputs)
    return [o for o in _as_tuple(out) if isinstance(o, Tensor)]


def _numerical_jacobian(fn, inputs, diff_idx, eps):
    """J[k][i] : d outputs[k] / d inputs[i], each (out.numel(), in.numel()) in float64."""
    from .grad_mode import no_grad

    with no_grad():
        outs0 = _flat_outputs(fn, inputs)
        jac = [
            [
                np.zeros(
                    (o.numel(), inputs[i].numel()),
                    dtype=o._data.dtype if o.is_complex() else np.float64,
                )
                for i in diff_idx
            ]
            for o in outs0
        ]
        for col, i in enumerate(diff_idx):
            x = inputs[i]
            flat = x._data.reshape(-1) if x._data.flags.c_contiguous else None
            if flat is None:
                raise GradcheckError("gradcheck needs contiguous inputs")
            for j in range(flat.size):
                orig = flat[j]
                flat[j] = orig + eps
                plus = [
                    o._data.astype(np.complex128 if o.is_complex() else np.float64)
                    .reshape(-1)
                    .copy()
                    for o in _flat_outputs(fn, inputs)
                ]
                flat[j] = orig - eps
                minus = [
                    o._data.astype(np.complex128 if o.is_complex() else np.float64)
                    .reshape(-1)
                    .copy()
                    for o in _flat_outputs(fn, inputs)
                ]
                flat[j] = orig
                for k in range(len(outs0)):
                    jac[k][col][:, j] = (plus[k] - minus[k]) / (2 * eps)
    return jac


def _analytical_jacobian(fn, inputs, diff_idx):
    from .._creation import zeros
    from .engine import grad as autograd_grad

    outs = _flat_outputs(fn, inputs)
    jac = []
    for o in outs:
        rows = [np.zeros((o.numel(), inputs[i].numel())) for i in diff_idx]
        if o.requires_grad:
            for r in range(o.numel()):
                go = zeros(tuple(o.shape), dtype=o.dtype, device=o.device)  # C order
                go._data.reshape(-1)[r] = 1
                gs = autograd_grad(
                    o, [inputs[i] for i in diff_idx], go, retain_graph=True, allow_unused=True
                )
                for col, g in enumerate(gs):
                    if g is not None:
                        rows[col][r] = g._data.reshape(-1).real
        jac.append(rows)
    return jac


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False,
              masked=None) -> bool:  # fmt: skip
    """Compare the analytical Jacobian of ``func`` at ``inputs`` with finite differences."""
    inputs = _as_tuple(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not diff_idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient")
    for i in diff_idx:
        if inputs[i].dtype.name not in ("float64", "complex128"):
            import warnings

            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or "
                "complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. ",
                stacklevel=2,
            )
    num = _numerical_jacobian(func, inputs, diff_idx, eps)
    ana = _analytical_jacobian(func, inputs, diff_idx)
    for k, (nrows, arows) in enumerate(zip(num, ana)):
        for col, (n, a) in enumerate(zip(nrows, arows)):
            if not np.allclose(a, n.real, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {k} with respect to input {diff_idx[col]},\n"
                    f"numerical:{n}\nanalytical:{a}\n"
                )
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False,
                  check_batched_grad=False, check_fwd_over_rev=False, check_rev_over_rev=True,
                  fast_mode=False, masked=False) -> bool:  # fmt: skip
    """gradcheck applied to the gradients of ``func`` (second derivatives)."""
    from .._creation import tensor
    from .engine import grad as autograd_grad

    inputs = _as_tuple(inputs)
    outs = _flat_outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            tensor(rng.standard_normal(o.shape), dtype=o.dtype, requires_grad=True) for o in outs
        )
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]

    def new_func(*args):
        ins, gos = args[:n_in], args[n_in:]
        outs = _flat_outputs(func, ins)
        diff_ins = [ins[i] for i in diff_idx]
        gs = autograd_grad(
            [o for o in outs if o.requires_grad],
            diff_ins,
            [g for g, o in zip(gos, outs) if o.requires_grad],
            create_graph=True,
            allow_unused=True,
        )
        return tuple(g for g in gs if g is not None)

    return gradcheck(new_func, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)  # fmt: skip
