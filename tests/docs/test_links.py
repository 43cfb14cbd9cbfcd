"""Every relative link of README.md and docs/*.md reaches a file, and its #anchor a heading there.

The README points each audience to its own page (docs/learners.md, docs/instructors.md,
docs/auditors.md) and the pages point back and at each other; a heading renamed or a section
moved must not leave a link behind. Anchors are GitHub's: the heading lowercased, punctuation
other than - and _ dropped, spaces made -.
"""
import re

import pytest

from tests import ROOT

PAGES = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(text):
    """GitHub's anchor for every heading of a markdown text (outside code fences)."""
    found, fenced = set(), False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,6} ", line):
            heading = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", heading).replace(" ", "-"))
    return found


def links(page):
    text = page.read_text(encoding="utf-8")
    return [target for target in LINK.findall(text) if not re.match(r"[a-z]+:", target)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_reaches_its_file_and_heading(page):
    broken = []
    for target in links(page):
        path, _, anchor = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        if not destination.exists():
            broken.append("%s: no such file" % target)
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination.read_text(encoding="utf-8")):
            broken.append("%s: no such heading" % target)
    assert broken == []


def test_the_readme_sends_each_audience_to_its_own_page():
    targets = links(ROOT / "README.md")
    assert {"docs/learners.md", "docs/instructors.md", "docs/auditors.md"} <= set(targets)


def test_a_link_to_a_missing_heading_is_caught():
    assert "quickstart" in anchors((ROOT / "README.md").read_text(encoding="utf-8"))
    assert "no-such-section" not in anchors((ROOT / "README.md").read_text(encoding="utf-8"))
