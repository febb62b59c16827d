"""The pinned upstream release: its pin, and its sdist fetched by pip."""

import re
import subprocess
import sys
import tarfile
import tempfile
import tomllib

from . import ROOT, SeriesError


def requirement(root=ROOT):
    """
    Return the pin from pyproject.toml's [tool.series] table: a pip
    requirement line such as "Django==6.1.3 --hash=sha256:...".
    """
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["series"]["upstream"]


def version(root=ROOT):
    """Return the pinned release's version, such as "6.1.3"."""
    match = re.match(r"\s*django\s*==\s*([\w.]+)\s", requirement(root), re.I)
    if not match or "--hash=sha256:" not in requirement(root):
        raise SeriesError(
            "pyproject.toml's [tool.series] upstream must read "
            '"Django==<version> --hash=sha256:<sha256 of the sdist>".'
        )
    return match[1]


def fetch(dest, root=ROOT, python=sys.executable):
    """
    Download the pinned sdist into the directory dest and return its path.

    pip does the work in hash-checking mode, so a file whose sha256 differs
    from the pin is refused; pip also reuses its own cache.
    """
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pin = f"{tmp}/upstream.txt"
        with open(pin, "w") as f:
            f.write(requirement(root) + "\n")
        subprocess.run(
            [python, "-m", "pip", "download", "--quiet", "--no-deps"]
            + ["--no-binary=:all:", "--ignore-requires-python", "--require-hashes"]
            + ["--requirement", pin]
            + ["--dest", dest],
            check=True,
        )
    (sdist,) = dest.glob(f"[Dd]jango-{version(root)}.tar.gz")
    return sdist


def unpack(sdist, dest):
    """
    Extract the sdist's top-level directory into dest, and return the newest
    modification time of its members (a reproducible date for the tree).
    """
    with tarfile.open(sdist) as tar:
        members = tar.getmembers()
        for member in members:
            member.name = member.name.partition("/")[2]
        tar.extractall(dest, [m for m in members if m.name], filter="data")
    return max(member.mtime for member in members)
