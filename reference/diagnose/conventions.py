"""A course's conventions: what a course may fix differently from this project without a bug.

What it is for: Conventions, the choices the reference networks fix that real course code fixes
otherwise, and reference(), the network's reference loss in those conventions, which the
diagnoser then compares against, so that every verdict and evidence sentence follows the course:
- l2: "half", this project's (reg/2) * sum ||W||^2 with gradient reg * W, or "full", reg * sum
  ||W||^2 with gradient 2 * reg * W (cs231n's assignments from 2017 on);
- batch: "mean", this project's mean over the batch, or "sum" (the loss and every gradient summed
  over the N examples; the RNN's sum over time is the same in both).
PROJECT is this project's; the katas it hands out keep it.
What it is not for: reading a course file (the tooling reads pyproject.toml or a course TOML and
builds a Conventions from its table with from_mapping).
"""
from typing import Any, Callable, Dict, Mapping, Sequence, Tuple

import numpy as np

L2 = {"half": 0.5, "full": 1.0}  # the penalty's factor: factor * reg * sum ||W||^2
BATCH = ("mean", "sum")


class Conventions(object):
    """A course's L2 convention and batch reduction (see the module docstring)."""

    def __init__(self, l2: str = "half", batch: str = "mean") -> None:
        if l2 not in L2:
            raise ValueError("l2 = %r: a course's L2 convention is \"half\" ((reg/2) * ||W||^2, this project's) "
                             "or \"full\" (reg * ||W||^2)" % (l2,))
        if batch not in BATCH:
            raise ValueError("batch = %r: a course reduces the loss over the batch by \"mean\" (this project's) "
                             "or \"sum\"" % (batch,))
        self.l2 = l2
        self.batch = batch

    @property
    def default(self) -> bool:
        return self.l2 == "half" and self.batch == "mean"

    @property
    def penalty_factor(self) -> float:
        """The penalty is penalty_factor * reg * sum ||W||^2: 0.5 for "half", 1 for "full"."""
        return L2[self.l2]

    @property
    def owner(self) -> str:
        """Whose convention the evidence quotes: "this project's" or "this course's"."""
        return "this project's" if self.default else "this course's"

    @property
    def penalty_words(self) -> str:
        return "(reg/2)" if self.l2 == "half" else "reg"

    def gradient_words(self, name: str = "W") -> str:
        return "reg * %s" % name if self.l2 == "half" else "2 * reg * %s" % name

    def describe(self) -> str:
        return "L2 penalty %s * ||W||^2, loss %s over the batch" % (self.penalty_words, self.batch)

    def to_dict(self) -> Dict[str, str]:
        return {"l2": self.l2, "batch": self.batch}

    def reference(self, loss: Callable[..., Any], regularized: Sequence[str]) -> Callable[..., Any]:
        """loss (this project's reference) in these conventions: the data part at reg = 0, times N
        for "sum", plus penalty_factor * reg * sum ||W||^2 and its gradient."""
        if self.default:
            return loss
        factor, summed = self.penalty_factor, self.batch == "sum"

        def course_loss(params: Dict[str, np.ndarray], X: np.ndarray, y: np.ndarray, reg: float = 0.0,
                        return_dX: bool = False) -> Tuple[Any, ...]:
            out = loss(params, X, y, 0.0, return_dX)
            scale = float(X.shape[0]) if summed else 1.0
            value = scale * float(out[0]) + factor * reg * sum(float(np.sum(params[n] ** 2)) for n in regularized)
            grads = {k: scale * g for k, g in out[1].items()}
            for n in regularized:
                grads[n] = grads[n] + 2.0 * factor * reg * params[n]
            if return_dX:
                return value, grads, scale * out[2]
            return value, grads
        return course_loss


PROJECT = Conventions()


def from_mapping(table: Mapping[str, Any]) -> Conventions:
    """Conventions from a course file's table ({"l2": "full", "batch": "mean"}); ValueError naming an
    unknown key or value."""
    unknown = sorted(set(table) - {"l2", "batch"})
    if unknown:
        raise ValueError("unknown course convention %r: a course may set l2 (\"half\" or \"full\") and batch "
                         "(\"mean\" or \"sum\")" % unknown[0])
    return Conventions(str(table.get("l2", "half")), str(table.get("batch", "mean")))
