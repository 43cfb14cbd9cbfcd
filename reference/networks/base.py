"""What the diagnoser needs to know about a network: the Network interface.

What it is for: everything that differs from one network to the next, so that the probes are
written once. A network is a module in reference/ with loss(params, X, y, reg=0.0,
return_dX=False); its Network (reference/networks/<module>.py, a subclass of this class) says
what its parameters are called and shaped, which sizes the probes use, how to draw a problem
that keeps every probe's preconditions, which parameters are regularized, where its last affine
layer is (the stress probe scales it) and how to make units dead (the dead probe). Sizes are a
dict of named sizes, e.g. {"N": 8, "D": 5, "H": 6, "C": 3}; "N" is always the batch size.
What it is not for: the math (the network's own module) or the probes (reference/diagnose/).
"""
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

Sizes = Dict[str, int]
Params = Dict[str, np.ndarray]
Problem = Tuple[Params, np.ndarray, np.ndarray]
Seed = Union[int, Sequence[int]]
Entry = Tuple[str, Tuple[int, ...]]


class Dead(object):
    """Units made dead in a copy of a problem's params: every entry in `entries` has an exact
    zero gradient (the loss is flat along it); z_max is the largest pre-activation of those units
    on the problem (negative: they are dead on every example); `layer` names them in evidence;
    number is the hidden layer's number, in a network of numbered layers."""

    def __init__(self, params: Params, entries: List[Entry], z_max: float, layer: str,
                 number: Optional[int] = None) -> None:
        self.params = params
        self.entries = entries
        self.z_max = z_max
        self.layer = layer
        self.number = number


class Network(object):
    """One network the diagnoser can judge. Subclasses set the attributes and the methods."""

    name = ""  # the module in reference/ ("net", "mlp", "batchnorm_net", "convnet", "rnn")
    title = ""  # e.g. "Affine -> ReLU -> Affine -> softmax cross-entropy"
    size_names: Tuple[str, ...] = ()  # e.g. ("N", "D", "H", "C")
    base: Sizes = {}  # the documented toy sizes (seed 0)
    square: Sizes = {}  # seed 0's "square" sizes, where a swapped pair of axes no longer changes a shape
    batch_n = 13  # seed 0's second batch size
    # forward order: (how evidence names the layer, the parameters it owns)
    layers: Sequence[Tuple[str, Tuple[str, ...]]] = ()
    regularized: Tuple[str, ...] = ()  # the parameters (reg / 2) ||.||^2 is taken over
    exact_zero: Tuple[str, ...] = ()  # gradients that are zero in exact arithmetic (batch norm's b1)
    top: Tuple[str, str] = ("", "")  # the last affine layer's weight (H, C) and bias (C,)
    second_length: Optional[str] = None  # a size the "length" probe changes alone (the RNN's "T")
    square_purpose = "gradient check with every width equal"  # what the square probe is, in the report
    # the axis of X that is time (the RNN's 1), for the steps probe: where in time the gradient
    # first goes wrong; None for a network without time steps
    time_axis: Optional[int] = None
    second_t: Optional[int] = None  # seed 0's value of second_length
    units = "H"  # the size that counts the units the dead probe kills
    # the line that forms dX from the first layer's upstream gradient, as the evidence names it
    dx_line = "dX, the first layer's backward"

    def loss(self, params: Params, X: np.ndarray, y: np.ndarray, reg: float = 0.0,
             return_dX: bool = False) -> Tuple[Any, ...]:
        """The reference loss of this network."""
        raise NotImplementedError

    @property
    def names(self) -> List[str]:
        """Every parameter name, in forward order."""
        return [n for _, params in self.layers for n in params]

    def shapes(self, sizes: Sizes) -> Dict[str, Tuple[int, ...]]:
        """The shape of every parameter, and of "X" and "y", at these sizes."""
        raise NotImplementedError

    def draw_sizes(self, rng: np.random.Generator) -> Tuple[Sizes, Sizes, int]:
        """(base, square, second batch size) for a seed other than 0: every axis distinct in base
        (so a wrong transpose, axis or reshape changes a shape), small enough to check every entry."""
        raise NotImplementedError

    def inputs(self, sizes: Sizes, rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray]:
        """X and y of sizes["N"] examples (y: integer labels in [0, C), of shape (N,) or (N, T))."""
        raise NotImplementedError

    def init(self, sizes: Sizes, rng: np.random.Generator) -> Params:
        """Seeded nonzero float64 parameters at these sizes (nonzero biases: an all-zero init hides bugs)."""
        raise NotImplementedError

    def acceptable(self, params: Params, X: np.ndarray, margin: float = 1e-3) -> bool:
        """Whether a central difference cannot straddle a kink or a tie on this problem (every ReLU
        input at least margin from 0, every pooling window's max ahead of its runner-up by margin)."""
        return True

    def lively(self, params: Params, X: np.ndarray) -> bool:
        """Whether no gradient is zero by accident of the draw (every unit active on some example,
        every mask mattering somewhere); preferred when a draw allows it, not required."""
        return True

    def draw_second_length(self, rng: np.random.Generator, sizes: Optional[Sizes] = None,
                           batch_n: Optional[int] = None) -> int:
        """For a network with a second_length: the length probe's value of it for a seed other than 0,
        distinct from every size of the seed's base sizes and from its second batch size."""
        raise NotImplementedError

    def problem(self, sizes: Sizes, seed: Seed, margin: float = 1e-3) -> Problem:
        """A seeded (params, X, y) at these sizes that is acceptable (and lively when a draw is)."""
        fallback = None
        for attempt in range(1000):
            rng = np.random.default_rng(list(np.atleast_1d(seed)) + [attempt])
            X, y = self.inputs(sizes, rng)
            params = self.init(sizes, rng)
            if self.acceptable(params, X, margin):
                if self.lively(params, X):
                    return params, X, y
                fallback = fallback or (params, X, y)
        if fallback is not None:
            return fallback
        raise ValueError("%s: no draw within 1000 attempts keeps the probes' margin %g" % (self.name, margin))

    def features(self, params: Params, X: np.ndarray) -> np.ndarray:
        """The rows that feed the last affine layer, shape (M, H): scores = features @ W + b,
        with M = N (or N * T for a network with a softmax at every step)."""
        raise NotImplementedError

    def dead(self, params: Params, X: np.ndarray, units: Sequence[int],
             bias: float) -> Union[Dead, List[Dead], None]:
        """A copy of params with these units made dead by a bias of `bias` (very negative), the
        entries whose gradient must then be exactly 0, or None when the network has no ReLU."""
        return None
