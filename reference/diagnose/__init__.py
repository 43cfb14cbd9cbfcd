"""The signature diagnoser: why does a loss function's gradient disagree, not just whether.

What it is for: `diagnose(loss_fn)` runs active probes on a function with the reference's
interface, loss_fn(params, X, y, reg=0.0) -> (loss, grads), and reads the pattern of the
results as one signature of a fixed vocabulary (SIGNATURES), the implicated parameters, a
factor where there is one, and evidence sentences that name the probe and the numbers.
What it is not for: a sandbox. It calls loss_fn in this process; run untrusted code in a
separate process with a time limit (the kata runner does).

The probes, each a seeded problem with distinct sizes (N, D, H, C), away from ReLU kinks:
- base: gradient check at reg = 0, called with the function's default arguments;
- reg: the same problem at reg > 0; then once more at reg = 0 passed explicitly, so the penalty
  the loss adds and what the gradients add are measured, and where the reg probe disagrees, the
  change from reg = 0 to reg > 0 is checked on its own (an error of the reg term's own);
- batch: a second batch size, to see whether a common factor tracks N;
- dead: some hidden units forced dead by very negative biases; the loss is flat along their
  weights, so their analytic gradient must be exactly 0;
- stress: logits around 1e4 with large spreads inside and across rows; loss and gradients
  must stay finite and equal the reference's. When they are not finite, three milder logit
  patterns (every logit shifted by 1e3; row maxima 2e3 apart; spreads inside a row up to 600)
  tell an unshifted exp from a shift shared by all rows from a probability that underflows to 0
  before its log. When the loss differs there, the gradients are checked there too;
- square: D = H = C, where a wrong transpose no longer crashes and shows up as values;
- dX: only for a function that takes return_dX (by name, or through **kwargs): the reg probe's
  call with return_dX=True must return (loss, grads, dX) with the same loss and grads as without
  it, dX of shape (N, D), equal to the derivative of the function's own loss along X (central
  differences along random directions) and to the reference's dX. A function without return_dX
  is not judged on dX (the all-passed sentence says so);
and on every call: the return value's structure, the keys and shapes of grads (checked
before any number), the loss against the reference on the same inputs, and the inputs left
bit-identical.

Precedence, when several findings apply (the most specific root cause wins), is the order of
PRECEDENCE: a crash or a shape error stops the numeric probes that need the result; an input
modified in place corrupts everything after it; nan or inf under any probe; then the gradient
patterns at reg = 0 against the function's own loss: one common factor (uniform_scale), a
strict subset of the parameters (localized), all of them without a common factor (mixed);
then loss_mismatch, a loss that differs from the reference's while the gradients agree with
it (invisible to any gradient check; when the gradients disagree too, the gradient pattern is
the finding and the wrong loss is listed in the evidence); reg_only last: the verdict when
everything at reg = 0 is right and the gradients disagree with the loss at reg > 0, and listed
beside other findings when the change from reg = 0 to reg > 0 is itself wrong.

dX findings use the parameter name "X": a wrong dX with layer 1's gradients right is localized
with params ("X",) (a factor when one explains it: -1, 1/N); a dX of the wrong shape, or a
shape error raised only with return_dX=True, is shape_error ("X",); anything else raised only
then is a crash. When layer 1's gradients are wrong too, dX inherits their error and is noted,
not found. Grads that change with return_dX=True are localized (or mixed) in those params; a
loss that changes is loss_mismatch.

Every sentence is an Evidence record (kind, the values it quotes, each quote as shown);
tests/reference/test_evidence.py recomputes the values of each kind from the raw probe results.

The package, one concern per module, in the order a diagnosis goes (each module's docstring
says what it is for and what not; none is longer than one sitting, probes.py the longest as it
holds every probe in the order of a run):
- vocabulary.py: the signature table (name, precedence rank, meaning), from which SIGNATURES,
  PRECEDENCE and MEANINGS are derived; EVIDENCE_KINDS; the tolerances (THRESHOLD, LOSS_RTOL,
  REFERENCE_RTOL, FACTOR_RTOL). README.md's signature table is this table (a test says so).
- plan.py: the probe settings and probe_plan(seed), the sizes and dead units of a seed.
- probes.py: one run of the probes (_Diagnoser), through calls.py: Caller, which calls the
  function on copies and checks structure, keys, shapes and inputs on every call.
- checks.py: the numeric checks: partial_check (directions or chosen entries), close, differs,
  same_bits, consistent_factor, common_factor, factor_tracking, coefficient.
- results.py: Diagnosis (to_dict is its one serializer) and the raw probe results it carries.
- evidence.py: Evidence, one sentence as a record of the values it quotes.
- reader.py: the Reader, findings and the verdict by precedence, and what each call showed
  (errors, structure, shapes, inputs changed, nan or inf); read_losses.py (the loss, the stress
  probe), read_gradients.py (the patterns at reg = 0, factors, dead units, dX) and
  read_regularization.py (reg_only, the penalty measured) read the rest.
This module is the public API: diagnose(), and the names code and tests use, re-exported from
the modules that define them. Each module imports the names it reads, so patching a name here
(or where it is defined) changes nothing: a test must patch it in the module that reads it.
"""
from typing import Optional, Union

from reference import networks
from reference.networks import Network
from reference.diagnose.calls import LossFn
from reference.diagnose.conventions import PROJECT, Conventions
from reference.diagnose.calls import classify_exception, describe_value, dx_support
from reference.diagnose.checks import (DIRECTIONS, PartialParam, PartialReport, close, coefficient, common_factor,
                                       consistent_factor, differs, factor_tracking, partial_check, same_bits)
from reference.diagnose.evidence import Evidence, plain, verb
from reference.diagnose.plan import (BASE_SIZES, BATCH_N, BATCH_RANGE, DEAD_BIAS, DEAD_UNITS, DX_DIRECTIONS,
                                     EXTRA_RANGE, MILD_SPREAD, REG, ROWS_APART, SQUARE_RANGE, SQUARE_SIZES,
                                     STRESS_LOGIT, STRESS_OFFSET, WIDTH_RANGE, ProbePlan, param_names, probe_plan,
                                     width_names)
from reference.diagnose.probes import _Diagnoser
from reference.diagnose.read_regularization import multiple_words, multiples_sentence, penalty_relation
from reference.diagnose.reader import SHAPE_MESSAGE, Reader, dx_shape_hint, shape_hint
from reference.diagnose.results import DeadUnits, Diagnosis, DxResult, Probe, StressLevel
from reference.diagnose.vocabulary import (EVIDENCE_KINDS, FACTOR_RTOL, LOSS_RTOL, MEANINGS, PRECEDENCE,
                                           REFERENCE_RTOL, SIGNATURE_TABLE, SIGNATURES, THRESHOLD, Signature)

__all__ = [
    # the verdict
    "diagnose", "Diagnosis", "Conventions", "PROJECT",
    # vocabulary.py
    "SIGNATURE_TABLE", "Signature", "SIGNATURES", "PRECEDENCE", "MEANINGS", "EVIDENCE_KINDS",
    "THRESHOLD", "LOSS_RTOL", "REFERENCE_RTOL", "FACTOR_RTOL",
    # plan.py
    "BASE_SIZES", "BATCH_N", "SQUARE_SIZES", "DEAD_UNITS", "BATCH_RANGE", "WIDTH_RANGE", "SQUARE_RANGE",
    "EXTRA_RANGE", "REG", "STRESS_LOGIT", "STRESS_OFFSET", "ROWS_APART", "MILD_SPREAD", "DEAD_BIAS",
    "DX_DIRECTIONS", "ProbePlan", "probe_plan", "param_names", "width_names",
    # checks.py
    "DIRECTIONS", "PartialParam", "PartialReport", "partial_check", "close", "differs", "same_bits",
    "consistent_factor", "common_factor", "factor_tracking", "coefficient",
    # calls.py
    "classify_exception", "describe_value", "dx_support",
    # results.py and evidence.py
    "Probe", "StressLevel", "DeadUnits", "DxResult", "Evidence", "plain", "verb",
    # reader.py and read_regularization.py
    "Reader", "SHAPE_MESSAGE", "shape_hint", "dx_shape_hint", "multiples_sentence", "multiple_words",
    "penalty_relation",
]


def diagnose(loss_fn: LossFn, *, network: Union[str, Network] = "net", reference: Optional[LossFn] = None,
             seed: int = 0, hidden_layers: int = 1, conventions: Optional[Conventions] = None) -> Diagnosis:
    """Diagnose loss_fn(params, X, y, reg=0.0) -> (loss, grads) against a reference.

    network: the network loss_fn implements, by the name of its module in reference/ ("net",
    the default; "mlp", "batchnorm_net", "convnet", "rnn"; see reference.networks.names()) or
    as a Network. hidden_layers: the depth of "net" (more than 1 means reference/mlp.py) or
    "mlp". reference: a correct function with the same interface; None means the network's own.
    conventions: a course's (conventions.py: its L2 convention, mean or sum over the batch); the
    reference and every sentence follow them; None is this project's.
    Returns a Diagnosis. Never raises because of loss_fn, and never touches arrays it did not
    create; an unknown network name raises ValueError.
    """
    if not isinstance(network, Network):
        network = networks.load(network, hidden_layers)
    conventions = conventions or PROJECT
    judge = conventions.reference(reference or network.loss, network.regularized)
    return _Diagnoser(loss_fn, judge, seed, network, conventions).run()
