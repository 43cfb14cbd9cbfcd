"""Writing files in the workspace: a new file never overwrites one that is there."""
from katas.learner import files


def test_write_new_never_overwrites(tmp_path):
    path = tmp_path / "01-x.py"
    assert files.write_new(path, "first")
    assert not files.write_new(path, "second")
    assert path.read_text() == "first"
