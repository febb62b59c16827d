import ast
import collections
import contextlib
import io
import re
import unittest
from pathlib import Path

from series import ROOT, thirdparty

from . import mkdtemp

UNITTEST_OUTPUT = """\
System check identified 1 issue (0 silenced).
..F.E
======================================================================
FAIL: test_move (myapp.tests.TreeTests.test_move)
----------------------------------------------------------------------
Traceback (most recent call last):
AssertionError: 4 != 3
======================================================================
ERROR: test_form (myapp.tests.FormTests.test_form)
----------------------------------------------------------------------
Ran 5 tests in 0.030s

FAILED (failures=1, errors=1)
..
----------------------------------------------------------------------
Ran 2 tests in 0.010s

OK
"""

PYTEST_OUTPUT = """\
tests/test_a.py ..F.s
=========================== short test summary info ============================
FAILED tests/test_a.py::TrackerTests::test_save_with_args - TypeError: Model.save()
ERROR tests/test_b.py::test_join - sqlite3.ProgrammingError: You can only execute
========= 1 failed, 3 passed, 1 skipped, 2 warnings, 1 error in 1.41s ==========
"""


class ParseTests(unittest.TestCase):
    def test_unittest_runs_are_summed(self):
        failed = {
            "test_move (myapp.tests.TreeTests.test_move)",
            "test_form (myapp.tests.FormTests.test_form)",
        }
        suite = thirdparty.parse_unittest(UNITTEST_OUTPUT)
        self.assertEqual(suite, thirdparty.Suite(7, failed, True))

    def test_unittest_without_results(self):
        suite = thirdparty.parse_unittest("Traceback (most recent call last):\n")
        self.assertEqual((suite.ran, suite.reported, suite.failed), (0, False, set()))

    def test_pytest_summary_and_failing_tests(self):
        failed = {
            "tests/test_a.py::TrackerTests::test_save_with_args",
            "tests/test_b.py::test_join",
        }
        suite = thirdparty.parse_pytest(PYTEST_OUTPUT)
        self.assertEqual(suite, thirdparty.Suite(6, failed, True))

    def test_pytest_without_summary(self):
        suite = thirdparty.parse_pytest("ImportError while loading conftest\n")
        self.assertIs(suite.reported, False)


def result(stock_failed=(), patched_failed=(), patched_checks=None):
    package = thirdparty.Package("django-example", "1.0", "example_variants", ["x"])
    checks = {"Tests.test_save": "pass", "Tests.test_delete": "fail"}
    patched_checks = patched_checks or {"Tests.test_save": "pass"}
    return thirdparty.Result(
        package,
        suites={
            "stock": thirdparty.Suite(10, set(stock_failed), True),
            "patched": thirdparty.Suite(10, set(patched_failed), True),
        },
        checks={
            ("stock", "sqlite"): checks,
            ("stock", "postgresql"): checks,
            ("patched", "sqlite"): patched_checks,
            ("patched", "postgresql"): patched_checks,
        },
    )


class ResultTests(unittest.TestCase):
    def test_failures_on_both_builds_are_not_new(self):
        r = result(stock_failed={"a", "b"}, patched_failed={"a"})
        self.assertEqual(r.new_failures(), set())
        self.assertIs(r.ok(), True)

    def test_failure_on_patched_only_is_new(self):
        r = result(stock_failed={"a"}, patched_failed={"a", "c"})
        self.assertEqual(r.new_failures(), {"c"})
        self.assertIs(r.ok(), False)

    def test_failing_check_on_stock_only_is_ok(self):
        r = result()
        self.assertEqual(r.failing_checks("stock", "sqlite"), ["Tests.test_delete"])
        self.assertIs(r.ok(), True)

    def test_failing_check_on_patched_is_not_ok(self):
        r = result(patched_checks={"Tests.test_save": "fail"})
        self.assertIs(r.ok(), False)

    def test_checks_that_did_not_run_are_not_ok(self):
        r = result()
        r.checks["patched", "postgresql"] = None
        self.assertIs(r.ok(), False)

    def test_crashed_suite_is_not_ok(self):
        r = result()
        r.suites["patched"].reported = False
        self.assertIs(r.ok(), False)

    def test_report(self):
        r = result(stock_failed={"a"}, patched_failed={"a", "c"})
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            thirdparty.report([r])
        lines = output.getvalue().splitlines()
        self.assertRegex(lines[3], r"^django-example\s+1\.0\s+10\s+1\s+2\s+1$")
        self.assertIn("New failure: django-example: c", lines)
        self.assertIn("Fails on stock sqlite: django-example: Tests.test_delete", lines)

    def test_report_gives_the_reason_a_suite_did_not_run(self):
        package = thirdparty.Package(
            "django-example", "1.0", "example_variants", no_suite="it has none"
        )
        r = thirdparty.Result(package, checks={("stock", "sqlite"): {}})
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            thirdparty.report([r])
        self.assertIn("not run: it has none", output.getvalue())


class ExtraBuildTests(unittest.TestCase):
    def extra(self, outcome):
        r = result()
        r.package.extra_builds = ("endstate",)
        r.checks["endstate", "sqlite"] = {"Tests.test_save": "pass"}
        r.checks["endstate", "postgresql"] = {"Tests.test_save": outcome}
        return r

    def test_failing_check_on_an_extra_build_is_not_ok(self):
        self.assertIs(self.extra("pass").ok(), True)
        self.assertIs(self.extra("fail").ok(), False)

    def test_report_has_a_column_per_extra_build(self):
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            thirdparty.report([self.extra("fail"), result()])
        lines = output.getvalue().splitlines()
        self.assertRegex(lines[7], r"endstate sqlite\s+endstate postgresql$")
        # The package without the build: a dash.
        self.assertRegex(lines[8], r"\s1\s+1\s+0\s+0\s+0\s+1$")
        self.assertRegex(lines[9], r"\s1\s+1\s+0\s+0\s+-\s+-$")
        self.assertIn(
            "Fails on endstate postgresql: django-example: Tests.test_save", lines
        )


class FixTests(unittest.TestCase):
    def fixed(self, failed=(), **kwargs):
        r = result(stock_failed={"a"}, patched_failed={"a"})
        r.suites["fixed"] = thirdparty.Suite(10, {"a", *failed}, True)
        fix = {"idempotent": True, "clean": True, **kwargs}
        r.fix = thirdparty.Fix(["models.py:4: A: added asave = ..."], [], **fix)
        return r

    def test_ok(self):
        self.assertIs(self.fixed().ok(), True)

    def test_new_failure_once_fixed(self):
        r = self.fixed(failed={"b"})
        self.assertEqual(r.new_failures("fixed"), {"b"})
        self.assertIs(r.ok(), False)

    def test_second_run_that_changes_is_not_ok(self):
        self.assertIs(self.fixed(idempotent=False).ok(), False)

    def test_explicit_finding_something_is_not_ok(self):
        self.assertIs(self.fixed(clean=False).ok(), False)

    def test_new_mypy_error_is_not_ok(self):
        before = collections.Counter({("models.py", "error one"): 2})
        self.assertIs(self.fixed(mypy_before=before, mypy_after=before).ok(), True)
        after = before + collections.Counter({("models.py", "error one"): 1})
        r = self.fixed(mypy_before=before, mypy_after=after)
        self.assertEqual(r.fix.new_mypy_errors(), {("models.py", "error one"): 1})
        self.assertIs(r.ok(), False)

    def test_report(self):
        r = self.fixed(failed={"b"}, clean=False, explicit="async.W001 ...")
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            thirdparty.report([r])
        lines = output.getvalue().splitlines()
        self.assertRegex(
            lines[11],
            r"^django-example\s+1\s+0\s+0\s+0\s+no change\s+2\s+1\s+not clean"
            r"\s+0\s+0\s+0$",
        )
        self.assertIn("New failure once fixed: django-example: b", lines)
        self.assertIn(
            "Fix command: django-example: models.py:4: A: added asave = ...", lines
        )
        self.assertIn("async.W001 ...", lines)

    def test_static_share_ignores_lines(self):
        static = ["models.py:3: A: added asave = ...", "models.py:9: B: added ..."]
        self.assertEqual(self.fixed(static=static).fix.static_share(), (1, 1))
        self.assertEqual(self.fixed().fix.static_share(), (0, 0))

    def test_paths_under_the_checks_exist(self):
        source = Path(thirdparty.__file__).read_text()
        for path in set(re.findall(r"\{checks\}/(\w+)", source)):
            with self.subTest(path=path):
                self.assertIs((thirdparty.CHECKS / path).is_dir(), True)
        fixed = thirdparty.CHECKS / "fixed"
        self.assertIs((fixed / "sitecustomize.py").exists(), True)
        self.assertIs((fixed / "explicit.py").exists(), True)

    def test_each_package_names_its_project_and_directories(self):
        for package in thirdparty.PACKAGES:
            with self.subTest(package=package.name):
                env = {**package.env, **package.project}
                self.assertIn("DJANGO_SETTINGS_MODULE", env)
                self.assertNotEqual(package.packages, ())


class FindSdistTests(unittest.TestCase):
    def test_names_are_normalized(self):
        dists = Path(mkdtemp(self))
        (dists / "django_model_utils-5.0.0.tar.gz").touch()
        (dists / "django_model_utils-4.0.0.tar.gz").touch()
        package = thirdparty.Package("django-model-utils", "5.0.0", "app")
        self.assertEqual(
            thirdparty._find_sdist(dists, package),
            dists / "django_model_utils-5.0.0.tar.gz",
        )
        package = thirdparty.Package("django-mptt", "5.0.0", "app")
        self.assertIsNone(thirdparty._find_sdist(dists, package))


class PackagesTests(unittest.TestCase):
    def test_each_package_has_equivalence_checks(self):
        for package in thirdparty.PACKAGES:
            with self.subTest(package=package.name):
                tests = thirdparty.CHECKS / package.app / "tests.py"
                self.assertIs(tests.exists(), True)
                self.assertIs(bool(package.command) != bool(package.no_suite), True)


class SettingsTests(unittest.TestCase):
    def test_silenced_checks_are_the_series(self):
        # Each check that the equivalence checks' settings silence is one
        # that the series adds.
        settings = (thirdparty.CHECKS / "settings.py").read_text()
        (silenced,) = re.findall(r"^SILENCED_SYSTEM_CHECKS = (\[.*\])$", settings, re.M)
        patches = "".join(
            path.read_text() for path in sorted((ROOT / "patches").glob("*.patch"))
        )
        for check in ast.literal_eval(silenced):
            with self.subTest(check=check):
                self.assertIn(f'id="{check}"', patches)
