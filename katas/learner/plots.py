"""Pictures of gradient checks: per-entry error heatmaps and the epsilon sweep.

What it is for: drawing a GradCheckReport as one heatmap per parameter (log10 of each entry's
relative error, kink-marked entries hatched apart, a shared colorbar with the 1e-7 / 1e-4 /
1e-2 bands) and measuring how the central difference's error depends on eps (the sweep's
rows are plain numbers, drawn only if asked).
What it is not for: computing the check itself (reference/gradcheck.py does that), or
anything the command line needs in order to print its tables: matplotlib is optional
(`python -m pip install matplotlib`), and without it only the drawing functions fail, with
MatplotlibMissing.
"""
from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np

from reference import gradcheck, net, problems

# By name, not `-e ".[plot]"`: that works only from the clone's root. The [plot] extra is this one
# package (tests/learner/test_plots.py keeps the two equal).
INSTALL_HINT = "python -m pip install matplotlib"
# Errors below this (including exact zeros) are drawn at this value on the log scale.
ERROR_FLOOR = 1e-16
BAND_EDGES = (1e-7, 1e-4, 1e-2)
# The sweep: eps from 1e-1 down to 1e-12, 23 values, two per decade.
SWEEP_EPS = tuple(float(e) for e in np.logspace(-1, -12, 23))


class MatplotlibMissing(RuntimeError):
    """Raised by the drawing functions when matplotlib cannot be imported."""

    def __init__(self, cause: BaseException | None = None) -> None:
        super().__init__("matplotlib is not installed%s; install it with: %s"
                         % (" (import failed: %s)" % cause if cause else "", INSTALL_HINT))


def pyplot() -> ModuleType:
    """matplotlib.pyplot with the file-only Agg backend, or MatplotlibMissing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise MatplotlibMissing(error) from None
    return plt


def short_band(error: float) -> str:
    """The band's name only: 'wrong', 'suspicious', 'acceptable near kinks only' or 'good'."""
    return gradcheck.band(error).split(":")[0]


def log_errors(rel_errors: np.ndarray) -> np.ndarray:
    """log10 of relative errors as a 2-D array, floored at ERROR_FLOOR; 1-D becomes one row."""
    errors = np.asarray(rel_errors, dtype=np.float64)
    if errors.ndim == 1:
        errors = errors.reshape(1, -1)  # (1, M): a bias is drawn as a single row
    elif errors.ndim != 2:
        errors = errors.reshape(errors.shape[0], -1)
    return np.log10(np.maximum(errors, ERROR_FLOOR))


def layout(names: Sequence[str]) -> tuple[dict[str, tuple[int, int]], int, int]:
    """Grid position (row, column) of each parameter: layer l's Wl above its bl when the names
    are W1, b1, ..., WL, bL; otherwise all in one row."""
    layered: dict[str, tuple[int, int]] = {}
    for name in names:
        if len(name) > 1 and name[0] in "Wb" and name[1:].isdigit():
            layered[name] = (0 if name[0] == "W" else 1, int(name[1:]) - 1)
    if len(layered) == len(names) and len(set(layered.values())) == len(names):
        return layered, 2, max(column for _, column in layered.values()) + 1
    return {name: (0, i) for i, name in enumerate(names)}, 1, len(names)


def save(fig: Any, path: str | os.PathLike[str]) -> Path:
    """Write fig as a PNG at path (creating its folder), close it, return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    pyplot().close(fig)
    return path


def report_from_entries(entries: dict[str, dict[str, Any]]) -> SimpleNamespace:
    """An object heatmaps() can draw, from the per-entry data a sandboxed check brings back."""
    params = {}
    for name, data in entries.items():
        shape = tuple(data["shape"])
        errors = np.array([np.inf if e is None or isinstance(e, str) else e for e in data["rel_errors"]],
                          dtype=np.float64).reshape(shape)
        params[name] = SimpleNamespace(
            name=name, shape=shape, rel_errors=errors, kinks=np.array(data["kinks"], dtype=bool).reshape(shape),
            max_rel_error=float(errors.max()) if errors.size else 0.0, passed=data["passed"],
            threshold=data["threshold"])
    return SimpleNamespace(params=params)


def heatmaps(report: gradcheck.GradCheckReport | SimpleNamespace, path: str | os.PathLike[str],
             title: str) -> Path:
    """Draw one heatmap per parameter of report (a GradCheckReport) to the PNG at path.

    Colour is log10 of the per-entry relative error (1-D parameters as a single row);
    kink-marked entries are hatched and outlined in red, apart from the others; the colorbar
    is shared and marks the 1e-7 / 1e-4 / 1e-2 band edges.
    Returns the path written. Raises MatplotlibMissing without matplotlib.
    """
    plt = pyplot()
    from matplotlib.patches import Patch, Rectangle

    names = list(report.params)
    positions, rows, columns = layout(names)
    values = {name: log_errors(report.params[name].rel_errors) for name in names}
    widths = [max([values[n].shape[1] for n in names if positions[n][1] == c] + [1]) for c in range(columns)]
    heights = [max([values[n].shape[0] for n in names if positions[n][0] == r] + [1]) for r in range(rows)]
    fig = plt.figure(figsize=(min(2.0 + 0.55 * sum(widths) + 1.2 * columns, 18.0),
                              min(1.6 + 0.5 * sum(heights) + 1.0 * rows, 12.0)), layout="constrained")
    grid = fig.add_gridspec(rows, columns, width_ratios=widths, height_ratios=heights)
    low, high = math.log10(ERROR_FLOOR), 0.0
    image = None
    kinks_drawn = 0
    axes = []
    for name in names:
        param = report.params[name]
        ax = fig.add_subplot(grid[positions[name]])
        axes.append(ax)
        image = ax.imshow(values[name], cmap="viridis", vmin=low, vmax=high, aspect="equal",
                          interpolation="nearest")
        kinks = np.asarray(param.kinks).reshape(values[name].shape)
        for row, col in zip(*np.nonzero(kinks)):
            ax.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, hatch="xxx",
                                   edgecolor="red", linewidth=1.5))
            kinks_drawn += 1
        shape = "x".join(str(s) for s in param.shape)
        ax.set_title("%s (%s): max %.1e\n%s" % (name, shape, param.max_rel_error, gradcheck.verdict(param)),
                     fontsize=8)
        ax.set_xticks(range(values[name].shape[1]))
        ax.set_yticks(range(values[name].shape[0]))
        ax.tick_params(labelsize=7)
    colorbar = fig.colorbar(image, ax=axes, shrink=0.95, aspect=25)
    colorbar.set_ticks([low, -12, -7, -4, -2, 0])
    colorbar.set_ticklabels(["0 or <= 1e-16", "1e-12", "1e-7", "1e-4", "1e-2", "1"], fontsize=7)
    edges = (low,) + tuple(math.log10(e) for e in BAND_EDGES) + (high,)
    for bottom, top, name in zip(edges, edges[1:], ("good", "near kinks only", "suspicious", "wrong")):
        if bottom > low:
            colorbar.ax.axhline(bottom, color="white", linewidth=2)
        colorbar.ax.text(-0.6, (bottom + top) / 2, name, rotation=90, ha="center", va="center",
                         fontsize=7, transform=colorbar.ax.get_yaxis_transform())
    colorbar.set_label("relative error |a - n| / (|a| + |n|), log scale", fontsize=8)
    if kinks_drawn:
        fig.legend(handles=[Patch(facecolor="none", edgecolor="red", hatch="xxx",
                                  label="on a ReLU kink: one-sided slopes, reported apart (%d)" % kinks_drawn)],
                   loc="outside lower center", fontsize=8, frameon=False)
    fig.suptitle(title, fontsize=10)
    return save(fig, path)


def eps_sweep(seed: int = 0, eps_values: Iterable[float] = SWEEP_EPS, sizes: tuple[int, int, int, int] = (8, 5, 6, 3),
              reg: float = 0.0) -> list[tuple[float, float, float, str]]:
    """Relative error of the reference gradient against central differences, for each eps.

    On problems.toy_problem(*sizes, seed), with net.loss at reg, through
    gradcheck.check_gradients at each eps. Returns rows
    (eps, max rel error, median rel error, band of the max) over every entry of every
    parameter, kinks included: large eps pays truncation error (about eps^2 f''' / 6, and
    kinks crossed), small eps pays round-off (about u |L| / eps).
    """
    params, X, y = problems.toy_problem(*sizes, seed)
    rows = []
    for eps in eps_values:
        report = gradcheck.check_gradients(lambda p: net.loss(p, X, y, reg), params, eps=eps)
        errors = np.concatenate([p.rel_errors.reshape(-1) for p in report.params.values()])
        worst = float(errors.max())
        rows.append((float(eps), worst, float(np.median(errors)), short_band(worst)))
    return rows


def sweep_table(rows: Sequence[tuple[float, float, float, str]]) -> str:
    """The sweep's rows as a markdown table."""
    lines = ["| eps | max rel error | median rel error | band of the max |", "|---|---|---|---|"]
    for eps, worst, median, band in rows:
        lines.append("| %.1e | %.2e | %.2e | %s |" % (eps, worst, median, band))
    return "\n".join(lines)


def draw_sweep(rows: Sequence[tuple[float, float, float, str]], path: str | os.PathLike[str],
               title: str = "Central difference vs analytic gradient, by eps") -> Path:
    """Draw the sweep (max and median relative error against eps, log-log) to the PNG at path.

    Returns the path written. Raises MatplotlibMissing without matplotlib.
    """
    plt = pyplot()
    eps = np.array([r[0] for r in rows])
    worst = np.array([r[1] for r in rows])
    median = np.array([r[2] for r in rows])
    fig, ax = plt.subplots(figsize=(7.0, 4.6))
    spans = ((ERROR_FLOOR, 1e-7, "#d9f0d3", "good"), (1e-7, 1e-4, "#fff7bc", "near kinks only"),
             (1e-4, 1e-2, "#fdd0a2", "suspicious"), (1e-2, 1.0, "#fcbba1", "wrong"))
    for low, high, colour, label in spans:
        ax.axhspan(low, high, color=colour, alpha=0.6, linewidth=0)
        ax.text(eps.max() * 1.3, math.sqrt(low * high) if low > ERROR_FLOOR else 1e-14, label,
                fontsize=8, va="center")
    ax.loglog(eps, np.maximum(worst, ERROR_FLOOR), "o-", color="black", label="max over entries")
    ax.loglog(eps, np.maximum(median, ERROR_FLOOR), "s--", color="tab:blue", markersize=4,
              label="median over entries")
    ax.axvline(gradcheck.EPS, color="grey", linestyle=":", label="eps = 1e-5 (the checker's)")
    ax.set_xlabel("eps (central difference step)")
    ax.set_ylabel("relative error |a - n| / (|a| + |n|)")
    ax.set_ylim(ERROR_FLOOR, 2.0)
    ax.set_xlim(eps.min() / 2, eps.max() * 20)
    ax.invert_xaxis()
    ax.set_title(title + "\n<- truncation error (eps large)          round-off (eps small) ->", fontsize=10)
    ax.legend(loc="lower center", fontsize=8)
    fig.tight_layout()
    return save(fig, path)


def draw(what: str, drawing: Callable[[], Path], out: Callable[[str], object] = print) -> Path | None:
    """Call drawing() -> path and say where it wrote, or how to install matplotlib."""
    try:
        path = drawing()
    except MatplotlibMissing as missing:
        out("did not draw %s: %s" % (what, missing))
        return None
    out("wrote %s to %s" % (what, path))
    return path
