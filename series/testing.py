"""
The test command: Django's own suite on the patched tree, against SQLite and
a throwaway PostgreSQL cluster.

Everything lives in a work directory kept between runs, so the venv and pip's
cache are reused: build/test, or, when run as root, the home of an
unprivileged user the command creates, since Django's file permission tests
fail as root. One run at a time uses it: another one waits. The cluster is
Debian's PostgreSQL, started with initdb and pg_ctl on 127.0.0.1 and a free
port, and stopped however the run ends.
"""

import contextlib
import fcntl
import glob
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import ROOT, SeriesError, patches

BACKENDS = ("sqlite", "postgres")
USER = "django-tests"
USER_HOME = Path("/var/lib/django-tests")
REQUIREMENTS = ("py3.txt", "postgres.txt")
# The ENGINE of the PostgreSQL settings, unless an extra series names one.
POSTGRES_ENGINE = "django.db.backends.postgresql"


def say(message):
    print(f"==> {message}", flush=True)


@dataclass
class Result:
    backend: str
    ran: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    reported: bool = False

    @property
    def passed(self):
        return max(self.ran - self.failed - self.skipped, 0)

    def summary(self):
        counts = f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped"
        if not self.reported:
            counts += " (runtests.py stopped before reporting results)"
        return f"{self.backend}: {self.ran} tests in {self.seconds:.0f} s: {counts}"


def parse(output, backend, seconds):
    """Read unittest's closing lines ("Ran N tests", "OK (skipped=K)")."""
    result = Result(backend, seconds=seconds)
    ran = re.findall(r"^Ran (\d+) tests? in", output, re.M)
    status = re.findall(r"^(OK|FAILED)(?: \((.*)\))?\s*$", output, re.M)
    if not ran or not status:
        result.failed = 1
        return result
    result.ran, result.reported = int(ran[-1]), True
    counts = {}
    for item in filter(None, status[-1][1].split(", ")):
        key, _, value = item.partition("=")
        counts[key] = int(value)
    result.failed = sum(
        counts.get(key, 0) for key in ("failures", "errors", "unexpected successes")
    )
    result.skipped = counts.get("skipped", 0)
    if status[-1][0] == "FAILED" and not result.failed:
        result.failed = 1
    return result


class Workspace:
    """The work directory, and the user that commands in it run as."""

    def __init__(self, path, user=None):
        self.path = Path(path)
        self.user = user
        self.env = {**os.environ, "HOME": str(self.path)}
        self.env.setdefault("LANG", "C.UTF-8")
        if user:
            self.env.update(USER=user, LOGNAME=user)

    @classmethod
    def create(cls):
        """Return the work directory, once no other run uses it."""
        workspace = cls._create()
        workspace.lock()
        return workspace

    @classmethod
    def _create(cls):
        if os.geteuid():
            path = ROOT / "build" / "test"
            path.mkdir(parents=True, exist_ok=True)
            return cls(path)
        try:
            pwd.getpwnam(USER)
        except KeyError:
            say(f"Creating the unprivileged user {USER} (home {USER_HOME})")
            subprocess.run(
                ["useradd", "--system", "--user-group", "--create-home"]
                + ["--home-dir", USER_HOME, "--shell", "/usr/sbin/nologin", USER],
                check=True,
            )
        return cls(pwd.getpwnam(USER).pw_dir, USER)

    def lock(self):
        """
        Wait until no other process holds the work directory, then hold it
        until this one ends: two runs would replace each other's tree.
        """
        self._lock = open(self.path / ".lock", "w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"Waiting for the other run in {self.path} to end")
            fcntl.flock(self._lock, fcntl.LOCK_EX)

    def run(self, *args, **kwargs):
        kwargs.setdefault("check", True)
        kwargs.setdefault("env", self.env)
        if self.user:
            kwargs.update(user=self.user, group=self.user, extra_groups=[])
        return subprocess.run(args, **kwargs)

    def popen(self, *args, **kwargs):
        kwargs.setdefault("env", self.env)
        if self.user:
            kwargs.update(user=self.user, group=self.user, extra_groups=[])
        return subprocess.Popen(args, **kwargs)

    def give(self, path):
        """Hand a file or directory root created to the workspace's user."""
        if self.user:
            subprocess.run(
                ["chown", "-R", f"{self.user}:{self.user}", path], check=True
            )


def find_python(python=None):
    """
    Return an interpreter for the venv: python or $PYTHON if given, else
    the newest Python 3.13, else 3.12, found on PATH or among pyenv's.
    """
    python = python or os.environ.get("PYTHON")
    candidates = [python] if python else []
    if not python:
        for minor in ("3.13", "3.12"):
            root = os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")
            found = glob.glob(f"{root}/versions/{minor}.*/bin/python{minor}")
            candidates += sorted(found, key=_version_key, reverse=True)
            candidates.append(f"python{minor}")
    for candidate in candidates:
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            subprocess.run(
                [candidate, "-c", "import sys; assert sys.version_info >= (3, 12)"],
                check=True,
                capture_output=True,
            )
            return shutil.which(candidate) or candidate
    if python:
        raise SeriesError(f"{python} does not run, or is older than Python 3.12.")
    raise SeriesError(
        "No Python 3.13 or 3.12 found (tried pyenv's and PATH): install one, "
        "or name an interpreter with PYTHON=/path/to/python3."
    )


def _version_key(path):
    return [int(part) for part in re.findall(r"\d+", Path(path).parts[-3])]


def prepare_python(ws, python):
    """
    Return an interpreter the workspace's user can run: python itself, or a
    copy of its installation when the user cannot read it (pyenv's Pythons
    under /root, which is mode 700).
    """
    if not ws.user:
        return python
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        ws.run(python, "-c", "", capture_output=True)
        return python
    info = subprocess.run(
        [python, "-c", "import sys; print(sys.base_prefix, sys.version.split()[0])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    prefix, version = info
    copy = ws.path / f"python-{version}"
    if not copy.exists():
        say(f"Copying {prefix} to {copy}, where {ws.user} can run it")
        shutil.copytree(prefix, copy, symlinks=True)
        ws.give(copy)
    ws.env["LD_LIBRARY_PATH"] = str(copy / "lib")
    return str(copy / "bin" / Path(python).name)


def prepare_venv(ws, python):
    """Create (or reuse) the venv and return its interpreter."""
    version = ws.run(
        python, "-c", "import sys; print(sys.version.split()[0])", capture_output=True
    )
    venv = ws.path / f"venv-{version.stdout.decode().strip()}"
    if not (venv / "bin" / "python").exists():
        say(f"Creating the venv {venv}")
        ws.run(python, "-m", "venv", venv)
    return str(venv / "bin" / "python")


def prepare_tree(ws, source=None, extras=()):
    """
    Put the tree to test at <workspace>/tree: a fresh materialization of
    the series (with the extra series directories extras on top), or a copy
    of the working files of the tree source.
    """
    tree = ws.path / "tree"
    shutil.rmtree(tree, ignore_errors=True)
    if source:
        say(f"Copying {source} to {tree}")
        shutil.copytree(source, tree, ignore=shutil.ignore_patterns(".git"))
    else:
        on_top = "".join(f" + {layer}/" for layer in extras)
        say(
            f"Materializing the series ({len(patches.names())} patches{on_top}) "
            f"at {tree}"
        )
        patches.materialize(tree, extras=extras)
    ws.give(tree)
    return tree


def install(ws, python, tree):
    """
    Install the tree (editable) and its test requirements. When the
    requirements cannot all be installed, each one is tried alone and those
    that fail are reported and skipped: Django's suite skips the tests that
    need them.
    """
    say(f"Installing {tree} and tests/requirements/{{{','.join(REQUIREMENTS)}}}")
    pip = [python, "-m", "pip", "install", "--quiet"]
    ws.run(*pip, "--editable", tree)
    files = [tree / "tests" / "requirements" / name for name in REQUIREMENTS]
    args = [arg for file in files for arg in ("--requirement", file)]
    quietly = {"check": False, "capture_output": True}
    if not ws.run(*pip, *args, **quietly).returncode:
        return
    for file in files:
        for line in file.read_text().splitlines():
            requirement = line.partition("#")[0].strip()
            if requirement and ws.run(*pip, requirement, **quietly).returncode:
                say(
                    f"Note: skipping {requirement!r} from {file.name}: it does "
                    "not install here, so the tests that need it are skipped."
                )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_postgres():
    """
    Return the directory of Debian's PostgreSQL programs, installing them
    first if needed.
    """
    for attempt in range(2):
        found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
        if found:
            return Path(max(found, key=lambda p: int(Path(p).parts[-3]))).parent
        if attempt or os.geteuid():
            break
        say("Installing Debian's PostgreSQL (apt-get install postgresql)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "--quiet"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "--quiet", "--yes", "postgresql"],
            check=True,
            env=env,
        )
    raise SeriesError(
        "PostgreSQL is not installed: run 'sudo apt-get install postgresql', "
        "or test on SQLite only with --backend=sqlite."
    )


@contextlib.contextmanager
def cluster(ws):
    """
    Start a throwaway PostgreSQL cluster on 127.0.0.1 and a free port, yield
    its connection parameters (host, port, user and password), and stop the
    cluster and delete it on the way out, whatever the way.
    """
    bindir = find_postgres()
    data = ws.path / "pgdata"
    shutil.rmtree(data, ignore_errors=True)
    password, port = secrets.token_hex(16), free_port()
    pwfile = ws.path / "pgpass"
    pwfile.write_text(password + "\n")
    ws.give(pwfile)
    ws.run(
        bindir / "initdb",
        "--pgdata",
        data,
        "--username=django",
        f"--pwfile={pwfile}",
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C.UTF-8",
        stdout=subprocess.DEVNULL,
    )
    pwfile.unlink()
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {data} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    say(f"Starting PostgreSQL ({bindir.parent.name}) on 127.0.0.1:{port}")
    # A SIGTERM unwinds the stack as Ctrl-C does, so the cluster is stopped.
    sigterm = signal.signal(signal.SIGTERM, lambda *args: sys.exit(143))
    try:
        ws.run(
            bindir / "pg_ctl",
            "--pgdata",
            data,
            f"--log={ws.path / 'postgresql.log'}",
            "--wait",
            f"--options={options}",
            "start",
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        yield dict(host="127.0.0.1", port=port, user="django", password=password)
    finally:
        say("Stopping PostgreSQL")
        ws.run(
            bindir / "pg_ctl",
            "--pgdata",
            data,
            "--mode=immediate",
            "stop",
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(data, ignore_errors=True)
        signal.signal(signal.SIGTERM, sigterm)


def postgres_engine(extras=(), root=ROOT):
    """
    Return the ENGINE of the PostgreSQL settings: the one that the file
    "engine" of the last extra series directory names, if it has one (such
    as a backend that the series makes async-native), else Django's.
    """
    for layer in reversed(extras):
        if (path := root / layer / "engine").is_file():
            return path.read_text().strip()
    return POSTGRES_ENGINE


@contextlib.contextmanager
def postgres(ws, tree, engine=POSTGRES_ENGINE):
    """
    Start a throwaway cluster, write settings for it, with the ENGINE engine,
    to tests/test_postgres.py in tree, and yield the name of that settings
    module.
    """
    with cluster(ws) as server:
        (tree / "tests" / "test_postgres.py").write_text(
            "from test_sqlite import *  # NOQA\n\n"
            "DATABASES = {\n"
            + "".join(
                f"    {alias!r}: {{\n"
                f'        "ENGINE": "{engine}",\n'
                f'        "NAME": {alias!r},\n'
                f'        "USER": "{server["user"]}",\n'
                f'        "PASSWORD": {server["password"]!r},\n'
                f'        "HOST": "{server["host"]}",\n'
                f'        "PORT": {server["port"]},\n'
                "    },\n"
                for alias in ("default", "other")
            )
            + "}\n"
        )
        yield "test_postgres"


def runtests(ws, python, tree, backend, settings, args):
    """Run tests/runtests.py, echoing its output, and return its Result."""
    say(f"Running Django's test suite on {backend}")
    start = time.monotonic()
    proc = ws.popen(
        python,
        "runtests.py",
        f"--settings={settings}",
        *args,
        cwd=tree / "tests",
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    tail = b""
    while chunk := os.read(proc.stdout.fileno(), 65536):
        sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        tail = (tail + chunk)[-65536:]
    proc.wait()
    result = parse(tail.decode(errors="replace"), backend, time.monotonic() - start)
    if proc.returncode and not result.failed:
        result.failed = 1
    return result


def main(
    backends=BACKENDS, labels=(), python=None, tree=None, runtests_args=(), extras=()
):
    """
    Run the suite on each backend, on the series with the extra series
    directories extras on top, or on the tree; return the exit status.
    """
    ws = Workspace.create()
    python = prepare_venv(ws, prepare_python(ws, find_python(python)))
    tree = prepare_tree(ws, tree, extras)
    install(ws, python, tree)
    args = [*runtests_args, *labels]
    results = []
    for backend in backends:
        if backend == "sqlite":
            results.append(runtests(ws, python, tree, backend, "test_sqlite", args))
        else:
            engine = postgres_engine(extras)
            with postgres(ws, tree, engine) as settings:
                results.append(runtests(ws, python, tree, backend, settings, args))
    print()
    for result in results:
        print(result.summary())
    passed, failed, skipped = (
        sum(getattr(r, attr) for r in results)
        for attr in ("passed", "failed", "skipped")
    )
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0
