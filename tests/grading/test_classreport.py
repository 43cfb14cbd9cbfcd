"""The class report: what a learner named or wrote cannot become markup; its comments download."""
import json
import shutil
import subprocess

import pytest

from katas.grading import classreport, gradebook


def test_names_errors_and_comments_are_escaped():
    rows = [gradebook.Row("<script>alert(1)</script>.py", "k", "error", 0.0, 1.0, None, [], None, 0, 0.1,
                          "your file printed </textarea>")]
    groups = gradebook.groups(rows, {"error||": "</textarea><b>"})
    page = classreport.render("k", rows, groups, {"seed": 0})
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;.py" in page
    assert "&lt;/textarea&gt;&lt;b&gt;</textarea>" in page
    assert page.count("</textarea>") == 1


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the page's script")
def test_the_downloaded_comments_are_what_kata_grade_comments_reads(tmp_path):
    comments = {"localized|W1,b1|": 'Line 1\nLine "2" \\ tab\t é 🙂 \x7f', "ok||": "Well done."}
    boxes = [{"dataset": {"key": key}, "value": value} for key, value in comments.items()]
    boxes.append({"dataset": {"key": "error||"}, "value": "   "})  # an empty box is left out
    page = "var document = {querySelectorAll: function () { return %s; }};\n" % json.dumps(boxes)
    script = page + classreport.SCRIPT + "\nprocess.stdout.write(commentsToml());"
    downloaded = subprocess.run(["node", "-e", script], capture_output=True, check=True).stdout
    (tmp_path / "comments.toml").write_bytes(downloaded)
    assert gradebook.load_comments(tmp_path / "comments.toml") == comments
    assert downloaded.decode("utf-8") == gradebook.comments_toml(comments)
