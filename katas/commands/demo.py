"""`kata demo`: run a demonstration: kink (a ReLU unit on the kink) or depth (the L-layer network).

`kata demo kink` puts a hidden unit within eps of the ReLU kink and shows the mismatch it
causes and its odds. It moves one bias so that one example's hidden pre-activation z sits at
0.3 * eps, then exactly on 0, and shows for the affected entries the analytic gradient, the
central difference, their relative error, the one-sided slopes and the checker's kink mark.
Then it estimates how often a random initialization puts some unit that close: analytically
(to first order in eps) and by Monte Carlo, both over the geometry of z and over full checks
of problems.toy_problem(..., margin=0.0) seeds.
It is not a test of the network: the reference gradient is right; the kink makes the central
difference wrong.

`kata demo depth` checks the L-layer network of reference/mlp.py at 1 to 5 hidden layers
(parameters with reg = 0 and reg > 0, and dL/dX) and compares depth 1 with net.loss.
"""

import argparse
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from katas.analysis import kinks
from katas.analysis.kinks import C, D, H, N
from katas.commands import argtypes
from katas.learner import plots
from reference import gradcheck, mlp, net, problems

# The line `kata --help` shows; the module docstring is the long description.
HELP = "run a demonstration: kink (a ReLU unit on the kink) or depth (the L-layer network)."

EXAMPLE, UNIT = 0, 0
OFFSET = 0.3  # the placed pre-activation, in units of eps
SWEEP_EPS = (1e-2, 1e-3, 1e-4, 1e-5)
KINK_PATH = "kink.png"


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("demo", help=HELP,
                                   description=__doc__)
    parser.add_argument("name", choices=("kink", "depth"), help="the demonstration to run")
    parser.add_argument("--seed", type=argtypes.non_negative_int, default=0, help="seed of the toy problem (default 0)")
    parser.add_argument("--seeds", type=argtypes.positive_int, default=80,
                        help="seeds of full checks in the Monte Carlo (default 80)")
    parser.add_argument("--mc-eps", type=argtypes.positive_float, default=1e-2,
                        help="eps of those full checks (default 1e-2, where kinks are frequent "
                             "enough to count)")
    parser.add_argument("--samples", type=argtypes.positive_int, default=200000,
                        help="random initializations in the Monte Carlo over z (default 200000)")
    parser.add_argument("--plot", nargs="?", const=KINK_PATH, default=None, metavar="PATH",
                        help="write the heatmaps of the check with z = 0.3 eps (default %s)" % KINK_PATH)
    return parser


def run(args: argparse.Namespace) -> int:
    if args.name == "depth":
        return 0 if depth_demo(seed=args.seed) else 1
    kink_demo(seed=args.seed, seeds=args.seeds, mc_eps=args.mc_eps, samples=args.samples, plot=args.plot)
    return 0


def entry_rows(report: gradcheck.GradCheckReport, X: np.ndarray, eps: float, z: float) -> list[tuple[Any, ...]]:
    """Rows for the entries whose perturbation moves z[EXAMPLE, UNIT]: W1[:, UNIT] and b1[UNIT]."""
    rows: list[tuple[Any, ...]] = []
    entries = [("W1", (d, UNIT), X[EXAMPLE, d]) for d in range(X.shape[1])] + [("b1", (UNIT,), 1.0)]
    for name, index, slope in entries:
        p = report.params[name]
        status = "kink" if p.kinks[index] else ("FAIL" if p.failed[index] else "pass")
        rows.append((
            "%s[%s]" % (name, ",".join(str(i) for i in index)), slope,
            "yes" if abs(slope) * eps > abs(z) else "no", p.analytic[index], p.numeric[index],
            p.rel_errors[index], p.left[index], p.right[index], status))
    return rows


def print_entries(rows: Iterable[tuple[Any, ...]], out: Callable[[str], object]) -> None:
    out("| entry | dz/dentry | crosses z = 0 | analytic | central difference | rel error | "
        "left slope | right slope | checker |")
    out("|---|---|---|---|---|---|---|---|---|")
    for name, slope, crosses, analytic, numeric, error, left, right, status in rows:
        out("| %s | %+.3f | %s | %+.6e | %+.6e | %.2e | %+.6e | %+.6e | %s |" % (
            name, slope, crosses, analytic, numeric, error, left, right, status))


def show_placement(params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray, z: float, label: str,
                   out: Callable[[str], object]) -> gradcheck.GradCheckReport:
    """Place the unit at z, check, print the affected entries and the checker's table."""
    eps = gradcheck.EPS
    placed = kinks.place_on_kink(params, X, EXAMPLE, UNIT, z)
    all_z = X @ placed["W1"] + placed["b1"]  # (N, H)
    others = np.abs(np.delete(all_z.reshape(-1), EXAMPLE * H + UNIT)).min()
    report = gradcheck.check_gradients(lambda p: net.loss(p, X, y), placed)
    out("")
    out("== %s: z[%d,%d] = %.3g (= %.3g eps); every other |z| >= %.3g ==" % (
        label, EXAMPLE, UNIT, all_z[EXAMPLE, UNIT], all_z[EXAMPLE, UNIT] / eps, others))
    out("")
    rows = entry_rows(report, X, eps, all_z[EXAMPLE, UNIT])
    print_entries(rows, out)
    marked = [row for row in rows if row[-1] == "kink"]
    out("")
    if marked:
        worst = max(row[5] for row in marked)
        out("%d entries cross the kink: their central difference mixes the two slopes, rel error up to "
            "%.2e (%s band). Without the kink test they would fail; the checker finds a jump in the "
            "one-sided slopes, sees the analytic value between them, and marks them:" % (
                len(marked), worst, plots.short_band(worst)))
    out("")
    out(report.table().split("\nrelative error =")[0])
    return report


def kink_demo(seed: int = 0, seeds: int = 80, mc_eps: float = 1e-2, samples: int = 200000, plot: str | None = None,
              out: Callable[[str], object] = print) -> gradcheck.GradCheckReport:
    """Run the whole demonstration and print it; return the report of the z = 0.3 eps check."""
    eps = gradcheck.EPS
    params, X, y = problems.toy_problem(N, D, H, C, seed)
    out("ReLU kink demonstration: toy problem N=%d, D=%d, H=%d, C=%d, seed %d, reg = 0, eps %g" % (
        N, D, H, C, seed, eps))
    out("Perturbing W1[d,%d] by +-eps moves z[n,%d] by +-eps * X[n,d]; perturbing b1[%d] moves it by +-eps;"
        % (UNIT, UNIT, UNIT))
    out("W2 and b2 do not move z. A central difference crosses the kink when that move exceeds |z|.")
    report = show_placement(params, X, y, OFFSET * eps, "near the kink, inside the step", out)
    out("")
    out("The analytic value is the slope on the side where z > 0 (the unit is active): the right slope")
    out("when dz/dentry > 0, the left one when dz/dentry < 0. The central difference averages the")
    out("slopes on both sides of z = 0, weighted by how far the step reaches on each side.")
    if plot is not None:
        title = "Unit z[%d,%d] = %.1f eps: per-entry relative error, kink-marked entries hatched" % (
            EXAMPLE, UNIT, OFFSET)
        plots.draw("heatmaps of the check with a unit near the kink", lambda: plots.heatmaps(report, plot, title), out)
    show_placement(params, X, y, 0.0, "on the kink (0 up to round-off)", out)
    out("")
    out("On the kink the analytic value is the slope on the side where z < 0 (ReLU'(0) = 0, the unit")
    out("is blocked); every W1[d,%d] with X[%d,d] != 0 and b1[%d] cross the kink, whatever eps." % (
        UNIT, EXAMPLE, UNIT))

    out("")
    out("== How likely is this at random init? (toy_problem(%d, %d, %d, %d, seed, margin=0.0)) ==" % (N, D, H, C))
    out("A unit is within reach when |z[n,j]| < eps * max(1, max_d |X[n,d]|). Analytic: first order in eps,")
    P, lam, density, factor = kinks.analytic_probability(1e-5)
    out("density of z at 0 = %.4f, mean reach factor = %.4f, expected units within reach = "
        "%d * %d * 2 eps * %.4f * %.4f." % (density, factor, N, H, factor, density))
    eps_values = tuple(sorted(set(SWEEP_EPS + (mc_eps,)), reverse=True))
    fractions, hits = kinks.geometric_monte_carlo(eps_values, samples)
    marked, near, near_twice, explained = kinks.checker_monte_carlo(seeds, mc_eps)
    out("")
    out("| eps | analytic P(some unit within reach) | Monte Carlo over %d inits | full checks of %d seeds: "
        "with a kink mark |" % (samples, seeds))
    out("|---|---|---|---|")
    for eps_value, fraction, count in zip(eps_values, fractions, hits):
        checked = ("%d of %d = %.3f" % (marked, seeds, marked / float(seeds))
                   if eps_value == mc_eps else "")
        out("| %.0e | %.3g | %.3g (%d) | %s |" % (
            eps_value, kinks.analytic_probability(eps_value)[0], fraction, count, checked))
    out("")
    out("Full checks at eps = %g: of %d seeds, %d have a unit within reach at eps and %d within reach at "
        "2 eps; %d have a kink-marked entry, %d of them within reach at 2 eps (the kink test looks out "
        "to +-2 eps on every entry that failed at +-eps)." % (
            mc_eps, seeds, near, near_twice, marked, explained))
    out("At eps = 1e-5: P = %.1e, about one random init in %d. The probability is linear in eps; "
        "toy_problem's default margin = 1e-3 skips such seeds, and the checker marks the rest as kinks."
        % (P, round(1.0 / P)))
    return report


DEPTHS = (1, 2, 3, 4, 5)
DEPTH_REG = 0.1


def depth_demo(seed: int = 0, out: Callable[[str], object] = print) -> bool:
    """Check mlp.loss at 1 to 5 hidden layers of width H; print a table; True when all pass."""
    out("L-layer network (reference/mlp.py): gradient check at %d to %d hidden layers" % (DEPTHS[0], DEPTHS[-1]))
    out("problems.layered_problem(N=%d, (D=%d, H=%d, ..., H=%d, C=%d), seed %d): every |z| >= 1e-3, eps %g" % (
        N, D, H, H, C, seed, gradcheck.EPS))
    params, X, y = problems.toy_problem(N, D, H, C, seed)
    deep = mlp.loss(params, X, y, DEPTH_REG, return_dX=True)
    flat = net.loss(params, X, y, DEPTH_REG, return_dX=True)
    difference = max([abs(deep[0] - flat[0]), float(np.abs(deep[2] - flat[2]).max())]
                     + [float(np.abs(deep[1][k] - flat[1][k]).max()) for k in params])
    out("one hidden layer against net.loss (reg = %g): largest difference in loss, grads and dX = %.1e" % (
        DEPTH_REG, difference))
    out("")
    out("| hidden layers | P | evaluations per check | max rel error, reg = 0 | max rel error, reg = %g "
        "| dL/dX max rel error | kinks | verdict |" % DEPTH_REG)
    out("|---|---|---|---|---|---|---|---|")
    passed = difference == 0.0
    for hidden in DEPTHS:
        widths = (D,) + (H,) * hidden + (C,)
        params, X, y = problems.layered_problem(N, widths, seed)
        reports = [gradcheck.check_gradients(lambda p: mlp.loss(p, X, y, reg), params) for reg in (0.0, DEPTH_REG)]

        def input_loss(inputs: dict[str, np.ndarray]) -> tuple[float, dict[str, np.ndarray]]:
            total, _, dX = mlp.loss(params, inputs["X"], y, DEPTH_REG, return_dX=True)
            return total, {"X": dX}

        reports.append(gradcheck.check_gradients(input_loss, {"X": X.copy()}))
        ok = all(r.passed for r in reports)
        kinks = sum(p.n_kinks for r in reports for p in r.params.values())
        passed &= ok
        out("| %d | %d | %d | %.2e | %.2e | %.2e | %d | %s |" % (
            hidden, sum(v.size for v in params.values()), reports[0].evaluations, reports[0].max_rel_error,
            reports[1].max_rel_error, reports[2].max_rel_error, kinks, "PASS" if ok else "FAIL"))
    out("")
    out("all depths: %s" % ("PASS" if passed else "FAIL"))
    return passed
