"""The probe plan: the settings of every probe, and the sizes each seed gives them.

What it is for: the probe settings (sizes, reg, the stress logits and their milder patterns, the
dead units' bias, how many directions dX is checked along) and probe_plan(seed), the sizes and
dead units of one seed: seed 0 the documented ones, any other seed drawn, so that a function
cannot recognise the probes by their sizes; the names of the parameters and widths of a depth.
What it is not for: the problems themselves (reference/problems.py builds them) or the probes (probes.py).
"""
from typing import List, Sequence

import numpy as np

# Probe settings. Sizes are all distinct so that a wrong transpose or a wrong axis changes a
# shape; the batch probe changes N alone; the square probe makes every width equal. Seed 0
# uses the sizes below (the documented examples); any other seed draws its own from the
# ranges of probe_plan, so a function cannot recognise the probes by their sizes.
BASE_SIZES = (8, 5, 6, 3)  # N, D, H, C
BATCH_N = 13
SQUARE_SIZES = (8, 4, 4, 4)
DEAD_UNITS = (1, 3)
BATCH_RANGE = (5, 11)  # N of the base probe: N <= 10, small enough to check every entry
WIDTH_RANGE = (3, 10)  # D, H, C: single digits, all distinct (H >= 4: two dead units, two live)
SQUARE_RANGE = (3, 7)  # the common width of the square probe
EXTRA_RANGE = (3, 13)  # examples the batch probe adds
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
    """The sizes a seed gives the probes: base (N, D, H, C), the batch probe's N, the square
    probe's (N, w, w, w) and the hidden units the dead probe kills."""

    def __init__(self, base: Sequence[int], batch_n: int, square: Sequence[int], dead_units: Sequence[int]) -> None:
        self.base = tuple(int(n) for n in base)
        self.batch_n = int(batch_n)
        self.square = tuple(int(n) for n in square)
        self.dead_units = tuple(int(u) for u in dead_units)


def probe_plan(seed: int) -> ProbePlan:
    """The ProbePlan of a seed: seed 0 is the documented one; others are drawn from the ranges
    (every width distinct from the others and from N; the second N distinct from them all)."""
    if seed == 0:
        return ProbePlan(BASE_SIZES, BATCH_N, SQUARE_SIZES, DEAD_UNITS)
    rng = np.random.default_rng([seed, 7])
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
    dead = sorted(int(u) for u in rng.choice(H, 2, replace=False))
    return ProbePlan((N, D, H, C), batch_n, (square_n, width, width, width), dead)


def param_names(depth: int) -> List[str]:
    """W1, b1, ..., WL, bL for a network of depth L (hidden layers + 1)."""
    names = []
    for layer in range(1, depth + 1):
        names += ["W%d" % layer, "b%d" % layer]
    return names


def width_names(count: int) -> List[str]:
    """Names of the widths after D: H, C for one hidden layer; H1, ..., C for more."""
    if count == 2:
        return ["H", "C"]
    return ["H%d" % (i + 1) for i in range(count - 1)] + ["C"]
