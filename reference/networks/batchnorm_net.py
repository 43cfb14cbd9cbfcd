"""The batch-norm network as the diagnoser sees it: Affine -> BatchNorm -> ReLU -> Affine.

What it is for: what the probes need to know about reference/batchnorm_net.py: its parameters
in forward order and their shapes, its sizes (docs' toy sizes at seed 0, drawn ones otherwise),
seeded problems whose every ReLU input bn is away from the kink, the rows that feed its last
affine layer, and how to make its units dead. A unit is killed through beta, not b1: the batch
mean removes any b1, so the ReLU's input bn does not depend on it.
What it is not for: the math (reference/batchnorm_net.py) or the probes (reference/diagnose/).
"""
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from reference import batchnorm_net
from reference.networks.base import Dead, Entry, Network, Params, Sizes
from reference.networks.net import draw_widths
from reference.problems import make_labels



class BatchnormNet(Network):
    """Affine -> BatchNorm -> ReLU -> Affine -> softmax cross-entropy (reference/batchnorm_net.py)."""

    name = "batchnorm_net"
    title = "Affine -> BatchNorm -> ReLU -> Affine -> softmax cross-entropy"
    size_names = ("N", "D", "H", "C")
    base = {"N": 8, "D": 5, "H": 6, "C": 3}
    square = {"N": 8, "D": 4, "H": 4, "C": 4}
    batch_n = 13
    layers = (
        ("the first affine layer", ("W1", "b1")),
        ("the batch norm", ("gamma", "beta")),
        ("the second affine layer", ("W2", "b2")),
    )
    regularized = ("W1", "W2")
    exact_zero = ("b1",)
    top = ("W2", "b2")
    dx_line = "dX = dz W1^T (the first affine layer's backward)"

    def loss(self, params: Params, X: np.ndarray, y: np.ndarray, reg: float = 0.0,
             return_dX: bool = False) -> Tuple[Any, ...]:
        """The reference loss of this network."""
        return batchnorm_net.loss(params, X, y, reg, return_dX)

    def shapes(self, sizes: Sizes) -> Dict[str, Tuple[int, ...]]:
        """The shape of every parameter, and of "X" and "y", at these sizes."""
        N, D, H, C = (sizes[k] for k in self.size_names)
        return {"W1": (D, H), "b1": (H,), "gamma": (H,), "beta": (H,), "W2": (H, C), "b2": (C,),
                "X": (N, D), "y": (N,)}

    def draw_sizes(self, rng: np.random.Generator) -> Tuple[Sizes, Sizes, int]:
        """(base, square, second batch size): N in 5..10; D, H, C distinct in 3..9 with H >= 4,
        none equal to N nor to the second batch size N + 3..12; square width 3..6, not its N."""
        (N, D, H, C), (square_n, width), batch_n = draw_widths(rng)  # the two-layer net's draw
        base = {"N": N, "D": D, "H": H, "C": C}
        square = {"N": square_n, "D": width, "H": width, "C": width}
        return base, square, batch_n

    def inputs(self, sizes: Sizes, rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray]:
        """X of shape (N, D), standard normal; y of shape (N,), every class present when N >= C."""
        X = rng.standard_normal((sizes["N"], sizes["D"]))
        y = make_labels(sizes["N"], sizes["C"], rng)
        return X, y

    def init(self, sizes: Sizes, rng: np.random.Generator) -> Params:
        """Weights and biases with standard deviation 1/sqrt(fan_in), gamma in [0.5, 1.5) (around 1,
        not all 1), beta with standard deviation 0.5: every entry nonzero."""
        D, H, C = sizes["D"], sizes["H"], sizes["C"]
        return {
            "W1": rng.standard_normal((D, H)) / np.sqrt(D),
            "b1": rng.standard_normal(H) / np.sqrt(D),
            "gamma": rng.uniform(0.5, 1.5, H),
            "beta": 0.5 * rng.standard_normal(H),
            "W2": rng.standard_normal((H, C)) / np.sqrt(H),
            "b2": rng.standard_normal(C) / np.sqrt(H),
        }

    def batchnorm_out(self, params: Params, X: np.ndarray) -> np.ndarray:
        """bn, the ReLU's input, of shape (N, H)."""
        z, _ = batchnorm_net.affine_forward(X, params["W1"], params["b1"])
        bn, _ = batchnorm_net.batchnorm_forward(z, params["gamma"], params["beta"])
        return bn

    def acceptable(self, params: Params, X: np.ndarray, margin: float = 1e-3) -> bool:
        """Whether every ReLU input bn is at least margin away from 0."""
        return bool(np.abs(self.batchnorm_out(params, X)).min() >= margin)

    def lively(self, params: Params, X: np.ndarray) -> bool:
        """Whether every unit is positive on some example and non-positive on some other."""
        bn = self.batchnorm_out(params, X)
        return bool(np.any(bn > 0, axis=0).all() and np.any(bn <= 0, axis=0).all())

    def features(self, params: Params, X: np.ndarray) -> np.ndarray:
        """h = max(bn, 0) of shape (N, H): scores = h @ W2 + b2."""
        h, _ = batchnorm_net.relu_forward(self.batchnorm_out(params, X))
        return h

    def dead(self, params: Params, X: np.ndarray, units: Sequence[int], bias: float) -> Optional[Dead]:
        """Units made dead by beta[units] = bias: bn = gamma * xhat + bias, with |xhat| <= sqrt(N - 1).

        Entries whose gradient is then exactly 0: W1[:, u], b1[u], gamma[u], beta[u] and W2[u, :]
        for each unit u (batch norm normalizes each unit apart, so the others stay alive)."""
        dead_params = {k: v.copy() for k, v in params.items()}
        units = [int(u) for u in units]
        dead_params["beta"][units] = bias
        D, C = params["W1"].shape[0], params["W2"].shape[1]
        entries: List[Entry] = []
        for unit in units:
            entries += [("W1", (row, unit)) for row in range(D)]
            entries += [("b1", (unit,)), ("gamma", (unit,)), ("beta", (unit,))]
            entries += [("W2", (unit, column)) for column in range(C)]
        z_max = float(self.batchnorm_out(dead_params, X)[:, units].max())
        return Dead(dead_params, entries, z_max, "the batch norm")


NETWORK = BatchnormNet()
