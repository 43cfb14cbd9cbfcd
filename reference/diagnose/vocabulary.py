"""The diagnoser's vocabulary, in one place: the words it judges with and the numbers behind them.

What it is for: the ordered table of signatures (name, precedence rank, meaning), from which
SIGNATURES, PRECEDENCE and MEANINGS are derived; the kinds of evidence sentence; the tolerances
that decide when a loss differs, a gradient is wrong or a factor is common. README.md's signature
table and precedence sentence are this table in prose; tests/reference/test_vocabulary.py keeps them equal.
What it is not for: probe settings (plan.py) or reading results into findings (reader.py).
"""
from typing import NamedTuple, Optional

from reference import gradcheck


class Signature(NamedTuple):
    """One signature: its name; its rank in PRECEDENCE when several findings apply (0 wins;
    None for ok, which is no finding); its meaning, as README.md's signature table gives it (code in
    backticks, as there); its headline, the line a learner reads beside a red verdict."""

    name: str
    rank: Optional[int]
    meaning: str
    headline: str


# In the order of SIGNATURES (the README's table lists them in this order).
SIGNATURE_TABLE = (
    Signature("ok", None, "passes every probe (entries on a kink excepted)",
              "the gradients agree with the loss, and the loss with the reference, under every probe"),
    Signature("uniform_scale", 4,
              "every gradient is the true one times one factor k (k = N: a missing 1/N; −1: a sign flip)",
              "every gradient is off by one common factor"),
    Signature("localized", 5,
              "only a strict subset of the parameters is wrong; the evidence says which layer's backward. "
              "`params: X`: dX is wrong while layer 1's gradients are right (the line dX = dz1 W1ᵀ), with a "
              "factor when one explains it (−1, 1/N); grads that change with `return_dX=True` are localized "
              "in those parameters",
              "some gradients are wrong and the others right: look at the lines that form the wrong ones"),
    Signature("reg_only", 8,
              "right at reg = 0, wrong at reg > 0 in the regularized weights (or in the biases); beside another "
              "finding, when the change from reg = 0 to reg > 0 is itself wrong",
              "everything is right without regularization: the L2 term, or its gradient, is wrong"),
    Signature("shape_error", 1,
              "a gradient (or dX: `params: X`) has the wrong shape, or the call raises a shape or broadcast error",
              "a gradient has the wrong shape, or the shapes of an operation do not fit"),
    Signature("nonfinite", 3, "nan or inf, usually only under large logits",
              "nan or inf appears in the loss or the gradients"),
    Signature("loss_mismatch", 7,
              "the gradients agree with the returned loss, but the loss is not the reference's; or the "
              "gradients equal the reference's and disagree with the returned loss (a loss summed while the "
              "gradients average, a flipped loss sign: the backward pass is right, the forward pass is not); or "
              "the loss changes with `return_dX=True`",
              "the loss value differs from the reference's: the forward pass computes something else"),
    Signature("mixed", 6, "every gradient is wrong, with no common factor",
              "every gradient is wrong, with no factor common to all"),
    Signature("mutates_input", 2, "params, X or y changed in place",
              "the function modifies an input in place"),
    Signature("crash", 0,
              "raises anything else (also only with `return_dX=True`), or returns the wrong structure (not a "
              "`(loss, grads)` pair, or `grads` without exactly the parameter keys, or not `(loss, grads, dX)` "
              "with `return_dX=True`)",
              "loss raised an exception, or returned something other than (loss, grads)"),
)
SIGNATURES = tuple(s.name for s in SIGNATURE_TABLE)
PRECEDENCE = tuple(name for _, name in sorted((s.rank, s.name) for s in SIGNATURE_TABLE if s.rank is not None))
MEANINGS = {s.name: s.meaning for s in SIGNATURE_TABLE}
HEADLINES = {s.name: s.headline for s in SIGNATURE_TABLE}

# Every kind of evidence sentence the reader writes, and what it reports. tests/reference/test_evidence.py
# has one check per kind that recomputes the quoted values from the raw probe results.
EVIDENCE_KINDS = {
    "raised": "the call raised an exception other than a shape or floating-point error",
    "raised_shape": "the call raised a shape, broadcast or index error",
    "fpe": "the call raised FloatingPointError",
    "structure": "the return value is not (loss, grads), or (loss, grads, dX) with return_dX=True",
    "shapes": "the loss, a gradient or dX has the wrong shape",
    "mutated": "the call changed its inputs in place",
    "nonfinite": "nan or inf at ordinary values",
    "nonfinite_stress": "nan or inf under large logits, with the milder logit patterns that say why",
    "loss_value": "the loss differs from the reference's, and whether the gradients agree with it",
    "stress_gradients": "finite under large logits, but gradients that differ from the reference's",
    "uniform_scale": "every gradient off by one common factor",
    "localized": "a strict subset of the gradients wrong",
    "mixed": "every gradient wrong, with no common factor",
    "reg_as_well": "the reg probe disagrees too, by the error at reg = 0 alone",
    "reg_only": "an error of the reg probe's own: the change from reg = 0 to reg > 0 is wrong",
    "dead": "gradient through hidden units that are dead on every example",
    "not_dead": "units the dead probe meant to kill are alive in this network",
    "dx": "dX disagrees with the loss while layer 1's gradients agree",
    "dx_inherited": "dX disagrees with the loss, as layer 1's gradients do",
    "dx_flag": "return_dX=True changes the loss or the gradients",
    "steps": "the time step where the gradient first goes wrong, in backward order",
    "ok": "every probe passed",
    "precision": "gradients returned in a float type narrower than float64, judged at its precision",
    "loss_only": "gradients that are the reference's but disagree with the function's own loss",
    "internal": "the diagnoser itself failed",
}

# Gradient entries count as wrong above this relative error (beyond the round-off resolution of
# the central difference): the checker's own pass mark. Correct rewrites in tests/zoo*/ stay
# below 2e-8 on every probe, over eight seeds.
THRESHOLD = gradcheck.PASS_THRESHOLD
# A loss differs from another beyond this relative difference (of max(1, |a|, |b|)).
LOSS_RTOL = 1e-9
# A gradient array differs from the reference's where an entry is off by more than this times
# |a| + |b| (plus 1e-12 of the array's scale).
REFERENCE_RTOL = 1e-7
# Two factors (analytic / numeric ratios, or multiples of reg * W) are the same within this.
FACTOR_RTOL = 1e-4
