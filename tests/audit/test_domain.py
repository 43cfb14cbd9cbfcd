"""The domain mutants' runner: warm workers that collect the tests once and fork a child per mutant,
on a toy project: a killed mutant, a survivor, a mutant that hangs, one that does not even load."""
import pathlib
import textwrap

import pytest

from katas.audit import domain, lifeline, mutants
from katas.audit.mutants import Mutant

MODULE = textwrap.dedent('''\
    def double(x):
        return 2 * x


    def sign(x):
        return 1 if x > 0 else -1
''')
TESTS = textwrap.dedent('''\
    from toyd import calc


    def test_double():
        assert calc.double(3) == 6


    def test_sign():
        assert calc.sign(2) == 1 and calc.sign(-2) == -1
''')


@pytest.fixture
def project(tmp_path):
    (tmp_path / "toyd").mkdir()
    (tmp_path / "toyd" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "toyd" / "calc.py").write_text(MODULE, encoding="utf-8")
    (tmp_path / "tests_toyd").mkdir()
    (tmp_path / "tests_toyd" / "test_calc.py").write_text(TESTS, encoding="utf-8")
    return tmp_path


def mutant(name, source):
    before, after, diff, line = domain.changed_lines(MODULE, source)
    return Mutant(name=name, path="toyd/calc.py", function="f", number=1, exit_code=None, status="not checked",
                  duration=None, line=line, before=before, after=after, diff=diff, source=source, kind="domain",
                  operator="test")


def test_each_mutant_gets_the_verdict_of_its_own_forked_run(project):
    found = [
        mutant("killed", MODULE.replace("2 * x", "3 * x")),
        mutant("survivor", MODULE.replace("x > 0", "x >= 0")),  # sign(0) is never tested
        mutant("hangs", MODULE.replace("return 2 * x", "while True:\n        pass")),
        mutant("broken", MODULE.replace("return 2 * x", "return undefined_name_at_import")
               + "\nraise RuntimeError('at import')\n"),
        mutant("unmutated", MODULE),
    ]
    scratch = lifeline.Scratch(prefix="kata-domain-test-")
    try:
        clean = domain.clean_run(project, "toyd/calc.py", ["tests_toyd/test_calc.py"])
        domain.judge(project, found, {"toyd/calc.py": ["tests_toyd/test_calc.py"]}, 2, scratch,
                     {"toyd/calc.py": min(clean, 0.05)})
    finally:
        scratch.close()
    status = {m.name: m.status for m in found}
    assert status == {"killed": "killed", "survivor": "survived", "hangs": "timeout", "broken": "killed",
                      "unmutated": "survived"}
    assert all(m.duration is not None for m in found)
    assert (project / "toyd" / "calc.py").read_text(encoding="utf-8") == MODULE  # the file is never written


def test_a_selection_that_fails_on_the_unmutated_code_is_an_error(project):
    (project / "tests_toyd" / "test_calc.py").write_text(TESTS.replace("== 6", "== 7"), encoding="utf-8")
    with pytest.raises(RuntimeError, match="fail on the unmutated code"):
        domain.clean_run(project, "toyd/calc.py", ["tests_toyd/test_calc.py"])


def test_generated_domain_mutants_are_named_by_function_and_operator():
    root = pathlib.Path(__file__).resolve().parents[2]
    found = domain.generate(root, ["reference/net.py"])
    assert len(found) >= 100 and len({m.name for m in found}) == len(found)
    first = found[0]
    assert first.kind == "domain" and first.status == "not checked" and first.name.startswith("reference.net.")
    assert first.name.split(".")[-1].startswith(first.function + "__" + first.operator)
    assert first.before and first.after is not None and first.diff.startswith("--- original")


@pytest.mark.parametrize("before, after, kind", [
    (["x = a + b"], ["x = a - b"], "operator"),
    (["y = s.sum(axis=0)"], ["y = s.sum(axis=1)"], "number"),
    (["k = 'W1'"], ["k = 'XXW1XX'"], "string"),
    (["x = f(a)"], ["x = None"], "none_assignment"),
    (["y = s.max(axis=1, keepdims=True)"], ["y = s.max(axis=1, keepdims=False)"], "keyword"),
    (["y = s.max(axis=1, keepdims=True)"], ["y = s.max(axis=1, )"], "arg_removal"),
])
def test_mutmut_s_edits_are_named_by_their_kind(before, after, kind):
    assert mutants.edit_kind(before, after) == kind
