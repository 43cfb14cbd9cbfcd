"""Where `kata dev new` and `kata dev promote` write a card: the instructor's card folder.

What it is for: resolve() picks the folder: --cards DIR, else $KATA_CARDS, else ./cards in the
current folder (created by the first card). A card is written unfinished (empty fields, or
TO WRITE placeholders), so it never goes into the catalogue learners use unless the instructor
asks for it: the installed package's catalogue (katas/cards) is written to only when --cards
names it, and only in a source checkout (a pyproject.toml beside katas/); a folder inside
site-packages is refused, whoever names it. check_command() is the `kata dev check` that
validates the folder.
What it is not for: reading cards (katas.catalogue) or the learners' card folder ($KATA_CARDS,
else the installed catalogue: katas.learner.workspace.cards_dir).
"""
from __future__ import annotations

import os
import pathlib
import shlex
import site
import sysconfig

from katas import catalogue
from katas.learner import workspace
from katas.paths import display

DEFAULT_DIR = "cards"
# Folder names under which Python installs packages.
INSTALL_DIRS = ("site-packages", "dist-packages")


class FolderError(Exception):
    """A card folder that must not be written to; the message says why and what to do."""


def site_dirs() -> list[pathlib.Path]:
    """The folders this Python installs packages into."""
    found = {sysconfig.get_paths().get(key) for key in ("purelib", "platlib")}
    try:
        found.update(site.getsitepackages())
    except AttributeError:  # pragma: no cover - an old virtualenv's site module
        pass
    found.add(site.getusersitepackages())
    return [pathlib.Path(folder).resolve() for folder in found if folder]


def inside(path: pathlib.Path, folder: pathlib.Path) -> bool:
    """Whether path is folder or below it."""
    return path == folder or folder in path.parents


def installed_package(path: pathlib.Path) -> bool:
    """Whether path is inside a folder that Python installs packages into."""
    return any(part in INSTALL_DIRS for part in path.parts) or any(inside(path, folder) for folder in site_dirs())


def source_checkout(cards: pathlib.Path | None = None) -> bool:
    """Whether the catalogue at cards (default: the installed one) lives in a source checkout of
    the project: a pyproject.toml beside katas/, and not in an installed package's folder."""
    cards = catalogue.CARDS_DIR if cards is None else cards
    return (cards.parent.parent / "pyproject.toml").is_file() and not installed_package(cards)


def resolve(option: str | os.PathLike[str] | None) -> pathlib.Path:
    """The folder a new card goes into: option (--cards), else $KATA_CARDS, else ./cards.

    FolderError for a folder inside site-packages, and for the installed catalogue unless the
    option names it in a source checkout.
    """
    chosen = os.environ.get(workspace.CARDS_ENV)
    if option:
        folder, named = pathlib.Path(option).expanduser().resolve(), "--cards %s" % option
    elif chosen:
        folder, named = pathlib.Path(chosen).expanduser().resolve(), "$%s (%s)" % (workspace.CARDS_ENV, chosen)
    else:
        folder = pathlib.Path.cwd().resolve() / DEFAULT_DIR
        named = "the default card folder ./%s (%s)" % (DEFAULT_DIR, folder)
    if installed_package(folder):
        raise FolderError("%s is inside an installed package (site-packages): a card written there would reach "
                          "every learner of this installation before it is finished, and the next install would "
                          "lose it. Write it into a folder of your own: --cards DIR, $%s, or ./%s (the default)"
                          % (named, workspace.CARDS_ENV, DEFAULT_DIR))
    installed = catalogue.CARDS_DIR.resolve()
    if inside(folder, installed):
        if not option:
            raise FolderError("%s is the catalogue learners use (%s): an unfinished card there would show in "
                              "`kata list`. Write it into a folder of your own (--cards DIR, or run from a folder "
                              "where ./%s is yours); to add a card to the project's catalogue in a source checkout, "
                              "name it: --cards %s" % (named, display(installed), DEFAULT_DIR, display(installed)))
        if not source_checkout(installed):
            raise FolderError("%s is the installed catalogue, not a source checkout's: write the card into a folder "
                              "of your own (--cards DIR), or into katas/cards of a clone of the project"
                              % named)
    return folder


def check_command(folder: pathlib.Path) -> str:
    """The `kata dev check` command line that validates folder."""
    if folder == workspace.cards_dir():
        return "kata dev check"
    return "kata dev check --cards %s" % shlex.quote(display(folder))
