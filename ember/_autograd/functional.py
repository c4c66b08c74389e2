"""``autograd.functional``: jacobian, hessian, vjp, jvp, hvp, vhp (by reverse mode)."""

from __future__ import annotations

from .._tensor import Tensor


def _tuple(x):
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _prepare(inputs, create_graph=False):
    """Inputs that require grad; with create_graph they keep their history (for hessian)."""
    return tuple(
        x.view_as(x) if create_graph and x.requires_grad else x.detach().requires_grad_(True)
        for x in _tuple(inputs)
    )


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    from .engine import grad
    from .grad_mode import enable_grad

    single = isinstance(inputs, Tensor)
    with enable_grad():
        ins = _prepare(inputs)
        out = func(*ins)
        outs = _tuple(out)
        vs = _tuple(v) if v is not None else (None,) * len(outs)
        gs = grad(outs, ins, vs, create_graph=create_graph, allow_unused=True)
    gs = tuple(g if g is not None else x.new_zeros(x.shape) for g, x in zip(gs, ins))
    if not create_graph:
        out = out.detach() if isinstance(out, Tensor) else tuple(o.detach() for o in out)
        gs = tuple(g.detach() for g in gs)
    return out, gs[0] if single else gs


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):  # fmt: skip
    from .._creation import zeros_like
    from .engine import grad
    from .grad_mode import enable_grad

    single_in = isinstance(inputs, Tensor)
    with enable_grad():
        ins = _prepare(inputs, create_graph)
        out = func(*ins)
        single_out = isinstance(out, Tensor)
        outs = _tuple(out)
        result = []
        for o in outs:
            rows = [[] for _ in ins]
            flat = o.reshape(-1)
            for k in range(flat.numel()):
                gs = grad(flat[k], ins, retain_graph=True, create_graph=create_graph,
                          allow_unused=True)  # fmt: skip
                for j, (g, x) in enumerate(zip(gs, ins)):
                    rows[j].append(g if g is not None else zeros_like(x))
            per_in = []
            for j, x in enumerate(ins):
                from .. import stack

                if rows[j]:
                    J = stack(rows[j]).reshape(tuple(o.shape) + tuple(x.shape))
                else:
                    J = x.new_zeros(tuple(o.shape) + tuple(x.shape))
                per_in.append(J if create_graph else J.detach())
            result.append(per_in[0] if single_in else tuple(per_in))
    return result[0] if single_out else tuple(result)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):  # fmt: skip
    single_in = isinstance(inputs, Tensor)

    def jac_fn(*ins):
        j = jacobian(func, ins if not single_in else ins[0], create_graph=True)
        return j

    return jacobian(jac_fn, inputs, create_graph=create_graph)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """Forward-mode product computed by the double-vjp trick."""
    from .engine import grad
    from .grad_mode import enable_grad

    single = isinstance(inputs, Tensor)
    with enable_grad():
        ins = _prepare(inputs)
        out = func(*ins)
        outs = _tuple(out)
        us = tuple(o.new_zeros(o.shape).requires_grad_(True) for o in outs)
        gs = grad(outs, ins, us, create_graph=True, allow_unused=True)
        vs = _tuple(v) if v is not None else tuple(x.new_ones(x.shape) for x in ins)
        pairs = [(g, vv) for g, vv in zip(gs, vs) if g is not None]
        res = grad([p[0] for p in pairs], us, [p[1] for p in pairs], create_graph=create_graph,
                   allow_unused=True)  # fmt: skip
    res = tuple(r if r is not None else o.new_zeros(o.shape) for r, o in zip(res, outs))
    if not create_graph:
        res = tuple(r.detach() for r in res)
        out = out.detach() if isinstance(out, Tensor) else tuple(o.detach() for o in out)
    del single
    return out, res[0] if isinstance(out, Tensor) else res


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    from .engine import grad
    from .grad_mode import enable_grad

    single = isinstance(inputs, Tensor)
    with enable_grad():
        ins = _prepare(inputs)
        out = func(*ins)
        gs = grad(out, ins, create_graph=True, allow_unused=True)
        vs = _tuple(v)
        res = grad(gs, ins, vs, create_graph=create_graph, allow_unused=True)
    res = tuple(r if r is not None else x.new_zeros(x.shape) for r, x in zip(res, ins))
    if not create_graph:
        res = tuple(r.detach() for r in res)
    return out.detach(), res[0] if single else res


hvp = vhp
