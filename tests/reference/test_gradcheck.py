"""The gradient checker: estimator, restoration, relative error, kinks, fast mode, refusals."""
import numpy as np
import pytest

from reference import gradcheck, net, problems


def quadratic(params):
    """f = sum(a * x^2) / 2 + sum(b): gradient a * x and 1, exactly known."""
    x, b = params["x"], params["b"]
    return 0.5 * np.sum(3.0 * x * x) + np.sum(b), {"x": 3.0 * x, "b": np.ones_like(b)}


def fresh():
    return {"x": np.array([[1.0, -2.0, 0.5], [0.25, 4.0, -1.0]]), "b": np.array([0.3, -0.7])}


def test_a_correct_gradient_passes_with_2P_plus_1_evaluations():
    report = gradcheck.check_gradients(quadratic, fresh())
    assert report.passed and report.evaluations == 2 * 8 + 1
    assert report.params["x"].ratio_median == pytest.approx(1.0)


def test_a_wrong_gradient_is_flagged_with_its_worst_entry_values_and_ratio():
    def f(params):
        loss, grads = quadratic(params)
        grads["x"] = grads["x"].copy()
        grads["x"][1, 2] *= 2.0
        return loss, grads

    report = gradcheck.check_gradients(f, fresh())
    x = report.params["x"]
    assert not report.passed and report.failing() == ["x"]
    assert x.worst_index == (1, 2)
    assert x.analytic_at_worst == pytest.approx(-6.0) and x.numeric_at_worst == pytest.approx(-3.0)
    assert x.max_rel_error == pytest.approx(1 / 3)
    assert x.ratio_spread == pytest.approx(1.0)
    table = report.table()
    assert "FAIL" in table and "1,2" in table and "above 1e-2" in table


def test_every_entry_is_restored_bit_for_bit():
    params = fresh()
    params["x"][0, 0] = 0.1 + 0.2  # not exactly representable after +eps -eps arithmetic
    before = {k: v.copy() for k, v in params.items()}
    ids = {k: id(v) for k, v in params.items()}
    gradcheck.check_gradients(quadratic, params)
    gradcheck.directional_check(quadratic, params)
    for k in params:
        assert id(params[k]) == ids[k]
        assert params[k].tobytes() == before[k].tobytes()


@pytest.mark.parametrize("fail_on_call", [1, 2, 3, 8])
def test_entries_are_restored_when_f_raises_mid_check(fail_on_call):
    params = fresh()
    before = {k: v.copy() for k, v in params.items()}
    calls = []

    def f(p):
        calls.append(1)
        if len(calls) == fail_on_call + 1:
            raise RuntimeError("boom")
        return quadratic(p)

    with pytest.raises(RuntimeError, match="boom"):
        gradcheck.check_gradients(f, params)
    assert all(params[k].tobytes() == before[k].tobytes() for k in params)


def test_directional_check_restores_when_f_raises():
    params = fresh()
    before = {k: v.copy() for k, v in params.items()}
    calls = []

    def f(p):
        calls.append(1)
        if len(calls) == 3:
            raise FloatingPointError("overflow")
        return quadratic(p)

    with pytest.raises(FloatingPointError):
        gradcheck.directional_check(f, params)
    assert all(params[k].tobytes() == before[k].tobytes() for k in params)


def test_rel_error_is_zero_for_two_zeros_and_not_floored():
    assert gradcheck.rel_error(0.0, 0.0) == 0.0
    assert gradcheck.rel_error(1e-9, 2e-9) == pytest.approx(1 / 3)  # no floor at 1.0 hides it
    assert gradcheck.rel_error(1.0, -1.0) == 1.0
    assert gradcheck.rel_error(np.nan, 1.0) == np.inf


def test_float32_parameters_are_refused_with_a_message_that_says_what_to_do():
    params = {"x": np.ones((2, 2), dtype=np.float32), "b": np.ones(2)}
    with pytest.raises(TypeError, match=r"float32.*astype\(np.float64\)"):
        gradcheck.check_gradients(quadratic, params)


@pytest.mark.parametrize("bad, message", [
    (lambda p: (0.0, {"x": p["x"]}), "missing \\['b'\\]"),
    (lambda p: (0.0, {"x": p["x"].T, "b": p["b"]}), "shape \\(3, 2\\) but params\\['x'\\] has shape \\(2, 3\\)"),
])
def test_grads_with_wrong_keys_or_shapes_are_refused_by_name(bad, message):
    with pytest.raises((KeyError, ValueError), match=message):
        gradcheck.check_gradients(bad, fresh())


def kink_problem():
    """Toy problem in which hidden unit 2 of example 3 sits exactly on the ReLU kink."""
    params, X, y = problems.toy_problem(7, 5, 6, 4, 0)
    params["b1"][2] = -(X @ params["W1"])[3, 2]
    assert (X @ params["W1"] + params["b1"])[3, 2] == 0.0
    return params, X, y


def test_a_unit_on_the_kink_is_marked_and_reported_apart_not_failed():
    params, X, y = kink_problem()
    report = gradcheck.check_gradients(lambda p: net.loss(p, X, y), params)
    W1, b1 = report.params["W1"], report.params["b1"]
    # Only the entries that move unit 2 can cross its kink: column 2 of W1 and b1[2].
    assert W1.kinks[:, 2].any() and not np.delete(W1.kinks, 2, axis=1).any()
    assert b1.kinks.tolist() == [False, False, True, False, False, False]
    assert not report.params["W2"].kinks.any() and not report.params["b2"].kinks.any()
    # On the kink, the central difference averages the two slopes and misses the analytic
    # value (ReLU'(0) = 0 takes the left one); the one-sided slopes explain it.
    assert gradcheck.rel_error(b1.analytic[2], b1.numeric[2]) > 1e-2
    assert b1.analytic[2] == pytest.approx(b1.left[2], rel=1e-4)
    assert report.passed
    assert "kink: b1[2]" in report.table()


def test_a_real_bug_is_not_excused_as_a_kink():
    params, X, y = kink_problem()

    def doubled_b1(p):
        loss, grads = net.loss(p, X, y)
        grads["b1"] = 2.0 * grads["b1"]
        return loss, grads

    report = gradcheck.check_gradients(doubled_b1, params)
    b1 = report.params["b1"]
    assert not report.passed
    # Every entry with a nonzero slope fails, except where a doubled value still lies
    # between the one-sided slopes of a kink (a valid subgradient there).
    assert not b1.passed and b1.failed.sum() >= 4
    assert (b1.failed | b1.kinks | (b1.numeric == 0)).all()


def test_directional_check_passes_the_reference_and_flags_a_bug():
    params, X, y = problems.toy_problem(8, 5, 6, 3, 0)
    good = gradcheck.directional_check(lambda p: net.loss(p, X, y, 0.1), params, seed=1)
    assert good.passed and good.evaluations == 9

    def no_reg_gradient(p):
        loss, grads = net.loss(p, X, y, 0.1)
        grads["W2"] = grads["W2"] - 0.1 * p["W2"]
        return loss, grads

    bad = gradcheck.directional_check(no_reg_gradient, params, seed=1)
    assert not bad.passed and bad.max_rel_error > 1e-3
    assert "FAIL" in bad.table()


def test_initial_loss_check_fails_for_a_summed_loss():
    params, X, y = problems.toy_problem(8, 5, 6, 3, 0, scale=1e-3, margin=0.0)
    mean_loss = net.loss(params, X, y)[0]  # which passes: test_net.py
    assert not gradcheck.check_initial_loss(mean_loss * 8, 3)[0]


def test_round_off_resolution_excuses_only_differences_below_it():
    noise = gradcheck.resolution(1.0, 1e-5)
    assert 1e-10 < noise < 1e-9
    tiny = gradcheck.failing_entries(np.array([1e-5]), np.array([1e-5 + noise / 2]), 1e-7, noise)
    real = gradcheck.failing_entries(np.array([1e-5]), np.array([1e-5 + 1e-8]), 1e-7, noise)
    assert not tiny.any() and real.all()


def test_an_infinite_or_nan_gradient_never_passes():
    assert gradcheck.rel_error(np.inf, 1.0) == np.inf and gradcheck.rel_error(1.0, -np.inf) == np.inf

    def infinite(params):
        loss, grads = quadratic(params)
        grads["x"] = grads["x"].copy()
        grads["x"][0, 0] = np.inf
        return loss, grads

    report = gradcheck.check_gradients(infinite, fresh())
    assert not report.passed and report.params["x"].failed[0, 0]
    assert report.params["x"].max_rel_error == np.inf


def test_the_analytic_gradient_is_taken_before_f_is_called_again():
    """A function that reuses its gradient buffer must be judged on its first answer."""
    buffer = {"x": np.zeros((2, 3)), "b": np.zeros(2)}

    def reuses_buffers(params):
        loss, grads = quadratic(params)
        for name in buffer:
            buffer[name][...] = grads[name]
        return loss, buffer

    assert gradcheck.check_gradients(reuses_buffers, fresh()).passed


def curved(scale):
    """sum(sin(k x)) with k = 200: its third derivative (k^3) makes the central difference at eps = 1e-5
    miss the true gradient by about 3e-7 relative; `scale` multiplies the returned gradient."""
    k = 200.0

    def f(params):
        x = params["x"]
        return float(np.sum(np.sin(k * x))), {"x": scale * k * np.cos(k * x)}
    return f


def test_a_small_miss_from_a_curved_loss_is_re_estimated_at_a_tenth_of_eps():
    params = {"x": np.array([0.013, 0.021, 0.037])}
    report = gradcheck.check_gradients(curved(1.0), params, kinks=False)
    assert report.passed and report.evaluations == 1 + 2 * 3 + 2 * 3  # every entry refined once
    assert report.max_rel_error < 1e-8  # the finer estimate is the one reported


def test_a_gradient_wrong_by_a_small_factor_still_fails_after_refinement():
    params = {"x": np.array([0.013, 0.021, 0.037])}
    report = gradcheck.check_gradients(curved(1.0 + 3e-6), params, kinks=False)
    assert not report.passed and report.params["x"].max_rel_error > 1e-6


def test_the_diagnoser_s_partial_checks_refine_too():
    from reference.diagnose import checks
    params = {"x": np.array([0.013, 0.021, 0.037])}
    f = curved(1.0)
    loss0, grads = f(params)
    right = checks.partial_check(f, params, loss0, grads, [("x", (0,)), ("x", (1,))], seed=0)
    assert right.passed
    f = curved(1.0 + 3e-6)
    loss0, grads = f(params)
    assert not checks.partial_check(f, params, loss0, grads, [("x", (0,)), ("x", (1,))], seed=0).passed
