"""`kata gradcheck`: check a reference network against central differences on a toy problem.

--network NAME picks the network (a module in reference/: net, the default, batchnorm_net,
convnet, rnn, mlp), at the toy sizes of its description in reference/networks/.

Prints the log C sanity check of the initial loss first, then, for reg = 0 and reg > 0, the
per-parameter table, the check of dL/dX and the fast directional check. Exit code 0 when all pass.
With --plot [PATH] it also draws the reg = 0 check as per-entry error heatmaps (a PNG, needs
matplotlib). With --eps-sweep it prints instead how the relative error depends on eps, from
1e-1 to 1e-12, and with --plot draws that sweep.
"""
import argparse
from collections.abc import Callable
from typing import Any

import numpy as np

from katas.commands import argtypes
from katas.learner import plots
from reference import gradcheck, net, networks, problems

# The line `kata --help` shows; the module docstring is the long description.
HELP = "check the reference network against central differences on a toy problem."

# The seed's toy scale: N <= 10, D, H, C single digits and all distinct.
N, D, H, C = 8, 5, 6, 3
REGS = (0.0, 0.1)
HEATMAP_PATH = "gradcheck.png"
SWEEP_PATH = "eps_sweep.png"


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("gradcheck", help=HELP,
                                   description=__doc__)
    parser.add_argument("--network", default="net", choices=networks.names(),
                        help="the reference network to check (default net, the two-layer network)")
    parser.add_argument("--seed", type=argtypes.non_negative_int, default=0, help="seed of the toy problem (default 0)")
    parser.add_argument("--eps", type=argtypes.positive_float, default=gradcheck.EPS,
                        help="finite-difference step (default 1e-5)")
    parser.add_argument("--plot", nargs="?", const="", default=None, metavar="PATH",
                        help="write a PNG: heatmaps of the reg = 0 check (default %s) or, with "
                             "--eps-sweep, the sweep (default %s); needs matplotlib"
                             % (HEATMAP_PATH, SWEEP_PATH))
    parser.add_argument("--eps-sweep", action="store_true",
                        help="print the relative error of the reference gradient for eps from 1e-1 to 1e-12")
    return parser


def run(args: argparse.Namespace) -> int:
    if args.network != "net":
        if args.eps_sweep:
            print("--eps-sweep is drawn for the two-layer network only; leave out --network")
            return 2
        plot = args.plot or (HEATMAP_PATH if args.plot is not None else None)
        return 0 if check_network(args.network, seed=args.seed, eps=args.eps, plot=plot) else 1
    if args.eps_sweep:
        sweep(seed=args.seed, plot=args.plot or (SWEEP_PATH if args.plot is not None else None))
        return 0
    plot = args.plot or (HEATMAP_PATH if args.plot is not None else None)
    return 0 if check_reference(seed=args.seed, eps=args.eps, plot=plot) else 1


def sweep(seed: int = 0, plot: str | None = None,
          out: Callable[[str], object] = print) -> list[tuple[float, float, float, str]]:
    """Print the eps sweep of the reference gradient as a table; draw it to plot if given."""
    rows = plots.eps_sweep(seed=seed)
    out("Relative error of the reference gradient against central differences, by eps")
    out("(toy problem N=%d, D=%d, H=%d, C=%d, seed %d, reg = 0; max and median over all %d entries)" % (
        N, D, H, C, seed, D * H + H + H * C + C))
    out("")
    out(plots.sweep_table(rows))
    best = min(rows, key=lambda row: row[1])
    out("")
    out("smallest max rel error %.2e at eps = %.1e: truncation error (about eps^2) dominates above, "
        "round-off (about u / eps) below" % (best[1], best[0]))
    if plot is not None:
        plots.draw("the eps sweep", lambda: plots.draw_sweep(rows, plot), out)
    return rows


def check_reference(seed: int = 0, eps: float = gradcheck.EPS, out: Callable[[str], object] = print,
                    plot: str | None = None) -> bool:
    """Run every check and print it; return True when all of them pass.

    plot: a PNG path for the heatmaps of the reg = 0 check, or None for no picture.
    """
    params, X, y = problems.toy_problem(N, D, H, C, seed)
    out("Reference network on a toy problem: N=%d, D=%d, H=%d, C=%d, seed %d, eps %g" % (N, D, H, C, seed, eps))
    out("parameters: W1 %s, b1 %s, W2 %s, b2 %s (P = %d entries)" % (
        params["W1"].shape, params["b1"].shape, params["W2"].shape, params["b2"].shape,
        sum(p.size for p in params.values())))
    # The loss first: a wrong loss makes every gradient check meaningless.
    small, X0, y0 = problems.toy_problem(N, D, H, C, seed, scale=1e-3, margin=0.0)
    initial_loss, _ = net.loss(small, X0, y0)
    ok, expected, difference = gradcheck.check_initial_loss(initial_loss, C)
    out("")
    out("== sanity check of the initial loss (weights of scale 1e-3, reg = 0) ==")
    out("loss %.6f, log C = log %d = %.6f, difference %+.2e, tolerance %g: %s" % (
        initial_loss, C, expected, difference, gradcheck.LOG_C_TOLERANCE, "PASS" if ok else "FAIL"))
    title = "Reference network, reg = 0: per-entry relative error (N=%d, D=%d, H=%d, C=%d, seed %d, eps %g)" % (
        N, D, H, C, seed, eps)
    return gradient_checks(net.loss, params, X, y, seed, eps, out, plot, title, ok)


def gradient_checks(loss: Callable[..., Any], params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray, seed: int,
                    eps: float, out: Callable[[str], object], plot: str | None, title: str, passed: bool) -> bool:
    """The checks every network gets after its initial loss (passed: whether that one passed): the full
    check at each reg of REGS (the reg = 0 one drawn to plot with title), dL/dX, the directional check,
    the legend once and the overall line; True when all passed."""
    for reg in REGS:
        report = gradcheck.check_gradients(lambda p: loss(p, X, y, reg), params, eps=eps)
        out("")
        out("== gradient check, reg = %g ==" % reg)
        out(report.table(with_legend=False))
        passed &= report.passed
        if reg == 0.0 and plot is not None:
            plots.draw("heatmaps of the reg = 0 check", lambda: plots.heatmaps(report, plot, title), out)

    report = check_input_gradient(loss, params, X, y, eps)
    out("")
    out("== gradient with respect to the input X (reg = %g) ==" % REGS[-1])
    out(report.table(with_legend=False))
    passed &= report.passed

    directional = gradcheck.directional_check(lambda p: loss(p, X, y, REGS[-1]), params, seed=seed, eps=eps)
    out("")
    out("== directional check: grads . v against a central difference along 4 random directions ==")
    out(directional.table())
    passed &= directional.passed

    out("")
    out(gradcheck.legend(eps=eps))
    out("")
    out("all checks: %s" % ("PASS" if passed else "FAIL"))
    return passed


def check_input_gradient(loss: Callable[..., Any], params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray,
                         eps: float) -> gradcheck.GradCheckReport:
    """Check dL/dX of loss by treating X as the only parameter."""
    def f(inputs: dict[str, np.ndarray]) -> tuple[float, dict[str, np.ndarray]]:
        total, _, dX = loss(params, inputs["X"], y, REGS[-1], return_dX=True)
        return total, {"X": dX}
    return gradcheck.check_gradients(f, {"X": X.copy()}, eps=eps)


def check_network(name: str, seed: int = 0, eps: float = gradcheck.EPS, out: Callable[[str], object] = print,
                  plot: str | None = None) -> bool:
    """check_reference for any network of reference/networks/, at its toy sizes: the initial loss
    with the last layer scaled by 1e-3 (log C per softmax: T log C for the RNN, one per step), then
    the full check at each reg, dL/dX and the directional check. True when all pass."""
    network = networks.load(name)
    sizes = dict(network.base)
    params, X, y = network.problem(sizes, seed)
    shown = ", ".join("%s=%d" % (k, v) for k, v in sizes.items())
    out("Reference network %s (%s) on a toy problem: %s, seed %d, eps %g" % (name, network.title, shown, seed, eps))
    out("parameters: %s (P = %d entries)" % (
        ", ".join("%s %s" % (k, v.shape) for k, v in params.items()), sum(v.size for v in params.values())))
    top, bias = network.top
    small = {k: (v * 1e-3 if k in (top, bias) else v) for k, v in params.items()}
    initial_loss = float(network.loss(small, X, y)[0])
    softmaxes = network.features(params, X).shape[0] // X.shape[0]  # per example: 1, or T for the RNN
    classes = params[bias].shape[0]
    ok, expected, difference = gradcheck.check_initial_loss(initial_loss / softmaxes, classes)
    out("")
    out("== sanity check of the initial loss (last layer scaled by 1e-3, reg = 0) ==")
    per = "" if softmaxes == 1 else " (%d softmaxes per example: loss / %d)" % (softmaxes, softmaxes)
    out("loss %.6f%s, log C = log %d = %.6f, difference %+.2e, tolerance %g: %s" % (
        initial_loss, per, classes, expected, difference, gradcheck.LOG_C_TOLERANCE, "PASS" if ok else "FAIL"))
    title = "%s, reg = 0: per-entry relative error (%s, seed %d, eps %g)" % (name, shown, seed, eps)
    return gradient_checks(network.loss, params, X, y, seed, eps, out, plot, title, ok)
