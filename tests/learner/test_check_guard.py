"""A check never records a kata solved from a file that is not what it checked, and puts back what it destroyed.

The learner's code runs during the check and can write any file. Each row is a kata file that
would be green (the reference fix of the first kata) with a hostile line run at import; the
paths it names are absolute, as the sandbox may run the code in another folder. After `kata
check`: the verdict, then one warning line saying what happened; the workspace as it was before
the check where the check destroyed it; and the kata solved only when the file holds the bytes
that were checked.
"""
import json
import os

import pytest

from katas import catalogue, sandbox
from katas.learner import files, guard, katafile, workspace
from katas.cli import main

CARD = "missing-1-over-n"
OTHER = "misspelled-key"


@pytest.fixture
def ws_root(learner_dir, monkeypatch, capsys):
    """./workspace with CARD and OTHER started and one backup of CARD."""
    # As on a kernel without Landlock, where the learner's code can write the workspace and
    # this guard is what keeps the work (tests/sandbox/test_hostile.py checks that the files
    # are refused the writes where Landlock is).
    monkeypatch.setattr(sandbox, "RESTRICT_WRITES", False)
    assert main(["start", OTHER]) == 0 and main(["start", CARD]) == 0
    path = kata_file(learner_dir / "workspace")
    path.write_text(path.read_text(encoding="utf-8") + "# an earlier attempt\n", encoding="utf-8")
    assert main(["reset", CARD]) == 0
    capsys.readouterr()
    return learner_dir / "workspace"


def kata_file(root, card_id=CARD):
    return root / katafile.kata_filename(catalogue.find_card(card_id))


def fixed_with(code):
    """The reference fix of CARD with code run at import, right after `import numpy as np`."""
    solution = katafile.render_solution(catalogue.find_card(CARD))
    return solution.replace("import numpy as np\n", "import numpy as np\nimport os, shutil\n" + code + "\n", 1)


def tree(root):
    """Every file under root (the lock aside) and its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != workspace.LOCK_FILE}


def progress(root):
    return json.loads((root / "progress.json").read_text(encoding="utf-8"))["katas"][CARD]


# (name, the hostile line (formatted with the absolute paths), words of the warning)
DESTROYING = [
    ("truncates itself and deletes backups/", 'open({kata!r}, "w").close(); shutil.rmtree({backups!r})',
     "01-missing-1-over-n.py emptied, backups/01-missing-1-over-n."),
    ("deletes itself", "os.remove({kata!r})", "01-missing-1-over-n.py deleted"),
    ("empties another kata file", 'open({other!r}, "w").close()', "12-misspelled-key.py emptied"),
    ("deletes progress.json", "os.remove({progress!r})", "progress.json deleted or damaged"),
    ("garbles progress.json and a backup", 'open({progress!r}, "w").write("{{"); '
     '[open(os.path.join({backups!r}, n), "w").write("x") for n in os.listdir({backups!r})]',
     "changed, progress.json deleted or damaged"),
    ("deletes the whole workspace", "shutil.rmtree({root!r})", "deleted"),
]


@pytest.mark.parametrize("code, words", [row[1:] for row in DESTROYING], ids=[row[0] for row in DESTROYING])
def test_what_the_check_destroyed_is_put_back_and_said_once(ws_root, capsys, code, words):
    path = kata_file(ws_root)
    paths = dict(kata=str(path), backups=str(ws_root / "backups"), other=str(kata_file(ws_root, OTHER)),
                 progress=str(ws_root / "progress.json"), root=str(ws_root))
    path.write_text(fixed_with(code.format(**paths)), encoding="utf-8")
    before = tree(ws_root)
    checks = progress(ws_root)["checks"]
    code, out, err = main(["check", CARD]), *capsys.readouterr()
    assert code == 0 and "GREEN" in out and "Traceback" not in out + err
    [line] = err.splitlines()
    assert line.startswith("warning: your code changed the workspace while it was being checked (") and words in line
    assert "put back as it was before the check" in line
    after = tree(ws_root)
    assert after.pop("progress.json") and before.pop("progress.json")
    assert after == before
    # Solved from the bytes that were checked, which are back on disk; the check is counted.
    assert progress(ws_root)["state"] == "solved" and progress(ws_root)["checks"] == checks + 1
    assert "Solved: kata %s is green." % CARD in out


def test_a_file_that_could_not_be_put_back_is_never_solved(ws_root, capsys, monkeypatch):
    path = kata_file(ws_root)
    path.write_text(fixed_with('open(%r, "w").close()' % str(path)), encoding="utf-8")
    real = files.write_atomically

    def refusing(target, *args, **kwargs):
        if os.path.abspath(str(target)) == str(path):
            raise OSError(28, os.strerror(28))
        return real(target, *args, **kwargs)

    monkeypatch.setattr(files, "write_atomically", refusing)
    code, out, err = main(["check", CARD]), *capsys.readouterr()
    assert code == 0 and "GREEN" in out and "not marked solved" in out and "Solved:" not in out
    [line] = err.splitlines()
    assert "could not put back 01-missing-1-over-n.py (No space left on device)" in line
    assert path.read_bytes() == b"" and progress(ws_root)["state"] == "started"


def test_a_file_rewritten_during_the_check_is_left_and_not_solved(ws_root, capsys):
    path = kata_file(ws_root)
    path.write_text(fixed_with("open(%r, 'w').write('loss = None\\n')" % str(path)), encoding="utf-8")
    code, out, err = main(["check", CARD]), *capsys.readouterr()
    assert code == 0 and "GREEN" in out and "not marked solved" in out
    [line] = err.splitlines()
    assert "workspace/01-missing-1-over-n.py changed while it was being checked" in line and "check again" in line
    assert path.read_text(encoding="utf-8") == "loss = None\n", "it may be the learner's own save: left as it is"
    assert progress(ws_root)["state"] == "started" and progress(ws_root)["last_verdict"] == "green"


def test_a_save_during_the_check_is_kept_and_the_green_does_not_count(ws_root, capsys, monkeypatch):
    path = kata_file(ws_root)
    card = catalogue.find_card(CARD)
    path.write_text(katafile.render_solution(card), encoding="utf-8")
    real = sandbox.check_file

    def learner_saves_meanwhile(*args, **kwargs):
        result = real(*args, **kwargs)
        path.write_text(katafile.render_kata(card) + "# still working\n", encoding="utf-8")
        return result

    monkeypatch.setattr(sandbox, "check_file", learner_saves_meanwhile)
    code, out, err = main(["check", CARD]), *capsys.readouterr()
    assert code == 0 and "GREEN" in out and "Solved" not in out
    assert len(err.splitlines()) == 1 and "saved again?" in err
    assert path.read_text(encoding="utf-8").endswith("# still working\n")
    assert progress(ws_root)["state"] == "started"
    monkeypatch.setattr(sandbox, "check_file", real)
    code, out, err = main(["check", CARD]), *capsys.readouterr()
    assert code == 1 and err == "", "the next check judges the file as it is now"


def test_the_sandbox_checks_the_bytes_read_before_the_check(ws_root, monkeypatch):
    seen = []
    real = sandbox.check_file
    monkeypatch.setattr(sandbox, "check_file", lambda *a, **k: seen.append(k["source"]) or real(*a, **k))
    path = kata_file(ws_root)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    keeper = guard.Guard.take(workspace.Workspace(ws_root), path)
    assert keeper.checked == path.read_bytes() and keeper.path.is_absolute()
    assert set(keeper.others) == {kata_file(ws_root, OTHER)} and len(keeper.backups) == 1
    from katas.commands import common

    checked = common.check_kata(workspace.Workspace(ws_root), catalogue.find_card(CARD), path)
    assert seen == [path.read_bytes()] and checked.counts
