"""
Tooling for a patch series on a pinned Django release.

The repository holds no upstream code: pyproject.toml pins a Django sdist by
version and sha256, and patches/ holds the series that applies to it, one
``git format-patch`` file per commit. This package turns the two into a git
repository (``upstream``, ``patches``), a wheel (``backend``) and a test run of
Django's own suite (``testing``). ``python -m series --help`` lists commands.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class SeriesError(Exception):
    """A problem the user can fix; the message says how."""
