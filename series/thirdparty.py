"""
The thirdparty command: popular packages that override sync and async
variants of methods, each run against stock Django and against the patched
build, in one run.

For each package of PACKAGES, pinned, it downloads the package's source (its
sdist from the package index, or an upstream tarball pinned by sha256 where
the sdist has no tests), installs it with its test requirements into a venv
of its own, and then, once with a wheel of the pinned Django sdist and once
with a wheel of this repository:

* runs the package's own test suite, as the package's CI does, and collects
  the tests that fail;
* runs the package's equivalence checks, thirdparty/<app>/tests.py, on
  SQLite and on PostgreSQL: each operation the package customizes, done
  through the sync variants and through the async variants from the same
  database state, must return the same values and leave the same rows.

A package may name extra builds (EXTRA_BUILDS: the end state, endstate/)
that its equivalence checks run on too.

It works where the test command does (build/test, or the home of its
unprivileged user when run as root), on one throwaway PostgreSQL cluster, and
prints two tables: the suites (tests, failures on stock, on patched, and new
failures, the tests that fail on patched only) and the equivalence checks
(how many disagree on each build and database). It exits non-zero if a
suite has new failures, if an equivalence check fails on the patched build,
or if a package can't be set up.
"""

import collections
import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from . import ROOT, SeriesError, testing, upstream

CHECKS = ROOT / "thirdparty"
BUILDS = ("stock", "patched")
# Builds of extra series that some packages' equivalence checks run on too,
# with pip's options for them.
EXTRA_BUILDS = {"endstate": ["--config-settings", "series=endstate"]}
# The PostgreSQL driver of the equivalence checks, in every venv.
PSYCOPG = "psycopg[binary]==3.2.13"
# The type checker that the fix command's edits are checked with, in a venv
# of its own, with the stubs of Django that its users install.
MYPY = ["mypy==2.4.1", "django-stubs==6.1.2"]
# The fix command's line for a class it changed: path:line: Class: added ...
CHANGED = r"^\S+:\d+: \w+: added .+$"
DATABASES = ("sqlite", "postgresql")


@dataclass
class Package:
    """A package, its pinned source, and how its CI runs its suite."""

    name: str
    version: str
    # The app of its equivalence checks, under thirdparty/.
    app: str
    # The suite's command, run from the source's top directory. "{python}" is
    # the venv's interpreter; "{checks}", thirdparty/.
    command: list = field(default_factory=list)
    # "unittest" (Django's runner) or "pytest": how to read the output.
    runner: str = "unittest"
    requirements: list = field(default_factory=list)
    # Environment of the suite; values are formatted with the PostgreSQL
    # server's host, port, user and password.
    env: dict = field(default_factory=dict)
    # An upstream tarball, for a package whose sdist has no tests.
    url: str = ""
    sha256: str = ""
    # Why the suite can't run, for a package without a suite to download.
    no_suite: str = ""
    # The EXTRA_BUILDS that its equivalence checks run on too.
    extra_builds: tuple = ()
    # The environment that imports its test project, as the commands that
    # read DJANGO_SETTINGS_MODULE do (formatted as env is), and the
    # directories of its packages and of its test project's, relative to
    # the source's top directory: the fix command's run (see Harness.fix).
    project: dict = field(default_factory=dict)
    packages: tuple = ()


PACKAGES = [
    Package(
        "django-async-backend",
        "6.1.5",
        "async_backend_variants",
        # Classes of other packages, for the checks of Django's async
        # variants on the end state.
        requirements=["django-model-utils==5.0.0", "django-safedelete==1.5.0"],
        no_suite=(
            "its sdist has no tests; its repository's suite is run by hand "
            "(see README.rst)"
        ),
        extra_builds=("endstate",),
        project={
            "DJANGO_SETTINGS_MODULE": "package_settings",
            "PACKAGE_APPS": "django_async_backend",
            "PYTHONPATH": "{checks}/suites",
        },
        packages=("django_async_backend",),
    ),
    Package(
        "django-model-utils",
        "5.0.0",
        "model_utils_variants",
        ["{python}", "-m", "pytest", "-p", "no:cacheprovider", "-rfE"],
        runner="pytest",
        # requirements-test.txt, with time-machine and psycopg2-binary
        # releases that install on Python 3.13.
        requirements=[
            "pytest==7.4.3",
            "pytest-django==4.5.2",
            "time-machine==3.6.0",
            "psycopg2-binary==2.9.13",
        ],
        # Its CI runs on PostgreSQL.
        env={
            "POSTGRES_HOST": "{host}",
            "POSTGRES_PORT": "{port}",
            "POSTGRES_USER": "{user}",
            "POSTGRES_PASSWORD": "{password}",
            "POSTGRES_DB": "postgres",
        },
        project={"DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": "."},
        packages=("model_utils", "tests"),
    ),
    Package(
        "django-mptt",
        "0.18",
        "mptt_variants",
        ["{python}", "tests/manage.py", "test", "myapp"],
        requirements=["django-js-asset==3.1.2", "model-bakery==1.20.5"],
        # Its sdists hold the mptt package only; Debian's source package
        # has upstream's tarball of the release, with the tests.
        url=(
            "http://deb.debian.org/debian/pool/main/p/python-django-mptt/"
            "python-django-mptt_0.18.orig.tar.gz"
        ),
        sha256="12c3681b631352a2bcc32a13f3053400a4ff95fe71867bd15f58a40bc084f44d",
        project={"DJANGO_SETTINGS_MODULE": "settings", "PYTHONPATH": ".:tests"},
        packages=("mptt", "tests/myapp"),
    ),
    Package(
        "django-ordered-model",
        "3.7.4",
        "ordered_model_variants",
        ["{python}", "-m", "django", "test", "--pythonpath=."]
        + ["--settings=tests.settings"],
        requirements=["djangorestframework==3.18.3"],
        project={"DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": "."},
        packages=("ordered_model", "tests"),
    ),
    Package(
        "django-polymorphic",
        "4.11.7",
        "polymorphic_variants",
        no_suite=(
            "its sdist has no tests (pyproject.toml leaves src/polymorphic/tests "
            "out), nor has any file of the release on the package index"
        ),
        project={
            "DJANGO_SETTINGS_MODULE": "package_settings",
            "PACKAGE_APPS": "polymorphic",
            "PYTHONPATH": "{checks}/suites",
        },
        packages=("src/polymorphic",),
    ),
    Package(
        "django-reversion",
        "6.4.0",
        "reversion_variants",
        ["{python}", "tests/manage.py", "test", "tests"],
        # Its settings name an engine that Django 3.0 removed: its CI's
        # PostgreSQL alias on the cluster, its MySQL alias on SQLite.
        env={
            "PYTHONPATH": "{checks}/suites",
            "DJANGO_SETTINGS_MODULE": "reversion_settings",
            "DJANGO_DATABASE_HOST_POSTGRES": "{host}",
            "DJANGO_DATABASE_USER_POSTGRES": "{user}",
            "DJANGO_DATABASE_PASSWORD_POSTGRES": "{password}",
            "PGPORT": "{port}",
        },
        project={"PYTHONPATH": "{checks}/suites:.:tests"},
        packages=("reversion", "tests/test_app"),
    ),
    Package(
        "django-safedelete",
        "1.5.0",
        "safedelete_variants",
        ["{python}", "-m", "django", "test", "safedelete.tests", "--pythonpath=."]
        + ["--settings=safedelete.tests.settings"],
        project={
            "DJANGO_SETTINGS_MODULE": "safedelete.tests.settings",
            "PYTHONPATH": ".",
        },
        packages=("safedelete",),
    ),
    Package(
        "django-simple-history",
        "3.13.0",
        "simple_history_variants",
        ["{python}", "runtests.py"],
        project={
            "DJANGO_SETTINGS_MODULE": "simple_history_settings",
            "PYTHONPATH": "{checks}/suites:.",
        },
        packages=("simple_history",),
    ),
    Package(
        "django-treebeard",
        "7.0.3",
        "treebeard_variants",
        ["{python}", "-m", "pytest", "-p", "no:cacheprovider", "-rfE"]
        + ["--ds=tests.settings", "-o", "django_find_project=false"],
        runner="pytest",
        requirements=["pytest==8.4.2", "pytest-django==4.11.1"],
        env={"PYTHONPATH": ".", "DATABASE_ENGINE": "sqlite"},
        project={"DJANGO_SETTINGS_MODULE": "tests.settings"},
        packages=("treebeard", "tests"),
    ),
]


@dataclass
class Suite:
    """What a run of a package's suite reported."""

    ran: int = 0
    failed: set = field(default_factory=set)
    # False when the runner stopped before reporting its results.
    reported: bool = False


def parse_unittest(output):
    """
    Read the output of unittest's runner, maybe of several runs: "Ran N
    tests" and "OK"/"FAILED (...)" lines, and a "FAIL: <test>" or "ERROR:
    <test>" line for each test that failed.
    """
    suite = Suite()
    suite.ran = sum(map(int, re.findall(r"^Ran (\d+) tests? in", output, re.M)))
    suite.reported = bool(re.search(r"^(OK|FAILED)\b", output, re.M))
    suite.failed = set(re.findall(r"^(?:FAIL|ERROR): (.+)$", output, re.M))
    return suite


def parse_pytest(output):
    """
    Read the output of pytest -rfE: its last line counts the outcomes
    ("3 failed, 340 passed, 5 skipped in 1.4s"), and its short summary has
    a "FAILED <test>" or "ERROR <test>" line for each test that failed.
    """
    suite = Suite()
    summary = re.findall(r"^=* ?(\d+ \w+.*) in [\d.]+s", output, re.M)
    if summary:
        counts = dict(
            (word.rstrip("s"), int(n))
            for n, word in re.findall(r"(\d+) (\w+)", summary[-1])
        )
        suite.ran = sum(
            counts.get(key, 0)
            for key in ("passed", "failed", "skipped", "xfailed", "xpassed", "error")
        )
        suite.reported = True
    suite.failed = {
        line.split(" - ")[0]
        for line in re.findall(r"^(?:FAILED|ERROR) (.+)$", output, re.M)
    }
    return suite


PARSERS = {"unittest": parse_unittest, "pytest": parse_pytest}


@dataclass
class Fix:
    """What the fix command did to a package's source, and what followed."""

    # Its lines for the classes it changed, and for those it listed.
    changed: list = field(default_factory=list)
    listed: list = field(default_factory=list)
    # Its lines for the classes it changed when reading the sources only.
    static: list = field(default_factory=list)
    # Whether a second run changed nothing.
    idempotent: bool = False
    # What explicit.py printed, and whether it found nothing.
    explicit: str = ""
    clean: bool = False
    # mypy's errors before and after, without their line numbers.
    mypy_before: collections.Counter = field(default_factory=collections.Counter)
    mypy_after: collections.Counter = field(default_factory=collections.Counter)

    def new_mypy_errors(self):
        return self.mypy_after - self.mypy_before

    def static_share(self):
        """
        Return how many of the changes the static reading alone makes, and
        how many it makes that the imported run doesn't.
        """
        imported, static = _edits(self.changed), _edits(self.static)
        return len(imported & static), len(static - imported)

    def ok(self):
        return self.idempotent and self.clean and not self.new_mypy_errors()


@dataclass
class Result:
    """A package's suites and equivalence checks, on each build."""

    package: Package
    # On each of BUILDS, and on the patched build after the fix ("fixed").
    suites: dict = field(default_factory=dict)
    # {(build, database): {check: "pass", "fail" or "skip"}}
    checks: dict = field(default_factory=dict)
    fix: Fix = None
    error: str = ""

    def new_failures(self, build="patched"):
        if not {"stock", build} <= set(self.suites):
            return set()
        return self.suites[build].failed - self.suites["stock"].failed

    def failing_checks(self, build, database):
        outcomes = self.checks.get((build, database), {})
        return sorted(name for name, outcome in outcomes.items() if outcome == "fail")

    def ok(self):
        return (
            not self.error
            and not self.new_failures()
            and not self.new_failures("fixed")
            and (self.fix is None or self.fix.ok())
            and all(s.reported for s in self.suites.values())
            and all(
                self.checks.get((build, database)) is not None
                and not self.failing_checks(build, database)
                for build in ("patched", *self.package.extra_builds)
                for database in DATABASES
            )
        )


class Harness:
    """The work directory, the wheels, and the PostgreSQL server."""

    def __init__(self, ws, python, server):
        self.ws = ws
        self.python = python
        self.server = server
        self.path = ws.path / "thirdparty"
        self.path.mkdir(exist_ok=True)
        ws.give(self.path)
        self.checks = self.path / "checks"
        shutil.rmtree(self.checks, ignore_errors=True)
        shutil.copytree(
            CHECKS, self.checks, ignore=shutil.ignore_patterns("__pycache__")
        )
        ws.give(self.checks)
        # The fix command and the stubs of its helpers, for the venvs.
        self.tool = self.path / "tool"
        shutil.rmtree(self.tool, ignore_errors=True)
        for name in ("series", "stubs"):
            shutil.copytree(
                ROOT / name,
                self.tool / name,
                ignore=shutil.ignore_patterns("__pycache__", "tests"),
            )
        ws.give(self.tool)
        self.wheels = {}
        for build in BUILDS:
            self.wheel(build)

    def wheel(self, build):
        """
        Return the wheel of a build of Django, building it the first time:
        stock, of the pinned Django sdist; the others, of this repository,
        that is, of the sdist with the series applied (and an extra series).
        """
        if build not in self.wheels:
            source = upstream.fetch() if build == "stock" else ROOT
            dest = self.path / "wheels" / build
            shutil.rmtree(dest, ignore_errors=True)
            testing.say(f"Building the {build} wheel of Django")
            subprocess.run(
                [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
                + ["--ignore-requires-python", *EXTRA_BUILDS.get(build, [])]
                + ["--wheel-dir", dest, source],
                check=True,
            )
            self.ws.give(dest)
            (self.wheels[build],) = dest.glob("*.whl")
        return self.wheels[build]

    def fetch(self, package):
        """Return the path of the package's source archive, downloading it."""
        dists = self.path / "dists"
        dists.mkdir(exist_ok=True)
        if package.url:
            archive = dists / package.url.rsplit("/", 1)[1]
            if not archive.exists() or _sha256(archive) != package.sha256:
                testing.say(f"Downloading {package.url}")
                with urllib.request.urlopen(package.url, timeout=120) as response:
                    archive.write_bytes(response.read())
            if _sha256(archive) != package.sha256:
                raise SeriesError(
                    f"{package.url} doesn't have the pinned sha256 "
                    f"{package.sha256}: check the pin in series/thirdparty.py."
                )
            return archive
        if not (found := _find_sdist(dists, package)):
            testing.say(f"Downloading {package.name}=={package.version}")
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
                # The venvs' Python installs it, maybe newer than this one.
                + ["--ignore-requires-python"]
                + ["--no-binary=:all:", "--dest", dists]
                + [f"{package.name}=={package.version}"],
                check=True,
            )
            found = _find_sdist(dists, package)
        return found

    def prepare(self, package):
        """
        Unpack the package's source and install it with its test
        requirements into its venv; return the venv's interpreter and the
        source's top directory.
        """
        archive = self.fetch(package)
        source = self.path / "src" / f"{package.name}-{package.version}"
        shutil.rmtree(source, ignore_errors=True)
        source.mkdir(parents=True)
        upstream.unpack(archive, source)
        self.ws.give(source)
        # A venv per set of requirements: changing them makes a new one.
        requirements = [source, PSYCOPG, *package.requirements]
        digest = hashlib.sha256(" ".join(requirements[1:]).encode()).hexdigest()
        venv = self.path / "venvs" / f"{package.name}-{package.version}-{digest[:8]}"
        python = venv / "bin" / "python"
        if not python.exists():
            testing.say(f"Creating the venv {venv}")
            self.ws.run(self.python, "-m", "venv", venv)
            self.ws.run(python, "-m", "pip", "install", "--quiet", *requirements)
        else:
            # As released: the fix stage installs a fixed copy.
            self.install(python, source)
        return python, source

    def env(self, extra=()):
        server = {**self.server, "checks": self.checks}
        return {
            **self.ws.env,
            "PGHOST": server["host"],
            "PGPORT": str(server["port"]),
            "PGUSER": server["user"],
            "PGPASSWORD": server["password"],
            **{key: value.format(**server) for key, value in dict(extra).items()},
        }

    def suite(self, package, python, source, build, env=()):
        """Run the package's suite and return its Suite."""
        command = [
            arg.format(python=python, checks=self.checks) for arg in package.command
        ]
        proc = self.ws.run(
            *command,
            cwd=source,
            env=self.env({**package.env, **dict(env)}),
            check=False,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        suite = PARSERS[package.runner](proc.stdout)
        if proc.returncode and not suite.failed:
            # Stopped before reporting results, or failed in another way.
            suite.reported = False
        self.log(package, build, proc.stdout)
        return suite

    def equivalence(self, package, python, database):
        """Run the package's equivalence checks; return {check: outcome}."""
        results = self.path / "results.json"
        results.unlink(missing_ok=True)
        env = {
            "EQUIVALENCE_APP": package.app,
            "EQUIVALENCE_RESULTS": str(results),
            "EQUIVALENCE_DATABASE": database,
        }
        self.ws.run(
            python,
            "-m",
            "django",
            "test",
            package.app,
            "--settings=settings",
            "--noinput",
            cwd=self.checks,
            env=self.env(env),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not results.exists():
            return None
        return {
            name.removeprefix(f"{package.app}.tests."): outcome
            for name, outcome in json.loads(results.read_text()).items()
        }

    def install(self, python, *args):
        self.ws.run(
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--force-reinstall",
            "--no-deps",
            *args,
        )

    def fix(self, package, python, source, result):
        """
        Run the fix command on a copy of the package's source, with its test
        project imported (Package.project), then, on the patched build: run
        it again (it must change nothing), install the fixed copy, run the
        suite with the series' warning as an error, and explicit.py. mypy
        checks the package's directories before and after. The venv gets the
        package as released back.
        """
        fix = result.fix = Fix()
        fixed = source.with_name(f"{source.name}-fixed")
        shutil.rmtree(fixed, ignore_errors=True)
        shutil.copytree(source, fixed, symlinks=True)
        self.ws.give(fixed)
        self.install(python, self.wheel("patched"))
        env = self.env({**package.env, **package.project})
        env["PYTHONPATH"] = _path(self.tool, env.get("PYTHONPATH"))

        def run(*args, name, env=env, cwd=fixed):
            proc = self.ws.run(
                python,
                "-m",
                *args,
                cwd=cwd,
                env=env,
                check=False,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            self.log(package, name, proc.stdout)
            return proc

        fix.mypy_before = self.mypy(fixed, package.packages)
        # What reading the sources only would change, for the report.
        static = source.with_name(f"{source.name}-static")
        shutil.rmtree(static, ignore_errors=True)
        shutil.copytree(source, static, symlinks=True)
        self.ws.give(static)
        output = run(
            "series",
            "fix",
            ".",
            name="fix-static",
            env={k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"},
            cwd=static,
        ).stdout
        fix.static = re.findall(CHANGED, output, re.M)
        shutil.rmtree(static)
        output = run("series", "fix", ".", name="fix").stdout
        if not re.search(r"^\d+ file\(s\) changed", output, re.M):
            raise SeriesError(f"The fix command failed on {package.name}:\n{output}")
        fix.changed = re.findall(CHANGED, output, re.M)
        fix.listed = re.findall(r"^\S+:\d+: \w+ overrides .+$", output, re.M)
        again = run("series", "fix", ".", name="fix-again").stdout
        fix.idempotent = "\n0 file(s) changed" in f"\n{again}"
        fix.mypy_after = self.mypy(fixed, package.packages)
        try:
            self.install(python, fixed)
            if package.command:
                testing.say(f"{package.name}: its suite on patched Django, fixed")
                result.suites["fixed"] = self.suite(
                    package,
                    python,
                    fixed,
                    "fixed",
                    {
                        "PYTHONPATH": _path(
                            "{checks}/fixed", package.env.get("PYTHONPATH")
                        )
                    },
                )
            proc = run(
                "explicit",
                *(Path(directory).name for directory in package.packages),
                name="explicit",
                env={
                    **env,
                    "PYTHONPATH": _path(self.checks / "fixed", env["PYTHONPATH"]),
                },
            )
            fix.explicit, fix.clean = proc.stdout, proc.returncode == 0
        finally:
            self.install(python, source)

    def mypy(self, source, directories):
        """
        Return mypy's errors on the directories of source, each as (file,
        message, code), without its line: a Counter.
        """
        venv = self.path / "venvs" / "-".join(MYPY).replace("==", "-")
        if not (venv / "bin" / "python").exists():
            testing.say(f"Creating the venv {venv}")
            self.ws.run(self.python, "-m", "venv", venv)
            self.ws.run(
                venv / "bin" / "python", "-m", "pip", "install", "--quiet", *MYPY
            )
        proc = self.ws.run(
            venv / "bin" / "python",
            "-m",
            "mypy",
            "--no-incremental",
            "--no-error-summary",
            f"--config-file={self.checks / 'mypy.ini'}",
            *directories,
            cwd=source,
            env={**self.ws.env, "MYPYPATH": str(self.tool / "stubs")},
            check=False,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if proc.returncode not in (0, 1):
            raise SeriesError(f"mypy failed on {source}:\n{proc.stdout[-2000:]}")
        # The fix moves lines: messages that name one name "line N".
        return collections.Counter(
            (path, re.sub(r"\bline \d+", "line N", message))
            for path, message in re.findall(
                r"^([^:\n]+):\d+: error: (.*)$", proc.stdout, re.M
            )
        )

    def log(self, package, name, text):
        log = self.path / "logs" / f"{package.name}-{name}.log"
        log.parent.mkdir(exist_ok=True)
        log.write_text(text)

    def run(self, package):
        result = Result(package)
        try:
            python, source = self.prepare(package)
            for build in (*BUILDS, *package.extra_builds):
                self.install(python, self.wheel(build))
                if package.command and build in BUILDS:
                    testing.say(f"{package.name}: its suite on {build} Django")
                    result.suites[build] = self.suite(package, python, source, build)
                for database in DATABASES:
                    testing.say(
                        f"{package.name}: equivalence checks on {build} Django, "
                        f"{database}"
                    )
                    result.checks[build, database] = self.equivalence(
                        package, python, database
                    )
            if package.packages:
                testing.say(f"{package.name}: the fix command on its source")
                self.fix(package, python, source, result)
        except (subprocess.CalledProcessError, OSError, SeriesError) as e:
            result.error = str(e)
        return result


def _edits(lines):
    """The fix command's lines for changed classes, without their lines."""
    return {re.sub(r":\d+:", ":", line, count=1) for line in lines}


def _path(*entries):
    """Return a PYTHONPATH of the entries that aren't None."""
    return ":".join(str(entry) for entry in entries if entry is not None)


def _sha256(path):
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _find_sdist(dists, package):
    """Return the package's sdist in dists, or None."""
    for path in dists.glob(f"*-{package.version}.tar.gz"):
        name = path.name.removesuffix(f"-{package.version}.tar.gz")
        if _normalize(name) == _normalize(package.name):
            return path


def report(results):
    """Print the tables of the suites and of the equivalence checks."""
    print()
    print("Suites of the packages, on stock and patched Django:")
    rows = [("package", "version", "tests", "failed on stock", "on patched", "new")]
    for result in results:
        package = result.package
        if result.error:
            rows.append((package.name, package.version, f"error: {result.error}"))
        elif package.no_suite:
            rows.append((package.name, package.version, f"not run: {package.no_suite}"))
        else:
            stock, patched = result.suites["stock"], result.suites["patched"]
            rows.append(
                (
                    package.name,
                    package.version,
                    str(patched.ran),
                    _failed(stock),
                    _failed(patched),
                    str(len(result.new_failures())),
                )
            )
    _table(rows)
    print()
    print("Equivalence checks, sync and async variants compared (how many fail):")
    builds = [*BUILDS]
    builds += [
        b for b in EXTRA_BUILDS if any(b in r.package.extra_builds for r in results)
    ]
    header = ("package", "checks")
    header += tuple(f"{build} {database}" for build in builds for database in DATABASES)
    rows = [header]
    for result in results:
        if result.error:
            continue
        row = [result.package.name]
        row.append(str(max(len(c or {}) for c in result.checks.values())))
        for build in builds:
            for database in DATABASES:
                if build not in (*BUILDS, *result.package.extra_builds):
                    row.append("-")
                elif result.checks.get((build, database)) is None:
                    row.append("didn't run")
                else:
                    row.append(str(len(result.failing_checks(build, database))))
        rows.append(row)
    _table(rows)
    print()
    print(
        "The fix command on the packages' sources (how many of its changes "
        "it makes reading the sources only, and how many it makes then that "
        "it doesn't with the project imported), then on the patched build: "
        "the suite with the warning as an error, explicit.py, and mypy:"
    )
    rows = [
        ("package", "changed", "of them static", "static only", "listed", "again")
        + ("suite", "new", "explicit", "mypy before", "after", "new")
    ]
    for result in results:
        if (fix := result.fix) is None:
            continue
        fixed = result.suites.get("fixed")
        rows.append(
            (
                result.package.name,
                str(len(fix.changed)),
                *map(str, fix.static_share()),
                str(len(fix.listed)),
                "no change" if fix.idempotent else "changed",
                _failed(fixed) if fixed else "-",
                str(len(result.new_failures("fixed"))) if fixed else "-",
                "clean" if fix.clean else "not clean",
                str(sum(fix.mypy_before.values())),
                str(sum(fix.mypy_after.values())),
                str(sum(fix.new_mypy_errors().values())),
            )
        )
    _table(rows)
    for result in results:
        for test in sorted(result.new_failures()):
            print(f"New failure: {result.package.name}: {test}")
        for test in sorted(result.new_failures("fixed")):
            print(f"New failure once fixed: {result.package.name}: {test}")
        if fix := result.fix:
            for line in fix.changed + fix.listed:
                print(f"Fix command: {result.package.name}: {line}")
            for (path, message), n in fix.new_mypy_errors().items():
                print(f"New mypy error: {result.package.name}: {path}: {message}")
            if not fix.clean:
                print(f"explicit.py: {result.package.name}:\n{fix.explicit}")
        for build in builds:
            for database in DATABASES:
                for check in result.failing_checks(build, database):
                    print(
                        f"Fails on {build} {database}: {result.package.name}: {check}"
                    )


def _failed(suite):
    if not suite.reported:
        return "crashed"
    return str(len(suite.failed))


def _table(rows):
    widths = [
        max(len(row[i]) for row in rows if len(row) == len(rows[0]))
        for i in range(len(rows[0]))
    ]
    for row in rows:
        if len(row) < len(rows[0]):
            # A package that didn't run: its reason fills the row.
            print(
                "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:2])),
                row[2],
            )
            continue
        print(
            "  ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(row)
            )
        )


def main(names=(), python=None):
    """Run the named packages, or all; return the process's exit status."""
    packages = [p for p in PACKAGES if not names or p.name in names]
    if unknown := set(names) - {p.name for p in PACKAGES}:
        raise SeriesError(
            f"Unknown package {', '.join(sorted(unknown))}: choose among "
            f"{', '.join(p.name for p in PACKAGES)}."
        )
    ws = testing.Workspace.create()
    python = testing.prepare_python(ws, testing.find_python(python))
    start = time.monotonic()
    with testing.cluster(ws) as server:
        harness = Harness(ws, python, server)
        results = [harness.run(package) for package in packages]
    report(results)
    failed = [r.package.name for r in results if not r.ok()]
    print(
        f"{len(results) - len(failed)} of {len(results)} packages OK in "
        f"{time.monotonic() - start:.0f} s"
        + (f"; not OK: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0
