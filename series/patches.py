"""
The series: patches/series lists patches/NNNN-*.patch in order (quilt's
convention), each one ``git format-patch`` output. Its "#" comment lines
start groups of patches; the group "Independent fixes" holds patches that
each apply alone to the pristine release.

Extra series go on top of patches/ the same way, each a directory with its
own series file: the later phases of the deprecation, timeline/<release>/,
applied in release order, and any other directory named on demand (such as
endstate/).

materialize() builds a git repository whose first commit, tagged "base", is
the pristine sdist and whose next commits are the patches applied with
``git am``, a branch named after each series directory ("patches",
"timeline/2028") marking its last commit; export() writes them back with
``git format-patch``. Git runs with neither the user's nor the system's
configuration and with a fixed committer, so both are reproducible: the same
series gives the same commits, and an unchanged commit exports to the same
bytes. It runs without automatic garbage collection too: after the base
commit's thousands of loose objects, git would start packing them in the
background, still writing to the repository when a caller removes it.
"""

import filecmp
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import ROOT, SeriesError, upstream

PATCHES = ROOT / "patches"
BASE = "base"
TIMELINE = "timeline"
# The group of patches/series whose patches must each apply alone.
INDEPENDENT = "Independent fixes"
# Lines of Django's code (tests and docs aside) the series may change, as
# the issue sets.
STAT_LIMIT = 250
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


def _is_comment(words):
    return words[0].startswith("#")


def names(patches=PATCHES):
    """
    Return the file names the series file lists, in order. As in quilt,
    blank lines and "#" comments are ignored, and so is anything after a
    name (quilt's patch options). A missing series file lists none.
    """
    return [name for _, group in groups(patches) for name in group]


def groups(patches=PATCHES):
    """
    Return the groups of the series file, in order, as (title, names): a
    comment line after a patch (or at the top) starts a group titled with
    its text, which runs until the next comment line; the lines of a
    comment block after the first add to its title nothing. Patches before
    any comment make a group titled None.
    """
    found = [(None, [])]
    path = Path(patches, "series")
    lines = path.read_text().splitlines() if path.exists() else []
    in_comment = False
    for line in lines:
        words = line.split()
        if not words:
            continue
        if _is_comment(words):
            if not in_comment:
                found.append((line.strip().lstrip("#").strip(), []))
            in_comment = True
        else:
            found[-1][1].append(words[0])
            in_comment = False
    return [group for group in found if group[0] is not None or group[1]]


def independent(patches=PATCHES):
    """Return the patches of the "Independent fixes" groups."""
    return [
        name
        for title, group in groups(patches)
        if title and title.lower().startswith(INDEPENDENT.lower())
        for name in group
    ]


def releases(root=ROOT):
    """Return the releases of timeline/ that have a series file, in order."""
    found = [path.parent.name for path in (root / TIMELINE).glob("*/series")]
    return sorted(found, key=_release_key)


def _release_key(release):
    return [int(number) for number in re.findall(r"\d+", release)], release


def extras(root=ROOT, timeline=None, series=None):
    """
    Return the extra series directories, relative to root, to apply on top
    of patches/ in order: those of timeline/ up to the release timeline
    (all of them for "all"), then the directory series.
    """
    layers = []
    if timeline:
        known = releases(root)
        if timeline != "all" and timeline not in known:
            raise SeriesError(
                f"No {TIMELINE}/{timeline}/series: the timeline has "
                f"{', '.join(known) or 'no release'}."
            )
        end = len(known) if timeline == "all" else known.index(timeline) + 1
        layers += [f"{TIMELINE}/{release}" for release in known[:end]]
    if series:
        if series in ("patches", TIMELINE) or not (root / series / "series").is_file():
            raise SeriesError(
                f"No {series}/series: name a directory of extra patches, "
                "with a series file, other than patches/ and timeline/."
            )
        layers.append(series)
    return layers


def label(root=ROOT, extras=()):
    """
    Return the PEP 440 local version label of the patched build: "variants."
    and the number of patches, such as "variants.4", then a segment for the
    extra series: "t" and the last timeline release ("variants.4.t2029"),
    the name of another directory ("variants.4.endstate").
    """
    segments = [f"variants.{len(names(root / 'patches'))}"]
    timeline = [layer for layer in extras if layer.startswith(f"{TIMELINE}/")]
    if timeline:
        segments.append("t" + timeline[-1].partition("/")[2])
    segments += [layer for layer in extras if layer not in timeline]
    local = ".".join(segments).lower()
    if not re.fullmatch(r"[a-z0-9]+(\.[a-z0-9]+)*", local):
        raise SeriesError(
            f"{local!r} is not a valid local version label: name the extra "
            "series directories with letters, digits and periods only."
        )
    return local


def local_version(root=ROOT, extras=()):
    """Return the version of the patched build, such as "6.1.3+variants.4"."""
    return f"{upstream.version(root)}+{label(root, extras)}"


def materialize(tree, root=ROOT, extras=()):
    """
    Build the git repository of the series in the new directory tree:
    patches/, then the extra series directories in order, a branch named
    after each marking its last commit.

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
    # A rebase moves the branches that end the series directories along.
    git("config", "rebase.updateRefs", "true", cwd=tree)
    with open(tree / ".git" / "info" / "exclude", "a") as f:
        f.write("__pycache__/\n*.py[co]\n/docs/_build/\n")
    # Installing the tree rewrites Django.egg-info: keep that out of the way.
    generated = git("ls-files", "-z", "--", *SDIST_ONLY, cwd=tree).split("\0")
    git("update-index", "--skip-worktree", "--", *filter(None, generated), cwd=tree)
    for layer in ("patches", *extras):
        for name in names(root / layer):
            try:
                git(
                    "am",
                    "--quiet",
                    "--keep-cr",
                    "--committer-date-is-author-date",
                    root / layer / name,
                    cwd=tree,
                )
            except subprocess.CalledProcessError:
                raise SeriesError(
                    f"{layer}/{name} does not apply. {tree} stops before it; "
                    "see 'git am --show-current-patch=diff' there."
                ) from None
        git("branch", layer, cwd=tree)


def layers(tree, root=ROOT):
    """
    Return the series directories of tree, in order, as (directory, first,
    last): its commits are first..last. A branch named after a directory
    ("patches", "timeline/<release>" or any directory of root with a series
    file) ends it; commits after the last branch belong to the last
    directory. A tree without those branches is all patches/.
    """
    branches = git("for-each-ref", "--format=%(refname:short)", "refs/heads/", cwd=tree)
    found = [
        branch
        for branch in branches.split()
        if branch == "patches"
        or branch.startswith(f"{TIMELINE}/")
        or (branch != "main" and (root / branch / "series").is_file())
    ]
    found.sort(
        key=lambda branch: (
            branch != "patches",
            not branch.startswith(f"{TIMELINE}/"),
            _release_key(branch.partition("/")[2]),
            branch,
        )
    )
    if "patches" not in found:
        found.insert(0, "patches")
        ends = [BASE]
    else:
        ends = []
    previous = BASE
    for branch in found[len(ends) :]:
        if not _is_ancestor(previous, branch, tree) or not _is_ancestor(
            branch, "HEAD", tree
        ):
            raise SeriesError(
                f"The branch {branch} of {tree}, which ends {branch}/, is not "
                f"between {previous} and HEAD: point it at the last commit of "
                f"{branch}/ with 'git branch --force {branch} <commit>'."
            )
        ends.append(branch)
        previous = branch
    ends[-1] = "HEAD"
    starts = [BASE, *ends[:-1]]
    return list(zip(found, starts, ends))


def _is_ancestor(ancestor, descendant, tree):
    return not subprocess.run(
        ["git", "merge-base", "--is-ancestor", ancestor, descendant],
        cwd=tree,
        env={**os.environ, **GIT_ENV},
    ).returncode


def export(tree, dest=ROOT, template=None):
    """
    Write the commits of each series directory of tree to its directory
    under dest with ``git format-patch``, and list them in its series file,
    replacing the previous series. The comment lines of the series file of
    template (default: dest) stay where they were, counted in patches: the
    groups keep their sizes, the last one taking any patches added. Return
    [(directory, file names)].

    Exporting to the series directories themselves (no template) moves the
    branch of the last directory to HEAD, the commits it exported, so that
    a branch made next for a new directory starts after them.
    """
    tree, dest = Path(tree), Path(dest)
    template = Path(template or dest)
    if git("status", "--porcelain", "--untracked-files=no", cwd=tree):
        raise SeriesError(
            f"{tree} has uncommitted changes: commit them (or stash them) "
            "and export again."
        )
    exported = []
    for layer, first, last in layers(tree, template):
        directory = dest / layer
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as out:
            git(
                "format-patch",
                "--quiet",
                "--no-numbered",
                "--zero-commit",
                "--full-index",
                "--no-signature",
                f"--output-directory={out}",
                f"{first}..{last}",
                cwd=tree,
            )
            files = sorted(Path(out).iterdir())
            for old in directory.glob("[0-9][0-9][0-9][0-9]-*.patch"):
                old.unlink()
            for patch in files:
                shutil.move(patch, directory / patch.name)
        new = [patch.name for patch in files]
        series = template / layer / "series"
        old = series.read_text() if series.exists() else ""
        (directory / "series").write_text(_renumber(old, new))
        exported.append((layer, new))
    if template == dest:
        git("update-ref", f"refs/heads/{layer}", "HEAD", cwd=tree)
    return exported


def _renumber(text, new):
    """Put the names new in the place of those the series file text lists."""
    lines = text.splitlines()
    slots = [
        i
        for i, line in enumerate(lines)
        if line.split() and not _is_comment(line.split())
    ]
    for i, name in zip(slots, new):
        old = lines[i].split()[0]
        lines[i] = lines[i].replace(old, name, 1)
    for i in reversed(slots[len(new) :]):
        del lines[i]
    if len(new) > len(slots):
        at = slots[-1] + 1 if slots else len(lines)
        lines[at:at] = new[len(slots) :]
    return "".join(f"{line}\n" for line in lines)


def check(tree, root=ROOT):
    """
    Return the problems of the series materialized in tree that git am
    cannot see: patches touching files only the sdist has, summary lines
    longer than 72 characters, whitespace errors (which git am applies with
    a warning), files of the series directories their series omits, and
    patches of the "Independent fixes" group that do not apply alone.
    """
    problems = []
    for layer, _, _ in layers(tree, root):
        listed = names(root / layer)
        for path in sorted((root / layer).glob("*.patch")):
            if path.name not in listed:
                problems.append(f"{layer}/{path.name} is not listed in the series.")
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
    return problems + not_alone(tree, root)


def not_alone(tree, root=ROOT):
    """
    Return a problem for each patch of the "Independent fixes" group that
    does not apply alone to the pristine release: git apply --check on an
    index of its own holding the base commit.
    """
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, **GIT_ENV, "GIT_INDEX_FILE": str(Path(tmp, "index"))}
        git("read-tree", BASE, cwd=tree, env=env)
        for name in independent(root / "patches"):
            proc = subprocess.run(
                ["git", "apply", "--check", "--cached", root / "patches" / name],
                cwd=tree,
                env=env,
                capture_output=True,
                text=True,
            )
            if proc.returncode:
                reason = (proc.stderr.strip().splitlines() or ["git apply failed"])[0]
                problems.append(
                    f"patches/{name} is in the group {INDEPENDENT!r} but does "
                    f"not apply alone to Django {upstream.version(root)}: {reason}"
                )
    return problems


def others(root=ROOT):
    """Return the extra series directories other than the timeline's."""
    return [
        path.parent.name
        for path in sorted(root.glob("*/series"))
        if path.parent.name not in ("patches", TIMELINE, "tree", "build")
    ]


def verify(root=ROOT):
    """
    Materialize the series from scratch, export it again and return the
    problems found: a patch that does not apply, an export that differs from
    the series directories (the round trip), and those of check(). The
    timeline is materialized whole, on top of patches/, and each other extra
    series directory on top of patches/, then on top of the whole timeline.
    """
    timeline = extras(root, timeline="all")
    stacks = [timeline]
    for directory in others(root):
        stacks.append([directory])
        if timeline:
            stacks.append([*timeline, directory])
    problems = []
    for stack in stacks:
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp, "tree")
            try:
                materialize(tree, root, stack)
            except SeriesError as e:
                problems.append(str(e))
                continue
            problems += check(tree, root)
            for path in unexported(tree, root):
                problems.append(
                    f"{path} differs from a fresh export of the commits it "
                    "applies: run 'python -m series export' on a tree "
                    "materialized from it, and commit the result."
                )
    return list(dict.fromkeys(problems))


def unexported(tree, root=ROOT):
    """
    Return the files of the series directories (relative to root) that
    exporting tree would change, add or remove. Raise SeriesError if tree
    has uncommitted changes.
    """
    changed = []
    with tempfile.TemporaryDirectory() as out:
        for layer, exported in export(tree, out, template=root):
            files = sorted({"series", *exported, *names(root / layer)})
            _, differ, missing = filecmp.cmpfiles(
                root / layer, Path(out, layer), files, False
            )
            changed += [f"{layer}/{name}" for name in differ + missing]
    return changed


def stat(tree, root=ROOT):
    """
    Return [(subject, lines)] for the commits of patches/ in tree: the lines
    each adds and removes (git's numstat) in the files of the pristine sdist
    but tests/ and docs/, Django's code that reviewers read.
    """
    upstream_files = set(
        git("ls-tree", "-rz", "--name-only", BASE, cwd=tree).split("\0")
    )
    _, first, last = layers(tree, root)[0]
    figures = []
    for commit in git("rev-list", "--reverse", f"{first}..{last}", cwd=tree).split():
        subject = git("log", "-1", "--format=%s", commit, cwd=tree).strip()
        numstat = git(
            "diff-tree",
            "--no-commit-id",
            "-r",
            "-z",
            "--numstat",
            "--no-renames",
            commit,
            cwd=tree,
        )
        lines = 0
        for record in filter(None, numstat.split("\0")):
            added, removed, path = record.split("\t", 2)
            if (
                path in upstream_files
                and not path.startswith(("tests/", "docs/"))
                and added != "-"
            ):
                lines += int(added) + int(removed)
        figures.append((subject, lines))
    return figures
