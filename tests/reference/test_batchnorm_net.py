"""The batch-norm network: gradients against central differences and against an independent
complex-step computation, the stated conventions, and its Network (sizes, problems, features,
dead units)."""
import ast
import cmath
import inspect
import pathlib

import numpy as np
import pytest

from reference import batchnorm_net, gradcheck
from reference.networks.batchnorm_net import NETWORK

NAMES = ("W1", "b1", "gamma", "beta", "W2", "b2")
SIZES = [
    {"N": 8, "D": 5, "H": 6, "C": 3},
    {"N": 8, "D": 4, "H": 4, "C": 4},
    {"N": 6, "D": 3, "H": 5, "C": 4},
    {"N": 10, "D": 4, "H": 7, "C": 3},
]
STEP = 1e-30  # the complex step: no subtraction, so no cancellation, however small


def sizes_id(sizes):
    return "N%(N)d-D%(D)d-H%(H)d-C%(C)d" % sizes


# -- central differences ------------------------------------------------------------------

@pytest.mark.parametrize("reg", [0.0, 0.1, 1.5])
@pytest.mark.parametrize("sizes", SIZES, ids=sizes_id)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_parameter_gradients_match_central_differences(sizes, seed, reg):
    params, X, y = NETWORK.problem(sizes, seed)
    report = gradcheck.check_gradients(lambda p: batchnorm_net.loss(p, X, y, reg), params)
    assert report.passed, report.table()
    for name in NAMES:
        if name not in NETWORK.exact_zero:
            assert report.params[name].max_rel_error < 1e-6, report.table()
    # db1 is round-off on both sides: the central difference sees no change of the loss beyond it.
    b1 = report.params["b1"]
    assert np.abs(b1.analytic).max() < 1e-12
    assert np.abs(b1.numeric).max() <= gradcheck.resolution(report.loss, gradcheck.EPS)


@pytest.mark.parametrize("reg", [0.0, 0.7])
@pytest.mark.parametrize("sizes", SIZES, ids=sizes_id)
def test_input_gradient_matches_central_differences(sizes, reg):
    params, X, y = NETWORK.problem(sizes, 3)

    def f(inputs):
        total, _, dX = batchnorm_net.loss(params, inputs["X"], y, reg, return_dX=True)
        return total, {"X": dX}

    report = gradcheck.check_gradients(f, {"X": X.copy()})
    assert report.passed, report.table()
    assert report.max_rel_error < 1e-6, report.table()


# -- an independent computation: plain Python loops, complex step --------------------------

def looped_loss(params, X, y, reg):
    """The loss one example and one unit at a time in plain Python numbers, real or complex."""
    W1, b1, gamma, beta, W2, b2 = (np.asarray(params[k]).tolist() for k in NAMES)
    X = np.asarray(X).tolist()
    N, D, H, C = len(X), len(W1), len(b1), len(b2)
    z = [[sum(X[n][d] * W1[d][j] for d in range(D)) + b1[j] for j in range(H)] for n in range(N)]
    hidden = [[0.0] * H for _ in range(N)]
    for j in range(H):
        mean = sum(z[n][j] for n in range(N)) / N
        var = sum((z[n][j] - mean) ** 2 for n in range(N)) / N
        std = (var + 1e-5) ** 0.5
        for n in range(N):
            bn = gamma[j] * (z[n][j] - mean) / std + beta[j]
            hidden[n][j] = bn if bn.real > 0 else 0.0
    total = 0.0
    for n in range(N):
        logits = [sum(hidden[n][j] * W2[j][c] for j in range(H)) + b2[c] for c in range(C)]
        top = max(s.real for s in logits)
        log_sum = top + cmath.log(sum(cmath.exp(s - top) for s in logits))
        total += log_sum - logits[int(y[n])]
    squares = sum(w * w for row in W1 for w in row) + sum(w * w for row in W2 for w in row)
    return total / N + 0.5 * reg * squares


def complex_step(params, X, y, reg):
    """(loss, gradient of every parameter and of X): each entry Im L(x + i h) / h, h = 1e-30."""
    arrays = {k: np.array(v, dtype=complex) for k, v in params.items()}
    arrays["X"] = np.array(X, dtype=complex)
    grads = {}
    for name, array in arrays.items():
        grad = np.zeros(array.shape)
        for index in np.ndindex(*array.shape):
            saved = array[index]
            array[index] = saved + 1j * STEP
            grad[index] = looped_loss(arrays, arrays["X"], y, reg).imag / STEP
            array[index] = saved
        grads[name] = grad
    return looped_loss(params, X, y, reg).real, grads


def relative_errors(a, b):
    """Elementwise |a - b| / (|a| + |b|), 0 where both are 0."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    den = np.abs(a) + np.abs(b)
    return np.where(den > 0, np.abs(a - b) / np.where(den > 0, den, 1.0), 0.0)


def independent_errors(params, X, y, reg):
    """Relative error of the loss and of every gradient (and dX) against the complex step; for
    b1, zero in exact arithmetic, the absolute difference instead."""
    total, grads, dX = batchnorm_net.loss(params, X, y, reg, return_dX=True)
    expected_total, expected = complex_step(params, X, y, reg)
    errors = {"loss": float(relative_errors(total, expected_total))}
    for name, grad in list(grads.items()) + [("X", dX)]:
        if name in NETWORK.exact_zero:
            errors[name] = float(np.abs(grad - expected[name]).max())
        else:
            errors[name] = float(relative_errors(grad, expected[name]).max())
    return errors


@pytest.mark.parametrize("reg", [0.0, 0.3])
@pytest.mark.parametrize("sizes", SIZES, ids=sizes_id)
def test_loss_and_every_gradient_equal_a_looped_complex_step_computation(sizes, reg):
    params, X, y = NETWORK.problem(sizes, 5)
    errors = independent_errors(params, X, y, reg)
    for name, error in errors.items():
        limit = 1e-12 if name in NETWORK.exact_zero else 1e-10  # b1: an absolute floor, not relative
        assert error < limit, (name, errors)


def with_edit(function, old, new):
    """A copy of a function of reference/batchnorm_net.py with one edit of its source."""
    source = inspect.getsource(function)
    assert source.count(old) == 1, old
    namespace = dict(vars(batchnorm_net))
    exec(source.replace(old, new), namespace)
    return namespace[function.__name__]


@pytest.mark.parametrize("old, new, caught", [
    ("dz = dcentered + dmu / N", "dz = dcentered", ("W1", "b1", "X")),  # the mean's path forgotten
    ("2.0 * centered * dsquared", "0.0 * centered * dsquared", ("W1", "X")),  # the variance's path
    ("dvar = 0.5 * dstd / std", "dvar = dstd / std", ("W1", "X")),  # the square root's 1/2 forgotten
])
def test_the_looped_computation_catches_a_wrong_batchnorm_backward(monkeypatch, old, new, caught):
    """The independent check can fail: a wrong line of the backward shows in the gradients it feeds."""
    params, X, y = NETWORK.problem(NETWORK.base, 0)
    monkeypatch.setattr(batchnorm_net, "batchnorm_backward", with_edit(batchnorm_net.batchnorm_backward, old, new))
    errors = independent_errors(params, X, y, 0.0)
    for name in caught:
        assert errors[name] > (1e-6 if name in NETWORK.exact_zero else 1e-3), (name, errors)
    for name in ("gamma", "beta", "W2", "b2"):
        assert errors[name] < 1e-10, (name, errors)


# -- conventions --------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(6))
def test_db1_is_round_off_even_for_large_biases(seed):
    params, X, y = NETWORK.problem(NETWORK.base, seed)
    params["b1"] = params["b1"] * 100.0
    _, grads = batchnorm_net.loss(params, X, y, 0.2)
    assert np.abs(grads["b1"]).max() < 1e-12


def test_nothing_passed_in_is_modified_and_the_results_have_the_right_shapes():
    params, X, y = NETWORK.problem(NETWORK.base, 0)
    before = {k: (v.dtype, v.shape, v.tobytes()) for k, v in list(params.items()) + [("X", X), ("y", y)]}
    total, grads, dX = batchnorm_net.loss(params, X, y, 0.5, return_dX=True)
    after = {k: (v.dtype, v.shape, v.tobytes()) for k, v in list(params.items()) + [("X", X), ("y", y)]}
    assert after == before
    assert np.ndim(total) == 0 and np.isfinite(total)
    assert list(grads) == list(params)
    for name, grad in grads.items():
        assert grad.shape == params[name].shape and grad.dtype == np.float64, name
    assert dX.shape == X.shape and dX.dtype == np.float64


def test_default_arguments_are_no_regularization_and_no_dX():
    params, X, y = NETWORK.problem(NETWORK.base, 0)
    result = batchnorm_net.loss(params, X, y)
    assert len(result) == 2
    assert result[0] == pytest.approx(looped_loss(params, X, y, 0.0).real, rel=1e-12)
    assert NETWORK.loss(params, X, y)[0] == result[0]


def test_the_compact_backward_formula_equals_the_step_by_step_graph():
    """The docstring's one-line dz, and the zero column sums it implies."""
    rng = np.random.default_rng(11)
    z, gamma, beta = rng.standard_normal((7, 5)) * 3 + 2, rng.uniform(0.5, 1.5, 5), rng.standard_normal(5)
    dout = rng.standard_normal((7, 5))
    out, cache = batchnorm_net.batchnorm_forward(z, gamma, beta)
    dz, dgamma, dbeta = batchnorm_net.batchnorm_backward(dout, cache)
    N, std = z.shape[0], np.sqrt(z.var(axis=0) + batchnorm_net.EPS)
    xhat = (z - z.mean(axis=0)) / std
    compact = gamma / (N * std) * (N * dout - dbeta - xhat * dgamma)
    np.testing.assert_allclose(dz, compact, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dgamma, (dout * xhat).sum(axis=0), rtol=1e-12)
    assert np.abs(dz.sum(axis=0)).max() < 1e-13


def test_the_module_imports_only_numpy_and_typing():
    """A kata file made from it stands alone."""
    tree = ast.parse(pathlib.Path(batchnorm_net.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    assert imported == {"numpy", "typing"}


# -- the Network --------------------------------------------------------------------------

def test_the_network_describes_the_module():
    assert NETWORK.name == "batchnorm_net"
    assert NETWORK.names == list(NAMES)
    assert NETWORK.size_names == ("N", "D", "H", "C")
    assert (NETWORK.base, NETWORK.square, NETWORK.batch_n) == (
        {"N": 8, "D": 5, "H": 6, "C": 3}, {"N": 8, "D": 4, "H": 4, "C": 4}, 13)
    assert dict(NETWORK.layers)["the batch norm"] == ("gamma", "beta")
    assert (NETWORK.regularized, NETWORK.exact_zero, NETWORK.top) == (("W1", "W2"), ("b1",), ("W2", "b2"))
    # The documented toy sizes have 69 parameters.
    assert sum(int(np.prod(s)) for k, s in NETWORK.shapes(NETWORK.base).items() if k not in ("X", "y")) == 69


@pytest.mark.parametrize("sizes", SIZES, ids=sizes_id)
def test_shapes_match_init_and_inputs(sizes):
    rng = np.random.default_rng(4)
    X, y = NETWORK.inputs(sizes, rng)
    params = NETWORK.init(sizes, rng)
    shapes = NETWORK.shapes(sizes)
    assert list(params) == NETWORK.names
    assert {k: v.shape for k, v in params.items()} == {k: s for k, s in shapes.items() if k not in ("X", "y")}
    assert (X.shape, y.shape) == (shapes["X"], shapes["y"])
    assert y.dtype.kind == "i" and set(y.tolist()) == set(range(sizes["C"]))
    assert all(v.dtype == np.float64 and np.all(v != 0) for v in params.values())
    assert not np.all(params["gamma"] == 1.0) and np.all(np.abs(params["gamma"] - 1.0) <= 0.5)


@pytest.mark.parametrize("sizes", SIZES, ids=sizes_id)
@pytest.mark.parametrize("seed", [0, 1, 7, [3, 4]])
def test_problem_is_acceptable_lively_and_deterministic(sizes, seed):
    params, X, y = NETWORK.problem(sizes, seed)
    again, X_again, y_again = NETWORK.problem(sizes, seed)
    assert all(params[k].tobytes() == again[k].tobytes() for k in params)
    assert X.tobytes() == X_again.tobytes() and y.tobytes() == y_again.tobytes()
    assert NETWORK.acceptable(params, X)
    assert NETWORK.lively(params, X)
    other, _, _ = NETWORK.problem(sizes, 99)
    assert other["W1"].tobytes() != params["W1"].tobytes()


def test_acceptable_is_about_bn_and_lively_about_every_unit():
    params, X, _ = NETWORK.problem(NETWORK.base, 0)
    bn = NETWORK.batchnorm_out(params, X)
    assert NETWORK.acceptable(params, X, margin=float(np.abs(bn).min()))
    assert not NETWORK.acceptable(params, X, margin=float(np.abs(bn).min()) * 1.01)
    params["beta"] = params["beta"].copy()
    params["beta"][2] = 50.0  # unit 2 positive on every example
    assert not NETWORK.lively(params, X)


@pytest.mark.parametrize("seed", range(1, 51))
def test_draw_sizes_gives_distinct_axes(seed):
    base, square, batch_n = NETWORK.draw_sizes(np.random.default_rng(seed))
    N, D, H, C = (base[k] for k in NETWORK.size_names)
    assert len({N, D, H, C}) == 4 and H >= 4
    assert 5 <= N <= 10 and all(3 <= w <= 9 for w in (D, H, C))
    assert 3 <= batch_n - N <= 12 and batch_n not in (D, H, C)
    assert square["D"] == square["H"] == square["C"] and 3 <= square["D"] <= 6
    assert square["N"] != square["D"] and 5 <= square["N"] <= 10


@pytest.mark.parametrize("sizes", SIZES, ids=sizes_id)
def test_features_feed_the_scores_the_loss_uses(sizes):
    params, X, y = NETWORK.problem(sizes, 2)
    features = NETWORK.features(params, X)
    assert features.shape == (sizes["N"], sizes["H"]) and np.all(features >= 0)
    scores = features @ params["W2"] + params["b2"]
    top = scores.max(axis=1, keepdims=True)
    log_probs = scores - top - np.log(np.exp(scores - top).sum(axis=1, keepdims=True))
    expected = -log_probs[np.arange(len(y)), y].mean()
    assert batchnorm_net.loss(params, X, y)[0] == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("units", [(1, 3), (0,), (0, 5)])
@pytest.mark.parametrize("seed", [0, 1])
def test_dead_units_have_an_exactly_zero_gradient(seed, units):
    params, X, y = NETWORK.problem(NETWORK.base, seed)
    before = {k: v.tobytes() for k, v in params.items()}
    dead = NETWORK.dead(params, X, units, -1e3)
    assert dead is not None and dead.layer == "the batch norm"
    assert {k: v.tobytes() for k, v in params.items()} == before
    assert dead.z_max < 0 and dead.z_max == NETWORK.batchnorm_out(dead.params, X)[:, list(units)].max()
    assert len(dead.entries) == len(units) * (NETWORK.base["D"] + 3 + NETWORK.base["C"])
    _, grads = batchnorm_net.loss(dead.params, X, y)
    for name, index in dead.entries:
        assert grads[name][index] == 0.0, (name, index)
        work = {k: v.copy() for k, v in dead.params.items()}
        work[name][index] += gradcheck.EPS
        plus = batchnorm_net.loss(work, X, y)[0]
        work[name][index] -= 2 * gradcheck.EPS
        minus = batchnorm_net.loss(work, X, y)[0]
        assert plus == minus, (name, index)
    # The other units are alive: their gamma gradients are not zero.
    alive = [u for u in range(NETWORK.base["H"]) if u not in units]
    assert np.all(grads["gamma"][alive] != 0.0)


def test_a_very_negative_b1_kills_nothing():
    """The batch mean removes b1: bn barely moves, where a very negative beta kills the unit."""
    params, X, _ = NETWORK.problem(NETWORK.base, 0)
    shifted = {k: v.copy() for k, v in params.items()}
    shifted["b1"][[1, 3]] = -1e3
    bn, bn_shifted = NETWORK.batchnorm_out(params, X), NETWORK.batchnorm_out(shifted, X)
    np.testing.assert_allclose(bn_shifted, bn, rtol=0, atol=1e-9)
    assert np.any(bn_shifted[:, [1, 3]] > 0)


def test_logits_near_1e4_give_a_finite_loss_equal_to_the_stable_log_sum_exp():
    params, X, y = NETWORK.problem(dict(NETWORK.base), 3)
    params = dict(params, W2=params["W2"] * 3e3, b2=params["b2"] * 3e3)
    scores = NETWORK.features(params, X) @ params["W2"] + params["b2"]
    assert np.abs(scores).max() > 1e3
    top = scores.max(axis=1, keepdims=True)
    expected = float(np.mean(top[:, 0] + np.log(np.exp(scores - top).sum(axis=1)) - scores[np.arange(len(y)), y]))
    value, grads = batchnorm_net.loss(params, X, y)
    assert np.isfinite(value) and value == pytest.approx(expected, rel=1e-12)
    assert all(np.isfinite(g).all() for g in grads.values())


def test_a_unit_exactly_on_the_kink_passes_no_gradient():
    """ReLU'(0) = 0: with gamma_u = beta_u = 0, bn[:, u] is exactly 0 on every example, and unit u
    passes nothing back: dgamma_u, dbeta_u and dW1[:, u] are exactly 0."""
    params, X, y = NETWORK.problem(dict(NETWORK.base), 4)
    params = {k: v.copy() for k, v in params.items()}
    params["gamma"][2] = params["beta"][2] = 0.0
    _, grads = batchnorm_net.loss(params, X, y)
    assert grads["gamma"][2] == 0.0 and grads["beta"][2] == 0.0 and not grads["W1"][:, 2].any()
    assert grads["beta"][3] != 0.0  # the other units do pass gradient
