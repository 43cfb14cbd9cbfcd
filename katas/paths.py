"""Paths as a person reads them: relative to the current folder when below it."""
import os
import pathlib


def display(path: str | os.PathLike[str]) -> str:
    """path relative to the current folder when it is below it, else as given (a link is shown
    as itself, not as what it points to)."""
    path = pathlib.Path(path)
    try:
        return str((path.parent.resolve() / path.name).relative_to(pathlib.Path.cwd()))
    except (ValueError, OSError):
        return str(path)
