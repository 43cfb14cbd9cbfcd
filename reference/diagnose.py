"""The signature diagnoser: why does a loss function's gradient disagree, not just whether.

What it is for: `diagnose(loss_fn)` runs active probes on a function with the reference's
interface, loss_fn(params, X, y, reg=0.0) -> (loss, grads), and reads the pattern of the
results as one signature of a fixed vocabulary (SIGNATURES), the implicated parameters, a
factor where there is one, and evidence sentences that name the probe and the numbers.
What it is not for: a sandbox. It calls loss_fn in this process; run untrusted code in a
separate process with a time limit (the kata runner does).

The probes, each a seeded problem with distinct sizes (N, D, H, C), away from ReLU kinks:
- base: gradient check at reg = 0, called with the function's default arguments;
- reg: the same problem at reg > 0;
- batch: a second batch size, to see whether a common factor tracks N;
- dead: some hidden units forced dead by very negative biases; the loss is flat along their
  weights, so their analytic gradient must be exactly 0;
- stress: logits around 1e4 with large spreads inside and across rows; loss and gradients
  must stay finite and equal the reference's;
- square: D = H = C, where a wrong transpose no longer crashes and shows up as values;
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
the finding and the wrong loss is listed in the evidence); reg_only last, only when
everything at reg = 0 is right and the gradients disagree with the loss at reg > 0.
"""
import inspect
import re
import traceback

try:
    from collections.abc import Mapping
except ImportError:  # pragma: no cover - Python 2 is not supported anyway
    Mapping = dict

import numpy as np

from reference import gradcheck, net, problems

SIGNATURES = (
    "ok",
    "uniform_scale",
    "localized",
    "reg_only",
    "shape_error",
    "nonfinite",
    "loss_mismatch",
    "mixed",
    "mutates_input",
    "crash",
)
PRECEDENCE = (
    "crash",
    "shape_error",
    "mutates_input",
    "nonfinite",
    "uniform_scale",
    "localized",
    "mixed",
    "loss_mismatch",
    "reg_only",
)

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
DEAD_BIAS = -1e3
# Gradient entries count as wrong above this relative error (beyond the round-off resolution of
# the central difference): the checker's own pass mark. Correct rewrites in tests/zoo*/ stay
# below 2e-8 on every probe, over eight seeds.
THRESHOLD = gradcheck.PASS_THRESHOLD
LOSS_RTOL = 1e-9
REFERENCE_RTOL = 1e-7
FACTOR_RTOL = 1e-4

SHAPE_MESSAGE = re.compile(
    r"shape|broadcast|align|dimension|operand|size \d+ is different|cannot reshape|"
    r"boolean index did not match",
    re.IGNORECASE,
)


class Diagnosis(object):
    """The verdict on one loss function.

    Attributes:
    - signature: one string of SIGNATURES, the most specific root cause.
    - params: tuple of implicated parameter names, in parameter order.
    - factor: float or None; analytic / numeric when one factor explains the mismatch.
    - factor_tracks: None, "N", "1/N" or "constant": how the factor moves with the batch size.
    - evidence: list of sentences, each naming the probe and the numbers behind it.
    - findings: list of (signature, params) for every signature that applies, by precedence.
    - probes: dict probe name -> Probe, the raw results.
    - seed: the probe seed (the same seed gives the same probes, sizes included).
    """

    def __init__(self, signature, params, factor, factor_tracks, evidence, findings, probes):
        self.signature = signature
        self.params = tuple(params)
        self.factor = factor
        self.factor_tracks = factor_tracks
        self.evidence = evidence
        self.findings = findings
        self.probes = probes
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
        self.dead_violations = []  # sentences
        self.narrow = {}  # param -> dtype name, for gradients returned in a float type narrower than float64

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
    def invoke(self, args, reg, default_reg):
        """loss_fn(params, X, y) with its own default reg, or with reg passed by name if it
        has a parameter called reg (keyword-only included), else as the fourth argument."""
        if default_reg:
            return self.loss_fn(*args)
        if self.reg_by_name:
            return self.loss_fn(*args, reg=reg)
        return self.loss_fn(*(tuple(args) + (reg,)))

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
        if result is None or probe.mutated or probe.nonfinite:
            return probe
        probe.loss, grads = result
        ref_loss, ref_grads = self.reference_call(params, X, y, reg)
        probe.reference_loss = float(ref_loss)
        probe.reference_mismatch = [
            n for n in self.names if differs(grads[n], ref_grads[n])]

        def own(p):
            """The function's own loss at p (on copies); the gradients checked are the ones above."""
            args = ({k: v.copy() for k, v in p.items()}, X.copy(), y.copy())
            try:
                with np.errstate(all="ignore"):
                    out = self.invoke(args, reg, default_reg)
                value = float(out[0])
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - recorded as the probe's error
                probe.error = classify_exception(exc, self.loss_fn)
                raise _ProbeFailed()
            return value, grads

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
        scale = STRESS_LOGIT / np.abs(scores).max()
        params[top] = params[top] * scale
        params[bias] = params[bias] * scale
        result = self.call(probe, params, X, y, 0.0, default_reg=True)
        if result is None or probe.mutated or probe.nonfinite:
            return probe
        probe.loss, grads = result
        ref_loss, ref_grads = self.reference_call(params, X, y, 0.0)
        probe.reference_loss = float(ref_loss)
        probe.reference_mismatch = [n for n in self.names if differs(grads[n], ref_grads[n])]
        return probe

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
        for layer in range(1, self.depth):
            W, b = probe.report.params["W%d" % layer], probe.report.params["b%d" % layer]
            if np.any(W.analytic != 0) or np.any(b.analytic != 0):
                probe.dead_violations.append(
                    "dead probe: units %s of hidden layer %d are dead on every example (z <= %g), so the loss "
                    "is flat along their weights W%d[:, j] and biases b%d[j] (numeric max |%.2g|), yet the "
                    "analytic gradient there reaches |%.3g|: gradient flows through units whose z <= 0"
                    % (dead_units, layer, DEAD_BIAS / 2, layer, layer,
                       max(np.abs(W.numeric).max(), np.abs(b.numeric).max()),
                       max(np.abs(W.analytic).max(), np.abs(b.analytic).max())))
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
            return Diagnosis(
                "crash", (), None, None,
                ["the diagnoser could not finish: %s: %s" % (type(exc).__name__, exc)], [("crash", ())],
                self.probes)

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
        return Reader(self).verdict()


DIRECTIONS = 2


class PartialParam(object):
    """A gradient check of one parameter on a few numbers: directional derivatives or chosen entries.

    Has the attributes the reader uses of gradcheck.ParamReport: analytic, numeric (1-D, one
    value per direction or entry), rel_errors, max_rel_error, ratio_median, ratio_spread, passed.
    """

    def __init__(self, analytic, numeric, resolution):
        self.analytic = np.asarray(analytic, dtype=np.float64)
        self.numeric = np.asarray(numeric, dtype=np.float64)
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
                plan.append((name, float(np.sum(grads[name] * v)), precision * float(np.sum(np.abs(grads[name] * v)))))
                changes += [((name, Ellipsis, array + eps * v),), ((name, Ellipsis, array - eps * v),)]
    else:
        for name, index in mode:
            array = params[name]
            flat_index = int(np.ravel_multi_index(index, array.shape))
            analytic = float(grads[name][index])
            plan.append((name, analytic, gradcheck.value_precision(grads[name]) * abs(analytic)))
            changes += [((name, flat_index, array[index] + eps),), ((name, flat_index, array[index] - eps),)]
    values = gradcheck.losses_at(f, params, changes)
    by_name = {}
    for k, (name, analytic, rounding) in enumerate(plan):
        numeric = (values[2 * k] - values[2 * k + 1]) / (2 * eps)
        by_name.setdefault(name, []).append((analytic, numeric, rounding))
    results = {}
    for name, rows in by_name.items():
        analytic, numeric, rounding = (np.array(column) for column in zip(*rows))
        results[name] = PartialParam(analytic, numeric, noise + rounding)
    return PartialReport(results)


class _ProbeFailed(Exception):
    """loss_fn failed during a gradient check: the probe records why."""


class Reader(object):
    """Reads the probes' results into findings and a verdict."""

    def __init__(self, diagnoser):
        self.d = diagnoser
        self.names = diagnoser.names
        self.probes = diagnoser.probes
        self.ranked = []  # (rank, sentence, repeat key)
        self.repeats = {}
        self.findings = []
        self.factor = None
        self.factor_tracks = None
        self.other_batch = None

    def add(self, signature, params, sentence, repeat_key=None, probe=None):
        """Record a finding. A repeat (same repeat_key) under another probe is only named."""
        if repeat_key is not None:
            if repeat_key in self.repeats:
                self.repeats[repeat_key].append(probe)
                return
            self.repeats[repeat_key] = [sentence]
        self.findings.append((signature, tuple(params)))
        self.ranked.append((PRECEDENCE.index(signature), sentence, repeat_key))

    def note(self, sentence):
        """Evidence that supports a finding without being one; listed after the findings."""
        self.ranked.append((len(PRECEDENCE), sentence, None))

    def final_evidence(self):
        out = []
        for _, sentence, key in sorted(self.ranked, key=lambda r: r[0]):
            others = self.repeats.get(key, [None])[1:] if key is not None else []
            if others:
                sentence += " (the same under the %s probe%s)" % (", ".join(others), "s" if len(others) > 1 else "")
            out.append(sentence)
        return out

    def ordered(self, params):
        return [n for n in self.names if n in params]

    def verdict(self):
        narrow = {}
        for probe in self.probes.values():
            narrow.update(probe.narrow)
        if narrow:
            self.note("grads %s came back as %s: each entry is judged at the precision of its type (float32 keeps "
                      "about 7 significant digits), so the check stays exact about bugs but cannot see errors "
                      "below that; the kata computes in float64 throughout" % (
                          ", ".join(self.ordered(narrow)), ", ".join(sorted(set(narrow.values())))))
        for probe in self.probes.values():
            self.read_errors(probe)
        for probe in self.probes.values():
            self.read_integrity(probe)
        self.read_losses()
        self.read_gradients()
        self.read_regularization()
        if not self.findings:
            errors = ", ".join("%s %.1e" % (n, p.report.max_rel_error) for n, p in self.probes.items()
                               if p.report is not None)
            self.note(
                "every probe passed (max rel error per probe: %s); the loss equals the reference's under every "
                "probe, including logits near %g; inputs untouched" % (errors, STRESS_LOGIT))
            return Diagnosis("ok", (), None, None, self.final_evidence(), [], self.probes)
        rank = {s: i for i, s in enumerate(PRECEDENCE)}
        signature, params = min(self.findings, key=lambda f: rank[f[0]])
        factor = self.factor if signature in ("uniform_scale", "localized") else None
        tracks = self.factor_tracks if factor is not None else None
        ordered_findings = sorted(self.findings, key=lambda f: rank[f[0]])
        return Diagnosis(signature, params, factor, tracks, self.final_evidence(), ordered_findings, self.probes)

    # -- crash, shapes, structure -----------------------------------------------------
    def read_errors(self, probe):
        if probe.error is not None:
            kind, message, where = probe.error
            if kind == "FloatingPointError":
                self.add("nonfinite", (), "%s probe (%s): raised FloatingPointError (%s) %s: numpy was set "
                         "to raise on overflow or invalid values, and one occurred" % (
                             probe.name, probe.describe(), message, where), ("fpe", message), probe.name)
            elif SHAPE_MESSAGE.search(message) and kind in ("ValueError", "IndexError"):
                params = self.localize_by_square() if probe.name != "square" else []
                self.add("shape_error", params, "%s probe (%s): raised %s: %s %s%s" % (
                    probe.name, probe.describe(), kind, message, where, self.square_hint(params)),
                    ("shape raise", where), probe.name)
            else:
                self.add("crash", (), "%s probe (%s): raised %s: %s %s" % (
                    probe.name, probe.describe(), kind, message, where), ("crash", kind, where), probe.name)
        if probe.structure is not None:
            self.add("crash", (), "%s probe (%s): %s" % (probe.name, probe.describe(), probe.structure),
                     ("structure", probe.structure), probe.name)
        if probe.shape_problems:
            params, parts = [], []
            for name, got, expected in probe.shape_problems:
                if name == "loss":
                    parts.append("the loss has shape %s instead of being a scalar: the mean over the batch "
                                 "(or the sum over classes) is missing" % (got,))
                else:
                    params.append(name)
                    parts.append("grads[%r] has shape %s but %s has shape %s%s" % (
                        name, got, name, expected, shape_hint(got, expected)))
            self.add("shape_error", self.ordered(params) or self.localize_by_square(),
                     "%s probe (%s): %s" % (probe.name, probe.describe(), "; ".join(parts)),
                     ("shapes", tuple(params)), probe.name)

    def localize_by_square(self):
        """With every width equal, which gradients are wrong (a transpose no longer crashes)."""
        square = self.probes.get("square")
        if square is None or square.report is None:
            return []
        return self.ordered(square.fd_mismatch())

    def square_hint(self, params):
        square = self.probes.get("square")
        if not params or square is None or square.report is None:
            return ""
        parts = []
        for name in params:
            p = square.report.params[name]
            if p.analytic.ndim == 2 and np.allclose(p.analytic, p.numeric.T, rtol=1e-5, atol=1e-12):
                parts.append("d%s equals the transpose of the true gradient" % name)
            else:
                parts.append("d%s is off (max rel error %.2g)" % (name, p.max_rel_error))
        return ". With every width equal (square probe) the call runs and %s: a product combines the wrong " \
               "arrays (factors in the wrong order, a missing transpose, or another layer's values)" % "; ".join(parts)

    def read_integrity(self, probe):
        if probe.mutated:
            self.add("mutates_input", [n for n in probe.mutated if n in self.names],
                     "%s probe (%s): the call modified %s in place: a loss function must leave its inputs "
                     "bit-identical (copy before changing, or use out-of-place operations)" % (
                         probe.name, probe.describe(), ", ".join(probe.mutated)),
                     ("mutated", tuple(probe.mutated)), probe.name)
        if probe.nonfinite:
            params = [n for n in probe.nonfinite if n in self.names]
            context = ("under logits near %g: the softmax exponentiates without subtracting the row max "
                       "(exp overflows above about 709), or takes log(0)" % STRESS_LOGIT
                       if probe.name == "stress" else "at ordinary values")
            self.add("nonfinite", params, "%s probe (%s): nan or inf in %s, %s" % (
                probe.name, probe.describe(), ", ".join(probe.nonfinite), context),
                ("nonfinite", probe.name == "stress"), probe.name)

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
            ratio = probe.loss / probe.reference_loss if probe.reference_loss else float("nan")
            head = "%s probe (%s): loss %.10g but the reference gives %.10g (ratio %.6g)" % (
                name, probe.describe(), probe.loss, probe.reference_loss, ratio)
            consistent = base_consistent if name == "stress" else (
                probe.report is not None and not probe.fd_mismatch())
            if consistent:
                where = ("only with reg > 0: the penalty is wrong in the loss and in its gradient alike"
                         if name == "reg" else "the forward pass computes a different function")
                self.add("loss_mismatch", [], "%s; the gradients agree with this loss, so a gradient check "
                         "alone passes: %s" % (head, where))
            elif not probe.reference_mismatch:
                self.note("%s; the gradients equal the reference's, so the loss value is the culprit: fix the "
                          "forward pass (the loss) to match them" % head)
            else:
                self.note("%s: the forward pass is wrong too; fix it first" % head)
            break
        stress = self.probes.get("stress")
        base = self.probes["base"]
        base_clean = base.report is not None and not base.fd_mismatch() and not base.reference_mismatch
        if (stress is not None and stress.reference_mismatch and not stress.nonfinite and base_clean
                and not stress.loss_differs):
            params = self.ordered(stress.reference_mismatch)
            self.add(self.pattern(params), params,
                     "stress probe (%s): finite, but the gradients of %s differ from the reference's at logits "
                     "near %g" % (stress.describe(), ", ".join(params), STRESS_LOGIT))

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
            for sentence in (dead.dead_violations if dead is not None else []):
                self.note(sentence)
            return

    def read_pattern(self, probe, wrong, also=(None, ())):
        """wrong: the parameters wrong under probe, plus those (also[1]) wrong only under also[0]."""
        other, only_there = also

        def report_of(n):
            return other.report if n in only_there else probe.report

        factors = {n: consistent_factor(report_of(n).params[n]) for n in wrong}
        table = ", ".join("%s %s%s" % (n, "x%.6g" % f if f is not None else "(no common factor, max rel "
                                       "error %.2g)" % report_of(n).params[n].max_rel_error,
                                       " at N=%d only" % other.sizes[0] if n in only_there else "")
                          for n, f in factors.items())
        common = common_factor(list(factors.values()))
        where = "%s probe (%s)" % (probe.name, probe.describe())
        if len(wrong) == len(self.names) and common is not None:
            self.factor = common
            self.factor_tracks = self.tracking(probe, common)
            tail = self.tracking_sentence(common)
            if not probe.reference_mismatch:
                tail = ("; the gradients themselves equal the reference's, so it is the loss that is off, by a "
                        "factor %.6g" % (1.0 / common))
            self.add("uniform_scale", wrong, "%s: every gradient is the true one times %.6g (%s)%s" % (
                where, common, table, tail))
        elif len(wrong) < len(self.names):
            tail = ""
            if common is not None:
                self.factor = common
                self.factor_tracks = self.tracking(probe, common)
                tail = self.tracking_sentence(common)
            right = [n for n in self.names if n not in wrong]
            self.add("localized", wrong, "%s: only %s %s with the loss (%s%s); %s %s. %s" % (
                where, ", ".join(wrong), "disagrees" if len(wrong) == 1 else "disagree", table, tail,
                ", ".join(right), "agrees" if len(right) == 1 else "agree", self.layer_sentence(wrong)))
        else:
            self.add("mixed", wrong, "%s: every gradient disagrees, with no factor common to all (%s): the "
                     "error enters at the top of the backward pass (dscores) or in several places" % (where, table))

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
        n_here, n_there = probe.sizes[0], other.sizes[0]
        self.other_batch = (n_here, n_there, other_factor)
        if close(factor / other_factor, n_here / float(n_there), FACTOR_RTOL):
            return "N"
        if close(factor / other_factor, n_there / float(n_here), FACTOR_RTOL):
            return "1/N"
        if close(factor, other_factor, FACTOR_RTOL):
            return "constant"
        return None

    def tracking_sentence(self, factor):
        """What the factor's behaviour across batch sizes says about its cause."""
        if self.other_batch is None:
            return ""
        n_here, n_there, other = self.other_batch
        if self.factor_tracks in ("N", "1/N"):
            if close(other, 1.0, FACTOR_RTOL):
                return ("; at N=%d the gradients are right: the factor %.6g is %d/%d, so the code divides by a "
                        "fixed batch size (%d) instead of N" % (
                            n_there, factor, n_here, n_there, n_there) if self.factor_tracks == "N" else
                        "; at N=%d the gradients are right: the factor %.6g is %d/%d, so the code multiplies "
                        "by a fixed batch size (%d) and divides by N" % (n_there, factor, n_there, n_here, n_there))
            if self.factor_tracks == "N" and close(factor, n_here, FACTOR_RTOL) and close(other, n_there, FACTOR_RTOL):
                return "; at N=%d it is %.6g: the factor is N itself, so a 1/N is missing" % (n_there, other)
            if self.factor_tracks == "1/N" and close(factor * n_here, 1.0, FACTOR_RTOL) and close(
                    other * n_there, 1.0, FACTOR_RTOL):
                return "; at N=%d it is 1/%d: the factor is 1/N, so the 1/N is applied twice" % (n_there, n_there)
            return "; at N=%d it is %.6g: the factor is proportional to %s" % (n_there, other, self.factor_tracks)
        if self.factor_tracks == "constant":
            hint = "a sign flip" if close(factor, -1.0, FACTOR_RTOL) else "a constant factor"
            return "; the same at N=%d: %s, not the batch averaging" % (n_there, hint)
        return "; at N=%d it is %.6g: no simple relation to the batch size" % (n_there, other)

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
        reg_findings = [f for f in self.findings if f[0] != "reg_only"]
        if reg_findings:
            if fd:
                self.note("reg probe (%s): %s %s as well" % (
                    probe.describe(), ", ".join(fd), "disagrees" if len(fd) == 1 else "disagree"))
            return
        if fd:
            weights = [n for n in fd if n.startswith("W")]
            biases = [n for n in fd if n.startswith("b")]
            what = ("the gradients equal the reference's, so the penalty in the loss is missing or misweighted"
                    if not probe.reference_mismatch else
                    "the biases got a regularization term they should not have" if biases and not weights else
                    "the reg term's gradient (reg * W) is missing or wrong" if weights and not biases else
                    "the reg term is applied to the wrong parameters")
            per = ", ".join("%s (max rel error %.2g)" % (n, probe.report.params[n].max_rel_error) for n in fd)
            self.add("reg_only", fd, "reg probe (%s): everything at reg = 0 is right, but at reg = %g %s disagree "
                     "with the loss: %s" % (probe.describe(), probe.reg, per, what))



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
