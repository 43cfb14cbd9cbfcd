"""Reading the loss: its value against the reference's, and what the stress probe's large logits show.

What it is for: functions of the Reader (each takes it first) that read the loss under every probe
(loss_mismatch, or a note when the gradients disagree too), a stress probe that is not finite (and
why, from the milder logit patterns), and gradients that go wrong only at large logits.
What it is not for: gradient patterns (read_gradients.py) or the penalty (read_regularization.py).
"""
from typing import TYPE_CHECKING

import numpy as np

from reference import gradcheck
from reference.diagnose.evidence import Evidence
from reference.diagnose.plan import STRESS_LOGIT, STRESS_OFFSET
from reference.diagnose.read_regularization import penalty_clause, penalty_gradient_clause
from reference.diagnose.results import Probe
from reference.diagnose.vocabulary import THRESHOLD

if TYPE_CHECKING:  # reader.py imports this module
    from reference.diagnose.reader import Reader


def read_losses(reader: "Reader") -> None:
    """The loss value against the reference's, probe by probe (the first difference is read).

    A loss that differs while the gradients agree with it is loss_mismatch: no gradient
    check can see it. When the gradients disagree too, the gradient pattern is the finding
    and the wrong loss is noted as evidence.
    """
    base = reader.probes["base"]
    base_consistent = base.report is not None and not base.fd_mismatch()
    for name in ("base", "batch", "dead", "stress", "square", "reg"):
        probe = reader.probes.get(name)
        if probe is None or not probe.loss_differs:
            continue
        consistent = base_consistent if name == "stress" else (
            probe.report is not None and not probe.fd_mismatch())
        if consistent:
            reader.add("loss_mismatch", [], loss_sentence(reader, probe, "consistent"))
        else:
            reading = "gradients equal the reference's" if not probe.reference_mismatch else "forward wrong too"
            reader.note(loss_sentence(reader, probe, reading))
            if name == "reg":  # read_regularization may say the penalty itself, in a finding
                reader.reg_loss_note = (reader.ranked[-1], loss_sentence(reader, probe, reading, penalty=False))
        break
    stress = reader.probes.get("stress")
    base_clean = base.report is not None and not base.fd_mismatch() and not base.reference_mismatch
    if (stress is not None and stress.reference_mismatch and not stress.nonfinite and base_clean
            and not stress.loss_differs):
        params = reader.ordered(stress.reference_mismatch)
        ev = Evidence("stress_gradients", "stress")
        ev.body = "%s: finite, but the gradients of %s differ from the reference's at logits near %s" % (
            ev.where(stress), ev.q("params", ", ".join(params), None), ev.q("stress_logit", STRESS_LOGIT, "%g"))
        reader.add(reader.pattern(params), params, ev)


def loss_sentence(reader: "Reader", probe: Probe, reading: str, penalty: bool = True) -> Evidence:
    """The loss against the reference's at one probe, and what the gradients say about it."""
    assert probe.loss is not None  # a loss that differs from the reference's
    ev = Evidence("loss_value", probe.name)
    ev.values["reading"] = reading
    ratio = probe.loss / probe.reference_loss if probe.reference_loss else float("nan")
    head = "%s: loss %s but the reference gives %s (ratio %s)" % (
        ev.where(probe), ev.q("loss", probe.loss, "%.10g"), ev.q("reference_loss", probe.reference_loss, "%.10g"),
        ev.q("ratio", ratio, "%.6g"))
    clause = penalty_clause(reader, probe, ev) if probe.name == "reg" and penalty else ""
    if reading == "consistent":
        if probe.name == "stress":
            tail = stress_loss_tail(probe, reader.probes["base"], ev)
        elif clause:
            tail = "; only with reg > 0: %s; %s, so they agree with this loss (%s) and a gradient check alone " \
                   "passes" % (clause, penalty_gradient_clause(reader, probe, ev),
                               agreement(probe, ev, "max_rel_error"))
        else:
            where = ("only with reg > 0: the penalty is wrong in the loss and in its gradient alike"
                     if probe.name == "reg" else "the forward pass computes a different function")
            tail = "; the gradients agree with this loss (%s), so a gradient check alone passes: %s" % (
                agreement(probe, ev, "max_rel_error"), where)
    elif reading == "gradients equal the reference's":
        tail = "; the gradients equal the reference's, so the loss value is the culprit: fix the forward pass " \
               "(the loss) to match them" + ("; %s" % clause if clause else "")
    else:
        tail = ": the forward pass is wrong too; fix it first" + ("; %s" % clause if clause else "")
    ev.body = head + tail
    return ev


def stress_loss_tail(probe: Probe, base: Probe, ev: Evidence) -> str:
    """Whether the gradients follow the loss at the stress logits: measured there, not assumed."""
    at_base = agreement(base, ev, "base.max_rel_error")
    own = probe.report
    if own is None:
        ev.values["stress_check"] = "not checked"
        return ("; the gradients agree with this loss at the base probe (%s) and could not be "
                "checked at these logits: the forward pass computes a different function at large logits" % at_base)
    if own.passed:
        ev.values["stress_check"] = "agrees"
        return ("; the gradients agree with this loss at these logits too (%s; at the base probe %s), so a "
                "gradient check alone passes: the forward pass computes a different function at large logits" % (
                    agreement(probe, ev, "max_rel_error"), at_base))
    here = ev.q("max_rel_error", own.max_rel_error, "%.2g")
    if not probe.reference_mismatch:
        ev.values["stress_check"] = "disagrees, equals the reference's"
        return ("; the gradients agree with this loss at the base probe (%s) but not at these "
                "logits (max rel error %s), where they equal the reference's: at large logits the loss goes "
                "wrong and its gradient does not" % (at_base, here))
    ev.values["stress_check"] = "disagrees, differs from the reference's"
    return ("; the gradients agree with this loss at the base probe (%s) but at these logits "
            "neither with it (max rel error %s) nor with the reference's: the forward pass computes a different "
            "function at large logits" % (at_base, here))


def agreement(probe: Probe, ev: Evidence, name: str) -> str:
    """'max rel error X' for a check that passed, and when entries above THRESHOLD passed only
    because they are within the central difference's round-off resolution, how far they are off."""
    report = probe.report
    assert report is not None and probe.loss is not None  # a probe whose gradients were checked
    shown = "max rel error %s" % ev.q(name, report.max_rel_error, "%.2g")
    loose = [np.abs(p.analytic - p.numeric)[np.asarray(p.rel_errors) > THRESHOLD] for p in report.params.values()]
    loose = [float(d.max()) for d in loose if d.size]
    if not report.passed or not loose:
        return shown
    resolution = float(gradcheck.resolution(probe.loss, gradcheck.EPS))
    return "%s, on entries that differ by at most %s, within the round-off resolution %s of the central " \
           "difference at this loss" % (shown, ev.q(name + ".abs", max(loose), "%.2g"),
                                        ev.q(name + ".resolution", resolution, "%.2g"))


def stress_nonfinite(probe: Probe) -> Evidence:
    """nan or inf under large logits, and what the milder logit patterns say about why."""
    ev = Evidence("nonfinite_stress", probe.name)
    names = list(probe.nonfinite)
    head = "%s: nan or inf in %s" % (ev.where(probe), ev.q("nonfinite", ", ".join(names), None))
    if names == ["loss"]:
        head += " (the loss is %s; the gradients are finite)" % ev.q("loss", probe.returned_loss, "%g")
    elif "loss" not in names:
        head += " (the loss is finite)"
    levels = {level.name: level for level in probe.levels}
    if not all(n in levels for n in ("stress", "offset", "rows_apart", "mild")):
        ev.values["cause"] = None
        ev.body = "%s, under logits near %s" % (head, ev.q("stress_logit", STRESS_LOGIT, "%g"))
        return ev
    stress, offset, apart, mild = levels["stress"], levels["offset"], levels["rows_apart"], levels["mild"]
    shifted = ev.q("offset", STRESS_OFFSET, "%g")
    if offset.failed:
        ev.values["cause"] = "overflow"
        ev.body = ("%s. Already with every logit shifted by +%s and spreads inside a row of at most %s, which a "
                   "softmax shifted by each row's max computes exactly, %s: exp overflows (it is inf above "
                   "about 709.78), so the scores reach exp without their row's max subtracted" % (
                       head, shifted, ev.q("offset.spread", offset.spread, "%.3g"),
                       ev.q("offset.failed", offset.what_failed(), None)))
        return ev
    apart_shown = ev.q("rows_apart", apart.rows_apart, "%.4g")
    if apart.failed:
        ev.values["cause"] = "shared_shift"
        ev.body = ("%s. With every logit shifted by +%s all is finite, so the scores are shifted before exp; but "
                   "with the row maxima %s apart and spreads inside a row of at most %s, %s: the shift is not "
                   "each row's own max (one max for the whole batch, or one over the wrong axis), and a row far "
                   "below it underflows to all zeros (exp is 0 below about -745) before a division or a log" % (
                       head, shifted, apart_shown, ev.q("rows_apart.spread", apart.spread, "%.3g"),
                       ev.q("rows_apart.failed", apart.what_failed(), None)))
        return ev
    finite = "With every logit shifted by +%s, with the row maxima %s apart" % (shifted, apart_shown)
    if mild.failed:
        ev.values["cause"] = "mild_spread"
        ev.body = ("%s. %s, all is finite; but already at spreads inside a row up to %s, %s: the softmax "
                   "mishandles differences of a few hundred inside a row" % (
                       head, finite, ev.q("mild.spread", mild.spread, "%.4g"),
                       ev.q("mild.failed", mild.what_failed(), None)))
    elif names == ["loss"] and probe.returned_loss == float("inf"):
        ev.values["cause"] = "underflow"
        ev.body = ("%s. %s, and with spreads inside a row up to %s (the true class at most %s below its row's "
                   "max), all is finite: large logits as such are handled row by row. At the stress logits the "
                   "true class sits up to %s below its row's max, where exp underflows to 0 (below about -745); "
                   "with only the loss inf, that 0 is the true class's probability reaching the log. Take the "
                   "log-softmax, shifted - log(sum(exp(shifted))), instead of the log of the probability" % (
                       head, finite, ev.q("mild.spread", mild.spread, "%.4g"), ev.q("mild.gap", mild.gap, "%.4g"),
                       ev.q("stress.gap", stress.gap, "%.5g")))
    else:
        ev.values["cause"] = "spread"
        ev.body = ("%s. %s, and with spreads inside a row up to %s, all is finite; at the stress logits, with "
                   "spreads inside a row up to %s, it is not: the failure needs large differences inside a row, "
                   "where exp overflows above about 709 (a shift other than the row's max) or underflows to 0 "
                   "below about -745 before a division or a log" % (
                       head, finite, ev.q("mild.spread", mild.spread, "%.4g"),
                       ev.q("stress.spread", stress.spread, "%.5g")))
    return ev
