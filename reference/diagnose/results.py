"""What a diagnosis holds: the Diagnosis, and the raw results of each probe it carries.

What it is for: the records the probes fill and the reader reads: Diagnosis (the verdict, its one
serializer to_dict, and its text for a terminal), Probe (one call or gradient check and what it
showed), StressLevel (one logit pattern of the stress probe), DeadUnits (the dead probe's reading
of one hidden layer), DxResult (what the dX probe measured).
What it is not for: running the probes (probes.py) or reading them (reader.py).
"""
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from reference.diagnose.checks import PartialReport, close
from reference.diagnose.evidence import Evidence
from reference.diagnose.plan import width_names
from reference.diagnose.vocabulary import LOSS_RTOL
from reference.gradcheck import GradCheckReport

# What a probe gave a function: params, X, y.
Problem = Tuple[Dict[str, np.ndarray], np.ndarray, np.ndarray]


class Diagnosis(object):
    """The verdict on one loss function.

    Attributes:
    - signature: one string of SIGNATURES, the most specific root cause.
    - params: tuple of implicated parameter names, in parameter order ("X" for dX).
    - factor: float or None; analytic / numeric when one factor explains the mismatch.
    - factor_tracks: None, "N", "1/N" or "constant": how the factor moves with the batch size;
      "T" or "1/T" for one that moves with the sequence length alone (the RNN's T).
    - evidence: list of sentences, each naming the probe and the numbers behind it.
    - findings: list of (signature, params) for every signature that applies, by precedence.
    - probes: dict probe name -> Probe, the raw results.
    - records: list of Evidence, one per evidence sentence (same order): the values each quotes.
    - seed: the probe seed (the same seed gives the same probes, sizes included).
    """

    def __init__(self, signature: str, params: Sequence[str], factor: Optional[float], factor_tracks: Optional[str],
                 evidence: List[str], findings: List[Tuple[str, Tuple[str, ...]]], probes: Dict[str, "Probe"],
                 records: Optional[List[Evidence]] = None) -> None:
        self.signature = signature
        self.params = tuple(params)
        self.factor = factor
        self.factor_tracks = factor_tracks
        self.conventions: Dict[str, str] = {}  # the course's conventions it was judged by (conventions.py)
        self.evidence = evidence
        self.findings = findings
        self.probes = probes
        self.records = records if records is not None else []
        self.seed: Optional[int] = None

    @property
    def ok(self) -> bool:
        return self.signature == "ok"

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-ready summary: the one serializer of a diagnosis (probes and records through their own)."""
        return {
            "signature": self.signature,
            "seed": self.seed,
            "params": list(self.params),
            "factor": self.factor,
            "factor_tracks": self.factor_tracks,
            "conventions": dict(self.conventions),
            "evidence": list(self.evidence),
            "findings": [{"signature": s, "params": list(p)} for s, p in self.findings],
            "probes": {name: probe.summary() for name, probe in self.probes.items()},
            "records": [record.to_dict() for record in self.records],
        }

    def text(self) -> str:
        """The verdict, the evidence and the table of the probe that shows the bug, for a terminal:
        the base probe's full check when it fails (or when nothing does), else the first failing
        probe's own table, so a red verdict never stands beside a table that says PASS alone."""
        head = "signature: %s" % self.signature
        if self.params:
            head += "  params: %s" % ", ".join(self.params)
        if self.factor is not None:
            head += "  factor: %.6g" % self.factor
            if self.factor_tracks:
                head += " (tracks %s)" % self.factor_tracks if self.factor_tracks != "constant" else " (constant)"
        lines = [head, "evidence:"] + ["  - " + e for e in self.evidence]
        base = self.probes.get("base")
        failing = [probe for probe in self.probes.values() if probe.failed and probe.table()]
        if failing and not self.ok and not (base is not None and base.failed and base.table()):
            shown = failing[0]
            lines += ["", "%s probe (%s), the first that fails:" % (shown.name, shown.describe()), shown.table()]
            return "\n".join(lines)
        for name in ("base", "square"):
            probe = self.probes.get(name)
            if (probe is not None and isinstance(probe.report, GradCheckReport)
                    and (name == "base" or not probe.report.passed)):
                lines += ["", "%s probe (%s):" % (name, probe.describe()), probe.report.table()]
        return "\n".join(lines)


class Probe(object):
    """One call (or gradient check) of loss_fn on one problem, and what it showed."""

    def __init__(self, name: str, sizes: Tuple[int, ...], reg: float, purpose: str,
                 size_names: Optional[Sequence[str]] = None) -> None:
        self.name = name
        self.sizes = tuple(sizes)
        # the names of the sizes, N first; None: the layered network's N, D, H..., C
        self.size_names = tuple(size_names) if size_names is not None else None
        self.reg = reg
        self.purpose = purpose
        self.call: Optional[str] = None  # the call as code, 'loss(params, X, y, reg=0.1)' (Caller.call_text)
        self.error: Optional[Tuple[str, str, str]] = None  # (kind, message, where) if the call raised
        self.structure: Optional[str] = None  # sentence if the return value is malformed
        # (param, got shape or None, expected shape)
        self.shape_problems: List[Tuple[str, Tuple[int, ...], Tuple[int, ...]]] = []
        self.mutated: List[str] = []  # names of inputs modified in place
        self.nonfinite: List[str] = []  # names among "loss", params with nan or inf
        self.loss: Optional[float] = None
        self.reference_loss: Optional[float] = None
        # GradCheckReport against the function's own loss
        self.report: Union[GradCheckReport, PartialReport, None] = None
        self.reference_mismatch: List[str] = []  # params whose gradient differs from the reference's
        # param -> dtype name, for gradients returned in a float type narrower than float64
        self.narrow: Dict[str, str] = {}
        self.problem: Optional[Problem] = None  # (params, X, y) the call was given (the diagnoser's own arrays)
        self.grads: Optional[Dict[str, np.ndarray]] = None  # the gradients it returned, float64 arrays
        self.returned_loss: Optional[float] = None  # the loss as returned, also when it is nan or inf
        self.dead_units: List[DeadUnits] = []  # dead probe: a DeadUnits per hidden layer
        self.levels: List[StressLevel] = []  # stress probe: StressLevel per logit pattern tried, when it is not finite
        # reg probe: (loss, grads) of the same call at reg = 0 passed explicitly
        self.zero: Optional[Tuple[float, Dict[str, np.ndarray]]] = None
        self.reg_part: Optional[PartialReport] = None  # reg probe: check of the change from reg = 0 to reg > 0
        self.dx: Optional[DxResult] = None  # dX probe: DxResult
        # steps probe: (t, whether the first weight's gradient differs from the reference's, max rel error)
        self.steps: List[Tuple[int, bool, float]] = []

    def sizes_text(self) -> str:
        """The problem's sizes by name: 'N=8, D=5, H=6, C=3'."""
        if self.size_names is not None and self.size_names[:2] != ("N", "D"):
            return ", ".join("%s=%d" % nv for nv in zip(self.size_names, self.sizes))
        N, D = self.sizes[0], self.sizes[1]
        widths = self.sizes[2:]
        return "N=%d, D=%d, %s" % (N, D, ", ".join("%s=%d" % (k, w) for k, w in zip(width_names(len(widths)), widths)))

    def describe(self) -> str:
        return "%s, reg=%g" % (self.sizes_text(), self.reg)

    @property
    def ran(self) -> bool:
        return self.error is None and self.structure is None and not self.shape_problems

    @property
    def loss_differs(self) -> bool:
        return self.loss is not None and self.reference_loss is not None and not close(
            self.loss, self.reference_loss, LOSS_RTOL)

    def fd_mismatch(self) -> List[str]:
        """Parameters whose analytic gradient disagrees with the function's own loss."""
        if self.report is None:
            return []
        return [name for name, p in self.report.params.items() if not p.passed]

    @property
    def failed(self) -> bool:
        """Whether this probe shows something wrong (the probe statuses of results.json read the same)."""
        return bool(self.error or self.structure or self.shape_problems or self.mutated or self.nonfinite
                    or self.reference_mismatch or self.fd_mismatch() or self.loss_differs)

    def table(self) -> str:
        """What this probe measured, as a table: its gradient check (full or partial), else the
        stress probe's logit patterns; "" when it has neither."""
        if isinstance(self.report, GradCheckReport):
            return self.report.table()
        if isinstance(self.report, PartialReport):
            return partial_table(self.report)
        if self.levels:
            return stress_table(self.levels)
        return ""

    def summary(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"purpose": self.purpose, "sizes": list(self.sizes), "sizes_text": self.sizes_text(),
                               "reg": self.reg}
        if self.call:
            out["call"] = self.call
        if self.error:
            out["error"] = "%s: %s (%s)" % self.error
        if self.structure:
            out["structure"] = self.structure
        if self.shape_problems:
            out["shapes"] = [[n, None if g is None else list(g), None if e is None else list(e)]
                             for n, g, e in self.shape_problems]
        if self.mutated:
            out["mutated"] = list(self.mutated)
        if self.nonfinite:
            out["nonfinite"] = list(self.nonfinite)
        if self.loss is not None:
            out["loss"] = self.loss
            out["reference_loss"] = self.reference_loss
        if self.report is not None:
            out["max_rel_error"] = {n: p.max_rel_error for n, p in self.report.params.items()}
            out["mismatch"] = self.fd_mismatch()
        if self.reference_mismatch:
            out["differs_from_reference"] = list(self.reference_mismatch)
        return out


def partial_table(report: PartialReport) -> str:
    """A partial check as a table: per parameter, the worst direction (or entry) checked, both
    values there, the ratio and the verdict."""
    header = "%-5s %-9s %10s %-9s %14s %14s %12s %10s %s" % (
        "param", "checked", "max rel", "worst at", "analytic", "numeric", "ratio med", "spread", "verdict")
    lines = [header, "-" * len(header)]
    directional = False
    for name, p in report.params.items():
        if not p.rel_errors.size:
            continue
        worst = int(np.argmax(p.rel_errors))
        directional = directional or p.directions is not None
        checked = "%d dir" % len(p.rel_errors) if p.directions is not None else "%d entries" % len(p.rel_errors)
        at = "dir %d" % worst if p.entries is None else ",".join(str(int(i)) for i in p.entries[worst])
        lines.append("%-5s %-9s %10.2e %-9s %14.6e %14.6e %12.6g %10.2g %s" % (
            name, checked, p.max_rel_error, at, p.analytic[worst], p.numeric[worst], p.ratio_median,
            p.ratio_spread, "pass" if p.passed else "FAIL"))
    lines.append("overall: %s (max rel error %.2e, %s against the probe's own loss)" % (
        "PASS" if report.passed else "FAIL", report.max_rel_error,
        "derivatives along random unit directions" if directional else "chosen entries"))
    return "\n".join(lines)


def stress_table(levels: Sequence["StressLevel"]) -> str:
    """The stress probe's logit patterns as a table: how large and how far apart the logits
    were, and what the call gave."""
    header = "%-10s %10s %11s %12s  %s" % ("logits", "max |z|", "rows apart", "row spread", "result")
    lines = [header, "-" * (len(header) + 20)]
    for level in levels:
        lines.append("%-10s %10.4g %11.4g %12.4g  %s" % (
            level.name, level.max_logit, level.rows_apart, level.spread,
            level.what_failed() if level.failed else "finite"))
    lines += ["  %s: %s" % (level.name, level.description) for level in levels]
    return "\n".join(lines)


class StressLevel(object):
    """One pattern of logits the stress probe tried: what the logits were, and what the call gave.

    params: the parameters called with; scores: their (N, C) logits (the reference's forward pass);
    max_logit, spread (largest max - min inside a row), gap (largest distance of the true class
    below its row's max), rows_apart (max - min of the row maxima); nonfinite, loss, error.
    """

    def __init__(self, name: str, description: str, scores: np.ndarray, y: np.ndarray,
                 params: Optional[Dict[str, np.ndarray]] = None) -> None:
        self.name = name
        self.description = description
        self.params = params
        self.scores = scores
        row_max = scores.max(axis=1)
        self.max_logit = float(np.abs(scores).max())
        self.spread = float((row_max - scores.min(axis=1)).max())
        self.gap = float((row_max - scores[np.arange(len(y)), y]).max())
        self.rows_apart = float(row_max.max() - row_max.min())
        self.nonfinite: List[str] = []
        self.loss: Optional[float] = None
        self.error: Optional[str] = None  # sentence when the call raised or returned something malformed

    @property
    def failed(self) -> bool:
        return bool(self.nonfinite) or self.error is not None

    def what_failed(self) -> str:
        if self.error is not None:
            return self.error
        if self.nonfinite == ["loss"] and self.loss is not None and np.isinf(self.loss):
            return "the loss is %g" % self.loss
        return "%s %s nan or inf" % (", ".join(self.nonfinite), "is" if len(self.nonfinite) == 1 else "are")


class DeadUnits(object):
    """The dead probe's reading of one layer's dead units: the largest |numeric| and |analytic|
    gradient along their weights (w_*: every entry but the killing bias's) and the killing biases
    (b_*), the largest pre-activation z there, and the round-off resolution of the central
    difference. layer: the hidden layer's number, or the layer's name; weights and biases: the
    parameters the entries belong to."""

    def __init__(self, layer: Union[int, str], units: List[int], w_numeric: float, w_analytic: float,
                 b_numeric: float, b_analytic: float, z_max: float, resolution: float,
                 weights: Sequence[str] = (), biases: Sequence[str] = ()) -> None:
        self.layer = layer
        self.units = units
        self.w_numeric = w_numeric
        self.w_analytic = w_analytic
        self.b_numeric = b_numeric
        self.b_analytic = b_analytic
        self.z_max = z_max
        self.resolution = resolution
        self.weights = list(weights)
        self.biases = list(biases)

    @property
    def numeric(self) -> float:
        return max(self.w_numeric, self.b_numeric)

    @property
    def analytic(self) -> float:
        return max(self.w_analytic, self.b_analytic)


class DxResult(object):
    """What the dX probe measured.

    support: "named" (a return_dX parameter), "kwargs" (only **kwargs) or None; ignored: True when
    a **kwargs function returned (loss, grads) anyway; dX and reference_dX (N, D) arrays; loss and
    grads with return_dX=True; plain_loss and plain_grads without it (the reg probe's call);
    loss_changed and changed (params whose gradient differs between the two calls); factor
    (analytic / numeric along every direction, confirmed entry by entry against the reference's dX
    when the loss is the reference's), reference_ratio (median, spread) of dX / reference_dX;
    batch: (N, factor or None) at the batch probe's size when there is a factor.
    """

    def __init__(self, support: Optional[str]) -> None:
        self.support = support
        self.ignored = False
        self.dX: Optional[np.ndarray] = None
        self.reference_dX: Optional[np.ndarray] = None
        self.loss: Optional[float] = None
        self.grads: Optional[Dict[str, np.ndarray]] = None
        self.plain_loss: Optional[float] = None
        self.plain_grads: Optional[Dict[str, np.ndarray]] = None
        self.loss_changed = False
        self.changed: List[str] = []
        self.factor: Optional[float] = None
        self.reference_ratio: Optional[Tuple[float, float]] = None
        self.batch: Optional[Tuple[int, Optional[float]]] = None
