"""`kata gradcheck`: the reference network checked against central differences on a toy problem.

Prints, for reg = 0 and reg > 0, the per-parameter table, the check of dL/dX, the fast
directional check and the log C sanity check of the initial loss. Exit code 0 when all pass.
"""
from reference import gradcheck, net, problems

# The seed's toy scale: N <= 10, D, H, C single digits and all distinct.
N, D, H, C = 8, 5, 6, 3
REGS = (0.0, 0.1)


def run(seed=0, eps=gradcheck.EPS, out=print):
    """Run every check and print it; return True when all of them pass."""
    params, X, y = problems.toy_problem(N, D, H, C, seed)
    out("Reference network on a toy problem: N=%d, D=%d, H=%d, C=%d, seed %d, eps %g" % (N, D, H, C, seed, eps))
    out("parameters: W1 %s, b1 %s, W2 %s, b2 %s (P = %d entries)" % (
        params["W1"].shape, params["b1"].shape, params["W2"].shape, params["b2"].shape,
        sum(p.size for p in params.values())))
    passed = True
    for reg in REGS:
        report = gradcheck.check_gradients(lambda p: net.loss(p, X, y, reg), params, eps=eps)
        out("")
        out("== gradient check, reg = %g ==" % reg)
        out(report.table())
        passed &= report.passed

    report = check_input_gradient(params, X, y, eps)
    out("")
    out("== gradient with respect to the input X (reg = %g) ==" % REGS[-1])
    out(report.table())
    passed &= report.passed

    directional = gradcheck.directional_check(lambda p: net.loss(p, X, y, REGS[-1]), params, seed=seed, eps=eps)
    out("")
    out("== directional check: grads . v against a central difference along 4 random directions ==")
    out(directional.table())
    passed &= directional.passed

    small, X0, y0 = problems.toy_problem(N, D, H, C, seed, scale=1e-3, margin=0.0)
    initial_loss, _ = net.loss(small, X0, y0)
    ok, expected, difference = gradcheck.check_initial_loss(initial_loss, C)
    out("")
    out("== sanity check of the initial loss (weights of scale 1e-3, reg = 0) ==")
    out("loss %.6f, log C = log %d = %.6f, difference %+.2e, tolerance %g: %s" % (
        initial_loss, C, expected, difference, gradcheck.LOG_C_TOLERANCE, "PASS" if ok else "FAIL"))
    passed &= ok
    out("")
    out("all checks: %s" % ("PASS" if passed else "FAIL"))
    return passed


def check_input_gradient(params, X, y, eps):
    """Check dL/dX by treating X as the only parameter."""
    def f(inputs):
        total, _, dX = net.loss(params, inputs["X"], y, REGS[-1], return_dX=True)
        return total, {"X": dX}
    return gradcheck.check_gradients(f, {"X": X.copy()}, eps=eps)
