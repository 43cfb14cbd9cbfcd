"""Every evidence sentence is a claim: test what it claims against the numbers it quotes.

The reader writes each sentence as an Evidence record: the values it quotes, each quote exactly as
the sentence shows it, and a kind. For every implementation in the zoos, every bug card and a few
functions made here for the kinds the zoos do not reach, three things are checked:
- rendering: every quote appears in its sentence, and a number is its value rounded as shown;
- the probe named: "<name> probe (N=.., .., reg=..)" is that probe's sizes and reg;
- the values: one check per kind (CHECKS) recomputes them from Diagnosis.probes, the raw results,
  without the reader's code, and checks the claim the sentence draws from them.
"""
import decimal

import numpy as np
import pytest

from katas import catalogue
from reference import diagnose, gradcheck, net, networks
from tests import zoos

ZOO = zoos.files()


# -- functions for the kinds no zoo implementation reaches ------------------------------
def nan_in_b1(params, X, y, reg=0.0):
    value, grads = net.loss(params, X, y, reg)
    grads["b1"] = grads["b1"] * np.nan
    return value, grads


def numpy_set_to_raise(params, X, y, reg=0.0):
    old = np.seterr(all="raise")
    try:
        return net.loss({k: v * 1e3 for k, v in params.items()}, X, y, reg)
    finally:
        np.seterr(**old)


def clipped_softmax_in_backward(params, X, y, reg=0.0):
    """The loss is stable; the backward clips the logits at 50, which matters only under large logits."""
    value, grads = net.loss(params, X, y, reg)
    h = np.maximum(X @ params["W1"] + params["b1"], 0.0)
    scores = np.clip(h @ params["W2"] + params["b2"], -50.0, 50.0)
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    probs[np.arange(len(y)), y] -= 1.0
    probs /= len(y)
    dz = (probs @ params["W2"].T) * (h > 0)
    return value, {"W1": X.T @ dz + reg * params["W1"], "b1": dz.sum(axis=0),
                   "W2": h.T @ probs + reg * params["W2"], "b2": probs.sum(axis=0)}


def broken_reference(params, X, y, reg=0.0):
    raise RuntimeError("the reference itself fails")


EXTRA = [
    ("nan in b1", nan_in_b1, {}),
    ("numpy set to raise", numpy_set_to_raise, {}),
    ("clipped softmax in the backward", clipped_softmax_in_backward, {}),
    ("a reference that fails", net.loss, {"reference": broken_reference}),
]


def subjects():
    out = [("zoo:" + p.stem, p, None, 1) for p in ZOO]
    out += [("%s:%s" % (p.parent.name, p.stem), p, zoos.network_of(p), 1)
            for p in zoos.files(*zoos.NETWORKS)]
    out += [("card:" + c.id, None, c, c.hidden_layers) for c in catalogue.load_catalogue()[0]]
    out += [("extra:" + name, None, (fn, options), 1) for name, fn, options in EXTRA]
    return out


SUBJECTS = subjects()
_CACHE = {}


def diagnosis_of(subject):
    name, path, other, depth = subject
    if name not in _CACHE:
        before = np.geterr()
        try:
            if path is not None:
                _CACHE[name] = diagnose.diagnose(zoos.load(path).loss, network=other or "net")
            elif name.startswith("card:"):
                _CACHE[name] = diagnose.diagnose(catalogue.variant(other).loss, network=other.network,
                                                 hidden_layers=depth)
            else:
                fn, options = other
                _CACHE[name] = diagnose.diagnose(fn, **options)
        finally:
            np.seterr(**before)
    return _CACHE[name]


# -- rendering ---------------------------------------------------------------------------
def shown_as(value, shown):
    """Whether the text shown is value rounded as shown (half a unit of its last digit)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value) == shown
    value = float(value)
    if not np.isfinite(value):
        return shown == ("%g" % value)
    number = decimal.Decimal(shown)
    unit = decimal.Decimal(1).scaleb(number.as_tuple().exponent)
    return abs(decimal.Decimal(value) - number) <= unit / 2 + decimal.Decimal(abs(value)) * decimal.Decimal("1e-12")


def describe(probe):
    """The probe's description, rebuilt from its sizes and reg."""
    if probe.size_names is not None and probe.size_names[:2] != ("N", "D"):
        sizes = ", ".join("%s=%d" % nv for nv in zip(probe.size_names, probe.sizes, strict=True))
        return sizes + ", reg=%g" % probe.reg
    N, D, *widths = probe.sizes
    names = ["H", "C"] if len(widths) == 2 else ["H%d" % (i + 1) for i in range(len(widths) - 1)] + ["C"]
    sizes = ", ".join("%s=%d" % nw for nw in zip(names, widths, strict=True))
    return "N=%d, D=%d, %s, reg=%g" % (N, D, sizes, probe.reg)


@pytest.mark.parametrize("subject", SUBJECTS, ids=[s[0] for s in SUBJECTS])
def test_every_sentence_is_rendered_from_its_record(subject):
    diagnosis = diagnosis_of(subject)
    assert [r.text for r in diagnosis.records] == diagnosis.evidence
    for record in diagnosis.records:
        assert record.kind in diagnose.EVIDENCE_KINDS
        for name, shown in record.quoted:
            assert shown in record.body, (name, shown, record.body)
            if name == "where":
                probe = diagnosis.probes[record.probe]
                assert shown == "%s probe (%s)" % (record.probe, describe(probe))
                assert record.values["sizes"] == tuple(probe.sizes) and record.values["reg"] == probe.reg
            else:
                assert shown_as(record.values[name], shown), (name, record.values[name], shown, record.body)
        for other in record.also:
            assert other in diagnosis.probes, other


@pytest.mark.parametrize("subject", SUBJECTS, ids=[s[0] for s in SUBJECTS])
def test_every_record_agrees_with_the_probe_results(subject):
    diagnosis = diagnosis_of(subject)
    with np.errstate(over="ignore", under="ignore"):
        for record in diagnosis.records:
            CHECKS[record.kind](record, record.values, diagnosis.probes, diagnosis)


@pytest.mark.parametrize("stem, kind, key, change", [
    ("v13_cs231n_2017_penalty", "loss_value", "penalty", lambda v: v * 1.001),
    ("v12_cs231n_log_of_probs", "nonfinite_stress", "stress.gap", lambda v: v / 20),
    ("v12_cs231n_log_of_probs", "nonfinite_stress", "cause", lambda v: "overflow"),
    ("v18_forward_never_adds_b1", "not_dead", "w_numeric", lambda v: 0.0),
    ("z18_db1_from_dh1", "dead", "numeric", lambda v: 0.06),
    ("v02_dx_sign_flipped", "dx", "factor", lambda v: 1.0),
    ("v20_clipped_log", "loss_value", "stress_check", lambda v: "agrees"),
    ("z13_missing_inv_n", "uniform_scale", "other_factor", lambda v: v + 1),
])
def test_a_record_that_misquotes_its_probe_fails_its_check(stem, kind, key, change):
    """Each check can fail: one value changed, and the record no longer agrees with the probes."""
    subject = next(s for s in SUBJECTS if s[0] == "zoo:" + stem)
    diagnosis = diagnosis_of(subject)
    record = next(r for r in diagnosis.records if r.kind == kind)
    values = dict(record.values)
    values[key] = change(values[key])
    with pytest.raises(AssertionError), np.errstate(over="ignore", under="ignore"):
        CHECKS[kind](record, values, diagnosis.probes, diagnosis)


def test_every_kind_has_a_check_and_every_kind_but_the_internal_one_is_reached():
    assert set(CHECKS) == set(diagnose.EVIDENCE_KINDS)
    reached = {r.kind for s in SUBJECTS for r in diagnosis_of(s).records}
    assert reached == set(diagnose.EVIDENCE_KINDS), set(diagnose.EVIDENCE_KINDS) - reached


def test_the_rendering_check_can_fail():
    assert shown_as(0.30896, "0.309") and not shown_as(0.3096, "0.309")
    assert shown_as(8.6e-9, "8.6e-09") and not shown_as(8.7e-9, "8.6e-09")
    assert shown_as(float("inf"), "inf") and shown_as(12573.011, "12573")


# -- recomputations, independent of the reader ---------------------------------------------
def network_of(params):
    """The Network whose parameters these are (the layered net/MLP when none of the others')."""
    for name in zoos.NETWORKS.values():
        network = networks.load(name)
        if sorted(network.names) == sorted(params) and (name == "convnet") == (np.ndim(params["W1"]) == 4
                                                                              if "W1" in params else False):
            return network
    return networks.load("mlp", len(params) // 2 - 1)


def hidden_and_scores(params, X):
    network = network_of(params)
    if network.name not in ("net", "mlp"):
        top, bias = network.top
        return None, network.features(params, X) @ params[top] + params[bias]
    depth = len(params) // 2
    h, zs = X, []
    for layer in range(1, depth):
        z = h @ params["W%d" % layer] + params["b%d" % layer]
        zs.append(z)
        h = np.maximum(z, 0.0)
    return zs, h @ params["W%d" % depth] + params["b%d" % depth]


def ratio_median(p):
    """Median of analytic / numeric over entries with a numeric value that is not negligible."""
    numeric, analytic = np.asarray(p.numeric).ravel(), np.asarray(p.analytic).ravel()
    usable = np.abs(numeric) > 1e-6 * np.abs(numeric).max()
    return float(np.median(analytic[usable] / numeric[usable]))


def same(a, b, rtol=1e-12):
    return a == b or abs(a - b) <= rtol * max(abs(a), abs(b))


def penalty_terms(params, reg, kind):
    """(reg / 2) ||p||^2 of the regularized parameters ("W") or of the others ("b"), in the network's order."""
    network = network_of(params)
    return {n: 0.5 * reg * float(np.sum(params[n] ** 2)) for n in network.names
            if (n in network.regularized) == (kind == "W")}


def check_penalty(values, probe):
    """Penalty quotes: the measured penalty, this project's, the relation claimed, the gradient multiples."""
    if "penalty" in values:
        params = probe.problem[0]
        assert same(values["penalty"], probe.loss - float(probe.zero[0]))
        weights, biases = penalty_terms(params, probe.reg, "W"), penalty_terms(params, probe.reg, "b")
        assert same(values["project_penalty"], sum(weights.values()))
        relation = values["penalty_relation"]
        if relation is not None:
            key, a, c = relation
            claimed = (sum(x * w for x, w in zip(a, weights.values(), strict=True))
                       + sum(x * b for x, b in zip(c, biases.values(), strict=True)))
            assert abs(values["penalty"] - claimed) <= 1e-9 * max(1.0, abs(probe.loss)), (key, claimed)
            assert key != "twice" or (a == [2.0] * len(a) and not any(c))
    for key, k in values.items():
        if key.startswith("grad_k.") and k is not None:
            name = key[len("grad_k."):]
            change = probe.grads[name] - probe.zero[1][name]
            assert np.allclose(change, k * probe.reg * probe.problem[0][name], rtol=1e-4, atol=1e-12), name


def check_agreement(values, probe, name):
    """'max rel error X' of a check that passed, and the round-off numbers when quoted."""
    report = probe.report
    assert same(values[name], report.max_rel_error)
    if name + ".abs" in values:
        assert report.passed
        loose = [np.abs(p.analytic - p.numeric)[np.asarray(p.rel_errors) > gradcheck.PASS_THRESHOLD]
                 for p in report.params.values()]
        worst = max(float(d.max()) for d in loose if d.size)
        resolution = gradcheck.resolution(probe.loss, gradcheck.EPS)
        assert same(values[name + ".abs"], worst) and same(values[name + ".resolution"], resolution)
        assert worst <= resolution


def check_error(record, values, probes, diagnosis):
    probe = probes[record.probe]
    kind = values.get("exception", "FloatingPointError")
    assert probe.error == (kind, values["message"], values["line"])
    for other in record.also:
        assert probes[other].error[0] == kind
    for key, value in values.items():
        if key.startswith("square."):
            p = probes["square"].report.params[key[len("square."):]]
            if value == "transpose":
                assert np.allclose(p.analytic, p.numeric.T, rtol=1e-5, atol=1e-12)
            else:
                assert same(value, p.max_rel_error)


def check_structure(record, values, probes, diagnosis):
    assert probes[record.probe].structure == values["structure"]


def check_shapes(record, values, probes, diagnosis):
    problems = {name: (tuple(got), tuple(expected)) for name, got, expected in probes[record.probe].shape_problems}
    for key, value in values.items():
        if key.startswith("shape."):
            assert problems[key[len("shape."):]][0] == value
        if key.startswith("expected."):
            assert problems[key[len("expected."):]][1] == value
    for other in record.also:
        assert [p[0] for p in probes[other].shape_problems] == [p[0] for p in probes[record.probe].shape_problems]


def check_mutated(record, values, probes, diagnosis):
    for name in [record.probe] + record.also:
        assert ", ".join(probes[name].mutated) == values["mutated"]


def check_nonfinite(record, values, probes, diagnosis):
    probe = probes[record.probe]
    assert values["nonfinite"] == ", ".join("dX" if n == "X" else n for n in probe.nonfinite)
    assert probe.nonfinite and probe.name != "stress"


def check_nonfinite_stress(record, values, probes, diagnosis):
    probe = probes["stress"]
    assert values["nonfinite"] == ", ".join(probe.nonfinite)
    if "loss" in values:
        assert probe.nonfinite == ["loss"] and values["loss"] == float(probe.returned_loss)
    X, y = probe.problem[1], probe.problem[2].ravel()
    levels = {}
    for level in probe.levels:  # each level's logits, recomputed from its parameters
        _, scores = hidden_and_scores(level.params, X)
        assert np.allclose(scores, level.scores, rtol=1e-12, atol=1e-9)
        row_max = scores.max(axis=1)
        levels[level.name] = {
            "spread": float((row_max - scores.min(axis=1)).max()),
            "gap": float((row_max - scores[np.arange(len(y)), y]).max()),
            "rows_apart": float(row_max.max() - row_max.min()),
            "max_logit": float(np.abs(scores).max()),
            "failed": level.failed,
        }
    for key, value in values.items():
        if "." in key and not key.endswith(".failed"):
            level, measure = key.split(".")
            assert same(value, levels[level][measure], 1e-9), key
    if "rows_apart" in values:
        assert same(values["rows_apart"], levels["rows_apart"]["rows_apart"], 1e-9)
    cause = values["cause"]
    if cause is not None:
        # the extreme logit is +STRESS_LOGIT, plus the lift that puts the lowest row maximum at 0
        assert levels["stress"]["failed"] and diagnose.STRESS_LOGIT * (1 - 1e-12) <= levels["stress"]["max_logit"]
    if cause == "overflow":
        # offset level: exp of its logits overflows, while its spreads are far too small to underflow
        assert levels["offset"]["failed"] and np.exp(levels["offset"]["max_logit"]) == np.inf
        assert np.exp(-levels["offset"]["spread"]) > 0
    elif cause == "shared_shift":
        assert not levels["offset"]["failed"] and levels["rows_apart"]["failed"]
        assert np.exp(-levels["rows_apart"]["rows_apart"]) == 0 and np.exp(-levels["rows_apart"]["spread"]) > 0
    elif cause in ("underflow", "spread", "mild_spread"):
        assert not levels["offset"]["failed"] and not levels["rows_apart"]["failed"]
        assert levels["mild"]["failed"] == (cause == "mild_spread")
    if cause == "underflow":
        # only the loss, +inf; the true class underflows at the stress logits but not at the mild ones
        assert probe.nonfinite == ["loss"] and float(probe.returned_loss) == np.inf
        assert np.exp(-levels["stress"]["gap"]) == 0 and np.exp(-levels["mild"]["gap"]) > 0


def check_loss_value(record, values, probes, diagnosis):
    probe = probes[record.probe]
    assert values["loss"] == probe.loss and values["reference_loss"] == probe.reference_loss
    assert same(values["ratio"], probe.loss / probe.reference_loss)
    assert not np.isclose(probe.loss, probe.reference_loss, rtol=1e-9, atol=0)
    reading = values["reading"]
    base = probes["base"]
    if reading == "consistent":
        if record.probe == "stress":
            check_agreement(values, base, "base.max_rel_error")
            assert base.report.passed
            check = values["stress_check"]
            if check == "agrees":
                assert probe.report.passed
                check_agreement(values, probe, "max_rel_error")
            elif check != "not checked":
                assert not probe.report.passed and same(values["max_rel_error"], probe.report.max_rel_error)
                assert (check == "disagrees, equals the reference's") == (not probe.reference_mismatch)
        else:
            assert probe.report.passed
            check_agreement(values, probe, "max_rel_error")
    elif reading == "gradients equal the reference's":
        assert not probe.report.passed and not probe.reference_mismatch
    else:
        assert reading == "forward wrong too" and probe.reference_mismatch
    check_penalty(values, probe)


def check_stress_gradients(record, values, probes, diagnosis):
    stress = probes["stress"]
    assert values["params"] == ", ".join(stress.reference_mismatch)
    assert not stress.loss_differs and not stress.nonfinite
    assert values["stress_logit"] == diagnose.STRESS_LOGIT


def other_batch_factor(probes, probe_name):
    other = probes["batch" if probe_name != "batch" else "base"]
    wrong = [n for n, p in other.report.params.items() if not p.passed]
    return other, (ratio_median(other.report.params[wrong[0]]) if wrong else 1.0)


def check_pattern(record, values, probes, diagnosis):
    probe = probes[record.probe]
    report = probe.report
    wrong = [n for n, p in report.params.items() if not p.passed]
    # Parameters right under this probe but wrong with more examples are read from the batch probe.
    batch_only = values.get("only_at_batch", ())
    for name in batch_only:
        assert report.params[name].passed and not probes["batch"].report.params[name].passed
    wrong += list(batch_only)

    def report_of(name):
        return probes["batch"].report if name in batch_only else report

    for key, value in values.items():
        if key.startswith("factor."):
            name = key[len("factor."):]
            assert name in wrong and value == pytest.approx(ratio_median(report_of(name).params[name]), rel=1e-4)
        if key.startswith("max_rel_error."):
            name = key[len("max_rel_error."):]
            assert name in wrong and same(value, report_of(name).params[name].max_rel_error)
    if "factor" in values:
        for name in wrong:
            assert ratio_median(report_of(name).params[name]) == pytest.approx(values["factor"], rel=1e-4)
    if "loss_factor" in values:
        assert not probe.reference_mismatch and same(values["loss_factor"], 1.0 / values["factor"])
    for name in values.get("right", ()):
        assert report.params[name].passed and name not in batch_only
    for name in values.get("right_at_base", ()):
        assert name not in report.params and probes["base"].report.params[name].passed
    if "other_N" in values:
        other, factor = other_batch_factor(probes, record.probe)
        assert values["other_N"] == other.sizes[0]
        assert values["other_factor"] == pytest.approx(factor, rel=1e-4)
    if record.kind != "localized":
        exact_zero = network_of(report.params).exact_zero
        assert len(wrong) == len([n for n in report.params if n not in exact_zero or n in wrong])


def check_reg_as_well(record, values, probes, diagnosis):
    probe = probes["reg"]
    names = values["params"].split(", ")
    assert all(not probe.report.params[n].passed for n in names)
    if values["reg_part"] == "agrees":
        parts = probe.reg_part.params
        assert all(parts[n].passed for n in names)
        exact_zero = network_of(probe.problem[0]).exact_zero
        judged = [n for n in names if n not in exact_zero] or names
        assert same(values["reg_part.max_rel_error"], max(parts[n].max_rel_error for n in judged))
        assert same(values["reg_value"], probe.reg)


def check_reg_only(record, values, probes, diagnosis):
    probe = probes["reg"]
    assert same(values["reg_value"], probe.reg)
    for key, value in values.items():
        if key.startswith("max_rel_error."):  # at reg > 0, with everything at reg = 0 right
            name = key[len("max_rel_error."):]
            assert not probe.report.params[name].passed and same(value, probe.report.params[name].max_rel_error)
            for other in ("base", "batch", "dead", "square"):
                if probes.get(other) is not None and probes[other].report is not None:
                    assert probes[other].report.passed
        if key.startswith("reg_part.max_rel_error."):  # the change from reg = 0 to reg > 0, on its own
            name = key[len("reg_part.max_rel_error."):]
            part = probe.reg_part.params[name]
            assert not part.passed and same(value, part.max_rel_error)
            assert np.allclose(part.analytic, [np.sum((probe.grads[name] - probe.zero[1][name]) * v)
                                               for v in part.directions], rtol=1e-9, atol=1e-15)
    check_penalty(values, probe)


def dead_numbers(probes, layer):
    probe = probes["dead"]
    if isinstance(layer, str):  # a network whose layers have names: the entries the Network names
        params, X = probe.problem[0], probe.problem[1]
        network = network_of(params)
        group = network.dead(params, X, list(diagnose.DEAD_UNITS), diagnose.DEAD_BIAS)
        units = [u for u in probe.dead_units if u.layer == layer][0]
        W = PartialView(probe.report, [(n, i) for n, i in group.entries if n in units.weights])
        b = PartialView(probe.report, [(n, i) for n, i in group.entries if n in units.biases])
        return W, b, group.z_max, gradcheck.resolution(probe.loss, gradcheck.EPS)
    W, b = probe.report.params["W%d" % layer], probe.report.params["b%d" % layer]
    zs, _ = hidden_and_scores(probe.problem[0], probe.problem[1])
    z_max = float(zs[layer - 1][:, list(diagnose.DEAD_UNITS)].max())
    resolution = gradcheck.resolution(probe.loss, gradcheck.EPS)
    return W, b, z_max, resolution


class PartialView:
    """The numeric and analytic values a partial report holds at chosen entries."""

    def __init__(self, report, entries):
        numeric, analytic = [0.0], [0.0]
        for name, index in entries:
            checked = report.params[name]
            at = checked.entries.index(tuple(index))
            numeric.append(checked.numeric[at])
            analytic.append(checked.analytic[at])
        self.numeric, self.analytic = np.array(numeric), np.array(analytic)


def check_dead(record, values, probes, diagnosis):
    W, b, z_max, resolution = dead_numbers(probes, values["layer"])
    assert same(values["z_max"], z_max) and z_max < 0
    numeric = max(np.abs(W.numeric).max(), np.abs(b.numeric).max())
    analytic = max(np.abs(W.analytic).max(), np.abs(b.analytic).max())
    assert same(values["numeric"], numeric) and same(values["analytic"], analytic)
    assert numeric <= resolution < analytic  # flat within round-off, and the gradient clearly is not


def check_not_dead(record, values, probes, diagnosis):
    W, b, z_max, resolution = dead_numbers(probes, values["layer"])
    assert same(values["z_max"], z_max) and z_max < 0 and values["bias"] == diagnose.DEAD_BIAS
    assert same(values["w_numeric"], np.abs(W.numeric).max())
    assert same(values["b_numeric"], np.abs(b.numeric).max())
    assert max(values["w_numeric"], values["b_numeric"]) > resolution  # not flat: the units are alive


def dx_check(probes):
    check = probes["dX"].report.params["X"]
    dX = probes["dX"].dx.dX
    assert np.allclose(check.analytic, [np.sum(dX * v) for v in check.directions], rtol=1e-12, atol=1e-15)
    return check


def check_dx(record, values, probes, diagnosis):
    check = dx_check(probes)
    assert not check.passed
    base = probes["base"].report.params
    network = network_of(probes["base"].problem[0])
    first = [n for n in network.layers[0][1] if n not in network.exact_zero]
    assert same(values["layer1_max_rel_error"], max(base[n].max_rel_error for n in first))
    assert all(base[n].passed for n in first)
    assert values["directions"] == len(check.analytic)
    if "factor" in values:
        assert np.allclose(check.analytic, values["factor"] * check.numeric, rtol=1e-4, atol=0)
        dx = probes["dX"].dx
        if dx.reference_ratio is not None:
            assert np.allclose(dx.dX, values["factor"] * dx.reference_dX, rtol=1e-4, atol=1e-15)
        if "other_N" in values:
            assert values["batch"] == (values["other_N"], values["other_factor"])
            assert values["other_N"] == probes["batch"].sizes[0]
    else:
        assert same(values["max_rel_error"], check.max_rel_error)
        if "reference_rel_error" in values:
            dx = probes["dX"].dx
            assert same(values["reference_rel_error"], float(gradcheck.rel_error(dx.dX, dx.reference_dX).max()))


def check_dx_inherited(record, values, probes, diagnosis):
    check = dx_check(probes)
    assert not check.passed and same(values["max_rel_error"], check.max_rel_error)
    for name in values["layer1_wrong"]:
        assert any(probes[p].report is not None and not probes[p].report.params[name].passed
                   for p in ("base", "batch", "dead", "square") if p in probes)


def check_dx_flag(record, values, probes, diagnosis):
    probe = probes["dX"]
    dx = probe.dx
    if "loss_with" in values:
        assert values["loss_with"] == dx.loss and values["loss_without"] == dx.plain_loss
        assert dx.plain_loss == probes["reg"].loss and not np.isclose(dx.loss, dx.plain_loss, rtol=1e-9, atol=0)
    for key, k in values.items():
        if key.startswith("grad_k."):
            name = key[len("grad_k."):]
            change = dx.grads[name] - probes["reg"].grads[name]
            assert np.any(change != 0)
            if k is not None:
                assert np.allclose(change, k * probe.reg * probe.problem[0][name], rtol=1e-4, atol=1e-12)


def check_ok(record, values, probes, diagnosis):
    assert diagnosis.signature == "ok"
    checked = {name: p for name, p in probes.items() if p.report is not None}
    assert {k[len("max_rel_error."):] for k in values if k.startswith("max_rel_error.")} == set(checked)
    for name, probe in checked.items():
        exact_zero = network_of(probes["base"].problem[0]).exact_zero
        judged = [p.max_rel_error for n, p in probe.report.params.items() if n not in exact_zero]
        assert probe.report.passed and same(values["max_rel_error." + name], max(judged))
    for probe in probes.values():
        assert not probe.loss_differs and not probe.mutated and not probe.nonfinite
    assert values["stress_logit"] == diagnose.STRESS_LOGIT
    status = values["dx"]
    if status == "checked":
        dx = probes["dX"].dx
        assert not dx.loss_changed and not dx.changed
        assert values["dx_reference"] is None or values["dx_reference"] == (not probes["dX"].reference_mismatch)
    elif status == "no return_dX":
        assert "dX" not in probes
    elif status == "ignored":
        assert probes["dX"].dx.ignored


def check_precision(record, values, probes, diagnosis):
    narrow = {}
    for probe in probes.values():
        narrow.update(probe.narrow)
    assert narrow and sorted(values["params"].split(", ")) == sorted(narrow)
    assert values["dtypes"].split(", ") == sorted(set(narrow.values()))


def check_loss_only(record, values, probes, diagnosis):
    probe = probes[record.probe]
    batch = probes.get("batch")
    wrong = [n for n, p in probe.report.params.items() if not p.passed]
    wrong += [n for n in values["params"] if n not in wrong and batch is not None and not batch.report.params[n].passed]
    assert sorted(values["params"]) == sorted(wrong) and wrong and not probe.reference_mismatch

    def report_of(name):
        return probe.report if not probe.report.params[name].passed else batch.report

    if "factor" in values:
        for name in wrong:
            assert ratio_median(report_of(name).params[name]) == pytest.approx(values["factor"], rel=1e-4)
    else:
        assert same(values["max_rel_error"], max(report_of(n).params[n].max_rel_error for n in wrong))
    assert diagnosis.signature == "loss_mismatch" or "loss_mismatch" in [f[0] for f in diagnosis.findings]


def check_steps(record, values, probes, diagnosis):
    steps = probes["steps"].steps
    assert steps and steps[-1][1] and steps[-1][0] == values["step"]
    assert values["right"] == tuple(t for t, wrong, _ in steps if not wrong) and not any(w for _, w, _ in steps[:-1])
    assert values["max_rel_error"] == steps[-1][2] and values["weight"] in probes["base"].problem[0]
    assert [t for t, _, _ in steps] == list(range(probes["base"].problem[1].shape[1], values["step"] - 1, -1))


def check_internal(record, values, probes, diagnosis):
    assert diagnosis.signature == "crash" and values["exception"] and isinstance(values["message"], str)


CHECKS = {
    "steps": check_steps,
    "raised": check_error,
    "raised_shape": check_error,
    "fpe": check_error,
    "structure": check_structure,
    "shapes": check_shapes,
    "mutated": check_mutated,
    "nonfinite": check_nonfinite,
    "nonfinite_stress": check_nonfinite_stress,
    "loss_value": check_loss_value,
    "stress_gradients": check_stress_gradients,
    "uniform_scale": check_pattern,
    "localized": check_pattern,
    "mixed": check_pattern,
    "reg_as_well": check_reg_as_well,
    "reg_only": check_reg_only,
    "dead": check_dead,
    "not_dead": check_not_dead,
    "dx": check_dx,
    "dx_inherited": check_dx_inherited,
    "dx_flag": check_dx_flag,
    "ok": check_ok,
    "precision": check_precision,
    "loss_only": check_loss_only,
    "internal": check_internal,
}
