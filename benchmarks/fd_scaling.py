"""How the cost of finite-difference gradient checking grows with the number of parameters P.

For two-layer problems from P ~ 40 to P ~ 2 * 10^4 entries, this script measures, in one
run: the loss evaluations and wall time of a full check (gradcheck.check_gradients, 2P + 1
evaluations) and of the directional check (gradcheck.directional_check, 4 directions,
9 evaluations), the wall time of one analytic loss + backward call (net.loss), and their
ratio: how many backward passes one finite-difference gradient costs, and the minor page
faults taken during the full check (memory the allocator hands back and takes again between
evaluations, which shows up as kernel time). It fits the slope of
log(time) against log(P) for each mode with np.polyfit and, with --plot, draws a log-log
figure (needs matplotlib: python -m pip install matplotlib).

    python benchmarks/fd_scaling.py --plot docs/img/fd_scaling.png

Times are the best of a few repeats (the full check runs twice from P = 5000, once from
P = 10^4).
They are machine-dependent; the slopes and the ratios, measured in the same run, are what
carries over.
"""
import argparse
import sys
import time

import numpy as np

from reference import gradcheck, net, problems

N = 10
# (D, H, C) for P = D H + H + H C + C from 43 to 20530: 2.7 orders of magnitude.
SIZES = (
    (4, 5, 3),
    (8, 10, 4),
    (16, 20, 8),
    (32, 40, 10),
    (64, 80, 10),
    (128, 100, 10),
    (160, 120, 10),
)
DEFAULT_PLOT = "docs/img/fd_scaling.png"


def best_time(fn, repeats):
    """Smallest wall time of fn() over repeats calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def one_call_time(f, params, budget=0.5):
    """Wall time of one f(params) call: the mean over a block of calls lasting about budget s
    (long enough to see the same machine state as a check of comparable length)."""
    start = time.perf_counter()
    f(params)
    single = max(time.perf_counter() - start, 1e-7)
    block = max(1, int(budget / single))
    start = time.perf_counter()
    for _ in range(block):
        f(params)
    return (time.perf_counter() - start) / block


def minor_page_faults():
    """Minor page faults of this process so far (0 where the resource module is missing)."""
    try:
        import resource
    except ImportError:
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def measure(D, H, C, repeats):
    """One row: P, evaluations and times of both modes, one analytic call, their ratios."""
    params, X, y = problems.toy_problem(N, D, H, C, 0)
    f = lambda p: net.loss(p, X, y, 0.1)  # noqa: E731
    P = sum(v.size for v in params.values())
    full_repeats = repeats if P < 5000 else (min(repeats, 2) if P < 10000 else 1)
    before = one_call_time(f, params)  # timed just before and just after the full check,
    faults = minor_page_faults()
    full_time, full = best_time(lambda: gradcheck.check_gradients(f, params), full_repeats)
    faults = (minor_page_faults() - faults) // full_repeats
    analytic = min(before, one_call_time(f, params))  # so a busy spell hits both alike
    directional_time, directional = best_time(lambda: gradcheck.directional_check(f, params), repeats * 5)
    if not (full.passed and directional.passed):
        raise RuntimeError("the reference network failed its check at D, H, C = %d, %d, %d" % (D, H, C))
    return {
        "sizes": (N, D, H, C), "P": P,
        "full_evaluations": full.evaluations, "full_time": full_time, "page_faults": faults,
        "directional_evaluations": directional.evaluations, "directional_time": directional_time,
        "analytic_time": analytic,
        "ratio": full_time / analytic,
    }


def slope(rows, key):
    """Slope of log(rows[key]) against log(P), by np.polyfit of degree 1."""
    P = np.array([r["P"] for r in rows], dtype=float)
    t = np.array([r[key] for r in rows], dtype=float)
    return float(np.polyfit(np.log(P), np.log(t), 1)[0])


def table(rows):
    lines = [
        "| N, D, H, C | P | full check: evaluations | full check (s) | page faults in the full check "
        "| directional: evaluations | directional (s) | one loss + backward (s) "
        "| full check / one loss + backward | 2P + 1 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append("| %s | %d | %d | %.4g | %d | %d | %.3g | %.3g | %.3g | %d |" % (
            ", ".join(map(str, r["sizes"])), r["P"], r["full_evaluations"], r["full_time"], r["page_faults"],
            r["directional_evaluations"], r["directional_time"], r["analytic_time"], r["ratio"],
            2 * r["P"] + 1))
    return "\n".join(lines)


def plot(rows, path, slopes):
    """Draw the log-log figure to path (matplotlib required)."""
    from katas.learner import plots
    from katas.learner.plots import pyplot

    plt = pyplot()
    P = np.array([r["P"] for r in rows], dtype=float)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.4))
    for key, label, marker in (("full_time", "full check (2P + 1 evaluations)", "o-"),
                               ("directional_time", "directional check (9 evaluations)", "s-"),
                               ("analytic_time", "one loss + backward", "^-")):
        left.loglog(P, [r[key] for r in rows], marker, label="%s, slope %.2f" % (label, slopes[key]))
    for r in rows:
        if r["page_faults"] > r["full_evaluations"]:
            left.annotate("%.1e page faults" % r["page_faults"], (r["P"], r["full_time"]),
                          textcoords="offset points", xytext=(-12, -40), ha="right", fontsize=7,
                          arrowprops={"arrowstyle": "->", "linewidth": 0.6})
    left.set_xlabel("P (parameter entries)")
    left.set_ylabel("wall time (s)")
    left.set_title("Cost of checking, by number of parameters")
    left.grid(True, which="major", alpha=0.3)
    left.legend(fontsize=8, loc="upper left")
    right.loglog(P, [r["ratio"] for r in rows], "o-", label="measured: full check / one backward")
    right.loglog(P, 2 * P + 1, "k--", label="2P + 1 (evaluations of the loss)")
    right.set_xlabel("P (parameter entries)")
    right.set_ylabel("ratio")
    right.set_title("One finite-difference gradient, in backward passes")
    right.grid(True, which="major", alpha=0.3)
    right.legend(fontsize=8)
    fig.tight_layout()
    return plots.save(fig, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="repeats per timing (default 3)")
    parser.add_argument("--plot", nargs="?", const=DEFAULT_PLOT, default=None, metavar="PATH",
                        help="write the log-log figure (default path %s)" % DEFAULT_PLOT)
    args = parser.parse_args(argv)
    rows = []
    for D, H, C in SIZES:
        rows.append(measure(D, H, C, args.repeats))
        print("measured P = %d" % rows[-1]["P"], file=sys.stderr)
    keys = ("full_time", "directional_time", "analytic_time")
    slopes = {key: slope(rows, key) for key in keys}
    # Rows where the allocator did not fault on every evaluation: the arithmetic alone.
    quiet = [r for r in rows if r["page_faults"] <= r["full_evaluations"]]
    quiet_slopes = {key: slope(quiet, key) for key in keys} if len(quiet) >= 2 else None
    print(table(rows))
    print()
    print("fitted slope of log(time) against log(P), np.polyfit:")
    print()
    print("| mode | all sizes, P = %d .. %d | sizes with at most 1 page fault per evaluation, P = %d .. %d |" % (
        rows[0]["P"], rows[-1]["P"], quiet[0]["P"] if quiet else 0, quiet[-1]["P"] if quiet else 0))
    print("|---|---|---|")
    for key, label in zip(keys, ("full check", "directional check", "one loss + backward"), strict=True):
        print("| %s | %.2f | %s |" % (label, slopes[key], "%.2f" % quiet_slopes[key] if quiet_slopes else "-"))
    if args.plot is not None:
        from katas.learner.plots import MatplotlibMissing

        try:
            print("\nwrote %s" % plot(rows, args.plot, slopes))
        except MatplotlibMissing as missing:
            print("\ndid not draw the figure: %s" % missing)
    return 0


if __name__ == "__main__":
    sys.exit(main())
