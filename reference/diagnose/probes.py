"""The probes: the problems the diagnoser builds and what it does with each, in order.

What it is for: _Diagnoser, one run of diagnose(): the base, reg, batch, dead, stress and square
probes on seeded problems (sizes from the probe plan), then the reg probe's change from reg = 0 and
the dX probe; each call through a Caller (calls.py), each gradient check through the function's
own loss; then the Reader reads the results. Never raises: a failure of its own is a crash verdict.
What it is not for: reading the results into findings (reader.py and the read_* modules).
"""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from reference import gradcheck
from reference.networks import Dead, Network
from reference.diagnose.calls import Caller, LossFn, ProbeFailed, classify_exception, dx_support
from reference.diagnose.conventions import PROJECT, Conventions
from reference.diagnose.checks import PartialParam, PartialReport, close, consistent_factor, differs, partial_check
from reference.diagnose.evidence import Evidence
from reference.diagnose.plan import (DEAD_BIAS, DX_DIRECTIONS, MILD_SPREAD, REG, ROWS_APART, STRESS_LOGIT,
                                     STRESS_OFFSET, probe_plan)
from reference.diagnose.reader import Reader
from reference.diagnose.results import Diagnosis, DeadUnits, DxResult, Probe, Problem, StressLevel
from reference.diagnose.vocabulary import FACTOR_RTOL, LOSS_RTOL, THRESHOLD

# How a probe checks gradients: "full" (every entry), "directional", or a list of (name, index) entries.
Mode = Union[str, Sequence[Tuple[str, Tuple[int, ...]]]]


class _Diagnoser(object):
    """One run of diagnose(loss_fn): run() fills probes (dict name -> Probe) and returns the Diagnosis."""

    def __init__(self, loss_fn: LossFn, reference: LossFn, seed: int, network: Network,
                 conventions: Conventions = PROJECT) -> None:
        self.loss_fn = loss_fn
        self.conventions = conventions
        self.seed = seed
        self.network = network
        self.plan = probe_plan(seed, network)
        self.names = network.names
        self.caller = Caller(loss_fn, reference, self.names)
        self.probes: Dict[str, Probe] = {}
        self.base_problem: Problem  # set by _run, before any probe
        self.dx_support: Optional[str] = None  # set by dx_probe

    # -- problems ---------------------------------------------------------------------
    def sizes_of(self, values: Sequence[int]) -> Dict[str, int]:
        return dict(zip(self.network.size_names, values))

    def problem(self, sizes: Tuple[int, ...], seed_offset: int = 0) -> Problem:
        return self.network.problem(self.sizes_of(sizes), self.seed * 1000 + seed_offset)

    def base_copy(self) -> Problem:
        """The base problem with its parameters copied, for a probe that changes them."""
        params, X, y = self.base_problem
        return {k: v.copy() for k, v in params.items()}, X, y

    def batch_problem(self) -> Problem:
        """The base problem with more examples appended: the same weights, N changed alone.

        Its classes are never all equally frequent, so that a gradient which depends on the
        label counts alone (a one-hot in the wrong column, summed over the batch) cannot be
        right by the accident of a balanced draw here as well as in the base problem.
        """
        params, X, y = self.base_problem
        extra = self.plan.batch_n - X.shape[0]
        classes = params[self.network.top[1]].shape[0]
        sizes = self.sizes_of(self.plan.base)
        sizes["N"] = extra
        for attempt in range(1000):
            rng = np.random.default_rng([self.seed, 2, attempt])
            more_X, more_y = self.network.inputs(sizes, rng)
            more_X = np.concatenate([X, more_X])
            if self.network.acceptable(params, more_X):
                more_y = np.concatenate([y, more_y])
                counts = np.bincount(more_y.ravel(), minlength=classes)
                if counts.min() == counts.max():
                    more_y.reshape(-1)[-1] = (more_y.reshape(-1)[-1] + 1) % classes  # one label moved on
                return params, more_X, more_y
        raise ValueError("no extra examples away from the kink within 1000 attempts")

    def length_problem(self) -> Problem:
        """The base problem's weights on new sequences of another length: the length alone changed."""
        params, X, y = self.base_problem
        assert self.network.second_length is not None and self.plan.length is not None
        sizes = self.sizes_of(self.plan.base)
        sizes[self.network.second_length] = self.plan.length
        for attempt in range(1000):
            rng = np.random.default_rng([self.seed, 3, attempt])
            new_X, new_y = self.network.inputs(sizes, rng)
            if self.network.acceptable(params, new_X):
                return params, new_X, new_y
        raise ValueError("no sequences of length %d away from saturation within 1000 attempts" % self.plan.length)

    # -- probes -----------------------------------------------------------------------
    def gradient_probe(self, name: str, sizes: Tuple[int, ...], reg: float, purpose: str,
                       params: Optional[Dict[str, np.ndarray]] = None, X: Optional[np.ndarray] = None,
                       y: Optional[np.ndarray] = None, default_reg: bool = False, mode: Mode = "directional") -> Probe:
        """Call once, then (if the result is usable) check gradients against the own loss.

        mode "full" checks every entry (the table a learner reads); "directional" checks each
        parameter along DIRECTIONS seeded random directions (2 calls each, enough to tell a
        wrong gradient and its factor); a list of (name, index) checks just those entries.
        """
        probe = self.new_probe(name, sizes, reg, purpose)
        if params is None or X is None or y is None:
            params, X, y = self.problem(sizes, len(self.probes))
        result = self.caller.call(probe, params, X, y, reg, default_reg)
        probe.problem = (params, X, y)
        if result is not None:
            probe.returned_loss = result[0]
        if result is None or probe.mutated or probe.nonfinite:
            return probe
        grads = self.against_reference(probe, result, params, X, y, reg)

        own = self.caller.own_loss(X, y, reg, default_reg, grads, probe)
        work = {k: v.copy() for k, v in params.items()}
        try:
            if mode == "full":
                probe.report = gradcheck.check_gradients(own, work, threshold=THRESHOLD, kinks=False)
            else:
                probe.report = partial_check(own, work, result[0], grads, mode, self.seed)
        except ProbeFailed:
            probe.report = None
        return probe

    def new_probe(self, name: str, sizes: Tuple[int, ...], reg: float, purpose: str) -> Probe:
        probe = Probe(name, sizes, reg, purpose, self.network.size_names)
        self.probes[name] = probe
        return probe

    def against_reference(self, probe: Probe, result: Tuple[float, Dict[str, np.ndarray]], params: Dict[str, np.ndarray],
                          X: np.ndarray, y: np.ndarray, reg: float) -> Dict[str, np.ndarray]:
        """Record a usable call's loss and gradients on probe, beside the reference's on the same
        inputs (which gradients differ from it); return the gradients."""
        probe.loss, grads = result
        ref_loss, ref_grads = self.caller.reference_call(params, X, y, reg)
        probe.reference_loss = float(ref_loss)
        probe.grads = grads
        # a gradient zero in exact arithmetic (batch norm's db1) is round-off in both: it differs only
        # beyond round-off of the gradients' common scale
        scale = max(float(np.abs(g).max()) for g in ref_grads.values() if g.size)
        probe.reference_mismatch = [n for n in self.names if differs(grads[n], ref_grads[n]) and (
            n not in self.network.exact_zero or float(np.abs(grads[n] - ref_grads[n]).max()) > 1e-9 * scale)]
        return grads

    def stress_probe(self) -> Probe:
        """Logits near 1e4 with large spreads; everything finite and equal to the reference."""
        sizes = self.plan.base
        probe = self.new_probe("stress", sizes, 0.0, "logits around %g, large spreads inside and across rows"
                               % STRESS_LOGIT)
        params, X, y = self.base_copy()
        top, bias = self.network.top
        scores = self.network.features(params, X) @ params[top] + params[bias]  # (M, C)
        # Signed, so that the logit of largest magnitude is +STRESS_LOGIT: an unshifted exp
        # overflows under every seed, not only when the draw puts the extreme logit above 0.
        scale = STRESS_LOGIT / scores.flat[np.argmax(np.abs(scores))]
        # ... and no row entirely below 0: every logit moved up by one constant (the softmax does
        # not change) so that the lowest row maximum is 0, so that no row of an unshifted exp
        # underflows to all zeros by accident of the draw (the overflow is the finding).
        lift = max(0.0, -float((scores * scale).max(axis=1).min()))
        params[top] = params[top] * scale
        params[bias] = params[bias] * scale + lift
        result = self.caller.call(probe, params, X, y, 0.0, default_reg=True)
        probe.problem = (params, X, y)
        if result is not None:
            probe.returned_loss = result[0]
        if result is not None and probe.nonfinite and not probe.mutated:
            level = StressLevel("stress", probe.purpose, scores * scale + lift, y.ravel(), params)
            level.nonfinite, level.loss = list(probe.nonfinite), result[0]
            probe.levels = [level] + self.stress_levels(probe.sizes)
        if result is None or probe.mutated or probe.nonfinite:
            return probe
        grads = self.against_reference(probe, result, params, X, y, 0.0)
        earlier = [self.probes.get(name) for name in ("base", "batch", "dead")]
        if probe.loss_differs and not any(p is not None and p.loss_differs for p in earlier):
            # the first wrong loss is here: do the gradients follow it at these logits? measured, not assumed
            self.check_own(probe, params, X, y, 0.0, True, grads, "directional")
        return probe

    def stress_levels(self, sizes: Tuple[int, ...]) -> List[StressLevel]:
        """Three milder logit patterns, each called once, to tell why the stress probe is not finite.

        offset: every logit of the base problem shifted by STRESS_OFFSET (the spreads stay small);
        rows_apart: each row shifted by its own amount, the row maxima spread over ROWS_APART;
        mild: the base logits scaled so the largest spread inside a row is MILD_SPREAD.
        """
        params, X, y = self.base_copy()
        top, bias = self.network.top
        hidden = self.network.features(params, X)  # (M, H) feeding the top layer
        scores = hidden @ params[top] + params[bias]  # (M, C)
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
            level = StressLevel(name, description, hidden @ level_params[top] + level_params[bias], y.ravel(),
                                level_params)
            scratch = Probe(name, sizes, 0.0, description, self.network.size_names)
            result = self.caller.call(scratch, level_params, X, y, 0.0, default_reg=True)
            if scratch.error is not None:
                level.error = "it raises %s: %s" % scratch.error[:2]
            elif scratch.structure or scratch.shape_problems:
                level.error = "it returns something malformed"
            elif result is not None:
                level.nonfinite, level.loss = list(scratch.nonfinite), result[0]
            levels.append(level)
        return levels

    def check_own(self, probe: Probe, params: Dict[str, np.ndarray], X: np.ndarray, y: np.ndarray, reg: float,
                  default_reg: bool, grads: Dict[str, np.ndarray], mode: Mode) -> None:
        """Check grads against the function's own loss at params (a probe that was only called)."""
        assert probe.loss is not None  # the loss its call returned
        own = self.caller.own_loss(X, y, reg, default_reg, grads, probe)
        try:
            probe.report = partial_check(own, {k: v.copy() for k, v in params.items()}, probe.loss, grads, mode,
                                         self.seed)
        except ProbeFailed:
            probe.report = None

    def dead_probe(self) -> Optional[Probe]:
        """Units made dead on every example (the network says how): a flat loss along them."""
        dead_units = list(self.plan.dead_units)
        params, X, y = self.base_copy()
        groups = self.network.dead(params, X, dead_units, DEAD_BIAS)
        if groups is None:
            return None  # no ReLU: nothing can be dead
        groups = [groups] if isinstance(groups, Dead) else list(groups)
        dead_params = groups[0].params
        entries = [entry for group in groups for entry in group.entries]
        probe = self.gradient_probe(
            "dead", self.plan.base, 0.0, "%s %s forced dead (bias %g)" % (
                "hidden units" if groups[0].number is not None else "units", dead_units, DEAD_BIAS),
            dead_params, X, y, default_reg=True, mode=entries)
        if probe.report is None or probe.loss is None:
            return probe
        resolution = gradcheck.resolution(probe.loss, gradcheck.EPS)
        for group in groups:
            killer = [n for n in self.names if not np.array_equal(group.params[n], params[n])]
            weights = [(n, i) for n, i in group.entries if n not in killer]
            biases = [(n, i) for n, i in group.entries if n in killer]
            probe.dead_units.append(DeadUnits(
                group.number if group.number is not None else group.layer, list(dead_units),
                self.entry_max(probe, weights, "numeric"), self.entry_max(probe, weights, "analytic"),
                self.entry_max(probe, biases, "numeric"), self.entry_max(probe, biases, "analytic"),
                group.z_max, float(resolution), sorted({n for n, _ in weights}, key=self.names.index),
                killer))
        return probe

    @staticmethod
    def entry_max(probe: Probe, entries: List[Tuple[str, Tuple[int, ...]]], which: str) -> float:
        """The largest |numeric| or |analytic| gradient the dead probe found at these entries."""
        assert probe.report is not None
        values = [0.0]
        for name in {n for n, _ in entries}:
            report = probe.report.params[name]
            wanted = {i for n, i in entries if n == name}
            indices = report.entries if isinstance(report, PartialParam) else None
            values += [abs(float(v)) for i, v in zip(indices or [], getattr(report, which)) if i in wanted]
        return max(values)

    # -- the run ----------------------------------------------------------------------
    def run(self) -> Diagnosis:
        diagnosis = self._judge()
        diagnosis.seed = self.seed
        diagnosis.conventions = self.conventions.to_dict()
        return diagnosis

    def _judge(self) -> Diagnosis:
        try:
            return self._run()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - a bug here must still give a verdict
            record = Evidence("internal")
            record.body = "the diagnoser could not finish: %s: %s" % (
                record.q("exception", type(exc).__name__, None), record.q("message", str(exc), None))
            return Diagnosis("crash", (), None, None, [record.text], [("crash", ())], self.probes, [record])

    def _run(self) -> Diagnosis:
        base_sizes = self.plan.base
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
            if self.network.second_length is not None and self.plan.length is not None:
                length_params, length_X, length_y = self.length_problem()
                at = self.network.size_names.index(self.network.second_length)
                self.gradient_probe("length", base_sizes[:at] + (self.plan.length,) + base_sizes[at + 1:], 0.0,
                                    "the base weights on sequences of %s = %d" % (
                                        self.network.second_length, self.plan.length),
                                    length_params, length_X, length_y, default_reg=True)
            self.dead_probe()
            self.stress_probe()
        base = self.probes["base"]
        self.gradient_probe("square", self.plan.square, 0.0, self.network.square_purpose,
                            default_reg=True, mode="directional" if base.ran else "full")
        self.reg_part_check()
        self.dx_probe()
        self.steps_probe()
        return Reader(self).verdict()

    def steps_probe(self) -> None:
        """For a network with time steps whose first layer is wrong at the base probe while its loss is the
        reference's: the base problem with the input at one step t only (every other x_s zero), for
        t = T down to 1; there the first layer's input weight gradient is x_t^T da_t, so it is the
        reference's exactly when the gradient reaching step t's pre-activation is. Records, per t, whether
        it differs from the reference's (probe.steps), in backward order, until the first that does."""
        axis = self.network.time_axis
        base = self.probes["base"]
        weight = self.network.layers[0][1][0]
        if axis is None or base.report is None or base.loss_differs or weight not in base.fd_mismatch():
            return
        params, X, y = self.base_problem
        probe = self.new_probe("steps", base.sizes, 0.0, "the base problem with the input at one time step only")
        probe.call = self.caller.call_text(0.0, True, X="X_t")  # X_t: X with every step but t set to zero
        for t in range(X.shape[axis], 0, -1):
            only = np.zeros_like(X)
            index: List[Union[slice, int]] = [slice(None)] * X.ndim
            index[axis] = t - 1
            only[tuple(index)] = X[tuple(index)]
            scratch = Probe("steps", base.sizes, 0.0, probe.purpose, self.network.size_names)
            result = self.caller.call(scratch, params, only, y, 0.0, default_reg=True)
            if result is None or scratch.mutated or scratch.nonfinite:
                return
            ref_loss, ref_grads = self.caller.reference_call(params, only, y, 0.0)
            if not close(float(result[0]), float(ref_loss), LOSS_RTOL):
                return
            wrong = differs(result[1][weight], ref_grads[weight])
            probe.steps.append((t, wrong, float(gradcheck.rel_error(result[1][weight], ref_grads[weight]).max())))
            if wrong:
                return

    # -- after the probes: the reg probe at reg = 0, and dX ------------------------------
    def reg_part_check(self) -> None:
        """The reg probe's call once more at reg = 0 (passed explicitly), kept as probe.zero; where
        the reg probe disagrees, the change from reg = 0 to reg > 0 checked on its own: the
        gradient's change against the loss's change, along the reg probe's own directions."""
        probe = self.probes.get("reg")
        if probe is None or not isinstance(probe.report, PartialReport) or probe.problem is None or probe.loss is None:
            return
        params, X, y = probe.problem
        scratch = Probe("reg0", probe.sizes, 0.0, "the reg probe's call at reg = 0", self.network.size_names)
        result = self.caller.call(scratch, params, X, y, 0.0)
        if result is None or scratch.mutated or scratch.nonfinite:
            return
        probe.zero = result
        wrong = probe.fd_mismatch()
        if not wrong or any(probe.report.params[n].directions is None for n in wrong):
            return
        loss0, grads0 = result
        eps = gradcheck.EPS
        noise = 2 * gradcheck.resolution(max(abs(probe.loss), abs(loss0)), eps)

        own = self.caller.own_loss(X, y, 0.0, False)  # an exception here leaves the reg probe's own reading
        work = {k: v.copy() for k, v in params.items()}
        changes = [((name, Ellipsis, work[name] + sign * eps * v),)
                   for name in wrong for v in probe.report.params[name].directions or [] for sign in (1.0, -1.0)]
        try:
            values = iter(gradcheck.losses_at(own, work, changes))
        except ProbeFailed:
            return
        parts = {}
        for name in wrong:
            checked = probe.report.params[name]
            analytic, numeric = [], []
            for v, a_reg, n_reg in zip(checked.directions or [], checked.analytic, checked.numeric):
                plus, minus = next(values), next(values)
                analytic.append(a_reg - float(np.sum(grads0[name] * v)))
                numeric.append(n_reg - (plus - minus) / (2 * eps))
            parts[name] = PartialParam(analytic, numeric, noise, checked.directions)
        probe.reg_part = PartialReport(parts)

    def dx_probe(self) -> Optional[Probe]:
        """The reg probe's call with return_dX=True, when the function takes return_dX (by name or
        through **kwargs): the same loss and grads as without it, dX of shape (N, D) and equal to
        the derivative of the function's own loss along X (central differences along
        DX_DIRECTIONS directions), compared with the reference's dX; the batch size toggled when
        dX is off by a factor."""
        support = self.dx_support = dx_support(self.loss_fn)
        reg = self.probes.get("reg")
        if support is None or reg is None or reg.grads is None or reg.problem is None or reg.loss is None:
            return None
        params, X, y = reg.problem
        probe = self.new_probe("dX", reg.sizes, reg.reg, "the reg probe's call with return_dX=True")
        dx = probe.dx = DxResult(support)
        dx.plain_loss, dx.plain_grads = reg.loss, reg.grads
        out = self.caller.call_with_dx(probe, params, X, y, reg.reg)
        probe.problem = (params, X, y)
        if out is None:
            return probe
        dx.loss, dx.grads, dx.dX = out
        probe.loss, probe.grads, probe.reference_loss = dx.loss, dx.grads, reg.reference_loss
        dx.loss_changed = not close(dx.loss, reg.loss, LOSS_RTOL)
        dx.changed = [n for n in self.names if differs(dx.grads[n], reg.grads[n])]
        dx.reference_dX = self.caller.reference_dx(params, X, y, reg.reg)
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
        layer1_right = base.report is not None and not set(self.network.layers[0][1]) & set(base.fd_mismatch())
        if dx.factor is not None and layer1_right and batch is not None and batch.problem is not None:
            b_params, b_X, b_y = batch.problem
            scratch = Probe("dX", batch.sizes, reg.reg, "the batch problem with return_dX=True", self.network.size_names)
            scratch.dx = DxResult(support)
            out = self.caller.call_with_dx(scratch, b_params, b_X, b_y, reg.reg)
            if out is not None and not scratch.nonfinite:
                scratch.loss = out[0]
                other = self.check_dx(scratch, b_params, b_X, b_y, reg.reg, out[2])
                if other is not None:
                    dx.batch = (b_X.shape[0], 1.0 if other.passed else consistent_factor(other))
        return probe

    def check_dx(self, probe: Probe, params: Dict[str, np.ndarray], X: np.ndarray, y: np.ndarray, reg: float,
                 dX: np.ndarray) -> Optional[PartialParam]:
        """dX . v against the central difference of the function's own loss (the plain call) along v."""
        assert probe.loss is not None  # the loss of the call that returned dX
        eps = gradcheck.EPS
        rng = np.random.default_rng([self.seed, 5])

        def own(X_moved: np.ndarray) -> float:
            args = ({k: v.copy() for k, v in params.items()}, X_moved, y.copy())
            with np.errstate(all="ignore"):
                return float(self.caller.invoke(args, reg, False)[0])

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
