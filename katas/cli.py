"""The `kata` command line: argument parsing and dispatch only.

Each command is its own module in katas/commands/ with two functions: register(subparsers),
which adds its parser (its help text is the module's first docstring line), and run(args),
which does the work and returns the exit code.
"""
import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from katas.evaluator import launch

# Command modules, in the order `kata --help` lists them.
COMMANDS = (
    "list",
    "start",
    "check",
    "hint",
    "watch",
    "reset",
    "solution",
    "gradcheck",
    "cards",
    "demo",
    "audit",
    "grade",
    "dev",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kata",
        description="backprop-kata: learn and audit backpropagation on a two-layer network.",
    )
    # also accepted after the command; a subparser's own default would overwrite this dest, hence its own name
    parser.add_argument("--workspace", dest="global_workspace", metavar="DIR", default=None,
                        help="the workspace folder of the learner commands (also accepted after the command)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module("katas.commands." + name)
        subparser = module.register(subparsers)
        subparser.set_defaults(run=module.run, command_parser=subparser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    launch.start_early(argv)  # check and watch: the evaluator starts while the rest is imported
    try:
        return dispatch(argv)
    finally:
        launch.close_early()


def dispatch(argv: list[str]) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        # Arguments the command does not take: its own usage line says what it does take
        # (`kata check a b` shows `usage: kata check ...`, not the list of every command).
        (getattr(args, "command_parser", None) or parser).error("unrecognized arguments: %s" % " ".join(extra))
    if not hasattr(args, "run"):
        args = parser.parse_args(["list"])  # plain `kata` shows the curriculum and your progress
    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader went away (kata list | head): stop quietly, as other command-line tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
