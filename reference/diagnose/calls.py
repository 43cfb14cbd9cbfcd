"""How the diagnoser calls the function it judges, and the checks every call gets.

What it is for: Caller, which calls loss_fn on copies of its inputs, with reg as the function takes
it (by default, by name or by position) and with return_dX=True; which never lets an exception out
(it is recorded as the probe's error, classified by classify_exception) and checks every return
value: its structure, the keys and shapes of grads before any number, inputs left bit-identical.
What it is not for: choosing problems or judging the numbers (probes.py, checks.py, the reader).
"""
import inspect
import traceback
from collections.abc import Mapping
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from reference import gradcheck
from reference.gradcheck import Params
from reference.diagnose.checks import same_bits
from reference.diagnose.results import Probe

# loss_fn(params, X, y, reg=0.0) -> (loss, grads), the function judged (or the reference).
LossFn = Callable[..., Any]


class ProbeFailed(Exception):
    """loss_fn failed during a gradient check: the probe records why."""


class Caller(object):
    """Calls of loss_fn (and of the reference) for the probes; names: the parameter names."""

    def __init__(self, loss_fn: LossFn, reference: LossFn, names: List[str]) -> None:
        self.loss_fn = loss_fn
        self.reference = reference
        self.names = names
        try:
            self.reg_by_name = "reg" in inspect.signature(loss_fn).parameters
        except (TypeError, ValueError):
            self.reg_by_name = False

    def arguments(self, args: Sequence[Any], reg: float, default_reg: bool) -> Tuple[Tuple[Any, ...], Dict[str, Any]]:
        """(args, kwargs) of a call: loss_fn(params, X, y) with its own default reg, or with reg
        passed by name if it has a parameter called reg (keyword-only included), else as the
        fourth argument."""
        if default_reg:
            return tuple(args), {}
        if self.reg_by_name:
            return tuple(args), {"reg": reg}
        return tuple(args) + (reg,), {}

    def call_text(self, reg: float, default_reg: bool, return_dX: bool = False, X: str = "X") -> str:
        """The call as code, reg passed as arguments() passes it: 'loss(params, X, y, reg=0.1)'."""
        args = ["params", X, "y"]
        if not default_reg or return_dX:
            args.append(("reg=%g" if self.reg_by_name else "%g") % reg)
        if return_dX:
            args.append("return_dX=True")
        return "loss(%s)" % ", ".join(args)

    def invoke(self, args: Sequence[Any], reg: float, default_reg: bool) -> Any:
        """loss_fn called with args and reg as arguments() puts them; exceptions pass through."""
        args, kwargs = self.arguments(args, reg, default_reg)
        return self.loss_fn(*args, **kwargs)

    def own_loss(self, X: np.ndarray, y: np.ndarray, reg: float, default_reg: bool,
                 grads: Optional[Params] = None, probe: Optional[Probe] = None) -> gradcheck.LossFunction:
        """The function's own loss as f(params) -> (loss, grads) for the gradient checks.

        Each call runs on copies. An exception ends the check (ProbeFailed) and, with a probe,
        is recorded as its error. When loss_fn answers many perturbed calls at once
        (loss_fn.many(call, changes), as the sandbox's stand-in for a learner's loss does: one
        round trip instead of one per call), so does f (f.many, used by gradcheck.losses_at).
        """
        def failed(exc: BaseException) -> ProbeFailed:
            if probe is not None:
                probe.error = classify_exception(exc, self.loss_fn)
            return ProbeFailed()

        def own(p: Dict[str, np.ndarray]) -> Tuple[float, Optional[Dict[str, np.ndarray]]]:
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
            def own_many(params: Dict[str, np.ndarray], changes: Sequence[gradcheck.Change]) -> List[float]:
                try:
                    return many(self.arguments((params, X, y), reg, default_reg), changes)
                except KeyboardInterrupt:
                    raise
                except BaseException as exc:  # noqa: BLE001 - recorded as the probe's error
                    raise failed(exc)
            own.many = own_many  # type: ignore[attr-defined]  # a function's attribute, read by losses_at
        return own

    def call(self, probe: Probe, params: Dict[str, np.ndarray], X: np.ndarray, y: np.ndarray, reg: float,
             default_reg: bool = False) -> Optional[Tuple[float, Dict[str, np.ndarray]]]:
        """Call loss_fn on copies; record the call, errors, structure, shapes, mutation; return (loss, grads)."""
        probe.call = self.call_text(reg, default_reg)
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

    def check_integrity(self, probe: Probe, params: Dict[str, np.ndarray], X: np.ndarray, y: np.ndarray,
                        copies: Tuple[Any, np.ndarray, np.ndarray]) -> None:
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

    def check_structure(self, probe: Probe, params: Params, out: Any) -> Optional[Tuple[float, Params]]:
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

    def reference_call(self, params: Params, X: np.ndarray, y: np.ndarray, reg: float) -> Tuple[float, Params]:
        """The reference's (loss, grads) on the same inputs (the reference does not change them)."""
        with np.errstate(all="ignore"):
            return self.reference(params, X, y, reg)

    def call_with_dx(self, probe: Probe, params: Dict[str, np.ndarray], X: np.ndarray, y: np.ndarray,
                     reg: float) -> Optional[Tuple[float, Dict[str, np.ndarray], np.ndarray]]:
        """loss_fn(params, X, y, reg, return_dX=True) on copies; records like call(); returns
        (loss, grads, dX) or None."""
        assert probe.dx is not None  # a probe called with return_dX=True is given its DxResult first
        probe.call = self.call_text(reg, False, return_dX=True)
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

    def reference_dx(self, params: Params, X: np.ndarray, y: np.ndarray, reg: float) -> Optional[np.ndarray]:
        """The reference's dX, when it takes return_dX; else None."""
        if dx_support(self.reference) != "named":
            return None
        try:
            with np.errstate(all="ignore"):
                return np.asarray(self.reference(params, X, y, reg, return_dX=True)[2], dtype=np.float64)
        except Exception:  # noqa: BLE001 - a custom reference without dX: no comparison
            return None


def dx_support(loss_fn: LossFn) -> Optional[str]:
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


def describe_value(value: object) -> str:
    if isinstance(value, tuple):
        return "a tuple of %d values" % len(value)
    if isinstance(value, np.ndarray):
        return "an array of shape %s" % (value.shape,)
    return "a %s" % type(value).__name__


def classify_exception(exc: BaseException, loss_fn: LossFn) -> Tuple[str, str, str]:
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
