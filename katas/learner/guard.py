"""What a check must leave as it found it: the kata file it checked and the rest of the workspace.

What it is for: `kata check`, `kata watch` and the pytest plugin run the learner's code, which
can do anything a program can, to any file. Before a check, Guard.take reads the kata file's
bytes once (those bytes, and only those, are what the sandbox checks) and keeps in memory a copy
of the workspace's other kata files, of backups/ (bounded: BACKUP_FILES files, FILE_LIMIT bytes
each, TOTAL_LIMIT in all) and of progress.json. After the check, Guard.settle compares, puts back
what the check destroyed, and says in one sentence what happened. The rule it follows:
- the checked kata file, or another kata file, gone or emptied (no bytes, or only whitespace):
  the check did it (an editor does not save an empty kata file), so the copy is put back;
- the checked kata file changed in any other way: that may be your own save during the check,
  so it stays as it is, and the verdict does not count for it (the kata is not marked solved;
  check again). Another kata file changed that way is left alone for the same reason;
- a file of backups/ gone or changed: put back (the tool writes a backup once and never again);
- progress.json gone, emptied or unreadable: put back, under the progress lock.
A kata is only ever marked solved when the bytes on disk after all this are the bytes checked.
What it is not for: running the check (katas.sandbox) or keeping progress (katas.learner.workspace);
nor protection from code written to get around it: files outside the workspace, or larger than
the bounds, are not kept.
"""
from __future__ import annotations

import dataclasses
import os
import pathlib
import stat

from katas.learner import files, workspace

FILE_LIMIT = 1024 * 1024  # bytes: a kata file or a backup larger than this is not kept
TOTAL_LIMIT = 32 * 1024 * 1024  # bytes kept of backups/ in all
BACKUP_FILES = 256  # files of backups/ kept, the newest names first
PROGRESS_LIMIT = 4 * 1024 * 1024  # bytes: a larger progress.json is not kept
NAMED = 3  # files a warning names; the others are counted


@dataclasses.dataclass
class Kept:
    """One file as it was before the check."""

    data: bytes
    mode: int


@dataclasses.dataclass
class Aftermath:
    """What the check left behind.

    - unchanged: the kata file on disk holds exactly the bytes that were checked (after any
      putting back), so the verdict is the file's.
    - warning: one sentence for the learner, or None when nothing happened.
    """

    unchanged: bool
    warning: str | None = None


class Guard(object):
    """The workspace before one check of one kata file, and the means to put it back."""

    def __init__(self, ws: workspace.Workspace, path: str | os.PathLike[str]) -> None:
        self.ws = ws
        self.path = pathlib.Path(os.path.abspath(str(path)))
        self.checked: bytes | None = None  # the bytes the check judges, or None when the file could not be read
        self.mode: int | None = None
        self.others: dict[pathlib.Path, Kept] = {}  # path -> Kept: the other kata files
        self.backups: dict[pathlib.Path, Kept] = {}  # path -> Kept
        self.progress: bytes | None = None  # progress.json's bytes, or None

    @classmethod
    def take(cls, ws: workspace.Workspace, path: str | os.PathLike[str]) -> Guard:
        """Read the kata file once and keep a copy of the rest of the workspace."""
        guard = cls(ws, path)
        kept = keep(guard.path, limit=None)
        if kept is not None:
            guard.checked, guard.mode = kept.data, kept.mode
        root = ws.root
        for name in sorted(names(root)):
            candidate = root / name
            if workspace.KATA_FILE.match(name) and candidate != guard.path:
                kept = keep(candidate)
                if kept is not None:
                    guard.others[candidate] = kept
        total = 0
        for name in sorted(names(ws.backups), reverse=True)[:BACKUP_FILES]:
            kept = keep(ws.backups / name)
            if kept is not None and total + len(kept.data) <= TOTAL_LIMIT:
                guard.backups[ws.backups / name] = kept
                total += len(kept.data)
        progress = keep(ws.progress_path, limit=PROGRESS_LIMIT)
        guard.progress = progress.data if progress is not None else None
        return guard

    def settle(self) -> Aftermath:
        """Compare the workspace with the copy, put back what the check destroyed; an Aftermath."""
        done: list[tuple[pathlib.Path, str]] = []
        failed: list[tuple[pathlib.Path, str]] = []
        changed = False
        if self.checked is not None and self.mode is not None:  # read together
            now = current(self.path)
            if now != self.checked:
                if now is None or files.blank(now):
                    self._put_back(self.path, Kept(self.checked, self.mode), gone_or_emptied(now), done, failed)
                else:
                    changed = True
        for path, kept in self.others.items():
            now = current(path)
            if now != kept.data and (now is None or (files.blank(now) and not files.blank(kept.data))):
                self._put_back(path, kept, gone_or_emptied(now), done, failed)
        for path, kept in self.backups.items():
            now = current(path)
            if now != kept.data:
                self._put_back(path, kept, "deleted" if now is None else "changed", done, failed)
        try:
            if self.ws.restore_progress(self.progress):
                done.append((self.ws.progress_path, "deleted or damaged"))
        except OSError as exc:
            failed.append((self.ws.progress_path, files.describe(exc)))
        unchanged = self.checked is not None and current(self.path) == self.checked
        return Aftermath(unchanged, self._sentence(done, failed, changed))

    def _put_back(self, path: pathlib.Path, kept: Kept, what: str, done: list[tuple[pathlib.Path, str]],
                  failed: list[tuple[pathlib.Path, str]]) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            files.write_atomically(path, kept.data, mode=kept.mode)
            done.append((path, what))
        except OSError as exc:
            failed.append((path, files.describe(exc)))

    def _sentence(self, done: list[tuple[pathlib.Path, str]], failed: list[tuple[pathlib.Path, str]],
                  changed: bool) -> str | None:
        """One sentence for the learner about all of it, or None."""
        parts = []
        if done:
            parts.append("your code changed the workspace while it was being checked (%s); it is put back as it "
                         "was before the check (a kata module must only define things: does yours open, write "
                         "or remove files?)" % self._listed(["%s %s" % (self._name(p), w) for p, w in done]))
        if failed:
            parts.append("could not put back %s" % self._listed(["%s (%s)" % (self._name(p), why)
                                                                  for p, why in failed]))
        if changed:
            parts.append("%s changed while it was being checked (saved again?): the verdict is for the version "
                         "before that change, so it does not count for the file as it is now; check again" %
                         self.ws.display(self.path))
        return "; ".join(parts) or None

    def _name(self, path: pathlib.Path) -> str:
        try:
            return str(path.relative_to(self.ws.root))
        except ValueError:
            return str(path)

    @staticmethod
    def _listed(items: list[str]) -> str:
        shown = ", ".join(items[:NAMED])
        return shown + (" and %d more" % (len(items) - NAMED) if len(items) > NAMED else "")


def names(folder: str | os.PathLike[str]) -> list[str]:
    """The names in folder, or none when it cannot be listed."""
    try:
        return os.listdir(str(folder))
    except OSError:
        return []


def keep(path: str | os.PathLike[str], limit: int | None = FILE_LIMIT) -> Kept | None:
    """A regular file's bytes and mode, or None (missing, not a regular file, larger than limit)."""
    try:
        with open(str(path), "rb") as stream:
            status = os.fstat(stream.fileno())
            if not stat.S_ISREG(status.st_mode) or (limit is not None and status.st_size > limit):
                return None
            return Kept(stream.read() if limit is None else stream.read(limit + 1), stat.S_IMODE(status.st_mode))
    except OSError:
        return None


def current(path: str | os.PathLike[str]) -> bytes | None:
    """The bytes at path now, or None when there is no readable file there."""
    try:
        with open(str(path), "rb") as stream:
            return stream.read()
    except OSError:
        return None


def gone_or_emptied(now: bytes | None) -> str:
    return "deleted" if now is None else "emptied"
