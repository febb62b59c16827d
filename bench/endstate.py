"""
Benchmarks of the end state (endstate/), for the Django installed in the
running interpreter, stock or built with endstate/, on PostgreSQL with
django-async-backend's engine. "python -m series bench --endstate" runs them
on both builds, on one PostgreSQL server, and prints the ratios; this script
is its worker:

    python bench/endstate.py --times SECONDS     # per-call times, as JSON
    python bench/endstate.py --throughput TASKS ROWS  # rows saved a second
    python bench/endstate.py --names             # the benchmarks, as JSON
    valgrind --tool=callgrind --dump-before=getppid \\
        python bench/endstate.py --instructions CALLS NAME

The server and credentials come from libpq's environment variables (PGHOST,
PGPORT, PGUSER, PGPASSWORD); the worker makes tables of its own in the
database "postgres" and drops them when it ends.

The calls are Django's own async variants, with nothing overridden, and
asave() of a model that overrides save() (its fallback stated on builds that
have fallback_to_sync_variant). On stock Django, each runs its sync variant
in a thread, on Django's sync connection; on the end state, those with
nothing overridden run on the package's async connection. Every call runs in
one task, on one async connection of its own.

The throughput: TASKS tasks at once, each on an async connection of its own
(the package's connections belong to one task), each saving ROWS new rows
with asave(). The connections are open before the clock starts.
"""

import asyncio
import gc
import json
import os
import sys
import time

import django
from django.conf import settings

settings.configure(
    DATABASES={
        "default": {
            "ENGINE": "django_async_backend.db.backends.postgresql",
            "NAME": "postgres",
        }
    },
    INSTALLED_APPS=[
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django_async_backend",
    ],
    USE_TZ=False,
)
django.setup()

from django.db import DEFAULT_DB_ALIAS, connection, models  # NOQA: E402
from django_async_backend.db import (  # NOQA: E402
    async_connections,
    async_new_connection,
)

try:
    # Public API of the patched build (series v2), absent from stock Django.
    from django.utils.variants import fallback_to_sync_variant  # NOQA: E402
except ImportError:
    fallback_to_sync_variant = None


class Plain(models.Model):
    name = models.CharField(max_length=100, default="")

    class Meta:
        app_label = "bench"
        # Workers run at once: tables of their own.
        db_table = f"bench_endstate_plain_{os.getpid()}"


class Stamped(models.Model):
    name = models.CharField(max_length=100, default="")
    saves = models.IntegerField(default=0)

    class Meta:
        app_label = "bench"
        db_table = f"bench_endstate_stamped_{os.getpid()}"

    def save(self, **kwargs):
        self.saves += 1
        super().save(**kwargs)

    if fallback_to_sync_variant is not None:
        asave = fallback_to_sync_variant


async def asave(obj):
    await obj.asave()


async def adelete(obj):
    await obj.adelete()


async def aget(obj):
    await Plain.objects.aget(pk=obj.pk)


async def acreate(obj):
    await Plain.objects.acreate(name="created")


async def acount(obj):
    await Plain.objects.filter(pk=obj.pk).acount()


async def arefresh_from_db(obj):
    await obj.arefresh_from_db()


# (name, model, operation): operation(obj) for obj a saved instance of model,
# one per call.
CALLS = [
    ("asave, no override", Plain, asave),
    ("adelete, no override", Plain, adelete),
    ("QuerySet.aget, no override", Plain, aget),
    ("QuerySet.acreate, no override", Plain, acreate),
    ("QuerySet.acount, no override", Plain, acount),
    ("arefresh_from_db, no override", Plain, arefresh_from_db),
    ("asave, save() override", Stamped, asave),
]


def run(main):
    """Run main() in an event loop, on an async connection of its own."""
    return asyncio.run(async_new_connection(main)())


def objects(model, count):
    return model.objects.bulk_create(model() for _ in range(count))


def times(seconds, samples=10):
    """
    Return {name: [seconds per call, for each sample]}, samples of calls
    that last about seconds / samples each, the garbage collector paused.
    """
    result = {}
    for name, model, operation in CALLS:
        # Calibrate: the calls of one sample.
        objs = objects(model, 11)

        async def calibrate():
            await operation(objs[0])
            start = time.perf_counter()
            for obj in objs[1:]:
                await operation(obj)
            return (time.perf_counter() - start) / 10

        calls = max(1, round(seconds / samples / run(calibrate)))
        objs = objects(model, calls * samples)

        async def measure():
            found = []
            for index in range(samples):
                batch = objs[index * calls : (index + 1) * calls]
                start = time.perf_counter()
                for obj in batch:
                    await operation(obj)
                found.append((time.perf_counter() - start) / calls)
            return found

        gc.collect()
        gc.disable()
        try:
            result[name] = run(measure)
        finally:
            gc.enable()
    return result


def throughput(tasks, rows):
    """
    Return the rows a second that tasks tasks, each saving rows, save. Each
    task opens its connection before the clock starts, as a pool would have
    it open: the figure is that of the saves.
    """

    async def save(index, ready, start):
        async with async_new_connection():
            await async_connections[DEFAULT_DB_ALIAS].ensure_connection()
            await ready.wait()
            await start.wait()
            for row in range(rows):
                await Plain(name=f"{index}-{row}").asave()

    async def main(tasks):
        ready = asyncio.Barrier(tasks + 1)
        start = asyncio.Event()
        jobs = [
            asyncio.create_task(save(index, ready, start)) for index in range(tasks)
        ]
        await ready.wait()
        begun = time.perf_counter()
        start.set()
        await asyncio.gather(*jobs)
        return time.perf_counter() - begun

    # Both builds' sync connection (stock's asave() uses it) is open too.
    asyncio.run(main(1))
    elapsed = asyncio.run(main(tasks))
    if Plain.objects.count() != (tasks + 1) * rows:
        raise AssertionError("Rows are missing.")
    return {f"{tasks} tasks saving {rows} rows each": tasks * rows / elapsed}


def instructions(calls, benchmark):
    """Run calls calls of the benchmark between markers."""
    for name, model, operation in CALLS:
        if name != benchmark:
            continue
        objs = objects(model, calls + 1)

        async def main():
            await operation(objs[0])
            # As in variants.py, the collector is paused for the counted
            # calls.
            gc.collect()
            gc.disable()
            os.getppid()
            for obj in objs[1:]:
                await operation(obj)
            os.getppid()

        run(main)


def names():
    return {name: "call" for name, _, _ in CALLS}


def main(argv):
    if argv == ["--names"]:
        return names()
    with connection.schema_editor() as editor:
        for model in (Plain, Stamped):
            editor.execute(f"DROP TABLE IF EXISTS {model._meta.db_table}")
            editor.create_model(model)
    try:
        if argv[:1] == ["--times"]:
            return times(float(argv[1]))
        if argv[:1] == ["--throughput"]:
            return throughput(int(argv[1]), int(argv[2]))
        if argv[:1] == ["--instructions"]:
            return instructions(int(argv[1]), argv[2])
        raise SystemExit(__doc__)
    finally:
        with connection.schema_editor() as editor:
            for model in (Plain, Stamped):
                editor.delete_model(model)


if __name__ == "__main__":
    result = main(sys.argv[1:])
    if result is not None:
        print(json.dumps(result))
