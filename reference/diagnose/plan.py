"""The probe plan: the settings of every probe, and the sizes each seed gives them.

What it is for: the probe settings (sizes, reg, the stress logits and their milder patterns, the
dead units' bias, how many directions dX is checked along) and probe_plan(seed, network), the sizes and
dead units of one seed: seed 0 the documented ones, any other seed drawn, so that a function
cannot recognise the probes by their sizes; the names of the parameters and widths of a depth.
What it is not for: the problems themselves (reference/problems.py builds them) or the probes (probes.py).
"""
from typing import Optional, Sequence

import numpy as np

from reference.networks import Network, load
from reference.networks.net import (BASE_SIZES, BATCH_RANGE, EXTRA_RANGE, SQUARE_RANGE, SQUARE_SIZES, WIDTH_RANGE,
                                    param_names, width_names)

__all__ = ["BASE_SIZES", "BATCH_N", "SQUARE_SIZES", "DEAD_UNITS", "BATCH_RANGE", "WIDTH_RANGE", "SQUARE_RANGE",
           "EXTRA_RANGE", "REG", "STRESS_LOGIT", "STRESS_OFFSET", "ROWS_APART", "MILD_SPREAD", "DEAD_BIAS",
           "DX_DIRECTIONS", "ProbePlan", "probe_plan", "param_names", "width_names"]

# Probe settings. The sizes of each network are its Network's (reference/networks/): seed 0
# uses its documented sizes; any other seed draws its own, so a function cannot recognise the
# probes by their sizes. BASE_SIZES, SQUARE_SIZES and the ranges are the two-layer network's.
BATCH_N = 13
DEAD_UNITS = (1, 3)
REG = 0.1
STRESS_LOGIT = 1e4
# When the stress probe gives nan or inf, three milder logit patterns say why: every logit shifted
# alike (an unshifted exp overflows, a shifted softmax is exact), row maxima far apart with small
# spreads inside each row (a shift shared by all rows underflows the lower rows), and spreads
# inside a row of a few hundred (exp(-600) is still a normal float64).
STRESS_OFFSET = 1e3
ROWS_APART = 2e3
MILD_SPREAD = 600.0
DEAD_BIAS = -1e3
# The dX probe checks dX along this many seeded random directions in X (2 calls each).
DX_DIRECTIONS = 3


class ProbePlan(object):
    """The sizes a seed gives the probes, as tuples in the order of the network's size_names:
    base, the batch probe's N, square, the units the dead probe kills and, for a network with a
    second length (the RNN's T), the length probe's value of it."""

    def __init__(self, base: Sequence[int], batch_n: int, square: Sequence[int], dead_units: Sequence[int],
                 length: Optional[int] = None) -> None:
        self.base = tuple(int(n) for n in base)
        self.batch_n = int(batch_n)
        self.square = tuple(int(n) for n in square)
        self.dead_units = tuple(int(u) for u in dead_units)
        self.length = length


def probe_plan(seed: int, network: Optional[Network] = None) -> ProbePlan:
    """The ProbePlan of a seed for a network (default the two-layer net): seed 0 is the documented
    one; others are drawn by the network (every axis distinct, the second N distinct from them)."""
    network = network or load("net")
    names = network.size_names
    if seed == 0:
        base, square, batch_n = dict(network.base), dict(network.square), network.batch_n
        dead: Sequence[int] = DEAD_UNITS
        length = getattr(network, "second_t", None)
    else:
        rng = np.random.default_rng([seed, 7])
        base, square, batch_n = network.draw_sizes(rng)
        dead = tuple(sorted(int(u) for u in rng.choice(base[network.units], 2, replace=False)))
        length = network.draw_second_length(rng, base, batch_n) if network.second_length else None
    return ProbePlan([base[n] for n in names], batch_n, [square[n] for n in names], dead, length)
