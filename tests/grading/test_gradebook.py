"""Group keys, the CSV, and the comments file the class report downloads and --comments reads."""
import csv
import io

import pytest

from katas.grading import gradebook


def row(name, status="red", signature="localized", params=("W1", "b1"), factor=None, error=""):
    return gradebook.Row(name, "k", status, 0.0, 1.0, signature, list(params), factor, 0, 0.1, error)


@pytest.mark.parametrize("status, signature, params, factor, key", [
    ("red", "localized", ["W1", "b1"], None, "localized|W1,b1|"),
    ("red", "uniform_scale", ["W1", "b1", "W2", "b2"], 8.000000001, "uniform_scale|W1,b1,W2,b2|8"),
    ("red", "uniform_scale", ["W2"], 0.125, "uniform_scale|W2|0.125"),
    ("green", "ok", [], None, "ok||"),
    ("error", None, [], None, "error||"),
])
def test_group_key(status, signature, params, factor, key):
    assert gradebook.group_key(status, signature, params, factor) == key


def test_groups_nest_signature_then_params_then_factor_largest_first():
    rows = [row("a", params=["b1"]), row("b"), row("c"), row("d", status="green", signature="ok", params=()),
            row("e", signature="uniform_scale", params=["W1"], factor=2.0),
            row("f", signature="uniform_scale", params=["W1"], factor=3.0),
            row("g", signature="uniform_scale", params=["W1"], factor=3.0),
            row("h", status="error", signature=None, params=(), error="boom")]
    keys = [(g.key, [r.submission for r in g.rows]) for g in gradebook.groups(rows)]
    assert keys == [("ok||", ["d"]), ("localized|W1,b1|", ["b", "c"]), ("localized|b1|", ["a"]),
                    ("uniform_scale|W1|3", ["f", "g"]), ("uniform_scale|W1|2", ["e"]), ("error||", ["h"])]


def test_the_csv_quotes_what_needs_quoting():
    text = gradebook.to_csv([row("ann, the first", status="error", signature=None, params=(),
                                 error='a "quoted", line')])
    header, record = list(csv.reader(io.StringIO(text)))
    assert header == list(gradebook.COLUMNS)
    assert dict(zip(header, record, strict=True)) == {"submission": "ann, the first", "kata": "k", "status": "error",
                                         "score": "0.0", "max_score": "1.0", "signature": "", "params": "",
                                         "factor": "", "seed": "0", "seconds": "0.1", "error": 'a "quoted", line'}


def test_comments_round_trip(tmp_path):
    comments = {"localized|W1,b1|": 'Line 1\nLine "2" \\ tab\t é 🙂 \x7f \x01', "ok||": "Well done."}
    path = tmp_path / "comments.toml"
    path.write_text(gradebook.comments_toml(comments), encoding="utf-8")
    assert gradebook.load_comments(path) == comments


def test_comments_may_be_written_by_hand_at_the_top_level(tmp_path):
    path = tmp_path / "comments.toml"
    path.write_text("'reg_only|W1,W2|' = '''Where is reg * W?'''\n")
    assert gradebook.load_comments(path) == {"reg_only|W1,W2|": "Where is reg * W?"}


@pytest.mark.parametrize("text, words", [
    ("[comments\n", "is not valid TOML"),
    ('comments = "x"\n', "[comments] is not a table"),
    ('"ok||" = 3\n', "is not a string"),
    ('"localized" = "x"\n', "is not a group key"),
])
def test_a_bad_comments_file_names_the_problem_and_the_fix(tmp_path, text, words):
    path = tmp_path / "comments.toml"
    path.write_text(text)
    with pytest.raises(gradebook.CommentsError) as error:
        gradebook.load_comments(path)
    assert words in str(error.value) and "comments.toml" in str(error.value)
