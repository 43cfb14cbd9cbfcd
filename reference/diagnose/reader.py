"""The Reader: the probes' results read into findings, the verdict by precedence, the evidence.

What it is for: Reader(diagnoser).verdict() reads every probe (here: errors, structure, shapes,
inputs changed in place, nan or inf; the loss, the gradients and the reg probe in the read_*
modules), ranks the findings by PRECEDENCE, and returns the Diagnosis with one Evidence record
per sentence.
What it is not for: running probes (probes.py) or deciding numbers (checks.py).
"""
import re
from typing import TYPE_CHECKING, Dict, Hashable, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from reference.diagnose.evidence import Evidence
from reference.diagnose.plan import STRESS_LOGIT
from reference.diagnose.read_gradients import read_dx, read_gradients
from reference.diagnose.read_losses import read_losses, stress_nonfinite
from reference.diagnose.read_regularization import read_regularization
from reference.diagnose.results import Diagnosis, Probe
from reference.diagnose.vocabulary import PRECEDENCE

if TYPE_CHECKING:  # probes.py imports this module
    from reference.diagnose.probes import _Diagnoser

SHAPE_MESSAGE = re.compile(
    r"shape|broadcast|align|dimension|operand|size \d+ is different|cannot reshape|"
    r"boolean index did not match",
    re.IGNORECASE,
)


class Reader(object):
    """Reads the probes' results into findings, a verdict and one Evidence record per sentence.

    The functions of read_losses.py, read_gradients.py and read_regularization.py take the Reader
    first and record through add() and note(); factor and factor_tracks are the verdict's, set by
    the gradient readers; other_batch (read_gradients.tracking) and reg_loss_note (read_losses, for
    read_regularization) are what one reading leaves for another.
    """

    def __init__(self, diagnoser: "_Diagnoser") -> None:
        self.d = diagnoser
        self.names = diagnoser.names
        self.network = diagnoser.network
        self.conventions = diagnoser.conventions
        # the gradients that decide uniform_scale and mixed: every one not zero in exact arithmetic
        self.judged = [n for n in self.names if n not in self.network.exact_zero]
        self.probes = diagnoser.probes
        self.ranked: List[Tuple[int, Evidence]] = []  # (rank, Evidence)
        self.repeats: Dict[Hashable, Evidence] = {}  # repeat key -> the Evidence first recorded under it
        self.findings: List[Tuple[str, Tuple[str, ...]]] = []  # (signature, params)
        self.factor: Optional[float] = None
        self.factor_tracks: Optional[str] = None
        self.other_batch: Optional[Tuple[int, int, float]] = None
        self.other_length: Optional[Tuple[str, int, int, float]] = None  # (T, T here, T there, factor there)
        # (the reg probe's loss note as ranked, the same without its penalty clause)
        self.reg_loss_note: Tuple[Optional[Tuple[int, Evidence]], Optional[Evidence]] = (None, None)

    def add(self, signature: str, params: Iterable[str], evidence: Evidence, repeat_key: Optional[Hashable] = None,
            probe: Optional[str] = None) -> None:
        """Record a finding. A repeat (same repeat_key) under another probe is only named."""
        if repeat_key is not None:
            if repeat_key in self.repeats:
                assert probe is not None  # a repeat is named by its probe
                self.repeats[repeat_key].also.append(probe)
                return
            self.repeats[repeat_key] = evidence
        self.findings.append((signature, tuple(params)))
        self.ranked.append((PRECEDENCE.index(signature), evidence))

    def note(self, evidence: Evidence) -> None:
        """Evidence that supports a finding without being one; listed after the findings."""
        self.ranked.append((len(PRECEDENCE), evidence))

    def final_records(self) -> List[Evidence]:
        return [evidence for _, evidence in sorted(self.ranked, key=lambda r: r[0])]

    def ordered(self, params: Iterable[str]) -> List[str]:
        return [n for n in self.names + ["X"] if n in params]

    def verdict(self) -> Diagnosis:
        narrow: Dict[str, str] = {}
        for probe in self.probes.values():
            narrow.update(probe.narrow)
        if narrow:
            ev = Evidence("precision")
            ev.body = ("grads %s came back as %s: each entry is judged at the precision of its type (float32 keeps "
                       "about 7 significant digits), so the check stays exact about bugs but cannot see errors below "
                       "that; the kata computes in float64 throughout" % (
                           ev.q("params", ", ".join(self.ordered(narrow)), None),
                           ev.q("dtypes", ", ".join(sorted(set(narrow.values()))), None)))
            self.note(ev)
        for probe in self.probes.values():
            self.read_errors(probe)
        for probe in self.probes.values():
            self.read_integrity(probe)
        read_losses(self)
        read_gradients(self)
        read_regularization(self)
        read_dx(self)
        if not self.findings:
            self.note(self.all_passed())
            records = self.final_records()
            return Diagnosis("ok", (), None, None, [r.text for r in records], [], self.probes, records)
        rank = {s: i for i, s in enumerate(PRECEDENCE)}
        signature, params = min(self.findings, key=lambda f: rank[f[0]])
        factor = self.factor if signature in ("uniform_scale", "localized") else None
        tracks = self.factor_tracks if factor is not None else None
        ordered_findings = sorted(self.findings, key=lambda f: rank[f[0]])
        records = self.final_records()
        return Diagnosis(signature, params, factor, tracks, [r.text for r in records], ordered_findings,
                         self.probes, records)

    def all_passed(self) -> Evidence:
        ev = Evidence("ok")
        errors = ", ".join("%s %s" % (name, ev.q("max_rel_error." + name, self.judged_error(probe), "%.1e"))
                           for name, probe in self.probes.items() if probe.report is not None)
        ev.body = ("every probe passed (max rel error per probe: %s); the loss equals the reference's under every "
                   "probe, including logits near %s; inputs untouched%s" % (
                       errors, ev.q("stress_logit", STRESS_LOGIT, "%g"), self.dx_clause(ev)))
        return ev

    def judged_error(self, probe: Probe) -> float:
        """A probe's max rel error over the gradients that are not zero in exact arithmetic (round-off
        against round-off, batch norm's db1 passes with a relative error near 1 that says nothing)."""
        assert probe.report is not None
        judged = [p.max_rel_error for n, p in probe.report.params.items() if n not in self.network.exact_zero]
        return max(judged) if judged else probe.report.max_rel_error

    def dx_clause(self, ev: Evidence) -> str:
        """How dX was judged, for the all-passed sentence."""
        probe = self.probes.get("dX")
        support = getattr(self.d, "dx_support", None)
        if probe is not None and probe.report is not None and probe.dx is not None:
            ev.values["dx"] = "checked"
            same = "" if probe.dx.reference_dX is None else (
                " and differs from the reference's" if probe.reference_mismatch else " and equals the reference's")
            ev.values["dx_reference"] = None if probe.dx.reference_dX is None else not probe.reference_mismatch
            return ("; with return_dX=True the loss and grads are those of the plain call, and dX agrees with the "
                    "loss along X%s" % same)
        if support is None:
            ev.values["dx"] = "no return_dX"
            return "; dX not judged: the function has no return_dX parameter"
        if probe is not None and probe.dx is not None and probe.dx.ignored:
            ev.values["dx"] = "ignored"
            return "; dX not judged: it takes return_dX only through **kwargs and returns (loss, grads) anyway"
        ev.values["dx"] = "not checked"
        return "; dX not checked"

    def pattern(self, params: Sequence[str]) -> str:
        """The signature of a set of wrong gradients that share no factor: all of them, or some."""
        return "mixed" if set(self.judged) <= set(params) else "localized"

    # -- crash, shapes, structure -----------------------------------------------------
    def read_errors(self, probe: Probe) -> None:
        only_dx = (": only with return_dX=True; the same call without it runs (reg probe)"
                   if probe.name == "dX" else "")
        if probe.error is not None:
            kind, message, where = probe.error
            if kind == "FloatingPointError":
                ev = Evidence("fpe", probe.name)
                ev.body = ("%s: raised FloatingPointError (%s) %s: numpy was set to raise on overflow or invalid "
                           "values, and one occurred" % (
                               ev.where(probe), ev.q("message", message, None), ev.q("line", where, None)))
                self.add("nonfinite", (), ev, ("fpe", message), probe.name)
            elif SHAPE_MESSAGE.search(message) and kind in ("ValueError", "IndexError"):
                ev = Evidence("raised_shape", probe.name)
                if probe.name == "dX":
                    params = ["X"]
                else:
                    params = self.localize_by_square() if probe.name != "square" else []
                ev.body = "%s: raised %s: %s %s%s%s" % (
                    ev.where(probe), ev.q("exception", kind, None), ev.q("message", message, None),
                    ev.q("line", where, None), self.square_hint(params, ev), only_dx)
                self.add("shape_error", params, ev, ("shape raise", where), probe.name)
            else:
                ev = Evidence("raised", probe.name)
                ev.body = "%s: raised %s: %s %s%s" % (
                    ev.where(probe), ev.q("exception", kind, None), ev.q("message", message, None),
                    ev.q("line", where, None), only_dx)
                self.add("crash", (), ev, ("crash", kind, where), probe.name)
        if probe.structure is not None:
            ev = Evidence("structure", probe.name)
            ev.body = "%s: %s" % (ev.where(probe), ev.q("structure", probe.structure, None))
            self.add("crash", (), ev, ("structure", probe.structure), probe.name)
        if probe.shape_problems:
            ev = Evidence("shapes", probe.name)
            where = ev.where(probe)
            params, parts = [], []
            for name, got, expected in probe.shape_problems:
                got, expected = tuple(got), tuple(expected)
                if name == "loss":
                    parts.append("the loss has shape %s instead of being a scalar: the mean over the batch "
                                 "(or the sum over classes) is missing" % ev.q("shape.loss", got, None))
                elif name == "X":
                    params.append(name)
                    parts.append("with return_dX=True, dX has shape %s but X has shape %s%s" % (
                        ev.q("shape.X", got, None), ev.q("expected.X", expected, None),
                        dx_shape_hint(got, expected, probe.sizes)))
                else:
                    params.append(name)
                    parts.append("grads[%r] has shape %s but %s has shape %s%s" % (
                        name, ev.q("shape." + name, got, None), name, ev.q("expected." + name, expected, None),
                        shape_hint(got, expected, len(self.network.shapes(self.network.base)["X"]) == 2)))
            ev.body = "%s: %s" % (where, "; ".join(parts))
            self.add("shape_error", self.ordered(params) or self.localize_by_square(), ev,
                     ("shapes", tuple(params)), probe.name)

    def localize_by_square(self) -> List[str]:
        """With every width equal, which gradients are wrong (a transpose no longer crashes)."""
        square = self.probes.get("square")
        if square is None or square.report is None:
            return []
        return self.ordered(square.fd_mismatch())

    def square_hint(self, params: Sequence[str], ev: Evidence) -> str:
        square = self.probes.get("square")
        if not params or square is None or square.report is None or "X" in params:
            return ""
        parts = []
        for name in params:
            p = square.report.params[name]
            if p.analytic.ndim == 2 and np.allclose(p.analytic, p.numeric.T, rtol=1e-5, atol=1e-12):
                ev.values["square." + name] = "transpose"
                parts.append("d%s equals the transpose of the true gradient" % name)
            else:
                parts.append("d%s is off (max rel error %s)" % (name, ev.q("square." + name, p.max_rel_error, "%.2g")))
        return ". With every width equal (square probe) the call runs and %s: a product combines the wrong " \
               "arrays (factors in the wrong order, a missing transpose, or another layer's values)" % "; ".join(parts)

    # -- inputs changed in place, nan or inf -------------------------------------------
    def read_integrity(self, probe: Probe) -> None:
        if probe.mutated:
            ev = Evidence("mutated", probe.name)
            ev.body = ("%s: the call modified %s in place: a loss function must leave its inputs bit-identical "
                       "(copy before changing, or use out-of-place operations)" % (
                           ev.where(probe), ev.q("mutated", ", ".join(probe.mutated), None)))
            self.add("mutates_input", [n for n in probe.mutated if n in self.names], ev,
                     ("mutated", tuple(probe.mutated)), probe.name)
        if probe.nonfinite:
            params = [n for n in probe.nonfinite if n in self.names or n == "X"]
            if probe.name == "stress":
                ev = stress_nonfinite(probe)
            else:
                ev = Evidence("nonfinite", probe.name)
                shown = ", ".join("dX" if n == "X" else n for n in probe.nonfinite)
                ev.body = "%s: nan or inf in %s, at ordinary values" % (
                    ev.where(probe), ev.q("nonfinite", shown, None))
            self.add("nonfinite", params, ev, ("nonfinite", probe.name == "stress"), probe.name)


def shape_hint(got: Tuple[int, ...], expected: Tuple[int, ...], rows: bool = True) -> str:
    """Why a gradient might have the shape it has. rows: the network's arrays are (examples, units),
    so a bias gradient sums over axis 0; a network with more axes (a convolution's image, a
    recurrence's time) gets the hints that hold for any layer."""
    if not rows and len(expected) == 1 and len(got) >= 1:
        return " (summed over the wrong axes: a bias gradient sums over every axis but its own)"
    if len(got) == 2 and tuple(got) == tuple(expected)[::-1]:
        return " (its transpose: the product's factors are in the wrong order, e.g. G^T X instead of X^T G)"
    if len(expected) == 1 and len(got) == 2 and expected[0] in got:
        return " (a bias gradient sums over the batch rows to one value per unit: axis=0, no keepdims)"
    if len(got) == 0:
        return " (summed over every axis: a bias gradient sums over the rows only, axis=0)"
    if len(expected) == 1 and len(got) == 1:
        return " (summed over the wrong axis: a bias gradient sums over the rows, axis=0)"
    return ""


def dx_shape_hint(got: Tuple[int, ...], expected: Tuple[int, ...], sizes: Sequence[int]) -> str:
    """Why dX might have the shape it has."""
    if len(got) == 2 and tuple(got) == tuple(expected)[::-1]:
        return " (its transpose: the factors are in the wrong order, W1 dz1^T instead of dz1 W1^T)"
    if len(got) == 2 and got[0] == expected[0] and len(sizes) > 2 and got[1] == sizes[2]:
        return (" (N x H: layer 1's own width, so dz1 or dh1 itself, without the product with W1^T that makes "
                "dX = dz1 W1^T)")
    return ""
