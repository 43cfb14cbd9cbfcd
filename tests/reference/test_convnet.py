"""The convolutional reference network (reference/convnet.py) and its Network
(reference/networks/convnet.py): gradients against central differences, everything against an
independent computation (plain loops, complex-step derivatives), the pool's tie rule, the
interface, and the problems the diagnoser draws."""
import cmath

import numpy as np
import pytest

from reference import convnet, gradcheck
from reference.networks.convnet import NETWORK, distinct_axes

BASE = NETWORK.base  # N=3, Cin=2, Hin=4, Win=8, F=5, K=3, C=7
K1 = {"N": 4, "Cin": 3, "Hin": 6, "Win": 2, "F": 2, "K": 1, "C": 5}
SQUARE = NETWORK.square
SIZES = [BASE, K1, SQUARE]
NAMES = ("W1", "b1", "W2", "b2")


# -- an independent computation: plain loops over every index, on complex numbers ----------

def loop_forward(params, X, y, reg):
    """Loss and scores of the convnet, one index at a time, in Python numbers (complex welcome).

    Cross-correlation over explicit zero padding, ReLU and the pool's maximum decided on the real
    part, the first maximum in row-major order kept on a tie, log-softmax shifted by the real
    row maximum (a constant shift leaves the loss unchanged)."""
    W1, b1, W2, b2 = (params[k].tolist() for k in NAMES)
    X = X.tolist()
    N, Cin, Hin, Win = len(X), len(X[0]), len(X[0][0]), len(X[0][0][0])
    F, K, C = len(W1), len(W1[0][0]), len(b2)
    P = (K - 1) // 2
    xpad = [[[[0.0] * (Win + 2 * P) for _ in range(Hin + 2 * P)] for _ in range(Cin)] for _ in range(N)]
    for n in range(N):
        for c in range(Cin):
            for i in range(Hin):
                for j in range(Win):
                    xpad[n][c][i + P][j + P] = X[n][c][i][j]
    total = 0.0
    scores_all = []
    for n in range(N):
        flat = []
        for f in range(F):
            a = [[0.0] * Win for _ in range(Hin)]
            for i in range(Hin):
                for j in range(Win):
                    z = b1[f]
                    for c in range(Cin):
                        for p in range(K):
                            for q in range(K):
                                z = z + xpad[n][c][i + p][j + q] * W1[f][c][p][q]
                    a[i][j] = z if z.real > 0 else 0.0
            for i in range(0, Hin, 2):
                for j in range(0, Win, 2):
                    best = a[i][j]
                    for r, s in ((0, 1), (1, 0), (1, 1)):  # row-major after (0, 0); ties keep the first
                        if a[i + r][j + s].real > best.real:
                            best = a[i + r][j + s]
                    flat.append(best)
        scores = []
        for k in range(C):
            s = b2[k]
            for d in range(len(flat)):
                s = s + flat[d] * W2[d][k]
            scores.append(s)
        m = max(s.real for s in scores)
        log_norm = cmath.log(sum(cmath.exp(s - m) for s in scores))
        total = total - (scores[y[n]] - m - log_norm) / N
        scores_all.append(scores)
    penalty = sum(v * v for v in params["W1"].ravel().tolist()) + sum(v * v for v in params["W2"].ravel().tolist())
    return total + 0.5 * reg * penalty, scores_all


def loop_loss(params, X, y, reg=0.0):
    """The loop version's loss alone."""
    return loop_forward(params, X, y, reg)[0]


def complex_step(params, X, y, reg, h=1e-30):
    """Every gradient entry, and dX, as Im L(theta + i h e) / h: no subtraction, no round-off."""
    arrays = dict(params, X=X)
    grads = {}
    for name, array in arrays.items():
        grad = np.zeros(array.shape)
        for index in np.ndindex(array.shape):
            shifted = {k: v.astype(complex) if k == name else v for k, v in arrays.items()}
            shifted[name][index] += 1j * h
            X_at = shifted.pop("X")
            grad[index] = loop_loss(shifted, X_at, y, reg).imag / h
        grads[name] = grad
    return grads


def worst_rel_error(a, b):
    """The largest elementwise |a - b| / (|a| + |b|) (0 where both are 0)."""
    return float(gradcheck.rel_error(a, b).max())


# -- gradients against central differences --------------------------------------------------

DRAWN = [NETWORK.draw_sizes(np.random.default_rng(seed)) for seed in (1, 2, 3)]


@pytest.mark.parametrize("sizes, seed, reg", [(BASE, 0, 0.0), (BASE, 1, 0.3), (K1, 2, 0.3), (SQUARE, 3, 0.0)]
                         + [(drawn[0], 4 + i, 0.3 * (i % 2)) for i, drawn in enumerate(DRAWN)])
def test_gradients_and_dX_match_central_differences(sizes, seed, reg):
    params, X, y = NETWORK.problem(sizes, seed)

    def f(arrays):
        inputs = {k: v for k, v in arrays.items() if k != "X"}
        total, grads, dX = convnet.loss(inputs, arrays["X"], y, reg, return_dX=True)
        return total, dict(grads, X=dX)

    report = gradcheck.check_gradients(f, dict(params, X=X.copy()), kinks=False)
    assert report.passed, report.table()


# -- an independent computation ------------------------------------------------------------

@pytest.mark.parametrize("sizes, seed, reg", [(BASE, 0, 0.25), (K1, 1, 0.0)])
def test_loss_and_every_gradient_agree_with_loops_and_complex_steps(sizes, seed, reg):
    params, X, y = NETWORK.problem(sizes, seed)
    total, grads, dX = convnet.loss(params, X, y, reg, return_dX=True)
    expected = complex(loop_loss(params, X, y, reg))
    assert expected.imag == 0.0
    assert worst_rel_error(total, expected.real) < 1e-10
    steps = complex_step(params, X, y, reg)
    for name in NAMES:
        assert worst_rel_error(grads[name], steps[name]) < 1e-10, name
    assert worst_rel_error(dX, steps["X"]) < 1e-10


def test_features_times_the_top_layer_are_the_scores():
    params, X, y = NETWORK.problem(BASE, 0)
    _, scores = loop_forward(params, X, y, 0.0)
    W, b = (params[name] for name in NETWORK.top)
    assert NETWORK.features(params, X).shape == (3, 5 * 2 * 4)
    np.testing.assert_allclose(NETWORK.features(params, X) @ W + b, np.array(scores, dtype=float), rtol=1e-12)


# -- the pool's tie rule -------------------------------------------------------------------

def test_a_pool_tie_goes_to_the_first_maximum_in_row_major_order():
    a = np.array([[[[1.0, 3.0, 2.0, 2.0, 0.0, 1.0],
                    [3.0, 0.0, 2.0, 2.0, 5.0, 5.0]]]])  # (1, 1, 2, 6): three windows, each tied
    pooled, cache = convnet.max_pool_forward(a)
    np.testing.assert_array_equal(pooled, [[[[3.0, 2.0, 5.0]]]])
    da = convnet.max_pool_backward(np.array([[[[10.0, 20.0, 30.0]]]]), cache)
    np.testing.assert_array_equal(da, [[[[0.0, 10.0, 20.0, 0.0, 0.0, 0.0],
                                         [0.0, 0.0, 0.0, 0.0, 30.0, 0.0]]]])


def test_the_loop_pool_keeps_the_first_maximum_too():
    """Only the first of two tied z in a window reads W2's row: the same routing in both versions."""
    params = {"W1": np.ones((1, 1, 1, 1)), "b1": np.zeros(1), "W2": np.array([[1.0, -1.0]]), "b2": np.zeros(2)}
    X = np.array([[[[0.5, 2.0], [2.0, 1.0]]]])
    y = np.array([0])
    _, grads, dX = convnet.loss(params, X, y, return_dX=True)
    np.testing.assert_allclose(dX, complex_step(params, X, y, 0.0)["X"], rtol=1e-12)
    assert dX[0, 0, 0, 1] != 0 and dX[0, 0, 1, 0] == 0


# -- the interface -------------------------------------------------------------------------

def test_nothing_passed_in_is_modified_and_shapes_follow_params():
    params, X, y = NETWORK.problem(BASE, 0)
    before = {k: v.tobytes() for k, v in dict(params, X=X, y=y).items()}
    total, grads, dX = convnet.loss(params, X, y, 0.5, return_dX=True)
    assert {k: v.tobytes() for k, v in dict(params, X=X, y=y).items()} == before
    assert list(grads) == list(params)
    assert all(grads[k].shape == params[k].shape and grads[k].dtype == np.float64 for k in params)
    assert dX.shape == X.shape and dX.dtype == np.float64
    assert len(convnet.loss(params, X, y)) == 2


def test_shapes_match_init():
    for sizes in SIZES:
        shapes = NETWORK.shapes(sizes)
        params, X, y = NETWORK.problem(sizes, 0)
        assert {k: v.shape for k, v in params.items()} == {k: shapes[k] for k in NAMES}
        assert (X.shape, y.shape) == (shapes["X"], shapes["y"])
        assert all(np.all(v != 0) for v in params.values())
    assert sum(int(np.prod(s)) for k, s in NETWORK.shapes(BASE).items() if k in NAMES) == 382


# -- the problems the diagnoser draws ------------------------------------------------------

def test_problems_are_acceptable_lively_and_deterministic():
    for sizes in SIZES:
        params, X, y = NETWORK.problem(sizes, 7)
        assert NETWORK.acceptable(params, X) and NETWORK.lively(params, X)
        again, X_again, y_again = NETWORK.problem(sizes, 7)
        assert np.array_equal(X, X_again) and np.array_equal(y, y_again)
        assert all(np.array_equal(params[k], again[k]) for k in NAMES)


def test_acceptable_refuses_a_z_on_the_kink_and_a_tie_in_a_window():
    params, X, y = NETWORK.problem(K1, 0)
    z = NETWORK.pre_activations(params, X)
    on_kink = {k: v.copy() for k, v in params.items()}
    on_kink["b1"][0] -= z[0, 0, 0, 0]
    assert not NETWORK.acceptable(on_kink, X)
    tied = X.copy()
    for i, j in ((0, 1), (1, 0), (1, 1)):
        tied[:, :, i, j] = X[:, :, 0, 0]  # K = 1: the first window's four z are equal
    assert (NETWORK.pre_activations(params, tied)[:, :, 0, 0] > 0).any()  # a tie at a positive maximum
    assert not NETWORK.acceptable(params, tied)


@pytest.mark.parametrize("seed", range(50))
def test_drawn_sizes_are_small_distinct_and_square_where_asked(seed):
    base, square, batch_n = NETWORK.draw_sizes(np.random.default_rng(seed))
    assert set(base) == set(square) == set(NETWORK.size_names)
    assert 2 <= base["N"] <= 5 and 1 <= base["Cin"] <= 3 and 2 <= base["F"] <= 6 and 2 <= base["C"] <= 8
    assert all(base[s] % 2 == 0 and 2 <= base[s] <= 8 for s in ("Hin", "Win")) and base["Hin"] != base["Win"]
    assert base["K"] in (1, 3) and distinct_axes(base)
    assert square["Cin"] == square["F"] and square["Hin"] == square["Win"] and square["Hin"] % 2 == 0
    assert batch_n != base["N"] and batch_n >= 2


def test_drawn_sizes_give_acceptable_problems_quickly():
    for seed in range(1, 6):
        base, square, _ = NETWORK.draw_sizes(np.random.default_rng(seed))
        for sizes in (base, square):
            params, X, _ = NETWORK.problem(sizes, seed)
            assert NETWORK.acceptable(params, X)


def test_dead_filters_have_exactly_zero_gradient():
    params, X, y = NETWORK.problem(BASE, 0)
    dead = NETWORK.dead(params, X, [1, 3], -1e3)
    assert dead is not None and dead.layer == "the conv layer" and dead.z_max < 0
    assert params["b1"][1] != -1e3  # a copy was changed
    assert len(dead.entries) == 2 * (2 * 2 + 1 + 7)  # 2 taps of W1[u] per channel, b1[u], one row of W2
    f = lambda p: convnet.loss(p, X, y)  # noqa: E731
    _, grads = f(dead.params)
    changes = [c for name, index in dead.entries for c in
               (((name, int(np.ravel_multi_index(index, dead.params[name].shape)), dead.params[name][index] + 1e-5),),
                ((name, int(np.ravel_multi_index(index, dead.params[name].shape)), dead.params[name][index] - 1e-5),))]
    values = np.array(gradcheck.losses_at(f, dead.params, changes))
    assert np.all(values[0::2] == values[1::2])  # the loss is flat along every entry
    assert all(grads[name][index] == 0.0 for name, index in dead.entries)
    live = [name for name, index in dead.entries if name == "W2"]
    assert live and np.any(grads["W2"] != 0)  # the other filters still carry gradient


def test_logits_near_1e4_give_a_finite_loss_equal_to_the_stable_log_sum_exp():
    params, X, y = NETWORK.problem(BASE, 3)
    params = dict(params, W2=params["W2"] * 3e3, b2=params["b2"] * 3e3)
    scores = NETWORK.features(params, X) @ params["W2"] + params["b2"]
    assert np.abs(scores).max() > 1e3
    top = scores.max(axis=1, keepdims=True)
    expected = float(np.mean(top[:, 0] + np.log(np.exp(scores - top).sum(axis=1)) - scores[np.arange(len(y)), y]))
    value, grads = convnet.loss(params, X, y)
    assert np.isfinite(value) and value == pytest.approx(expected, rel=1e-12)
    assert all(np.isfinite(g).all() for g in grads.values())


def test_a_filter_exactly_on_the_kink_passes_no_gradient():
    """ReLU'(0) = 0: with W1[f] = 0 and b1[f] = 0, z[:, f] is exactly 0 everywhere, and filter f passes
    nothing back: db1[f] and dW1[f] are exactly 0 (a mask z >= 0 would let the pool's routed gradient in)."""
    params, X, y = NETWORK.problem(BASE, 4)
    params = {k: v.copy() for k, v in params.items()}
    params["W1"][1] = 0.0
    params["b1"][1] = 0.0
    _, grads = convnet.loss(params, X, y)
    assert grads["b1"][1] == 0.0 and not grads["W1"][1].any()
    assert grads["b1"][0] != 0.0
