"""The diagnoser on functions that misbehave in every way it names, and on correct rewrites."""

import numpy as np
import pytest

from reference import diagnose, net
from tests import zoos


def wrap(change_grads=None, change_loss=None):
    """net.loss with its result passed through small changes."""
    def loss(params, X, y, reg=0.0):
        value, grads = net.loss(params, X, y, reg)
        if change_grads:
            grads = change_grads(grads, params, X, reg)
        if change_loss:
            value = change_loss(value, X)
        return value, grads
    return loss


def returns(value):
    return lambda params, X, y, reg=0.0: value


def raises(exc):
    def loss(params, X, y, reg=0.0):
        raise exc
    return loss


def sets_seterr_raise(params, X, y, reg=0.0):
    np.seterr(all="raise")
    scores = X @ params["W1"]
    return float(np.exp(scores * 1e4).sum()), {}


def prints_and_loops_a_little(params, X, y, reg=0.0):
    for _ in range(3):
        pass
    return net.loss(params, X, y, reg)


def float32_grads(params, X, y, reg=0.0):
    value, grads = net.loss(params, X, y, reg)
    return value, {k: v.astype(np.float32) for k, v in grads.items()}


def list_grads(params, X, y, reg=0.0):
    value, grads = net.loss(params, X, y, reg)
    return value, {k: v.tolist() for k, v in grads.items()}


def scaled(k):
    return wrap(lambda g, p, X, reg: {n: k * v for n, v in g.items()})


CASES = [
    ("list grads are accepted", list_grads, "ok", ()),
    ("returns None", returns(None), "crash", ()),
    ("returns only the loss", returns(1.0), "crash", ()),
    ("returns a string loss", returns(("one", {})), "crash", ()),
    ("raises ZeroDivisionError", raises(ZeroDivisionError("division by zero")), "crash", ()),
    ("calls sys.exit", raises(SystemExit(3)), "crash", ()),
    ("raises a broadcast error", raises(ValueError("operands could not be broadcast together with shapes (2,3) (3,2)")),
     "shape_error", ()),
    ("missing key", wrap(lambda g, p, X, r: {k: v for k, v in g.items() if k != "b2"}), "crash", ()),
    ("extra key", wrap(lambda g, p, X, r: dict(g, X=np.zeros(1))), "crash", ()),
    ("renamed keys", wrap(lambda g, p, X, r: {"d" + k: v for k, v in g.items()}), "crash", ()),
    ("per-example loss", wrap(change_loss=lambda v, X: np.full(X.shape[0], v)), "shape_error", ()),
    ("transposed W2 gradient", wrap(lambda g, p, X, r: dict(g, W2=g["W2"].T)), "shape_error", ("W2",)),
    ("nan in b1", wrap(lambda g, p, X, r: dict(g, b1=g["b1"] * np.nan)), "nonfinite", ("b1",)),
    ("numpy set to raise", sets_seterr_raise, "nonfinite", ()),
    ("modifies X", None, "mutates_input", ()),
    ("loss off by a constant", wrap(change_loss=lambda v, X: v + 0.5), "loss_mismatch", ()),
    ("gradients times 3", scaled(3.0), "uniform_scale", ("W1", "b1", "W2", "b2")),
    ("only W1 halved", wrap(lambda g, p, X, r: dict(g, W1=g["W1"] / 2)), "localized", ("W1",)),
    ("float32 gradients", float32_grads, "ok", ()),
    ("every gradient perturbed differently", wrap(lambda g, p, X, r: {n: v * (2 + i) for i, (n, v) in enumerate(
        g.items())}), "mixed", ("W1", "b1", "W2", "b2")),
    ("reg term doubled in dW2 only", wrap(lambda g, p, X, r: dict(g, W2=g["W2"] + r * p["W2"])), "reg_only", ("W2",)),
]


def modifies_X(params, X, y, reg=0.0):
    value, grads = net.loss(params, X, y, reg)
    X[0, 0] += 1.0
    return value, grads


@pytest.mark.parametrize("name, fn, signature, params", CASES, ids=[c[0] for c in CASES])
def test_signature(name, fn, signature, params):
    fn = modifies_X if fn is None else fn
    before = np.geterr()
    try:
        diagnosis = diagnose.diagnose(fn)
    finally:
        restored = np.geterr()
        np.seterr(**before)
    assert restored == before, "the diagnoser left numpy's error state changed"
    assert diagnosis.signature == signature, diagnosis.text()
    assert diagnosis.signature in diagnose.SIGNATURES
    assert diagnosis.evidence and all(isinstance(e, str) and e for e in diagnosis.evidence)
    if params:
        assert diagnosis.params == params, diagnosis.text()


def test_uniform_factor_is_reported_and_constant_across_batch_sizes():
    diagnosis = diagnose.diagnose(scaled(-2.0))
    assert diagnosis.factor == pytest.approx(-2.0, rel=1e-6)
    assert diagnosis.factor_tracks == "constant"
    assert "-2" in diagnosis.evidence[0]


def test_a_factor_of_N_is_seen_to_track_N():
    diagnosis = diagnose.diagnose(wrap(lambda g, p, X, r: {n: X.shape[0] * v for n, v in g.items()}))
    assert diagnosis.signature == "uniform_scale"
    assert diagnosis.factor == pytest.approx(diagnose.BASE_SIZES[0])
    assert diagnosis.factor_tracks == "N"
    assert "the factor is N itself, so a 1/N is missing" in diagnosis.evidence[0]


def test_a_hard_coded_batch_size_is_caught_by_the_batch_probe():
    """Dividing by 8 instead of N is right at N = 8 only; the second batch size exposes it."""
    fixed = wrap(lambda g, p, X, r: {n: v * X.shape[0] / 8.0 for n, v in g.items()})
    diagnosis = diagnose.diagnose(fixed)
    assert diagnosis.signature == "uniform_scale"
    assert "batch probe" in diagnosis.evidence[0]
    assert "divides by a fixed batch size (8) instead of N" in diagnosis.evidence[0]
    assert "1/N is missing" not in diagnosis.evidence[0]


def test_the_crash_evidence_names_the_line():
    def typo(params, X, y, reg=0.0):
        return undefined_name  # noqa: F821

    diagnosis = diagnose.diagnose(typo)
    assert diagnosis.signature == "crash"
    assert "NameError" in diagnosis.evidence[0] and "undefined_name" in diagnosis.evidence[0]


def test_the_diagnoser_never_raises_and_never_touches_the_callers_arrays():
    class Weird(Exception):
        def __str__(self):
            raise RuntimeError("even str() fails")

    diagnosis = diagnose.diagnose(raises(Weird()))
    assert diagnosis.signature == "crash"
    params = {"W1": np.ones((2, 2))}
    snapshot = params["W1"].copy()

    def touches_global(p, X, y, reg=0.0):
        params["W1"][0, 0] = 5.0  # a global the caller owns; the diagnoser must not rely on it
        return net.loss(p, X, y, reg)

    diagnosis = diagnose.diagnose(touches_global)
    assert diagnosis.signature == "ok", diagnosis.text()  # the probes use their own arrays
    assert not np.array_equal(params["W1"], snapshot)  # the function itself did it, visibly


def test_keyboard_interrupt_is_not_swallowed():
    with pytest.raises(KeyboardInterrupt):
        diagnose.diagnose(raises(KeyboardInterrupt()))


def test_to_dict_is_json_ready():
    import json

    data = diagnose.diagnose(scaled(2.0)).to_dict()
    text = json.dumps(data)
    assert '"uniform_scale"' in text and data["probes"]["base"]["mismatch"] == ["W1", "b1", "W2", "b2"]


def test_text_shows_the_base_table_and_the_evidence():
    text = diagnose.diagnose(scaled(2.0)).text()
    assert text.startswith("signature: uniform_scale")
    assert "base probe" in text and "W1" in text and "FAIL" in text


def test_precedence_lists_every_signature_but_ok():
    assert set(diagnose.PRECEDENCE) == set(diagnose.SIGNATURES) - {"ok"}
    assert len(diagnose.PRECEDENCE) == len(set(diagnose.PRECEDENCE))


def test_default_reg_is_what_the_base_probe_uses():
    """A function whose reg defaults to 1.0 is called with its defaults and caught."""
    def default_reg_one(params, X, y, reg=1.0):
        return net.loss(params, X, y, reg)

    diagnosis = diagnose.diagnose(default_reg_one)
    assert diagnosis.signature == "loss_mismatch"


def summed_loss_mean_grads(params, X, y, reg=0.0):
    value, grads = net.loss(params, X, y, reg)
    return value * X.shape[0], grads


def penalty_doubled_consistently(params, X, y, reg=0.0):
    return net.loss(params, X, y, 2 * reg)


def penalty_missing_from_loss(params, X, y, reg=0.0):
    return net.loss(params, X, y, 0.0)[0], net.loss(params, X, y, reg)[1]


@pytest.mark.parametrize("fn, signature, words", [
    (summed_loss_mean_grads, "loss_mismatch", "the backward pass is right"),
    (penalty_doubled_consistently, "loss_mismatch", "only with reg > 0"),
    (penalty_missing_from_loss, "reg_only", "penalty in the loss is missing"),
])
def test_loss_side_bugs_are_told_apart_from_gradient_bugs(fn, signature, words):
    """The gradient check sees a pattern; the loss comparison says which side is wrong."""
    diagnosis = diagnose.diagnose(fn)
    assert diagnosis.signature == signature, diagnosis.text()
    assert any(words in e for e in diagnosis.evidence), diagnosis.evidence


@pytest.mark.parametrize("hidden_layers", [1, 2, 3, 5, 8])
def test_the_deep_reference_diagnoses_ok(hidden_layers):
    """Every depth a card may declare (1 to 8 hidden layers)."""
    from reference import mlp

    diagnosis = diagnose.diagnose(mlp.loss, hidden_layers=hidden_layers)
    assert diagnosis.signature == "ok", diagnosis.text()


def test_a_deep_bug_is_localized_to_its_layer():
    """A wrong gradient for layer 2's weights only, in a network with two hidden layers."""
    from reference import mlp

    def layer2_weight_halved(params, X, y, reg=0.0):
        value, grads = mlp.loss(params, X, y, reg)
        grads["W2"] = grads["W2"] / 2
        return value, grads

    diagnosis = diagnose.diagnose(layer2_weight_halved, hidden_layers=2)
    assert diagnosis.signature == "localized" and diagnosis.params == ("W2",)
    assert diagnosis.factor == pytest.approx(0.5)
    assert "layer 2" in diagnosis.evidence[0]


def test_reg_is_passed_by_name_when_keyword_only_and_by_position_otherwise():
    def keyword_only(params, X, y, *, reg=0.0):
        return net.loss(params, X, y, reg)

    def other_name(params, X, y, lam=0.0):
        return net.loss(params, X, y, lam)

    assert diagnose.diagnose(keyword_only).signature == "ok"
    assert diagnose.diagnose(other_name).signature == "ok"


def test_to_dict_names_an_unexpected_gradient_key():
    import json

    extra = wrap(lambda g, p, X, r: dict(g, bias=np.zeros(3)))
    data = diagnose.diagnose(extra).to_dict()
    assert data["signature"] == "crash"
    assert "'bias' unexpected" in data["probes"]["base"]["structure"]
    json.dumps(data)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_seeds_give_the_same_verdicts(seed):
    diagnosis = diagnose.diagnose(scaled(3.0), seed=seed, reference=net.loss)
    assert diagnosis.signature == "uniform_scale" and diagnosis.factor == pytest.approx(3.0)


def test_the_reference_can_be_any_function_with_the_interface():
    """Judged against a reference whose loss is doubled, the true network has a wrong loss."""
    def doubled(params, X, y, reg=0.0):
        value, grads = net.loss(params, X, y, reg)
        return 2 * value, {k: 2 * v for k, v in grads.items()}

    diagnosis = diagnose.diagnose(net.loss, reference=doubled)
    assert diagnosis.signature == "loss_mismatch"
    assert "ratio 0.5" in diagnosis.evidence[0]


# -- readings that must be derived from measurements (tests/zoo*/ files) -----------------
def record(diagnosis, kind):
    return next(r for r in diagnosis.records if r.kind == kind)


@pytest.mark.parametrize("stem, cause, words", [
    ("z38_no_max_subtraction", "overflow", "without their row's max subtracted"),
    ("w27_no_max_subtraction", "overflow", "exp overflows"),
    ("y32_grad_path_overflow", "overflow", "(the loss is finite)"),
    ("z39_global_max_subtraction", "shared_shift", "the shift is not each row's own max"),
    ("y31_global_max_shift", "shared_shift", "a row far below it underflows to all zeros"),
    ("z40_log_of_probs", "underflow", "the true class's probability reaching the log"),
    ("y30_log_of_underflowed_prob", "underflow", "(the loss is inf; the gradients are finite)"),
    ("w28_log_of_probabilities", "underflow", "Take the log-softmax"),
    ("v12_cs231n_log_of_probs", "underflow", "the true class sits up to 19651 below its row's max"),
    ("z41_row_min_subtraction", "spread", "the failure needs large differences inside a row"),
])
def test_nonfinite_under_large_logits_says_which_pattern_broke_it(stem, cause, words):
    """Overflow (no shift), a shift shared by all rows, or a probability that underflows before its log:
    told apart by the stress probe's milder logit patterns, not guessed."""
    diagnosis = diagnose.diagnose(zoos.loss(stem))
    assert diagnosis.signature == "nonfinite"
    stress = record(diagnosis, "nonfinite_stress")
    assert stress.values["cause"] == cause, stress.text
    assert words in stress.text
    assert "or takes log(0)" not in stress.text


@pytest.mark.parametrize("stem, relation", [
    ("v13_cs231n_2017_penalty", "twice"),
    ("w22_penalty_without_half", "twice"),
    ("v14_penalty_missing_consistently", "none"),
    ("v15_penalty_on_every_parameter", "biases"),
    ("y25_bias_regularized_both", "biases"),
    ("v21_penalty_on_last_layer_only", "some"),
])
def test_a_consistent_penalty_bug_names_its_exact_relation_to_the_project_penalty(stem, relation):
    diagnosis = diagnose.diagnose(zoos.loss(stem))
    assert diagnosis.signature == "loss_mismatch"
    loss = record(diagnosis, "loss_value")
    assert loss.values["penalty_relation"][0] == relation
    assert loss.values["gradient_matches_penalty"] is True
    assert "the penalty is wrong in the loss and in its gradient alike" not in loss.text
    if relation == "twice":
        assert "exactly twice this project's (reg/2) * (||W1||^2 + ||W2||^2)" in loss.text
        assert "the reg * ||W||^2 convention (cs231n from 2017); this project uses (reg/2) * ||W||^2" in loss.text


@pytest.mark.parametrize("stem, second", [
    ("v16_no_shift_and_bias_reg_gradient", ("b1", "b2")),
    ("v17_log_of_probs_and_missing_two", ("W1", "W2")),
    ("v22_missing_inv_n_and_no_reg_gradient", ("W1", "W2")),
])
def test_a_reg_error_of_its_own_is_listed_beside_the_first_finding(stem, second):
    diagnosis = diagnose.diagnose(zoos.loss(stem))
    assert ("reg_only", second) in diagnosis.findings and diagnosis.findings[0][0] != "reg_only"
    assert "a second error, of this probe's own" in record(diagnosis, "reg_only").text


def test_a_reg_probe_that_only_carries_the_reg_0_error_is_a_note_that_says_so():
    diagnosis = diagnose.diagnose(zoos.loss("z13_missing_inv_n"))
    assert [s for s, _ in diagnosis.findings] == ["uniform_scale"]
    assert "by the error at reg = 0 alone" in record(diagnosis, "reg_as_well").text


@pytest.mark.parametrize("stem, b_reaches", [
    ("v18_forward_never_adds_b1", False),
    ("v19_forward_subtracts_b1", True),
])
def test_units_a_forward_bias_bug_keeps_alive_are_not_called_dead(stem, b_reaches):
    diagnosis = diagnose.diagnose(zoos.loss(stem))
    assert not [r for r in diagnosis.records if r.kind == "dead"]
    alive = record(diagnosis, "not_dead")
    assert "they are not dead here" in alive.text and "gradient flows through units" not in alive.text
    assert ("b1 does not reach their pre-activation" in alive.text) == (not b_reaches)


@pytest.mark.parametrize("stem, agrees", [
    ("v20_clipped_log", False),
    ("y24_clip_logits_500", True),
    ("w24_logit_clip_consistent", True),
])
def test_agreement_at_the_stress_logits_is_measured_there(stem, agrees):
    diagnosis = diagnose.diagnose(zoos.loss(stem))
    assert diagnosis.signature == "loss_mismatch"
    loss = record(diagnosis, "loss_value")
    assert loss.probe == "stress" and diagnosis.probes["stress"].report is not None
    assert (loss.values["stress_check"] == "agrees") == agrees
    if not agrees:
        assert "but not at these logits (max rel error 1)" in loss.text


# -- dX ---------------------------------------------------------------------------------
def with_dx(change_dx=None, change_out=None):
    def loss(params, X, y, reg=0.0, return_dX=False):
        value, grads, dX = net.loss(params, X, y, reg, return_dX=True)
        if change_dx:
            dX = change_dx(dX, X)
        out = (value, grads, dX) if return_dX else (value, grads)
        return change_out(out, return_dX) if change_out else out
    return loss


def test_without_return_dx_dx_is_not_judged_and_the_verdict_says_so():
    plain = diagnose.diagnose(wrap())
    assert plain.signature == "ok" and "dX" not in plain.probes
    assert plain.evidence[0].endswith("dX not judged: the function has no return_dX parameter")


def test_kwargs_that_ignore_return_dx_are_not_penalized():
    def loss(params, X, y, reg=0.0, **options):
        return net.loss(params, X, y, reg)

    diagnosis = diagnose.diagnose(loss)
    assert diagnosis.signature == "ok" and diagnosis.probes["dX"].dx.ignored
    assert "returns (loss, grads) anyway" in diagnosis.evidence[0]


@pytest.mark.parametrize("name, fn, signature, params, factor", [
    ("dX halved", with_dx(lambda dX, X: dX / 2), "localized", ("X",), 0.5),
    ("dX times N", with_dx(lambda dX, X: dX * X.shape[0]), "localized", ("X",), float(diagnose.BASE_SIZES[0])),
    ("dX transposed", with_dx(lambda dX, X: dX.T), "shape_error", ("X",), None),
    ("dX as a list of rows", with_dx(lambda dX, X: dX.tolist()), "ok", (), None),
    ("a pair despite return_dX", with_dx(change_out=lambda out, flag: out[:2]), "crash", (), None),
    ("dX with nan", with_dx(lambda dX, X: dX * np.nan), "nonfinite", ("X",), None),
    ("loss changed by the flag", with_dx(change_out=lambda out, flag: (out[0] + flag,) + out[1:]), "loss_mismatch",
     (), None),
])
def test_dx_bugs(name, fn, signature, params, factor):
    diagnosis = diagnose.diagnose(fn)
    assert diagnosis.signature == signature, diagnosis.text()
    assert diagnosis.params == params
    if factor is not None:
        assert diagnosis.factor == pytest.approx(factor, rel=1e-6)


def test_a_dx_factor_of_n_is_seen_to_track_n():
    diagnosis = diagnose.diagnose(with_dx(lambda dX, X: dX * X.shape[0]))
    assert diagnosis.factor_tracks == "N"
    assert "the factor is N itself, so a 1/N is missing" in diagnosis.evidence[0]


def test_the_deep_reference_returns_a_dx_that_passes():
    from reference import mlp

    diagnosis = diagnose.diagnose(mlp.loss, hidden_layers=2)
    assert diagnosis.probes["dX"].report.passed
