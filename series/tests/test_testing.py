import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import unittest
from pathlib import Path

from series import ROOT, SeriesError, patches, testing

from . import mkdtemp


class ParseTests(unittest.TestCase):
    def test_ok_with_skips(self):
        output = "...s.\n-----\nRan 5 tests in 0.1s\n\nOK (skipped=1)\nDestroying\n"
        result = testing.parse(output, "sqlite", 2.0)
        self.assertEqual((result.ran, result.skipped, result.failed), (5, 1, 0))
        self.assertEqual(result.passed, 4)
        self.assertEqual(
            result.summary(), "sqlite: 5 tests in 2 s: 4 passed, 0 failed, 1 skipped"
        )

    def test_ok_without_details(self):
        result = testing.parse("Ran 1 test in 0.001s\n\nOK\n", "sqlite", 0)
        self.assertEqual((result.ran, result.passed, result.failed), (1, 1, 0))

    def test_failures_errors_and_unexpected_successes_fail(self):
        output = (
            "Ran 20 tests in 3.000s\n\nFAILED (failures=2, errors=1, skipped=3, "
            "expected failures=4, unexpected successes=1)\n"
        )
        result = testing.parse(output, "postgres", 3)
        self.assertEqual((result.failed, result.skipped, result.passed), (4, 3, 13))

    def test_output_without_results_counts_as_a_failure(self):
        result = testing.parse("Traceback (most recent call last):\n", "sqlite", 1)
        self.assertEqual((result.ran, result.failed), (0, 1))
        self.assertIn("stopped before reporting results", result.summary())


class FindPythonTests(unittest.TestCase):
    def test_default_is_3_13_or_3_12(self):
        python = testing.find_python()
        version = subprocess.run(
            [python, "-c", "import sys; print(sys.version_info[:2])"],
            capture_output=True,
            text=True,
        ).stdout
        self.assertIn(version.strip(), ("(3, 13)", "(3, 12)"))

    def test_python_that_does_not_run_is_named(self):
        with self.assertRaisesRegex(SeriesError, "/nonexistent/python does not run"):
            testing.find_python("/nonexistent/python")

    def test_python_from_environment(self):
        os.environ["PYTHON"] = "/nonexistent/python3"
        self.addCleanup(os.environ.pop, "PYTHON")
        with self.assertRaisesRegex(SeriesError, "/nonexistent/python3 "):
            testing.find_python()


class WorkspaceTests(unittest.TestCase):
    def test_a_second_run_waits_for_the_first(self):
        path = mkdtemp(self)
        first = testing.Workspace(path)
        first.lock()
        second = testing.Workspace(path)
        waiter = threading.Thread(target=second.lock)
        with contextlib.redirect_stdout(io.StringIO()) as out:
            waiter.start()
            waiter.join(1)
            self.assertIs(waiter.is_alive(), True)
            first._lock.close()
            waiter.join(10)
        self.assertIs(waiter.is_alive(), False)
        self.assertEqual(
            out.getvalue(), f"==> Waiting for the other run in {path} to end\n"
        )
        second._lock.close()


# Enters testing.postgres() and reports its port, then waits to be stopped.
# Ctrl-C must reach it even when the tests run in a background job, which
# ignores SIGINT.
CLUSTER_SCRIPT = """
import signal, sys, time
from pathlib import Path
from series import testing

signal.signal(signal.SIGINT, signal.default_int_handler)

ws = testing.Workspace(sys.argv[1], sys.argv[2] or None)
with testing.postgres(ws, Path(sys.argv[1], "tree")):
    print(Path(sys.argv[1], "tree", "tests", "test_postgres.py").read_text())
    print("READY", flush=True)
    time.sleep(120)
"""


class PostgresTests(unittest.TestCase):
    def setUp(self):
        # As root, the cluster runs as the test command's unprivileged user.
        user = testing.Workspace.create().user if not os.geteuid() else None
        self.ws = testing.Workspace(mkdtemp(self), user)
        (self.ws.path / "tree" / "tests").mkdir(parents=True)
        self.ws.give(self.ws.path)

    def start(self):
        proc = subprocess.Popen(
            [sys.executable, "-c", CLUSTER_SCRIPT, self.ws.path, self.ws.user or ""],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.addCleanup(proc.stdout.close)
        self.addCleanup(proc.kill)
        settings = ""
        for line in proc.stdout:
            if line.strip() == "READY":
                break
            settings += line
        port = int(settings.split('"PORT": ')[1].split(",")[0])
        return proc, port, settings

    def assertStopped(self, proc, port, signum):
        proc.send_signal(signum)
        self.assertNotEqual(proc.wait(timeout=60), 0)
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
        self.assertFalse((self.ws.path / "pgdata").exists())

    def test_cluster_listens_on_loopback_and_settings_point_to_it(self):
        proc, port, settings = self.start()
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        self.assertIn('"HOST": "127.0.0.1"', settings)
        self.assertIn("from test_sqlite import *", settings)
        self.assertStopped(proc, port, signal.SIGTERM)

    def test_ctrl_c_stops_the_cluster(self):
        proc, port, _ = self.start()
        self.assertStopped(proc, port, signal.SIGINT)

    def test_failure_stops_the_cluster(self):
        tree = self.ws.path / "tree"
        with self.assertRaises(ZeroDivisionError):
            with testing.postgres(self.ws, tree):
                port = int(
                    (tree / "tests" / "test_postgres.py")
                    .read_text()
                    .split('"PORT": ')[1]
                    .split(",")[0]
                )
                1 / 0
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()


class PostgresEngineTests(unittest.TestCase):
    def test_the_last_extra_series_with_an_engine_file_names_it(self):
        root = Path(mkdtemp(self))
        for layer, engine in (("timeline/2029", "a.engine"), ("endstate", None)):
            (root / layer).mkdir(parents=True)
            if engine:
                (root / layer / "engine").write_text(f"{engine}\n")
        self.assertEqual(testing.postgres_engine((), root), testing.POSTGRES_ENGINE)
        self.assertEqual(
            testing.postgres_engine(("timeline/2029", "endstate"), root), "a.engine"
        )
        (root / "endstate" / "engine").write_text("b.engine")
        self.assertEqual(
            testing.postgres_engine(("timeline/2029", "endstate"), root), "b.engine"
        )


class TestCommandTests(unittest.TestCase):
    def test_reports_failures_in_the_closing_line_and_exit_status(self):
        """
        A tree whose tests fail on both backends makes the command exit 1 and
        count them; the run is quick as it is limited to one test module.
        """
        tree = Path(mkdtemp(self), "tree")
        patches.materialize(tree)
        test = tree / "tests" / "basic" / "tests.py"
        test.write_text(test.read_text() + textwrap.dedent("""
                class DeliberateFailureTests(SimpleTestCase):
                    def test_fails(self):
                        self.fail("deliberately")
                """))
        proc = subprocess.run(
            [sys.executable, "-m", "series", "test", "--tree", tree]
            + ["basic.tests.DeliberateFailureTests", "basic.tests.ModelTest"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        self.assertEqual(proc.returncode, 1, proc.stdout[-2000:] + proc.stderr[-2000:])
        lines = proc.stdout.splitlines()
        self.assertRegex(
            lines[-3], r"^sqlite: \d+ tests in \d+ s: \d+ passed, 1 failed"
        )
        self.assertRegex(
            lines[-2], r"^postgres: \d+ tests in \d+ s: \d+ passed, 1 failed"
        )
        self.assertRegex(lines[-1], r"^\d+ passed, 2 failed, \d+ skipped$")
