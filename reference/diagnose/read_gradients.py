"""Reading the gradients: which are wrong at reg = 0, by what factor, where in the backward pass; and dX.

What it is for: functions of the Reader (each takes it first) that read the gradient checks at
reg = 0 into uniform_scale, localized or mixed (or loss_mismatch, when the gradients are the
reference's), how a factor moves with the batch size, what the dead probe says, and the dX probe.
What it is not for: the loss value (read_losses.py) or the reg probe (read_regularization.py).
"""
from typing import TYPE_CHECKING, List, Optional, Sequence, Tuple, Union

from reference import gradcheck
from reference.gradcheck import GradCheckReport
from reference.diagnose.checks import (PartialReport, close, coefficient, common_factor, consistent_factor,
                                       factor_tracking)
from reference.diagnose.evidence import Evidence, verb
from reference.diagnose.plan import DEAD_BIAS
from reference.diagnose.read_regularization import multiple_words
from reference.diagnose.results import DeadUnits, Probe
from reference.diagnose.vocabulary import FACTOR_RTOL, PRECEDENCE
from reference.networks.net import Layered

if TYPE_CHECKING:  # reader.py imports this module
    from reference.diagnose.reader import Reader


def read_gradients(reader: "Reader") -> None:
    """The first probe at reg = 0 with wrong gradients (base, batch, dead, square) read into its pattern."""
    for name in ("base", "batch", "dead", "square"):
        probe = reader.probes.get(name)
        if probe is None or probe.report is None:
            continue
        wrong = reader.ordered(probe.fd_mismatch())
        if not wrong:
            continue
        # The batch probe is the base problem with more examples: a gradient that is right
        # on the base batch by coincidence (a wrong label column whose class counts happen
        # to match) is wrong there, so the pattern does not depend on the draw.
        batch = reader.probes.get("batch")
        also = []
        if name == "base" and batch is not None and batch.report is not None:
            also = [n for n in reader.ordered(batch.fd_mismatch()) if n not in wrong]
        read_pattern(reader, probe, reader.ordered(wrong + also), also=(batch, also))
        read_steps(reader)
        dead = reader.probes.get("dead")
        if dead is not None:
            for units in dead.dead_units:
                ev = dead_units(dead, units)
                if ev is not None:
                    reader.note(ev)
        return


def read_steps(reader: "Reader") -> None:
    """Where in time the gradient first goes wrong (the steps probe), when it found a step."""
    probe = reader.probes.get("steps")
    if probe is None or not probe.steps or not probe.steps[-1][1]:
        return
    if not any(signature == "localized" for signature, _ in reader.findings):
        return  # every gradient is wrong: no one step is where it starts
    weight = reader.network.layers[0][1][0]
    first, _, error = probe.steps[-1]
    right = [t for t, wrong, _ in probe.steps if not wrong]
    ev = Evidence("steps", probe.name)
    ev.values.update(weight=weight, right=tuple(right))
    last = probe.steps[0][0]
    if right:
        before = "right for t = %s, " % (", ".join(str(t) for t in right))
    else:
        before = ""
    ev.body = ("steps probe: with the input at one step t only, d%s = x_t^T da_t is %swrong for t = %s (max rel error "
               "%s against the reference's): in backward order from t = %d, the gradient first goes wrong at step "
               "t = %s of the recurrence, in the gradient reaching its pre-activation (da_t)%s" % (
                   weight, before, ev.q("step", first, "%d"), ev.q("max_rel_error", error, "%.2g"), last,
                   ev.q("step", first, "%d"),
                   ": the later steps are right, so the error is in step t's own backward or in what comes back to "
                   "it from step t + 1 (dh_next through Wh^T and tanh')" if right else
                   ": already at the last step, where nothing comes back from a later one"))
    reader.note(ev)


def dead_units(probe: Probe, units: DeadUnits) -> Optional[Evidence]:
    """What the dead probe's numbers say, only where they say it."""
    layer = units.layer
    if not isinstance(layer, int):
        return dead_units_named(probe, units)
    if units.numeric <= units.resolution and units.analytic > units.resolution:
        ev = Evidence("dead", probe.name)
        ev.body = ("dead probe: units %s of hidden layer %d are dead on every example (z at most %s), so the loss "
                   "is flat along their weights W%d[:, j] and biases b%d[j] (numeric max |%s|), yet the analytic "
                   "gradient there reaches |%s|: gradient flows through units whose z <= 0" % (
                       units.units, layer, ev.q("z_max", units.z_max, "%.4g"), layer, layer,
                       ev.q("numeric", units.numeric, "%.2g"), ev.q("analytic", units.analytic, "%.3g")))
        ev.values.update(layer=layer, resolution=units.resolution)
        return ev
    if units.numeric > units.resolution and units.analytic > 0:
        ev = Evidence("not_dead", probe.name)
        body = ("dead probe: biases of %s kill units %s of hidden layer %d in the reference's network (z at most "
                "%s there), but this network's loss changes along their weights W%d[:, j] (numeric max |%s|): "
                "they are not dead here, and the dead-unit check does not apply to them" % (
                    ev.q("bias", DEAD_BIAS, "%g"), units.units, layer, ev.q("z_max", units.z_max, "%.4g"), layer,
                    ev.q("w_numeric", units.w_numeric, "%.2g")))
        if units.b_numeric <= units.resolution:
            body += ("; the loss does not change along b%d[j] (numeric max |%s|), so b%d does not reach their "
                     "pre-activation (z = h W%d with no + b%d)" % (
                         layer, ev.q("b_numeric", units.b_numeric, "%.2g"), layer, layer, layer))
        else:
            body += ("; the loss changes along b%d[j] too (numeric max |%s|), so b%d reaches their pre-activation "
                     "other than as z = h W%d + b%d (another sign or scale), or the activation is not flat below 0"
                     % (layer, ev.q("b_numeric", units.b_numeric, "%.2g"), layer, layer, layer))
        ev.body = body
        ev.values.update(layer=layer, resolution=units.resolution)
        return ev
    return None


def dead_units_named(probe: Probe, units: DeadUnits) -> Optional[Evidence]:
    """dead_units for a network whose layers have names: the entries named by their parameters."""
    along = ", ".join(units.weights + units.biases)
    if units.numeric <= units.resolution and units.analytic > units.resolution:
        ev = Evidence("dead", probe.name)
        ev.body = ("dead probe: units %s of %s are dead on every example (ReLU input at most %s), so the loss is "
                   "flat along their entries of %s (numeric max |%s|), yet the analytic gradient there reaches "
                   "|%s|: gradient flows through units whose ReLU input <= 0" % (
                       units.units, units.layer, ev.q("z_max", units.z_max, "%.4g"), along,
                       ev.q("numeric", units.numeric, "%.2g"), ev.q("analytic", units.analytic, "%.3g")))
        ev.values.update(layer=units.layer, resolution=units.resolution)
        return ev
    if units.numeric > units.resolution and units.analytic > 0:
        ev = Evidence("not_dead", probe.name)
        ev.body = ("dead probe: %s of %s kill units %s of %s in the reference's network (ReLU input at most %s "
                   "there), but this network's loss changes along their entries of %s (numeric max |%s|): they "
                   "are not dead here, and the dead-unit check does not apply to them" % (
                       ", ".join(units.biases), ev.q("bias", DEAD_BIAS, "%g"), units.units, units.layer,
                       ev.q("z_max", units.z_max, "%.4g"), along, ev.q("w_numeric", units.numeric, "%.2g")))
        ev.values.update(layer=units.layer, resolution=units.resolution)
        return ev
    return None


def read_pattern(reader: "Reader", probe: Probe, wrong: List[str],
                 also: Tuple[Optional[Probe], Sequence[str]] = (None, ())) -> None:
    """wrong: the parameters wrong under probe, plus those (also[1]) wrong only under also[0]."""
    report = probe.report
    assert report is not None  # the probe whose gradients were found wrong
    other, only_there = also

    def report_of(n: str) -> Union[GradCheckReport, PartialReport]:
        checked = other.report if other is not None and n in only_there else report
        assert checked is not None  # only_there is not empty only when other was checked
        return checked

    factors = {n: consistent_factor(report_of(n).params[n]) for n in wrong}
    only_at = {"only_at_batch": tuple(only_there)} if only_there else {}
    every = set(reader.judged) <= set(wrong)  # zero-in-exact-arithmetic gradients take no part
    common = common_factor([f for n, f in factors.items() if n in reader.judged or not every])
    if not probe.reference_mismatch:
        # The gradients are the reference's, so the gradient code is right, and they disagree
        # with the function's own loss: the loss is what is wrong (a forward-only change: a
        # clipped log, a temperature, a flipped sign, a sum for a mean), however large.
        ev = Evidence("loss_only", probe.name)
        how = ("by one common factor %s" % ev.q("factor", common, "%.6g") if common is not None
               else "with no common factor (max rel error %s)" % ev.q(
                   "max_rel_error", max(report_of(n).params[n].max_rel_error for n in wrong), "%.2g"))
        ev.body = ("%s: %s %s with the loss %s, yet %s the reference's gradients: the backward pass is right and "
                   "the loss it returns is not the function those gradients belong to; fix the forward pass" % (
                       ev.where(probe), ", ".join(wrong), verb(wrong, "disagrees", "disagree"), how,
                       verb(wrong, "equals", "equal")))
        ev.values["params"] = tuple(wrong)
        reader.add("loss_mismatch", [], ev)
        return
    if every and common is not None:
        kind = "uniform_scale"
    elif not every:
        kind = "localized"
    else:
        kind = "mixed"
    ev = Evidence(kind, probe.name)
    ev.values.update(only_at)
    where = ev.where(probe)
    table = ", ".join(
        ("%s x%s" % (n, ev.q("factor." + n, f, "%.6g")) if f is not None else
         "%s (no common factor, max rel error %s)" % (n, ev.q("max_rel_error." + n,
                                                              report_of(n).params[n].max_rel_error, "%.2g")))
        + (" at N=%d only" % other.sizes[0] if other is not None and n in only_there else "")
        for n, f in factors.items())
    if kind == "uniform_scale":
        assert common is not None  # uniform_scale is one common factor
        reader.factor = common
        reader.factor_tracks = tracking(reader, probe, common)
        tail = tracking_sentence(reader, common, ev)
        if not probe.reference_mismatch:
            ev.values["tracking"] = None
            tail = ("; the gradients themselves equal the reference's, so it is the loss that is off, by a "
                    "factor %s" % ev.q("loss_factor", 1.0 / common, "%.6g"))
        ev.body = "%s: every gradient is the true one times %s (%s)%s" % (
            where, ev.q("factor", common, "%.6g"), table, tail)
        reader.add("uniform_scale", wrong, ev)
    elif kind == "localized":
        tail = ""
        if common is not None:
            reader.factor = common
            reader.factor_tracks = tracking(reader, probe, common)
            ev.values["factor"] = common
            tail = tracking_sentence(reader, common, ev)
        right = [n for n in reader.names if n not in wrong and n in report.params]
        unchecked = [n for n in reader.names if n not in report.params]
        ev.values["right"] = tuple(right)
        agree = "%s %s" % (", ".join(right), verb(right, "agrees", "agree")) if right else ""
        if unchecked:  # a probe of chosen entries (dead units): say where the others were checked
            base = reader.probes["base"]
            at_base = [n for n in unchecked if base.report is not None and base.report.params[n].passed]
            ev.values["right_at_base"] = tuple(at_base)
            others = "%s, not checked here" % ", ".join(unchecked)
            if at_base == unchecked:
                others += ", %s at the base probe" % verb(unchecked, "agrees", "agree")
            elif at_base:
                others += "; %s %s at the base probe" % (", ".join(at_base), verb(at_base, "agrees", "agree"))
            agree = "%s; %s" % (agree, others) if agree else others
        ev.body = "%s: only %s %s with the loss (%s%s); %s. %s" % (
            where, ", ".join(wrong), verb(wrong, "disagrees", "disagree"), table, tail, agree,
            layer_sentence(reader, wrong))
        reader.add("localized", wrong, ev)
    else:
        ev.body = ("%s: every gradient disagrees, with no factor common to all (%s): the error enters at the top "
                   "of the backward pass (dscores) or in several places" % (where, table))
        reader.add("mixed", wrong, ev)


def tracking(reader: "Reader", probe: Probe, factor: float) -> Optional[str]:
    """How the factor moves between the base and batch probes: "N", "1/N", "constant" or None.

    Also keeps (N here, N there, factor there) for tracking_sentence.
    """
    reader.other_batch = None
    other = reader.probes.get("batch" if probe.name != "batch" else "base")
    if other is None or other.report is None:
        return None
    other_factor = probe_factor(other)
    if other_factor is None:
        return None
    reader.other_batch = (probe.sizes[0], other.sizes[0], other_factor)
    tracks = factor_tracking(factor, probe.sizes[0], other_factor, other.sizes[0])
    if tracks == "constant" and probe.name == "base":
        return length_tracking(reader, probe, factor) or tracks
    return tracks


def probe_factor(other: Probe) -> Optional[float]:
    """The one factor every wrong gradient of a checked probe shares (1.0 when none is wrong), or None."""
    assert other.report is not None  # the callers read only checked probes
    wrong = other.fd_mismatch()
    return common_factor([consistent_factor(other.report.params[n]) for n in wrong]) if wrong else 1.0


def length_tracking(reader: "Reader", probe: Probe, factor: float) -> Optional[str]:
    """"T" or "1/T" when a factor that is the same at both batch sizes moves with the sequence
    length (the length probe: the RNN's T changed alone); keeps reader.other_length for the sentence."""
    other = reader.probes.get("length")
    name = reader.network.second_length
    if other is None or other.report is None or name is None:
        return None
    at = reader.network.size_names.index(name)
    other_factor = probe_factor(other)
    if other_factor is None:
        return None
    tracks = factor_tracking(factor, probe.sizes[at], other_factor, other.sizes[at])
    if tracks not in ("N", "1/N"):
        return None
    reader.other_length = (name, probe.sizes[at], other.sizes[at], other_factor)
    return tracks.replace("N", name)


def tracking_sentence(reader: "Reader", factor: float, ev: Evidence, tracks: Union[str, None, bool] = False,
                      other_batch: Union[Tuple[int, int, float], None, bool] = False) -> str:
    """What the factor's behaviour across batch sizes says about its cause (the reader's own
    tracking unless tracks and other_batch are given)."""
    tracks = reader.factor_tracks if tracks is False else tracks
    other_batch = reader.other_batch if other_batch is False else other_batch
    ev.values["tracking"] = tracks
    length = reader.other_length
    if isinstance(tracks, str) and length is not None and tracks in (length[0], "1/" + length[0]):
        name, _, length_there, length_factor = length
        ev.values["other_length"] = length_there
        ev.values["other_factor"] = length_factor
        return ("; the same at another batch size, but at %s=%d it is %s: the factor follows the sequence length "
                "%s, so the code %s %s" % (
                    name, length_there, ev.q("other_factor", length_factor, "%.6g"), name,
                    "divides by" if tracks.startswith("1/") else "multiplies by",
                    "%s (a mean over time where the loss sums over it)" % name if tracks.startswith("1/")
                    else "%s (a sum over time applied twice)" % name))
    if not isinstance(other_batch, tuple):  # None: no other batch size to compare with
        return ""
    n_here, n_there, other = other_batch
    ev.values["other_N"] = n_there
    ev.values["other_factor"] = other
    there = "%d" % n_there
    if tracks in ("N", "1/N"):
        if close(other, 1.0, FACTOR_RTOL):
            if tracks == "N":
                return ("; at N=%s the gradients are right: the factor %s is %d/%s, so the code divides by a fixed "
                        "batch size (%s) instead of N" % (there, ev.q("factor", factor, "%.6g"), n_here, there, there))
            return ("; at N=%s the gradients are right: the factor %s is %s/%d, so the code multiplies by a fixed "
                    "batch size (%s) and divides by N" % (there, ev.q("factor", factor, "%.6g"), there, n_here, there))
        if tracks == "N" and close(factor, n_here, FACTOR_RTOL) and close(other, n_there, FACTOR_RTOL):
            return "; at N=%s it is %s: the factor is N itself, so a 1/N is missing" % (
                there, ev.q("other_factor", other, "%.6g"))
        if tracks == "1/N" and close(factor * n_here, 1.0, FACTOR_RTOL) and close(other * n_there, 1.0, FACTOR_RTOL):
            return "; at N=%s it is 1/%s: the factor is 1/N, so the 1/N is applied twice" % (there, there)
        return "; at N=%s it is %s: the factor is proportional to %s" % (
            there, ev.q("other_factor", other, "%.6g"), tracks)
    if tracks == "constant":
        hint = "a sign flip" if close(factor, -1.0, FACTOR_RTOL) else "a constant factor"
        return "; the same at N=%s: %s, not the batch averaging" % (there, hint)
    return "; at N=%s it is %s: no simple relation to the batch size" % (there, ev.q("other_factor", other, "%.6g"))


def layer_sentence(reader: "Reader", wrong: Sequence[str]) -> str:
    """Where in the backward pass a strict subset of wrong gradients points."""
    if not isinstance(reader.network, Layered):
        return named_layer_sentence(reader, wrong)
    depth = reader.network.depth
    layers = sorted({int(n[1:]) for n in wrong}, reverse=True)
    top = layers[0]
    kinds = {n[0] for n in wrong}
    below = ["%s%d" % (k, l) for l in range(1, top) for k in "Wb"]
    if len(wrong) == 1:
        return ("Only d%s is wrong and everything layer %d passes down is right: the bug is in the one line "
                "that forms d%s" % (wrong[0], top, wrong[0]))
    if kinds == {"W"} or kinds == {"b"}:
        which = "weight" if kinds == {"W"} else "bias"
        return ("Only %s gradients are wrong (%s) and every %s gradient is right: the error is in how d%s is "
                "formed from a layer's input and upstream gradient (a line the layers share, like "
                "affine_backward's), not in the gradient passed down" % (
                    which, ", ".join("d" + n for n in wrong), "bias" if which == "weight" else "weight",
                    "W" if which == "weight" else "b"))
    if all(n in wrong for n in below) and ("W%d" % top) in wrong and ("b%d" % top) in wrong:
        if top == depth:
            return "Every layer from the top down is wrong"
        if top == 1 and depth == 2:
            return ("Layer 2 is right, so dscores is right; the error enters between them: in dh1 = dscores "
                    "W2^T, the ReLU mask, or layer 1's affine backward")
        return ("In backward order the first wrong gradients are layer %d's and every layer below is wrong "
                "too: the gradient entering layer %d (layer %d's dX, or the ReLU backward between them) is "
                "wrong, while layer %d and above are right" % (top, top, top + 1, top + 1))
    return "The first wrong gradient in backward order is in layer %d" % top


def named_layer_sentence(reader: "Reader", wrong: Sequence[str]) -> str:
    """Where the gradient first goes wrong in backward order, by the network's names for its layers."""
    layers = list(reader.network.layers)[::-1]  # backward order
    first = next(i for i, (_, names) in enumerate(layers) if set(names) & set(wrong))
    name, params = layers[first]
    bad = [n for n in params if n in wrong]
    below = [n for _, names in layers[first + 1:] for n in names if n in reader.judged]
    above = [n for _, names in layers[:first] for n in names]
    text = "In backward order the gradient first goes wrong at %s (%s)" % (name, ", ".join("d" + n for n in bad))
    if above:
        text += ", while every gradient above it (%s) is right" % ", ".join("d" + n for n in above)
    if below and all(n in wrong for n in below):
        text += ("; everything below is wrong too, so the gradient %s passes down is wrong as well: the error "
                 "is in %s's backward" % (name, name))
    elif below and not any(n in wrong for n in below):
        text += "; everything below it is right: the error is in the line that forms %s" % (
            " and ".join("d" + n for n in bad))
    if len(bad) < len([n for n in params if n in reader.judged]):
        right = [n for n in params if n not in wrong and n in reader.judged]
        text += " (%s of the same layer %s right)" % (", ".join("d" + n for n in right), verb(right, "is", "are"))
    return text


# -- dX -----------------------------------------------------------------------------
def read_dx(reader: "Reader") -> None:
    """The dX probe: dX wrong on its own (localized in X), inherited from layer 1, or changed calls."""
    probe = reader.probes.get("dX")
    if probe is None or probe.dx is None:
        return
    dx = probe.dx
    if dx.grads is not None and (dx.loss_changed or dx.changed):
        read_dx_flag(reader, probe)
    if probe.report is None or probe.report.params["X"].passed:
        return
    check = probe.report.params["X"]
    layer1 = [n for n in reader.network.layers[0][1] if n in reader.judged]
    if reader.probes["base"].report is None:
        return  # layer 1 unchecked: whether dX's error is its own cannot be told
    wrong_below = [n for n in layer1 if any(
        n in other.fd_mismatch() for other in (reader.probes.get(k) for k in ("base", "batch", "dead", "square"))
        if other is not None)]
    if wrong_below:
        ev = Evidence("dx_inherited", probe.name)
        ev.values["layer1_wrong"] = tuple(wrong_below)
        ev.body = ("%s: dX disagrees with the loss as well (max rel error %s along X), as %s %s: %s inherits "
                   "the error in the gradient they are formed from" % (
                       ev.where(probe), ev.q("max_rel_error", check.max_rel_error, "%.2g"),
                       ", ".join("d" + n for n in wrong_below), verb(wrong_below, "does", "do"),
                       reader.network.dx_line.split(" (")[0]))
        reader.note(ev)
        return
    ev = Evidence("dx", probe.name)
    where = ev.where(probe)
    base = reader.probes["base"]
    assert base.report is not None  # checked above
    layer1_error = max(base.report.params[n].max_rel_error for n in layer1)
    if dx.factor is not None:
        what = "dX is the true dL/dX times %s along all %s directions checked" % (
            ev.q("factor", dx.factor, "%.6g"), ev.q("directions", len(check.analytic), "%d"))
        if dx.reference_ratio is not None:
            what += ", and entry by entry against the reference's dX"
        tracks, other_batch = None, None
        if dx.batch is not None and dx.batch[1] is not None:
            other_batch = (probe.sizes[0], dx.batch[0], dx.batch[1])
            tracks = factor_tracking(dx.factor, probe.sizes[0], dx.batch[1], dx.batch[0])
        ev.values["batch"] = dx.batch
        what += tracking_sentence(reader, dx.factor, ev, tracks, other_batch)
        if not [f for f in reader.findings if PRECEDENCE.index(f[0]) <= PRECEDENCE.index("localized")]:
            reader.factor, reader.factor_tracks = dx.factor, tracks
    else:
        what = "dX disagrees with the derivative of the loss along X (max rel error %s over %s random directions)" % (
            ev.q("max_rel_error", check.max_rel_error, "%.2g"), ev.q("directions", len(check.analytic), "%d"))
        if dx.reference_dX is not None and dx.dX is not None:
            what += " and differs from the reference's dX (max rel error %s)" % ev.q(
                "reference_rel_error", float(gradcheck.rel_error(dx.dX, dx.reference_dX).max()), "%.2g")
    if isinstance(reader.network, Layered):
        ev.body = ("%s: with return_dX=True, %s. Layer 1's gradients dW1, db1, formed from the same dz1, agree with "
                   "the loss (base probe, max rel error %s): the error is in the one line that forms dX = dz1 W1^T "
                   "(layer 1's affine backward)" % (where, what, ev.q("layer1_max_rel_error", layer1_error, "%.2g")))
    else:
        first = reader.network.layers[0][0]
        ev.body = ("%s: with return_dX=True, %s. The gradients of %s (%s), formed from the same upstream gradient, "
                   "agree with the loss (base probe, max rel error %s): the error is in the line that forms %s" % (
                       where, what, first, ", ".join("d" + n for n in layer1),
                       ev.q("layer1_max_rel_error", layer1_error, "%.2g"), reader.network.dx_line))
    reader.add("localized", ["X"], ev)


def read_dx_flag(reader: "Reader", probe: Probe) -> None:
    """return_dX=True must only add dX: the loss and grads must be the plain call's."""
    dx = probe.dx
    # the calls with and without return_dX both returned
    assert dx is not None and dx.grads is not None and dx.plain_grads is not None and probe.problem is not None
    ev = Evidence("dx_flag", probe.name)
    parts = []
    if dx.loss_changed:
        parts.append("the loss is %s with it and %s without it" % (
            ev.q("loss_with", dx.loss, "%.10g"), ev.q("loss_without", dx.plain_loss, "%.10g")))
    params = probe.problem[0]
    for name in dx.changed:
        k = coefficient(dx.grads[name] - dx.plain_grads[name], probe.reg * params[name])
        ev.values["grad_k." + name] = k
        if k is not None:
            parts.append("d%s differs from the plain call's by exactly %s" % (
                name, multiple_words(k, name, probe.sizes[0], "zero")))
        else:
            parts.append("d%s differs from the plain call's (max rel error %s)" % (
                name, ev.q("rel_error." + name, float(gradcheck.rel_error(dx.grads[name], dx.plain_grads[name]).max()),
                           "%.2g")))
    ev.body = "%s: return_dX=True changes what the call returns: %s; it should only add dX" % (
        ev.where(probe), "; ".join(parts))
    if dx.changed:
        reader.add(reader.pattern(dx.changed), reader.ordered(dx.changed), ev)
    else:
        reader.add("loss_mismatch", [], ev)
