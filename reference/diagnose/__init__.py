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
tests/test_evidence.py recomputes the values of each kind from the raw probe results.
"""
import inspect
import itertools
import re
import traceback

try:
    from collections.abc import Mapping
except ImportError:  # pragma: no cover - Python 2 is not supported anyway
    Mapping = dict

import numpy as np

from reference import gradcheck, net, problems

from reference.diagnose.vocabulary import (  # noqa: F401 - the public names
    EVIDENCE_KINDS, FACTOR_RTOL, LOSS_RTOL, MEANINGS, PRECEDENCE, REFERENCE_RTOL, SIGNATURE_TABLE, SIGNATURES, THRESHOLD,
    Signature)

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

SHAPE_MESSAGE = re.compile(
    r"shape|broadcast|align|dimension|operand|size \d+ is different|cannot reshape|"
    r"boolean index did not match",
    re.IGNORECASE,
)


class Diagnosis(object):
    """The verdict on one loss function.

    Attributes:
    - signature: one string of SIGNATURES, the most specific root cause.
    - params: tuple of implicated parameter names, in parameter order ("X" for dX).
    - factor: float or None; analytic / numeric when one factor explains the mismatch.
    - factor_tracks: None, "N", "1/N" or "constant": how the factor moves with the batch size.
    - evidence: list of sentences, each naming the probe and the numbers behind it.
    - findings: list of (signature, params) for every signature that applies, by precedence.
    - probes: dict probe name -> Probe, the raw results.
    - records: list of Evidence, one per evidence sentence (same order): the values each quotes.
    - seed: the probe seed (the same seed gives the same probes, sizes included).
    """

    def __init__(self, signature, params, factor, factor_tracks, evidence, findings, probes, records=None):
        self.signature = signature
        self.params = tuple(params)
        self.factor = factor
        self.factor_tracks = factor_tracks
        self.evidence = evidence
        self.findings = findings
        self.probes = probes
        self.records = records if records is not None else []
        self.seed = None

    @property
    def ok(self):
        return self.signature == "ok"

    def to_dict(self):
        """A JSON-ready summary."""
        return {
            "signature": self.signature,
            "seed": self.seed,
            "params": list(self.params),
            "factor": self.factor,
            "factor_tracks": self.factor_tracks,
            "evidence": list(self.evidence),
            "findings": [{"signature": s, "params": list(p)} for s, p in self.findings],
            "probes": {name: probe.summary() for name, probe in self.probes.items()},
            "records": [record.to_dict() for record in self.records],
        }

    def text(self):
        """The verdict, the evidence and the base probe's table, for a terminal."""
        head = "signature: %s" % self.signature
        if self.params:
            head += "  params: %s" % ", ".join(self.params)
        if self.factor is not None:
            head += "  factor: %.6g" % self.factor
            if self.factor_tracks:
                head += " (tracks %s)" % self.factor_tracks if self.factor_tracks != "constant" else " (constant)"
        lines = [head, "evidence:"] + ["  - " + e for e in self.evidence]
        for name in ("base", "square"):
            probe = self.probes.get(name)
            if probe is not None and hasattr(probe.report, "table") and (name == "base" or not probe.report.passed):
                lines += ["", "%s probe (%s):" % (name, probe.describe()), probe.report.table()]
        return "\n".join(lines)


class Probe(object):
    """One call (or gradient check) of loss_fn on one problem, and what it showed."""

    def __init__(self, name, sizes, reg, purpose):
        self.name = name
        self.sizes = sizes
        self.reg = reg
        self.purpose = purpose
        self.error = None  # (kind, message, where) if the call raised
        self.structure = None  # sentence if the return value is malformed
        self.shape_problems = []  # (param, got shape or None, expected shape)
        self.mutated = []  # names of inputs modified in place
        self.nonfinite = []  # names among "loss", params with nan or inf
        self.loss = None
        self.reference_loss = None
        self.report = None  # GradCheckReport against the function's own loss
        self.reference_mismatch = []  # params whose gradient differs from the reference's
        self.narrow = {}  # param -> dtype name, for gradients returned in a float type narrower than float64
        self.problem = None  # (params, X, y) the call was given (the diagnoser's own arrays)
        self.grads = None  # the gradients it returned, float64 arrays
        self.reference_grads = None
        self.returned_loss = None  # the loss as returned, also when it is nan or inf
        self.dead_units = []  # dead probe: a DeadUnits per hidden layer
        self.levels = []  # stress probe: StressLevel per logit pattern tried, when it is not finite
        self.zero = None  # reg probe: (loss, grads) of the same call at reg = 0 passed explicitly
        self.reg_part = None  # reg probe: check of the change from reg = 0 to reg > 0
        self.dx = None  # dX probe: DxResult

    def describe(self):
        N, D = self.sizes[0], self.sizes[1]
        widths = self.sizes[2:]
        return "N=%d, D=%d, %s, reg=%g" % (
            N, D, ", ".join("%s=%d" % (k, w) for k, w in zip(width_names(len(widths)), widths)),
            self.reg)

    @property
    def ran(self):
        return self.error is None and self.structure is None and not self.shape_problems

    @property
    def loss_differs(self):
        return self.loss is not None and self.reference_loss is not None and not close(
            self.loss, self.reference_loss, LOSS_RTOL)

    def fd_mismatch(self):
        """Parameters whose analytic gradient disagrees with the function's own loss."""
        if self.report is None:
            return []
        return [name for name, p in self.report.params.items() if not p.passed]

    def summary(self):
        out = {"purpose": self.purpose, "sizes": list(self.sizes), "reg": self.reg}
        if self.error:
            out["error"] = "%s: %s (%s)" % self.error
        if self.structure:
            out["structure"] = self.structure
        if self.shape_problems:
            out["shapes"] = [[n, None if g is None else list(g), None if e is None else list(e)]
                             for n, g, e in self.shape_problems]
        if self.mutated:
            out["mutated"] = list(self.mutated)
        if self.nonfinite:
            out["nonfinite"] = list(self.nonfinite)
        if self.loss is not None:
            out["loss"] = self.loss
            out["reference_loss"] = self.reference_loss
        if self.report is not None:
            out["max_rel_error"] = {n: p.max_rel_error for n, p in self.report.params.items()}
            out["mismatch"] = self.fd_mismatch()
        if self.reference_mismatch:
            out["differs_from_reference"] = list(self.reference_mismatch)
        return out


class Evidence(object):
    """One evidence sentence, built from the measured values it quotes.

    kind: what was read, a key of EVIDENCE_KINDS; probe: the name of the probe read, or None;
    values: dict name -> the measured value behind each quote; quoted: (name, text) pairs, each
    text exactly as the sentence shows it; also: other probes that showed the same; body: the
    sentence without that list; text: the sentence.
    """

    def __init__(self, kind, probe=None):
        if kind not in EVIDENCE_KINDS:
            raise ValueError("unknown evidence kind %r" % kind)
        self.kind = kind
        self.probe = probe
        self.values = {}
        self.quoted = []
        self.also = []
        self.body = ""

    def q(self, name, value, spec="%.6g"):
        """Keep value under name; return it as the sentence shows it (spec None: str(value))."""
        self.values[name] = value
        shown = str(value) if spec is None else spec % (value,)
        self.quoted.append((name, shown))
        return shown

    def where(self, probe):
        """'name probe (N=..., reg=...)', as every sentence names a probe."""
        self.values["sizes"] = tuple(probe.sizes)
        self.values["reg"] = probe.reg
        shown = "%s probe (%s)" % (probe.name, probe.describe())
        self.quoted.append(("where", shown))
        return shown

    @property
    def text(self):
        if not self.also:
            return self.body
        return "%s (the same under the %s probe%s)" % (
            self.body, ", ".join(self.also), "s" if len(self.also) > 1 else "")

    def to_dict(self):
        return {"kind": self.kind, "probe": self.probe, "text": self.text,
                "values": {k: plain(v) for k, v in self.values.items()}}


def plain(value):
    """A JSON-ready copy of a quoted value."""
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    return value if value is None or isinstance(value, str) else str(value)


class StressLevel(object):
    """One pattern of logits the stress probe tried: what the logits were, and what the call gave.

    params: the parameters called with; scores: their (N, C) logits (the reference's forward pass);
    max_logit, spread (largest max - min inside a row), gap (largest distance of the true class
    below its row's max), rows_apart (max - min of the row maxima); nonfinite, loss, error.
    """

    def __init__(self, name, description, scores, y, params=None):
        self.name = name
        self.description = description
        self.params = params
        self.scores = scores
        row_max = scores.max(axis=1)
        self.max_logit = float(np.abs(scores).max())
        self.spread = float((row_max - scores.min(axis=1)).max())
        self.gap = float((row_max - scores[np.arange(len(y)), y]).max())
        self.rows_apart = float(row_max.max() - row_max.min())
        self.nonfinite = []
        self.loss = None
        self.error = None  # sentence when the call raised or returned something malformed

    @property
    def failed(self):
        return bool(self.nonfinite) or self.error is not None

    def what_failed(self):
        if self.error is not None:
            return self.error
        if self.nonfinite == ["loss"] and self.loss is not None and np.isinf(self.loss):
            return "the loss is %g" % self.loss
        return "%s %s nan or inf" % (", ".join(self.nonfinite), "is" if len(self.nonfinite) == 1 else "are")


class DeadUnits(object):
    """The dead probe's reading of one hidden layer: the largest |numeric| and |analytic| gradient
    along the dead units' weights (w_*) and biases (b_*), the largest pre-activation z there, and
    the round-off resolution of the central difference."""

    def __init__(self, layer, units, w_numeric, w_analytic, b_numeric, b_analytic, z_max, resolution):
        self.layer = layer
        self.units = units
        self.w_numeric = w_numeric
        self.w_analytic = w_analytic
        self.b_numeric = b_numeric
        self.b_analytic = b_analytic
        self.z_max = z_max
        self.resolution = resolution

    @property
    def numeric(self):
        return max(self.w_numeric, self.b_numeric)

    @property
    def analytic(self):
        return max(self.w_analytic, self.b_analytic)


class DxResult(object):
    """What the dX probe measured.

    support: "named" (a return_dX parameter), "kwargs" (only **kwargs) or None; ignored: True when
    a **kwargs function returned (loss, grads) anyway; dX and reference_dX (N, D) arrays; loss and
    grads with return_dX=True; plain_loss and plain_grads without it (the reg probe's call);
    loss_changed and changed (params whose gradient differs between the two calls); factor
    (analytic / numeric along every direction, confirmed entry by entry against the reference's dX
    when the loss is the reference's), reference_ratio (median, spread) of dX / reference_dX;
    batch: (N, factor or None) at the batch probe's size when there is a factor.
    """

    def __init__(self, support):
        self.support = support
        self.ignored = False
        self.dX = None
        self.reference_dX = None
        self.loss = None
        self.grads = None
        self.plain_loss = None
        self.plain_grads = None
        self.loss_changed = False
        self.changed = []
        self.factor = None
        self.reference_ratio = None
        self.batch = None


def width_names(count):
    """Names of the widths after D: H, C for one hidden layer; H1, ..., C for more."""
    if count == 2:
        return ["H", "C"]
    return ["H%d" % (i + 1) for i in range(count - 1)] + ["C"]


def close(a, b, rtol):
    return abs(a - b) <= rtol * max(1.0, abs(a), abs(b))


def param_names(depth):
    names = []
    for layer in range(1, depth + 1):
        names += ["W%d" % layer, "b%d" % layer]
    return names


def diagnose(loss_fn, *, reference=None, seed=0, hidden_layers=1):
    """Diagnose loss_fn(params, X, y, reg=0.0) -> (loss, grads) against a reference.

    reference: a correct function with the same interface; None means reference.net.loss
    (one hidden layer) or reference.mlp.loss (more). hidden_layers: the depth of the
    network loss_fn implements. Returns a Diagnosis. Never raises because of loss_fn, and
    never touches arrays it did not create.
    """
    if reference is None:
        reference = net.loss if hidden_layers == 1 else _mlp_loss()
    return _Diagnoser(loss_fn, reference, seed, hidden_layers).run()


class ProbePlan(object):
    """The sizes a seed gives the probes: base (N, D, H, C), the batch probe's N, the square
    probe's (N, w, w, w) and the hidden units the dead probe kills."""

    def __init__(self, base, batch_n, square, dead_units):
        self.base = tuple(int(n) for n in base)
        self.batch_n = int(batch_n)
        self.square = tuple(int(n) for n in square)
        self.dead_units = tuple(int(u) for u in dead_units)


def probe_plan(seed):
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


def _mlp_loss():
    from reference import mlp
    return mlp.loss


class _Diagnoser(object):
    def __init__(self, loss_fn, reference, seed, hidden_layers):
        self.loss_fn = loss_fn
        self.reference = reference
        self.seed = seed
        self.plan = probe_plan(seed)
        self.depth = hidden_layers + 1
        self.names = param_names(self.depth)
        self.probes = {}
        try:
            self.reg_by_name = "reg" in inspect.signature(loss_fn).parameters
        except (TypeError, ValueError):
            self.reg_by_name = False

    # -- problems ---------------------------------------------------------------------
    def sizes(self, N, D, H, C):
        """(N, D, H1, ..., C): hidden widths H, H + 3, ... (all equal when H == C)."""
        step = 0 if H == C else 3
        return (N, D) + tuple(H + step * i for i in range(self.depth - 1)) + (C,)

    def problem(self, sizes, seed_offset=0):
        N, widths = sizes[0], sizes[1:]
        return problems.layered_problem(N, widths, self.seed * 1000 + seed_offset, mixed_units=True)

    def base_copy(self):
        """The base problem with its parameters copied, for a probe that changes them."""
        params, X, y = self.base_problem
        return {k: v.copy() for k, v in params.items()}, X, y

    def batch_problem(self):
        """The base problem with more examples appended: the same weights, N changed alone."""
        params, X, y = self.base_problem
        extra = self.plan.batch_n - X.shape[0]
        for attempt in range(1000):
            rng = np.random.default_rng([self.seed, 2, attempt])
            more_X = np.vstack([X, rng.standard_normal((extra, X.shape[1]))])
            if problems.kink_margin(params, more_X) >= 1e-3:
                more_y = np.concatenate([y, rng.integers(0, params["b%d" % self.depth].shape[0], extra)])
                return params, more_X, more_y
        raise ValueError("no extra examples away from the kink within 1000 attempts")

    # -- calls ------------------------------------------------------------------------
    def arguments(self, args, reg, default_reg):
        """(args, kwargs) of a call: loss_fn(params, X, y) with its own default reg, or with reg
        passed by name if it has a parameter called reg (keyword-only included), else as the
        fourth argument."""
        if default_reg:
            return tuple(args), {}
        if self.reg_by_name:
            return tuple(args), {"reg": reg}
        return tuple(args) + (reg,), {}

    def invoke(self, args, reg, default_reg):
        args, kwargs = self.arguments(args, reg, default_reg)
        return self.loss_fn(*args, **kwargs)

    def own_loss(self, X, y, reg, default_reg, grads=None, probe=None):
        """The function's own loss as f(params) -> (loss, grads) for the gradient checks.

        Each call runs on copies. An exception ends the check (_ProbeFailed) and, with a probe,
        is recorded as its error. When loss_fn answers many perturbed calls at once
        (loss_fn.many(call, changes), as the sandbox's stand-in for a learner's loss does: one
        round trip instead of one per call), so does f (f.many, used by gradcheck.losses_at).
        """
        def failed(exc):
            if probe is not None:
                probe.error = classify_exception(exc, self.loss_fn)
            return _ProbeFailed()

        def own(p):
            args = ({k: v.copy() for k, v in p.items()}, X.copy(), y.copy())
            try:
                with np.errstate(all="ignore"):
                    value = float(self.invoke(args, reg, default_reg)[0])
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - recorded as the probe's error
                raise failed(exc)
            return value, grads

        many = getattr(self.loss_fn, "many", None)
        if many is not None:
            def own_many(params, changes):
                try:
                    return many(self.arguments((params, X, y), reg, default_reg), changes)
                except KeyboardInterrupt:
                    raise
                except BaseException as exc:  # noqa: BLE001 - recorded as the probe's error
                    raise failed(exc)
            own.many = own_many
        return own

    def call(self, probe, params, X, y, reg, default_reg=False):
        """Call loss_fn on copies; record errors, structure, shapes, mutation; return (loss, grads)."""
        copies = ({k: v.copy() for k, v in params.items()}, X.copy(), y.copy())
        try:
            with np.errstate(all="ignore"):
                out = self.invoke(copies, reg, default_reg)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - diagnose must never raise
            probe.error = classify_exception(exc, self.loss_fn)
            return None
        self.check_integrity(probe, params, X, y, copies)
        return self.check_structure(probe, params, out)

    def check_integrity(self, probe, params, X, y, copies):
        given_params, given_X, given_y = copies
        if not isinstance(given_params, dict) or sorted(given_params) != sorted(params):
            probe.mutated.append("params (keys added or removed)")
        else:
            for name in self.names:
                if not same_bits(given_params[name], params[name]):
                    probe.mutated.append(name)
        if not same_bits(given_X, X):
            probe.mutated.append("X")
        if not same_bits(given_y, y):
            probe.mutated.append("y")

    def check_structure(self, probe, params, out):
        if not isinstance(out, tuple) or len(out) != 2:
            probe.structure = "returned %s instead of a (loss, grads) pair" % describe_value(out)
            return None
        loss, grads = out
        if np.ndim(loss) != 0:
            probe.shape_problems.append(("loss", np.shape(loss), ()))
            return None
        try:
            loss = float(loss)
        except (TypeError, ValueError):
            probe.structure = "the loss is %s, not a number" % describe_value(loss)
            return None
        if not isinstance(grads, Mapping):
            probe.structure = "grads is %s, not a dict keyed like params" % describe_value(grads)
            return None
        missing = [name for name in self.names if name not in grads]
        unexpected = [str(name) for name in grads if name not in params]
        if missing or unexpected:
            probe.structure = "grads must have exactly the keys of params (%s), but %s" % (
                ", ".join(self.names), "; ".join(
                    part for part in ("%s missing" % ", ".join(missing) if missing else "",
                                      "%s unexpected" % ", ".join(repr(u) for u in unexpected) if unexpected else "")
                    if part))
            return None
        arrays = {}
        for name in self.names:
            try:
                value = np.asarray(grads[name])
                if not (value.dtype.kind == "f" and value.dtype.itemsize < 8):  # float32 is judged as such
                    value = np.asarray(grads[name], dtype=np.float64)
            except (TypeError, ValueError):
                probe.structure = "grads[%r] is %s, not an array of numbers" % (name, describe_value(grads[name]))
                return None
            if value.dtype != np.float64:
                probe.narrow[name] = str(value.dtype)
            if value.shape != params[name].shape:
                probe.shape_problems.append((name, value.shape, params[name].shape))
            arrays[name] = value
        if probe.shape_problems:
            return None
        probe.nonfinite = (["loss"] if not np.isfinite(loss) else []) + [
            name for name in self.names if not np.all(np.isfinite(arrays[name]))]
        return loss, arrays

    def reference_call(self, params, X, y, reg):
        with np.errstate(all="ignore"):
            return self.reference(params, X, y, reg)

    # -- probes -----------------------------------------------------------------------
    def gradient_probe(self, name, sizes, reg, purpose, params=None, X=None, y=None, default_reg=False,
                       mode="directional"):
        """Call once, then (if the result is usable) check gradients against the own loss.

        mode "full" checks every entry (the table a learner reads); "directional" checks each
        parameter along DIRECTIONS seeded random directions (2 calls each, enough to tell a
        wrong gradient and its factor); a list of (name, index) checks just those entries.
        """
        probe = Probe(name, sizes, reg, purpose)
        self.probes[name] = probe
        if params is None:
            params, X, y = self.problem(sizes, len(self.probes))
        result = self.call(probe, params, X, y, reg, default_reg)
        probe.problem = (params, X, y)
        if result is not None:
            probe.returned_loss = result[0]
        if result is None or probe.mutated or probe.nonfinite:
            return probe
        probe.loss, grads = result
        ref_loss, ref_grads = self.reference_call(params, X, y, reg)
        probe.reference_loss = float(ref_loss)
        probe.grads, probe.reference_grads = grads, ref_grads
        probe.reference_mismatch = [
            n for n in self.names if differs(grads[n], ref_grads[n])]

        own = self.own_loss(X, y, reg, default_reg, grads, probe)
        work = {k: v.copy() for k, v in params.items()}
        try:
            if mode == "full":
                probe.report = gradcheck.check_gradients(own, work, threshold=THRESHOLD, kinks=False)
            else:
                probe.report = partial_check(own, work, probe.loss, grads, mode, self.seed)
        except _ProbeFailed:
            probe.report = None
        return probe

    def stress_probe(self):
        """Logits near 1e4 with large spreads; everything finite and equal to the reference."""
        sizes = self.sizes(*self.plan.base)
        probe = Probe("stress", sizes, 0.0, "logits around %g, large spreads inside and across rows" % STRESS_LOGIT)
        self.probes["stress"] = probe
        params, X, y = self.base_copy()
        top = "W%d" % self.depth
        bias = "b%d" % self.depth
        hidden_out = problems.pre_activations(params, X)[-1]
        scores = np.maximum(hidden_out, 0.0) @ params[top] + params[bias]
        # Signed, so that the logit of largest magnitude is +STRESS_LOGIT: an unshifted exp
        # overflows under every seed, not only when the draw puts the extreme logit above 0.
        scale = STRESS_LOGIT / scores.flat[np.argmax(np.abs(scores))]
        # ... and no row entirely below 0: every logit moved up by one constant (the softmax does
        # not change) so that the lowest row maximum is 0, so that no row of an unshifted exp
        # underflows to all zeros by accident of the draw (the overflow is the finding).
        lift = max(0.0, -float((scores * scale).max(axis=1).min()))
        params[top] = params[top] * scale
        params[bias] = params[bias] * scale + lift
        result = self.call(probe, params, X, y, 0.0, default_reg=True)
        probe.problem = (params, X, y)
        if result is not None:
            probe.returned_loss = result[0]
        if result is not None and probe.nonfinite and not probe.mutated:
            level = StressLevel("stress", probe.purpose, scores * scale + lift, y, params)
            level.nonfinite, level.loss = list(probe.nonfinite), result[0]
            probe.levels = [level] + self.stress_levels(probe.sizes)
        if result is None or probe.mutated or probe.nonfinite:
            return probe
        probe.loss, grads = result
        ref_loss, ref_grads = self.reference_call(params, X, y, 0.0)
        probe.reference_loss = float(ref_loss)
        probe.grads, probe.reference_grads = grads, ref_grads
        probe.reference_mismatch = [n for n in self.names if differs(grads[n], ref_grads[n])]
        earlier = [self.probes.get(name) for name in ("base", "batch", "dead")]
        if probe.loss_differs and not any(p is not None and p.loss_differs for p in earlier):
            # the first wrong loss is here: do the gradients follow it at these logits? measured, not assumed
            self.check_own(probe, params, X, y, 0.0, True, grads, "directional")
        return probe

    def stress_levels(self, sizes):
        """Three milder logit patterns, each called once, to tell why the stress probe is not finite.

        offset: every logit of the base problem shifted by STRESS_OFFSET (the spreads stay small);
        rows_apart: each row shifted by its own amount, the row maxima spread over ROWS_APART;
        mild: the base logits scaled so the largest spread inside a row is MILD_SPREAD.
        """
        params, X, y = self.base_copy()
        top, bias = "W%d" % self.depth, "b%d" % self.depth
        hidden = np.maximum(problems.pre_activations(params, X)[-1], 0.0)  # (N, H) feeding the top layer
        scores = hidden @ params[top] + params[bias]  # (N, C)
        offset = dict(params)
        offset[bias] = params[bias] + STRESS_OFFSET
        ranges = hidden.max(axis=0) - hidden.min(axis=0)
        unit = int(np.argmax(ranges))  # the hidden unit that varies most across the rows
        apart = dict(params)
        apart[top] = params[top].copy()
        apart[top][unit, :] += ROWS_APART / ranges[unit]  # adds the same to every logit of a row
        spread = float((scores.max(axis=1) - scores.min(axis=1)).max())
        if not ranges[unit] > 0 or not spread > 0:
            return []  # logits that do not vary: no pattern can be built, the sentence says less
        mild = dict(params)
        mild[top], mild[bias] = params[top] * (MILD_SPREAD / spread), params[bias] * (MILD_SPREAD / spread)
        levels = []
        for name, description, level_params in (
                ("offset", "every logit shifted by +%g" % STRESS_OFFSET, offset),
                ("rows_apart", "row maxima spread over %g" % ROWS_APART, apart),
                ("mild", "spreads inside a row up to %g" % MILD_SPREAD, mild)):
            level = StressLevel(name, description, hidden @ level_params[top] + level_params[bias], y, level_params)
            scratch = Probe(name, sizes, 0.0, description)
            result = self.call(scratch, level_params, X, y, 0.0, default_reg=True)
            if scratch.error is not None:
                level.error = "it raises %s: %s" % scratch.error[:2]
            elif scratch.structure or scratch.shape_problems:
                level.error = "it returns something malformed"
            else:
                level.nonfinite, level.loss = list(scratch.nonfinite), result[0]
            levels.append(level)
        return levels

    def check_own(self, probe, params, X, y, reg, default_reg, grads, mode):
        """Check grads against the function's own loss at params (a probe that was only called)."""
        own = self.own_loss(X, y, reg, default_reg, grads, probe)
        try:
            probe.report = partial_check(own, {k: v.copy() for k, v in params.items()}, probe.loss, grads, mode,
                                         self.seed)
        except _ProbeFailed:
            probe.report = None

    def dead_probe(self):
        """Units whose pre-activation is negative on every example: a flat loss along them."""
        sizes = self.sizes(*self.plan.base)
        dead_units = list(self.plan.dead_units)
        params, X, y = self.base_copy()
        for layer in range(1, self.depth):
            params["b%d" % layer][dead_units] = DEAD_BIAS
        entries = []
        for layer in range(1, self.depth):
            for unit in dead_units:
                entries += [("W%d" % layer, (row, unit)) for row in range(params["W%d" % layer].shape[0])]
                entries.append(("b%d" % layer, (unit,)))
        probe = self.gradient_probe(
            "dead", sizes, 0.0, "hidden units %s forced dead (bias %g)" % (dead_units, DEAD_BIAS),
            params, X, y, default_reg=True, mode=entries)
        if probe.report is None:
            return probe
        resolution = gradcheck.resolution(probe.loss, gradcheck.EPS)
        zs = problems.pre_activations(params, X)
        for layer in range(1, self.depth):
            W, b = probe.report.params["W%d" % layer], probe.report.params["b%d" % layer]
            probe.dead_units.append(DeadUnits(
                layer, list(dead_units), float(np.abs(W.numeric).max()), float(np.abs(W.analytic).max()),
                float(np.abs(b.numeric).max()), float(np.abs(b.analytic).max()),
                float(zs[layer - 1][:, list(dead_units)].max()), float(resolution)))
        return probe

    # -- the run ----------------------------------------------------------------------
    def run(self):
        diagnosis = self._judge()
        diagnosis.seed = self.seed
        return diagnosis

    def _judge(self):
        try:
            return self._run()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - a bug here must still give a verdict
            record = Evidence("internal")
            record.body = "the diagnoser could not finish: %s: %s" % (
                record.q("exception", type(exc).__name__, None), record.q("message", str(exc), None))
            return Diagnosis("crash", (), None, None, [record.text], [("crash", ())], self.probes, [record])

    def _run(self):
        base_sizes = self.sizes(*self.plan.base)
        self.base_problem = self.problem(base_sizes, 1)
        params, X, y = self.base_problem
        self.gradient_probe("base", base_sizes, 0.0, "gradient check at reg = 0 with default arguments",
                            params, X, y, default_reg=True, mode="full")
        if self.probes["base"].error is None and self.probes["base"].structure is None:
            self.gradient_probe("reg", base_sizes, REG, "the base problem at reg = %g" % REG, params, X, y)
            batch_params, batch_X, batch_y = self.batch_problem()
            self.gradient_probe("batch", batch_X.shape[:1] + base_sizes[1:], 0.0,
                                "the base problem with %d more examples" % (self.plan.batch_n - self.plan.base[0]),
                                batch_params, batch_X, batch_y, default_reg=True)
            self.dead_probe()
            self.stress_probe()
        square = self.sizes(*self.plan.square)
        base = self.probes["base"]
        self.gradient_probe("square", square, 0.0, "gradient check with every width equal",
                            default_reg=True, mode="directional" if base.ran else "full")
        self.reg_part_check()
        self.dx_probe()
        return Reader(self).verdict()

    # -- after the probes: the reg probe at reg = 0, and dX ------------------------------
    def reg_part_check(self):
        """The reg probe's call once more at reg = 0 (passed explicitly), kept as probe.zero; where
        the reg probe disagrees, the change from reg = 0 to reg > 0 checked on its own: the
        gradient's change against the loss's change, along the reg probe's own directions."""
        probe = self.probes.get("reg")
        if probe is None or probe.report is None:
            return
        params, X, y = probe.problem
        scratch = Probe("reg0", probe.sizes, 0.0, "the reg probe's call at reg = 0")
        result = self.call(scratch, params, X, y, 0.0)
        if result is None or scratch.mutated or scratch.nonfinite:
            return
        probe.zero = result
        wrong = probe.fd_mismatch()
        if not wrong or any(probe.report.params[n].directions is None for n in wrong):
            return
        loss0, grads0 = result
        eps = gradcheck.EPS
        noise = 2 * gradcheck.resolution(max(abs(probe.loss), abs(loss0)), eps)

        own = self.own_loss(X, y, 0.0, False)  # an exception here leaves the reg probe's own reading
        work = {k: v.copy() for k, v in params.items()}
        changes = [((name, Ellipsis, work[name] + sign * eps * v),)
                   for name in wrong for v in probe.report.params[name].directions for sign in (1.0, -1.0)]
        try:
            values = iter(gradcheck.losses_at(own, work, changes))
        except _ProbeFailed:
            return
        parts = {}
        for name in wrong:
            checked = probe.report.params[name]
            analytic, numeric = [], []
            for v, a_reg, n_reg in zip(checked.directions, checked.analytic, checked.numeric):
                plus, minus = next(values), next(values)
                analytic.append(a_reg - float(np.sum(grads0[name] * v)))
                numeric.append(n_reg - (plus - minus) / (2 * eps))
            parts[name] = PartialParam(analytic, numeric, noise, checked.directions)
        probe.reg_part = PartialReport(parts)

    def dx_probe(self):
        """The reg probe's call with return_dX=True, when the function takes return_dX (by name or
        through **kwargs): the same loss and grads as without it, dX of shape (N, D) and equal to
        the derivative of the function's own loss along X (central differences along
        DX_DIRECTIONS directions), compared with the reference's dX; the batch size toggled when
        dX is off by a factor."""
        support = self.dx_support = dx_support(self.loss_fn)
        reg = self.probes.get("reg")
        if support is None or reg is None or reg.grads is None:
            return None
        params, X, y = reg.problem
        probe = Probe("dX", reg.sizes, reg.reg, "the reg probe's call with return_dX=True")
        self.probes["dX"] = probe
        dx = probe.dx = DxResult(support)
        dx.plain_loss, dx.plain_grads = reg.loss, reg.grads
        out = self.call_with_dx(probe, params, X, y, reg.reg)
        probe.problem = (params, X, y)
        if out is None:
            return probe
        dx.loss, dx.grads, dx.dX = out
        probe.loss, probe.grads, probe.reference_loss = dx.loss, dx.grads, reg.reference_loss
        dx.loss_changed = not close(dx.loss, reg.loss, LOSS_RTOL)
        dx.changed = [n for n in self.names if differs(dx.grads[n], reg.grads[n])]
        dx.reference_dX = self.reference_dx(params, X, y, reg.reg)
        if dx.reference_dX is not None and differs(dx.dX, dx.reference_dX):
            probe.reference_mismatch = ["X"]
        if probe.nonfinite:
            return probe
        check = self.check_dx(probe, params, X, y, reg.reg, dx.dX)
        if check is None:
            return probe
        probe.report = PartialReport({"X": check})
        if check.passed:
            return probe
        dx.factor = consistent_factor(check)
        if dx.reference_dX is not None and not reg.loss_differs:
            dx.reference_ratio = gradcheck.ratio_summary(dx.dX, dx.reference_dX)
            median, spread = dx.reference_ratio
            if dx.factor is not None and not (np.isfinite(spread) and spread <= FACTOR_RTOL * abs(median)
                                              and close(median, dx.factor, FACTOR_RTOL)):
                dx.factor = None  # the directions agreed by chance; the entries do not
        batch = self.probes.get("batch")
        base = self.probes["base"]
        layer1_right = base.report is not None and not {"W1", "b1"} & set(base.fd_mismatch())
        if dx.factor is not None and layer1_right and batch is not None and batch.problem is not None:
            b_params, b_X, b_y = batch.problem
            scratch = Probe("dX", batch.sizes, reg.reg, "the batch problem with return_dX=True")
            scratch.dx = DxResult(support)
            out = self.call_with_dx(scratch, b_params, b_X, b_y, reg.reg)
            if out is not None and not scratch.nonfinite:
                scratch.loss = out[0]
                other = self.check_dx(scratch, b_params, b_X, b_y, reg.reg, out[2])
                if other is not None:
                    dx.batch = (b_X.shape[0], 1.0 if other.passed else consistent_factor(other))
        return probe

    def call_with_dx(self, probe, params, X, y, reg):
        """loss_fn(params, X, y, reg, return_dX=True) on copies; records like call(); returns
        (loss, grads, dX) or None."""
        copies = ({k: v.copy() for k, v in params.items()}, X.copy(), y.copy())
        try:
            with np.errstate(all="ignore"):
                if self.reg_by_name:
                    out = self.loss_fn(*copies, reg=reg, return_dX=True)
                else:
                    out = self.loss_fn(*(copies + (reg,)), return_dX=True)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - diagnose must never raise
            if probe.dx.support == "kwargs" and isinstance(exc, TypeError) and "return_dX" in str(exc):
                probe.dx.ignored = True  # **kwargs passed on to something that does not take it
                return None
            probe.error = classify_exception(exc, self.loss_fn)
            return None
        self.check_integrity(probe, params, X, y, copies)
        if probe.mutated:
            return None
        if probe.dx.support == "kwargs" and isinstance(out, tuple) and len(out) == 2:
            probe.dx.ignored = True
            return None
        if not isinstance(out, tuple) or len(out) != 3:
            probe.structure = "with return_dX=True it returned %s instead of a (loss, grads, dX) triple" % (
                describe_value(out))
            return None
        result = self.check_structure(probe, params, out[:2])
        try:
            dX = np.asarray(out[2], dtype=np.float64)
        except (TypeError, ValueError):
            probe.structure = "dX is %s, not an array of numbers" % describe_value(out[2])
            return None
        if dX.shape != X.shape:
            probe.shape_problems.append(("X", dX.shape, X.shape))
            return None
        if result is None:
            return None
        if not np.all(np.isfinite(dX)):
            probe.nonfinite.append("X")
        return result + (dX,)

    def reference_dx(self, params, X, y, reg):
        """The reference's dX, when it takes return_dX; else None."""
        if dx_support(self.reference) != "named":
            return None
        try:
            with np.errstate(all="ignore"):
                return np.asarray(self.reference(params, X, y, reg, return_dX=True)[2], dtype=np.float64)
        except Exception:  # noqa: BLE001 - a custom reference without dX: no comparison
            return None

    def check_dx(self, probe, params, X, y, reg, dX):
        """dX . v against the central difference of the function's own loss (the plain call) along v."""
        eps = gradcheck.EPS
        rng = np.random.default_rng([self.seed, 5])

        def own(X_moved):
            args = ({k: v.copy() for k, v in params.items()}, X_moved, y.copy())
            with np.errstate(all="ignore"):
                return float(self.invoke(args, reg, False)[0])

        analytic, numeric, directions = [], [], []
        try:
            for _ in range(DX_DIRECTIONS):
                v = rng.standard_normal(X.shape)
                v /= np.sqrt(np.sum(v * v))
                directions.append(v)
                analytic.append(float(np.sum(dX * v)))
                numeric.append((own(X + eps * v) - own(X - eps * v)) / (2 * eps))
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - recorded as the probe's error
            probe.error = classify_exception(exc, self.loss_fn)
            return None
        return PartialParam(analytic, numeric, gradcheck.resolution(probe.loss, eps), directions)


DIRECTIONS = 2


class PartialParam(object):
    """A gradient check of one parameter on a few numbers: directional derivatives or chosen entries.

    Has the attributes the reader uses of gradcheck.ParamReport: analytic, numeric (1-D, one
    value per direction or entry), rel_errors, max_rel_error, ratio_median, ratio_spread, passed;
    directions: the unit directions checked, or None for chosen entries.
    """

    def __init__(self, analytic, numeric, resolution, directions=None):
        self.analytic = np.asarray(analytic, dtype=np.float64)
        self.numeric = np.asarray(numeric, dtype=np.float64)
        self.directions = directions
        self.rel_errors = gradcheck.rel_error(self.analytic, self.numeric)
        self.max_rel_error = float(self.rel_errors.max()) if self.rel_errors.size else 0.0
        failed = gradcheck.failing_entries(self.analytic, self.numeric, THRESHOLD, resolution, self.rel_errors)
        self.passed = not failed.any()
        self.ratio_median, self.ratio_spread = gradcheck.ratio_summary(self.analytic, self.numeric)


class PartialReport(object):
    """A partial check: params maps name -> PartialParam; passed when all passed."""

    def __init__(self, params):
        self.params = params
        self.passed = all(p.passed for p in params.values())
        self.max_rel_error = max(p.max_rel_error for p in params.values()) if params else 0.0


def partial_check(f, params, loss0, grads, mode, seed):
    """Check f's grads along seeded random directions per parameter, or at chosen entries.

    Perturbs params through gradcheck.losses_at (restored bit for bit). mode is "directional"
    or a list of (name, index) entries.
    """
    eps = gradcheck.EPS
    noise = gradcheck.resolution(loss0, eps)
    changes, plan = [], []  # plan: (name, analytic, rounding) per pair of changes
    if mode == "directional":
        rng = np.random.default_rng(seed)
        for name, array in params.items():
            precision = gradcheck.value_precision(grads[name])
            for _ in range(DIRECTIONS):
                v = rng.standard_normal(array.shape)
                v /= np.sqrt(np.sum(v * v))
                plan.append((name, float(np.sum(grads[name] * v)), precision * float(np.sum(np.abs(grads[name] * v))),
                             v))
                changes += [((name, Ellipsis, array + eps * v),), ((name, Ellipsis, array - eps * v),)]
    else:
        for name, index in mode:
            array = params[name]
            flat_index = int(np.ravel_multi_index(index, array.shape))
            analytic = float(grads[name][index])
            plan.append((name, analytic, gradcheck.value_precision(grads[name]) * abs(analytic), None))
            changes += [((name, flat_index, array[index] + eps),), ((name, flat_index, array[index] - eps),)]
    values = gradcheck.losses_at(f, params, changes)
    by_name = {}
    for k, (name, analytic, rounding, direction) in enumerate(plan):
        numeric = (values[2 * k] - values[2 * k + 1]) / (2 * eps)
        by_name.setdefault(name, []).append((analytic, numeric, rounding, direction))
    results = {}
    for name, rows in by_name.items():
        analytic, numeric, rounding, directions = zip(*rows)
        results[name] = PartialParam(analytic, numeric, noise + np.array(rounding),
                                     list(directions) if mode == "directional" else None)
    return PartialReport(results)


class _ProbeFailed(Exception):
    """loss_fn failed during a gradient check: the probe records why."""


class Reader(object):
    """Reads the probes' results into findings, a verdict and one Evidence record per sentence."""

    def __init__(self, diagnoser):
        self.d = diagnoser
        self.names = diagnoser.names
        self.probes = diagnoser.probes
        self.ranked = []  # (rank, Evidence)
        self.repeats = {}  # repeat key -> the Evidence first recorded under it
        self.findings = []
        self.factor = None
        self.factor_tracks = None
        self.other_batch = None

    def add(self, signature, params, evidence, repeat_key=None, probe=None):
        """Record a finding. A repeat (same repeat_key) under another probe is only named."""
        if repeat_key is not None:
            if repeat_key in self.repeats:
                self.repeats[repeat_key].also.append(probe)
                return
            self.repeats[repeat_key] = evidence
        self.findings.append((signature, tuple(params)))
        self.ranked.append((PRECEDENCE.index(signature), evidence))

    def note(self, evidence):
        """Evidence that supports a finding without being one; listed after the findings."""
        self.ranked.append((len(PRECEDENCE), evidence))

    def final_records(self):
        return [evidence for _, evidence in sorted(self.ranked, key=lambda r: r[0])]

    def ordered(self, params):
        return [n for n in self.names + ["X"] if n in params]

    def verdict(self):
        narrow = {}
        for probe in self.probes.values():
            narrow.update(probe.narrow)
        if narrow:
            ev = Evidence("precision")
            ev.body = ("grads %s came back as %s: each entry is judged at the precision of its type (float32 keeps "
                       "about 7 significant digits), so the check stays exact about bugs but cannot see errors below "
                       "that; the kata computes in float64 throughout" % (
                           ev.q("params", ", ".join(self.ordered(narrow)), None),
                           ev.q("dtypes", ", ".join(sorted(set(narrow.values()))), None)))
            self.note(ev)
        for probe in self.probes.values():
            self.read_errors(probe)
        for probe in self.probes.values():
            self.read_integrity(probe)
        self.read_losses()
        self.read_gradients()
        self.read_regularization()
        self.read_dx()
        if not self.findings:
            self.note(self.all_passed())
            records = self.final_records()
            return Diagnosis("ok", (), None, None, [r.text for r in records], [], self.probes, records)
        rank = {s: i for i, s in enumerate(PRECEDENCE)}
        signature, params = min(self.findings, key=lambda f: rank[f[0]])
        factor = self.factor if signature in ("uniform_scale", "localized") else None
        tracks = self.factor_tracks if factor is not None else None
        ordered_findings = sorted(self.findings, key=lambda f: rank[f[0]])
        records = self.final_records()
        return Diagnosis(signature, params, factor, tracks, [r.text for r in records], ordered_findings,
                         self.probes, records)

    def all_passed(self):
        ev = Evidence("ok")
        errors = ", ".join("%s %s" % (name, ev.q("max_rel_error." + name, probe.report.max_rel_error, "%.1e"))
                           for name, probe in self.probes.items() if probe.report is not None)
        ev.body = ("every probe passed (max rel error per probe: %s); the loss equals the reference's under every "
                   "probe, including logits near %s; inputs untouched%s" % (
                       errors, ev.q("stress_logit", STRESS_LOGIT, "%g"), self.dx_clause(ev)))
        return ev

    def dx_clause(self, ev):
        """How dX was judged, for the all-passed sentence."""
        probe = self.probes.get("dX")
        support = getattr(self.d, "dx_support", None)
        if probe is not None and probe.report is not None:
            ev.values["dx"] = "checked"
            same = "" if probe.dx.reference_dX is None else (
                " and differs from the reference's" if probe.reference_mismatch else " and equals the reference's")
            ev.values["dx_reference"] = None if probe.dx.reference_dX is None else not probe.reference_mismatch
            return ("; with return_dX=True the loss and grads are those of the plain call, and dX agrees with the "
                    "loss along X%s" % same)
        if support is None:
            ev.values["dx"] = "no return_dX"
            return "; dX not judged: the function has no return_dX parameter"
        if probe is not None and probe.dx is not None and probe.dx.ignored:
            ev.values["dx"] = "ignored"
            return "; dX not judged: it takes return_dX only through **kwargs and returns (loss, grads) anyway"
        ev.values["dx"] = "not checked"
        return "; dX not checked"

    # -- crash, shapes, structure -----------------------------------------------------
    def read_errors(self, probe):
        only_dx = (": only with return_dX=True; the same call without it runs (reg probe)"
                   if probe.name == "dX" else "")
        if probe.error is not None:
            kind, message, where = probe.error
            if kind == "FloatingPointError":
                ev = Evidence("fpe", probe.name)
                ev.body = ("%s: raised FloatingPointError (%s) %s: numpy was set to raise on overflow or invalid "
                           "values, and one occurred" % (
                               ev.where(probe), ev.q("message", message, None), ev.q("line", where, None)))
                self.add("nonfinite", (), ev, ("fpe", message), probe.name)
            elif SHAPE_MESSAGE.search(message) and kind in ("ValueError", "IndexError"):
                ev = Evidence("raised_shape", probe.name)
                if probe.name == "dX":
                    params = ["X"]
                else:
                    params = self.localize_by_square() if probe.name != "square" else []
                ev.body = "%s: raised %s: %s %s%s%s" % (
                    ev.where(probe), ev.q("exception", kind, None), ev.q("message", message, None),
                    ev.q("line", where, None), self.square_hint(params, ev), only_dx)
                self.add("shape_error", params, ev, ("shape raise", where), probe.name)
            else:
                ev = Evidence("raised", probe.name)
                ev.body = "%s: raised %s: %s %s%s" % (
                    ev.where(probe), ev.q("exception", kind, None), ev.q("message", message, None),
                    ev.q("line", where, None), only_dx)
                self.add("crash", (), ev, ("crash", kind, where), probe.name)
        if probe.structure is not None:
            ev = Evidence("structure", probe.name)
            ev.body = "%s: %s" % (ev.where(probe), ev.q("structure", probe.structure, None))
            self.add("crash", (), ev, ("structure", probe.structure), probe.name)
        if probe.shape_problems:
            ev = Evidence("shapes", probe.name)
            where = ev.where(probe)
            params, parts = [], []
            for name, got, expected in probe.shape_problems:
                got, expected = tuple(got), tuple(expected)
                if name == "loss":
                    parts.append("the loss has shape %s instead of being a scalar: the mean over the batch "
                                 "(or the sum over classes) is missing" % ev.q("shape.loss", got, None))
                elif name == "X":
                    params.append(name)
                    parts.append("with return_dX=True, dX has shape %s but X has shape %s%s" % (
                        ev.q("shape.X", got, None), ev.q("expected.X", expected, None),
                        dx_shape_hint(got, expected, probe.sizes)))
                else:
                    params.append(name)
                    parts.append("grads[%r] has shape %s but %s has shape %s%s" % (
                        name, ev.q("shape." + name, got, None), name, ev.q("expected." + name, expected, None),
                        shape_hint(got, expected)))
            ev.body = "%s: %s" % (where, "; ".join(parts))
            self.add("shape_error", self.ordered(params) or self.localize_by_square(), ev,
                     ("shapes", tuple(params)), probe.name)

    def localize_by_square(self):
        """With every width equal, which gradients are wrong (a transpose no longer crashes)."""
        square = self.probes.get("square")
        if square is None or square.report is None:
            return []
        return self.ordered(square.fd_mismatch())

    def square_hint(self, params, ev):
        square = self.probes.get("square")
        if not params or square is None or square.report is None or "X" in params:
            return ""
        parts = []
        for name in params:
            p = square.report.params[name]
            if p.analytic.ndim == 2 and np.allclose(p.analytic, p.numeric.T, rtol=1e-5, atol=1e-12):
                ev.values["square." + name] = "transpose"
                parts.append("d%s equals the transpose of the true gradient" % name)
            else:
                parts.append("d%s is off (max rel error %s)" % (name, ev.q("square." + name, p.max_rel_error, "%.2g")))
        return ". With every width equal (square probe) the call runs and %s: a product combines the wrong " \
               "arrays (factors in the wrong order, a missing transpose, or another layer's values)" % "; ".join(parts)

    def read_integrity(self, probe):
        if probe.mutated:
            ev = Evidence("mutated", probe.name)
            ev.body = ("%s: the call modified %s in place: a loss function must leave its inputs bit-identical "
                       "(copy before changing, or use out-of-place operations)" % (
                           ev.where(probe), ev.q("mutated", ", ".join(probe.mutated), None)))
            self.add("mutates_input", [n for n in probe.mutated if n in self.names], ev,
                     ("mutated", tuple(probe.mutated)), probe.name)
        if probe.nonfinite:
            params = [n for n in probe.nonfinite if n in self.names or n == "X"]
            if probe.name == "stress":
                ev = self.stress_nonfinite(probe)
            else:
                ev = Evidence("nonfinite", probe.name)
                shown = ", ".join("dX" if n == "X" else n for n in probe.nonfinite)
                ev.body = "%s: nan or inf in %s, at ordinary values" % (
                    ev.where(probe), ev.q("nonfinite", shown, None))
            self.add("nonfinite", params, ev, ("nonfinite", probe.name == "stress"), probe.name)

    def stress_nonfinite(self, probe):
        """nan or inf under large logits, and what the milder logit patterns say about why."""
        ev = Evidence("nonfinite_stress", probe.name)
        names = list(probe.nonfinite)
        head = "%s: nan or inf in %s" % (ev.where(probe), ev.q("nonfinite", ", ".join(names), None))
        if names == ["loss"]:
            head += " (the loss is %s; the gradients are finite)" % ev.q("loss", float(probe.returned_loss), "%g")
        elif "loss" not in names:
            head += " (the loss is finite)"
        levels = {level.name: level for level in probe.levels}
        if not all(n in levels for n in ("stress", "offset", "rows_apart", "mild")):
            ev.values["cause"] = None
            ev.body = "%s, under logits near %s" % (head, ev.q("stress_logit", STRESS_LOGIT, "%g"))
            return ev
        stress, offset, apart, mild = levels["stress"], levels["offset"], levels["rows_apart"], levels["mild"]
        shifted = ev.q("offset", STRESS_OFFSET, "%g")
        if offset.failed:
            ev.values["cause"] = "overflow"
            ev.body = ("%s. Already with every logit shifted by +%s and spreads inside a row of at most %s, which a "
                       "softmax shifted by each row's max computes exactly, %s: exp overflows (it is inf above "
                       "about 709.78), so the scores reach exp without their row's max subtracted" % (
                           head, shifted, ev.q("offset.spread", offset.spread, "%.3g"),
                           ev.q("offset.failed", offset.what_failed(), None)))
            return ev
        apart_shown = ev.q("rows_apart", apart.rows_apart, "%.4g")
        if apart.failed:
            ev.values["cause"] = "shared_shift"
            ev.body = ("%s. With every logit shifted by +%s all is finite, so the scores are shifted before exp; but "
                       "with the row maxima %s apart and spreads inside a row of at most %s, %s: the shift is not "
                       "each row's own max (one max for the whole batch, or one over the wrong axis), and a row far "
                       "below it underflows to all zeros (exp is 0 below about -745) before a division or a log" % (
                           head, shifted, apart_shown, ev.q("rows_apart.spread", apart.spread, "%.3g"),
                           ev.q("rows_apart.failed", apart.what_failed(), None)))
            return ev
        finite = "With every logit shifted by +%s, with the row maxima %s apart" % (shifted, apart_shown)
        if mild.failed:
            ev.values["cause"] = "mild_spread"
            ev.body = ("%s. %s, all is finite; but already at spreads inside a row up to %s, %s: the softmax "
                       "mishandles differences of a few hundred inside a row" % (
                           head, finite, ev.q("mild.spread", mild.spread, "%.4g"),
                           ev.q("mild.failed", mild.what_failed(), None)))
        elif names == ["loss"] and float(probe.returned_loss) == float("inf"):
            ev.values["cause"] = "underflow"
            ev.body = ("%s. %s, and with spreads inside a row up to %s (the true class at most %s below its row's "
                       "max), all is finite: large logits as such are handled row by row. At the stress logits the "
                       "true class sits up to %s below its row's max, where exp underflows to 0 (below about -745); "
                       "with only the loss inf, that 0 is the true class's probability reaching the log. Take the "
                       "log-softmax, shifted - log(sum(exp(shifted))), instead of the log of the probability" % (
                           head, finite, ev.q("mild.spread", mild.spread, "%.4g"), ev.q("mild.gap", mild.gap, "%.4g"),
                           ev.q("stress.gap", stress.gap, "%.5g")))
        else:
            ev.values["cause"] = "spread"
            ev.body = ("%s. %s, and with spreads inside a row up to %s, all is finite; at the stress logits, with "
                       "spreads inside a row up to %s, it is not: the failure needs large differences inside a row, "
                       "where exp overflows above about 709 (a shift other than the row's max) or underflows to 0 "
                       "below about -745 before a division or a log" % (
                           head, finite, ev.q("mild.spread", mild.spread, "%.4g"),
                           ev.q("stress.spread", stress.spread, "%.5g")))
        return ev

    # -- loss -------------------------------------------------------------------------
    def read_losses(self):
        """The loss value against the reference's, probe by probe (the first difference is read).

        A loss that differs while the gradients agree with it is loss_mismatch: no gradient
        check can see it. When the gradients disagree too, the gradient pattern is the finding
        and the wrong loss is noted as evidence.
        """
        base = self.probes["base"]
        base_consistent = base.report is not None and not base.fd_mismatch()
        for name in ("base", "batch", "dead", "stress", "square", "reg"):
            probe = self.probes.get(name)
            if probe is None or not probe.loss_differs:
                continue
            consistent = base_consistent if name == "stress" else (
                probe.report is not None and not probe.fd_mismatch())
            if consistent:
                self.add("loss_mismatch", [], self.loss_sentence(probe, "consistent"))
            else:
                reading = "gradients equal the reference's" if not probe.reference_mismatch else "forward wrong too"
                self.note(self.loss_sentence(probe, reading))
                if name == "reg":  # read_regularization may say the penalty itself, in a finding
                    self.reg_loss_note = (self.ranked[-1], self.loss_sentence(probe, reading, penalty=False))
            break
        stress = self.probes.get("stress")
        base_clean = base.report is not None and not base.fd_mismatch() and not base.reference_mismatch
        if (stress is not None and stress.reference_mismatch and not stress.nonfinite and base_clean
                and not stress.loss_differs):
            params = self.ordered(stress.reference_mismatch)
            ev = Evidence("stress_gradients", "stress")
            ev.body = "%s: finite, but the gradients of %s differ from the reference's at logits near %s" % (
                ev.where(stress), ev.q("params", ", ".join(params), None), ev.q("stress_logit", STRESS_LOGIT, "%g"))
            self.add(self.pattern(params), params, ev)

    def loss_sentence(self, probe, reading, penalty=True):
        """The loss against the reference's at one probe, and what the gradients say about it."""
        ev = Evidence("loss_value", probe.name)
        ev.values["reading"] = reading
        ratio = probe.loss / probe.reference_loss if probe.reference_loss else float("nan")
        head = "%s: loss %s but the reference gives %s (ratio %s)" % (
            ev.where(probe), ev.q("loss", probe.loss, "%.10g"), ev.q("reference_loss", probe.reference_loss, "%.10g"),
            ev.q("ratio", ratio, "%.6g"))
        clause = self.penalty_clause(probe, ev) if probe.name == "reg" and penalty else ""
        if reading == "consistent":
            if probe.name == "stress":
                tail = self.stress_loss_tail(probe, self.probes["base"], ev)
            elif clause:
                tail = "; only with reg > 0: %s; %s, so they agree with this loss (%s) and a gradient check alone " \
                       "passes" % (clause, self.penalty_gradient_clause(probe, ev),
                                   self.agreement(probe, ev, "max_rel_error"))
            else:
                where = ("only with reg > 0: the penalty is wrong in the loss and in its gradient alike"
                         if probe.name == "reg" else "the forward pass computes a different function")
                tail = "; the gradients agree with this loss (%s), so a gradient check alone passes: %s" % (
                    self.agreement(probe, ev, "max_rel_error"), where)
        elif reading == "gradients equal the reference's":
            tail = "; the gradients equal the reference's, so the loss value is the culprit: fix the forward pass " \
                   "(the loss) to match them" + ("; %s" % clause if clause else "")
        else:
            tail = ": the forward pass is wrong too; fix it first" + ("; %s" % clause if clause else "")
        ev.body = head + tail
        return ev

    def stress_loss_tail(self, probe, base, ev):
        """Whether the gradients follow the loss at the stress logits: measured there, not assumed."""
        at_base = self.agreement(base, ev, "base.max_rel_error")
        own = probe.report
        if own is None:
            ev.values["stress_check"] = "not checked"
            return ("; the gradients agree with this loss at the base probe (%s) and could not be "
                    "checked at these logits: the forward pass computes a different function at large logits" % at_base)
        if own.passed:
            ev.values["stress_check"] = "agrees"
            return ("; the gradients agree with this loss at these logits too (%s; at the base probe %s), so a "
                    "gradient check alone passes: the forward pass computes a different function at large logits" % (
                        self.agreement(probe, ev, "max_rel_error"), at_base))
        here = ev.q("max_rel_error", own.max_rel_error, "%.2g")
        if not probe.reference_mismatch:
            ev.values["stress_check"] = "disagrees, equals the reference's"
            return ("; the gradients agree with this loss at the base probe (%s) but not at these "
                    "logits (max rel error %s), where they equal the reference's: at large logits the loss goes "
                    "wrong and its gradient does not" % (at_base, here))
        ev.values["stress_check"] = "disagrees, differs from the reference's"
        return ("; the gradients agree with this loss at the base probe (%s) but at these logits "
                "neither with it (max rel error %s) nor with the reference's: the forward pass computes a different "
                "function at large logits" % (at_base, here))

    def agreement(self, probe, ev, name):
        """'max rel error X' for a check that passed, and when entries above THRESHOLD passed only
        because they are within the central difference's round-off resolution, how far they are off."""
        report = probe.report
        shown = "max rel error %s" % ev.q(name, report.max_rel_error, "%.2g")
        loose = [np.abs(p.analytic - p.numeric)[np.asarray(p.rel_errors) > THRESHOLD] for p in report.params.values()]
        loose = [float(d.max()) for d in loose if d.size]
        if not report.passed or not loose:
            return shown
        resolution = float(gradcheck.resolution(probe.loss, gradcheck.EPS))
        return "%s, on entries that differ by at most %s, within the round-off resolution %s of the central " \
               "difference at this loss" % (shown, ev.q(name + ".abs", max(loose), "%.2g"),
                                            ev.q(name + ".resolution", resolution, "%.2g"))

    # -- gradients at reg = 0 ---------------------------------------------------------
    def pattern(self, params):
        return "mixed" if len(params) == len(self.names) else "localized"

    def read_gradients(self):
        for name in ("base", "batch", "dead", "square"):
            probe = self.probes.get(name)
            if probe is None or probe.report is None:
                continue
            wrong = self.ordered(probe.fd_mismatch())
            if not wrong:
                continue
            # The batch probe is the base problem with more examples: a gradient that is right
            # on the base batch by coincidence (a wrong label column whose class counts happen
            # to match) is wrong there, so the pattern does not depend on the draw.
            batch = self.probes.get("batch")
            also = []
            if name == "base" and batch is not None and batch.report is not None:
                also = [n for n in self.ordered(batch.fd_mismatch()) if n not in wrong]
            self.read_pattern(probe, self.ordered(wrong + also), also=(batch, also))
            dead = self.probes.get("dead")
            for units in (dead.dead_units if dead is not None else []):
                ev = self.dead_units(dead, units)
                if ev is not None:
                    self.note(ev)
            return

    def dead_units(self, probe, units):
        """What the dead probe's numbers say, only where they say it."""
        layer = units.layer
        if units.numeric <= units.resolution and units.analytic > units.resolution:
            ev = Evidence("dead", probe.name)
            ev.body = ("dead probe: units %s of hidden layer %d are dead on every example (z at most %s), so the loss "
                       "is flat along their weights W%d[:, j] and biases b%d[j] (numeric max |%s|), yet the analytic "
                       "gradient there reaches |%s|: gradient flows through units whose z <= 0" % (
                           units.units, layer, ev.q("z_max", units.z_max, "%.4g"), layer, layer,
                           ev.q("numeric", units.numeric, "%.2g"), ev.q("analytic", units.analytic, "%.3g")))
            ev.values.update(layer=layer, resolution=units.resolution)
            return ev
        if units.numeric > units.resolution and units.analytic > 0:
            ev = Evidence("not_dead", probe.name)
            body = ("dead probe: biases of %s kill units %s of hidden layer %d in the reference's network (z at most "
                    "%s there), but this network's loss changes along their weights W%d[:, j] (numeric max |%s|): "
                    "they are not dead here, and the dead-unit check does not apply to them" % (
                        ev.q("bias", DEAD_BIAS, "%g"), units.units, layer, ev.q("z_max", units.z_max, "%.4g"), layer,
                        ev.q("w_numeric", units.w_numeric, "%.2g")))
            if units.b_numeric <= units.resolution:
                body += ("; the loss does not change along b%d[j] (numeric max |%s|), so b%d does not reach their "
                         "pre-activation (z = h W%d with no + b%d)" % (
                             layer, ev.q("b_numeric", units.b_numeric, "%.2g"), layer, layer, layer))
            else:
                body += ("; the loss changes along b%d[j] too (numeric max |%s|), so b%d reaches their pre-activation "
                         "other than as z = h W%d + b%d (another sign or scale), or the activation is not flat below 0"
                         % (layer, ev.q("b_numeric", units.b_numeric, "%.2g"), layer, layer, layer))
            ev.body = body
            ev.values.update(layer=layer, resolution=units.resolution)
            return ev
        return None

    def read_pattern(self, probe, wrong, also=(None, ())):
        """wrong: the parameters wrong under probe, plus those (also[1]) wrong only under also[0]."""
        report = probe.report
        other, only_there = also

        def report_of(n):
            return other.report if n in only_there else report

        factors = {n: consistent_factor(report_of(n).params[n]) for n in wrong}
        only_at = {"only_at_batch": tuple(only_there)} if only_there else {}
        common = common_factor(list(factors.values()))
        if not probe.reference_mismatch:
            # The gradients are the reference's, so the gradient code is right, and they disagree
            # with the function's own loss: the loss is what is wrong (a forward-only change: a
            # clipped log, a temperature, a flipped sign, a sum for a mean), however large.
            ev = Evidence("loss_only", probe.name)
            how = ("by one common factor %s" % ev.q("factor", common, "%.6g") if common is not None
                   else "with no common factor (max rel error %s)" % ev.q(
                       "max_rel_error", max(report_of(n).params[n].max_rel_error for n in wrong), "%.2g"))
            ev.body = ("%s: %s %s with the loss %s, yet %s the reference's gradients: the backward pass is right and "
                       "the loss it returns is not the function those gradients belong to; fix the forward pass" % (
                           ev.where(probe), ", ".join(wrong), verb(wrong, "disagrees", "disagree"), how,
                           verb(wrong, "equals", "equal")))
            ev.values["params"] = tuple(wrong)
            self.add("loss_mismatch", [], ev)
            return
        if len(wrong) == len(self.names) and common is not None:
            kind = "uniform_scale"
        elif len(wrong) < len(self.names):
            kind = "localized"
        else:
            kind = "mixed"
        ev = Evidence(kind, probe.name)
        ev.values.update(only_at)
        where = ev.where(probe)
        table = ", ".join(
            ("%s x%s" % (n, ev.q("factor." + n, f, "%.6g")) if f is not None else
             "%s (no common factor, max rel error %s)" % (n, ev.q("max_rel_error." + n,
                                                                  report_of(n).params[n].max_rel_error, "%.2g")))
            + (" at N=%d only" % other.sizes[0] if n in only_there else "")
            for n, f in factors.items())
        if kind == "uniform_scale":
            self.factor = common
            self.factor_tracks = self.tracking(probe, common)
            tail = self.tracking_sentence(common, ev)
            if not probe.reference_mismatch:
                ev.values["tracking"] = None
                tail = ("; the gradients themselves equal the reference's, so it is the loss that is off, by a "
                        "factor %s" % ev.q("loss_factor", 1.0 / common, "%.6g"))
            ev.body = "%s: every gradient is the true one times %s (%s)%s" % (
                where, ev.q("factor", common, "%.6g"), table, tail)
            self.add("uniform_scale", wrong, ev)
        elif kind == "localized":
            tail = ""
            if common is not None:
                self.factor = common
                self.factor_tracks = self.tracking(probe, common)
                ev.values["factor"] = common
                tail = self.tracking_sentence(common, ev)
            right = [n for n in self.names if n not in wrong and n in report.params]
            unchecked = [n for n in self.names if n not in report.params]
            ev.values["right"] = tuple(right)
            agree = "%s %s" % (", ".join(right), verb(right, "agrees", "agree")) if right else ""
            if unchecked:  # a probe of chosen entries (dead units): say where the others were checked
                base = self.probes["base"]
                at_base = [n for n in unchecked if base.report is not None and base.report.params[n].passed]
                ev.values["right_at_base"] = tuple(at_base)
                others = "%s, not checked here" % ", ".join(unchecked)
                if at_base == unchecked:
                    others += ", %s at the base probe" % verb(unchecked, "agrees", "agree")
                elif at_base:
                    others += "; %s %s at the base probe" % (", ".join(at_base), verb(at_base, "agrees", "agree"))
                agree = "%s; %s" % (agree, others) if agree else others
            ev.body = "%s: only %s %s with the loss (%s%s); %s. %s" % (
                where, ", ".join(wrong), verb(wrong, "disagrees", "disagree"), table, tail, agree,
                self.layer_sentence(wrong))
            self.add("localized", wrong, ev)
        else:
            ev.body = ("%s: every gradient disagrees, with no factor common to all (%s): the error enters at the top "
                       "of the backward pass (dscores) or in several places" % (where, table))
            self.add("mixed", wrong, ev)

    def tracking(self, probe, factor):
        """How the factor moves between the base and batch probes: "N", "1/N", "constant" or None.

        Also keeps (N here, N there, factor there) for tracking_sentence.
        """
        self.other_batch = None
        other = self.probes.get("batch" if probe.name != "batch" else "base")
        if other is None or other.report is None:
            return None
        wrong = other.fd_mismatch()
        factors = [consistent_factor(other.report.params[n]) for n in wrong]
        other_factor = common_factor(factors) if wrong else 1.0
        if other_factor is None:
            return None
        self.other_batch = (probe.sizes[0], other.sizes[0], other_factor)
        return factor_tracking(factor, probe.sizes[0], other_factor, other.sizes[0])

    def tracking_sentence(self, factor, ev, tracks=False, other_batch=False):
        """What the factor's behaviour across batch sizes says about its cause (the reader's own
        tracking unless tracks and other_batch are given)."""
        tracks = self.factor_tracks if tracks is False else tracks
        other_batch = self.other_batch if other_batch is False else other_batch
        ev.values["tracking"] = tracks
        if other_batch is None:
            return ""
        n_here, n_there, other = other_batch
        ev.values["other_N"] = n_there
        ev.values["other_factor"] = other
        there = "%d" % n_there
        if tracks in ("N", "1/N"):
            if close(other, 1.0, FACTOR_RTOL):
                if tracks == "N":
                    return ("; at N=%s the gradients are right: the factor %s is %d/%s, so the code divides by a fixed "
                            "batch size (%s) instead of N" % (there, ev.q("factor", factor, "%.6g"), n_here, there, there))
                return ("; at N=%s the gradients are right: the factor %s is %s/%d, so the code multiplies by a fixed "
                        "batch size (%s) and divides by N" % (there, ev.q("factor", factor, "%.6g"), there, n_here, there))
            if tracks == "N" and close(factor, n_here, FACTOR_RTOL) and close(other, n_there, FACTOR_RTOL):
                return "; at N=%s it is %s: the factor is N itself, so a 1/N is missing" % (
                    there, ev.q("other_factor", other, "%.6g"))
            if tracks == "1/N" and close(factor * n_here, 1.0, FACTOR_RTOL) and close(other * n_there, 1.0, FACTOR_RTOL):
                return "; at N=%s it is 1/%s: the factor is 1/N, so the 1/N is applied twice" % (there, there)
            return "; at N=%s it is %s: the factor is proportional to %s" % (
                there, ev.q("other_factor", other, "%.6g"), tracks)
        if tracks == "constant":
            hint = "a sign flip" if close(factor, -1.0, FACTOR_RTOL) else "a constant factor"
            return "; the same at N=%s: %s, not the batch averaging" % (there, hint)
        return "; at N=%s it is %s: no simple relation to the batch size" % (there, ev.q("other_factor", other, "%.6g"))

    def layer_sentence(self, wrong):
        """Where in the backward pass a strict subset of wrong gradients points."""
        depth = self.d.depth
        layers = sorted({int(n[1:]) for n in wrong}, reverse=True)
        top = layers[0]
        kinds = {n[0] for n in wrong}
        below = ["%s%d" % (k, l) for l in range(1, top) for k in "Wb"]
        if len(wrong) == 1:
            return ("Only d%s is wrong and everything layer %d passes down is right: the bug is in the one line "
                    "that forms d%s" % (wrong[0], top, wrong[0]))
        if kinds == {"W"} or kinds == {"b"}:
            which = "weight" if kinds == {"W"} else "bias"
            return ("Only %s gradients are wrong (%s) and every %s gradient is right: the error is in how d%s is "
                    "formed from a layer's input and upstream gradient (a line the layers share, like "
                    "affine_backward's), not in the gradient passed down" % (
                        which, ", ".join("d" + n for n in wrong), "bias" if which == "weight" else "weight",
                        "W" if which == "weight" else "b"))
        if all(n in wrong for n in below) and ("W%d" % top) in wrong and ("b%d" % top) in wrong:
            if top == depth:
                return "Every layer from the top down is wrong"
            if top == 1 and depth == 2:
                return ("Layer 2 is right, so dscores is right; the error enters between them: in dh1 = dscores "
                        "W2^T, the ReLU mask, or layer 1's affine backward")
            return ("In backward order the first wrong gradients are layer %d's and every layer below is wrong "
                    "too: the gradient entering layer %d (layer %d's dX, or the ReLU backward between them) is "
                    "wrong, while layer %d and above are right" % (top, top, top + 1, top + 1))
        return "The first wrong gradient in backward order is in layer %d" % top

    # -- regularization ---------------------------------------------------------------
    def read_regularization(self):
        probe = self.probes.get("reg")
        if probe is None or probe.report is None:
            return
        fd = self.ordered(probe.fd_mismatch())
        if not fd:
            return
        if [f for f in self.findings if f[0] != "reg_only"]:
            self.read_reg_beyond(probe, fd)
            return
        ev = Evidence("reg_only", probe.name)
        weights = [n for n in fd if n.startswith("W")]
        biases = [n for n in fd if n.startswith("b")]
        what = ("the gradients equal the reference's, so the penalty in the loss is missing or misweighted"
                if not probe.reference_mismatch else
                "the biases got a regularization term they should not have" if biases and not weights else
                "the reg term's gradient (reg * W) is missing or wrong" if weights and not biases else
                "the reg term is applied to the wrong parameters")
        per = ", ".join("%s (max rel error %s)" % (n, ev.q("max_rel_error." + n, probe.report.params[n].max_rel_error,
                                                             "%.2g")) for n in fd)
        ev.body = "%s: everything at reg = 0 is right, but at reg = %s %s %s with the loss: %s%s" % (
            ev.where(probe), ev.q("reg_value", probe.reg, "%g"), per, verb(fd, "disagrees", "disagree"), what,
            self.penalty_sentences(probe, ev))
        self.add("reg_only", fd, ev)
        self.drop_penalty_from_loss_note(ev)

    def drop_penalty_from_loss_note(self, finding):
        """The reg probe's loss note without its penalty clause, once a reg_only finding states it."""
        entry, plain_note = getattr(self, "reg_loss_note", (None, None))
        if entry is not None and "penalty" in finding.values and entry in self.ranked:
            self.ranked[self.ranked.index(entry)] = (entry[0], plain_note)

    def read_reg_beyond(self, probe, fd):
        """The reg probe disagrees while other findings stand: is there an error of its own?"""
        part = probe.reg_part
        if part is None or any(n not in part.params for n in fd):
            ev = Evidence("reg_as_well", probe.name)
            ev.values["reg_part"] = None
            ev.body = "%s: %s %s as well" % (ev.where(probe), ev.q("params", ", ".join(fd), None),
                                             verb(fd, "disagrees", "disagree"))
            self.note(ev)
            return
        own = [n for n in fd if not part.params[n].passed]
        inherited = [n for n in fd if part.params[n].passed]
        if own:
            ev = Evidence("reg_only", probe.name)
            per = ", ".join("%s (max rel error %s)" % (n, ev.q("reg_part.max_rel_error." + n, part.params[n].max_rel_error,
                                                                 "%.2g")) for n in own)
            ev.body = ("%s: a second error, of this probe's own: from reg = 0 to reg = %s the change of the gradient "
                       "of %s disagrees with the change of the loss%s" % (
                           ev.where(probe), ev.q("reg_value", probe.reg, "%g"), per, self.penalty_sentences(probe, ev)))
            self.add("reg_only", own, ev)
            self.drop_penalty_from_loss_note(ev)
        if inherited:
            ev = Evidence("reg_as_well", probe.name)
            ev.values["reg_part"] = "agrees"
            worst = max(part.params[n].max_rel_error for n in inherited)
            ev.body = ("%s: %s %s as well, by the error at reg = 0 alone: from reg = 0 to reg = %s the change of %s "
                       "agrees with the change of the loss (max rel error %s)" % (
                           ev.where(probe), ev.q("params", ", ".join(inherited), None),
                           verb(inherited, "disagrees", "disagree"), ev.q("reg_value", probe.reg, "%g"),
                           "its gradient" if len(inherited) == 1 else "their gradients", ev.q("reg_part.max_rel_error", worst, "%.2g")))
            self.note(ev)

    def penalty_parts(self, probe):
        """(penalty the function adds, [(Wl, (reg/2)||Wl||^2)], [(bl, (reg/2)||bl||^2)]) or None."""
        if probe.zero is None or probe.loss is None or probe.problem is None:
            return None
        params = probe.problem[0]
        weights = [(n, 0.5 * probe.reg * float(np.sum(params[n] ** 2))) for n in self.names if n.startswith("W")]
        biases = [(n, 0.5 * probe.reg * float(np.sum(params[n] ** 2))) for n in self.names if n.startswith("b")]
        return probe.loss - float(probe.zero[0]), weights, biases

    def penalty_clause(self, probe, ev):
        """The penalty in the function's loss, measured (its loss at reg minus at reg = 0), and its
        exact relation to this project's (reg/2) * sum of ||Wl||^2 where one holds; "" if unmeasured."""
        parts = self.penalty_parts(probe)
        if parts is None:
            return ""
        penalty, weights, biases = parts
        project = sum(w for _, w in weights)
        norms = " + ".join("||%s||^2" % n for n, _ in weights)
        relation = penalty_relation(penalty, weights, biases, LOSS_RTOL * max(1.0, abs(probe.loss)))
        key = relation[0] if relation else None
        ev.values["penalty_relation"] = relation
        shown = ev.q("penalty", penalty, "%.6g")
        reference = ev.q("project_penalty", project, "%.6g")
        head = "the penalty in the loss (its value at reg = %s minus at reg = 0) is %s" % (
            ev.q("reg_value", probe.reg, "%g"), shown)
        if key == "project":
            return "%s, exactly this project's (reg/2) * (%s)" % (head, norms)
        if key == "twice":
            return ("%s, exactly twice this project's (reg/2) * (%s) = %s: the reg * ||W||^2 convention (cs231n from "
                    "2017); this project uses (reg/2) * ||W||^2" % (head, norms, reference))
        if key == "none":
            return "%s: no penalty at all, where this project adds (reg/2) * (%s) = %s" % (head, norms, reference)
        if key == "half":
            return "%s, exactly half this project's (reg/2) * (%s) = %s: (reg/4) * ||W||^2" % (head, norms, reference)
        every = " + ".join("||%s||^2" % n for n in self.names)
        if key == "biases":
            return ("%s, exactly (reg/2) * (%s): the biases are penalized too; this project leaves them out "
                    "((reg/2) * (%s) = %s)" % (head, every, norms, reference))
        if key == "twice_all":
            return ("%s, exactly reg * (%s): twice this project's penalty and on the biases too ((reg/2) * (%s) = %s)"
                    % (head, every, norms, reference))
        if key == "some":
            kept = [n for (n, _), a in zip(weights, relation[1]) if a]
            missing = [n for (n, _), a in zip(weights, relation[1]) if not a]
            return ("%s, exactly (reg/2) * (%s): %s %s not penalized; this project penalizes every weight matrix "
                    "((reg/2) * (%s) = %s)" % (head, " + ".join("||%s||^2" % n for n in kept), ", ".join(missing),
                                               "is" if len(missing) == 1 else "are", norms, reference))
        return ("%s, not this project's (reg/2) * (%s) = %s nor a simple variant of it (twice, half, none, biases "
                "too, some layers only)" % (head, norms, reference))

    def penalty_gradient_clause(self, probe, ev):
        """What the gradients add from reg = 0 to reg > 0, as multiples of reg * parameter, and
        whether that is the derivative of the penalty measured in the loss."""
        if probe.zero is None or probe.grads is None or probe.problem is None:
            return ""
        params = probe.problem[0]
        zero_grads = probe.zero[1]
        N = probe.sizes[0]
        added = {}
        for name in self.names:
            added[name] = coefficient(probe.grads[name] - zero_grads[name], probe.reg * params[name])
            ev.values["grad_k." + name] = added[name]
        text = "the gradients add " + multiples_sentence(added, self.names, N)
        relation = ev.values.get("penalty_relation")
        if relation is not None and all(k is not None for k in added.values()):
            due = dict(zip([n for n in self.names if n.startswith("W")], relation[1]))
            due.update(zip([n for n in self.names if n.startswith("b")], relation[2]))
            matches = all(close(added[n], due[n], FACTOR_RTOL) for n in self.names)
            ev.values["gradient_matches_penalty"] = matches
            text += (", which is that penalty's gradient" if matches else
                     ", where that penalty's gradient is " + multiples_sentence(due, self.names, N, False))
        return text

    def penalty_sentences(self, probe, ev):
        """'. <penalty clause>; <gradient clause>', or '' when unmeasured."""
        penalty = self.penalty_clause(probe, ev)
        if not penalty:
            return ""
        return ". %s%s; %s" % (penalty[0].upper(), penalty[1:], self.penalty_gradient_clause(probe, ev))

    # -- dX ---------------------------------------------------------------------------
    def read_dx(self):
        probe = self.probes.get("dX")
        if probe is None or probe.dx is None:
            return
        dx = probe.dx
        if dx.grads is not None and (dx.loss_changed or dx.changed):
            self.read_dx_flag(probe)
        if probe.report is None or probe.report.params["X"].passed:
            return
        check = probe.report.params["X"]
        layer1 = ["W1", "b1"]
        if self.probes["base"].report is None:
            return  # layer 1 unchecked: whether dX's error is its own cannot be told
        wrong_below = [n for n in layer1 if any(
            n in other.fd_mismatch() for other in (self.probes.get(k) for k in ("base", "batch", "dead", "square"))
            if other is not None)]
        if wrong_below:
            ev = Evidence("dx_inherited", probe.name)
            ev.values["layer1_wrong"] = tuple(wrong_below)
            ev.body = ("%s: dX disagrees with the loss as well (max rel error %s along X), as %s %s: dX = dz1 W1^T "
                       "inherits the error in dz1" % (
                           ev.where(probe), ev.q("max_rel_error", check.max_rel_error, "%.2g"),
                           ", ".join("d" + n for n in wrong_below), verb(wrong_below, "does", "do")))
            self.note(ev)
            return
        ev = Evidence("dx", probe.name)
        where = ev.where(probe)
        base = self.probes["base"]
        layer1_error = max(base.report.params[n].max_rel_error for n in layer1)
        if dx.factor is not None:
            what = "dX is the true dL/dX times %s along all %s directions checked" % (
                ev.q("factor", dx.factor, "%.6g"), ev.q("directions", len(check.analytic), "%d"))
            if dx.reference_ratio is not None:
                what += ", and entry by entry against the reference's dX"
            tracks, other_batch = None, None
            if dx.batch is not None and dx.batch[1] is not None:
                other_batch = (probe.sizes[0], dx.batch[0], dx.batch[1])
                tracks = factor_tracking(dx.factor, probe.sizes[0], dx.batch[1], dx.batch[0])
            ev.values["batch"] = dx.batch
            what += self.tracking_sentence(dx.factor, ev, tracks, other_batch)
            if not [f for f in self.findings if PRECEDENCE.index(f[0]) <= PRECEDENCE.index("localized")]:
                self.factor, self.factor_tracks = dx.factor, tracks
        else:
            what = "dX disagrees with the derivative of the loss along X (max rel error %s over %s random directions)" % (
                ev.q("max_rel_error", check.max_rel_error, "%.2g"), ev.q("directions", len(check.analytic), "%d"))
            if dx.reference_dX is not None:
                what += " and differs from the reference's dX (max rel error %s)" % ev.q(
                    "reference_rel_error", float(gradcheck.rel_error(dx.dX, dx.reference_dX).max()), "%.2g")
        ev.body = ("%s: with return_dX=True, %s. Layer 1's gradients dW1, db1, formed from the same dz1, agree with "
                   "the loss (base probe, max rel error %s): the error is in the one line that forms dX = dz1 W1^T "
                   "(layer 1's affine backward)" % (where, what, ev.q("layer1_max_rel_error", layer1_error, "%.2g")))
        self.add("localized", ["X"], ev)

    def read_dx_flag(self, probe):
        """return_dX=True must only add dX: the loss and grads must be the plain call's."""
        dx = probe.dx
        ev = Evidence("dx_flag", probe.name)
        parts = []
        if dx.loss_changed:
            parts.append("the loss is %s with it and %s without it" % (
                ev.q("loss_with", dx.loss, "%.10g"), ev.q("loss_without", dx.plain_loss, "%.10g")))
        params = probe.problem[0]
        for name in dx.changed:
            k = coefficient(dx.grads[name] - dx.plain_grads[name], probe.reg * params[name])
            ev.values["grad_k." + name] = k
            if k is not None:
                parts.append("d%s differs from the plain call's by exactly %s" % (
                    name, multiple_words(k, name, probe.sizes[0], "zero")))
            else:
                parts.append("d%s differs from the plain call's (max rel error %s)" % (
                    name, ev.q("rel_error." + name, float(gradcheck.rel_error(dx.grads[name], dx.plain_grads[name]).max()),
                               "%.2g")))
        ev.body = "%s: return_dX=True changes what the call returns: %s; it should only add dX" % (
            ev.where(probe), "; ".join(parts))
        if dx.changed:
            self.add(self.pattern(dx.changed), self.ordered(dx.changed), ev)
        else:
            self.add("loss_mismatch", [], ev)


def verb(names, one, many):
    return one if len(names) == 1 else many


def factor_tracking(factor, n_here, other_factor, n_there):
    """How a factor moves between two batch sizes: "N", "1/N", "constant" or None."""
    if close(factor / other_factor, n_here / float(n_there), FACTOR_RTOL):
        return "N"
    if close(factor / other_factor, n_there / float(n_here), FACTOR_RTOL):
        return "1/N"
    if close(factor, other_factor, FACTOR_RTOL):
        return "constant"
    return None


def coefficient(delta, basis):
    """k with delta == k * basis entry by entry (to FACTOR_RTOL), 0.0 when delta is 0, else None."""
    delta = np.asarray(delta, dtype=np.float64)
    basis = np.asarray(basis, dtype=np.float64)
    scale = float(np.abs(basis).max()) if basis.size else 0.0
    if scale == 0.0:
        return None
    if float(np.abs(delta).max()) <= 1e-12 * scale:
        return 0.0
    usable = np.abs(basis) > 1e-6 * scale
    ratios = delta[usable] / basis[usable]
    k = float(np.median(ratios))
    if float(np.abs(delta - k * basis).max()) <= FACTOR_RTOL * max(abs(k) * scale, 1e-300):
        return k
    return None


def multiples_sentence(multiples, names, N, measured=True):
    """'exactly 2 * reg * W to dW1, dW2 and nothing to db1, db2': parameters grouped by multiple
    ("exactly" only for measured multiples)."""
    groups = []  # [words, names] in parameter order of first appearance
    for name in names:
        words = multiple_words(multiples[name], name[0], N)
        if measured and words != "nothing" and multiples[name] is not None:
            words = "exactly " + words
        for group in groups:
            if group[0] == words:
                group[1].append(name)
                break
        else:
            groups.append([words, [name]])
    pieces = ["%s to %s" % (words, ", ".join("d" + n for n in group_names)) for words, group_names in groups]
    return pieces[0] if len(pieces) == 1 else ", ".join(pieces[:-1]) + " and " + pieces[-1]


def multiple_words(k, name, N, zero="nothing"):
    """k * reg * name in words: nothing, reg * W, 2 * reg * W, reg * W / N, -reg * W."""
    if k is None:
        return "something that is not a multiple of reg * %s" % name
    if k == 0.0:
        return zero
    if close(k, 1.0, FACTOR_RTOL):
        return "reg * %s" % name
    if close(k, -1.0, FACTOR_RTOL):
        return "-reg * %s" % name
    if close(k * N, 1.0, FACTOR_RTOL):
        return "reg * %s / N (N=%d)" % (name, N)
    return "%.6g * reg * %s" % (k, name)


def penalty_relation(penalty, weights, biases, tolerance):
    """The first known relation penalty == sum(a_l (reg/2)||Wl||^2) + sum(c_l (reg/2)||bl||^2), as
    (key, [a_l], [c_l]) with key one of project, twice, none, half, biases, twice_all, some; or None."""
    w = [value for _, value in weights]
    b = [value for _, value in biases]
    uniform = (("project", 1.0, 0.0), ("twice", 2.0, 0.0), ("none", 0.0, 0.0), ("half", 0.5, 0.0),
               ("biases", 1.0, 1.0), ("twice_all", 2.0, 2.0))
    for key, a, c in uniform:
        if abs(penalty - a * sum(w) - c * sum(b)) <= tolerance:
            return key, [a] * len(w), [c] * len(b)
    for mask in itertools.product((0.0, 1.0), repeat=len(w)):
        if 0.0 < sum(mask) < len(w) and abs(penalty - sum(m * v for m, v in zip(mask, w))) <= tolerance:
            return "some", list(mask), [0.0] * len(b)
    return None


def dx_shape_hint(got, expected, sizes):
    """Why dX might have the shape it has."""
    if len(got) == 2 and tuple(got) == tuple(expected)[::-1]:
        return " (its transpose: the factors are in the wrong order, W1 dz1^T instead of dz1 W1^T)"
    if len(got) == 2 and got[0] == expected[0] and len(sizes) > 2 and got[1] == sizes[2]:
        return (" (N x H: layer 1's own width, so dz1 or dh1 itself, without the product with W1^T that makes "
                "dX = dz1 W1^T)")
    return ""


def dx_support(loss_fn):
    """"named" if loss_fn has a return_dX parameter, "kwargs" if it takes **kwargs, else None."""
    try:
        parameters = inspect.signature(loss_fn).parameters
    except (TypeError, ValueError):
        return None
    if "return_dX" in parameters:
        return "named"
    if any(p.kind == inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return "kwargs"
    return None


def consistent_factor(param_report):
    """analytic / numeric if it is the same for every entry that matters, else None."""
    median, spread = param_report.ratio_median, param_report.ratio_spread
    if not np.isfinite(median) or not np.isfinite(spread) or median == 0:
        return None
    if spread > FACTOR_RTOL * abs(median):
        return None
    usable = param_report.numeric == 0
    if np.any(param_report.analytic[usable] != 0):
        return None
    return median


def common_factor(factors):
    if not factors or any(f is None for f in factors):
        return None
    first = factors[0]
    if all(close(f, first, FACTOR_RTOL) for f in factors):
        return float(first)
    return None


def differs(a, b):
    """Whether two gradient arrays differ beyond rounding."""
    scale = max(float(np.abs(b).max()) if b.size else 0.0, 1e-300)
    return bool(np.any(np.abs(a - b) > REFERENCE_RTOL * (np.abs(a) + np.abs(b)) + 1e-12 * scale))


def same_bits(a, b):
    a = np.asarray(a)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def describe_value(value):
    if isinstance(value, tuple):
        return "a tuple of %d values" % len(value)
    if isinstance(value, np.ndarray):
        return "an array of shape %s" % (value.shape,)
    return "a %s" % type(value).__name__


def shape_hint(got, expected):
    if len(got) == 2 and tuple(got) == tuple(expected)[::-1]:
        return " (its transpose: the product's factors are in the wrong order, e.g. G^T X instead of X^T G)"
    if len(expected) == 1 and len(got) == 2 and expected[0] in got:
        return " (a bias gradient sums over the batch rows to one value per unit: axis=0, no keepdims)"
    if len(got) == 0:
        return " (summed over every axis: a bias gradient sums over the rows only, axis=0)"
    if len(expected) == 1 and len(got) == 1:
        return " (summed over the wrong axis: a bias gradient sums over the rows, axis=0)"
    return ""


def classify_exception(exc, loss_fn):
    """(exception name, message, where) with where naming the line in loss_fn's file."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
    target = getattr(loss_fn, "source_path", None) or getattr(
        getattr(loss_fn, "__code__", None), "co_filename", None)
    # An exception raised in another process (a sandboxed loss) carries its traceback as
    # (file, line, function, code) records.
    frames = getattr(exc, "remote_frames", None)
    if frames is None:
        frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(exc.__traceback__)]
    chosen = None
    for frame in frames:
        if target is not None and frame[0] == target:
            chosen = frame
    if chosen is None and frames:
        chosen = frames[-1]
    where = ""
    if chosen is not None:
        where = "at line %d in %s()" % (chosen[1], chosen[2])
        if chosen[3]:
            where += ": %s" % chosen[3].strip()
    return type(exc).__name__, message, where
