"""The checker's documented behaviour, one property at a time: what the mutation audit holds it to.

Each test states a claim of reference/gradcheck.py's docstrings (the cost 2P + 1, params restored,
the relative error's definition, the refusals, the kink rule, the report's columns) and checks it
against an independent computation, never against numbers the checker itself produced.
"""
import math
import re

import numpy as np
import pytest

from reference import gradcheck, net, problems


def quadratic(params):
    """f = sum(3 x^2) / 2 + sum(b): gradient 3 x and 1, exactly known."""
    x, b = params["x"], params["b"]
    return 0.5 * np.sum(3.0 * x * x) + np.sum(b), {"x": 3.0 * x, "b": np.ones_like(b)}


def fresh():
    return {"x": np.array([[1.0, -2.0, 0.5], [0.25, 4.0, -1.0]]), "b": np.array([0.3, -0.7])}


def one_entry_wrong(params):
    """quadratic with x[1, 2]'s gradient doubled: a bug far above every band."""
    loss, grads = quadratic(params)
    grads["x"] = grads["x"].copy()
    grads["x"][1, 2] *= 2.0
    return loss, grads


# --- the relative error and the bands ---------------------------------------------------------

def test_rel_error_is_symmetric_elementwise_and_broadcasts_either_way():
    a, n = np.array([1.0, -2.0, 0.0, 3.0]), np.array([3.0, -2.0, 0.0, -1.0])
    assert gradcheck.rel_error(a, n).tolist() == gradcheck.rel_error(n, a).tolist() == [0.5, 0.0, 0.0, 1.0]
    assert gradcheck.rel_error(np.array([1.0, 3.0]), 1.0).tolist() == [0.0, 0.5]
    assert gradcheck.rel_error(1.0, np.array([1.0, 3.0])).tolist() == [0.0, 0.5]


def test_rel_error_computes_in_float64_whatever_the_inputs_type():
    # 1/3 rounds differently in float32 and float64: the error is the float64 quotient.
    error = gradcheck.rel_error(np.float32(1.0), np.float32(2.0))
    assert error.dtype == np.float64 and float(error) == 1.0 / 3.0
    # any number float() takes, here an int beyond int64 (an exact integer loss), on either side
    assert gradcheck.rel_error(10 ** 20, 0.0) == gradcheck.rel_error(0.0, 10 ** 20) == 1.0


@pytest.mark.parametrize("error, word", [
    (0.5, "wrong"), (1e-2, "suspicious"), (1e-3, "suspicious"), (1e-4, "acceptable"), (1e-5, "acceptable"),
    (1e-7, "good"), (1e-9, "good"), (0.0, "good"),
])
def test_each_error_falls_in_the_band_its_bounds_say(error, word):
    """Bands are open below: 'above 1e-2' is wrong, so 1e-2 itself is suspicious."""
    assert gradcheck.band(error).startswith(word)


def test_the_legend_states_the_definition_eps_threshold_and_every_band():
    lines = gradcheck.legend(threshold=1e-6, eps=1e-4).splitlines()
    assert lines[0].startswith("relative error = |a - n| / (|a| + |n|), 0 when both are 0")
    assert "at eps = 0.0001 an entry fails above 1e-06 unless |a - n| is within" in lines[0]
    assert lines[0].endswith("round-off resolution of the difference")
    assert lines[1:] == ["  " + text for _, text in gradcheck.BANDS]


def test_round_off_resolution_is_constant_below_a_loss_of_1_and_proportional_above():
    eps = 1e-5
    assert gradcheck.resolution(0.0, eps) == gradcheck.resolution(1.0, eps) == gradcheck.resolution(-0.5, eps)
    assert gradcheck.resolution(4.0, eps) == pytest.approx(4.0 * gradcheck.resolution(1.0, eps))
    assert gradcheck.resolution(1.0, eps) == gradcheck.ROUNDOFF_ULPS * np.finfo(np.float64).eps / eps


# --- which entries fail -------------------------------------------------------------------------

def test_an_entry_fails_only_strictly_above_the_threshold_and_the_resolution():
    a, n = np.array([1.0]), np.array([1.5])
    error = float(gradcheck.rel_error(a, n)[0])
    assert not gradcheck.failing_entries(a, n, error, 0.0).any()  # at the threshold: passes
    assert gradcheck.failing_entries(a, n, error / 2, 0.0).all()
    assert not gradcheck.failing_entries(a, n, 0.0, 0.5).any()  # |a - n| at the resolution: passes
    assert gradcheck.failing_entries(a, n, 0.0, 0.25).all()


def test_an_entry_within_the_threshold_passes_however_large_its_absolute_difference():
    a, n = np.array([1e6]), np.array([1e6 + 1e-3])  # relative 5e-10, absolute 1e-3
    assert not gradcheck.failing_entries(a, n, 1e-7, 1e-12).any()


def test_a_refined_estimate_clears_a_miss_only_when_it_passes_and_moved_toward_the_analytic_value():
    # passes by the threshold, and moved closer: cleared
    assert gradcheck.refined(1.0, 1.5, 1.25, threshold=float(gradcheck.rel_error(1.0, 1.25)), allowance=0.0, factor=2.0)
    assert not gradcheck.refined(1.0, 1.5, 1.25, threshold=0.01, allowance=0.0, factor=2.0)
    # passes by its own allowance times factor (0.125 * 2 = 0.25 = the error), and moved closer
    assert gradcheck.refined(1.0, 1.5, 1.25, threshold=0.0, allowance=0.125, factor=2.0)
    assert not gradcheck.refined(1.0, 1.5, 1.25, threshold=0.0, allowance=0.0625, factor=2.0)
    # as far as before (on the other side), or farther: not cleared, whatever it passes
    assert not gradcheck.refined(1.0, 1.5, 0.5, threshold=1.0, allowance=1.0, factor=2.0)
    assert not gradcheck.refined(1.0, 1.01, 1.02, threshold=1.0, allowance=1.0, factor=2.0)


def test_value_precision_is_the_rounding_of_narrow_floats_and_0_otherwise():
    assert gradcheck.value_precision(np.zeros(2, np.float32)) == np.finfo(np.float32).eps
    assert gradcheck.value_precision(np.zeros(2, np.float16)) == np.finfo(np.float16).eps
    assert gradcheck.value_precision(np.zeros(2)) == 0.0
    assert gradcheck.value_precision(np.zeros(2, np.int32)) == 0.0
    assert gradcheck.value_precision([1.0, 2.0]) == 0.0


def linear_with_gradient(dtype):
    """loss = c x + x^3 at x = 0, its gradient returned as the float32 number a in dtype: the central
    difference at eps = 1e-5 is c + 1e-10 = a - 2.5e-10, a relative miss of 1.25e-7 with |a - n| above
    the loss's round-off resolution (1.8e-10) but within a float32 value's own rounding (1.2e-7 * 1e-3);
    at eps / 10 the estimate moves away from a, so a refinement does not clear it either."""
    a = float(np.float32(1e-3))
    c = a - 3.5e-10

    def f(params):
        x = params["x"]
        return float(np.sum(c * x + x ** 3)), {"x": np.full(x.shape, a, dtype=dtype)}
    return f


def test_a_float32_gradient_is_judged_at_its_own_precision_and_a_float64_one_is_not():
    narrow = gradcheck.check_gradients(linear_with_gradient(np.float32), {"x": np.zeros(1)})
    wide = gradcheck.check_gradients(linear_with_gradient(np.float64), {"x": np.zeros(1)})
    assert narrow.params["x"].max_rel_error == wide.params["x"].max_rel_error > gradcheck.PASS_THRESHOLD
    assert narrow.passed and not wide.passed
    assert narrow.params["x"].analytic.dtype == np.float64  # the report holds float64 values


def test_a_float32_gradient_wrong_by_more_than_its_rounding_fails():
    def ten_percent_off(params):
        return float(1.1e-3 * params["x"][0]), {"x": np.array([1e-3], dtype=np.float32)}
    assert not gradcheck.check_gradients(ten_percent_off, {"x": np.zeros(1)}).passed


# --- the cost, the restoration and the report's attributes ---------------------------------------

def counted(f):
    calls = []

    def g(params):
        calls.append(1)
        return f(params)
    return g, calls


def test_the_cost_is_2P_plus_1_plus_2_per_failing_entry_and_counted_honestly():
    f, calls = counted(one_entry_wrong)
    report = gradcheck.check_gradients(f, fresh())
    assert report.failing() == ["x"] and int(report.params["x"].failed.sum()) == 1
    assert report.evaluations == len(calls) == 2 * 8 + 1 + 2


def test_kinks_false_skips_the_kink_test_and_excuses_nothing():
    params, X, y = problems.toy_problem(7, 5, 6, 4, 0)
    params["b1"][2] = -(X @ params["W1"])[3, 2]  # unit 2 of example 3 exactly on the kink
    f, calls = counted(lambda p: net.loss(p, X, y))
    report = gradcheck.check_gradients(f, params, kinks=False)
    size = sum(v.size for v in params.values())
    assert report.evaluations == len(calls) == 2 * size + 1
    assert not report.passed and not any(p.kinks.any() for p in report.params.values())


def test_the_report_keeps_the_unperturbed_loss_and_one_sided_slopes_around_the_central_one():
    params = fresh()
    report = gradcheck.check_gradients(quadratic, params)
    assert report.loss == quadratic(fresh())[0]
    x = report.params["x"]
    assert np.allclose((x.left + x.right) / 2, x.numeric, rtol=1e-9)
    # f is convex in each entry: the left slope lies below the right one, by about 3 eps
    assert (x.left < x.right).all() and np.allclose(x.right - x.left, 3.0 * gradcheck.EPS, rtol=1e-3)


def test_the_worst_entry_skips_kinks_and_its_values_give_the_reported_error():
    analytic = np.array([[1.0, 5.0], [2.0, 1.0]])
    numeric = np.array([[1.0, 1.0], [1.9, 1.0]])  # (0, 1) is far off but on a kink; (1, 0) is the worst left
    kinks = np.array([[False, True], [False, False]])
    p = gradcheck.ParamReport("w", analytic, numeric, numeric, numeric, kinks, np.zeros((2, 2), bool), 1e-7)
    assert p.rel_errors.tolist() == gradcheck.rel_error(analytic, numeric).tolist()
    assert p.worst_index == (1, 0) and (p.analytic_at_worst, p.numeric_at_worst) == (2.0, 1.9)
    assert p.max_rel_error == float(gradcheck.rel_error(2.0, 1.9))
    assert p.ratio_median == 1.0 and p.ratio_spread == pytest.approx(2.0 / 1.9 - 1.0)  # the kink left out
    assert p.n_kinks == 1 and p.passed


def test_a_parameter_report_with_no_entries_passes_with_nothing_to_report():
    nothing = np.zeros((0, 3))
    empty = gradcheck.ParamReport("e", nothing, nothing, nothing, nothing, nothing.astype(bool),
                                  nothing.astype(bool), 1e-7)
    assert empty.passed and empty.worst_index == () and empty.max_rel_error == 0.0
    assert float(gradcheck.rel_error(empty.analytic_at_worst, empty.numeric_at_worst)) == empty.max_rel_error
    assert math.isnan(empty.ratio_median) and math.isnan(empty.ratio_spread)


def test_ratio_summary_leaves_out_negligible_numeric_values_and_kinks():
    analytic, numeric = np.array([2.0, 4.0, 7.0, 9.0]), np.array([1.0, 2.0, 0.0, 3.0])
    assert gradcheck.ratio_summary(analytic, numeric, np.zeros(4, bool)) == (2.0, 1.0)
    assert gradcheck.ratio_summary(analytic, numeric, np.array([False, False, False, True])) == (2.0, 0.0)
    # every numeric value tiny: they are still the scale, and all usable
    assert gradcheck.ratio_summary(analytic[:2] * 1e-9, numeric[:2] * 1e-9) == (2.0, 0.0)
    assert all(math.isnan(v) for v in gradcheck.ratio_summary(analytic[:2], np.zeros(2)))


# --- losses_at: the one place that perturbs ------------------------------------------------------

class Batched(object):
    """A loss whose calls cost a round trip: it takes a batch of changes and never sees params change."""

    def __init__(self):
        self.batches = []

    def __call__(self, params):
        return quadratic(params)

    def many(self, params, changes):
        self.batches.append((params, len(changes)))
        losses = []
        for change in changes:
            moved = {k: v.copy() for k, v in params.items()}
            for name, index, value in change:
                moved[name].reshape(-1)[index] = value
            losses.append(np.float64(quadratic(moved)[0]))  # any number float() takes
        return losses


def test_a_function_with_many_gets_the_changes_in_batches_of_at_most_BATCH():
    params = fresh()
    before = {k: v.copy() for k, v in params.items()}
    changes = [(("x", i % 6, float(i)),) for i in range(gradcheck.BATCH + 6)]
    batched = Batched()
    losses = gradcheck.losses_at(batched, params, changes)
    assert [n for _, n in batched.batches] == [gradcheck.BATCH, 6]
    assert all(p is params for p, _ in batched.batches)
    assert losses == gradcheck.losses_at(quadratic, params, changes)  # the same losses, one at a time
    assert all(type(v) is float for v in losses)
    assert all(params[k].tobytes() == before[k].tobytes() for k in params)


def test_a_change_of_several_entries_applies_them_all_at_once_and_undoes_them():
    params = fresh()
    change = (("x", 0, 10.0), ("b", Ellipsis, np.array([1.0, 2.0])))
    moved = fresh()
    moved["x"][0, 0], moved["b"][...] = 10.0, [1.0, 2.0]
    assert gradcheck.losses_at(quadratic, params, [change]) == [quadratic(moved)[0]]
    assert all(params[k].tobytes() == fresh()[k].tobytes() for k in params)


# --- the refusals name what is wrong -------------------------------------------------------------

@pytest.mark.parametrize("params, error, words", [
    ([np.ones(2)], TypeError, ["dict", "got 'list'"]),
    ({}, TypeError, ["non-empty dict", "got 'dict'"]),
    ({"x": [1.0, 2.0]}, TypeError, ["params['x'] is list, not a NumPy array"]),
    ({"x": np.ones(2, np.float32)}, TypeError, ["params['x'] has dtype float32", "params['x'].astype(np.float64)"]),
])
def test_params_are_refused_with_a_message_naming_the_parameter_and_what_it_is(params, error, words):
    with pytest.raises(error) as caught:
        gradcheck.validate_params(params)
    assert all(word in str(caught.value) for word in words), str(caught.value)


def test_read_only_params_are_refused_by_name():
    x = np.ones(2)
    x.flags.writeable = False
    with pytest.raises(ValueError, match=r"params\['x'\] is read-only"):
        gradcheck.check_gradients(quadratic, {"x": x, "b": np.ones(2)})


def test_a_non_contiguous_parameter_is_refused_before_any_entry_moves():
    params = {"x": np.arange(12.0).reshape(2, 6)[:, ::2], "b": np.ones(2)}
    before = params["x"].copy()
    with pytest.raises(ValueError, match="contiguous"):
        gradcheck.check_gradients(quadratic, params)
    assert params["x"].tobytes() == before.tobytes()


@pytest.mark.parametrize("grads, error, words", [
    ([1.0], TypeError, ["grads must be a dict", "got list"]),
    ({"x": np.ones((2, 3)), "b": np.ones(2), "c": 1.0}, KeyError, ["missing []", "unexpected ['c']"]),
    ({"x": np.ones((2, 3)), "b": np.ones(3)}, ValueError, ["grads['b'] has shape (3,) but params['b'] has shape (2,)"]),
])
def test_grads_are_refused_with_a_message_naming_what_differs(grads, error, words):
    with pytest.raises(error) as caught:
        gradcheck.validate_grads(fresh(), grads)
    assert all(word in str(caught.value) for word in words), str(caught.value)


# --- kinks: only where the one-sided slopes disagree, at the entry itself ------------------------

def piecewise(corner, left=-1.0, right=3.0):
    """f(x) = left (x - corner) below corner, right (x - corner) above: slopes that disagree there."""
    def f(params):
        x = float(params["x"][0])
        return (left if x < corner else right) * (x - corner), None
    return f


def kink_verdict(f, analytic, x0=0.0, eps=gradcheck.EPS):
    params = {"x": np.array([x0])}
    flat = params["x"]
    f0 = f(params)[0]
    flat[0] = x0 + eps
    fplus = f(params)[0]
    flat[0] = x0 - eps
    fminus = f(params)[0]
    flat[0] = x0
    verdict = gradcheck._on_kink(f, params, flat, 0, eps, f0, fplus, fminus, analytic)
    assert params["x"][0] == x0  # restored
    return verdict


def test_a_one_sided_derivative_at_a_kink_is_excused():
    eps = gradcheck.EPS
    assert kink_verdict(piecewise(0.0), -1.0)  # the left slope, as ReLU'(0) = 0 takes it
    assert kink_verdict(piecewise(0.0), 3.0)
    assert kink_verdict(piecewise(0.0), 0.0)  # a subgradient between them
    assert not kink_verdict(piecewise(0.0), 5.0)  # outside both slopes: a bug
    assert not kink_verdict(piecewise(0.0), -2.0)
    # a corner within the first step right: the slopes at the point are -1 and 1, not the 3 beyond
    assert kink_verdict(piecewise(0.5 * eps), 1.0) and not kink_verdict(piecewise(0.5 * eps), 2.0)


@pytest.mark.parametrize("corner", [2.5, -2.5, 3.5, -3.5])
def test_a_kink_outside_the_stencil_is_not_the_entry_s(corner):
    assert not kink_verdict(piecewise(corner * gradcheck.EPS), 3.0 if corner < 0 else -1.0)  # the one slope seen


@pytest.mark.parametrize("x0", [1.0, -1.0])
def test_a_smooth_loss_has_no_kink_even_when_the_analytic_value_is_just_off(x0):
    def square(params):
        return float(params["x"][0]) ** 2, None
    # just off the true 2 x0, but between the one-sided slopes at eps: no kink to excuse it
    assert not kink_verdict(square, 2.0 * x0 + 0.5 * gradcheck.EPS, x0=x0)


# --- the fast mode ------------------------------------------------------------------------------

def test_directional_check_is_reproducible_by_seed_and_seed_0_by_default():
    a = gradcheck.directional_check(quadratic, fresh())
    b = gradcheck.directional_check(quadratic, fresh(), seed=0)
    c = gradcheck.directional_check(quadratic, fresh(), seed=1)
    assert a.analytic.tolist() == b.analytic.tolist() != c.analytic.tolist()


def test_each_direction_is_a_unit_vector():
    def line(params):
        return 5.0 * float(params["x"][0]), {"x": np.array([5.0])}
    report = gradcheck.directional_check(line, {"x": np.array([0.3])}, n_directions=6)
    assert np.allclose(np.abs(report.analytic), 5.0)  # one entry: every unit direction is +1 or -1
    assert np.allclose(report.numeric, report.analytic)


def test_a_bug_that_cancels_along_every_parameter_s_all_ones_direction_is_still_caught():
    def cancels(params):
        loss, grads = quadratic(params)
        grads["x"] = grads["x"] + np.array([[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]])
        return loss, grads
    assert not gradcheck.directional_check(cancels, fresh()).passed


def test_directional_report_keeps_its_inputs_and_judges_at_its_own_eps():
    report = gradcheck.directional_check(quadratic, fresh(), eps=1e-4, threshold=1e-6)
    assert (report.threshold, report.eps, report.loss) == (1e-6, 1e-4, quadratic(fresh())[0])
    assert report.rel_errors.tolist() == gradcheck.rel_error(report.analytic, report.numeric).tolist()
    assert report.max_rel_error == max(report.rel_errors) and report.passed


def test_initial_loss_exactly_at_the_tolerance_passes():
    loss = math.log(10) + 0.25
    passed, expected, difference = gradcheck.check_initial_loss(loss, 10, tolerance=loss - math.log(10))
    assert passed and expected == math.log(10) and difference == loss - math.log(10)


# --- the verdict words and the tables a reader relies on -----------------------------------------

@pytest.mark.parametrize("passed, worst, word", [
    (False, 0.5, "FAIL"), (False, 0.0, "FAIL"), (True, 1e-5, "pass (within round-off)"), (True, 1e-7, "pass"),
    (True, 0.0, "pass"),
])
def test_the_verdict_word_for_each_outcome(passed, worst, word):
    class Stub(object):
        threshold = 1e-7
    stub = Stub()
    stub.passed, stub.max_rel_error = passed, worst
    assert gradcheck.verdict(stub) == word


def test_the_table_shows_each_column_the_shape_the_worst_index_and_the_overall_verdict():
    table = gradcheck.check_gradients(one_entry_wrong, fresh(), eps=1e-4, threshold=1e-6).table()
    lines = table.splitlines()
    for column in ["param", "shape", "max rel", "worst at", "analytic", "numeric", "ratio med", "spread",
                   "kinks", "verdict"]:
        assert column in lines[0]
    assert set(lines[1]) == {"-"} and len(lines[1]) == len(lines[0])
    x_row = next(line for line in lines if line.startswith("x "))
    assert " 2x3 " in x_row and " 1,2 " in x_row and x_row.endswith("FAIL")
    assert next(line for line in lines if line.startswith("b ")).endswith("pass")
    assert "overall: FAIL (" in table and "at eps = 0.0001 an entry fails above 1e-06" in table
    assert "overall: PASS (" in gradcheck.check_gradients(quadratic, fresh()).table()


def test_the_table_lists_each_kink_by_its_full_index():
    params, X, y = problems.toy_problem(7, 5, 6, 4, 0)
    params["b1"][2] = -(X @ params["W1"])[3, 2]
    table = gradcheck.check_gradients(lambda p: net.loss(p, X, y), params).table()
    assert any(re.match(r"  kink: W1\[\d+,2\] left slope ", line) for line in table.splitlines())


def test_the_directional_table_has_a_row_per_direction_and_the_verdict():
    good = gradcheck.directional_check(quadratic, fresh(), n_directions=3)
    lines = good.table().splitlines()
    assert all(column in lines[0] for column in ["direction", "grads . v", "numeric", "rel error"])
    assert len(lines) == 1 + 3 + 1 and [line.split()[0] for line in lines[1:4]] == ["0", "1", "2"]
    assert lines[-1].startswith("directional check: PASS (")
    assert gradcheck.directional_check(one_entry_wrong, fresh()).table().splitlines()[-1].startswith(
        "directional check: FAIL (")


def test_a_table_carries_the_legend_of_the_bands_unless_asked_not_to():
    params, X, y = problems.toy_problem(4, 3, 5, 2, 0)
    report = gradcheck.check_gradients(lambda p: net.loss(p, X, y), params)
    legend = gradcheck.legend(report.threshold, report.eps)
    assert report.table().endswith(legend) and gradcheck.format_table(report).endswith(legend)
    without = report.table(with_legend=False)
    assert legend not in without and without.splitlines()[-1].startswith("overall: PASS")
    assert gradcheck.format_table(report, with_legend=False) == without
