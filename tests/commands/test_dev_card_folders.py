"""Where `kata dev new` and `kata dev promote` write: the instructor's folder, never the learners' catalogue.

--cards DIR, else $KATA_CARDS, else ./cards (created); the installed catalogue only when --cards
names it in a source checkout; a folder inside site-packages never. Each case writes into
tmp_path: no test writes into the project's katas/cards.
"""
import pathlib

import pytest

from katas import catalogue
from katas.cli import main
from katas.commands.dev import cardfolder
from katas.learner import workspace

PROMOTE = ["dev", "promote", "--function", "softmax_cross_entropy", "--before", "dscores /= N",
           "--after", "dscores *= N"]


def installed_cards(root, monkeypatch, checkout):
    """A catalogue at root/katas/cards standing for the installed one; a source checkout when
    checkout (a pyproject.toml beside katas/)."""
    cards = root / "katas" / "cards"
    cards.mkdir(parents=True)
    if checkout:
        (root / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    monkeypatch.setattr(catalogue, "CARDS_DIR", cards.resolve())
    return cards


def written(folder):
    return sorted(p.name for p in folder.glob("*.toml"))


@pytest.mark.parametrize("argv, name", [
    (["dev", "new", "my-bug"], "01-my-bug.toml"),
    (PROMOTE, "01-mutant-softmax-cross-entropy-1.toml"),
])
def test_the_default_folder_is_cards_in_the_current_folder(tmp_path, monkeypatch, capsys, argv, name):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert written(tmp_path / "cards") == [name]
    assert "`kata dev check --cards cards`" in out
    assert not list(catalogue.CARDS_DIR.glob("*" + name[2:]))  # the installed catalogue is untouched


@pytest.mark.parametrize("argv", [["dev", "new", "my-bug"], PROMOTE])
def test_kata_cards_comes_before_the_default(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "course"
    mine.mkdir()
    monkeypatch.setenv(workspace.CARDS_ENV, str(mine))
    assert main(argv) == 0, capsys.readouterr().out
    assert len(written(mine)) == 1 and not (tmp_path / "cards").exists()
    assert "`kata dev check`" in capsys.readouterr().out  # dev check reads $KATA_CARDS too


@pytest.mark.parametrize("argv", [["dev", "new", "my-bug"], PROMOTE])
def test_cards_option_comes_before_kata_cards(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv(workspace.CARDS_ENV, str(elsewhere))
    assert main(argv + ["--cards", str(tmp_path / "chosen")]) == 0, capsys.readouterr().out
    assert len(written(tmp_path / "chosen")) == 1 and written(elsewhere) == []


@pytest.mark.parametrize("argv", [["dev", "new", "my-bug"], PROMOTE])
def test_a_folder_inside_site_packages_is_refused_even_when_named(tmp_path, monkeypatch, capsys, argv):
    target = tmp_path / "lib" / "python3" / "site-packages" / "katas" / "cards"
    target.mkdir(parents=True)
    assert main(argv + ["--cards", str(target)]) == 2
    out = capsys.readouterr().out
    assert "inside an installed package (site-packages)" in out and "nothing written" in out
    assert written(target) == []


def test_the_installed_catalogue_in_site_packages_is_refused_by_default(tmp_path, monkeypatch, capsys):
    cards = installed_cards(tmp_path / "venv" / "site-packages", monkeypatch, checkout=False)
    monkeypatch.chdir(cards.parent)  # ./cards is the installed catalogue
    assert main(["dev", "new", "my-bug"]) == 2
    assert "site-packages" in capsys.readouterr().out and written(cards) == []


@pytest.mark.parametrize("how", ["default", "env"])
def test_the_learners_catalogue_is_refused_unless_named_with_cards(tmp_path, monkeypatch, capsys, how):
    cards = installed_cards(tmp_path / "checkout", monkeypatch, checkout=True)
    if how == "default":
        monkeypatch.chdir(cards.parent)
    else:
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv(workspace.CARDS_ENV, str(cards))
    assert main(["dev", "new", "my-bug"]) == 2
    out = capsys.readouterr().out
    assert "the catalogue learners use" in out and "--cards" in out and written(cards) == []


def test_the_catalogue_named_with_cards_in_a_source_checkout_is_written(tmp_path, monkeypatch, capsys):
    cards = installed_cards(tmp_path / "checkout", monkeypatch, checkout=True)
    monkeypatch.chdir(tmp_path)
    assert main(["dev", "new", "my-bug", "--cards", str(cards)]) == 0, capsys.readouterr().out
    assert written(cards) == ["01-my-bug.toml"]


def test_the_catalogue_named_with_cards_outside_a_source_checkout_is_refused(tmp_path, monkeypatch, capsys):
    cards = installed_cards(tmp_path / "elsewhere", monkeypatch, checkout=False)
    assert main(["dev", "new", "my-bug", "--cards", str(cards)]) == 2
    assert "not a source checkout" in capsys.readouterr().out and written(cards) == []


@pytest.mark.parametrize("parts, inside", [
    (("lib", "python3.11", "site-packages", "katas", "cards"), True),
    (("usr", "lib", "python3", "dist-packages", "katas", "cards"), True),
    (("home", "teacher", "course", "cards"), False),
])
def test_installed_package_folders_are_told_by_name(parts, inside):
    assert cardfolder.installed_package(pathlib.Path("/", *parts)) is inside
