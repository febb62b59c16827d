import subprocess
import sys
import unittest
from pathlib import Path

from series import checks, patches

from . import commit, mkdtemp


@unittest.skipIf(
    subprocess.run(
        [sys.executable, "-m", "black", "--version"], capture_output=True
    ).returncode,
    "black, isort and flake8 are not installed (tox -e tooling installs them)",
)
class LintTests(unittest.TestCase):
    def test_lint_checks_the_python_files_the_series_changes(self):
        tree = Path(mkdtemp(self), "tree")
        patches.materialize(tree)
        self.assertEqual(checks.lint(tree), 0)
        commit(
            tree, "Added a module.", {"django/utils/variants.py": "import os\nx=1\n"}
        )
        self.assertNotEqual(checks.lint(tree), 0)


class DepTests(unittest.TestCase):
    def test_dep_renders_without_warnings(self):
        self.assertEqual(checks.dep(), 0)

    def test_warnings_fail(self):
        root = Path(mkdtemp(self))
        (root / "deps").mkdir()
        (root / "deps" / "XXXX-draft.rst").write_text("Title\n===\n\n`broken\n")
        self.assertEqual(checks.dep(root), 1)

    def test_prose_words(self):
        import docutils.core

        doctree = docutils.core.publish_doctree(
            "Title\n=====\n\n:Status: Draft\n\n"
            "Calling ``asave()``, a sync override runs::\n\n    obj.save()\n\n"
            "=====  =====\nstock  patch\n=====  =====\n1      2\n=====  =====\n\n"
            ".. a comment\n"
        )
        # Title, Calling, asave(), a, sync, override, runs.
        self.assertEqual(checks.prose_words(doctree), 7)

    def test_over_the_word_limit_fails(self):
        root = Path(mkdtemp(self))
        (root / "deps").mkdir()
        (root / "deps" / "forum-post.rst").write_text("word " * 501)
        self.assertEqual(checks.dep(root), 1)
        (root / "deps" / "forum-post.rst").write_text("word " * 500)
        self.assertEqual(checks.dep(root), 0)
