"""Re-paste the outputs quoted in docs/follow-ups.md and docs/debugging.md from the real commands.

What it is for: every output block of those pages is marked with the command that printed it,

    <!-- generated: kata demo depth -->
    ```text
    ...
    ```

and `python docs/regenerate.py` runs each command and writes its output into the fence below the
marker (an unfenced output, such as the benchmark's tables, runs up to `<!-- end generated -->`).
`--check` writes nothing: it compares each block with a fresh run on what carries over from one
machine to another (see `stable`), and exits 1 on a difference. The digits of a round-off-level
number depend on the machine's BLAS; its order of magnitude, the signatures, the factors and
the verdicts do not. tests/docs/test_regenerate.py runs `--check` on the fast commands.
What it is not for: the pictures (docs/follow-ups.md, "Reproducing every figure": a `--plot
PATH` here writes to a scratch folder and the output names PATH), or the README.

The commands a marker may name:

- `kata ARGS`, joined by `&&`, with `KATA_SEED=0` and the like in front: the kata CLI, run in this
  process in a fresh scratch folder (its workspace is ./workspace there); only the last command's
  output is pasted. `fix ID` among them writes the kata's file with its card's edits undone, as
  a learner who fixed it would have it.
- `diagnose CARD-OR-FILE [--network NAME] [--hidden-layers K]`: diagnose(loss, seed=0).text() of
  a bug card's network (by id) or of a file's `loss` (a path from the repository's root;
  `FILE::NAME` for another function of the file);
  `diagnose --network NAME --diff-above` takes the reference network with the unified diff of the
  ```diff fence above the marker applied (tests/docs/test_walkthroughs.py checks those blocks).
- `python snippet`: the ```python fence above the marker, run from the repository's root.
- `python benchmarks/NAME.py ARGS`: that script, in a process of its own (slow: only with --slow).

A command may end in filters: `| paragraphs 1,3` keeps those blank-line-separated paragraphs,
`| lines 1..16,-1` those lines (1-based, negative from the end), writing `...` where lines were
left out. Commands joined by ` ; ` paste their outputs one after the other, a blank line apart.
A block whose first line is `$ COMMAND` keeps that prompt line.

    python docs/regenerate.py                 # rewrite every fast block of both pages
    python docs/regenerate.py --slow          # and the slow ones (about two minutes)
    python docs/regenerate.py --check         # compare, write nothing; exit 1 on a difference
"""
from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import pathlib
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGES = ("docs/follow-ups.md", "docs/debugging.md")
MARKER = re.compile(r"^<!-- generated: (?P<command>.*?) -->$")
END = "<!-- end generated -->"
# Commands that take more than a few seconds: regenerated only with --slow, and never checked.
SLOW = ("python benchmarks/", "kata demo kink --mc-eps 1e-5 --seeds 2000")
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+(?:,\d{3})+|\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w])")


@dataclass
class Block:
    """One generated block: where its marker and content are, and what it holds."""

    page: str
    command: str
    marker: int  # the marker's line index
    start: int  # the first line of content
    end: int  # one past the last line of content
    fenced: bool
    lines: list[str]

    @property
    def slow(self) -> bool:
        return self.command.startswith(SLOW)


def blocks(page: str, text: str) -> Iterator[Block]:
    """Every marked block of a page's text, in order."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        found = MARKER.match(line)
        if not found:
            continue
        command = found.group("command")
        if i + 1 < len(lines) and lines[i + 1].startswith("```"):
            end = lines.index("```", i + 2)
            yield Block(page, command, i, i + 2, end, True, lines[i + 2:end])
        else:
            end = lines.index(END, i + 1)
            start = i + 2 if lines[i + 1] == "" else i + 1
            stop = end - 1 if lines[end - 1] == "" else end
            yield Block(page, command, i, start, stop, False, lines[start:stop])


def fence_above(lines: list[str], index: int, language: str) -> str:
    """The content of the last ```language fence that closes before line index."""
    closing = max(i for i in range(index) if lines[i] == "```" and any(
        lines[j] == "```" + language for j in range(i)))
    opening = max(i for i in range(closing) if lines[i] == "```" + language)
    return "\n".join(lines[opening + 1:closing]) + "\n"


@contextlib.contextmanager
def scratch(environment: dict[str, str]) -> Iterator[pathlib.Path]:
    """A fresh current folder and these environment variables, for the time of one command."""
    saved_cwd, saved_env = os.getcwd(), dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="kata-docs-") as folder:
        for name in [name for name in os.environ if name.startswith("KATA_")]:
            del os.environ[name]
        os.environ.update(environment)
        os.chdir(folder)
        try:
            yield pathlib.Path(folder)
        finally:
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)


def captured(function, *args) -> str:  # type: ignore[no-untyped-def]
    """What function(*args) prints on standard output."""
    stream = io.StringIO()
    with contextlib.redirect_stdout(stream):
        function(*args)
    return stream.getvalue()


def run_kata(command: str) -> str:
    """`A=1 kata X && fix ID && kata Y`: each step in one scratch folder; the last one's output."""
    from katas import catalogue
    from katas.cli import main
    from katas.learner import katafile, workspace

    steps = [shlex.split(step) for step in command.split("&&")]
    environment: dict[str, str] = {}
    output = ""
    with scratch({}) as folder:
        for words in steps:
            while words and re.match(r"^[A-Z_]+=", words[0]):
                name, value = words.pop(0).split("=", 1)
                environment[name] = value
            os.environ.update(environment)
            if words[0] == "fix":
                card = catalogue.find_card(words[1])
                ws = workspace.Workspace(folder / "workspace")
                path = ws.kata_path(card)
                source = katafile.render_solution(card)  # the same file with the reference's code
                path.write_text(source, encoding="utf-8")
                output = ""
                continue
            assert words[0] == "kata", "a kata step starts with kata or fix: %r" % command
            argv, plot = plot_to_scratch(words[1:], folder)
            output = captured(main, argv)
            if plot is not None:
                output = output.replace(str(folder / "plot.png"), plot)
    return output


def plot_to_scratch(argv: list[str], folder: pathlib.Path) -> tuple[list[str], str | None]:
    """argv with `--plot PATH` pointed into folder, and PATH (None when there is none)."""
    if "--plot" in argv:
        i = argv.index("--plot")
        if i + 1 < len(argv) and not argv[i + 1].startswith("-"):
            return argv[:i + 1] + [str(folder / "plot.png")] + argv[i + 2:], argv[i + 1]
    return argv, None


def run_diagnose(words: list[str], lines: list[str], marker: int) -> str:
    """diagnose(loss, seed=0).text() of a card, a file's loss, or the reference with the diff above."""
    from katas import catalogue
    from reference import diagnose

    parser = argparse.ArgumentParser(prog="diagnose")
    parser.add_argument("what", nargs="?")
    parser.add_argument("--network", default=None)
    parser.add_argument("--hidden-layers", type=int, default=1)
    parser.add_argument("--diff-above", action="store_true")
    args = parser.parse_args(words)
    if args.diff_above:
        network = args.network
        diff = fence_above(lines, marker, "diff").splitlines()
        removed = "\n".join(line[1:] for line in diff if line.startswith("-")) + "\n"
        added = "\n".join(line[1:] for line in diff if line.startswith("+")) + "\n"
        source = catalogue.reference_source(network)
        assert source.count(removed) == 1, "the diff above the marker must match %s exactly once" % network
        loss = catalogue.load_module(source.replace(removed, added), "docs_" + network, "<docs>").loss
        hidden_layers = args.hidden_layers
    elif (ROOT / args.what.split("::")[0]).is_file():
        path = ROOT / args.what.split("::")[0]
        module = catalogue.load_module(path.read_text(encoding="utf-8"), "docs_" + path.stem, str(path))
        loss = getattr(module, args.what.split("::")[1] if "::" in args.what else "loss")
        network, hidden_layers = args.network or "net", args.hidden_layers
    else:
        card = catalogue.find_card(args.what)
        loss = catalogue.variant(card).loss
        network, hidden_layers = card.network, card.hidden_layers
    return diagnose.diagnose(loss, network=network, hidden_layers=hidden_layers, seed=0).text() + "\n"


def run_snippet(lines: list[str], marker: int) -> str:
    code = fence_above(lines, marker, "python")
    saved = os.getcwd()
    os.chdir(ROOT)
    try:
        return captured(exec, compile(code, "<snippet>", "exec"), {"__name__": "__snippet__"})
    finally:
        os.chdir(saved)


def run_script(words: list[str]) -> str:
    with tempfile.TemporaryDirectory(prefix="kata-docs-") as folder:
        argv, plot = plot_to_scratch(words[1:], pathlib.Path(folder))
        output = subprocess.run([sys.executable] + argv, cwd=ROOT, check=True, capture_output=True,
                                text=True).stdout
        return output if plot is None else output.replace(str(pathlib.Path(folder) / "plot.png"), plot)


def filtered(output: str, spec: str) -> str:
    """output through one filter: `paragraphs 1,3` or `lines 1..16,-1`."""
    kind, _, numbers = spec.strip().partition(" ")
    if kind == "paragraphs":
        paragraphs = output.strip("\n").split("\n\n")
        return "\n\n".join(paragraphs[int(n) - 1] for n in numbers.split(",")) + "\n"
    assert kind == "lines", "unknown filter %r" % spec
    lines = output.rstrip("\n").split("\n")
    kept: list[int] = []
    for item in numbers.split(","):
        first, _, last = item.partition("..")
        a = int(first) - 1 if int(first) > 0 else len(lines) + int(first)
        b = (int(last) if int(last) > 0 else len(lines) + int(last) + 1) if last else a + 1
        kept.extend(i for i in range(a, b) if 0 <= i < len(lines))
    result, previous = [], -1
    for index in kept:
        if index != previous + 1:
            result.append("...")
        result.append(lines[index])
        previous = index
    if previous != len(lines) - 1:
        result.append("...")
    return "\n".join(result) + "\n"


def output_of(command: str, lines: list[str], marker: int) -> str:
    """The output of a marker's command (commands joined by ' ; ', each with its filters)."""
    outputs = []
    for one in command.split(" ; "):
        command_text, *filters = one.split(" | ")
        words = shlex.split(command_text)
        kata = [w for w in words if not re.match(r"^[A-Z_]+=", w)]
        if kata[0] in ("kata", "fix"):
            output = run_kata(command_text)
        elif words[0] == "diagnose":
            output = run_diagnose(words[1:], lines, marker)
        elif words[:2] == ["python", "snippet"]:
            output = run_snippet(lines, marker)
        elif words[0] == "python" and words[1].startswith("benchmarks/"):
            output = run_script(words)
        else:
            raise ValueError("%s: no such generated command" % command)
        for spec in filters:
            output = filtered(output, spec)
        outputs.append(output.rstrip("\n"))
    return "\n\n".join(outputs)


def fresh_lines(block: Block, text_lines: list[str]) -> list[str]:
    fresh = output_of(block.command, text_lines, block.marker).split("\n")
    if block.lines and block.lines[0].startswith("$ "):
        fresh = [block.lines[0]] + fresh
    return fresh


# --- what carries over from one machine to another ---------------------------------------------

def magnitude(token: str) -> tuple[int, int | None]:
    """(sign, floor(log10 |x|)) of a number token; None for zero."""
    value = float(token.replace(",", ""))
    if value == 0 or math.isnan(value):
        return 0, None
    return (1 if value > 0 else -1), math.floor(math.log10(abs(value)))


def stable(line: str) -> tuple[str, list[str]]:
    """A line's words with each number replaced by #, whitespace collapsed; and its numbers."""
    numbers = NUMBER.findall(line)
    skeleton = " ".join(NUMBER.sub("#", line).split())
    return skeleton, numbers


def differences(pasted: list[str], fresh: list[str]) -> list[str]:
    """Where two outputs differ in what is stable: the words (signatures, verdicts, every sentence
    without its numbers), the count of lines and numbers, each number's sign, zero or not, and its
    order of magnitude within one decade (a number at a decade's edge, or at round-off, prints on
    either side of it). Empty when they agree."""
    found = []
    if len(pasted) != len(fresh):
        found.append("%d lines pasted, %d now" % (len(pasted), len(fresh)))
    for number, (old, new) in enumerate(zip(pasted, fresh, strict=False), 1):
        (old_words, old_numbers), (new_words, new_numbers) = stable(old), stable(new)
        if old_words != new_words or len(old_numbers) != len(new_numbers):
            found.append("line %d:\n  pasted: %s\n  now:    %s" % (number, old, new))
            continue
        for a, b in zip(old_numbers, new_numbers, strict=True):
            (sign_a, exp_a), (sign_b, exp_b) = magnitude(a), magnitude(b)
            if sign_a != sign_b or (exp_a is None) != (exp_b is None) or (
                    exp_a is not None and exp_b is not None and abs(exp_a - exp_b) > 1):
                found.append("line %d: %s pasted, %s now\n  now: %s" % (number, a, b, new))
    return found


def regenerate(pages: tuple[str, ...] = PAGES, check: bool = False, slow: bool = False,
               skip: tuple[str, ...] = ()) -> list[str]:
    """Rewrite (or, with check, compare) every block; return the differences found in check mode."""
    report = []
    for page in pages:
        path = ROOT / page
        text = path.read_text(encoding="utf-8")
        text_lines = text.split("\n")
        found = list(blocks(page, text))
        for block in reversed(found):  # from the end, so earlier line numbers stay right
            if (block.slow and not slow) or any(part in block.command for part in skip):
                continue
            fresh = fresh_lines(block, text_lines)
            if check:
                for difference in differences(block.lines, fresh):
                    report.append("%s, `%s`: %s" % (page, block.command, difference))
            else:
                content = fresh if block.fenced else [""] + fresh + [""]
                start = block.start if block.fenced else block.marker + 1
                end = block.end if block.fenced else text_lines.index(END, block.marker)
                text_lines[start:end] = content
        if not check:
            path.write_text("\n".join(text_lines), encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare what is stable; write nothing")
    parser.add_argument("--slow", action="store_true", help="also the slow commands (regenerating only)")
    parser.add_argument("pages", nargs="*", default=list(PAGES), help="the pages (default: both)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    report = regenerate(tuple(args.pages), check=args.check, slow=args.slow and not args.check)
    for line in report:
        print(line)
    if args.check:
        print("%d differences" % len(report) if report else "every generated block agrees")
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())
