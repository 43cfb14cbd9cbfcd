"""The class report: one self-contained HTML page of a graded class, grouped by diagnosis.

What it is for: class-report.html shows the counts (green, red, error), then the submissions
grouped by signature, then by the parameters the diagnosis names, then by its factor, each
group with its count, its learners, one example's evidence and a text box for the
instructor's comment. The button at the end downloads the comments as a TOML file
(katas.grading.gradebook.comments_toml's format), which `kata grade --comments FILE` reads on
the next run. The page needs no network and no file beside it: its style and its script are inline.
What it is not for: grouping or scoring (katas.grading.gradebook, katas.grading.scoring).
"""
from __future__ import annotations

import html
import json
from collections.abc import Iterable

from katas.grading.gradebook import Group, Row, factor_text

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; max-width: 70em; color: #222; }
h2 { border-bottom: 1px solid #ccc; } h3, h4 { margin-bottom: 0.3em; }
.group { border: 1px solid #ddd; border-radius: 4px; padding: 0.6em 1em; margin: 0.6em 0 1em 1em; }
.green { border-left: 6px solid #2a2; } .red { border-left: 6px solid #c33; } .error { border-left: 6px solid #888; }
.count { font-weight: bold; } .who { color: #555; font-size: 90%; }
textarea { width: 100%; min-height: 4em; font: inherit; }
code, .key { font-family: ui-monospace, monospace; }
"""

# The comments file is TOML whose keys and values are JSON strings (a TOML basic string is one).
SCRIPT = """
function tomlString(text) { return JSON.stringify(text).replace(/\\x7f/g, "\\\\u007f"); }
function commentsToml() {
  var lines = ["# Comments of `kata grade`, one per group: signature|params|factor = comment.",
               "# Grade again with --comments FILE to attach them to every submission of the group.", "[comments]"];
  document.querySelectorAll("textarea[data-key]").forEach(function (box) {
    if (box.value.trim()) { lines.push(tomlString(box.dataset.key) + " = " + tomlString(box.value)); }
  });
  return lines.join("\\n") + "\\n";
}
function downloadComments() {
  var link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([commentsToml()], {type: "application/toml"}));
  link.download = "comments.toml";
  document.body.appendChild(link); link.click(); link.remove();
}
"""


def escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def group_html(group: Group) -> list[str]:
    """One group: count, learners, an example's evidence (or its error), the comment box."""
    example = group.rows[0]
    title = "factor %s" % factor_text(group.factor) if group.factor is not None else "no factor"
    if group.status == "error":
        title = "could not be checked"
    lines = ['<div class="group %s" id="%s">' % (group.status, escape(group.key)),
             '<h4>%s: <span class="count">%d</span> submission%s <span class="key">(%s)</span></h4>' % (
                 escape(title), len(group.rows), "" if len(group.rows) == 1 else "s", escape(group.key)),
             '<p class="who">%s</p>' % escape(", ".join(r.submission for r in group.rows))]
    if group.status == "error":
        lines.append("<ul>%s</ul>" % "".join("<li>%s: %s</li>" % (escape(r.submission), escape(r.error))
                                             for r in group.rows))
    else:
        lines.append("<p>Example: <b>%s</b> (score %g of %g, probe seed %s)</p>" % (
            escape(example.submission), example.score, example.max_score, escape(example.seed)))
        lines.append("<ul>%s</ul>" % "".join("<li>%s</li>" % escape(e) for e in example.evidence))
    lines.append('<label>Comment for this group:<br><textarea data-key="%s">%s</textarea></label>' % (
        escape(group.key), escape(group.comment)))
    lines.append("</div>")
    return lines


def render(kata: str, rows: list[Row], groups: Iterable[Group], settings: dict[str, object]) -> str:
    """The whole page, as text."""
    groups = list(groups)
    counts = {status: sum(r.status == status for r in rows) for status in ("green", "red", "error")}
    body = ["<h1>Kata %s: %d submissions</h1>" % (escape(kata), len(rows)),
            "<p>%d green, %d red, %d could not be checked. Probe seed %s; time limit %s s; partial credit %s; "
            "%s point(s) per submission.</p>" % (
                counts["green"], counts["red"], counts["error"], escape(settings.get("seed")),
                escape(settings.get("time_limit")), escape(settings.get("partial")), escape(settings.get("max_score")))]
    signature, params = object(), object()
    for group in groups:
        name = "could not be checked" if group.status == "error" else group.signature or group.status
        if name != signature:
            signature, params = name, object()
            total = sum(len(g.rows) for g in groups if (g.signature or g.status) == group.signature or
                        (group.status == "error" and g.status == "error"))
            body.append("<h2>%s (%d)</h2>" % (escape(name), total))
        if group.status != "error" and group.params != params:
            params = group.params
            total = sum(len(g.rows) for g in groups if g.signature == group.signature and g.params == group.params)
            body.append("<h3>params: %s (%d)</h3>" % (escape(", ".join(params) or "none named"), total))
        body += group_html(group)
    body.append('<p><button type="button" onclick="downloadComments()">Download comments (TOML)</button> '
                "then grade again with <code>kata grade ... --comments comments.toml</code>.</p>")
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        "<title>Class report: %s</title>" % escape(kata), "<style>%s</style>" % STYLE,
        "<script>%s</script>" % SCRIPT, "</head><body>"] + body + [
        '<script type="application/json" id="gradebook">%s</script>' % json.dumps(
            [{"submission": r.submission, "group": r.group, "status": r.status, "score": r.score} for r in rows]
        ).replace("<", "\\u003c"),  # no tag can start inside the script element
        "</body></html>", ""])
