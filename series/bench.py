"""
The bench command: bench/variants.py and bench/project.py on stock Django and
on the patched build, with the ratios patched/stock.

Both builds come from the same pinned sdist, each in a venv of its own under
build/bench: stock installs the sdist as is, patched installs this repository
(the series applied by the build backend).

The instructions each call executes, counted by valgrind's callgrind, are
repeatable to a fraction of a percent for the same code, but any change of the
code, even an unused function added to a module, moves them by up to 1%: the
addresses and hashes of objects change, and with them the hits of CPython's
caches. The bench counts them under several hash seeds and takes the mean, so
that no single layout decides the targets. Times follow:
each round runs the worker once per build, in alternating order, so that drift
in the machine's speed falls on both; a benchmark's ratio is the median of its
per-round ratios of median times, and the range of those ratios shows the
noise. The memory that model classes keep, measured with tracemalloc, is
exact too.

The workers measure only public behaviour (save() and asave(), class creation,
django.setup()), so that they run on any build of the series, whatever its
internals are named. A benchmark that only the patched build has, named
"<benchmark>, stated" (the fallback stated with the public helper of the
series, which stock Django lacks), is compared with stock's "<benchmark>" (the
same override, which stock runs without any fallback); its stock figure is
marked with an asterisk.
"""

import concurrent.futures
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from . import ROOT, testing, thirdparty, upstream

# The workers, in the order of their benchmarks in the tables.
WORKERS = [ROOT / "bench" / "variants.py", ROOT / "bench" / "project.py"]
WORK = ROOT / "build" / "bench"
# The worker of the end state's benchmarks, and what it needs besides Django.
ENDSTATE = ROOT / "bench" / "endstate.py"
ENDSTATE_NEEDS = ["django-async-backend==6.1.5", thirdparty.PSYCOPG]
# The suffix of the benchmarks that only the patched build has.
STATED = ", stated"
MARK = "*"
NOTE = (
    f"{MARK} stock has no stated form: the figure is that of the row without "
    f"{STATED!r}."
)


def venv(name, requirement, python, options=(), extra=()):
    """
    Return the interpreter of the venv name, with Django installed from
    requirement with pip's options, and the requirements extra.
    """
    path = WORK / name
    if not (path / "bin" / "python").exists():
        subprocess.run([python, "-m", "venv", path], check=True)
    testing.say(f"Installing {name} Django into {path}")
    pip = [path / "bin" / "python", "-m", "pip", "install", "--quiet"]
    subprocess.run(
        [*pip, *options, "--force-reinstall", "--no-deps", requirement], check=True
    )
    subprocess.run([*pip, *options, requirement], check=True)
    if extra:
        subprocess.run([*pip, *extra], check=True)
    return path / "bin" / "python"


def worker(python, script, *args, env=None):
    return json.loads(
        subprocess.run(
            [python, script, *args],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        ).stdout
    )


def workers(python, *args, env=None, scripts=WORKERS):
    """Return the results of the workers scripts, merged."""
    return {
        name: value
        for script in scripts
        for name, value in worker(python, script, *args, env=env).items()
    }


def instructions(python, calls=50, seeds=(1, 2, 3), scripts=WORKERS, env=None):
    """
    Return {benchmark: instructions per call}, counted by callgrind, the mean
    of a run per hash seed: the same seed gives the same count, and each seed
    another layout of the caches. The runs share the cores: each counts its
    own instructions only.
    """

    def count(script, name, seed):
        seeded = {**(env or os.environ), "PYTHONHASHSEED": str(seed)}
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                ["valgrind", "--tool=callgrind", "--dump-before=getppid"]
                + [f"--callgrind-out-file={tmp}/out", python, script]
                + ["--instructions", str(calls), name],
                check=True,
                capture_output=True,
                env=seeded,
            )
            dump = Path(tmp, "out.2").read_text()
        return int(re.search(r"^totals: (\d+)$", dump, re.M)[1])

    runs = {}
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as executor:
        for script in scripts:
            for name, unit in worker(python, script, "--names", env=env).items():
                per = calls if unit == "call" else 1
                runs[name] = (
                    per,
                    [executor.submit(count, script, name, seed) for seed in seeds],
                )
    return {
        name: statistics.mean(future.result() for future in futures) / per
        for name, (per, futures) in runs.items()
    }


def main(rounds=10, seconds=0.3):
    python = testing.find_python()
    builds = {
        "stock": venv("stock", upstream.fetch(), python),
        "patched": venv("patched", ROOT, python),
    }
    if shutil.which("valgrind"):
        count_instructions(builds)
    else:
        testing.say("Note: valgrind is missing, so instructions are not counted.")
    if rounds:
        time_calls(builds, rounds, seconds)
    measure_memory(builds)
    counts = {build: worker(builds[build], WORKERS[0], "--counts") for build in builds}

    def cell(counted):
        return f"{counted['boundaries']}, {counted['functions']}"

    _table(
        ["boundaries, functions run", "stock", "patched"],
        [
            [name, cell(counts["stock"][base]) + _mark(name, base)]
            + [cell(counts["patched"][name])]
            for name, base in _rows(counts["stock"], counts["patched"])
        ],
    )


def endstate(rounds=10, seconds=0.3, tasks=50, rows=20, one_way_ms=0.5):
    """
    Compare the end state (endstate/) with stock Django on PostgreSQL with
    django-async-backend's engine, on one throwaway server: instructions and
    times per call, and the throughput of tasks tasks saving rows each, on
    loopback and through a relay (series/latency.py) that delays each
    direction by one_way_ms, as a network between two hosts would.
    """
    python = testing.find_python()
    builds = {
        "stock": venv("stock-endstate", upstream.fetch(), python, extra=ENDSTATE_NEEDS),
        "end state": venv(
            "endstate",
            ROOT,
            python,
            options=["--config-settings", "series=endstate"],
            extra=ENDSTATE_NEEDS,
        ),
    }
    ws = testing.Workspace.create()
    with testing.cluster(ws) as server, _relay(server, one_way_ms) as relayed:
        env = {
            **os.environ,
            "PGHOST": server["host"],
            "PGPORT": str(server["port"]),
            "PGUSER": server["user"],
            "PGPASSWORD": server["password"],
        }
        scripts = [ENDSTATE]
        if shutil.which("valgrind"):
            count_instructions(builds, scripts=scripts, env=env)
        if not rounds:
            return
        time_calls(builds, rounds, seconds, scripts=scripts, env=env)
        testing.say(f"Saving rows with {tasks} tasks at once, {rounds} rounds")
        networks = {
            "loopback": env,
            f"{one_way_ms:g} ms each way": {**env, "PGPORT": str(relayed)},
        }
        found = {(network, build): [] for network in networks for build in builds}
        for index in range(rounds):
            for network, build in sorted(found, reverse=index % 2):
                (rate,) = worker(
                    builds[build],
                    ENDSTATE,
                    "--throughput",
                    str(tasks),
                    str(rows),
                    env=networks[network],
                ).values()
                found[network, build].append(rate)
        table = []
        for network in networks:
            stock, native = (
                statistics.median(found[network, build]) for build in builds
            )
            table.append(
                [f"{tasks} tasks x {rows} rows, {network}"]
                + [f"{stock:,.0f}", f"{native:,.0f}", f"{native / stock:.2f}"]
            )
        _table(["rows saved a second", *builds, "ratio"], table)


@contextlib.contextmanager
def _relay(server, one_way_ms):
    """Run series/latency.py in front of server; yield its port."""
    port = testing.free_port()
    relay = subprocess.Popen(
        [sys.executable, "-m", "series.latency", str(port), server["host"]]
        + [str(server["port"]), str(one_way_ms)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        if relay.stdout.readline().strip() != "ready":
            raise RuntimeError("series/latency.py did not start.")
        yield port
    finally:
        relay.kill()
        relay.wait()


def count_instructions(builds, **kwargs):
    testing.say("Counting instructions with callgrind")
    counted = {build: instructions(builds[build], **kwargs) for build in builds}
    stock, patched = counted.values()
    _table(
        ["instructions per call", *builds, "ratio"],
        [
            [name, f"{stock[base]:,.0f}{_mark(name, base)}", f"{patched[name]:,.0f}"]
            + [f"{patched[name] / stock[base]:.3f}"]
            for name, base in _rows(stock, patched)
        ],
    )


def measure_memory(builds):
    testing.say("Measuring memory with tracemalloc")
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    measured = {build: workers(builds[build], "--memory", env=env) for build in builds}
    _table(
        ["bytes kept, per class or whole", "stock", "patched", "ratio"],
        [
            [name, f"{stock:,.0f}", f"{measured['patched'][name]:,.0f}"]
            + [f"{measured['patched'][name] / stock:.3f}"]
            for name, stock in measured["stock"].items()
        ],
    )


def time_calls(builds, rounds, seconds, scripts=WORKERS, env=None):
    stock, patched = builds
    times = {build: {} for build in builds}
    ratios = {}
    for index in range(rounds):
        testing.say(f"Timing, round {index + 1} of {rounds}")
        medians = {}
        for build in sorted(builds, reverse=index % 2):
            result = workers(
                builds[build], "--times", str(seconds), env=env, scripts=scripts
            )
            medians[build] = {}
            for name, samples in result.items():
                times[build].setdefault(name, []).extend(samples)
                medians[build][name] = statistics.median(samples)
        for name, base in _rows(medians[stock], medians[patched]):
            ratios.setdefault(name, (base, []))[1].append(
                medians[patched][name] / medians[stock][base]
            )
    _table(
        ["time per call", *builds, "ratio", "rounds"],
        [
            [name, _time(statistics.median(times[stock][base])) + _mark(name, base)]
            + [_time(statistics.median(times[patched][name]))]
            + [f"{statistics.median(values):.3f}"]
            + [f"{min(values):.2f}-{max(values):.2f}"]
            for name, (base, values) in ratios.items()
        ],
    )


def _rows(stock, patched):
    """
    Yield (name, stock's name) for the benchmarks of patched, in its order: a
    benchmark "<name>, stated" that stock lacks is compared with its "<name>".
    """
    for name in patched:
        if name in stock:
            yield name, name
        elif name.endswith(STATED) and name.removesuffix(STATED) in stock:
            yield name, name.removesuffix(STATED)


def _mark(name, base):
    return "" if name == base else MARK


def _table(header, rows):
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    print()
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        print("  ".join(cells))
    if any(MARK in cell for row in rows for cell in row[1:]):
        print(NOTE)


def _time(seconds):
    return f"{seconds * 1e6:.1f} us" if seconds < 0.01 else f"{seconds * 1e3:.1f} ms"
