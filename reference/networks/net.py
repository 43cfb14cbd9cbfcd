"""The two-layer network and the L-layer MLP as data for the diagnoser.

What it is for: Layered, the Network of Affine -> ReLU -> ... -> Affine -> softmax-CE at a
depth: reference/net.py's loss for one hidden layer, reference/mlp.py's for any number; their
sizes (N, D, H, C or N, D, H1, ..., C; seed 0 the documented ones), their problems (from
reference/problems.py, away from the ReLU kink, every unit alive somewhere), the dead probe's
biases. The sizes and problems are the ones the diagnoser has always used, so every documented
output stays what it was.
What it is not for: the math (reference/net.py, reference/mlp.py).
"""
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np

from reference import problems
from reference.networks.base import Dead, Entry, Network, Params, Problem, Seed, Sizes

BASE_SIZES = (8, 5, 6, 3)  # N, D, H, C
SQUARE_SIZES = (8, 4, 4, 4)
BATCH_RANGE = (5, 11)  # N of the base probe: N <= 10, small enough to check every entry
WIDTH_RANGE = (3, 10)  # D, H, C: single digits, all distinct (H >= 4: two dead units, two live)
SQUARE_RANGE = (3, 7)  # the common width of the square probe
EXTRA_RANGE = (3, 13)  # examples the batch probe adds


def width_names(count: int) -> List[str]:
    """Names of the widths after D: H, C for one hidden layer; H1, ..., C for more."""
    if count == 2:
        return ["H", "C"]
    return ["H%d" % (i + 1) for i in range(count - 1)] + ["C"]


def param_names(depth: int) -> List[str]:
    """W1, b1, ..., WL, bL for a network of depth L (hidden layers + 1)."""
    names = []
    for layer in range(1, depth + 1):
        names += ["W%d" % layer, "b%d" % layer]
    return names


class Layered(Network):
    """Affine -> ReLU -> ... -> Affine -> softmax-CE with hidden_layers hidden layers; the widths
    of a depth grow by 3 per hidden layer from H (all equal when H == C, the square probe)."""

    batch_n = 13

    def __init__(self, hidden_layers: int, name: str = "net") -> None:
        self.hidden_layers = hidden_layers
        self.depth = hidden_layers + 1
        self.name = name
        self.title = " -> ".join(["Affine -> ReLU"] * hidden_layers + ["Affine -> softmax cross-entropy"])
        self.size_names = ("N", "D") + tuple(width_names(self.depth))
        self.units = self.size_names[2]  # the dead units are counted in the first hidden width
        self.base = self.sizes(*BASE_SIZES)
        self.square = self.sizes(*SQUARE_SIZES)
        self.layers = [("layer %d" % layer, ("W%d" % layer, "b%d" % layer)) for layer in range(1, self.depth + 1)]
        self.regularized = tuple("W%d" % layer for layer in range(1, self.depth + 1))
        self.top = ("W%d" % self.depth, "b%d" % self.depth)
        self.dx_line = "dX = dz1 W1^T (layer 1's affine backward)"

    def loss(self, params: Params, X: np.ndarray, y: np.ndarray, reg: float = 0.0,
             return_dX: bool = False) -> Tuple[Any, ...]:
        if self.name == "net" and self.hidden_layers == 1:
            from reference import net
            return net.loss(params, X, y, reg, return_dX)
        from reference import mlp
        return mlp.loss(params, X, y, reg, return_dX)

    def sizes(self, N: int, D: int, H: int, C: int) -> Sizes:
        """(N, D, H1, ..., C) as a dict: hidden widths H, H + 3, ... (all equal when H == C)."""
        step = 0 if H == C else 3
        values = (N, D) + tuple(H + step * i for i in range(self.depth - 1)) + (C,)
        return dict(zip(self.size_names, values))

    def widths(self, sizes: Sizes) -> Tuple[int, ...]:
        return tuple(sizes[n] for n in self.size_names[1:])

    def shapes(self, sizes: Sizes) -> Dict[str, Tuple[int, ...]]:
        widths = self.widths(sizes)
        shapes: Dict[str, Tuple[int, ...]] = {"X": (sizes["N"], widths[0]), "y": (sizes["N"],)}
        for layer in range(1, self.depth + 1):
            shapes["W%d" % layer] = (widths[layer - 1], widths[layer])
            shapes["b%d" % layer] = (widths[layer],)
        return shapes

    def draw_sizes(self, rng: np.random.Generator) -> Tuple[Sizes, Sizes, int]:
        """Every width distinct from the others and from N; the second N distinct from them all."""
        (N, D, H, C), (square_n, width), batch_n = draw_widths(rng)
        return self.sizes(N, D, H, C), self.sizes(square_n, width, width, width), batch_n

    def problem(self, sizes: Sizes, seed: Seed, margin: float = 1e-3) -> Problem:
        assert isinstance(seed, int)  # the seeds problems.layered_problem has always been given
        return problems.layered_problem(sizes["N"], self.widths(sizes), seed, margin=margin, mixed_units=True)

    def inputs(self, sizes: Sizes, rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray]:
        X = rng.standard_normal((sizes["N"], sizes["D"]))
        return X, rng.integers(0, sizes["C"], sizes["N"])

    def init(self, sizes: Sizes, rng: np.random.Generator) -> Params:
        return problems.init_layers(self.widths(sizes), seed=int(rng.integers(2 ** 32)))

    def acceptable(self, params: Params, X: np.ndarray, margin: float = 1e-3) -> bool:
        return problems.kink_margin(params, X) >= margin

    def lively(self, params: Params, X: np.ndarray) -> bool:
        return problems.all_mixed(params, X)

    def features(self, params: Params, X: np.ndarray) -> np.ndarray:
        return np.maximum(problems.pre_activations(params, X)[-1], 0.0)  # (N, H(L-1))

    def dead(self, params: Params, X: np.ndarray, units: Sequence[int], bias: float) -> List[Dead]:
        """Every hidden layer's units made dead by their biases: W_l[:, j] and b_l[j] then carry
        an exact zero gradient (the loss is flat along them)."""
        dead = {k: v.copy() for k, v in params.items()}
        for layer in range(1, self.depth):
            dead["b%d" % layer][list(units)] = bias
        zs = problems.pre_activations(dead, X)
        groups = []
        for layer in range(1, self.depth):
            W, b = "W%d" % layer, "b%d" % layer
            entries: List[Entry] = [(W, (row, unit)) for unit in units for row in range(dead[W].shape[0])]
            entries += [(b, (unit,)) for unit in units]
            groups.append(Dead(dead, entries, float(zs[layer - 1][:, list(units)].max()), "hidden layer %d" % layer,
                               layer))
        return groups


def draw_widths(rng: np.random.Generator) -> Tuple[Tuple[int, int, int, int], Tuple[int, int], int]:
    """((N, D, H, C), (square N, square width), second N) of a network of sizes N, D, H, C, drawn from
    the ranges above: N at most 10; D, H, C distinct single digits with H >= 4 (two dead units, two
    live), none equal to N nor to the second N (N plus 3 to 12 examples); the square width apart
    from its N. The two-layer net, the MLP and the batch-norm network draw their sizes here."""
    while True:
        N = int(rng.integers(*BATCH_RANGE))
        D, H, C = (int(w) for w in rng.choice(np.arange(*WIDTH_RANGE), 3, replace=False))
        batch_n = N + int(rng.integers(*EXTRA_RANGE))
        if H >= 4 and N not in (D, H, C) and batch_n not in (D, H, C):
            break
    while True:
        width, square_n = int(rng.integers(*SQUARE_RANGE)), int(rng.integers(*BATCH_RANGE))
        if width != square_n:
            break
    return (N, D, H, C), (square_n, width), batch_n


def layered(hidden_layers: int = 1, name: str = "net") -> Layered:
    """The network of this depth: "net" (reference/net.py) at one hidden layer, else "mlp"."""
    if not isinstance(hidden_layers, int) or isinstance(hidden_layers, bool) or hidden_layers < 1:
        raise ValueError("hidden_layers must be an integer >= 1, got %r" % (hidden_layers,))
    return Layered(hidden_layers, "net" if name == "net" and hidden_layers == 1 else "mlp")


NETWORK = layered(1)
