"""The numeric checks the diagnoser judges with: partial gradient checks, factors, equality.

What it is for: partial_check (a gradient check along seeded random directions, or at chosen
entries, as PartialReport of PartialParam), and the comparisons every module shares: close,
differs (beyond rounding), same_bits, consistent_factor and common_factor (one factor explains a
mismatch), factor_tracking (how a factor moves with N), coefficient (delta as a multiple of a basis).
What it is not for: the full entry-by-entry check with its table (reference/gradcheck.py).
"""
from typing import Dict, List, Optional, Sequence, Tuple, Union, cast

import numpy as np
from numpy.typing import ArrayLike

from reference import gradcheck
from reference.diagnose.vocabulary import FACTOR_RTOL, REFERENCE_RTOL, THRESHOLD

# The directional check looks along this many seeded random directions per parameter (2 calls each).
DIRECTIONS = 2


class PartialParam(object):
    """A gradient check of one parameter on a few numbers: directional derivatives or chosen entries.

    Has the attributes the reader uses of gradcheck.ParamReport: analytic, numeric (1-D, one
    value per direction or entry), rel_errors, max_rel_error, ratio_median, ratio_spread, passed;
    directions: the unit directions checked, or None for chosen entries.
    """

    def __init__(self, analytic: ArrayLike, numeric: ArrayLike, resolution: Union[float, np.ndarray],
                 directions: Optional[List[np.ndarray]] = None) -> None:
        self.analytic = np.asarray(analytic, dtype=np.float64)
        self.numeric = np.asarray(numeric, dtype=np.float64)
        self.directions = directions
        self.entries: Optional[List[Tuple[int, ...]]] = None  # the indices checked, for chosen entries
        self.rel_errors = gradcheck.rel_error(self.analytic, self.numeric)
        self.max_rel_error = float(self.rel_errors.max()) if self.rel_errors.size else 0.0
        failed = gradcheck.failing_entries(self.analytic, self.numeric, THRESHOLD, resolution, self.rel_errors)
        self.passed = not failed.any()
        self.ratio_median, self.ratio_spread = gradcheck.ratio_summary(self.analytic, self.numeric)


class PartialReport(object):
    """A partial check: params maps name -> PartialParam; passed when all passed."""

    def __init__(self, params: Dict[str, PartialParam]) -> None:
        self.params = params
        self.passed = all(p.passed for p in params.values())
        self.max_rel_error = max(p.max_rel_error for p in params.values()) if params else 0.0


def partial_check(f: gradcheck.LossFunction, params: gradcheck.Params, loss0: float, grads: Dict[str, np.ndarray],
                  mode: Union[str, Sequence[Tuple[str, Tuple[int, ...]]]], seed: int) -> PartialReport:
    """Check f's grads along seeded random directions per parameter, or at chosen entries.

    Perturbs params through gradcheck.losses_at (restored bit for bit). mode is "directional"
    or a list of (name, index) entries.
    """
    eps = gradcheck.EPS
    noise = gradcheck.resolution(loss0, eps)
    changes: List[gradcheck.Change] = []
    # plan: (name, analytic, rounding) per pair of changes
    plan: List[Tuple[str, float, float, Optional[np.ndarray]]] = []
    if mode == "directional":
        rng = np.random.default_rng(seed)
        for name, array in params.items():
            precision = gradcheck.value_precision(grads[name])
            for _ in range(DIRECTIONS):
                v = rng.standard_normal(array.shape)
                v /= np.sqrt(np.sum(v * v))
                plan.append((name, float(np.sum(grads[name] * v)), precision * float(np.sum(np.abs(grads[name] * v))),
                             v))
                changes += [((name, Ellipsis, array + eps * v),), ((name, Ellipsis, array - eps * v),)]
    else:
        assert not isinstance(mode, str), mode  # "directional" is the only mode given by name
        for name, index in mode:
            array = params[name]
            flat_index = int(np.ravel_multi_index(index, array.shape))
            analytic = float(grads[name][index])
            plan.append((name, analytic, gradcheck.value_precision(grads[name]) * abs(analytic), None))
            changes += [((name, flat_index, array[index] + eps),), ((name, flat_index, array[index] - eps),)]
    values = gradcheck.losses_at(f, params, changes)
    numerics = [(values[2 * k] - values[2 * k + 1]) / (2 * eps) for k in range(len(plan))]
    refine(f, params, plan, changes, numerics, noise)
    by_name: Dict[str, List[Tuple[float, float, float, Optional[np.ndarray]]]] = {}
    for (name, analytic, rounding, direction), numeric in zip(plan, numerics):
        by_name.setdefault(name, []).append((analytic, numeric, rounding, direction))
    results = {}
    for name, rows in by_name.items():
        analytics, numerics, roundings, directions = zip(*rows)
        results[name] = PartialParam(analytics, numerics, noise + np.array(roundings),
                                     list(directions) if mode == "directional" else None)
        if not isinstance(mode, str):
            results[name].entries = [tuple(index) for n, index in mode if n == name]
    return PartialReport(results)


def refine(f: gradcheck.LossFunction, params: gradcheck.Params,
           plan: Sequence[Tuple[str, float, float, Optional[np.ndarray]]], changes: Sequence[gradcheck.Change],
           numerics: List[float], noise: float) -> None:
    """A small miss checked again at eps / REFINE_FACTOR, as gradcheck.check_gradients does: numerics[k]
    replaced by the finer estimate where it clears the miss as truncation error (gradcheck.refined)."""
    eps, factor = gradcheck.EPS, gradcheck.REFINE_FACTOR
    near = []
    for k, (_, analytic, rounding, _) in enumerate(plan):
        error = float(gradcheck.rel_error(analytic, numerics[k]))
        if THRESHOLD < error < gradcheck.REFINE_BELOW and abs(analytic - numerics[k]) > noise + rounding:
            near.append(k)
    if not near:
        return
    finer = []
    for k in near:
        for change in changes[2 * k: 2 * k + 2]:
            (name, where, value), = change
            base = params[name] if where is Ellipsis else params[name].reshape(-1)[where]
            finer.append(((name, where, base + (value - base) / factor),))
    values = gradcheck.losses_at(f, params, finer)
    for j, k in enumerate(near):
        estimate = (values[2 * j] - values[2 * j + 1]) / (2 * eps / factor)
        analytic, rounding = plan[k][1], plan[k][2]
        if gradcheck.refined(analytic, numerics[k], estimate, THRESHOLD, noise + rounding, factor):
            numerics[k] = estimate


def close(a: float, b: float, rtol: float) -> bool:
    return abs(a - b) <= rtol * max(1.0, abs(a), abs(b))


def differs(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two gradient arrays differ beyond rounding."""
    scale = max(float(np.abs(b).max()) if b.size else 0.0, 1e-300)
    return bool(np.any(np.abs(a - b) > REFERENCE_RTOL * (np.abs(a) + np.abs(b)) + 1e-12 * scale))


def same_bits(a: ArrayLike, b: np.ndarray) -> bool:
    a = np.asarray(a)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def consistent_factor(param_report: Union[gradcheck.ParamReport, PartialParam]) -> Optional[float]:
    """analytic / numeric if it is the same for every entry that matters, else None."""
    median, spread = param_report.ratio_median, param_report.ratio_spread
    if not np.isfinite(median) or not np.isfinite(spread) or median == 0:
        return None
    if spread > FACTOR_RTOL * abs(median):
        return None
    usable = param_report.numeric == 0
    if np.any(param_report.analytic[usable] != 0):
        return None
    return median


def common_factor(factors: Sequence[Optional[float]]) -> Optional[float]:
    if not factors or any(f is None for f in factors):
        return None
    known = cast(Sequence[float], factors)  # none of them is None, as checked above
    first = known[0]
    if all(close(f, first, FACTOR_RTOL) for f in known):
        return float(first)
    return None


def factor_tracking(factor: float, n_here: int, other_factor: float, n_there: int) -> Optional[str]:
    """How a factor moves between two batch sizes: "N", "1/N", "constant" or None."""
    if close(factor / other_factor, n_here / float(n_there), FACTOR_RTOL):
        return "N"
    if close(factor / other_factor, n_there / float(n_here), FACTOR_RTOL):
        return "1/N"
    if close(factor, other_factor, FACTOR_RTOL):
        return "constant"
    return None


def coefficient(delta: ArrayLike, basis: ArrayLike) -> Optional[float]:
    """k with delta == k * basis entry by entry (to FACTOR_RTOL), 0.0 when delta is 0, else None."""
    delta = np.asarray(delta, dtype=np.float64)
    basis = np.asarray(basis, dtype=np.float64)
    scale = float(np.abs(basis).max()) if basis.size else 0.0
    if scale == 0.0:
        return None
    if float(np.abs(delta).max()) <= 1e-12 * scale:
        return 0.0
    usable = np.abs(basis) > 1e-6 * scale
    ratios = delta[usable] / basis[usable]
    k = float(np.median(ratios))
    if float(np.abs(delta - k * basis).max()) <= FACTOR_RTOL * max(abs(k) * scale, 1e-300):
        return k
    return None
