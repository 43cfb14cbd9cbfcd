"""`kata audit` as typed: bad arguments named without a traceback, exit code 2 for a stale register."""
import pytest

from katas import cli
from katas.audit import equivalence, mutants, runner
from tests.audit.toy import (ALL_KILLED, SURVIVOR_ENTRY, make_audit, write_register, write_results,
                             write_toy_project)


@pytest.mark.parametrize("extra", [[], ["--break"]])
def test_the_audit_command_exits_2_when_the_register_is_stale(tmp_path, monkeypatch, capsys, extra):
    found = mutants.read_results(write_results(tmp_path / "p", codes=ALL_KILLED))
    settings = runner.load_settings(write_toy_project(tmp_path / "toy"))
    stale = equivalence.load_register(write_register(tmp_path / "r.toml", [dict(SURVIVOR_ENTRY, before="x")]))
    problems = equivalence.apply_register(stale, found)
    result = make_audit(settings, found, problems, register_path=tmp_path / "r.toml")
    monkeypatch.setattr(runner, "run_audit", lambda *a, **k: result)
    code = cli.main(["audit", "--root", str(tmp_path / "toy"), "--out", str(tmp_path / "out")] + extra)
    output = capsys.readouterr().out
    assert code == 2 and "EQUIVALENCE REGISTER ERROR" in output and "matches no mutant" in output
    assert output.index("EQUIVALENCE REGISTER ERROR") < output.index("mutation audit of")
    assert output.index("matches no mutant") < output.index("mutation score")
    assert "[high" not in output and "not graded" in output
    assert output.strip().splitlines()[-1].endswith("fix %s and run the audit again" % (tmp_path / "r.toml"))


def make_file(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# (what to pass, built in tmp_path) -> words of the error; each fails before mutmut runs
BAD_AUDIT_ARGUMENTS = [
    (lambda t: ["--register", str(t)], "is not a file"),
    (lambda t: ["--register", str(make_file(t / "deep.toml", "x = " + "[" * 1000))], "nested too deeply"),
    (lambda t: ["--out", str(make_file(t / "a-file", ""))], "is not a folder"),
    (lambda t: ["--root", str(make_file(t / "pyproject.toml", "x = " + "[" * 1000).parent)], "nests too deeply"),
]


@pytest.mark.parametrize("argv, words", BAD_AUDIT_ARGUMENTS, ids=[row[1] for row in BAD_AUDIT_ARGUMENTS])
def test_bad_audit_arguments_are_named_without_a_traceback(tmp_path, capsys, argv, words):
    arguments = argv(tmp_path)
    if "--out" not in arguments:
        arguments += ["--out", str(tmp_path / "out")]
    if "--root" not in arguments:
        arguments += ["--root", str(write_toy_project(tmp_path / "toy"))]
    assert cli.main(["audit", "--no-census"] + arguments) == 2
    out = capsys.readouterr().out
    assert out.startswith("kata audit: ") and words in out, out
