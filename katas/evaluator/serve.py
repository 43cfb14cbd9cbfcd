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
import ast
import ctypes
import faulthandler
import inspect
import io
import linecache
import math
import os
import signal
import struct
import sys
import tokenize
import traceback
import types

import numpy as np

from katas.evaluator import channel

REAL_EXIT = os._exit  # captured at import, before guard_exits replaces os._exit in the learner process
MODULE_NAME = "kata_under_check"
BLOCKED_PACKAGES = ("reference", "katas")
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PROCESS_ALLOWANCE = 32  # processes the learner's code may start, on top of what its user has
CHANNEL_BROKEN = 71  # exit code of a learner process whose pipes the learner's code closed or damaged


class ExitCalled(BaseException):
    """Raised in place of os._exit / os.abort: ending the process is the learner's bug to see."""


class CappedOutput(io.TextIOBase):
    """A text stream that keeps the first `cap` bytes in a file and only counts the rest."""

    def __init__(self, fd, cap):
        self.fd = fd
        self.cap = cap
        self.written = 0  # bytes kept
        self.total = 0  # characters produced

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


# -- the evaluator process: isolation, then one learner process per check -----------------

LIBC = None


def libc():
    global LIBC
    if LIBC is None:
        LIBC = ctypes.CDLL(None, use_errno=True)
    return LIBC


def prctl(option, value):
    try:
        return libc().prctl(option, ctypes.c_ulong(value), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def enter_user_namespace():
    """Become root of a new user namespace (mapped to our own ids), so that a PID namespace
    can be made later without privileges. False where the kernel or a policy refuses."""
    if not sys.platform.startswith("linux"):
        return False
    if os.geteuid() == 0:
        return True  # root makes PID namespaces as it is
    uid, gid = os.geteuid(), os.getegid()
    try:
        if libc().unshare(CLONE_NEWUSER) != 0:
            return False
        with open("/proc/self/setgroups", "w") as stream:
            stream.write("deny")
        with open("/proc/self/uid_map", "w") as stream:
            stream.write("%d %d 1" % (uid, uid))
        with open("/proc/self/gid_map", "w") as stream:
            stream.write("%d %d 1" % (gid, gid))
    except (OSError, AttributeError):
        return False
    return True


def serve(requests, replies, events, namespaces=True):
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


def supervise(job, requests, replies, events, namespaces):
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

    def learner():
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


def end_descendants():
    """Kill and reap every process left below this one (orphans come here: a subreaper)."""
    for _ in range(200):
        children = child_pids()
        if not children:
            return
        for pid in children:
            for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
                try:
                    kill()
                except OSError:
                    pass
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def child_pids():
    """Pids whose parent is this process (Linux /proc), else those os.waitpid can still reap."""
    me = os.getpid()
    try:
        with open("/proc/self/task/%d/children" % me) as stream:
            return [int(p) for p in stream.read().split()]
    except OSError:
        pids = []
        for name in os.listdir("/proc") if os.path.isdir("/proc") else []:
            if name.isdigit():
                try:
                    with open("/proc/%s/stat" % name) as stream:
                        if int(stream.read().rsplit(")", 1)[1].split()[1]) == me:
                            pids.append(int(name))
                except (OSError, ValueError, IndexError):
                    pass
        return pids


# -- the learner process ---------------------------------------------------------------

def learner_process(job, requests, replies, isolation):
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


# Landlock (Linux 5.13+): an unprivileged process can give up rights for itself and every
# process it starts. Syscall numbers are the same on every architecture Linux has added them to.
LANDLOCK_CREATE_RULESET, LANDLOCK_ADD_RULE, LANDLOCK_RESTRICT_SELF = 444, 445, 446
LANDLOCK_RULE_PATH_BENEATH = 1
PR_SET_NO_NEW_PRIVS = 38
WRITE_FILE, REMOVE_DIR, REMOVE_FILE = 1 << 1, 1 << 4, 1 << 5
MAKE_ANY = sum(1 << bit for bit in range(6, 13))  # char, dir, regular, socket, fifo, block, symlink
REFER, TRUNCATE = 1 << 13, 1 << 14
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1


def restrict(writable):
    """Give up, for this process and all it starts: writing anywhere but the folder writable
    (and /dev/null), TCP, and (Landlock ABI 6+) signalling processes outside. Returns the
    Landlock ABI version in force, or 0 where the kernel has no Landlock."""
    call = libc().syscall
    call.restype = ctypes.c_long
    abi = call(LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    if abi < 1:
        return 0
    write = WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_ANY | (REFER if abi >= 2 else 0) | (
        TRUNCATE if abi >= 3 else 0)
    fields = [write]
    if abi >= 4:
        fields.append(NET_BIND_TCP | NET_CONNECT_TCP)
    if abi >= 6:
        fields.append(SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL)
    attr = (ctypes.c_uint64 * len(fields))(*fields)
    ruleset = call(LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)),
                   ctypes.c_uint32(0))
    if ruleset < 0:
        return 0
    try:
        for path, rights in ((writable, write), (os.devnull, WRITE_FILE | (TRUNCATE if abi >= 3 else 0))):
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                rule = struct.pack("=Qi", rights, fd)
                buffer = ctypes.create_string_buffer(rule, len(rule))
                if call(LANDLOCK_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH),
                        buffer, ctypes.c_uint32(0)) != 0:
                    return 0
            finally:
                os.close(fd)
        if not prctl(PR_SET_NO_NEW_PRIVS, 1):
            return 0
        if call(LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            return 0
    finally:
        os.close(ruleset)
    return int(abi)


def set_limits(job):
    """Core dumps off, CPU seconds, file size, address space and processes capped (POSIX)."""
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
            _, old_hard = resource.getrlimit(kind)
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
    processes = user_process_count()
    if processes is not None:
        limit("RLIMIT_NPROC", processes + PROCESS_ALLOWANCE)
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


def user_process_count():
    """How many processes (threads included, as RLIMIT_NPROC counts) this user has, or None."""
    if not os.path.isdir("/proc"):
        return None
    uid, count = os.getuid(), 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                info = os.stat("/proc/%s" % name)
                if info.st_uid == uid:
                    count += len(os.listdir("/proc/%s/task" % name))
            except OSError:
                pass
    return count


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


EXITS = []  # the os._exit / os.abort calls made, as (call, (line, code) or None)


def guard_exits(path):
    """os._exit and os.abort raise ExitCalled instead, so the line that called them is named."""
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


def block_project(folders, blocked=BLOCKED_PACKAGES):
    """An audit hook (it cannot be removed) that refuses to import the project's packages or
    open their files: the kata is the network written in the learner's file."""
    roots = tuple(os.path.realpath(f) + os.sep for f in folders)
    for name in list(sys.modules):
        if name.split(".")[0] in blocked and name != "katas" and not name.startswith("katas.evaluator"):
            del sys.modules[name]

    def hook(event, args, roots=roots, blocked=blocked, realpath=os.path.realpath, fspath=os.fspath):
        if event == "import":
            module = args[0] if args else None
            if isinstance(module, str) and module.split(".")[0] in blocked:
                raise ImportError("the kata file may not import %s: the kata is the network written in this file"
                                  % module, name=module)
        elif event == "open":
            target = args[0] if args else None
            if isinstance(target, (str, bytes, os.PathLike)):
                try:
                    path = fspath(target)
                    path = realpath(path.decode() if isinstance(path, bytes) else path)
                except (TypeError, ValueError, OSError):
                    return
                if (path + os.sep).startswith(roots):
                    raise PermissionError("the kata file may not read the project's own files (%s)" % path)
    sys.addaudithook(hook)


class Session:
    """The learner process's side of one check: load, then calls, then finish."""

    def __init__(self, job, requests, replies, stream, pid, landlock=0):
        self.landlock = landlock
        self.job = job
        self.path = job["path"]
        self.requests = requests
        self.replies = replies
        self.stream = stream
        self.pid = pid
        self.loss = None

    def reply(self, message, value=channel.NOTHING):
        if os.getpid() != self.pid:  # a copy the learner's code forked: it ends here, silently
            REAL_EXIT(0)
        try:
            frame = channel.pack(message, value)
        except Exception:  # noqa: BLE001 - a value whose own methods fail while it is encoded
            frame = channel.pack({"status": "raised", "type": "UnsendableValue", "frames": [],
                                  "message": "what loss returned could not be read (its own methods raised)"})
        channel.write_frame(self.replies, frame)

    def run(self):
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
    def load(self, source):
        raw = np.asarray(source, dtype=np.uint8).tobytes()
        defaults = np.geterr()
        namespace, failure = load_module(raw, self.path)
        if os.getpid() != self.pid:
            REAL_EXIT(0)
        if failure is not None:
            return (failure,)
        self.loss = namespace["loss"]
        changed = {k: v for k, v in np.geterr().items() if defaults.get(k) != v}
        return ({"status": "loaded", "signature": signature_of(self.loss), "seterr": changed,
                 "landlock": self.landlock},)

    # calls ------------------------------------------------------------------------------
    def many(self, value):
        """float(loss(...)[0]) at the call's arguments with the params changed by each change in
        turn, each on arrays of its own; stops at the first exception."""
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

    def failure(self, exc):
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

    def call(self, value):
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
        mutated = {}
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


def same(a, b):
    a = np.asarray(a)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def frames(exc):
    """The traceback as [file, line, function, code] records, innermost last (at most 40)."""
    records = [[f.filename, f.lineno, f.name, (f.line or "").strip()]
               for f in traceback.extract_tb(exc.__traceback__)]
    return records[-40:]


def signature_of(function):
    """[[name, kind, has default], ...] of the function's parameters, or None when unknown."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return None
    return [[p.name, int(p.kind), p.default is not inspect.Parameter.empty] for p in parameters]


# -- loading the learner's file --------------------------------------------------------

def error(kind, problem, line=None, code="", detail=""):
    return {"status": "error", "error": kind, "problem": problem, "line": line, "code": code, "detail": detail}


def decode(raw, path):
    """The file's text as Python reads it (a BOM, a coding line, CRLF), or an error record."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as exc:
        return None, error("encoding", "your file declares an encoding Python does not know: %s" % exc)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return None, error("encoding", "your file is not valid %s text (byte %d, on line %d); save it as UTF-8" % (
            "UTF-8" if encoding.startswith("utf-8") else encoding, exc.start, line), line)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def load_module(raw, path):
    """Compile and execute the learner's file; return (namespace, None) or (None, error record)."""
    source, failure = decode(raw, path)
    if failure is not None:
        return None, failure
    if not source.strip():
        return None, error("empty", "your file is empty: `kata reset %s` restores the kata" % kata_id(path))
    try:
        code = compile(source, path, "exec")
    except SyntaxError as exc:
        text = (exc.text or "").rstrip("\n")
        return None, error("syntax", "%s: %s" % (type(exc).__name__, exc.msg), exc.lineno, text.strip(),
                           detail=caret(text, exc.offset))
    except (ValueError, OverflowError, MemoryError, RecursionError) as exc:  # a null byte, or too deep
        return None, error("syntax", "your file cannot be compiled: %s: %s" % (type(exc).__name__, exc))
    module = types.ModuleType(MODULE_NAME)
    module.__file__ = path
    sys.modules[MODULE_NAME] = module
    linecache.cache[path] = (len(source), None, source.splitlines(True), path)
    try:
        exec(code, module.__dict__)
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
    return namespace, None


def learner_line(exc, filename):
    """The innermost traceback line that is in the learner's file: (number, code) or None."""
    chosen = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            chosen = frame
    if chosen is None:
        return None
    return chosen.lineno, (chosen.line or "").strip()


def definition_line(source, name):
    """The line of the last top-level def/class/assignment/import of name, or None."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
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


def kata_id(path):
    """The kata's id from its file name, NN-id.py, or ID when the name is not a kata file's."""
    name = os.path.basename(path)
    stem, _, rest = name.partition("-")
    if stem.isdigit() and len(stem) >= 2 and rest.endswith(".py") and rest[:-3]:
        return rest[:-3]
    return "ID"


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
        if name and name.split(".")[0] in BLOCKED_PACKAGES:
            return error("reference", "your file imports %s, the project's own code: write the network in this "
                         "file (a kata checks your network, not the reference)" % name, line, code)
        problem = "ImportError: %s" % first_line(exc)
        if isinstance(exc, ModuleNotFoundError) and name:
            problem = "ModuleNotFoundError: there is no module %r to import (the kata needs only numpy)" % name
        return error("import", problem, line, code)
    if isinstance(exc, PermissionError) and "project's own files" in str(exc):
        return error("reference", "your file reads the project's own files (%s): write the network in this "
                     "file (a kata checks your network, not the reference)" % first_line(exc), line, code)
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


def main(argv=None):
    """Started by katas.sandbox: REQUESTS_FD REPLIES_FD EVENTS_FD namespaces|sessions."""
    argv = sys.argv[1:] if argv is None else argv
    serve(int(argv[0]), int(argv[1]), int(argv[2]), argv[3] == "namespaces")


if __name__ == "__main__":
    main()
