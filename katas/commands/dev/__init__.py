"""`kata dev`: instructor commands: `kata dev check` validates the catalogue, `kata dev new` and `kata dev promote` add cards.

Each instructor command is its own module, katas/commands/dev/<name>.py, with
register(subparsers) and run(args), listed in DEV_COMMANDS in the order help shows them.
"""
import argparse
import importlib

# The line `kata --help` shows; the module docstring is the long description.
HELP = "instructor commands: `kata dev check` validates the catalogue, `kata dev new` and `kata dev promote` add cards."

# Instructor command modules (katas/commands/dev/<name>.py), in the order `kata dev --help` lists them.
DEV_COMMANDS = (
    "check",
    "new",
    "promote",
)


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("dev", help=HELP, description=HELP[0].upper() + HELP[1:])
    dev_subparsers = parser.add_subparsers(dest="dev_command", metavar="DEV_COMMAND")
    for name in DEV_COMMANDS:
        module = importlib.import_module("katas.commands.dev." + name)
        subparser = module.register(dev_subparsers)
        subparser.set_defaults(run=module.run, command_parser=subparser)
    parser.set_defaults(dev_parser=parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """`kata dev` alone: the list of instructor commands."""
    args.dev_parser.print_help()
    return 0
