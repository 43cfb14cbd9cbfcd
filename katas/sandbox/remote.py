"""The judge's side of a check in progress: the learner process it talks to, and its `loss`.

What it is for: Run starts a learner process in an evaluator (katas.evaluator), sends it
requests over the channel within the check's deadline, and ends it (with everything it
started) however the check ends; RemoteLoss is what the diagnoser calls in place of the
learner's `loss`: each call goes to the learner process, and what comes back is rebuilt as
the real function's result would be (arrays changed in place included) or raised as an
exception of the same name with the learner's traceback as records.
What it is not for: the verdict (katas.sandbox) or anything that runs the learner's code.
"""
from __future__ import annotations

import inspect
import os
import select
import signal
import time
from collections.abc import Sequence
from typing import Any, NoReturn

import numpy as np

from katas.evaluator import channel
from katas.evaluator.launch import Evaluator

START_TIMEOUT = 60.0  # seconds an evaluator may take to start (an interpreter and NumPy)


class Run:
    """One learner process of an evaluator: load the file, answer calls, end."""

    def __init__(self, evaluator: Evaluator, job: dict[str, Any], deadline: float) -> None:
        self.evaluator = evaluator
        self.job = job
        self.deadline = deadline
        self.stage = "start"
        self.status: int | None = None  # the learner process's wait status, once it ended
        self.timed_out = False
        self.stopped: Stopped | None = None  # why the run stopped early: a Stopped exception
        # (line, code) in the learner's file of each exception loss raised
        self.raised: list[tuple[int | None, str]] = []
        # for each of those, the calls of the learner's file that led there (see callers)
        self.callers: list[list[str]] = []
        self.exits: list[tuple[str, int | None, str]] = []  # (call, line, code) of os._exit / os.abort calls
        channel.send(evaluator.requests, {"op": "start", "job": job}, deadline=time.monotonic() + START_TIMEOUT)
        event = self.event(time.monotonic() + START_TIMEOUT)
        if event.get("event") != "started" or not isinstance(event.get("pid"), int):
            raise channel.ChannelError("the evaluator did not start a learner process")
        self.pid: int = event["pid"]
        self.isolation: str | None = event.get("isolation")

    def event(self, deadline: float) -> dict[str, Any]:
        message, _ = channel.receive(self.evaluator.events, deadline)
        return message

    def ask(self, message: dict[str, Any], value: object = channel.NOTHING) -> tuple[dict[str, Any], Any]:
        """Send a request and return (reply, value); Stopped when the learner process does not answer."""
        if self.stopped is not None:
            raise self.stopped
        try:
            channel.send(self.evaluator.requests, message, value, deadline=self.deadline)
            while True:
                left = self.deadline - time.monotonic()
                if left <= 0:
                    raise channel.TimedOut("no reply in time")
                readable = select.select([self.evaluator.replies, self.evaluator.events], [], [], left)[0]
                if self.evaluator.replies in readable:
                    return channel.receive(self.evaluator.replies, self.deadline)
                if self.evaluator.events in readable:
                    event = self.event(time.monotonic() + 5)
                    if event.get("event") == "ended":
                        self.status = event.get("status")
                        raise channel.Closed("the learner process ended")
        except channel.TimedOut:
            self.timed_out = True
            self.stop("timeout")
        except channel.ChannelError as exc:
            self.stop("ended" if self.status is not None else "channel: %s" % exc)
        assert self.stopped is not None  # set by stop()
        raise self.stopped

    def stop(self, why: str) -> None:
        """End the learner process (and everything it started) and remember why."""
        self.stopped = Stopped(why)
        self.evaluator.usable = False
        if self.status is None:
            for kill in (os.killpg, os.kill):
                try:
                    kill(self.pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                event = self.event(time.monotonic() + 5)
                if event.get("event") == "ended":
                    self.status = event.get("status")
            except channel.ChannelError:
                self.evaluator.close()

    def finish(self) -> int:
        """Ask the learner process to end; return how many characters it printed."""
        reply, _ = self.ask({"op": "finish"})
        chars = reply.get("output_chars")
        try:
            event = self.event(time.monotonic() + 5)
            self.status = event.get("status")
        except channel.ChannelError:
            self.evaluator.usable = False
        return chars if isinstance(chars, int) and not isinstance(chars, bool) else 0

    def end(self) -> None:
        """Make sure the learner process is gone (the check is over, whatever happened)."""
        if self.status is None and self.stopped is None:
            self.stop("the check ended")


class Stopped(KeyboardInterrupt):
    """The learner process stopped answering: it ended, ran out of time, broke the channel, or
    asked to end the process. A KeyboardInterrupt, so that the diagnoser does not take it for
    an exception of loss (it lets only those through) and the diagnosis stops at once."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class RemoteLoss:
    """The learner's `loss`, as the diagnoser sees it: each call goes to the learner process.

    It takes and returns what the real function would (arrays are copied both ways), changes
    the arrays it was given exactly as the learner's code changed them in place, raises an
    exception of the same name and message with the learner's traceback as records
    (`remote_frames`), and has the learner function's signature.
    """

    def __init__(self, run: Run, signature: list[list[Any]] | None) -> None:
        self.run = run
        self.source_path = run.job["path"]
        if signature is not None:
            self.__signature__ = rebuild_signature(signature)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        reply, value = self.run.ask({"op": "call"}, {"args": list(args), "kwargs": kwargs})
        if reply.get("status") == "returned" and isinstance(value, dict) and "out" in value:
            apply_mutations(args, value.get("mutated"))
            return value["out"]
        self.failed(reply)

    def many(self, call: tuple[Sequence[Any], dict[str, Any]],
             changes: Sequence[tuple[tuple[str, Any, Any], ...]]) -> list[float]:
        """float(loss(...)[0]) at call = (args, kwargs) with args[0] (the params) changed by each
        change in turn (see gradcheck.losses_at), in one round trip: the learner process applies
        each change to its own copy. The first exception is raised."""
        args, kwargs = call
        encoded = [[[name, None if index is Ellipsis else int(index), value] for name, index, value in change]
                   for change in changes]
        payload = {"args": list(args), "kwargs": kwargs, "changes": encoded}
        reply, value = self.run.ask({"op": "many"}, payload)
        if reply.get("status") == "values" and isinstance(value, np.ndarray) and value.shape == (len(changes),):
            return [float(v) for v in value]
        self.failed(reply)

    def failed(self, reply: dict[str, Any]) -> NoReturn:
        """Raise what a reply that is not a result says: the learner's exception, or Stopped."""
        status = reply.get("status")
        if status == "raised":
            frames = valid_frames(reply.get("frames"))
            self.run.raised.append(learner_frame(frames, self.source_path))
            self.run.callers.append(callers(frames, self.source_path))
            error = remote_exception(str(reply.get("type", "Exception")), str(reply.get("message", "")))
            error.remote_frames = frames  # type: ignore[attr-defined]  # read by classify_exception (getattr)
            raise error
        if status == "interrupt":
            self.run.raised.append(learner_frame(valid_frames(reply.get("frames")), self.source_path))
            self.run.stopped = Stopped("interrupt")
        elif status == "exit_called":
            line = reply.get("line") if isinstance(reply.get("line"), int) else None
            self.run.exits.append((str(reply.get("call", "os._exit")), line, str(reply.get("code") or "")))
            self.run.stopped = Stopped("exit")
        else:
            self.run.stop("channel: an unexpected reply")
        assert self.run.stopped is not None  # set above, or by stop()
        raise self.run.stopped


def rebuild_signature(records: list[list[Any]]) -> inspect.Signature | None:
    """An inspect.Signature from the [[name, kind, has default], ...] the learner process sent."""
    try:
        parameters = []
        for name, kind, has_default in records:
            default = None if has_default else inspect.Parameter.empty
            parameters.append(inspect.Parameter(str(name), inspect._ParameterKind(int(kind)), default=default))
        return inspect.Signature(parameters)
    except (TypeError, ValueError):
        return None


def valid_frames(frames: object) -> list[tuple[str, int, str, str]]:
    """The traceback records of a reply that have the expected form: (file, line, function, code)."""
    out = []
    for frame in frames if isinstance(frames, list) else []:
        if (isinstance(frame, list) and len(frame) == 4 and isinstance(frame[1], int)
                and all(isinstance(part, str) for part in (frame[0], frame[2], frame[3]))):
            out.append(tuple(frame))
    return out


def learner_frame(frames: list[tuple[str, int, str, str]], path: str) -> tuple[int | None, str]:
    """(line, code) of the innermost record in the learner's file, or (None, "")."""
    chosen: tuple[int | None, str] = (None, "")
    for filename, line, _, code in frames:
        if filename == path:
            chosen = (line, code)
    return chosen


def callers(frames: list[tuple[str, int, str, str]], path: str) -> list[str]:
    """The learner's own calls that led to the innermost line of its file, outermost first, as
    "line N in function(): code" (the line that raised is reported apart; a helper copied into
    the file, like a layer function, is reached through the call that passed it wrong values)."""
    mine = [(line, function, code) for filename, line, function, code in frames if filename == path]
    return ["line %d in %s(): %s" % entry for entry in mine[:-1] if entry[1] != "<module>"]


EXCEPTION_TYPES: dict[str, type[Exception]] = {}


def remote_exception(name: str, message: str) -> Exception:
    """An exception named like the learner's (a class made for the name, never the learner's own)."""
    safe = "".join(c for c in name if c.isalnum() or c == "_")[:100] or "Exception"
    kind = EXCEPTION_TYPES.get(safe)
    if kind is None:
        kind = EXCEPTION_TYPES[safe] = type(safe, (Exception,), {"__module__": "learner"})
    return kind(message)


def apply_mutations(args: Sequence[Any], mutated: object) -> None:
    """Change the caller's arrays as the learner's code changed its copies in place."""
    if not isinstance(mutated, dict) or not mutated:
        return
    params = args[0] if args and isinstance(args[0], dict) else None
    changed = mutated.get("params")
    if params is not None and isinstance(changed, dict):
        if mutated.get("keys_changed"):
            params.clear()
            params.update(changed)
        else:
            for name, value in changed.items():
                params[name] = value
    for index, name in ((1, "X"), (2, "y")):
        if name in mutated and len(args) > index and isinstance(args[index], np.ndarray):
            target, value = args[index], mutated[name]
            try:
                np.copyto(target, value, casting="unsafe")
            except (TypeError, ValueError):  # reshaped in place: changed all the same
                target[...] = np.nan if target.dtype.kind == "f" else -1
