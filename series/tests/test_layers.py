"""
Groups of patches/series, the stat command and the extra series directories
(timeline/<release>/) on top of patches/.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from series import SeriesError, patches

from . import commit, make_root, mkdtemp, run


class GroupTests(unittest.TestCase):
    def test_comment_lines_start_groups(self):
        root = make_root(mkdtemp(self))
        (root / "patches" / "series").write_text(
            "0001-a.patch\n"
            "# Independent fixes\n"
            "# (each applies alone to the release)\n"
            "0002-b.patch\n"
            "\n"
            "0003-c.patch\n"
            "# The feature\n"
            "0004-d.patch\n"
        )
        self.assertEqual(
            patches.groups(root / "patches"),
            [
                (None, ["0001-a.patch"]),
                ("Independent fixes", ["0002-b.patch", "0003-c.patch"]),
                ("The feature", ["0004-d.patch"]),
            ],
        )
        self.assertEqual(
            patches.independent(root / "patches"), ["0002-b.patch", "0003-c.patch"]
        )
        self.assertEqual(len(patches.names(root / "patches")), 4)

    def test_renumbering_keeps_the_comments_and_group_sizes(self):
        text = "# Independent fixes\n0001-a.patch\n0002-b.patch\n# Rest\n0003-c.patch\n"
        self.assertEqual(
            patches._renumber(text, ["0001-x.patch", "0002-y.patch", "0003-z.patch"]),
            "# Independent fixes\n0001-x.patch\n0002-y.patch\n# Rest\n0003-z.patch\n",
        )
        # Patches added join the last group; removed ones leave the end.
        self.assertEqual(
            patches._renumber(text + "# End.\n", ["1", "2", "3", "4"]),
            "# Independent fixes\n1\n2\n# Rest\n3\n4\n# End.\n",
        )
        self.assertEqual(
            patches._renumber(text, ["1", "2"]), "# Independent fixes\n1\n2\n# Rest\n"
        )
        self.assertEqual(patches._renumber("", ["1", "2"]), "1\n2\n")


class IndependentFixesTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.root = make_root(cls.tmp)
        tree = Path(cls.tmp, "tree")
        patches.materialize(tree, cls.root)
        path = "django/utils/deprecation.py"
        commit(tree, "Added a comment.", {path: "# 1\n"})
        commit(tree, "Added a comment after it.", {path: "# 2\n"})
        commit(tree, "Added a line to the docs.", {"docs/index.txt": "\nOne.\n"})
        cls.names = [
            name for _, names in patches.export(tree, cls.root) for name in names
        ]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def write_series(self, text):
        (self.root / "patches" / "series").write_text(text)

    def test_export_keeps_the_comments(self):
        first, second, third = self.names
        series = f"# Independent fixes\n{first}\n\n# Then\n{second}\n{third}\n"
        self.write_series(series)
        self.addCleanup(self.write_series, "\n".join(self.names) + "\n")
        tree = Path(mkdtemp(self), "tree")
        patches.materialize(tree, self.root)
        self.assertEqual(patches.unexported(tree, self.root), [])

    def test_verify_reports_a_patch_that_does_not_apply_alone(self):
        first, second, third = self.names
        self.write_series(f"# Independent fixes\n{first}\n{second}\n{third}\n")
        self.addCleanup(self.write_series, "\n".join(self.names) + "\n")
        (problem,) = patches.verify(self.root)
        self.assertTrue(
            problem.startswith(
                f"patches/{second} is in the group 'Independent fixes' but does "
                "not apply alone to Django "
            ),
            problem,
        )
        self.assertIn("django/utils/deprecation.py", problem)

    def test_patches_outside_the_group_may_depend_on_others(self):
        first, second, third = self.names
        self.write_series(f"# Independent fixes\n{first}\n{third}\n# Rest\n{second}\n")
        self.addCleanup(self.write_series, "\n".join(self.names) + "\n")
        tree = Path(mkdtemp(self), "tree")
        patches.materialize(tree, self.root)
        self.assertEqual(patches.not_alone(tree, self.root), [])
        # The series file's order is the order of the commits.
        log = patches.git("log", "--reverse", "--format=%s", "base..", cwd=tree)
        self.assertEqual(
            log.split("\n")[:3],
            [
                "Added a comment.",
                "Added a line to the docs.",
                "Added a comment after it.",
            ],
        )


class StatTests(unittest.TestCase):
    def test_counts_changed_lines_of_upstream_code_only(self):
        root = make_root(mkdtemp(self))
        tree = Path(mkdtemp(self), "tree")
        patches.materialize(tree, root)
        commit(
            tree,
            "Changed code, tests and docs.",
            {
                "django/utils/deprecation.py": "# 1\n# 2\n",
                "tests/runtests.py": "# 1\n",
                "docs/index.txt": "\nOne.\n",
            },
        )
        commit(tree, "Added a module.", {"django/utils/new.py": "x = 1\n"})
        (tree / "django" / "utils" / "deprecation.py").write_text("# Replaced.\n")
        commit(tree, "Replaced a module.", {"django/utils/deprecation.py": ""})
        removed = len(
            patches.git(
                "show", "base:django/utils/deprecation.py", cwd=tree
            ).splitlines()
        )
        self.assertEqual(
            patches.stat(tree, root),
            [
                ("Changed code, tests and docs.", 2),
                ("Added a module.", 0),
                ("Replaced a module.", removed + 2 + 1),
            ],
        )

    def test_command_fails_over_the_limit(self):
        root = make_root(mkdtemp(self))
        tree = Path(mkdtemp(self), "tree")
        patches.materialize(tree, root)
        many = "".join(f"# {i}\n" for i in range(patches.STAT_LIMIT + 1))
        commit(tree, "Added many comments.", {"django/utils/deprecation.py": many})
        patches.export(tree, root)
        proc = subprocess.run(
            [sys.executable, "-m", "series", "stat", f"--tree={tree}"],
            cwd=root,
            capture_output=True,
            text=True,
        )
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("   251  0001 Added many comments.\n", proc.stdout)
        self.assertIn("   251  total (limit: 250)\n", proc.stdout)
        self.assertIn("changes 251 lines of Django's code, over", proc.stderr)


class TimelineTests(unittest.TestCase):
    """
    A series with one patch and a timeline of two releases, 2028 and 2029,
    one patch each, made as README.rst says.
    """

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.root = make_root(cls.tmp)
        tree = Path(cls.tmp, "tree")
        patches.materialize(tree, cls.root)
        commit(tree, "Added a comment.", {"django/utils/deprecation.py": "# 1\n"})
        patches.export(tree, cls.root)
        commit(tree, "Phase 2028.", {"django/utils/deprecation.py": "# 2028\n"})
        patches.git("branch", "timeline/2028", cwd=tree)
        commit(tree, "Phase 2029.", {"django/utils/deprecation.py": "# 2029\n"})
        patches.git("branch", "timeline/2029", cwd=tree)
        cls.exported = patches.export(tree, cls.root)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def materialize(self, **kwargs):
        tree = Path(mkdtemp(self), "tree")
        patches.materialize(tree, self.root, patches.extras(self.root, **kwargs))
        return tree

    def log(self, tree):
        return patches.git("log", "--reverse", "--format=%s%d", "base..", cwd=tree)

    def test_export_writes_each_phase_to_its_directory(self):
        self.assertEqual(
            self.exported,
            [
                ("patches", ["0001-Added-a-comment.patch"]),
                ("timeline/2028", ["0001-Phase-2028.patch"]),
                ("timeline/2029", ["0001-Phase-2029.patch"]),
            ],
        )
        self.assertEqual(
            (self.root / "timeline" / "2029" / "series").read_text(),
            "0001-Phase-2029.patch\n",
        )
        self.assertEqual(patches.releases(self.root), ["2028", "2029"])

    def test_materialize_applies_the_timeline_up_to_a_release(self):
        self.assertEqual(
            self.log(self.materialize(timeline="2029")),
            "Added a comment. (patches)\nPhase 2028. (timeline/2028)\n"
            "Phase 2029. (HEAD -> main, timeline/2029)\n",
        )
        self.assertEqual(
            self.log(self.materialize(timeline="2028")),
            "Added a comment. (patches)\nPhase 2028. (HEAD -> main, timeline/2028)\n",
        )
        self.assertEqual(
            self.log(self.materialize()), "Added a comment. (HEAD -> main, patches)\n"
        )

    def test_unknown_release_is_named(self):
        with self.assertRaisesRegex(
            SeriesError, "No timeline/2030/series: .* 2028, 2029"
        ):
            patches.extras(self.root, timeline="2030")

    def test_label_names_the_last_release(self):
        extras = patches.extras(self.root, timeline="2029")
        self.assertEqual(extras, ["timeline/2028", "timeline/2029"])
        self.assertEqual(patches.label(self.root, extras), "variants.1.t2029")
        self.assertEqual(patches.label(self.root), "variants.1")

    def test_verify_checks_every_phase(self):
        self.assertEqual(patches.verify(self.root), [])
        root = Path(mkdtemp(self), "repo")
        shutil.copytree(self.root, root)
        patch = root / "timeline" / "2028" / "0001-Phase-2028.patch"
        # git am takes a numbered subject; format-patch -N writes "[PATCH]".
        patch.write_text(patch.read_text().replace("[PATCH]", "[PATCH 1/1]"))
        (problem,) = patches.verify(root)
        self.assertTrue(
            problem.startswith("timeline/2028/0001-Phase-2028.patch differs")
        )

    def test_verify_applies_other_directories_on_the_timeline_too(self):
        # The timeline changes the end of deprecation.py, not of version.py.
        for path, problem in (
            ("django/utils/version.py", None),
            ("django/utils/deprecation.py", "endstate/0001-End-state.patch does not"),
        ):
            with self.subTest(path=path):
                root = Path(mkdtemp(self), "repo")
                shutil.copytree(self.root, root)
                (root / "endstate").mkdir()
                (root / "endstate" / "series").write_text("")
                tree = Path(mkdtemp(self), "tree")
                patches.materialize(tree, root, ["endstate"])
                commit(tree, "End state.", {path: "# end\n"})
                patches.export(tree, root)
                problems = patches.verify(root)
                if problem is None:
                    self.assertEqual(problems, [])
                else:
                    self.assertEqual(len(problems), 1)
                    self.assertTrue(problems[0].startswith(problem))

    def test_commits_on_top_go_to_the_last_phase(self):
        tree = self.materialize(timeline="2029")
        commit(tree, "Also 2029.", {"django/utils/deprecation.py": "# Also.\n"})
        self.assertEqual(
            patches.unexported(tree, self.root),
            ["timeline/2029/series", "timeline/2029/0002-Also-2029.patch"],
        )

    def test_rebase_moves_a_commit_to_an_earlier_phase(self):
        tree = self.materialize(timeline="2029")
        commit(tree, "Fixed a typo.", {"docs/index.txt": "\nOne.\n"})
        # The todo list has an update-ref line at the end of each phase: move
        # the last pick before the one of patches/.
        editor = (
            f'{sys.executable} -c "import sys; p = sys.argv[1]; '
            "lines = open(p).read().splitlines(); "
            "last = max(i for i, l in enumerate(lines) if l.startswith('pick')); "
            "pick = lines.pop(last); "
            "lines.insert(lines.index('update-ref refs/heads/patches'), pick); "
            "open(p, 'w').write(chr(10).join(lines) + chr(10))\""
        )
        patches.git(
            "rebase",
            "--quiet",
            "--interactive",
            "base",
            cwd=tree,
            env={"GIT_SEQUENCE_EDITOR": editor},
        )
        out = Path(mkdtemp(self))
        self.assertEqual(
            patches.export(tree, out, template=self.root),
            [
                ("patches", ["0001-Added-a-comment.patch", "0002-Fixed-a-typo.patch"]),
                ("timeline/2028", ["0001-Phase-2028.patch"]),
                ("timeline/2029", ["0001-Phase-2029.patch"]),
            ],
        )

    def test_a_phase_branch_off_the_history_is_refused(self):
        tree = self.materialize(timeline="2029")
        patches.git("branch", "--force", "timeline/2028", "base", cwd=tree)
        patches.git("checkout", "--quiet", "-b", "other", "patches", cwd=tree)
        patches.git("branch", "--force", "timeline/2028", "main", cwd=tree)
        with self.assertRaisesRegex(SeriesError, "branch timeline/2028 of .* is not"):
            patches.layers(tree, self.root)

    def test_command_line(self):
        tree = Path(mkdtemp(self), "tree")
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        out = run(
            sys.executable,
            "-m",
            "series",
            "materialize",
            "--timeline=2028",
            f"--tree={tree}",
            cwd=self.root,
            env=env,
        ).stdout
        self.assertIn("and 1 patches on top, 1 of timeline/2028/.", out)
        out = run(
            sys.executable,
            "-m",
            "series",
            "export",
            f"--tree={tree}",
            cwd=self.root,
            env=env,
        ).stdout
        self.assertEqual(
            out,
            "Exported 1 patches to patches/:\n  0001-Added-a-comment.patch\n"
            "Exported 1 patches to timeline/2028/:\n  0001-Phase-2028.patch\n",
        )
        out = run(sys.executable, "-m", "series", "verify", cwd=self.root, env=env)
        self.assertIn("and so do those of timeline/ 2028, 2029.", out.stdout)


class ExtraSeriesTests(unittest.TestCase):
    def test_a_directory_of_extra_series(self):
        root = make_root(mkdtemp(self))
        (root / "endstate").mkdir()
        (root / "endstate" / "series").write_text("")
        self.assertEqual(patches.extras(root, series="endstate"), ["endstate"])
        self.assertEqual(patches.label(root, ["endstate"]), "variants.0.endstate")
        self.assertEqual(patches.extras(root), [])
        self.assertEqual(patches.extras(root, timeline="all"), [])
        for name in ("patches", "timeline", "nowhere"):
            with self.assertRaisesRegex(SeriesError, f"No {name}/series: name a"):
                patches.extras(root, series=name)

    def test_label_must_be_pep_440(self):
        root = make_root(mkdtemp(self))
        with self.assertRaisesRegex(SeriesError, "not a valid local version label"):
            patches.label(root, ["timeline/2029-rc"])
