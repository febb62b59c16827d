import shutil
import subprocess
import tempfile
from pathlib import Path

from series import ROOT, patches


def make_root(tmp):
    """
    Copy what the tooling reads (pyproject.toml, series/) into tmp with an
    empty series, and return it: a repository of our own to break.
    """
    root = Path(tmp, "repo")
    root.mkdir()
    shutil.copy(ROOT / "pyproject.toml", root)
    shutil.copytree(ROOT / "series", root / "series", ignore=_pycache)
    (root / "patches").mkdir()
    (root / "patches" / "series").write_text("")
    return root


_pycache = shutil.ignore_patterns("__pycache__")


def commit(tree, message, files):
    """Append text to files of tree ({path: text}) and commit them."""
    for path, text in files.items():
        with open(Path(tree, path), "a") as f:
            f.write(text)
        patches.git("add", path, cwd=tree)
    patches.git(
        "commit",
        "--quiet",
        f"--message={message}",
        cwd=tree,
        env={"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com"},
    )


def series_with_two_patches(tmp):
    """Return a root whose series has two patches, and its tree."""
    root = make_root(tmp)
    tree = Path(tmp, "tree")
    patches.materialize(tree, root)
    commit(tree, "Added a comment.", {"django/utils/deprecation.py": "# 1\n"})
    commit(tree, "Added a line to the docs.\n\nWhy.", {"docs/index.txt": "\nOne.\n"})
    patches.export(tree, root)
    return root, tree


def run(*args, **kwargs):
    """Run a command; if it fails, fail with the end of what it printed."""
    proc = subprocess.run(args, text=True, capture_output=True, **kwargs)
    if proc.returncode:
        output = (proc.stdout + proc.stderr)[-3000:]
        raise AssertionError(
            f"{' '.join(map(str, args))} failed with status {proc.returncode}:\n"
            f"{output}"
        )
    return proc


def mkdtemp(testcase):
    tmp = tempfile.mkdtemp()
    testcase.addCleanup(shutil.rmtree, tmp, True)
    return tmp
