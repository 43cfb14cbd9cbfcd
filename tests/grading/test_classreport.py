"""The class report: what a learner named or wrote cannot become markup."""
from katas.grading import classreport, gradebook


def test_names_errors_and_comments_are_escaped():
    rows = [gradebook.Row("<script>alert(1)</script>.py", "k", "error", 0.0, 1.0, None, [], None, 0, 0.1,
                          "your file printed </textarea>")]
    groups = gradebook.groups(rows, {"error||": "</textarea><b>"})
    page = classreport.render("k", rows, groups, {"seed": 0})
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;.py" in page
    assert "&lt;/textarea&gt;&lt;b&gt;</textarea>" in page
    assert page.count("</textarea>") == 1
