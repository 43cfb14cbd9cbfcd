"""The mutation audit's reports: the terminal summary, a JSON file and a self-contained HTML file.

What it is for: showing a katas.audit.Audit. text() is what `kata audit` prints: the counts
by status, the score against the thresholds, every survivor with its function and diff, the
registered equivalent mutants with their reasons, and the signature census. When the
equivalence register is stale (an entry matches no mutant, or a killed one) every report
opens with that error and gives the score without a grade: no band, no pass or fail. to_json() and
html() list every mutant with its status, diff and diagnosed signature; the HTML file is one
page with inline CSS and no external assets (mutmut 3 has no HTML report). write_reports()
writes both, refusing any folder inside mutants/ (mutmut's own, emptied on every run).
What it is not for: running anything.
"""
from __future__ import annotations

import datetime
import html as html_escape
import json
import os
import pathlib
from typing import TYPE_CHECKING, Any

from katas.audit import equivalence
from katas.audit.mutants import Mutant

if TYPE_CHECKING:
    from katas.audit.runner import Audit

FORMAT_VERSION = 1
JSON_NAME = "mutation-audit.json"
HTML_NAME = "mutation-audit.html"
STRYKER_NAME = "mutation-testing-report.json"  # the mutation-testing-elements schema (Stryker's report)
NOT_MUTATED = ("mutmut 3 never mutates `@` or `.T` (it has no operator for them), so no mutant here transposes "
               "anything: transpose bugs come only from the hand-written cards.")


def percent(value: float | None) -> str:
    return "n/a" if value is None else "%.1f%%" % value


def stale(audit: Audit) -> bool:
    """True when the equivalence register is stale: then the audit gives no grade."""
    return bool(audit.register_problems) or not audit.score.graded


def files_text(audit: Audit) -> str:
    """The mutated files, as every report names what was audited."""
    return ", ".join(audit.files) or "(no mutants)"


def register_name(audit: Audit) -> str:
    """The register file, relative to the project root when it lies inside it."""
    if audit.register_path is None:
        return "the equivalence register"
    path = pathlib.Path(audit.register_path)
    try:
        return path.resolve().relative_to(audit.settings.root).as_posix()
    except ValueError:
        return str(path)


def register_error_title(audit: Audit) -> str:
    return "EQUIVALENCE REGISTER ERROR: %s is stale, so this audit gives no grade" % register_name(audit)


def score_line(audit: Audit) -> str:
    s, t = audit.score, audit.settings.thresholds
    fraction = "%d killed / (%d mutants - %d equivalent) = %s" % (s.killed, s.total, s.equivalent,
                                                                  percent(s.percent))
    if stale(audit):
        return "mutation score not graded: the equivalence register is stale (see the error above). Without " \
               "its stale entries: %s, with no band until the register is fixed" % fraction
    return "mutation score: %s [%s; high >= %g%%, low < %g%%, break < %g%%]" % (
        fraction, s.band, t["high"], t["low"], t["break"])


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def text(audit: Audit) -> str:
    """The terminal report, as one string."""
    s = audit.score
    sec = audit.seconds
    timing = ", ".join("%s %.1f s" % (k, v) for k, v in sec.items() if k != "total")
    lines = []
    if stale(audit):
        rule = "!" * 100
        lines += [rule, register_error_title(audit) + ":"]
        lines += ["  - %s" % problem for problem in audit.register_problems]
        lines += ["fix the register and run the audit again; until then `kata audit` exits 2", rule, ""]
    lines += ["mutation audit of %s: %d mutants, mutmut %s with %d workers, %.1f s in all (%s)" % (
        files_text(audit), s.total, audit.mutmut_version, audit.max_children, sec.get("total", 0.0), timing), ""]
    lines.append("%-22s %6s" % ("status", "count"))
    for status, count in s.counts.items():
        if count or status in ("killed", "survived", "timeout", "suspicious", "no tests", "skipped"):
            lines.append("%-22s %6d" % (status, count))
    lines.append("%-22s %6d  (of the mutants not killed)" % ("registered equivalent", s.equivalent))
    lines += ["", score_line(audit), ""]
    lines += breakdown_lines(audit) + [""]
    survivors = [m for m in audit.mutants if m.status != "killed" and not registered(m)]
    if survivors:
        lines.append("%d mutants not killed (each is a gap in the checks until shown equivalent):" % len(survivors))
        for m in survivors:
            lines.append("  %s  [%s] in %s() at %s:%d%s" % (
                m.name, m.status, m.function, m.path, m.line, signature_note(m)))
            lines.append(indent(m.diff))
            lines.append("    a probe or a test that kills it makes the checks stronger; only if no input can tell it "
                         "from the original, register it:")
            lines.append(indent(equivalence.entry_text(m), "      "))
    else:
        lines.append("no survivors: every mutant not registered as equivalent is killed by the tests")
    equivalent = [m for m in audit.mutants if registered(m)]
    if equivalent:
        lines += ["", "registered equivalent (shown, excluded from the score):"]
        for m in equivalent:
            lines.append("  %s  [%s] %s" % (m.name, m.status, m.short))
            lines.append("    reason: %s" % m.equivalent)
    if audit.census:
        killed = sum(audit.census.values())
        lines += ["", "signature census of the %d killed mutants (what diagnose says of each), beside the "
                  "signatures the hand-written cards expect:" % killed,
                  "  %-20s %7s %7s" % ("signature", "mutants", "cards")]
        for signature in list(audit.census) + [s for s in audit.cards if s not in audit.census]:
            lines.append("  %-20s %7d %7d" % (signature, audit.census.get(signature, 0), audit.cards.get(signature, 0)))
        only_cards = [s for s in audit.cards if s not in audit.census]
        if only_cards:
            lines.append("only the hand-written cards produce: %s" % ", ".join(only_cards))
        blind = [m for m in audit.mutants if m.status == "killed" and m.diagnosis
                 and m.diagnosis.get("signature") == "ok"]
        if blind:
            lines.append("killed by the tests but diagnosed ok (the diagnoser's probes cannot see these):")
            for m in blind:
                lines.append("  %s  %s" % (m.name, m.short))
    if "domain" not in audit.sources:
        lines += ["", NOT_MUTATED]
    return "\n".join(lines)


def breakdown_lines(audit: Audit) -> list[str]:
    """The score per source of mutants and per operator, so "mutmut 100%, transposes 100%, cache
    swaps 97%" reads at a glance."""
    lines = []
    for title, key in (("source", lambda m: m.kind), ("operator", lambda m: "%s: %s" % (m.kind, m.operator))):
        scores = audit.breakdown(key)
        if len(scores) < 2 and title == "source":
            continue
        lines.append("%-42s %7s %7s %7s %8s" % ("by " + title, "mutants", "killed", "equiv.", "score"))
        for name, score in scores.items():
            lines.append("%-42s %7d %7d %7d %8s" % (name, score.total, score.killed, score.equivalent,
                                                     percent(score.percent)))
        lines.append("")
    return lines[:-1]


def registered(mutant: Mutant) -> bool:
    """A mutant the register marks equivalent; a killed one never is (it counts as killed)."""
    return mutant.equivalent is not None and mutant.status != "killed"


def signature_note(mutant: Mutant) -> str:
    d = mutant.diagnosis
    if not d:
        return ""
    return "; diagnose says %s" % (d.get("signature") or d.get("error"))


def to_json(audit: Audit) -> dict[str, Any]:
    """The JSON report as a dict: summary, census and every mutant.

    With a stale register, graded is false, band and passed_break are null, register_problems
    says why, and score is the one computed without the stale entries (score_line says so).
    """
    s = audit.score
    graded = not stale(audit)
    return {
        "format_version": FORMAT_VERSION,
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "mutmut_version": audit.mutmut_version,
        "max_children": audit.max_children,
        "mutated_files": audit.files,
        "source_paths": audit.settings.source_paths,
        "test_selection": audit.settings.test_selection,
        "thresholds": audit.settings.thresholds,
        "graded": graded,
        "score": s.score,
        "score_percent": s.percent,
        "band": s.band if graded else None,
        "passed_break": s.passed if graded else None,
        "score_line": score_line(audit),
        "register": register_name(audit),
        "register_stale": not graded,
        "total": s.total,
        "killed": s.killed,
        "equivalent": s.equivalent,
        "counts": dict(s.counts),
        "census": dict(audit.census),
        "register_problems": list(audit.register_problems),
        "seconds": {k: round(v, 2) for k, v in audit.seconds.items()},
        "not_mutated": NOT_MUTATED if "domain" not in audit.sources else None,
        "sources": audit.sources,
        "by_source": {name: score_dict(score) for name, score in audit.breakdown(lambda m: m.kind).items()},
        "by_operator": {name: score_dict(score) for name, score in
                        audit.breakdown(lambda m: "%s: %s" % (m.kind, m.operator)).items()},
        "mutants": [m.to_dict() for m in audit.mutants],
    }


def score_dict(score: Any) -> dict[str, Any]:
    return {"total": score.total, "killed": score.killed, "equivalent": score.equivalent,
            "score_percent": score.percent}


# mutation-testing-elements (Stryker's report and dashboard): status of each of ours.
STRYKER_STATUS = {"killed": "Killed", "survived": "Survived", "timeout": "Timeout", "no tests": "NoCoverage",
                  "suspicious": "RuntimeError", "segfault": "RuntimeError", "caught by type check": "CompileError",
                  "skipped": "Ignored", "interrupted": "Pending", "not checked": "Pending"}


def location(mutant: Mutant) -> tuple[dict[str, Any], str]:
    """The mutant's span in the original file (1-based lines and columns, end exclusive) and its
    replacement text, from its changed lines: on one line, the part between what they share."""
    before, after = list(mutant.before), list(mutant.after)
    if len(before) == 1 and len(after) == 1:
        old, new = before[0], after[0]
        prefix = len(os.path.commonprefix([old, new]))
        suffix = len(os.path.commonprefix([old[prefix:][::-1], new[prefix:][::-1]]))
        start, end = prefix, len(old) - suffix
        return ({"start": {"line": mutant.line, "column": start + 1}, "end": {"line": mutant.line, "column": end + 1}},
                new[prefix:len(new) - suffix])
    last = before[-1] if before else ""
    end_line = mutant.line + max(len(before), 1) - 1
    return ({"start": {"line": mutant.line, "column": 1}, "end": {"line": end_line, "column": len(last) + 1}},
            "\n".join(after))


def stryker(audit: Audit) -> dict[str, Any]:
    """The audit in the mutation-testing-elements JSON schema (version 2), which Stryker's HTML report
    and dashboard read: every file's source and mutants, mutatorName the domain operator's name or
    mutmut's kind of edit, a registered equivalent Ignored with its reason, the diagnosis in description."""
    files: dict[str, Any] = {}
    for mutant in audit.mutants:
        entry = files.get(mutant.path)
        if entry is None:
            try:
                source = (audit.settings.root / mutant.path).read_text(encoding="utf-8")
            except OSError:
                source = ""
            entry = files[mutant.path] = {"language": "python", "source": source, "mutants": []}
        where, replacement = location(mutant)
        status = "Ignored" if registered(mutant) else STRYKER_STATUS.get(mutant.status, "RuntimeError")
        diagnosis = mutant.diagnosis or {}
        description = "%s mutant %s: %s" % (mutant.kind, mutant.name, mutant.change)
        if diagnosis.get("signature"):
            description += "; diagnosed %s%s" % (diagnosis["signature"], (
                " (%s)" % ", ".join(diagnosis["params"]) if diagnosis.get("params") else ""))
        item: dict[str, Any] = {"id": mutant.name, "mutatorName": "%s:%s" % (mutant.kind, mutant.operator or "other"),
                                "replacement": replacement, "location": where, "status": status,
                                "description": description}
        if registered(mutant):
            item["statusReason"] = "registered equivalent: %s" % mutant.equivalent
        if mutant.duration is not None:
            item["duration"] = round(1000.0 * mutant.duration, 1)
        entry["mutants"].append(item)
    t = audit.settings.thresholds
    return {"schemaVersion": "2", "thresholds": {"high": int(t["high"]), "low": int(t["low"])},
            "projectRoot": str(audit.settings.root), "files": files,
            "framework": {"name": "backprop-kata audit", "version": str(FORMAT_VERSION)}}


CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; }
pre { margin: 0; font-size: 0.85em; white-space: pre-wrap; }
.del { color: #a00; } .add { color: #070; } .hunk { color: #777; }
.killed { background: #e3f6e3; } .survived, .timeout, .suspicious, .segfault { background: #fbe0e0; }
.equivalent { background: #eeeeee; } .other { background: #fff4d6; }
.band-high { color: #070; } .band-medium { color: #b60; } .band-low, .band-none { color: #a00; }
.error { color: #a00; font-weight: bold; }
"""


def diff_html(diff: str) -> str:
    out = []
    for line in diff.splitlines():
        if line.startswith(("---", "+++")):
            continue
        cls = "del" if line.startswith("-") else "add" if line.startswith("+") else "hunk" if line.startswith(
            "@@") else ""
        escaped = html_escape.escape(line)
        out.append('<span class="%s">%s</span>' % (cls, escaped) if cls else escaped)
    return "<pre>%s</pre>" % "\n".join(out)


def row_class(mutant: Mutant) -> str:
    if registered(mutant):
        return "equivalent"
    if mutant.status in ("killed", "survived", "timeout", "suspicious", "segfault"):
        return mutant.status
    return "other"


def html(audit: Audit) -> str:
    """The HTML report: one self-contained page."""
    e = html_escape.escape
    s = audit.score
    graded = not stale(audit)
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>Mutation audit of %s: %s</title>" % (
                 e(files_text(audit)), e(percent(s.percent) if graded else "not graded, the register is stale")),
             "<style>%s</style></head><body>" % CSS,
             "<h1>Mutation audit of %s</h1>" % e(files_text(audit))]
    if not graded:
        parts.append('<div class="error" id="register-error"><p>%s:</p><ul>' % e(register_error_title(audit)))
        parts += ["<li>%s</li>" % e(problem) for problem in audit.register_problems]
        parts.append("</ul><p>Fix the register and run the audit again; until then <code>kata audit</code> "
                     "exits 2.</p></div>")
    parts += ['<p class="band-%s"><strong>%s</strong></p>' % (e(s.band or "none") if graded else "none",
                                                              e(score_line(audit))),
              "<p>mutmut %s, %d workers, %.1f s in all. Tests: %s.</p>" % (
                  e(str(audit.mutmut_version)), audit.max_children, audit.seconds.get("total", 0.0),
                  e(" ".join(audit.settings.test_selection)))]
    if "domain" not in audit.sources:
        parts.append("<p>%s</p>" % e(NOT_MUTATED))
    for title, scores in (("Score by source", audit.breakdown(lambda m: m.kind)),
                          ("Score by operator", audit.breakdown(lambda m: "%s: %s" % (m.kind, m.operator)))):
        parts.append("<h2>%s</h2><table><tr><th>%s</th><th>mutants</th><th>killed</th><th>equivalent</th>"
                     "<th>score</th></tr>" % (e(title), e(title.split()[-1])))
        for name, score in scores.items():
            parts.append('<tr><td>%s</td><td class="num">%d</td><td class="num">%d</td><td class="num">%d</td>'
                         '<td class="num">%s</td></tr>' % (e(name), score.total, score.killed, score.equivalent,
                                                           e(percent(score.percent))))
        parts.append("</table>")
    parts.append("<h2>Counts by status</h2><table><tr><th>status</th><th>count</th></tr>")
    for status, count in s.counts.items():
        parts.append('<tr><td>%s</td><td class="num">%d</td></tr>' % (e(status), count))
    parts.append('<tr><td>registered equivalent (of the mutants not killed)</td><td class="num">%d</td></tr>'
                 '</table>' % s.equivalent)
    if audit.census:
        parts.append("<h2>Signature census of the killed mutants</h2><table><tr><th>signature</th>"
                     "<th>killed mutants</th><th>hand-written cards</th></tr>")
        for signature in list(audit.census) + [s for s in audit.cards if s not in audit.census]:
            parts.append('<tr><td>%s</td><td class="num">%d</td><td class="num">%d</td></tr>' % (
                e(signature), audit.census.get(signature, 0), audit.cards.get(signature, 0)))
        parts.append("</table>")
        blind = [m for m in audit.mutants if m.status == "killed" and m.diagnosis
                 and m.diagnosis.get("signature") == "ok"]
        if blind:
            parts.append("<p>Killed by the tests but diagnosed ok (the diagnoser's probes cannot see these): %s</p>"
                         % ", ".join('<a href="#%s">%s</a>' % (e(m.name), e(m.name)) for m in blind))
    parts.append("<h2>Every mutant</h2>")
    parts.append(filters(audit))
    parts.append('<table id="mutants"><thead><tr><th data-key="0">mutant</th><th data-key="1">status</th>'
                 '<th data-key="2">source</th><th data-key="3">operator</th><th data-key="4">where</th><th>diff</th>'
                 '<th data-key="6">diagnosed signature</th></tr></thead><tbody>')
    for m in audit.mutants:
        d = m.diagnosis or {}
        signature = d.get("signature") or d.get("error") or "-"
        shown = signature + (" (%s)" % ", ".join(d["params"]) if d.get("params") else "")
        status = e(m.status) + ("<br>equivalent: %s" % e(m.equivalent or "") if registered(m) else "")
        parts.append('<tr class="%s" id="%s" data-status="%s" data-operator="%s" data-signature="%s"><td>%s</td>'
                     '<td>%s</td><td>%s</td><td>%s</td><td>%s()<br>%s:%d</td><td>%s</td><td>%s</td></tr>'
                     % (row_class(m), e(m.name), e("equivalent" if registered(m) else m.status),
                        e("%s: %s" % (m.kind, m.operator)), e(signature), e(m.name), status, e(m.kind),
                        e(m.operator or "-"), e(m.function), e(m.path), m.line, diff_html(m.diff), e(shown)))
    parts.append("</tbody></table><script>%s</script></body></html>" % SCRIPT)
    return "\n".join(parts)


def filters(audit: Audit) -> str:
    """Three selects over the mutant table: status, operator, diagnosed signature (script: SCRIPT)."""
    e = html_escape.escape
    options = {
        "status": sorted({"equivalent" if registered(m) else m.status for m in audit.mutants}),
        "operator": sorted({"%s: %s" % (m.kind, m.operator) for m in audit.mutants}),
        "signature": sorted({(m.diagnosis or {}).get("signature") or (m.diagnosis or {}).get("error") or "-"
                             for m in audit.mutants}),
    }
    out = ['<p class="filters">']
    for name, values in options.items():
        out.append('<label>%s <select data-filter="%s"><option value="">all</option>%s</select></label> ' % (
            e(name), e(name), "".join('<option value="%s">%s</option>' % (e(v), e(v)) for v in values)))
    out.append('<span id="shown"></span> (click a column heading to sort)</p>')
    return "".join(out)


# Filtering by the selects and sorting by a clicked heading, for the mutant table; no library.
SCRIPT = """
(function () {
  var table = document.getElementById('mutants'), body = table.tBodies[0];
  var selects = document.querySelectorAll('select[data-filter]'), shown = document.getElementById('shown');
  function apply() {
    var count = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var ok = Array.prototype.every.call(selects, function (s) {
        return !s.value || row.getAttribute('data-' + s.getAttribute('data-filter')) === s.value;
      });
      row.style.display = ok ? '' : 'none';
      if (ok) { count += 1; }
    });
    shown.textContent = count + ' of ' + body.rows.length + ' mutants shown';
  }
  Array.prototype.forEach.call(selects, function (s) { s.addEventListener('change', apply); });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
    if (!cell.hasAttribute('data-key')) { return; }
    cell.style.cursor = 'pointer';
    cell.addEventListener('click', function () {
      var key = +cell.getAttribute('data-key'), down = cell.getAttribute('data-down') !== 'true';
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[key].textContent, y = b.cells[key].textContent;
        return (x < y ? -1 : x > y ? 1 : 0) * (down ? 1 : -1);
      });
      cell.setAttribute('data-down', down);
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  apply();
})();
"""


def check_out_dir(folder: str | os.PathLike[str]) -> pathlib.Path:
    """Refuse a report folder inside (or named) mutants/: mutmut owns and rewrites it."""
    resolved = pathlib.Path(folder).resolve()
    if "mutants" in resolved.parts:
        raise ValueError("%s is inside a mutants/ folder, which mutmut owns: write the reports elsewhere" % folder)
    return resolved


def write_reports(audit: Audit, folder: str | os.PathLike[str] = ".") -> tuple[pathlib.Path, pathlib.Path]:
    """Write the JSON and HTML reports and the mutation-testing-elements file into folder; return the
    JSON and HTML reports' paths (the third is STRYKER_NAME beside them)."""
    folder = check_out_dir(folder)
    folder.mkdir(parents=True, exist_ok=True)
    json_path, html_path = folder / JSON_NAME, folder / HTML_NAME
    json_path.write_text(json.dumps(to_json(audit), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    html_path.write_text(html(audit), encoding="utf-8")
    (folder / STRYKER_NAME).write_text(json.dumps(stryker(audit), indent=1, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    return json_path, html_path
