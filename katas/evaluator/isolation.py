"""Keeping the learner's code apart: namespaces, Landlock, resource limits, exits and imports.

What it is for: the pieces the evaluator (katas.evaluator.serve) puts around a learner
process before a byte of the learner's file runs: a user and PID namespace where the kernel
allows (else a session under a subreaper that ends every descendant), Landlock (writes
outside the scratch folder, TCP and signals outside refused, for it and all it starts),
resource limits, output captured and capped, os._exit and os.abort turned into exceptions
so the line that called them can be named, and an audit hook that refuses the project's own
packages. Linux facilities are reached through ctypes; each one degrades to nothing where
it is missing, and the judge never depends on any of them for the verdict.
What it is not for: talking to the judge (serve) or reading the learner's file (loading).
"""
from __future__ import annotations

import ctypes
import io
import math
import os
import signal
import struct
import sys
import traceback
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

REAL_EXIT = os._exit  # captured at import, before guard_exits replaces os._exit in the learner process
BLOCKED_PACKAGES = ("reference", "katas")
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PROCESS_ALLOWANCE = 32  # processes the learner's code may start, on top of what its user has


class ExitCalled(BaseException):
    """Raised in place of os._exit / os.abort: ending the process is the learner's bug to see."""


class CappedOutput(io.TextIOBase):
    """A text stream that keeps the first `cap` bytes in a file and only counts the rest."""

    def __init__(self, fd: int, cap: int) -> None:
        self.fd = fd
        self.cap = cap
        self.written = 0  # bytes kept
        self.total = 0  # characters produced

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not %s" % type(text).__name__)
        self.total += len(text)
        room = self.cap - self.written
        if room > 0:
            data = text.encode("utf-8", "replace")[:room]
            os.write(self.fd, data)
            self.written += len(data)
        return len(text)

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return False

    encoding = "utf-8"  # a class attribute: io.TextIOBase's own is a read-only descriptor


LIBC: ctypes.CDLL | None = None


def libc() -> ctypes.CDLL:
    global LIBC
    if LIBC is None:
        LIBC = ctypes.CDLL(None, use_errno=True)
    return LIBC


def prctl(option: int, value: int) -> bool:
    try:
        return libc().prctl(option, ctypes.c_ulong(value), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def enter_user_namespace() -> bool:
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


def end_descendants() -> None:
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


def child_pids() -> list[int]:
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


def restrict(writable: str) -> int:
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


def set_limits(job: dict[str, Any]) -> None:
    """Core dumps off, CPU seconds, file size, address space and processes capped (POSIX)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return
    cpu = int(math.ceil(job["time_limit"])) + 2

    def limit(name: str, soft: int, hard: int | None = None) -> None:
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


def address_space() -> int | None:
    """This process's current virtual size in bytes (Linux), or None."""
    try:
        with open("/proc/self/statm") as stream:
            pages = int(stream.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def user_process_count() -> int | None:
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


def redirect_output(job: dict[str, Any]) -> CappedOutput:
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


# the os._exit / os.abort calls made, as (call, (line, code) or None)
EXITS: list[tuple[str, tuple[int | None, str] | None]] = []


def guard_exits(path: str) -> None:
    """os._exit and os.abort raise ExitCalled instead, so the line that called them is named."""
    def called(call: str) -> ExitCalled:
        where = None
        for frame in reversed(traceback.extract_stack()[:-2]):
            if frame.filename == path:
                where = (frame.lineno, (frame.line or "").strip())
                break
        EXITS.append((call, where))
        return ExitCalled(call)

    def _exit(status: int = 0) -> NoReturn:
        raise called("os._exit(%r)" % (status,))

    def abort() -> NoReturn:
        raise called("os.abort()")

    os._exit = _exit
    os.abort = abort


def block_project(folders: Iterable[str], blocked: tuple[str, ...] = BLOCKED_PACKAGES) -> None:
    """An audit hook (it cannot be removed) that refuses to import the project's packages or
    open their files: the kata is the network written in the learner's file."""
    roots = tuple(os.path.realpath(f) + os.sep for f in folders)
    for name in list(sys.modules):
        if name.split(".")[0] in blocked and name != "katas" and not name.startswith("katas.evaluator"):
            del sys.modules[name]

    def hook(event: str, args: tuple[Any, ...], roots: tuple[str, ...] = roots, blocked: tuple[str, ...] = blocked,
             realpath: Callable[[str], str] = os.path.realpath,
             fspath: Callable[[Any], str | bytes] = os.fspath) -> None:
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
