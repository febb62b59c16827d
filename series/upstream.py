"""The pinned upstream release: its pin, and its sdist fetched by pip."""

import hashlib
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from pathlib import Path

from . import ROOT, SeriesError

# Where fetch() keeps the sdist, checking its sha256 before each reuse.
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
CACHE /= "django-series"


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


def fetch(root=ROOT, python=sys.executable, cache=CACHE):
    """
    Return the path of the pinned sdist in the directory cache, downloading
    it if the file there is missing or does not match the pinned sha256.

    pip downloads it in hash-checking mode, so it refuses a file whose
    sha256 differs from the pin.
    """
    pin = requirement(root)
    sha256 = pin.partition("--hash=sha256:")[2].split()[0]
    for sdist in cache.glob(f"[Dd]jango-{version(root)}.tar.gz"):
        with open(sdist, "rb") as f:
            if hashlib.file_digest(f, "sha256").hexdigest() == sha256:
                return sdist
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as requirements:
        requirements.write(pin + "\n")
        requirements.flush()
        subprocess.run(
            [python, "-m", "pip", "download", "--quiet", "--no-deps"]
            + ["--no-binary=:all:", "--ignore-requires-python", "--require-hashes"]
            + ["--requirement", requirements.name, "--dest", cache],
            check=True,
        )
    (sdist,) = cache.glob(f"[Dd]jango-{version(root)}.tar.gz")
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
