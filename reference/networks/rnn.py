"""The vanilla RNN as the diagnoser sees it: names, shapes, sizes and problems of reference/rnn.py.

What it is for: Rnn, the Network of the recurrent network (tanh recurrence, the same output layer
and softmax at every step): its parameters in forward order, the sizes every probe uses (N, T, D,
H, C, all distinct, so that a wrong axis or transpose changes a shape), the second sequence length
the length probe uses, and seeded problems whose tanh units are away from saturation.
What it is not for: the math (reference/rnn.py) or the probes (reference/diagnose/). The RNN has
no ReLU: it has no kink to keep away from and no unit to make dead (dead() is None).
"""
from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

from reference import rnn
from reference.networks.base import Dead, Network, Params, Sizes

# Ranges of the drawn sizes, both ends included. All five sizes distinct, H >= 3.
N_RANGE = (2, 6)
T_RANGE = (3, 7)
WIDTH_RANGE = (2, 8)  # D, H, C
SQUARE_RANGE = (3, 8)  # the common width D = H = C of the square sizes
BATCH_RANGE = (2, 12)  # the second batch size
LENGTH_RANGE = (2, 9)  # the second sequence length (T >= 2, so that the recurrence is used)
# |h_t| below this everywhere: tanh'(a) = 1 - h_t^2 stays above 1.99e-3, so no unit is saturated.
SATURATION = 0.999


def _between(rng: np.random.Generator, bounds: Tuple[int, int]) -> int:
    """One integer drawn uniformly from bounds[0] .. bounds[1], both included."""
    return int(rng.integers(bounds[0], bounds[1] + 1))


class Rnn(Network):
    """The vanilla RNN of reference/rnn.py: X (N, T, D), y (N, T), Wx, Wh, b, Wy, by."""

    name = "rnn"
    title = "tanh recurrence -> affine -> softmax cross-entropy at every step"
    size_names = ("N", "T", "D", "H", "C")
    base: Sizes = {"N": 4, "T": 5, "D": 3, "H": 6, "C": 2}
    # The widths equal; N and T stay apart from them, so only a swap of D, H, C goes unseen.
    square: Sizes = {"N": 4, "T": 5, "D": 6, "H": 6, "C": 6}
    batch_n = 7
    layers = (("the recurrence", ("Wx", "Wh", "b")), ("the output layer", ("Wy", "by")))
    regularized = ("Wx", "Wh", "Wy")
    top = ("Wy", "by")
    second_length = "T"
    time_axis = 1
    square_purpose = "gradient check with D = H = C"
    dx_line = "dX[:, t] = da_t Wx^T (the recurrence's input gradient)"
    # Seed 0's second sequence length: apart from every size of base and from batch_n.
    second_t = 8

    def loss(self, params: Params, X: np.ndarray, y: np.ndarray, reg: float = 0.0,
             return_dX: bool = False) -> Tuple[Any, ...]:
        """reference.rnn.loss."""
        return rnn.loss(params, X, y, reg, return_dX)

    def shapes(self, sizes: Sizes) -> Dict[str, Tuple[int, ...]]:
        """Wx (D, H), Wh (H, H), b (H,), Wy (H, C), by (C,), X (N, T, D), y (N, T)."""
        N, T, D, H, C = (sizes[k] for k in self.size_names)
        return {"Wx": (D, H), "Wh": (H, H), "b": (H,), "Wy": (H, C), "by": (C,), "X": (N, T, D), "y": (N, T)}

    def draw_sizes(self, rng: np.random.Generator) -> Tuple[Sizes, Sizes, int]:
        """N in 2..6, T in 3..7, D, H, C in 2..8 with H >= 3, all five distinct; the square sizes
        keep N and T and set D = H = C to a width in 3..8 apart from both; the second batch size,
        in 2..12, is apart from all five."""
        while True:
            N, T = _between(rng, N_RANGE), _between(rng, T_RANGE)
            D, H, C = (int(w) for w in rng.choice(np.arange(WIDTH_RANGE[0], WIDTH_RANGE[1] + 1), 3, replace=False))
            if H >= 3 and len({N, T, D, H, C}) == 5:
                break
        while True:
            width = _between(rng, SQUARE_RANGE)
            if width not in (N, T):
                break
        while True:
            batch_n = _between(rng, BATCH_RANGE)
            if batch_n > N and batch_n not in (N, T, D, H, C):  # the batch probe appends examples
                break
        base = {"N": N, "T": T, "D": D, "H": H, "C": C}
        square = {"N": N, "T": T, "D": width, "H": width, "C": width}
        return base, square, batch_n

    def draw_second_length(self, rng: np.random.Generator, sizes: Optional[Sizes] = None,
                           batch_n: Optional[int] = None) -> int:
        """A second sequence length in 2..9 for the length probe, which changes T alone: apart from
        every size of `sizes` (T included) and from `batch_n`; by default seed 0's base and batch_n."""
        sizes = self.base if sizes is None else sizes
        batch_n = self.batch_n if batch_n is None else batch_n
        taken = set(sizes.values()) | {batch_n}
        while True:
            T = _between(rng, LENGTH_RANGE)
            if T not in taken:
                return T

    def inputs(self, sizes: Sizes, rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray]:
        """X (N, T, D) standard normal; y (N, T), every class present when N * T >= C."""
        N, T, D, C = sizes["N"], sizes["T"], sizes["D"], sizes["C"]
        X = rng.standard_normal((N, T, D))
        y = np.arange(N * T) % C
        rng.shuffle(y)
        return X, y.reshape(N, T)

    def init(self, sizes: Sizes, rng: np.random.Generator) -> Params:
        """Wx, Wh, b of standard deviation 0.5 / sqrt(D), 0.5 / sqrt(H), 0.5: each of the three terms of
        the pre-activation has variance about 0.25 or less, so |x_t Wx + h_{t-1} Wh + b| is mostly below
        2 and tanh is far from saturated; Wy of 1 / sqrt(H), by of 0.5. All nonzero."""
        D, H, C = sizes["D"], sizes["H"], sizes["C"]
        return {
            "Wx": 0.5 / np.sqrt(D) * rng.standard_normal((D, H)),
            "Wh": 0.5 / np.sqrt(H) * rng.standard_normal((H, H)),
            "b": 0.5 * rng.standard_normal(H),
            "Wy": 1.0 / np.sqrt(H) * rng.standard_normal((H, C)),
            "by": 0.5 * rng.standard_normal(C),
        }

    def hidden(self, params: Params, X: np.ndarray) -> np.ndarray:
        """Every hidden state h_t, shape (N, T, H)."""
        N, H = X.shape[0], params["Wh"].shape[0]
        h, _ = rnn.rnn_forward(X, np.zeros((N, H)), params["Wx"], params["Wh"], params["b"])
        return h

    def acceptable(self, params: Params, X: np.ndarray, margin: float = 1e-3) -> bool:
        """No tanh unit saturated: every |h_t| < 0.999. There is no kink, so margin plays no part."""
        return bool(np.abs(self.hidden(params, X)).max() < SATURATION)

    def lively(self, params: Params, X: np.ndarray) -> bool:
        """Always: a tanh unit that is not saturated passes gradient on every example."""
        return True

    def features(self, params: Params, X: np.ndarray) -> np.ndarray:
        """Every h_t as a row, shape (N * T, H), in the order of scores.reshape(N * T, C):
        sequence n's steps 1 .. T are rows n * T .. n * T + T - 1."""
        h = self.hidden(params, X)
        N, T, H = h.shape
        return h.reshape(N * T, H)

    def dead(self, params: Params, X: np.ndarray, units: Sequence[int], bias: float) -> Optional[Dead]:
        """None: the RNN has no ReLU, so no unit can be made dead by its bias."""
        return None


NETWORK = Rnn()
