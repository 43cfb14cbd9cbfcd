"""The evaluator: the only process that runs a learner's file, and all it does is evaluate.

What it is for: katas.sandbox (the judge) starts `python -I` on this module and talks to it
over two pipes (katas.evaluator.channel frames). The evaluator imports NumPy and nothing of the
project's judging code (not reference, not the diagnoser), then serves one request per
check: it forks a fresh process for that check (the *learner process*), inside a new PID
namespace where the kernel allows one (then the learner's code cannot see or signal any
process outside it, and everything it starts dies with it), else in a session of its own
under a subreaper that ends every descendant afterwards. The learner process limits itself
(CPU time, file size, address space, processes, no core dumps), moves into a scratch folder,
sends its printed output to a capped file, refuses imports of the project's own packages and
reads of their files, then loads the file's bytes (sent by the judge) and answers calls:
the judge chooses params, X, y, reg and return_dX; the learner process calls `loss` and sends
back what it returned, plain arrays and numbers, and which inputs it changed in place.
The verdict is never computed here: whatever the learner's code patches in this process
changes nothing the judge computes.
What it is not for: judging, printing for the learner, or security against code that
attacks the machine itself (see docs/sandbox.md for what is and is not guaranteed).
"""
from __future__ import annotations

import faulthandler
import inspect
import os
import signal
import struct
import sys
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np

from katas.evaluator import channel, loading
from katas.evaluator.isolation import (
    CLONE_NEWPID, EXITS, PR_SET_CHILD_SUBREAPER, PR_SET_PDEATHSIG, REAL_EXIT, ExitCalled, block_project,
    CappedOutput, end_descendants, enter_user_namespace, guard_exits, libc, prctl, redirect_output, restrict,
    set_limits)

CHANNEL_BROKEN = 71  # exit code of a learner process whose pipes the learner's code closed or damaged


def serve(requests: int, replies: int, events: int, namespaces: bool = True) -> None:
    """The evaluator's loop: one `start` request per check, until `quit` or the pipe closes.

    requests: the judge's requests (read); replies: the learner process's answers (write);
    events: "started" and "ended" of each learner process, written by its supervisor, which
    the learner process cannot write to (it closes its copy before running anything).
    """
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # never outlive the judge
    namespaces = namespaces and enter_user_namespace()
    while True:
        try:
            message, _ = channel.receive(requests)
        except channel.ChannelError:
            break
        if message.get("op") != "start":
            break
        supervisor = os.fork()
        if supervisor == 0:
            code = 70
            try:
                supervise(message["job"], requests, replies, events, namespaces)
                code = 0
            finally:
                REAL_EXIT(code)
        os.waitpid(supervisor, 0)
    REAL_EXIT(0)


def supervise(job: dict[str, Any], requests: int, replies: int, events: int, namespaces: bool) -> None:
    """Start the learner process, tell the judge which pid ends it, wait, end what it left, report.

    In a PID namespace the first process is a small init (pid 1, which the learner's code
    cannot signal) that starts the learner process and reports its wait status; when init
    exits, the kernel ends every process left in the namespace. Elsewhere the learner process
    is a child in a session of its own, and this process, a subreaper, ends its descendants.
    """
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    isolation = "session"
    if namespaces and libc().unshare(CLONE_NEWPID) == 0:
        isolation = "pid-namespace"
    else:
        prctl(PR_SET_CHILD_SUBREAPER, 1)
    gate_read, gate_write = os.pipe()
    status_read, status_write = os.pipe()

    def learner() -> None:
        os.close(gate_write)
        os.close(status_read)
        os.close(status_write)
        os.close(events)
        os.read(gate_read, 1)  # wait until the judge knows the pid that ends this process
        os.close(gate_read)
        learner_process(job, requests, replies, isolation)

    pid = os.fork()
    if pid == 0:
        if isolation != "pid-namespace":
            learner()
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        child = os.fork()
        if child == 0:
            learner()
        os.close(events)
        _, status = os.waitpid(child, 0)
        os.write(status_write, struct.pack("!i", status))
        REAL_EXIT(0)
    os.close(gate_read)
    os.close(status_write)
    channel.send(events, {"event": "started", "pid": pid, "isolation": isolation})
    os.write(gate_write, b"1")
    os.close(gate_write)
    _, status = os.waitpid(pid, 0)
    if isolation == "pid-namespace":
        reported = os.read(status_read, 4)
        status = struct.unpack("!i", reported)[0] if len(reported) == 4 else status
    else:
        end_descendants()
    os.close(status_read)
    channel.send(events, {"event": "ended", "status": status})


def learner_process(job: dict[str, Any], requests: int, replies: int, isolation: str) -> None:
    """Set up, then answer the judge's requests; never returns."""
    code = 70
    try:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if isolation != "pid-namespace":
            os.setsid()
        os.chdir(job["scratch"])
        set_limits(job)
        stream = redirect_output(job)
        trace = open(job["trace"], "w")
        faulthandler.enable(file=trace, all_threads=False)
        faulthandler.dump_traceback_later(job["time_limit"], exit=True, file=trace)
        guard_exits(job["path"])
        me = os.getpid()
        landlock = restrict(job["scratch"]) if job.get("restrict_writes") and sys.platform.startswith("linux") else 0
        block_project(job["blocked_dirs"])
        try:
            Session(job, requests, replies, stream, me, landlock).run()
        except channel.ChannelError:
            code = CHANNEL_BROKEN
        else:
            code = 0
    finally:
        REAL_EXIT(code)


class Session:
    """The learner process's side of one check: load, then calls, then finish."""

    def __init__(self, job: dict[str, Any], requests: int, replies: int, stream: CappedOutput, pid: int,
                 landlock: int = 0) -> None:
        self.landlock = landlock
        self.job = job
        self.path = job["path"]
        self.requests = requests
        self.replies = replies
        self.stream = stream
        self.pid = pid
        self.loss: Callable[..., Any] | None = None  # the learner's loss, once the file is loaded

    def reply(self, message: dict[str, Any], value: object = channel.NOTHING) -> None:
        if os.getpid() != self.pid:  # a copy the learner's code forked: it ends here, silently
            REAL_EXIT(0)
        try:
            frame = channel.pack(message, value)
        except Exception:  # noqa: BLE001 - a value whose own methods fail while it is encoded
            frame = channel.pack({"status": "raised", "type": "UnsendableValue", "frames": [],
                                  "message": "what loss returned could not be read (its own methods raised)"})
        channel.write_frame(self.replies, frame)

    def run(self) -> None:
        while True:
            message, value = channel.receive(self.requests)
            if os.getpid() != self.pid:
                REAL_EXIT(0)
            op = message.get("op")
            if op == "load":
                self.reply(*self.load(value))
            elif op == "call":
                self.reply(*self.call(value))
            elif op == "many":
                self.reply(*self.many(value))
            else:
                self.reply({"status": "finished", "output_chars": self.stream.total})
                return

    # loading ----------------------------------------------------------------------------
    def load(self, source: np.ndarray) -> tuple[dict[str, Any]]:
        raw = np.asarray(source, dtype=np.uint8).tobytes()
        defaults = np.geterr()
        namespace, failure = loading.load_module(raw, self.path)
        if os.getpid() != self.pid:
            REAL_EXIT(0)
        if failure is not None:
            return (failure,)
        assert namespace is not None  # load_module gives the namespace or an error record
        self.loss = namespace["loss"]
        changed = {k: v for k, v in np.geterr().items() if defaults.get(k) != v}
        return ({"status": "loaded", "signature": signature_of(self.loss), "seterr": changed,
                 "landlock": self.landlock},)

    # calls ------------------------------------------------------------------------------
    def many(self, value: dict[str, Any]) -> tuple[dict[str, Any]] | tuple[dict[str, Any], np.ndarray]:
        """float(loss(...)[0]) at the call's arguments with the params changed by each change in
        turn, each on arrays of its own; stops at the first exception."""
        assert self.loss is not None  # the judge calls only a loaded file
        args, kwargs = list(value["args"]), dict(value["kwargs"])
        values = []
        for change in value["changes"]:
            params = {name: array.copy() for name, array in args[0].items()}
            for name, index, new in change:
                if index is None:
                    params[name][...] = new
                else:
                    params[name].reshape(-1)[index] = new
            try:
                with np.errstate(all="ignore"):
                    values.append(float(self.loss(params, *[a.copy() if isinstance(a, np.ndarray) else a
                                                            for a in args[1:]], **kwargs)[0]))
            except BaseException as exc:  # noqa: BLE001 - reported as call() reports it
                if os.getpid() != self.pid:
                    REAL_EXIT(0)
                return self.failure(exc)
            if os.getpid() != self.pid:
                REAL_EXIT(0)
        return {"status": "values"}, np.array(values, dtype=np.float64)

    def failure(self, exc: BaseException) -> tuple[dict[str, Any]]:
        """The reply for an exception of the learner's loss."""
        if isinstance(exc, ExitCalled):
            where = EXITS[0][1] if EXITS else None
            return ({"status": "exit_called", "call": str(exc), "line": where[0] if where else None,
                     "code": where[1] if where else ""},)
        if isinstance(exc, KeyboardInterrupt):
            return ({"status": "interrupt", "frames": frames(exc)},)
        text = str(exc).strip()
        message = text.splitlines()[0] if text else repr(exc)
        return ({"status": "raised", "type": type(exc).__name__, "message": message[:2000], "frames": frames(exc)},)

    def call(self, value: dict[str, Any]) -> tuple[dict[str, Any]] | tuple[dict[str, Any], dict[str, Any]]:
        assert self.loss is not None  # the judge calls only a loaded file
        args, kwargs = list(value["args"]), dict(value["kwargs"])
        params, X, y = args[0], args[1], args[2]
        keys = list(params)
        before = {k: params[k].copy() for k in keys}
        X0, y0 = X.copy(), y.copy()
        originals = dict(params)
        try:
            with np.errstate(all="ignore"):
                out = self.loss(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - everything the learner's loss raises is reported
            if os.getpid() != self.pid:
                REAL_EXIT(0)
            return self.failure(exc)
        if os.getpid() != self.pid:
            REAL_EXIT(0)
        mutated: dict[str, Any] = {}
        if not isinstance(params, dict) or list(params) != keys:
            mutated["params"] = dict(params) if isinstance(params, dict) else {}
            mutated["keys_changed"] = True
        else:
            changed = {k: params[k] for k in keys if params[k] is not originals[k] or not same(params[k], before[k])}
            if changed:
                mutated["params"] = changed
        if not same(X, X0):
            mutated["X"] = X
        if not same(y, y0):
            mutated["y"] = y
        return {"status": "returned"}, {"out": out, "mutated": mutated}


def same(a: object, b: np.ndarray) -> bool:
    a = np.asarray(a)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def frames(exc: BaseException) -> list[list[Any]]:
    """The traceback as [file, line, function, code] records, innermost last (at most 40)."""
    records = [[f.filename, f.lineno, f.name, (f.line or "").strip()]
               for f in traceback.extract_tb(exc.__traceback__)]
    return records[-40:]


def signature_of(function: Callable[..., Any]) -> list[list[Any]] | None:
    """[[name, kind, has default], ...] of the function's parameters, or None when unknown."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return None
    return [[p.name, int(p.kind), p.default is not inspect.Parameter.empty] for p in parameters]


def main(argv: list[str] | None = None) -> None:
    """Started by katas.sandbox: REQUESTS_FD REPLIES_FD EVENTS_FD namespaces|sessions."""
    argv = sys.argv[1:] if argv is None else argv
    serve(int(argv[0]), int(argv[1]), int(argv[2]), argv[3] == "namespaces")


if __name__ == "__main__":
    main()
