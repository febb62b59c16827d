import filecmp
import shutil
import tempfile
import unittest
from pathlib import Path

from series import SeriesError, patches, upstream

from . import commit, make_root, mkdtemp, series_with_two_patches


class SeriesFileTests(unittest.TestCase):
    def test_names_skip_comments_blank_lines_and_options(self):
        root = make_root(mkdtemp(self))
        (root / "patches" / "series").write_text(
            "# A comment.\n0001-a.patch\n\n0002-b.patch -p1\n  # Indented.\n"
        )
        self.assertEqual(
            patches.names(root / "patches"), ["0001-a.patch", "0002-b.patch"]
        )

    def test_empty_series_is_valid(self):
        root = make_root(mkdtemp(self))
        self.assertEqual(patches.names(root / "patches"), [])
        self.assertEqual(
            patches.local_version(root), f"{upstream.version()}+variants.0"
        )

    def test_label_counts_the_patches(self):
        root = make_root(mkdtemp(self))
        (root / "patches" / "series").write_text("0001-a.patch\n0002-b.patch\n")
        self.assertEqual(patches.label(root), "variants.2")

    def test_malformed_pin_names_the_fix(self):
        root = make_root(mkdtemp(self))
        pyproject = root / "pyproject.toml"
        pyproject.write_text(
            pyproject.read_text().replace("--hash=sha256:", "--sha256=")
        )
        with self.assertRaisesRegex(SeriesError, r"--hash=sha256:<sha256"):
            upstream.version(root)


class RoundTripTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.root, cls.tree = series_with_two_patches(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def git(self, *args, tree=None):
        return patches.git(*args, cwd=tree or self.tree)

    def test_export_writes_format_patch_files_and_the_series(self):
        names = patches.names(self.root / "patches")
        self.assertEqual(
            names,
            ["0001-Added-a-comment.patch", "0002-Added-a-line-to-the-docs.patch"],
        )
        text = (self.root / "patches" / names[1]).read_text()
        self.assertTrue(
            text.startswith("From 0000000000000000000000000000000000000000 ")
        )
        self.assertIn("\nFrom: Ada <ada@example.com>\nDate: ", text)
        self.assertIn(
            "\nSubject: [PATCH] Added a line to the docs.\n\nWhy.\n---\n", text
        )
        # No signature with git's version.
        self.assertTrue(text.endswith("+One.\n"), text[-200:])

    def test_first_commit_is_the_pristine_sdist_tagged_base(self):
        tree = Path(mkdtemp(self), "tree")
        patches.materialize(tree, self.root)
        log = self.git("log", "--format=%s", tree=tree).splitlines()
        self.assertEqual(
            log,
            [
                "Added a line to the docs.",
                "Added a comment.",
                f"Django {upstream.version()} (pristine sdist).",
            ],
        )
        self.assertEqual(
            self.git("rev-list", "--max-parents=0", "HEAD", tree=tree),
            self.git("rev-parse", "base^{commit}", tree=tree),
        )
        # The base commit holds exactly the sdist's files.
        sdist = Path(mkdtemp(self))
        upstream.unpack(upstream.fetch(), sdist)
        files = self.git("ls-tree", "-rz", "--name-only", "base", tree=tree)
        self.assertEqual(
            sorted(files.split("\0")[:-1]),
            sorted(str(p.relative_to(sdist)) for p in sdist.rglob("*") if p.is_file()),
        )

    def test_materialize_leaves_no_git_running(self):
        # The base commit's loose objects exceed gc.auto's threshold: git
        # would pack them in a background process, which would make removing
        # the tree fail with "Directory not empty".
        tree = Path(mkdtemp(self), "tree")
        patches.materialize(tree, self.root)
        self.assertFalse((tree / ".git" / "gc.pid").exists())
        self.assertEqual(list((tree / ".git" / "objects" / "pack").iterdir()), [])

    def test_materialize_is_reproducible(self):
        tree = Path(mkdtemp(self), "tree")
        patches.materialize(tree, self.root)
        again = Path(mkdtemp(self), "tree")
        patches.materialize(again, self.root)
        self.assertEqual(
            self.git("rev-parse", "HEAD", tree=tree),
            self.git("rev-parse", "HEAD", tree=again),
        )

    def test_no_op_rewrite_exports_identical_bytes(self):
        tree = Path(mkdtemp(self), "tree")
        patches.materialize(tree, self.root)
        before = self.git("rev-parse", "HEAD", tree=tree)
        # Rebasing rewrites the commits with new committer dates.
        self.git("rebase", "--quiet", "--force-rebase", "base", tree=tree)
        self.assertNotEqual(self.git("rev-parse", "HEAD", tree=tree), before)
        out = Path(mkdtemp(self))
        [(_, names)] = patches.export(tree, out, template=self.root)
        _, differ, errors = filecmp.cmpfiles(
            self.root / "patches", out / "patches", ["series", *names], shallow=False
        )
        self.assertEqual(differ + errors, [])

    def test_export_refuses_uncommitted_changes(self):
        tree = Path(mkdtemp(self), "tree")
        patches.materialize(tree, self.root)
        with open(tree / "django" / "__init__.py", "a") as f:
            f.write("# uncommitted\n")
        with self.assertRaisesRegex(SeriesError, "uncommitted changes: commit them"):
            patches.export(tree, Path(mkdtemp(self)))

    def test_installing_the_tree_leaves_it_clean(self):
        tree = Path(mkdtemp(self), "tree")
        patches.materialize(tree, self.root)
        with open(tree / "Django.egg-info" / "SOURCES.txt", "a") as f:
            f.write("django/new.py\n")
        self.assertEqual(patches.unexported(tree, self.root), [])

    def test_verify_accepts_an_exported_series(self):
        self.assertEqual(patches.verify(self.root), [])

    def test_verify_reports_a_patch_that_does_not_apply(self):
        root = Path(mkdtemp(self), "repo")
        shutil.copytree(self.root, root)
        # The second patch now expects a context line the docs lack.
        second = root / "patches" / patches.names(root / "patches")[1]
        second.write_text(second.read_text().replace(":doc:`Deprecation", ":doc:`Nope"))
        (problem,) = patches.verify(root)
        self.assertIn(f"{second.name} does not apply.", problem)

    def test_verify_reports_an_edited_patch_and_an_unlisted_file(self):
        root = Path(mkdtemp(self), "repo")
        shutil.copytree(self.root, root)
        first = root / "patches" / patches.names(root / "patches")[0]
        # git am takes a numbered subject; format-patch -N writes "[PATCH]".
        first.write_text(first.read_text().replace("[PATCH]", "[PATCH 1/2]"))
        (root / "patches" / "0003-stray.patch").write_text("")
        problems = patches.verify(root)
        self.assertEqual(len(problems), 2, problems)
        self.assertIn("patches/0003-stray.patch is not listed in the series.", problems)
        self.assertTrue(problems[1].startswith(f"patches/{first.name} differs"))

    def test_verify_reports_sdist_only_files_and_long_summaries(self):
        root = make_root(mkdtemp(self))
        tree = Path(mkdtemp(self), "tree")
        patches.materialize(tree, root)
        patches.git("update-index", "--no-skip-worktree", "PKG-INFO", cwd=tree)
        commit(tree, "Changed PKG-INFO.", {"PKG-INFO": "Changed.\n"})
        commit(tree, "A" * 73, {"django/__init__.py": "# Changed.\n"})
        commit(tree, "Added trailing space.", {"django/utils/x.py": "x = 1 \n\n"})
        patches.export(tree, root)
        self.assertEqual(
            patches.verify(root),
            [
                "PKG-INFO exists only in the sdist: the series would not apply to "
                "a django/django checkout.",
                f"Summary line longer than 72 characters: {'A' * 73}",
                "Whitespace error: django/utils/x.py:1: trailing whitespace.",
                "Whitespace error: django/utils/x.py:2: new blank line at EOF.",
            ],
        )
