"""
python -m series <command>: edit, check and test the patch series.

  materialize  build the git repository of the series (tree/ by default)
  export       write the tree's commits back to patches/ and patches/series
  verify       materialize from scratch and check the round trip
  test         run Django's suite on the series, on SQLite and PostgreSQL
  lint         black, isort and flake8 on what the series adds or changes
  docs         build Django's docs of the patched tree, warnings as errors
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import ROOT, SeriesError, patches, testing, upstream

TREE = ROOT / "tree"


def materialize(args):
    tree = Path(args.tree)
    if tree.exists():
        if leftovers := patches.unexported(tree):
            raise SeriesError(
                f"{tree} holds work not in patches/ ({', '.join(leftovers)}): "
                "export it first, or delete the tree yourself to discard it."
            )
        shutil.rmtree(tree)
    patches.materialize(tree)
    print(
        f"{tree}: Django {upstream.version()} and {len(patches.names())} patches "
        "on top. Commit your changes there (git rebase -i base to edit a "
        "patch), then run 'python -m series export'."
    )


def export(args):
    names = patches.export(args.tree)
    print(f"Exported {len(names)} patches to patches/:", *names, sep="\n  ")


def verify(args):
    if problems := patches.verify():
        print(*problems, sep="\n")
        return 1
    print(
        f"OK: the {len(patches.names())} patches apply in order to Django "
        f"{upstream.version()} and export to identical files."
    )


def test(args):
    backends = testing.BACKENDS if args.backend == "all" else [args.backend]
    return testing.main(backends, args.labels, args.python, args.tree, args.extra)


def lint(args):
    with _tree(args.tree) as tree:
        changed = patches.git(
            "diff",
            "--name-only",
            "--diff-filter=d",
            patches.BASE,
            "--",
            "*.py",
            cwd=tree,
        ).split()
        print(f"Linting {len(changed)} Python files the series adds or changes.")
        failed = _lint(tree, changed, config=ROOT / "setup.cfg")
    print("Linting this repository's tooling.")
    failed |= _lint(ROOT, ["series"], config=ROOT / "setup.cfg")
    return failed


def _lint(cwd, paths, config):
    if not paths:
        return 0
    failed = 0
    for tool in (
        ["black", "--check", "--diff", "--quiet"],
        ["isort", "--check-only", "--diff", "--quiet"],
        ["flake8", f"--config={config}"],
    ):
        cmd = [sys.executable, "-m", *tool, *paths]
        failed |= subprocess.run(cmd, cwd=cwd).returncode
    return failed


def docs(args):
    if sys.prefix == sys.base_prefix:
        raise SeriesError(
            "The docs command installs Django's docs requirements into the "
            "running environment: run it in a venv, such as 'tox -e docs'."
        )
    with _tree(args.tree) as tree:
        docs = tree / "docs"
        pip = [sys.executable, "-m", "pip", "install", "--quiet"]
        subprocess.run(pip + ["-r", docs / "requirements.txt"], check=True)
        make = ["make", "-C", docs, f"PYTHON={sys.executable}"]
        make.append(f"SPHINXBUILD={sys.executable} -m sphinx")
        make.append("SPHINXOPTS=-W --keep-going")
        targets = ["html", "lint"]
        try:
            import enchant  # NOQA: F401
        except ImportError:
            print(
                "Note: skipping the spelling check; it needs the Enchant library "
                "and a dictionary (apt-get install libenchant-2-2 hunspell-en-us)."
            )
        else:
            targets.append("spelling")
        return max(subprocess.run(make + [t]).returncode for t in targets)


class _tree:
    """The tree named on the command line, or a fresh materialization."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        if self.path:
            return Path(self.path)
        self.tmp = tempfile.TemporaryDirectory()
        tree = Path(self.tmp.name, "tree")
        print(f"Materializing the series at {tree}.")
        patches.materialize(tree)
        return tree

    def __exit__(self, *exc_info):
        if not self.path:
            self.tmp.cleanup()


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
    command = commands.add_parser("verify", help=_help(verify))
    command.set_defaults(function=verify)
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
    command.set_defaults(function=test)
    for function in (lint, docs):
        command = commands.add_parser(function.__name__, help=_help(function))
        command.add_argument(
            "--tree", help="check this tree (default: a fresh materialization)"
        )
        command.set_defaults(function=function)

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


def _help(function):
    for line in __doc__.splitlines():
        if line.strip().startswith(function.__name__ + " "):
            return line.split(None, 1)[1]


if __name__ == "__main__":
    sys.exit(main())
