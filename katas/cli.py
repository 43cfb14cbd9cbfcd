"""The `kata` command line: argument parsing and dispatch only; each command is its own module."""
import argparse
import sys


def build_parser():
    parser = argparse.ArgumentParser(
        prog="kata",
        description="backprop-kata: learn and audit backpropagation on a two-layer network.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gradcheck = commands.add_parser(
        "gradcheck", help="check the reference network's gradients against central differences")
    gradcheck.add_argument("--seed", type=int, default=0, help="seed of the toy problem (default 0)")
    gradcheck.add_argument("--eps", type=float, default=1e-5, help="finite-difference step (default 1e-5)")
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "gradcheck":
        from katas.commands import gradcheck
        return 0 if gradcheck.run(seed=args.seed, eps=args.eps) else 1
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
