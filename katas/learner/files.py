"""Writing files so that no byte of a learner's work is lost, and reading them as Python does.

What it is for: atomic writes (a temporary file, fsync, os.replace), creating a file only where
none exists, free backup names, timestamps for file names, and reading a kata file's text as
Python would (a BOM, a coding line, CRLF) to compare it with the pristine one.
What it is not for: deciding what to write (katas.learner.workspace).
"""
from __future__ import annotations

import contextlib
import datetime
import io
import os
import pathlib
import tempfile
import tokenize


def stamp() -> str:
    """A file-name-safe UTC timestamp, e.g. 20240131T235959Z."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def describe(exc: OSError) -> str:
    """An OSError in words: 'No space left on device'."""
    if exc.strerror:
        return exc.strerror
    if exc.errno:
        return os.strerror(exc.errno)
    return str(exc) or type(exc).__name__


def read_or_none(path: str | os.PathLike[str]) -> bytes | None:
    """The bytes of path, or None when there is no such file."""
    try:
        with open(str(path), "rb") as stream:
            return stream.read()
    except FileNotFoundError:
        return None


def python_text(data: bytes) -> str | None:
    """Source bytes decoded as Python decodes a module: a byte-order mark or a coding line, and
    any line endings (CRLF, CR) read as newlines. None when Python could not decode them."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def same_source(data: bytes, text: str) -> bool:
    """Whether source bytes hold text, as Python reads them."""
    return python_text(data) == text


def blank(data: bytes) -> bool:
    """Whether source bytes hold nothing: no bytes, or only a byte-order mark and whitespace."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return not data.strip()


def default_mode() -> int:
    """The permissions a new file gets here (0o666 without the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view):]


def write_temporary(folder: str | os.PathLike[str], data: bytes, prefix: str = ".kata-",
                    mode: int | None = None) -> str:
    """A new temporary file in folder holding data, flushed to disk; return its path."""
    handle, temporary = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=str(folder))
    try:
        write_all(handle, data)
        if hasattr(os, "fchmod"):  # mkstemp makes it private; a kata file gets the usual permissions
            os.fchmod(handle, default_mode() if mode is None else mode)
        os.fsync(handle)
    except BaseException:
        os.close(handle)
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    os.close(handle)
    return temporary


def write_atomically(path: str | os.PathLike[str], data: bytes, prefix: str = ".kata-",
                     mode: int | None = None) -> None:
    """Replace path with data (a temporary file beside it, fsync, os.replace): a reader sees the
    old bytes or the new ones, never a part, and a failure leaves the old file whole."""
    path = pathlib.Path(path)
    temporary = write_temporary(path.parent, data, prefix=prefix, mode=mode)
    try:
        os.replace(temporary, str(path))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def free_backup_path(backups: pathlib.Path, path: pathlib.Path) -> pathlib.Path:
    """backups/NN-id.<timestamp>.py, with -2, -3... when that name is taken."""
    base = "%s.%s" % (path.stem, stamp())
    candidate = backups / (base + path.suffix)
    number = 2
    while candidate.exists():
        candidate = backups / ("%s-%d%s" % (base, number, path.suffix))
        number += 1
    return candidate


def write_new(path: str | os.PathLike[str], text: str) -> bool:
    """Create path with text; return False (and write nothing) if it already exists.

    OSError when it cannot be written; a file left half-written by that is removed again.
    """
    try:
        handle = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        return False
    try:
        write_all(handle, text.encode("utf-8"))
    except BaseException:
        os.close(handle)
        with contextlib.suppress(OSError):
            os.unlink(str(path))
        raise
    os.close(handle)
    return True
