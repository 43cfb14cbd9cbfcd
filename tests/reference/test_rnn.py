"""The vanilla RNN: gradients against central differences, loss and every gradient against an
independent complex-step computation, the stated conventions, and its Network for the diagnoser."""
import cmath

import numpy as np
import pytest

from reference import gradcheck, net, rnn
from reference.networks.rnn import LENGTH_RANGE, NETWORK, SATURATION, Rnn

NAMES = ["Wx", "Wh", "b", "Wy", "by"]
# (N, T, D, H, C): the documented toy sizes, the square sizes, two more with every axis distinct,
# and a one-class-per-step-heavy one with C > H.
SIZES = [
    NETWORK.base,
    NETWORK.square,
    {"N": 3, "T": 6, "D": 5, "H": 4, "C": 7},
    {"N": 6, "T": 3, "D": 2, "H": 5, "C": 4},
]
COMPLEX_STEP = 1e-30


def sized(sizes):
    return "N%(N)d-T%(T)d-D%(D)d-H%(H)d-C%(C)d" % sizes


@pytest.mark.parametrize("reg", [0.0, 0.1, 1.5])
@pytest.mark.parametrize("sizes", SIZES, ids=sized)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_parameter_gradients_match_central_differences(sizes, seed, reg):
    params, X, y = NETWORK.problem(sizes, seed)
    report = gradcheck.check_gradients(lambda p: rnn.loss(p, X, y, reg), params, kinks=False)
    # passed, not max_rel_error: at reg = 1.5 the loss is near 19 and a gradient entry where the
    # penalty cancels the data term (about 3e-5) differs from its central difference by less than
    # the difference's own round-off (about 3e-9), which no relative error can judge.
    assert report.passed, report.table()


@pytest.mark.parametrize("reg", [0.0, 0.7])
@pytest.mark.parametrize("sizes", SIZES, ids=sized)
def test_input_gradient_matches_central_differences(sizes, reg):
    params, X, y = NETWORK.problem(sizes, 3)

    def f(inputs):
        total, _, dX = rnn.loss(params, inputs["X"], y, reg, return_dX=True)
        return total, {"X": dX}

    report = gradcheck.check_gradients(f, {"X": X.copy()}, kinks=False)
    assert report.passed, report.table()


def plain_forward(params, X, y, reg):
    """(loss, scores) one sequence, one step and one unit at a time, in plain Python complex numbers.

    scores[n][t] is the list of the C logits of sequence n at step t (t from 0). The log-softmax
    is shifted by the largest real part, a real constant, so a complex step goes through it."""
    Wx, Wh, b, Wy, by = (np.asarray(params[k], dtype=complex).tolist() for k in NAMES)
    X = np.asarray(X, dtype=complex).tolist()
    N, T, D, H, C = len(X), len(X[0]), len(Wx), len(b), len(by)
    total = 0j
    scores = []
    for n in range(N):
        h = [0j] * H
        scores.append([])
        for t in range(T):
            x = X[n][t]
            h = [cmath.tanh(sum(x[d] * Wx[d][j] for d in range(D)) + sum(h[i] * Wh[i][j] for i in range(H)) + b[j])
                 for j in range(H)]
            s = [sum(h[j] * Wy[j][c] for j in range(H)) + by[c] for c in range(C)]
            scores[n].append(s)
            top = max(v.real for v in s)
            log_sum = top + cmath.log(sum(cmath.exp(v - top) for v in s))
            total += log_sum - s[int(y[n][t])]
    squares = sum(w * w for matrix in (Wx, Wh, Wy) for row in matrix for w in row)
    return total / N + 0.5 * reg * squares, scores


def complex_step_gradients(params, X, y, reg):
    """Every entry of every gradient, and of dX, as Im f(x + ih) / h with h = 1e-30: no
    subtraction, so exact to round-off; the loss is the real part at h = 0."""
    value = plain_forward(params, X, y, reg)[0].real
    arrays = dict(params, X=X)
    grads = {}
    for name, array in arrays.items():
        grad = np.zeros(array.shape)
        for index in np.ndindex(*array.shape):
            moved = {k: np.asarray(v, dtype=complex) for k, v in arrays.items()}
            moved[name][index] += 1j * COMPLEX_STEP
            X_moved = moved.pop("X")
            grad[index] = plain_forward(moved, X_moved, y, reg)[0].imag / COMPLEX_STEP
        grads[name] = grad
    return value, grads


@pytest.mark.parametrize("reg", [0.0, 0.3])
@pytest.mark.parametrize("sizes", SIZES, ids=sized)
def test_loss_and_every_gradient_equal_an_independent_complex_step_computation(sizes, reg):
    params, X, y = NETWORK.problem(sizes, 4)
    value, expected = complex_step_gradients(params, X, y, reg)
    total, grads, dX = rnn.loss(params, X, y, reg, return_dX=True)
    assert abs(total - value) / abs(value) < 1e-10
    for name, grad in dict(grads, X=dX).items():
        errors = gradcheck.rel_error(grad, expected[name])
        assert errors.max() < 1e-10, (name, errors.max())


def dWh_from_h_t(right, dnext_h, cache):
    """dWh = h_t^T da instead of h_{t-1}^T da: (H, H) either way."""
    dx, dprev_h, dWx, _, db = right(dnext_h, cache)
    next_h = cache[4]
    return dx, dprev_h, dWx, next_h.T @ (dnext_h * (1.0 - next_h * next_h)), db


def Wh_not_transposed(right, dnext_h, cache):
    """dprev_h = da Wh instead of da Wh^T: (N, H) either way."""
    dx, _, dWx, dWh, db = right(dnext_h, cache)
    Wh, next_h = cache[3], cache[4]
    return dx, (dnext_h * (1.0 - next_h * next_h)) @ Wh, dWx, dWh, db


def tanh_prime_of_the_pre_activation(right, dnext_h, cache):
    """1 - a^2 instead of 1 - h^2 (a recovered as arctanh(h))."""
    next_h = cache[4]
    a = np.arctanh(next_h)
    scale = (1.0 - a * a) / (1.0 - next_h * next_h)
    return right(dnext_h * scale, cache)


@pytest.mark.parametrize("slip, failing", [
    (dWh_from_h_t, ["Wh"]),
    (Wh_not_transposed, ["Wx", "Wh", "b", "X"]),
    (tanh_prime_of_the_pre_activation, ["Wx", "Wh", "b", "X"]),
], ids=lambda v: getattr(v, "__name__", ""))
def test_the_independent_computation_catches_the_slips_that_keep_every_shape(monkeypatch, slip, failing):
    """The complex-step comparison can fail: each slip of BPTT that the shape invariant cannot see
    shows in exactly the gradients it reaches."""
    right = rnn.rnn_step_backward
    monkeypatch.setattr(rnn, "rnn_step_backward", lambda dnext_h, cache: slip(right, dnext_h, cache))
    params, X, y = NETWORK.problem(NETWORK.base, 4)
    _, expected = complex_step_gradients(params, X, y, 0.0)
    _, grads, dX = rnn.loss(params, X, y, return_dX=True)
    wrong = [k for k, g in dict(grads, X=dX).items() if gradcheck.rel_error(g, expected[k]).max() >= 1e-10]
    assert wrong == failing


def test_the_loss_at_a_zero_output_layer_is_exactly_T_log_C():
    """Every step's softmax is uniform, and the steps add up: T log C, not log C."""
    sizes = {"N": 3, "T": 6, "D": 5, "H": 4, "C": 7}
    params, X, y = NETWORK.problem(sizes, 0)
    params = dict(params, Wy=np.zeros((4, 7)), by=np.zeros(7))
    assert rnn.loss(params, X, y)[0] == pytest.approx(6 * np.log(7), rel=1e-14)


def test_dscores_divided_by_N_times_T_scales_every_gradient_by_1_over_T(monkeypatch):
    params, X, y = NETWORK.problem(NETWORK.base, 2)
    _, right, right_dX = rnn.loss(params, X, y, return_dX=True)
    fused = rnn.temporal_softmax_cross_entropy

    def over_N_T(scores, labels):
        value, dscores = fused(scores, labels)
        return value, dscores / scores.shape[1]

    monkeypatch.setattr(rnn, "temporal_softmax_cross_entropy", over_N_T)
    _, wrong, wrong_dX = rnn.loss(params, X, y, return_dX=True)
    T = X.shape[1]
    for name in NAMES:
        np.testing.assert_allclose(wrong[name] * T, right[name], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(wrong_dX * T, right_dX, rtol=1e-12, atol=1e-15)


def test_loss_is_the_sum_over_steps_of_each_steps_mean_cross_entropy():
    """1/N, not 1/(N*T): step t contributes its batch mean, and the steps add up."""
    params, X, y = NETWORK.problem({"N": 5, "T": 6, "D": 3, "H": 4, "C": 7}, 0)
    scores = (NETWORK.features(params, X) @ params["Wy"] + params["by"]).reshape(5, 6, 7)
    per_step = [net.softmax_cross_entropy(scores[:, t, :], y[:, t]) for t in range(6)]
    assert rnn.loss(params, X, y)[0] == pytest.approx(sum(step[0] for step in per_step), rel=1e-13)
    _, dscores = rnn.temporal_softmax_cross_entropy(scores, y)
    for t, (_, step_dscores) in enumerate(per_step):
        np.testing.assert_allclose(dscores[:, t, :], step_dscores, rtol=1e-13, atol=1e-16)


def test_nothing_passed_in_is_modified():
    params, X, y = NETWORK.problem(NETWORK.base, 1)
    before = ({k: v.copy() for k, v in params.items()}, X.copy(), y.copy())
    rnn.loss(params, X, y, 0.5, return_dX=True)
    assert list(params) == list(before[0])
    for name, value in params.items():
        assert value.tobytes() == before[0][name].tobytes() and value.dtype == before[0][name].dtype
    assert X.tobytes() == before[1].tobytes() and y.tobytes() == before[2].tobytes()


def test_gradients_have_the_keys_and_shapes_of_params_and_dX_the_shape_of_X():
    params, X, y = NETWORK.problem(NETWORK.base, 0)
    result = rnn.loss(params, X, y)
    assert len(result) == 2
    total, grads, dX = rnn.loss(params, X, y, 0.1, return_dX=True)
    assert list(grads) == NAMES
    for name in NAMES:
        assert grads[name].shape == params[name].shape and grads[name].dtype == np.float64
    assert dX.shape == X.shape == (4, 5, 3) and dX.dtype == np.float64
    assert isinstance(float(total), float)


def test_a_label_far_below_the_row_maximum_gives_a_finite_loss():
    scores = np.zeros((2, 3, 4))
    scores[0, 1, 2] = 1e4
    y = np.zeros((2, 3), dtype=int)
    value, dscores = rnn.temporal_softmax_cross_entropy(scores, y)
    assert value == pytest.approx((1e4 + 5 * np.log(4)) / 2, rel=1e-12)
    assert np.all(np.isfinite(dscores))


# The Network.


def test_problem_is_acceptable_and_deterministic():
    for sizes in SIZES:
        for seed in range(5):
            params, X, y = NETWORK.problem(sizes, seed)
            again = NETWORK.problem(sizes, seed)
            assert NETWORK.acceptable(params, X)
            assert np.abs(NETWORK.features(params, X)).max() < SATURATION
            assert all(params[k].tobytes() == again[0][k].tobytes() for k in NAMES)
            assert X.tobytes() == again[1].tobytes() and y.tobytes() == again[2].tobytes()
            assert y.min() >= 0 and y.max() < sizes["C"] and y.dtype.kind == "i"


def test_a_saturated_problem_is_not_acceptable():
    params, X, _ = NETWORK.problem(NETWORK.base, 0)
    params = dict(params, b=params["b"] + 10.0)
    assert not NETWORK.acceptable(params, X)


def test_init_keeps_the_pre_activations_mostly_below_2():
    params, X, _ = NETWORK.problem({"N": 6, "T": 7, "D": 8, "H": 7, "C": 2}, 0)
    pre_activations = np.arctanh(NETWORK.features(params, X))
    assert (np.abs(pre_activations) < 2).mean() > 0.9
    assert all(np.all(params[k] != 0) for k in NAMES)


def test_shapes_match_init_and_inputs():
    for sizes in SIZES:
        rng = np.random.default_rng(0)
        X, y = NETWORK.inputs(sizes, rng)
        params = NETWORK.init(sizes, rng)
        shapes = NETWORK.shapes(sizes)
        assert set(shapes) == set(NAMES) | {"X", "y"}
        assert {k: v.shape for k, v in params.items()} == {k: shapes[k] for k in NAMES}
        assert X.shape == shapes["X"] and y.shape == shapes["y"]
        assert all(v.dtype == np.float64 for v in params.values()) and X.dtype == np.float64


def test_features_times_the_top_layer_are_the_scores():
    params, X, y = NETWORK.problem({"N": 3, "T": 6, "D": 5, "H": 4, "C": 7}, 2)
    features = NETWORK.features(params, X)
    assert features.shape == (3 * 6, 4)
    W, b = (params[k] for k in NETWORK.top)
    expected = np.array(plain_forward(params, X, y, 0.0)[1]).real.reshape(3 * 6, 7)
    np.testing.assert_allclose(features @ W + b, expected, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("seed", range(1, 51))
def test_drawn_sizes_are_valid(seed):
    base, square, batch_n = NETWORK.draw_sizes(np.random.default_rng(seed))
    N, T, D, H, C = (base[k] for k in NETWORK.size_names)
    assert 2 <= N <= 6 and 3 <= T <= 7 and all(2 <= w <= 8 for w in (D, H, C)) and H >= 3
    assert len({N, T, D, H, C}) == 5
    assert batch_n not in (N, T, D, H, C) and batch_n >= 2
    assert square["N"] == N and square["T"] == T
    assert square["D"] == square["H"] == square["C"] not in (N, T)
    second = NETWORK.draw_second_length(np.random.default_rng(seed), base, batch_n)
    assert second not in (N, T, D, H, C, batch_n) and LENGTH_RANGE[0] <= second <= LENGTH_RANGE[1]
    assert list(base) == list(square) == list(NETWORK.size_names)


def test_seed_0_sizes_are_the_documented_ones():
    assert NETWORK.base == {"N": 4, "T": 5, "D": 3, "H": 6, "C": 2}
    assert len(set(NETWORK.base.values())) == 5
    assert sum(int(np.prod(s)) for k, s in NETWORK.shapes(NETWORK.base).items() if k in NAMES) == 74
    assert NETWORK.batch_n not in NETWORK.base.values()
    assert NETWORK.second_t not in set(NETWORK.base.values()) | {NETWORK.batch_n}
    assert NETWORK.draw_second_length(np.random.default_rng(0)) not in set(NETWORK.base.values()) | {NETWORK.batch_n}
    assert NETWORK.square["D"] == NETWORK.square["H"] == NETWORK.square["C"]


def test_the_network_describes_the_module():
    assert isinstance(NETWORK, Rnn) and NETWORK.name == "rnn"
    assert NETWORK.names == NAMES
    assert NETWORK.second_length == "T" and NETWORK.top == ("Wy", "by")
    assert NETWORK.regularized == ("Wx", "Wh", "Wy") and NETWORK.exact_zero == ()
    assert NETWORK.lively(*NETWORK.problem(NETWORK.base, 0)[:2])
    params, X, y = NETWORK.problem(NETWORK.base, 0)
    assert NETWORK.dead(params, X, [1, 3], -1e3) is None
    ours, theirs = NETWORK.loss(params, X, y, 0.2, True), rnn.loss(params, X, y, 0.2, True)
    assert ours[0] == theirs[0] and np.array_equal(ours[2], theirs[2])


def test_the_regularized_parameters_are_the_ones_the_loss_penalizes():
    params, X, y = NETWORK.problem(NETWORK.base, 0)
    reg = 0.4
    penalty = rnn.loss(params, X, y, reg)[0] - rnn.loss(params, X, y)[0]
    expected = 0.5 * reg * sum(np.sum(params[k] ** 2) for k in NETWORK.regularized)
    assert penalty == pytest.approx(expected, rel=1e-12)


def test_the_recurrence_returns_the_gradient_of_the_initial_state():
    """rnn_backward's dh0 is dL/dh0 of the layer (the loss starts from h0 = 0 and drops it, but the
    layer pair is a whole cs231n layer): against central differences of sum(h * G) in h0."""
    rng = np.random.default_rng(5)
    N, T, D, H = 3, 4, 2, 5
    X, h0 = rng.standard_normal((N, T, D)), 0.3 * rng.standard_normal((N, H))
    Wx, Wh, b = 0.5 * rng.standard_normal((D, H)), 0.4 * rng.standard_normal((H, H)), 0.2 * rng.standard_normal(H)
    G = rng.standard_normal((N, T, H))
    h, caches = rnn.rnn_forward(X, h0, Wx, Wh, b)
    dh0 = rnn.rnn_backward(G, caches)[1]
    numeric = np.zeros_like(h0)
    eps = 1e-6
    for index in np.ndindex(*h0.shape):
        up, down = h0.copy(), h0.copy()
        up[index] += eps
        down[index] -= eps
        numeric[index] = (np.sum(rnn.rnn_forward(X, up, Wx, Wh, b)[0] * G)
                          - np.sum(rnn.rnn_forward(X, down, Wx, Wh, b)[0] * G)) / (2 * eps)
    assert dh0.shape == (N, H) and np.allclose(dh0, numeric, rtol=1e-6, atol=1e-9)
