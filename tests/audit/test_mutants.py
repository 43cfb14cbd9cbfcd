"""Reading mutmut's results: exit codes to statuses, .meta files to mutants with their diff and source."""
import pytest

from katas import catalogue
from katas.audit import mutants
from tests.audit.toy import ORIGINAL, SEP, by_number, write_results


@pytest.mark.parametrize("code, status", [
    (1, "killed"), (3, "killed"), (0, "survived"), (5, "no tests"), (33, "no tests"), (34, "skipped"),
    (35, "suspicious"), (36, "timeout"), (-24, "timeout"), (24, "timeout"), (152, "timeout"), (255, "timeout"),
    (37, "caught by type check"), (-11, "segfault"), (-9, "segfault"), (2, "interrupted"), (None, "not checked"),
    (99, "suspicious"),
])
def test_exit_codes_map_to_statuses(code, status):
    assert mutants.status_of(code) == status


def test_the_status_table_agrees_with_the_installed_mutmut():
    from mutmut.stats import status_by_exit_code
    for code, status in status_by_exit_code.items():
        expected = "interrupted" if status == "check was interrupted by user" else status
        assert mutants.status_of(code) == expected, code
        assert expected in mutants.STATUSES


def test_meta_files_become_mutants_with_status_function_line_and_diff(tmp_path):
    found = mutants.read_results(write_results(tmp_path))
    assert [m.name for m in found] == ["toy.calc.x_double__mutmut_1", "toy.calc.x_double__mutmut_2",
                                       "toy.calc.x%sNet%sforward__mutmut_1" % (SEP, SEP)]
    table = by_number(found)
    killed, survivor, method = table["double", 1], table["double", 2], table["Net.forward", 1]
    assert (killed.status, survivor.status, method.status) == ("killed", "survived", "timeout")
    assert killed.path == "toy/calc.py" and killed.line == 5 and method.line == 10
    assert survivor.before == ("    return 2 * x  # twice",) and survivor.after == ("    return 2 / x  # twice",)
    assert survivor.change == "return 2 * x -> return 2 / x"
    assert "-    return 2 * x  # twice\n+    return 2 / x  # twice" in survivor.diff
    assert "@@ -3," in survivor.diff  # hunk line numbers are the file's, not the function's
    assert survivor.duration == 0.25
    namespace = {}
    exec(compile(method.source, "toy", "exec"), namespace)
    assert namespace["Net"]().forward(5) == 4 and namespace["double"](5) == 10
    assert method.source.replace("x - 1", "x + 1") == ORIGINAL


def test_a_mutant_rebuilt_from_its_lines_has_the_same_source(tmp_path):
    found = mutants.read_results(write_results(tmp_path))
    for m in found:
        again = mutants.from_lines(m.path, ORIGINAL, m.line, m.before, m.after)
        assert again.source == m.source and again.diff == m.diff
    with pytest.raises(mutants.MutantsError, match="no longer"):
        mutants.from_lines("toy/calc.py", ORIGINAL.replace("2 * x", "4 * x"), 5, found[0].before, found[0].after)


@pytest.mark.parametrize("change, words", [
    (lambda root: (root / "mutants" / "toy" / "calc.py.meta").write_text("{", encoding="utf-8"), "cannot read"),
    (lambda root: (root / "mutants" / "toy" / "calc.py.meta").write_text("{}", encoding="utf-8"),
     "no exit_code_by_key"),
    (lambda root: (root / "toy" / "calc.py").write_text(ORIGINAL.replace("x + 1", "x + 2"), encoding="utf-8"),
     "stale"),
    (lambda root: (root / "toy" / "calc.py").write_text(ORIGINAL.replace("def double", "def triple"),
                                                         encoding="utf-8"), "no function double"),
])
def test_unreadable_or_stale_results_are_an_error_not_a_guess(tmp_path, change, words):
    root = write_results(tmp_path)
    change(root)
    with pytest.raises(mutants.MutantsError, match=words):
        mutants.read_results(root)


def test_every_mutant_mutmut_makes_of_the_network_is_read_back_exactly(tmp_path, monkeypatch):
    """mutmut's own generator on reference/net.py: each mutant's source differs from the original
    in its changed lines only, and is rebuilt the same from the lines a report keeps."""
    from mutmut import configuration
    from mutmut.mutation.file_mutation import mutate_file_contents

    original = catalogue.reference_source("net")
    (tmp_path / "pyproject.toml").write_text('[tool.mutmut]\nsource_paths = ["reference/"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    configuration.reset_config()
    try:
        generated = mutate_file_contents("reference/net.py", original)
    finally:
        configuration.reset_config()
    mutated = mutants.MutatedFile("reference/net.py", original, generated.code)
    names = ["reference.net." + name for name in generated.mutant_names]
    assert len(names) > 100
    for name in names:
        m = mutated.mutant(name, 1)
        assert m.source != original and m.before != m.after, name
        assert mutants.from_lines(m.path, original, m.line, m.before, m.after).source == m.source, name
        before, after = mutants.normalize(m.before), mutants.normalize(m.after)
        if "None" not in after:  # `@` and `.T` survive every mutation that keeps the expression
            assert (after.count("@"), after.count(".T")) == (before.count("@"), before.count(".T")), name


def test_normalize_drops_comments_but_keeps_hashes_in_strings():
    assert mutants.normalize(["    dz = dh * (z > 0)   # (N, H) mask"]) == "dz = dh * (z > 0)"
    assert mutants.normalize(['    key = params["#W1"]  # odd']) == 'key = params["#W1"]'
    assert mutants.normalize(["a = 1", "  b  =  2"]) == "a = 1\nb = 2"
