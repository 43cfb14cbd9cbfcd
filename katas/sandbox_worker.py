"""The child side of the sandbox: load one learner file and diagnose its `loss`.

What it is for: everything that happens inside the separate process that katas.sandbox
starts, either forked (the fast path on POSIX) or as `python -m katas.sandbox_worker JOB`
(a fresh interpreter; JOB is the job as JSON). It limits itself (core dumps off, CPU time,
file size, address space where POSIX allows), sends its own standard output and error to a
capped file, arms a faulthandler watchdog that writes the stack where the time ran out, then
reads, compiles and executes the file and runs reference.diagnose.diagnose on its `loss`
(unless the file is empty, or its `loss` is the reference's own, imported rather than written).
It always ends by writing one JSON result file; when it cannot (a segfault, os._exit by
another route, a kill), the parent reads the exit status, the stage file and the stack dump.
What it is not for: judging the result or printing for the learner (katas.sandbox and
katas.report do that). Nothing here returns into the caller's code in the forked child.
"""
import ast
import faulthandler
import io
import json
import math
import os
import re
import signal
import sys
import traceback

LINE = re.compile(r"at line (\d+)")
# Signatures whose evidence can come from an exception raised at a line of the learner's file.
RAISING_SIGNATURES = ("crash", "shape_error", "nonfinite")
REAL_EXIT = os._exit  # captured at import, before guard_exits replaces os._exit in the child
# The os._exit / os.abort calls the learner's code made, as (call, (line, code) or None): the
# diagnoser records any exception of loss as a crash, so the call is remembered here as well.
EXITS = []
# The module the learner's file is loaded as; a `loss` from anywhere else was not written there.
MODULE_NAME = "kata_under_check"


class ExitCalled(BaseException):
    """Raised in place of os._exit / os.abort: ending the process is the learner's bug to see.

    Its text is the call, e.g. "os._exit(0)" or "os.abort()".
    """


class CappedOutput(io.TextIOBase):
    """A text stream that keeps the first `cap` bytes in a file and only counts the rest."""

    def __init__(self, fd, cap):
        self.fd = fd
        self.cap = cap
        self.written = 0  # bytes kept
        self.total = 0  # characters (or bytes) produced

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not %s" % type(text).__name__)
        self.total += len(text)
        room = self.cap - self.written
        if room > 0:
            data = text.encode("utf-8", "replace")[:room]
            os.write(self.fd, data)
            self.written += len(data)
        return len(text)

    def fileno(self):
        return self.fd

    def isatty(self):
        return False

    @property
    def encoding(self):
        return "utf-8"


def set_limits(job):
    """Core dumps off, CPU seconds, file size and address space capped (where POSIX allows)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return
    cpu = int(math.ceil(job["time_limit"])) + 2

    def limit(name, soft, hard=None):
        kind = getattr(resource, name, None)
        if kind is None:
            return
        try:
            old_soft, old_hard = resource.getrlimit(kind)
            hard = soft if hard is None else hard
            if old_hard != resource.RLIM_INFINITY:
                soft, hard = min(soft, old_hard), min(hard, old_hard)
            resource.setrlimit(kind, (soft, hard))
        except (ValueError, OSError):
            pass

    limit("RLIMIT_CORE", 0)
    limit("RLIMIT_CPU", cpu, cpu + 2)
    limit("RLIMIT_FSIZE", job["file_size_limit"])
    memory = address_space()
    if memory is not None and job.get("memory_limit"):
        limit("RLIMIT_AS", memory + job["memory_limit"])
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # past the size limit a write fails instead


def address_space():
    """This process's current virtual size in bytes (Linux), or None."""
    try:
        with open("/proc/self/statm") as stream:
            pages = int(stream.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def redirect_output(job):
    """fd 0 from /dev/null; fd 1 and 2 and sys.stdout/stderr into the capped output file."""
    output = os.open(job["output"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(null)
    stream = CappedOutput(output, job["output_cap"])
    sys.stdin = open(os.devnull, "r")
    sys.stdout = sys.stderr = stream
    return stream


def set_stage(job, stage):
    with open(job["stage"], "w") as stream:
        stream.write(stage)


def guard_exits(path):
    """os._exit and os.abort raise ExitCalled instead, so the line that called them is named.

    Each call is also recorded in EXITS with the innermost line of the file at path on the stack.
    """
    def called(call):
        where = None
        for frame in reversed(traceback.extract_stack()[:-2]):
            if frame.filename == path:
                where = (frame.lineno, (frame.line or "").strip())
                break
        EXITS.append((call, where))
        return ExitCalled(call)

    def _exit(code=0):
        raise called("os._exit(%r)" % (code,))

    def abort():
        raise called("os.abort()")

    os._exit = _exit
    os.abort = abort


def learner_line(exc, filename):
    """The innermost traceback line that is in the learner's file: (number, code) or None."""
    chosen = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            chosen = frame
    if chosen is None:
        return None
    return chosen.lineno, (chosen.line or "").strip()


def error(kind, problem, line=None, code="", detail=""):
    return {"kind": "error", "error": kind, "problem": problem, "line": line, "code": code, "detail": detail}


def definition_line(source, name):
    """The line of the last top-level def/class/assignment/import of name, or None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    line = None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            line = node.lineno
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((alias.asname or alias.name) in (name, "*") for alias in node.names):
                line = node.lineno
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                line = node.lineno
    return line


def load(job):
    """Read, compile and execute the learner's file; return (module namespace, None) or (None, error)."""
    from katas import catalogue

    path = job["path"]
    try:
        with open(path, "rb") as stream:
            raw = stream.read()
    except OSError as exc:
        return None, error("unreadable", "your file cannot be read: %s" % exc.strerror)
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return None, error("encoding", "your file is not valid UTF-8 text (byte %d, on line %d); save it as "
                           "UTF-8" % (exc.start, line), line)
    if not source.strip():
        return None, error("empty", "your file is empty: `kata reset %s` restores the kata" % kata_id(path))
    try:
        compile(source, path, "exec")
    except SyntaxError as exc:
        kind = type(exc).__name__
        code = (exc.text or "").rstrip("\n")
        return None, error("syntax", "%s: %s" % (kind, exc.msg), exc.lineno, code.strip(),
                           detail=caret(code, exc.offset))
    except (ValueError, OverflowError) as exc:  # e.g. a null byte in the source
        return None, error("syntax", "your file cannot be compiled: %s" % exc)
    set_stage(job, "load")
    try:
        module = catalogue.load_module(source, MODULE_NAME, path)
    except BaseException as exc:  # noqa: BLE001 - anything the file does while it loads
        return None, load_failure(exc, path)
    namespace = module.__dict__
    if "loss" not in namespace:
        defined = sorted(n for n, v in namespace.items() if callable(v) and not n.startswith("_")
                         and getattr(v, "__module__", None) == MODULE_NAME)
        near = [n for n in namespace if n.lower().startswith("loss") or n.lower().endswith("loss")]
        problem = "your file defines no function named loss: the check calls loss(params, X, y, reg=0.0)"
        if near:
            problem += "; did you rename it? (found %s)" % ", ".join(sorted(near))
        elif defined:
            problem += "; it defines %s" % ", ".join(defined)
        return None, error("no_loss", problem)
    if not callable(namespace["loss"]):
        line = definition_line(source, "loss")
        return None, error("not_callable", "loss is %s, not a function: the check calls loss(params, X, y, "
                           "reg=0.0)" % describe(namespace["loss"]), line, source_line(source, line))
    origin = getattr(namespace["loss"], "__module__", None)
    if isinstance(origin, str) and (origin == "reference" or origin.startswith("reference.")):
        line = definition_line(source, "loss")
        return None, error("reference_loss", "your `loss` is the reference's own (imported from %s): write the "
                           "network in this file" % origin, line, source_line(source, line))
    return namespace, None


def kata_id(path):
    """The kata's id from its file name, NN-id.py, or ID when the name is not a kata file's."""
    match = re.match(r"^\d{2,}-([a-z0-9]+(?:-[a-z0-9]+)*)\.py$", os.path.basename(path))
    return match.group(1) if match else "ID"


def load_failure(exc, path):
    where = learner_line(exc, path)
    line, code = where if where else (None, "")
    if isinstance(exc, SystemExit):
        return error("exit", "your file called sys.exit(%r) while loading: a kata module must only define "
                     "things" % (exc.code,), line, code)
    if isinstance(exc, ExitCalled):
        return error("exit", "your file called %s while loading: a kata module must only define things" % exc,
                     line, code)
    if isinstance(exc, ImportError):
        name = getattr(exc, "name", None)
        problem = "ImportError: %s" % first_line(exc)
        if isinstance(exc, ModuleNotFoundError) and name:
            problem = "ModuleNotFoundError: there is no module %r to import (the kata needs only numpy)" % name
        return error("import", problem, line, code)
    if isinstance(exc, RecursionError):
        return error("load", "RecursionError while loading your file: %s" % first_line(exc), line, code)
    return error("load", "%s while loading your file: %s" % (type(exc).__name__, first_line(exc)), line, code)


def first_line(exc):
    text = str(exc).strip()
    return text.splitlines()[0] if text else repr(exc)


def describe(value):
    kind = type(value).__name__
    return "an %s" % kind if kind[:1] in "aeiou" else "a %s" % kind


def caret(code, offset):
    if not code or not offset:
        return ""
    stripped = code.lstrip()
    position = max(offset - 1 - (len(code) - len(stripped)), 0)
    return stripped + "\n" + " " * position + "^"


def source_line(source, line):
    if not line:
        return ""
    lines = source.splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def jsonable(value):
    """value with NumPy scalars and arrays as Python values, tuples as lists, nan and inf as strings."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return jsonable(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def summary(diagnosis):
    """Diagnosis.to_dict(), or as much of it as can be built when one probe's summary fails."""
    try:
        return diagnosis.to_dict()
    except Exception:  # noqa: BLE001 - the report must not fail where the verdict did not
        probes = {}
        for name, probe in diagnosis.probes.items():
            try:
                probes[name] = probe.summary()
            except Exception as exc:  # noqa: BLE001
                probes[name] = {"purpose": getattr(probe, "purpose", ""), "sizes": list(getattr(probe, "sizes", ())),
                                "summary_error": "%s: %s" % (type(exc).__name__, exc)}
        return {"signature": diagnosis.signature, "params": list(diagnosis.params), "factor": diagnosis.factor,
                "factor_tracks": diagnosis.factor_tracks, "evidence": list(diagnosis.evidence),
                "findings": [{"signature": s, "params": list(p)} for s, p in diagnosis.findings],
                "probes": probes}


def entries(diagnosis):
    """The base probe's per-entry relative errors, JSON-ready, or None when it has no full table."""
    report = diagnosis.probes.get("base").report if "base" in diagnosis.probes else None
    if report is None or not hasattr(report, "table"):
        return None
    return {name: {"rel_errors": [jsonable(float(e)) for e in p.rel_errors.reshape(-1)],
                   "kinks": [bool(k) for k in p.kinks.reshape(-1)], "shape": list(p.shape),
                   "max_rel_error": jsonable(p.max_rel_error), "passed": bool(p.passed),
                   "threshold": p.threshold}
            for name, p in report.params.items()}


def diagnose(job, namespace):
    from reference import diagnose as diagnoser

    diagnosis = diagnoser.diagnose(namespace["loss"], hidden_layers=job["hidden_layers"])
    line = code = None
    errors = [p.error for p in diagnosis.probes.values() if p.error is not None]
    if errors and diagnosis.signature in RAISING_SIGNATURES:
        match = LINE.search(errors[0][2])
        if match:
            line = int(match.group(1))
            code = errors[0][2].split(": ", 1)[1] if ": " in errors[0][2] else ""
    return {
        "kind": "diagnosis",
        "entries": entries(diagnosis) if job.get("entries") else None,
        "signature": diagnosis.signature,
        "params": list(diagnosis.params),
        "factor": jsonable(diagnosis.factor),
        "factor_tracks": diagnosis.factor_tracks,
        "evidence": list(diagnosis.evidence),
        "text": diagnosis.text(),
        "diagnosis": jsonable(summary(diagnosis)),
        "line": line,
        "code": code or "",
    }


def work(job):
    """Everything after the process is set up: returns the result dictionary."""
    import numpy as np

    defaults = np.geterr()
    namespace, failure = load(job)
    if failure is not None:
        return failure
    changed = {k: v for k, v in np.geterr().items() if defaults.get(k) != v}
    set_stage(job, "diagnose")
    try:
        result = diagnose(job, namespace)
    except KeyboardInterrupt as exc:  # the diagnoser lets only this one through
        where = learner_line(exc, job["path"])
        line, code = where if where else (None, "")
        return error("interrupt", "your loss raised KeyboardInterrupt: a loss function must return its result",
                     line, code)
    if EXITS:  # the diagnoser saw an exception; ending the process is what the code asked for
        call, where = EXITS[0]
        line, code = where if where else (None, "")
        return error("exit", "your loss called %s: a loss function must return its result" % call, line, code)
    result["warnings"] = []
    if changed:
        result["warnings"].append(
            "your file changes NumPy's floating-point error handling when it loads (np.seterr: %s): that is "
            "global state every other module shares; the check runs each call under its own settings, so "
            "set error handling inside a function with np.errstate if you need it" % ", ".join(
                "%s=%s" % item for item in sorted(changed.items())))
    return result


def child(job):
    """The whole child run: writes the result file, unless the process is killed first."""
    set_stage(job, "start")
    set_limits(job)
    stream = redirect_output(job)
    trace = open(job["trace"], "w")
    faulthandler.enable(file=trace, all_threads=False)
    faulthandler.dump_traceback_later(job["time_limit"], exit=True, file=trace)
    guard_exits(job["path"])
    try:
        result = work(job)
    except BaseException as exc:  # noqa: BLE001 - report, never raise into the parent's code
        result = error("internal", "the check itself failed: %s: %s" % (type(exc).__name__, first_line(exc)),
                       detail="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    faulthandler.cancel_dump_traceback_later()
    result["output_chars"] = stream.total
    result.setdefault("warnings", [])
    set_stage(job, "done")
    with open(job["result"] + ".tmp", "w", encoding="utf-8") as out:
        json.dump(result, out)
    os.replace(job["result"] + ".tmp", job["result"])


def run_forked(job):
    """Entry point in a forked child: never returns into the caller."""
    code = 70
    try:
        try:
            os.setpgid(0, 0)
        except OSError:
            pass
        child(job)
        code = 0
    finally:
        REAL_EXIT(code)


def main(argv=None):
    """`python -m katas.sandbox_worker JOB_JSON`: the same run in a fresh interpreter."""
    code = 70
    try:
        job = json.loads((sys.argv[1:] if argv is None else argv)[0])
        child(job)
        code = 0
    finally:
        REAL_EXIT(code)


if __name__ == "__main__":
    main()
