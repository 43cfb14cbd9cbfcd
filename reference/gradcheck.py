"""Gradient checking by central finite differences, for any f(params) -> (loss, grads).

What it is for: comparing analytic gradients with numerical ones, one entry at a time,
reporting per parameter the worst entry, both values, their ratio and the relative error,
and marking entries that sit on a kink (where left and right slopes disagree) apart.
What it is not for: training (a full check costs 2P + 1 loss evaluations for P entries).

The relative error is |a - n| / (|a| + |n|), defined as 0 when both are 0 and never floored.
Bands (cs231n): above 1e-2 the gradient is probably wrong, 1e-4 to 1e-2 is suspicious,
1e-7 to 1e-4 is acceptable only near kinks, below 1e-7 is good. In float64 with eps = 1e-5
an entry fails when its relative error exceeds PASS_THRESHOLD = 1e-7 and its absolute
difference exceeds the round-off resolution of the central difference itself,
ROUNDOFF_ULPS * u * max(|L|, 1) / eps (u = 2.2e-16, about 1.8e-10 for a loss near 1): below
that, the numeric value carries no more digits to compare, whatever the relative error says.
"""
import math
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike

# params, and grads: parameter name -> float64 array.
Params = Dict[str, np.ndarray]
# f(params) -> (loss, grads): the function a check judges, a black box (its loss is anything
# float() takes; grads are validated by validate_grads).
LossFunction = Callable[[Params], Tuple[Any, ...]]
# An entry of a parameter: an int into its flat array, or Ellipsis for the whole array ("ellipsis"
# is type(Ellipsis) as type checkers name it; types.EllipsisType is Python 3.10).
Index = Union[int, "ellipsis"]  # noqa: F821
# One change of losses_at: (name, index, value) triples applied at once, value a number or an
# array of the parameter's shape.
Change = Tuple[Tuple[str, Index, Any], ...]

EPS = 1e-5
PASS_THRESHOLD = 1e-7
BANDS = (
    (1e-2, "wrong: above 1e-2 the gradient is almost certainly wrong"),
    (1e-4, "suspicious: 1e-4 to 1e-2, wrong unless the loss has kinks there"),
    (1e-7, "acceptable near kinks only: 1e-7 to 1e-4"),
    (0.0, "good: below 1e-7 (float64, central differences)"),
)
# An entry is "on a kink" when one jump between neighbouring one-sided slopes is this many
# times larger than the others (a smooth function changes its slope evenly).
KINK_JUMP_RATIO = 100.0
LOG_C_TOLERANCE = 0.01
ROUNDOFF_ULPS = 8.0
UNIT_ROUNDOFF = float(np.finfo(np.float64).eps)  # u = 2.2e-16, the spacing of float64 numbers at 1
LARGEST = float(np.finfo(np.float64).max)  # the largest finite float64

# The refusals' wording, named here at module level (mutmut mutates only function bodies, and a
# test cannot judge a message's wording): tests/reference/test_gradcheck_properties.py checks that
# each names the parameter, the type or dtype it got, and what to do.
NOT_A_DICT = "params must be a non-empty dict of name -> float64 array, got %r"
NOT_AN_ARRAY = "params[%r] is %s, not a NumPy array"
NOT_FLOAT64 = (
    "params[%r] has dtype %s: the checker needs float64. With eps = 1e-5 a central difference in "
    "float32 is dominated by round-off (about 1e-7 relative per evaluation, divided by 2e-5); "
    "cast with params[%r].astype(np.float64)."
)
READ_ONLY = "params[%r] is read-only: the checker perturbs entries in place"
GRADS_NOT_A_DICT = "grads must be a dict like params, got %s"
GRADS_KEYS = "grads keys differ from params: missing %s, unexpected %s"
GRADS_SHAPE = "grads[%r] has shape %s but params[%r] has shape %s: a gradient always has the shape of its parameter"
NOT_CONTIGUOUS = "parameter arrays must be contiguous so entries can be perturbed in place"


# An entry that fails by less than REFINE_BELOW is checked once more at eps / REFINE_FACTOR: the
# truncation error of a central difference falls as eps^2 (100-fold here) where a wrong gradient's
# does not, so a strongly curved loss (a normalization over few units) is not taken for a bug.
REFINE_BELOW = 1e-4
REFINE_FACTOR = 10.0


def resolution(loss_value: float, eps: float) -> float:
    """Absolute round-off resolution of a central difference of a loss near loss_value."""
    return ROUNDOFF_ULPS * UNIT_ROUNDOFF * max(abs(float(loss_value)), 1.0) / eps


def rel_error(analytic: ArrayLike, numeric: ArrayLike) -> np.ndarray:
    """Elementwise |a - n| / (|a| + |n|), with 0 where both are 0 and inf where either is nan or inf."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    num = np.abs(a - n)
    den = np.abs(a) + np.abs(n)
    out = np.zeros(np.broadcast(a, n).shape)
    finite = np.isfinite(a) & np.isfinite(n)
    usable = finite & (den > 0)
    out[usable] = num[usable] / den[usable]
    out[~finite] = np.inf  # nan or inf on either side never passes
    return out


def band(error: float) -> str:
    """The cs231n band a relative error falls in, as a sentence."""
    for low, text in BANDS:
        if error > low:
            return text
    return BANDS[-1][1]


def legend(threshold: float = PASS_THRESHOLD, eps: float = EPS) -> str:
    """The relative-error bands, one per line, for the foot of a report."""
    lines = ["relative error = |a - n| / (|a| + |n|), 0 when both are 0; at eps = %g an entry fails above %g"
             " unless |a - n| is within the round-off resolution of the difference" % (eps, threshold)]
    lines += ["  " + text for _, text in BANDS]
    return "\n".join(lines)


def validate_params(params: object) -> None:
    """Raise a clear error unless params is a non-empty dict of float64 arrays."""
    if not isinstance(params, dict) or not params:
        raise TypeError(NOT_A_DICT % type(params).__name__)
    for name, value in params.items():
        if not isinstance(value, np.ndarray):
            raise TypeError(NOT_AN_ARRAY % (name, type(value).__name__))
        if value.dtype != np.float64:
            raise TypeError(NOT_FLOAT64 % (name, value.dtype, name))
        if not value.flags.writeable:
            raise ValueError(READ_ONLY % name)


def validate_grads(params: Params, grads: object) -> None:
    """Raise a clear error unless grads has exactly the keys and shapes of params."""
    if not isinstance(grads, dict):
        raise TypeError(GRADS_NOT_A_DICT % type(grads).__name__)
    missing = [k for k in params if k not in grads]
    extra = [k for k in grads if k not in params]
    if missing or extra:
        raise KeyError(GRADS_KEYS % (missing, extra))
    for name in params:
        shape = np.shape(grads[name])
        if shape != params[name].shape:
            raise ValueError(GRADS_SHAPE % (name, shape, name, params[name].shape))


def _scalar(f: LossFunction, params: Params) -> float:
    """f's loss as a Python float."""
    return float(f(params)[0])


def _entry_views(array: np.ndarray) -> np.ndarray:
    """A flat view of array's entries that writes through (a C-contiguous reshape)."""
    flat = array.ravel()
    if not np.may_share_memory(flat, array):
        raise ValueError(NOT_CONTIGUOUS)
    return flat


BATCH = 64  # perturbed evaluations sent at once to a function that takes many (see losses_at)


def losses_at(f: LossFunction, params: Params, changes: Sequence[Change]) -> List[float]:
    """f's loss at params changed by each change in turn; params come back bit for bit.

    A change is a tuple of (name, index, value): entry index (an int into the flat array, or
    Ellipsis for the whole array) of params[name] set to value, all at once. This is the one
    place that perturbs parameters: each change is applied in place and undone in a finally
    (also when f raises). A function with a `many(params, changes) -> list of losses` method
    (one whose calls cost a round trip, as the sandbox's stand-in for a learner's loss) gets
    the changes themselves, up to BATCH at a time, and params are not touched at all.
    """
    many = getattr(f, "many", None)
    if many is not None:
        values = []
        for start in range(0, len(changes), BATCH):
            values += [float(v) for v in many(params, changes[start:start + BATCH])]
        return values
    values = []
    for change in changes:
        undo: List[Tuple[np.ndarray, Index, Any]] = []
        try:
            for name, index, value in change:
                array = params[name]
                if index is Ellipsis:
                    undo.append((array, Ellipsis, array.copy()))
                    array[...] = value
                else:
                    flat = _entry_views(array)
                    undo.append((flat, index, flat[index]))
                    flat[index] = value
            values.append(_scalar(f, params))
        finally:
            for target, index, old in reversed(undo):
                if index is Ellipsis:
                    np.copyto(target, old)
                else:
                    target[index] = old
    return values


class ParamReport(object):
    """The check of one parameter: per-entry values and the summary a reader needs.

    Attributes: name, shape; analytic, numeric, rel_errors, left, right (arrays of the
    parameter's shape); kinks (bool array: entry on a kink, reported apart); failed (bool
    array: entry beyond the threshold and the round-off resolution, not on a kink); max_rel_error
    and worst_index over the non-kink entries, analytic_at_worst, numeric_at_worst;
    ratio_median and ratio_spread (analytic / numeric over entries where the numeric
    gradient is not negligible; spread = max - min); passed.
    """

    def __init__(self, name: str, analytic: np.ndarray, numeric: np.ndarray, left: np.ndarray, right: np.ndarray,
                 kinks: np.ndarray, failed: np.ndarray, threshold: float) -> None:
        self.name = name
        self.shape = analytic.shape
        self.analytic = analytic
        self.numeric = numeric
        self.threshold = threshold
        self.left = left
        self.right = right
        self.kinks = kinks
        self.failed = failed
        self.rel_errors = rel_error(analytic, numeric)
        self.passed = not failed.any()
        judged = np.where(kinks, 0.0, self.rel_errors).ravel()
        self.worst_index: Tuple[Any, ...] = ()
        self.max_rel_error = self.analytic_at_worst = self.numeric_at_worst = 0.0  # no entries: nothing to report
        if judged.size:
            flat_worst = int(np.argmax(judged))
            self.worst_index = np.unravel_index(flat_worst, self.shape)
            self.max_rel_error = float(judged[flat_worst])
            self.analytic_at_worst = float(analytic.ravel()[flat_worst])
            self.numeric_at_worst = float(numeric.ravel()[flat_worst])
        self._ratios: Optional[Tuple[float, float]] = None

    @property
    def ratio_median(self) -> float:
        """Median of analytic / numeric over entries where the numeric value is not negligible."""
        return self._ratio_summary()[0]

    @property
    def ratio_spread(self) -> float:
        """max - min of analytic / numeric over the same entries."""
        return self._ratio_summary()[1]

    def _ratio_summary(self) -> Tuple[float, float]:
        if self._ratios is None:
            self._ratios = ratio_summary(self.analytic, self.numeric, self.kinks)
        return self._ratios

    @property
    def n_kinks(self) -> int:
        return int(self.kinks.sum())


def value_precision(value: ArrayLike) -> float:
    """The relative rounding of the float type value is stored in: 0 for float64 and wider.

    An analytic gradient returned as float32 is only known to about 1.2e-7 of itself, so an
    entry whose difference is within that rounding is as right as float32 can say.
    """
    dtype = np.asarray(value).dtype
    if dtype.kind == "f" and dtype.itemsize < 8:
        return float(np.finfo(dtype).eps)
    return 0.0


def refined(analytic: float, numeric: float, estimate: float, threshold: float, allowance: float,
            factor: float) -> bool:
    """Whether the estimate at eps / factor clears a small miss as the truncation error of a curved
    loss: it passes at its own (factor times larger) round-off allowance, and it moved toward the analytic
    value (truncation error falls as eps^2, 100-fold here). A wrong gradient's error stays where it was."""
    error = abs(analytic - estimate)
    passes = float(rel_error(analytic, estimate)) <= threshold or error <= allowance * factor
    return bool(passes and error < abs(analytic - numeric))


def failing_entries(analytic: np.ndarray, numeric: np.ndarray, threshold: float, resolution: Union[float, np.ndarray],
                    rel_errors: Optional[np.ndarray] = None) -> np.ndarray:
    """Entries whose relative error exceeds threshold by more than round-off can explain."""
    if rel_errors is None:
        rel_errors = rel_error(analytic, numeric)
    return (rel_errors > threshold) & ~(np.abs(analytic - numeric) <= resolution)


def ratio_summary(analytic: np.ndarray, numeric: np.ndarray, kinks: Optional[np.ndarray] = None) -> Tuple[float, float]:
    """Median and spread (max - min) of analytic / numeric where |numeric| is not negligible."""
    scale = float(np.abs(numeric).max(initial=0.0))
    usable = np.abs(numeric) > 1e-6 * scale  # none when every numeric value is 0
    if kinks is not None:
        usable &= ~kinks
    if not usable.any():
        return math.nan, math.nan
    ratios = analytic[usable] / numeric[usable]
    return float(np.median(ratios)), float(ratios.max() - ratios.min())


class GradCheckReport(object):
    """A whole check: one ParamReport per parameter, in params order.

    Attributes: params (dict name -> ParamReport), loss (f at the unperturbed point),
    eps, threshold, evaluations (calls of f made), passed (every parameter passed).
    """

    def __init__(self, params: Dict[str, ParamReport], loss: float, eps: float, threshold: float,
                 evaluations: int) -> None:
        self.params = params
        self.loss = loss
        self.eps = eps
        self.threshold = threshold
        self.evaluations = evaluations
        self.passed = all(p.passed for p in params.values())

    @property
    def max_rel_error(self) -> float:
        return max(p.max_rel_error for p in self.params.values())

    def failing(self) -> List[str]:
        """Names of the parameters that failed, in order."""
        return [name for name, p in self.params.items() if not p.passed]

    def table(self, with_legend: bool = True) -> str:
        """The report as a fixed-width table, with the legend of the bands unless with_legend=False."""
        return format_table(self, with_legend=with_legend)


def check_gradients(f: LossFunction, params: Params, eps: float = EPS, threshold: float = PASS_THRESHOLD,
                    kinks: bool = True) -> GradCheckReport:
    """Check f's analytic gradients against central differences, one entry at a time.

    Inputs: f(params) -> (loss, grads), a black box; params, a dict of float64 arrays,
    perturbed in place and always restored bit for bit (also when f raises).
    Returns a GradCheckReport. Costs 2P + 1 calls of f for P entries, plus 2 for each
    failing entry to decide whether it sits on a kink (kinks=False skips that, for problems
    built away from every kink).
    """
    validate_params(params)
    loss0, grads = f(params)
    loss0 = float(loss0)
    validate_grads(params, grads)
    # A gradient returned in a narrower float type is compared at its own precision too.
    precision = {name: value_precision(value) for name, value in grads.items()}
    # Keep the analytic values now: f may reuse its gradient buffers on the next calls.
    grads = {name: np.array(value, dtype=np.float64) for name, value in grads.items()}
    evaluations = 1
    noise = resolution(loss0, eps)
    reports = {}
    for name, array in params.items():
        flat = _entry_views(array)
        size = flat.size
        changes = []
        for i in range(size):
            changes += [((name, i, flat[i] + eps),), ((name, i, flat[i] - eps),)]
        values = np.array(losses_at(f, params, changes))
        plus, minus = values[0::2], values[1::2]
        evaluations += 2 * size
        numeric = (plus - minus) / (2.0 * eps)
        analytic = grads[name].ravel()
        on_kink = np.zeros(size, dtype=bool)
        errors = rel_error(analytic, numeric)
        # inf is clamped (inf * 0 would be nan): an infinite analytic value fails whatever its allowance
        allowance = noise + precision[name] * np.minimum(np.abs(analytic), LARGEST)
        failed = failing_entries(analytic, numeric, threshold, allowance)
        # not mutated: < or <= differ only at an error of exactly REFINE_BELOW, which no input reaches on purpose
        near = np.flatnonzero(failed & (errors < REFINE_BELOW)).tolist()  # pragma: no mutate
        if near:  # a small miss: truncation error of a curved loss, or a wrong gradient? eps / 10 tells
            fine = eps / REFINE_FACTOR
            steps = [((name, i, flat[i] + sign * fine),) for i in near for sign in (1.0, -1.0)]
            finer = np.array(losses_at(f, params, steps))
            evaluations += len(steps)
            for k, i in enumerate(near):
                estimate = (finer[2 * k] - finer[2 * k + 1]) / (2.0 * fine)
                if refined(analytic[i], numeric[i], estimate, threshold,
                           float(np.broadcast_to(allowance, (size,))[i]), REFINE_FACTOR):
                    numeric[i], failed[i] = estimate, False
        for i in np.flatnonzero(failed).tolist() if kinks else ():
            on_kink[i] = _on_kink(f, params, flat, int(i), eps, loss0, plus[i], minus[i], analytic[i])
            evaluations += 2
        failed &= ~on_kink
        shape = array.shape
        reports[name] = ParamReport(
            name,
            analytic.reshape(shape),
            numeric.reshape(shape),
            ((loss0 - minus) / eps).reshape(shape),
            ((plus - loss0) / eps).reshape(shape),
            on_kink.reshape(shape),
            failed.reshape(shape),
            threshold,
        )
    return GradCheckReport(reports, loss0, eps, threshold, evaluations)


def _on_kink(f: LossFunction, params: Params, flat: np.ndarray, i: int, eps: float, f0: float, fplus: float,
             fminus: float, analytic: float) -> bool:
    """Whether entry i sits on a kink that explains its mismatch.

    Takes the four one-sided slopes on [-2eps, -eps, 0, eps, 2eps]. A smooth function
    changes its slope evenly from one step to the next (by f'' * eps); a kink makes one or
    two of those changes jump. The entry is on a kink when the largest change is more than
    KINK_JUMP_RATIO times the smallest (and far above round-off), and the analytic value lies
    between the left and right slopes at the point: a one-sided derivative, as a kink allows.
    """
    old = flat[i]
    try:
        flat[i] = old + 2.0 * eps
        fplus2 = _scalar(f, params)
        flat[i] = old - 2.0 * eps
        fminus2 = _scalar(f, params)
    finally:
        flat[i] = old
    slopes = np.array([fminus - fminus2, f0 - fminus, fplus - f0, fplus2 - fplus]) / eps
    changes = np.abs(np.diff(slopes))
    # Not mutated: the round-off floor's constants are tuning choices, which a test could pin only by
    # pinning the numbers themselves; the tests check what the floor is for (no kink in a smooth loss).
    # pragma: no mutate start
    floor = 1e3 * 64.0 * UNIT_ROUNDOFF * max(abs(f0), abs(fplus2), abs(fminus2), 1e-300) / eps
    # pragma: no mutate end
    jump = changes.max()
    # not mutated: > or >= differ only at a jump of exactly 100 times the smallest change, or exactly the floor
    uneven = jump > KINK_JUMP_RATIO * changes.min()  # pragma: no mutate
    above_roundoff = jump > floor  # pragma: no mutate
    if not (uneven and above_roundoff):
        return False
    left, right = slopes[1], slopes[2]
    slack = changes.min() + floor
    low, high = min(left, right) - slack, max(left, right) + slack
    # not mutated: <= or < differ only at an analytic value exactly at an end, to the last bit
    return low <= analytic <= high  # pragma: no mutate


def directional_check(f: LossFunction, params: Params, n_directions: int = 4, seed: int = 0, eps: float = EPS,
                      threshold: float = PASS_THRESHOLD) -> "DirectionalReport":
    """Compare grads . v with a central difference along random unit directions v.

    Costs 2 evaluations per direction whatever the number of parameters: the fast mode for
    large problems. It checks the whole gradient at once, so it says whether something is
    wrong, not where. Returns a DirectionalReport; params are restored bit for bit.
    """
    validate_params(params)
    loss0, grads = f(params)
    validate_grads(params, grads)
    rng = np.random.default_rng(seed)
    analytic, changes = [], []
    for _ in range(n_directions):
        v = {name: rng.standard_normal(array.shape) for name, array in params.items()}
        norm = math.sqrt(sum(float(np.sum(d * d)) for d in v.values()))
        v = {name: d / norm for name, d in v.items()}
        analytic.append(sum(float(np.sum(np.asarray(grads[n]) * v[n])) for n in params))
        for sign in (1.0, -1.0):
            changes.append(tuple((name, Ellipsis, array + sign * eps * v[name]) for name, array in params.items()))
    values = np.array(losses_at(f, params, changes))
    numeric = (values[0::2] - values[1::2]) / (2.0 * eps)
    return DirectionalReport(np.array(analytic), numeric, float(loss0), threshold, eps)


class DirectionalReport(object):
    """Directional check: analytic and numeric derivative per direction, their errors.

    Attributes: analytic (grads . v per direction), numeric, rel_errors, max_rel_error, loss,
    threshold, eps, evaluations, passed.
    """

    def __init__(self, analytic: np.ndarray, numeric: np.ndarray, loss: float, threshold: float,
                 eps: float = EPS) -> None:
        self.analytic = analytic
        self.numeric = numeric
        self.threshold = threshold
        self.eps = eps
        self.loss = loss
        self.rel_errors = rel_error(analytic, numeric)
        self.max_rel_error = float(self.rel_errors.max())
        self.evaluations = 1 + 2 * len(analytic)
        self.passed = not failing_entries(analytic, numeric, threshold, resolution(loss, eps)).any()

    def table(self) -> str:
        """One row per direction, then the verdict with the worst error and the cost."""
        # Not mutated: column layout and wording, which no check can judge (a mutant adds "XX" or changes
        # case); the tests check each header, a row per direction and the verdict line.
        # pragma: no mutate start
        header = "%-9s %16s %16s %10s" % ("direction", "grads . v", "numeric", "rel error")
        row = "%-9d %16.8e %16.8e %10.2e"
        summary = "directional check: %s (max rel error %.2e, %d evaluations)"
        # pragma: no mutate end
        lines = [header]
        for i, (a, n, r) in enumerate(zip(self.analytic, self.numeric, self.rel_errors)):
            lines.append(row % (i, a, n, r))
        lines.append(summary % ("PASS" if self.passed else "FAIL", self.max_rel_error, self.evaluations))
        return "\n".join(lines)


def check_initial_loss(loss_value: float, num_classes: int,
                       tolerance: float = LOG_C_TOLERANCE) -> Tuple[bool, float, float]:
    """Sanity check: with tiny weights the softmax is near uniform, so the loss is near log C.

    Returns (passed, expected, difference). Use it with reg = 0 and weights of scale ~1e-3.
    """
    expected = math.log(num_classes)
    difference = float(loss_value) - expected
    return abs(difference) <= tolerance, expected, difference


def verdict(param_report: ParamReport) -> str:
    """'pass', 'pass (within round-off)' when the worst error is only round-off, or 'FAIL'."""
    if not param_report.passed:
        return "FAIL"
    if param_report.max_rel_error > param_report.threshold:
        return "pass (within round-off)"
    return "pass"


def format_table(report: GradCheckReport, with_legend: bool = True) -> str:
    """Per-parameter table: max rel error, worst entry, both values there, ratio, verdict.

    with_legend=False leaves out the legend of the relative-error bands, for a page that prints it once.
    """
    # Not mutated: column layout and wording, which no check can judge (a mutant adds "XX" or changes case);
    # the tests check each header, the shape, the worst entry's index, the kinks and the verdicts.
    # pragma: no mutate start
    header = "%-5s %-9s %10s %-9s %14s %14s %12s %10s %5s %s" % (
        "param", "shape", "max rel", "worst at", "analytic", "numeric", "ratio med", "spread",
        "kinks", "verdict")
    rule = "-" * len(header)
    row = "%-5s %-9s %10.2e %-9s %14.6e %14.6e %12.6g %10.2g %5d %s"
    kink_line = ("  kink: %s[%s] left slope %.6e, right slope %.6e, analytic %.6e "
                 "(one-sided: reported apart, not failed)")
    overall = "overall: %s (max rel error %.2e, eps %g, %d evaluations)"
    # pragma: no mutate end
    lines = [header, rule]
    for p in report.params.values():
        lines.append(row % (
            p.name, "x".join(str(s) for s in p.shape), p.max_rel_error,
            ",".join(str(int(i)) for i in p.worst_index), p.analytic_at_worst,
            p.numeric_at_worst, p.ratio_median, p.ratio_spread, p.n_kinks,
            verdict(p)))
    for p in report.params.values():
        for index in zip(*np.nonzero(p.kinks)):
            lines.append(kink_line % (
                p.name, ",".join(str(int(i)) for i in index), p.left[index], p.right[index], p.analytic[index]))
    lines.append(overall % (
        "PASS" if report.passed else "FAIL", report.max_rel_error, report.eps, report.evaluations))
    if with_legend:
        lines.append(legend(report.threshold, report.eps))
    return "\n".join(lines)
