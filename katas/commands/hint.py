"""`kata hint`: reveal the next hint of a kata; the hints already revealed stay visible.

Hints go from general to specific, and the last one is a question, not the answer. Each call
reveals one more and shows all revealed so far, also after the kata is solved. Without an
ID, the current kata.
"""
import argparse

from katas.commands import common

# The line `kata --help` shows; the module docstring is the long description.
HELP = "reveal the next hint of a kata; the hints already revealed stay visible."


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("hint", help=HELP, description=__doc__)
    parser.add_argument("id", nargs="?", help="the kata's id (default: the current kata)")
    common.add_workspace_argument(parser)
    return parser


def run(args: argparse.Namespace, out: common.Out = print) -> int:
    try:
        ws, card, _ = common.started_kata(args, out)
    except common.UsageError as exc:
        return common.fail(exc)
    for line in common.reveal(ws, card):
        out(line)
    common.show_warnings(ws)
    return 0
