"""The kink analysis: a unit placed within eps of ReLU's kink, and how likely a random one is."""
import pytest

from katas.analysis import kinks
from reference import gradcheck, net, problems


def test_a_unit_placed_within_eps_of_the_kink_is_marked_not_failed():
    params, X, y = problems.toy_problem(kinks.N, kinks.D, kinks.H, kinks.C, 0)
    placed = kinks.place_on_kink(params, X, 0, 0, 0.3 * gradcheck.EPS)
    z = X @ placed["W1"] + placed["b1"]
    assert z[0, 0] == pytest.approx(0.3 * gradcheck.EPS, abs=1e-15)
    report = gradcheck.check_gradients(lambda p: net.loss(p, X, y), placed)
    b1 = report.params["b1"]
    assert b1.kinks[0] and not b1.failed.any() and report.passed
    assert b1.rel_errors[0] > 1e-2  # the central difference itself is far off
    assert b1.analytic[0] == pytest.approx(b1.right[0], rel=1e-5)  # z > 0: the right slope
    assert kinks.straddles(placed, X, gradcheck.EPS) and not kinks.straddles(params, X, gradcheck.EPS)


def test_the_analytic_kink_probability_matches_the_monte_carlo():
    eps_values = (1e-2, 1e-3)
    fractions, hits = kinks.geometric_monte_carlo(eps_values, 40000, seed=1)
    for eps, fraction in zip(eps_values, fractions, strict=True):
        P = kinks.analytic_probability(eps)[0]
        assert fraction == pytest.approx(P, rel=0.15), (eps, fraction, P)
    P5, lam5, _, _ = kinks.analytic_probability(1e-5)
    assert 1e-4 < P5 < 1e-3 and P5 == pytest.approx(lam5, rel=1e-3)  # linear regime
