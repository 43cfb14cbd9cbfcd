"""Which files are the submissions: a file, a folder of files, a folder of learners' folders."""
import pytest

from katas.grading import submissions

KATA_FILE = "01-missing-1-over-n.py"


@pytest.mark.parametrize("layout, expected", [
    ({"a.py": "", "b.py": "", "notes.txt": ""}, [("a.py", "a.py", "")]),  # a single file given
    ({"class/a.py": "", "class/b.py": "", "class/readme.md": ""}, [("a.py", "class/a.py", ""),
                                                                   ("b.py", "class/b.py", "")]),
    ({"class/ann/work.py": "", "class/bob/" + KATA_FILE: "", "class/bob/helper.py": ""},
     [("ann", "class/ann/work.py", ""), ("bob", "class/bob/" + KATA_FILE, "")]),
    ({"class/ann/x.py": "", "class/ann/y.py": ""}, [("ann", None, "holds 2 .py files and none is named")]),
    ({"class/ann/notes.txt": "", "class/__pycache__/a.pyc": "", "class/.git/x.py": ""},
     [("ann", None, "holds no .py file")]),
])
def test_collect(tmp_path, layout, expected):
    for name, text in layout.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    given = tmp_path / ("a.py" if "a.py" in layout else "class")
    found = submissions.collect([given], KATA_FILE)
    assert [(s.name, str(s.path.relative_to(tmp_path)) if s.path else None) for s in found] == [
        (name, path) for name, path, _ in expected]
    for submission, (_, _, problem) in zip(found, expected, strict=True):
        assert problem in submission.problem
        assert bool(submission.problem) == (submission.path is None)


def test_the_same_name_twice_gets_its_folder_in_front(tmp_path):
    for folder in ("monday", "tuesday"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "ann.py").write_text("")
    found = submissions.collect([tmp_path / "monday", tmp_path / "tuesday"], KATA_FILE)
    assert [s.name for s in found] == ["monday/ann.py", "tuesday/ann.py"]


@pytest.mark.parametrize("name, words", [("missing", "does not exist"), ("notes.txt", "neither a .py file")])
def test_a_path_that_is_no_submission_is_refused(tmp_path, name, words):
    (tmp_path / "notes.txt").write_text("")
    with pytest.raises(submissions.SubmissionError, match=words):
        submissions.collect([tmp_path / name], KATA_FILE)
