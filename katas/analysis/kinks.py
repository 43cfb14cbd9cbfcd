"""How often a ReLU unit sits within a central difference's reach of the kink, and where.

What it is for: the numbers of `kata demo kink` and of docs/follow-ups.md: placing a unit on the
kink, telling whether a check at eps can cross it, the first-order probability that a random
initialization puts some unit within reach, and two Monte Carlo estimates of it (over the
geometry of z, and over full checks of toy problems).
What it is not for: printing (katas.commands.demo) or the checker's own kink test
(reference.gradcheck).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from reference import gradcheck, net, problems

N, D, H, C = 8, 5, 6, 3


def place_on_kink(params: dict[str, np.ndarray], X: np.ndarray, n: int, j: int, z: float) -> dict[str, np.ndarray]:
    """A copy of params with b1[j] moved so that example n's unit j has pre-activation z."""
    placed = {key: value.copy() for key, value in params.items()}
    placed["b1"][j] = z - X[n] @ placed["W1"][:, j]  # scalar: z = X[n] . W1[:, j] + b1[j]
    return placed


def reach(X: np.ndarray, eps: float) -> np.ndarray:
    """Per example, the largest |change of z[n, j]| one perturbed entry of W1[:, j] or b1[j]
    makes: eps * max(1, max_d |X[n, d]|), of shape (N,)."""
    return eps * np.maximum(1.0, np.abs(X).max(axis=1))


def straddles(params: dict[str, np.ndarray], X: np.ndarray, eps: float) -> bool:
    """Whether some central difference at eps can cross the kink of some hidden unit."""
    z = X @ params["W1"] + params["b1"]  # (N, H)
    return bool((np.abs(z) < reach(X, eps)[:, None]).any())


def _trapezoid(values: np.ndarray, grid: np.ndarray) -> float:
    return float(np.sum((values[1:] + values[:-1]) * np.diff(grid)) / 2.0)


def analytic_probability(eps: float, n: int = N, d: int = D, h: int = H) -> tuple[float, float, float, float]:
    """First-order estimate of P(some |z[n, j]| < reach) at random init, and its parts.

    With toy_problem's init (X standard normal, W1 and b1 of standard deviation 1/sqrt(D)),
    z[n, j] given X[n] is normal with variance (|X[n]|^2 + 1) / D, so its density at 0 is
    E[sqrt(D / (2 pi (|X|^2 + 1)))] over |X| ~ chi(D). One unit is within reach with
    probability about 2 * reach * density(0); the reach is eps * E[max(1, max_d |X_d|)]
    (treated as independent of the density). For the n * h units, expected count
    lam = n h 2 eps E[reach factor] density(0), and P = 1 - exp(-lam).
    Returns (P, lam, density at 0, mean reach factor).
    """
    t = np.linspace(1.0, 12.0, 20001)
    below = np.array([math.erf(v / math.sqrt(2.0)) for v in t]) ** d  # P(max_d |X_d| <= t)
    reach_factor = 1.0 + _trapezoid(1.0 - below, t)  # E[max(1, M)] = 1 + int_1^inf P(M > t) dt
    r = np.linspace(0.0, 12.0, 20001)
    chi = r ** (d - 1) * np.exp(-r * r / 2.0) / (2.0 ** (d / 2.0 - 1.0) * math.gamma(d / 2.0))
    density = _trapezoid(chi * np.sqrt(d / (2.0 * math.pi * (r * r + 1.0))), r)
    lam = n * h * 2.0 * eps * reach_factor * density
    return 1.0 - math.exp(-lam), lam, density, reach_factor


def geometric_monte_carlo(eps_values: Sequence[float], samples: int, seed: int = 0, n: int = N, d: int = D, h: int = H,
                          chunk: int = 25000) -> tuple[np.ndarray, np.ndarray]:
    """Fraction of random inits, drawn as toy_problem(margin=0.0) draws them, with some
    |z[n, j]| < reach, for each eps (vectorized over inits)."""
    rng = np.random.default_rng(seed)
    hits = np.zeros(len(eps_values), dtype=int)
    done = 0
    while done < samples:
        k = min(chunk, samples - done)
        X = rng.standard_normal((k, n, d))  # (k, N, D)
        W1 = rng.standard_normal((k, d, h)) / math.sqrt(d)  # (k, D, H)
        b1 = rng.standard_normal((k, 1, h)) / math.sqrt(d)  # (k, 1, H)
        z = X @ W1 + b1  # (k, N, H)
        factor = np.maximum(1.0, np.abs(X).max(axis=2))[:, :, None]  # (k, N, 1)
        closest = (np.abs(z) / factor).reshape(k, -1).min(axis=1)  # (k,): smallest |z| / reach factor
        hits += (closest[:, None] < np.asarray(eps_values)[None, :]).sum(axis=0)
        done += k
    return hits / float(samples), hits


def checker_monte_carlo(seeds: int, eps: float) -> tuple[int, int, int, int]:
    """Full checks at eps of seeds 0..seeds-1 of toy_problem(margin=0.0).

    Returns counts of seeds: (with a kink-marked entry, with a unit within reach at eps,
    within reach at 2 eps, kink-marked and within reach at 2 eps). The kink test looks out to
    +-2 eps, on the entries that failed at +-eps.
    """
    marked = near = near_twice = explained = 0
    for seed in range(seeds):
        params, X, y = problems.toy_problem(N, D, H, C, seed, margin=0.0)
        report = gradcheck.check_gradients(lambda p: net.loss(p, X, y), params, eps=eps)
        kink = any(p.n_kinks for p in report.params.values())
        twice = straddles(params, X, 2.0 * eps)
        marked += kink
        near += straddles(params, X, eps)
        near_twice += twice
        explained += kink and twice
    return marked, near, near_twice, explained
