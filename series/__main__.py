"""
python -m series <command>: edit, check and test the patch series.

  materialize  build the git repository of the series (tree/ by default)
  export       write the tree's commits back to patches/ (and timeline/)
  verify       materialize from scratch and check the round trip
  stat         count the lines of Django's code each patch changes
  test         run Django's suite on the series, on SQLite and PostgreSQL
  lint         black, isort and flake8 on what the series adds or changes
  docs         build Django's docs of the patched tree, warnings as errors
  bench        benchmark stock and patched Django's sync and async variants
  dep          render the DEP (deps/) with docutils, warnings as errors
  thirdparty   run packages' suites and async equivalence checks on both builds
  fix          state the fallbacks of one-sided overrides in a codebase
"""

import argparse
import contextlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import (
    ROOT,
    SeriesError,
    bench,
    checks,
    fix,
    patches,
    testing,
    thirdparty,
    upstream,
)

TREE = ROOT / "tree"


def materialize(args):
    tree = Path(args.tree)
    layers = patches.extras(timeline=args.timeline, series=args.series)
    if tree.exists():
        if leftovers := patches.unexported(tree):
            raise SeriesError(
                f"{tree} holds work not exported ({', '.join(leftovers)}): "
                "export it first, or delete the tree yourself to discard it."
            )
        shutil.rmtree(tree)
    patches.materialize(tree, extras=layers)
    counts = "".join(
        f", {len(patches.names(ROOT / layer))} of {layer}/" for layer in layers
    )
    print(
        f"{tree}: Django {upstream.version()} and {len(patches.names())} patches "
        f"on top{counts}. Commit your changes there (git rebase -i base to edit "
        "a patch), then run 'python -m series export'."
    )


def export(args):
    for layer, names in patches.export(args.tree):
        print(f"Exported {len(names)} patches to {layer}/:", *names, sep="\n  ")


def verify(args):
    if problems := patches.verify():
        print(*problems, sep="\n")
        return 1
    timeline = patches.releases()
    print(
        f"OK: the {len(patches.names())} patches apply in order to Django "
        f"{upstream.version()} and export to identical files"
        + (f", and so do those of timeline/ {', '.join(timeline)}" if timeline else "")
        + "".join(
            f", and those of {directory}/ on top"
            + (" of patches/ and of the timeline" if timeline else "")
            for directory in patches.others()
        )
        + "."
    )


def stat(args):
    if args.tree:
        figures = patches.stat(Path(args.tree))
    else:
        with _scratch_tree() as tree:
            figures = patches.stat(tree)
    print(
        "Lines of Django's code each patch changes (added and removed, in the "
        "sdist's files but tests/ and docs/):"
    )
    for number, (subject, lines) in enumerate(figures, 1):
        print(f"{lines:6}  {number:04} {subject}")
    total = sum(lines for _, lines in figures)
    print(f"{total:6}  total (limit: {patches.STAT_LIMIT})")
    if total > patches.STAT_LIMIT:
        print(
            f"error: the series changes {total} lines of Django's code, over "
            f"the issue's limit of {patches.STAT_LIMIT}.",
            file=sys.stderr,
        )
        return 1


def test(args):
    backends = testing.BACKENDS if args.backend == "all" else [args.backend]
    layers = patches.extras(timeline=args.timeline, series=args.series)
    if args.tree and layers:
        raise SeriesError("--tree tests the tree as it is: drop --timeline/--series.")
    return testing.main(
        backends, args.labels, args.python, args.tree, args.extra, layers
    )


def lint(args):
    if args.tree:
        return checks.lint(Path(args.tree))
    # The timeline and the other extra series too.
    extras = [*patches.extras(timeline="all"), *patches.others()]
    with _scratch_tree(extras=extras) as tree:
        return checks.lint(tree)


def docs(args):
    # The build writes into the tree, and offline it edits docs/conf.py.
    with _scratch_tree(args.tree) as tree:
        return checks.docs(tree)


def bench_(args):
    if args.endstate:
        return bench.endstate(args.rounds, args.seconds)
    return bench.main(args.rounds, args.seconds)


def dep(args):
    return checks.dep()


def thirdparty_(args):
    return thirdparty.main(args.packages, args.python)


def fix_(args):
    return fix.main(args.paths)


@contextlib.contextmanager
def _scratch_tree(source=None, extras=()):
    """
    Yield a copy of the tree source, or a fresh materialization with the
    extra series directories extras on top.
    """
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp, "tree")
        if source:
            shutil.copytree(source, tree, symlinks=True)
        else:
            print(f"Materializing the series at {tree}.")
            patches.materialize(tree, extras=extras)
        yield tree


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m series",
        description=__doc__.split("\n\n")[0].split(": ", 1)[1],
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for function, tree_help in (
        (materialize, "where to build it (default: tree/)"),
        (export, "the tree to export (default: tree/)"),
    ):
        command = commands.add_parser(function.__name__, help=_help(function))
        command.add_argument("--tree", default=TREE, help=tree_help)
        command.set_defaults(function=function)
        if function is materialize:
            _extras_arguments(command)
    command = commands.add_parser("verify", help=_help(verify))
    command.set_defaults(function=verify)
    command = commands.add_parser("stat", help=_help(stat))
    command.add_argument(
        "--tree", help="count this tree's commits (default: a fresh materialization)"
    )
    command.set_defaults(function=stat)
    command = commands.add_parser(
        "test",
        help=_help(test),
        description=(
            "Run tests/runtests.py on a fresh materialization of the series "
            "(or --tree), in a venv of its own, on all cores. Options it does "
            "not know are passed to runtests.py."
        ),
    )
    command.add_argument("labels", nargs="*", help="test labels, as runtests.py takes")
    command.add_argument("--backend", choices=[*testing.BACKENDS, "all"], default="all")
    command.add_argument(
        "--python",
        help="interpreter for the venv (default: $PYTHON, else 3.13, else 3.12)",
    )
    command.add_argument("--tree", help="test this tree's files instead")
    _extras_arguments(command)
    command.set_defaults(function=test)
    for function in (lint, docs):
        command = commands.add_parser(function.__name__, help=_help(function))
        command.add_argument(
            "--tree", help="check this tree (default: a fresh materialization)"
        )
        command.set_defaults(function=function)

    # Keep this command's lines in order with those of the tools it runs.
    sys.stdout.reconfigure(line_buffering=True)
    command = commands.add_parser(
        "bench", help=_help(bench_), description=bench.__doc__.split("\n\n")[0]
    )
    command.add_argument(
        "--rounds", type=int, default=10, help="of timing; 0 to skip timing"
    )
    command.add_argument(
        "--seconds", type=float, default=0.3, help="per benchmark, build and round"
    )
    command.add_argument(
        "--endstate",
        action="store_true",
        help="compare endstate/ with stock on PostgreSQL, django-async-backend",
    )
    command.set_defaults(function=bench_)
    command = commands.add_parser("dep", help=_help(dep))
    command.set_defaults(function=dep)
    command = commands.add_parser(
        "thirdparty",
        help=_help(thirdparty_),
        description=thirdparty.__doc__.split("\n\n")[0],
    )
    command.add_argument(
        "packages",
        nargs="*",
        help="names of packages to run (default: all of series/thirdparty.py)",
    )
    command.add_argument(
        "--python",
        help="interpreter for the venvs (default: $PYTHON, else 3.13, else 3.12)",
    )
    command.set_defaults(function=thirdparty_)
    command = commands.add_parser(
        "fix", help=_help(fix_), description=fix.__doc__.split("\n\n")[0]
    )
    command.add_argument("paths", nargs="+", help="files and directories to fix")
    command.set_defaults(function=fix_)

    args, extra = parser.parse_known_args(argv)
    if extra and args.function is not test:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    try:
        return args.function(args) or 0
    except SeriesError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as e:
        cmd = " ".join(map(str, e.cmd))
        print(f"error: '{cmd}' failed with status {e.returncode}.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _extras_arguments(command):
    command.add_argument(
        "--timeline",
        metavar="RELEASE",
        help="apply timeline/ on top of patches/, up to this release",
    )
    command.add_argument(
        "--series",
        metavar="DIR",
        help="apply this directory's series on top of patches/ (and the timeline)",
    )


def _help(function):
    for line in __doc__.splitlines():
        if line.strip().startswith(function.__name__.rstrip("_") + " "):
            return line.split(None, 1)[1]


if __name__ == "__main__":
    sys.exit(main())
