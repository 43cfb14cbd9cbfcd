"""Deterministic toy problems for the reference network: parameters, inputs and labels.

What it is for: seeded float64 problems that the gradient checker, the diagnoser and the
tests share, with nonzero biases (an all-zero init can hide a wrong backward pass) and no
hidden pre-activation near the ReLU kink unless asked for.
What it is not for: realistic data. Shapes: N batch, D input, H hidden, C classes.
"""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np


def init_params(D: int, H: int, C: int, *, seed: Union[int, Sequence[int]],
                scale: Optional[float] = None) -> Dict[str, np.ndarray]:
    """Seeded parameters W1 (D, H), b1 (H,), W2 (H, C), b2 (C,), all float64 and nonzero.

    scale: standard deviation of every entry; None uses 1/sqrt(fan_in) per layer.
    """
    return init_layers((D, H, C), seed=seed, scale=scale)


def init_layers(sizes: Sequence[int], *, seed: Union[int, Sequence[int]],
                scale: Optional[float] = None) -> Dict[str, np.ndarray]:
    """Seeded parameters W1, b1, ..., WL, bL for layer widths sizes = (D, H1, ..., C)."""
    rng = np.random.default_rng(seed)
    params: Dict[str, np.ndarray] = {}
    for i in range(len(sizes) - 1):
        fan_in, fan_out = sizes[i], sizes[i + 1]
        std = 1.0 / np.sqrt(fan_in) if scale is None else scale
        params["W%d" % (i + 1)] = std * rng.standard_normal((fan_in, fan_out))
        params["b%d" % (i + 1)] = std * rng.standard_normal(fan_out)
    return params


def make_labels(N: int, C: int, rng: np.random.Generator) -> np.ndarray:
    """Integer labels of shape (N,) in which every class appears when N >= C."""
    y = np.arange(N) % C
    rng.shuffle(y)
    return y


def pre_activations(params: Dict[str, np.ndarray], X: np.ndarray) -> List[np.ndarray]:
    """Every hidden layer's pre-activation z, for a network given as W1, b1, ..., WL, bL."""
    zs = []
    h = X
    depth = len(params) // 2
    for i in range(1, depth):
        z = h @ params["W%d" % i] + params["b%d" % i]
        zs.append(z)
        h = np.maximum(z, 0.0)
    return zs


def kink_margin(params: Dict[str, np.ndarray], X: np.ndarray) -> float:
    """Smallest |z| over every hidden pre-activation: how far the problem is from a kink."""
    return min(float(np.abs(z).min()) for z in pre_activations(params, X))


def toy_problem(N: int, D: int, H: int, C: int, seed: int, *, margin: float = 1e-3,
                scale: Optional[float] = None) -> Tuple[Dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """A seeded problem (params, X, y) for the two-layer network.

    X (N, D) standard normal, y (N,) integer labels with every class present when N >= C,
    params from init_params. The seed is advanced until every hidden pre-activation is at
    least `margin` away from the ReLU kink, so a central difference with eps = 1e-5 never
    straddles it.
    """
    return layered_problem(N, (D, H, C), seed, margin=margin, scale=scale)


def layered_problem(N: int, sizes: Sequence[int], seed: int, *, margin: float = 1e-3, scale: Optional[float] = None,
                    mixed_units: bool = False) -> Tuple[Dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Like toy_problem for layer widths sizes = (D, H1, ..., HL-1, C).

    mixed_units: also require every hidden unit to be active (z > 0) on some example, so that
    no gradient is zero by accident of the draw (a unit dead on the whole batch carries no
    gradient, right or wrong), each layer to have some unit inactive somewhere, so that its
    ReLU mask matters, and its bias to decide some unit's sign, so that a mask built without
    the bias is wrong somewhere.
    """
    fallback = None
    for attempt in range(1000):
        rng = np.random.default_rng([seed, attempt, 0])
        X = rng.standard_normal((N, sizes[0]))
        y = make_labels(N, sizes[-1], rng)
        params = init_layers(sizes, seed=[seed, attempt, 1], scale=scale)
        if len(sizes) == 2 or kink_margin(params, X) >= margin:
            if not mixed_units or len(sizes) == 2 or all_mixed(params, X):
                return params, X, y
            fallback = fallback or (params, X, y)
    if fallback is not None:  # deep and narrow: no draw keeps every unit alive; the margin still holds
        return fallback
    raise ValueError("no seed within 1000 attempts keeps every |z| >= %g" % margin)


def all_mixed(params: Dict[str, np.ndarray], X: np.ndarray) -> bool:
    """Whether every hidden unit is positive on some example, each layer has a zero somewhere,
    and each layer's bias decides the sign of some pre-activation (a mask computed without the
    bias is wrong somewhere, as it is on almost every draw)."""
    return all(bool(np.any(z > 0, axis=0).all() and np.any(z <= 0)
                    and np.any((z > 0) != (z - params["b%d" % layer] > 0)))
               for layer, z in enumerate(pre_activations(params, X), start=1))
