"""`kata audit`: mutation-test the network with mutmut and report how many bugs the checks catch.

Runs `mutmut run` in a fresh temporary copy of the project (the working tree is left exactly
as it was, also on Ctrl-C), then prints the counts by status, the mutation score
killed / (total - equivalent) against the thresholds in [tool.backprop-kata.audit], every
survivor with its function and diff, the registered equivalent mutants
(katas/audit/equivalent_mutants.toml) and a census of diagnose's signatures over the killed
mutants. Writes mutation-audit.json and mutation-audit.html (every mutant with its status,
diff and diagnosed signature) to the current folder or --out. Exit code 0; 1 with --break
when the score is below the break threshold; 2 when the audit cannot be trusted (mutmut
failed, or an equivalence register entry matches no mutant or a killed one: then the report
opens with the register error and the score has no grade); 128 + the signal's number when
stopped by a signal: 130 for Ctrl-C (SIGINT), 143 for SIGTERM (a CI cancel), 129 for SIGHUP
(a closed terminal). Stopped any way, even killed, the audit ends mutmut and every worker it
started and removes its temporary copy (katas.audit.lifeline).
"""
import argparse
import sys
from collections.abc import Callable

from katas.audit import equivalence, lifeline, report as audit_report, runner
from katas.commands import argtypes

# The line `kata --help` shows; the module docstring is the long description.
HELP = "mutation-test the network with mutmut and report how many bugs the checks catch."


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("audit", help=HELP, description=__doc__)
    parser.add_argument("--break", dest="break_", action="store_true",
                        help="exit 1 when the score is below the break threshold of [tool.backprop-kata.audit]")
    parser.add_argument("--out", default=".", metavar="DIR",
                        help="folder for mutation-audit.json and mutation-audit.html (default: the current folder)")
    parser.add_argument("--root", default=None, metavar="DIR",
                        help="the project to audit (default: the checkout this package is installed from)")
    parser.add_argument("--max-children", type=argtypes.positive_int, default=None, metavar="N",
                        help="mutmut workers (default: the number of CPUs)")
    parser.add_argument("--register", default=str(equivalence.REGISTER_PATH), metavar="PATH",
                        help="the equivalence register (default: katas/audit/equivalent_mutants.toml)")
    parser.add_argument("--no-census", action="store_true", help="skip the signature census")
    parser.add_argument("--source", choices=runner.SOURCES + ("all",), default="all",
                        help="which mutants: mutmut's, the domain operators' (katas/audit/operators.py), or all "
                             "(default)")
    parser.add_argument("--file", action="append", default=None, metavar="PATH",
                        help="audit only this source file, e.g. reference/rnn.py (repeatable; default: every one)")
    parser.add_argument("--verbose", action="store_true", help="show mutmut's own output")
    return parser


def run(args: argparse.Namespace, out: Callable[[str], object] = print) -> int:
    with lifeline.stop_signals():
        try:
            return audit_and_report(args, out)
        except KeyboardInterrupt as stop:
            try:
                out("kata audit: interrupted (%s); mutmut is stopped, the temporary copy removed and the working "
                    "tree untouched" % lifeline.signal_name(stop))
            except OSError:
                pass  # the terminal is gone (SIGHUP): nobody reads it
            return lifeline.exit_code(stop)


def audit_and_report(args: argparse.Namespace, out: Callable[[str], object]) -> int:
    try:
        out_dir = audit_report.check_out_dir(args.out)
    except ValueError as exc:
        out("kata audit: %s" % exc)
        return 2
    if out_dir.exists() and not out_dir.is_dir():
        out("kata audit: --out %s is not a folder: give a folder for the reports (it is created if missing)"
            % args.out)
        return 2
    try:
        result = runner.run_audit(args.root or runner.default_root(), max_children=args.max_children,
                                 register_path=args.register, diagnose=not args.no_census, verbose=args.verbose,
                                 out=lambda line: (out(line), sys.stdout.flush()),
                                 sources=runner.SOURCES if args.source == "all" else (args.source,), files=args.file)
    except (runner.AuditError, equivalence.RegisterError) as exc:
        out("kata audit: %s" % exc)
        return 2
    out("")
    out(audit_report.text(result))
    try:
        json_path, html_path = audit_report.write_reports(result, out_dir)
    except OSError as exc:
        out("kata audit: cannot write the reports in %s (%s): pass --out with a folder you can write to" % (
            args.out, exc.strerror or exc))
        return 2
    out("")
    out("wrote %s and %s" % (json_path, html_path))
    if result.register_problems or not result.score.graded:
        out("kata audit: the equivalence register is stale (see the error at the top of the report), so the "
            "score is not graded: fix %s and run the audit again" % audit_report.register_name(result))
        return 2
    if args.break_ and not result.score.passed:
        out("kata audit: score %s is below the break threshold of %g%%" % (
            audit_report.percent(result.score.percent), result.settings.thresholds["break"]))
        return 1
    return 0
