"""
The series: patches/series lists patches/NNNN-*.patch in order (quilt's
convention), each one ``git format-patch`` output.

materialize() builds a git repository whose first commit, tagged "base", is
the pristine sdist and whose next commits are the patches applied with
``git am``; export() writes them back with ``git format-patch``. Git runs with
neither the user's nor the system's configuration and with a fixed committer,
so both are reproducible: the same series gives the same commits, and an
unchanged commit exports to the same bytes. It runs without automatic garbage
collection too: after the base commit's thousands of loose objects, git would
start packing them in the background, still writing to the repository when a
caller removes it.
"""

import filecmp
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import ROOT, SeriesError, upstream

PATCHES = ROOT / "patches"
BASE = "base"
# Files setuptools writes into an sdist, which a checkout of django/django
# lacks: a patch that touches them would not apply there.
SDIST_ONLY = ("PKG-INFO", "setup.cfg", "Django.egg-info/")
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_COMMITTER_NAME": "series",
    "GIT_COMMITTER_EMAIL": "series@localhost",
}


def git(*args, cwd, env=None):
    """Run git in cwd and return its standard output."""
    return subprocess.run(
        ["git", "-c", "gc.auto=0", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV, **(env or {})},
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout


def names(patches=PATCHES):
    """
    Return the file names the series file lists, in order. As in quilt,
    blank lines and "#" comments are ignored, and so is anything after a
    name (quilt's patch options).
    """
    listed = []
    for line in (patches / "series").read_text().splitlines():
        words = line.split()
        if words and not words[0].startswith("#"):
            listed.append(words[0])
    return listed


def label(root=ROOT):
    """
    Return the PEP 440 local version label of the patched build: "twins."
    and the number of patches, such as "twins.4".
    """
    return f"twins.{len(names(root / 'patches'))}"


def local_version(root=ROOT):
    """Return the version of the patched build, such as "6.1.3+twins.4"."""
    return f"{upstream.version(root)}+{label(root)}"


def materialize(tree, root=ROOT):
    """
    Build the git repository of the series in the new directory tree.

    Each patch is applied on top of the previous ones, so success means that
    every prefix of the series applies.
    """
    tree = Path(tree)
    if tree.exists():
        raise SeriesError(f"{tree} already exists.")
    sdist = upstream.fetch(root)
    tree.mkdir(parents=True)
    stamp = upstream.unpack(sdist, tree)
    date = f"@{stamp} +0000"
    git("init", "--quiet", "--initial-branch=main", cwd=tree)
    git("add", "--all", cwd=tree)
    git(
        "commit",
        "--quiet",
        f"--message=Django {upstream.version(root)} (pristine sdist).",
        cwd=tree,
        env={
            "GIT_AUTHOR_NAME": "Django Software Foundation",
            "GIT_AUTHOR_EMAIL": "foundation@djangoproject.com",
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
        },
    )
    git("tag", BASE, cwd=tree)
    with open(tree / ".git" / "info" / "exclude", "a") as f:
        f.write("__pycache__/\n*.py[co]\n/docs/_build/\n")
    # Installing the tree rewrites Django.egg-info: keep that out of the way.
    generated = git("ls-files", "-z", "--", *SDIST_ONLY, cwd=tree).split("\0")
    git("update-index", "--skip-worktree", "--", *filter(None, generated), cwd=tree)
    for name in names(root / "patches"):
        try:
            git(
                "am",
                "--quiet",
                "--keep-cr",
                "--committer-date-is-author-date",
                root / "patches" / name,
                cwd=tree,
            )
        except subprocess.CalledProcessError:
            raise SeriesError(
                f"{name} does not apply. {tree} stops before it; see "
                "'git am --show-current-patch=diff' there."
            ) from None


def export(tree, patches=PATCHES):
    """
    Write the commits of tree after "base" to patches/ and list them in
    patches/series, replacing the previous series. Return the file names.
    """
    tree = Path(tree)
    if git("status", "--porcelain", "--untracked-files=no", cwd=tree):
        raise SeriesError(
            f"{tree} has uncommitted changes: commit them (or stash them) "
            "and export again."
        )
    with tempfile.TemporaryDirectory() as out:
        git(
            "format-patch",
            "--quiet",
            "--no-numbered",
            "--zero-commit",
            "--full-index",
            "--no-signature",
            f"--output-directory={out}",
            f"{BASE}..HEAD",
            cwd=tree,
        )
        exported = sorted(Path(out).iterdir())
        for old in patches.glob("[0-9][0-9][0-9][0-9]-*.patch"):
            old.unlink()
        for patch in exported:
            shutil.move(patch, patches / patch.name)
    (patches / "series").write_text("".join(f"{p.name}\n" for p in exported))
    return [p.name for p in exported]


def check(tree, root=ROOT):
    """
    Return the problems of the series materialized in tree that git am
    cannot see: patches touching files only the sdist has, summary lines
    longer than 72 characters, whitespace errors (which git am applies with
    a warning), and files of patches/ the series omits.
    """
    problems = []
    listed = names(root / "patches")
    for path in sorted((root / "patches").glob("*.patch")):
        if path.name not in listed:
            problems.append(f"patches/{path.name} is not listed in the series.")
    changed = git("diff", "--name-only", f"{BASE}..HEAD", cwd=tree).split()
    for path in changed:
        if path.startswith(SDIST_ONLY):
            problems.append(
                f"{path} exists only in the sdist: the series would not "
                "apply to a django/django checkout."
            )
    for subject in git("log", "--format=%s", f"{BASE}..HEAD", cwd=tree).splitlines():
        if len(subject) > 72:
            problems.append(f"Summary line longer than 72 characters: {subject}")
    whitespace = subprocess.run(
        ["git", "diff", "--check", BASE, "HEAD"],
        cwd=tree,
        env={**os.environ, **GIT_ENV},
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    for line in whitespace.splitlines():
        if not line.startswith("+"):
            problems.append(f"Whitespace error: {line}")
    return problems


def verify(root=ROOT):
    """
    Materialize the series from scratch, export it again and return the
    problems found: a patch that does not apply, an export that differs from
    patches/ (the round trip), and those of check().
    """
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp, "tree")
        try:
            materialize(tree, root)
        except SeriesError as e:
            return [str(e)]
        problems = check(tree, root)
        for name in unexported(tree, root):
            problems.append(
                f"patches/{name} differs from a fresh export of the commits "
                "it applies: run 'python -m series export' on a tree "
                "materialized from it, and commit the result."
            )
    return problems


def unexported(tree, root=ROOT):
    """
    Return the files of patches/ that exporting tree would change, add or
    remove. Raise SeriesError if tree has uncommitted changes.
    """
    with tempfile.TemporaryDirectory() as out:
        exported = export(tree, Path(out))
        files = sorted({"series", *exported, *names(root / "patches")})
        _, differ, missing = filecmp.cmpfiles(root / "patches", out, files, False)
    return differ + missing
