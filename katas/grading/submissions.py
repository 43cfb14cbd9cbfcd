"""Which files are the submissions, and what each learner is called in the gradebook.

What it is for: turning the paths an instructor types into one Submission per learner: a .py
file is one learner; a folder holds one learner per sub-folder (that learner's one .py file, or
the kata's file name when there are several) and one learner per .py file directly inside it.
A learner folder that cannot be graded (no .py file, several and none named as the kata) is
still a Submission, with the reason, so that it becomes one error row and not a stopped run.
What it is not for: reading or running the files (katas.grading.pool does, on copies).
"""
from __future__ import annotations

import dataclasses
import os
import pathlib
from collections.abc import Iterable


class SubmissionError(Exception):
    """A path on the command line that is neither a .py file nor a folder."""


@dataclasses.dataclass(frozen=True)
class Submission:
    """One learner's file.

    - name: how the gradebook names the learner (the file name, or the learner folder's name).
    - path: the .py file to grade, or None when there is none (problem says why).
    - problem: why this learner's folder cannot be graded, or "".
    """

    name: str
    path: pathlib.Path | None
    problem: str = ""


def python_files(folder: pathlib.Path) -> list[pathlib.Path]:
    """The .py files directly in folder, by name."""
    return sorted(p for p in folder.iterdir() if p.suffix == ".py" and p.is_file())


def learner_folder(folder: pathlib.Path, kata_filename: str, name: str) -> Submission:
    """The Submission of a folder that holds one learner's work."""
    files = python_files(folder)
    if len(files) == 1:
        return Submission(name, files[0])
    named = [p for p in files if p.name == kata_filename]
    if named:
        return Submission(name, named[0])
    if not files:
        return Submission(name, None, "the folder %s holds no .py file" % folder)
    return Submission(name, None, "the folder %s holds %d .py files and none is named %s: leave one, or name it so"
                      % (folder, len(files), kata_filename))


def collect(paths: Iterable[str | os.PathLike[str]], kata_filename: str) -> list[Submission]:
    """One Submission per learner found under paths, in the order given (each folder's by name).

    Raises SubmissionError for a path that does not exist or is neither a .py file nor a folder.
    A name seen twice gets its parent folder's name in front of it, so every row is told apart.
    """
    found: list[tuple[pathlib.Path, Submission]] = []
    for raw in paths:
        path = pathlib.Path(raw)
        if path.is_file() and path.suffix == ".py":
            found.append((path.parent, Submission(path.name, path)))
        elif path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_dir() and not child.name.startswith((".", "__")):
                    found.append((path, learner_folder(child, kata_filename, child.name)))
                elif child.is_file() and child.suffix == ".py":
                    found.append((path, Submission(child.name, child)))
        elif path.exists():
            raise SubmissionError("%s is neither a .py file nor a folder of submissions" % path)
        else:
            raise SubmissionError("%s does not exist" % path)
    names = [submission.name for _, submission in found]
    unique = []
    for parent, submission in found:
        if names.count(submission.name) > 1:
            submission = dataclasses.replace(submission, name="%s/%s" % (parent.name or parent, submission.name))
        unique.append(submission)
    return unique
