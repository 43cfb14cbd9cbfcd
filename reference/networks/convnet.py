"""The convolutional network (reference/convnet.py) as the diagnoser sees it.

What it is for: the names, shapes and sizes of the convnet's parameters, problems drawn away from
every kink and tie (every conv output z at least a margin from 0, every 2x2 pooling window's
largest z ahead of its runner-up by a margin unless the whole window is negative), its top affine
layer and how to make filters dead.
What it is not for: the math (reference/convnet.py) or the probes (reference/diagnose/).

Sizes: N batch, Cin input channels, Hin and Win input height and width (even), F filters,
K filter size (odd), C classes.
"""
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from reference import convnet
from reference.networks.base import Dead, Entry, Network, Params, Sizes

# The conv output's standard deviation at init, in units of X's (standard normal): large enough
# that a z within the margin of 0, or two z of a window within the margin of each other, is rare,
# so that an acceptable draw is found in one or two attempts.
Z_SCALE = 3.0


def distinct_axes(sizes: Sizes) -> bool:
    """Whether every array's axes differ where a wrong transpose, axis or reshape could swap them:
    X (N, Cin, Hin, Win), z (N, F, Hin, Win), pooled (N, F, Hin/2, Win/2), W1's (F, Cin, K),
    scores (N, C) and W2 (D, C)."""
    N, Cin, Hin, Win, F, K, C = (sizes[name] for name in Convnet.size_names)
    groups = [(N, Cin, Hin, Win), (N, F, Hin, Win), (N, F, Hin // 2, Win // 2), (F, Cin, K), (N, C),
              (F * (Hin // 2) * (Win // 2), C)]
    return all(len(set(group)) == len(group) for group in groups)


class Convnet(Network):
    """Conv -> ReLU -> 2x2 max-pool -> Affine -> softmax cross-entropy."""

    name = "convnet"
    title = "Conv -> ReLU -> 2x2 max-pool -> Affine -> softmax cross-entropy"
    size_names = ("N", "Cin", "Hin", "Win", "F", "K", "C")
    base = {"N": 3, "Cin": 2, "Hin": 4, "Win": 8, "F": 5, "K": 3, "C": 7}
    square = {"N": 3, "Cin": 3, "Hin": 4, "Win": 4, "F": 3, "K": 3, "C": 5}
    batch_n = 6  # unlike every size of base, so a hard-coded batch size shows
    layers = (("the conv layer", ("W1", "b1")), ("the affine layer", ("W2", "b2")))
    regularized = ("W1", "W2")
    top = ("W2", "b2")
    units = "F"  # the dead probe kills whole filters
    square_purpose = "gradient check with Cin = F and Hin = Win"
    dx_line = "dX, the full correlation of dz with the flipped filter, padding stripped (the conv layer's backward)"

    def loss(self, params: Params, X: np.ndarray, y: np.ndarray, reg: float = 0.0,
             return_dX: bool = False) -> Tuple[Any, ...]:
        """The reference loss, reference/convnet.py."""
        return convnet.loss(params, X, y, reg, return_dX)

    def shapes(self, sizes: Sizes) -> Dict[str, Tuple[int, ...]]:
        """W1 (F, Cin, K, K), b1 (F,), W2 (F * Hin/2 * Win/2, C), b2 (C,), X (N, Cin, Hin, Win), y (N,)."""
        N, Cin, Hin, Win, F, K, C = (sizes[name] for name in self.size_names)
        return {"W1": (F, Cin, K, K), "b1": (F,), "W2": (F * (Hin // 2) * (Win // 2), C), "b2": (C,),
                "X": (N, Cin, Hin, Win), "y": (N,)}

    def draw_sizes(self, rng: np.random.Generator) -> Tuple[Sizes, Sizes, int]:
        """Small sizes with distinct axes (distinct_axes, Hin != Win); K = 3 (a 1x1 filter has no
        flip and no padding, so bugs in either would not show), Cin >= 2 and pooled maps of at least
        2 x 2 (an axis of length 1 broadcasts where it should not); the square set has Cin = F and
        Hin = Win; the second batch size is larger than N and differs from every size of base."""
        while True:
            base = {"N": int(rng.integers(2, 6)), "Cin": int(rng.integers(2, 4)),
                    "Hin": 2 * int(rng.integers(2, 5)), "Win": 2 * int(rng.integers(2, 5)),
                    "F": int(rng.integers(2, 7)), "K": 3, "C": int(rng.integers(2, 9))}
            if base["Hin"] != base["Win"] and distinct_axes(base):
                break
        square = dict(base)
        square["Cin"] = square["F"] = int(rng.integers(2, 4))
        square["Win"] = square["Hin"]
        others = [n for n in range(base["N"] + 1, base["N"] + 8) if n not in base.values()]
        batch_n = int(rng.choice(others))
        return base, square, batch_n

    def inputs(self, sizes: Sizes, rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray]:
        """X standard normal (N, Cin, Hin, Win); y (N,) with every class present when N >= C."""
        N, C = sizes["N"], sizes["C"]
        X = rng.standard_normal((N, sizes["Cin"], sizes["Hin"], sizes["Win"]))
        y = np.arange(N) % C
        rng.shuffle(y)
        return X, y

    def init(self, sizes: Sizes, rng: np.random.Generator) -> Params:
        """W1 and b1 so that z has a standard deviation near Z_SCALE; W2 and b2 so that the scores
        are of order 1 again (a saturated softmax leaves most gradients at round-off level)."""
        shapes = self.shapes(sizes)
        Cin, K = sizes["Cin"], sizes["K"]
        conv_std = Z_SCALE / np.sqrt(Cin * K * K)
        affine_std = 1.0 / (Z_SCALE * np.sqrt(shapes["W2"][0]))
        return {"W1": conv_std * rng.standard_normal(shapes["W1"]),
                "b1": 0.5 * Z_SCALE * rng.standard_normal(shapes["b1"]),
                "W2": affine_std * rng.standard_normal(shapes["W2"]),
                "b2": 0.5 * rng.standard_normal(shapes["b2"])}

    def pre_activations(self, params: Params, X: np.ndarray) -> np.ndarray:
        """The conv output z of shape (N, F, Hin, Win)."""
        z, _ = convnet.conv_forward(X, params["W1"], params["b1"])
        return z

    def acceptable(self, params: Params, X: np.ndarray, margin: float = 1e-3) -> bool:
        """Every z at least margin from 0, and in every 2x2 window that is not wholly negative the
        largest z ahead of the runner-up by at least margin."""
        z = self.pre_activations(params, X)  # (N, F, Hin, Win)
        if np.abs(z).min() < margin:
            return False
        N, F, Hin, Win = z.shape
        windows = z.reshape(N, F, Hin // 2, 2, Win // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, F, -1, 4)
        ordered = np.sort(windows, axis=-1)  # (N, F, Hin/2 * Win/2, 4), ascending
        largest, runner_up = ordered[..., 3], ordered[..., 2]
        return bool(np.all((largest - runner_up >= margin) | (largest < 0)))

    def lively(self, params: Params, X: np.ndarray) -> bool:
        """Every filter positive somewhere (it carries gradient) and non-positive somewhere (its mask matters)."""
        z = self.pre_activations(params, X)  # (N, F, Hin, Win)
        positive = (z > 0).any(axis=(0, 2, 3))  # (F,)
        blocked = (z <= 0).any(axis=(0, 2, 3))  # (F,)
        return bool(np.all(positive & blocked))

    def features(self, params: Params, X: np.ndarray) -> np.ndarray:
        """The flattened pooled maps that feed W2, of shape (N, F * Hin/2 * Win/2)."""
        a, _ = convnet.relu_forward(self.pre_activations(params, X))
        pooled, _ = convnet.max_pool_forward(a)
        return pooled.reshape(X.shape[0], -1)

    def dead(self, params: Params, X: np.ndarray, units: Sequence[int], bias: float) -> Optional[Dead]:
        """Filters `units` made dead by b1[units] = bias: W1[u] and b1[u] have no gradient, and
        neither have the rows of W2 that read filter u's pooled maps (they are all 0). Checked: b1[u],
        the centre and corner taps of W1[u] in every channel, and the row of W2 that reads u's first
        pooled position (the other entries are alike, and each entry checked costs two calls)."""
        dead_params = {name: value.copy() for name, value in params.items()}
        dead_params["b1"][list(units)] = bias
        F, Cin, K, _ = dead_params["W1"].shape
        positions = dead_params["W2"].shape[0] // F  # Hin/2 * Win/2 rows of W2 per filter
        C = dead_params["W2"].shape[1]
        entries: List[Entry] = []
        for u in (int(unit) for unit in units):
            # each channel's centre and corner taps (the corner reads the padding at the border)
            entries += [("W1", (u, c, p, p)) for c in range(Cin) for p in sorted({0, K // 2})]
            entries.append(("b1", (u,)))
            entries += [("W2", (u * positions, k)) for k in range(C)]
        z = self.pre_activations(dead_params, X)
        z_max = float(z[:, list(units)].max())
        return Dead(dead_params, entries, z_max, "the conv layer")


NETWORK = Convnet()
