"""The reference network: gradients against central differences, loss against an independent
computation, numerical stability, the stated conventions."""
import math

import numpy as np
import pytest

from reference import gradcheck, net, problems

SIZES = [(8, 5, 6, 3), (7, 4, 9, 5), (10, 3, 4, 6), (3, 6, 2, 4)]


@pytest.mark.parametrize("reg", [0.0, 0.1, 1.5])
@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_parameter_gradients_match_central_differences(sizes, seed, reg):
    params, X, y = problems.toy_problem(*sizes, seed)
    report = gradcheck.check_gradients(lambda p: net.loss(p, X, y, reg), params)
    assert report.passed, report.table()
    assert report.max_rel_error < 1e-6


@pytest.mark.parametrize("reg", [0.0, 0.7])
@pytest.mark.parametrize("sizes", SIZES)
def test_input_gradient_matches_central_differences(sizes, reg):
    params, X, y = problems.toy_problem(*sizes, 3)

    def f(inputs):
        total, _, dX = net.loss(params, inputs["X"], y, reg, return_dX=True)
        return total, {"X": dX}

    report = gradcheck.check_gradients(f, {"X": X.copy()})
    assert report.passed, report.table()


def straightforward_loss(params, X, y, reg):
    """The loss one example and one unit at a time, in plain Python floats."""
    W1, b1, W2, b2 = (params[k].tolist() for k in ("W1", "b1", "W2", "b2"))
    N, D, H, C = len(X), len(W1), len(b1), len(b2)
    total = 0.0
    for n in range(N):
        hidden = [max(0.0, sum(X[n][d] * W1[d][j] for d in range(D)) + b1[j]) for j in range(H)]
        logits = [sum(hidden[j] * W2[j][c] for j in range(H)) + b2[c] for c in range(C)]
        top = max(logits)
        log_sum = top + math.log(sum(math.exp(s - top) for s in logits))
        total += log_sum - logits[int(y[n])]
    squares = sum(w * w for row in W1 for w in row) + sum(w * w for row in W2 for w in row)
    return total / N + 0.5 * reg * squares


@pytest.mark.parametrize("reg", [0.0, 0.25])
@pytest.mark.parametrize("sizes", SIZES)
def test_loss_equals_a_straightforward_computation(sizes, reg):
    params, X, y = problems.toy_problem(*sizes, 5)
    expected = straightforward_loss(params, X.tolist(), y, reg)
    assert net.loss(params, X, y, reg)[0] == pytest.approx(expected, rel=1e-12)


def test_default_arguments_are_no_regularization_and_no_dX():
    params, X, y = problems.toy_problem(8, 5, 6, 3, 0)
    result = net.loss(params, X, y)
    assert len(result) == 2
    assert result[0] == pytest.approx(straightforward_loss(params, X.tolist(), y, 0.0), rel=1e-12)


def test_softmax_stays_finite_and_exact_at_logits_of_1e4():
    scores = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4 + 3.0, -1e4 + 1.0], [5e3, 5e3, 5e3]])
    y = np.array([1, 1, 2])
    loss, dscores = net.softmax_cross_entropy(scores, y)
    assert np.isfinite(loss) and np.all(np.isfinite(dscores))
    # Row 0: the correct logit is 1e4 below the top one; row 1: log(1 + e^-3 + e^-2);
    # row 2: three equal logits.
    expected = (1e4 + math.log(1 + math.exp(-3) + math.exp(-2)) + math.log(3)) / 3
    assert loss == pytest.approx(expected, rel=1e-12)
    assert dscores[0] == pytest.approx([1 / 3, -1 / 3, 0.0], abs=1e-12)


def test_gradient_rows_sum_to_zero_and_equal_p_minus_onehot_over_N():
    scores = np.array([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]])
    y = np.array([2, 0])
    _, dscores = net.softmax_cross_entropy(scores, y)
    p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    p[[0, 1], y] -= 1.0
    assert dscores == pytest.approx(p / 2, abs=1e-15)
    assert dscores.sum(axis=1) == pytest.approx([0.0, 0.0], abs=1e-15)


def test_relu_derivative_at_zero_is_zero():
    """The stated convention ReLU'(0) = 0: a unit exactly on the kink passes no gradient."""
    z = np.array([[-1.0, 0.0, 2.0]])
    dz = net.relu_backward(np.ones_like(z), net.relu_forward(z)[1])
    assert dz.tolist() == [[0.0, 0.0, 1.0]]
    params, X, y = problems.toy_problem(8, 5, 6, 3, 0)
    X = X[:1]
    params["b1"][:] = -(X @ params["W1"])[0]  # every unit of the one example sits at z = 0
    assert not (X @ params["W1"] + params["b1"]).any()
    _, grads, dX = net.loss(params, X, y[:1], return_dX=True)
    assert not grads["b1"].any() and not grads["W1"].any() and not dX.any()


def test_affine_backward_shapes_and_values():
    x = np.arange(6.0).reshape(3, 2)
    w = np.array([[1.0, -1.0, 0.5, 2.0], [0.0, 3.0, -2.0, 1.0]])
    dout = np.arange(12.0).reshape(3, 4) - 5.0
    dx, dw, db = net.affine_backward(dout, (x, w))
    assert dx.shape == (3, 2) and dw.shape == (2, 4) and db.shape == (4,)
    assert np.array_equal(dw, x.T @ dout) and np.array_equal(dx, dout @ w.T)
    assert np.array_equal(db, dout.sum(axis=0))


def test_loss_does_not_modify_its_inputs():
    params, X, y = problems.toy_problem(8, 5, 6, 3, 1)
    before = {k: v.copy() for k, v in params.items()}, X.copy(), y.copy()
    net.loss(params, X, y, 0.3, return_dX=True)
    assert all(np.array_equal(before[0][k], params[k]) for k in params)
    assert np.array_equal(before[1], X) and np.array_equal(before[2], y)


def test_grads_have_the_keys_shapes_and_dtype_of_params():
    params, X, y = problems.toy_problem(7, 4, 9, 5, 0)
    _, grads = net.loss(params, X, y, 0.1)
    assert list(grads) == list(params)
    for name in params:
        assert grads[name].shape == params[name].shape and grads[name].dtype == np.float64


def test_initial_loss_is_near_log_C():
    params, X, y = problems.toy_problem(8, 5, 6, 3, 0, scale=1e-3, margin=0.0)
    ok, expected, difference = gradcheck.check_initial_loss(net.loss(params, X, y)[0], 3)
    assert ok and expected == pytest.approx(math.log(3)) and abs(difference) < 1e-3


def test_toy_problem_is_deterministic_and_away_from_kinks():
    a = problems.toy_problem(8, 5, 6, 3, 4)
    b = problems.toy_problem(8, 5, 6, 3, 4)
    assert all(np.array_equal(a[0][k], b[0][k]) for k in a[0])
    assert np.array_equal(a[1], b[1]) and np.array_equal(a[2], b[2])
    assert problems.kink_margin(a[0], a[1]) >= 1e-3
    assert sorted(set(a[2].tolist())) == [0, 1, 2]
    assert all(v.dtype == np.float64 and np.all(v != 0) for v in a[0].values())
