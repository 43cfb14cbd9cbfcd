"""The L-layer network: gradient check at depths 1 to 5, agreement with net.loss, bad keys."""
import numpy as np
import pytest

from reference import gradcheck, mlp, net, problems

N, D, H, C = 6, 4, 5, 3


def sizes(hidden_layers):
    """Layer widths (D, H, ..., H, C) with the given number of hidden layers."""
    return (D,) + (H,) * hidden_layers + (C,)


@pytest.mark.parametrize("reg", [0.0, 0.1])
@pytest.mark.parametrize("hidden_layers", [1, 2, 3, 4, 5])
def test_gradients_pass_the_check_at_every_depth(hidden_layers, reg):
    params, X, y = problems.layered_problem(N, sizes(hidden_layers), seed=hidden_layers)
    report = gradcheck.check_gradients(lambda p: mlp.loss(p, X, y, reg), params)
    assert report.passed, report.table()
    assert list(report.params) == ["%s%d" % (k, l) for l in range(1, hidden_layers + 2) for k in "Wb"]
    assert report.max_rel_error < 1e-6
    assert report.evaluations >= 2 * sum(v.size for v in params.values()) + 1


@pytest.mark.parametrize("hidden_layers", [1, 3, 5])
def test_input_gradient_passes_the_check(hidden_layers):
    params, X, y = problems.layered_problem(N, sizes(hidden_layers), seed=10 + hidden_layers)

    def f(inputs):
        total, _, dX = mlp.loss(params, inputs["X"], y, 0.1, return_dX=True)
        return total, {"X": dX}

    report = gradcheck.check_gradients(f, {"X": X.copy()})
    assert report.passed, report.table()
    assert np.abs(report.params["X"].analytic).max() > 0


def test_a_wrong_deep_gradient_fails_the_check(monkeypatch):
    """The check can fail: drop the ReLU mask of the middle hidden layer only."""
    params, X, y = problems.layered_problem(N, sizes(3), seed=0)
    original = mlp.relu_backward
    calls = []

    def unmasked_middle(dh, cache):
        calls.append(1)  # called for layers 3, 2, 1 in turn: the second call is layer 2
        return dh if len(calls) % 3 == 2 else original(dh, cache)

    monkeypatch.setattr(mlp, "relu_backward", unmasked_middle)
    report = gradcheck.check_gradients(lambda p: mlp.loss(p, X, y), params)
    assert not report.passed
    assert set(report.failing()) <= {"W1", "b1", "W2", "b2"} and "W1" in report.failing()


@pytest.mark.parametrize("reg", [0.0, 0.3])
def test_one_hidden_layer_equals_the_two_layer_network(reg):
    params, X, y = problems.toy_problem(8, 5, 6, 3, seed=4)
    deep_loss, deep_grads, deep_dX = mlp.loss(params, X, y, reg, return_dX=True)
    ref_loss, ref_grads, ref_dX = net.loss(params, X, y, reg, return_dX=True)
    assert deep_loss == ref_loss
    assert list(deep_grads) == list(ref_grads)
    for key in ref_grads:
        assert np.array_equal(deep_grads[key], ref_grads[key]), key
    assert np.array_equal(deep_dX, ref_dX)


def test_loss_leaves_its_inputs_alone():
    params, X, y = problems.layered_problem(N, sizes(2), seed=1)
    before = {k: v.copy() for k, v in params.items()}
    X_before = X.copy()
    mlp.loss(params, X, y, 0.1)
    assert all(params[k].tobytes() == before[k].tobytes() for k in params)
    assert X.tobytes() == X_before.tobytes()


def test_depth_is_inferred_from_the_keys():
    params, _, _ = problems.layered_problem(N, sizes(4), seed=2)
    assert mlp.depth(params) == 5


def bad(params, change):
    params = dict(params)
    change(params)
    return params


GOOD, _, _ = problems.layered_problem(N, sizes(2), seed=3)


@pytest.mark.parametrize("params, message", [
    (bad(GOOD, lambda p: p.pop("b2")), "missing b2"),
    (bad(GOOD, lambda p: p.pop("W3")), "missing W3"),
    (bad(GOOD, lambda p: (p.pop("W1"), p.pop("b1"))), "missing W1, b1"),
    (bad(GOOD, lambda p: p.update(gamma=np.ones(3))), "unexpected key 'gamma'"),
    (bad(GOOD, lambda p: p.update(W0=np.ones((2, 2)))), "unexpected key 'W0'"),
    ({"W1": GOOD["W1"], "b1": GOOD["b1"]}, "at least one hidden layer"),
    (bad(GOOD, lambda p: p.update(b2=np.ones(H + 1))), "b2 has shape"),
    (bad(GOOD, lambda p: p.update(W2=np.ones((H + 1, H)))), "W2 has 6 rows but W1 has 5 columns"),
    ({}, "non-empty dict"),
])
def test_malformed_params_raise_a_clear_error(params, message):
    X = np.ones((N, D))
    y = np.zeros(N, dtype=int)
    with pytest.raises(ValueError, match=message):
        mlp.loss(params, X, y)


def test_default_arguments_mean_no_regularization_and_no_dX():
    params, X, y = problems.layered_problem(N, sizes(2), seed=2)
    result = mlp.loss(params, X, y)
    assert len(result) == 2
    assert result[0] == mlp.loss(params, X, y, 0.0)[0]
    assert result[0] != mlp.loss(params, X, y, 1.0)[0]
