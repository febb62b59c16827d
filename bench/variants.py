"""
Benchmarks of methods with sync and async variants, for the Django installed
in the running interpreter, stock or patched. "python -m series bench" runs
them on both, alternating, and prints the ratios; this script is its worker:

    python bench/variants.py --times SECONDS  # per-call times, as JSON
    python bench/variants.py --counts         # boundaries and calls, as JSON
    python bench/variants.py --memory         # bytes per model class, as JSON
    python bench/variants.py --names          # the benchmarks, as JSON
    valgrind --tool=callgrind --dump-before=getppid \
        python bench/variants.py --instructions CALLS NAME

Times are taken in samples of many calls, and instructions counted, with the
garbage collector paused. Counts are exact: the sync_to_async() and
async_to_sync() boundaries each call crosses, and the Python functions it
runs. Under callgrind, --instructions calls os.getppid() just before and
just after CALLS calls of the benchmark NAME, so that the second dump holds
the instructions of the calls alone: a count that the machine's noise leaves
alone. Each benchmark runs in a process of its own, since the thread hops of
a call cost instructions that depend on what ran before in the process.
--memory measures, with tracemalloc, the bytes that creating model classes
allocates and keeps, per class.

Only public behaviour is measured (save() and asave(), class creation): the
script imports nothing private of Django, and runs on any build of it. On
builds that offer fallback_to_sync_variant (public API of the series' v2),
it also measures the one-sided model with its fallbacks stated, in the
benchmarks whose names end in ", stated".
"""

import asyncio
import gc
import inspect
import json
import os
import sys
import tempfile
import threading
import time
import tracemalloc

import django
from django.conf import settings

# In memory, so that disk writes add no noise; but a file, not :memory:, since
# the async variants use the database from another thread.
DB = tempfile.NamedTemporaryFile(
    suffix=".sqlite3", dir="/dev/shm" if os.path.isdir("/dev/shm") else None
)
settings.configure(
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DB.name}},
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    USE_TZ=False,
)
django.setup()

from asgiref import sync  # NOQA: E402
from django.apps import apps as installed_apps  # NOQA: E402
from django.apps.registry import Apps  # NOQA: E402
from django.contrib.auth import aauthenticate  # NOQA: E402
from django.contrib.auth.models import User  # NOQA: E402
from django.contrib.sessions.backends.cache import SessionStore  # NOQA: E402
from django.core.cache import cache  # NOQA: E402
from django.db import connection, models  # NOQA: E402

try:
    # Public API of the patched build (series v2), absent from stock Django.
    from django.utils.variants import fallback_to_sync_variant  # NOQA: E402
except ImportError:
    fallback_to_sync_variant = None


class Plain(models.Model):
    name = models.CharField(max_length=100, default="")

    class Meta:
        app_label = "bench"


class SyncOnly(models.Model):
    name = models.CharField(max_length=100, default="")

    class Meta:
        app_label = "bench"

    def save(self, **kwargs):
        super().save(**kwargs)

    def delete(self, **kwargs):
        return super().delete(**kwargs)


class AsyncOnly(models.Model):
    name = models.CharField(max_length=100, default="")

    class Meta:
        app_label = "bench"

    async def asave(self, **kwargs):
        await super().asave(**kwargs)

    async def adelete(self, **kwargs):
        return await super().adelete(**kwargs)


class Stated(models.Model):
    """
    SyncOnly with its fallbacks stated, on builds that offer the helper; on
    the others, the same model as SyncOnly, so that both builds define the same
    models.
    """

    name = models.CharField(max_length=100, default="")

    class Meta:
        app_label = "bench"

    def save(self, **kwargs):
        super().save(**kwargs)

    def delete(self, **kwargs):
        return super().delete(**kwargs)

    if fallback_to_sync_variant is not None:
        asave = fallback_to_sync_variant
        adelete = fallback_to_sync_variant


MODELS = (Plain, SyncOnly, AsyncOnly)
with connection.schema_editor() as editor:
    for model in (*MODELS, Stated):
        editor.create_model(model)
    for app_label in ("contenttypes", "auth"):
        for model in installed_apps.get_app_config(app_label).get_models():
            editor.create_model(model)
User.objects.create_user("user", password="password")
SESSION = SessionStore()
SESSION["key"] = "value"
SESSION.save()
cache.set("key", "value")


def save(obj):
    obj.save()


async def asave(obj):
    await obj.asave()


def delete(obj):
    obj.delete()


async def adelete(obj):
    await obj.adelete()


async def aget(obj):
    await Plain.objects.aget(pk=obj.pk)


async def authenticate(obj):
    await aauthenticate(username="user", password="password")


async def session_aget(obj):
    await SessionStore(SESSION.session_key).aget("key")


async def cache_aget(obj):
    await cache.aget("key")


# (name, model, operation): operation(obj) for obj an instance of model.
CALLS = [
    ("save, no override", Plain, save),
    ("asave, no override", Plain, asave),
    ("delete, no override", Plain, delete),
    ("adelete, no override", Plain, adelete),
    ("asave, save() override", SyncOnly, asave),
    ("adelete, delete() override", SyncOnly, adelete),
    ("save, asave() override", AsyncOnly, save),
    ("delete, adelete() override", AsyncOnly, delete),
    ("QuerySet.aget, no override", Plain, aget),
    ("aauthenticate, ModelBackend", Plain, authenticate),
    ("session aget, cache store", Plain, session_aget),
    ("cache aget, LocMemCache", Plain, cache_aget),
]
# On builds that offer fallback_to_sync_variant, the explicit form of the
# fallbacks above (the automatic one is deprecated there). Stock Django has no
# such rows: "python -m series bench" compares them with the rows of the same
# name less ", stated", that is with stock's automatic fallbacks.
if fallback_to_sync_variant is not None:
    CALLS[6:6] = [
        ("asave, save() override, stated", Stated, asave),
        ("adelete, delete() override, stated", Stated, adelete),
    ]


def sample(model, operation, calls):
    """Return the mean time of calls calls, with the collector paused."""
    deleting = operation in (delete, adelete)

    async def async_run():
        obj = await model.objects.acreate()
        elapsed = 0.0
        for _ in range(calls):
            if deleting:
                obj.pk = None
                await sync.sync_to_async(obj.save_base)(force_insert=True)
            start = time.perf_counter()
            await operation(obj)
            elapsed += time.perf_counter() - start
        return elapsed

    def run():
        if inspect.iscoroutinefunction(operation):
            return asyncio.run(async_run())
        obj = model.objects.create()
        elapsed = 0.0
        for _ in range(calls):
            if deleting:
                obj.pk = None
                obj.save_base(force_insert=True)
            start = time.perf_counter()
            operation(obj)
            elapsed += time.perf_counter() - start
        return elapsed

    gc.collect()
    gc.disable()
    try:
        return run() / calls
    finally:
        gc.enable()


# Model classes to create, 500 at a time, cycling through these bases' methods:
# plain models, and models of which two thirds override one variant of a pair,
# sync or async.
CREATIONS = {
    "create 500 models, plain": (Plain,),
    "create 500 models, mixed": MODELS,
}


def define_models(bases, count, apps):
    """Return count model classes of apps, with the methods of bases."""
    classes = []
    for i in range(count):
        base = bases[i % len(bases)]
        attrs = {
            "__module__": __name__,
            "name": models.CharField(max_length=100),
            "Meta": type("Meta", (), {"app_label": "bench", "apps": apps}),
        }
        for name in ("save", "delete", "asave", "adelete"):
            if name in vars(base):
                attrs[name] = vars(base)[name]
        classes.append(type(f"Model{i}", (models.Model,), attrs))
    return classes


def create_models(bases, count=500, collect=True):
    """Time the creation of count model classes with the methods of bases."""
    apps = Apps()
    if collect:
        gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        define_models(bases, count, apps)
        return time.perf_counter() - start
    finally:
        gc.enable()


def memory(count=500):
    """
    Return {name: bytes per class} that creating count model classes allocates
    and keeps, once a first batch has filled the caches.
    """
    result = {}
    for name, bases in CREATIONS.items():
        define_models(bases, count, Apps())
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            kept = define_models(bases, count, Apps())
            gc.collect()
            result[name] = (tracemalloc.get_traced_memory()[0] - before) / count
        finally:
            tracemalloc.stop()
        del kept
    return result


def times(seconds):
    """Sample each benchmark for about seconds; return {name: [times]}."""
    result = {}
    for name, model, operation in CALLS:
        sample(model, operation, 20)  # Warm up.
        samples = []
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            samples.append(sample(model, operation, 20))
        result[name] = samples
    for name, bases in CREATIONS.items():
        create_models(bases)
        samples = []
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline or len(samples) < 3:
            samples.append(create_models(bases))
        result[name] = samples
    return result


def counts():
    """Return {name: {"boundaries": n, "functions": n}} for one call each."""
    boundaries = 0
    for cls in (sync.SyncToAsync, sync.AsyncToSync):

        def counted(self, *args, __call=cls.__call__, **kwargs):
            nonlocal boundaries
            boundaries += 1
            return __call(self, *args, **kwargs)

        cls.__call__ = counted
    functions = 0

    def profile(frame, event, arg):
        nonlocal functions
        if event == "call":
            functions += 1

    result = {}
    for name, model, operation in CALLS:
        obj = model.objects.create()
        # Once untraced, so that first-call work (caches) isn't counted.
        run = asyncio.run if inspect.iscoroutinefunction(operation) else None
        for traced in (False, True):
            if operation in (delete, adelete):
                obj.pk = None
                obj.save_base(force_insert=True)
            boundaries = functions = 0
            if traced:
                threading.setprofile_all_threads(profile)
            try:
                run(operation(obj)) if run else operation(obj)
            finally:
                threading.setprofile_all_threads(None)
        result[name] = {"boundaries": boundaries, "functions": functions}
    return result


def instructions(calls, benchmark):
    """Run calls calls of the benchmark between markers."""
    for name, model, operation in CALLS:
        if name != benchmark:
            continue
        objs = [model.objects.create() for _ in range(calls + 1)]
        # As for the times, the garbage collector is paused during the counted
        # calls: a collection of the older generations costs about a
        # million instructions, and whether one falls among the calls depends
        # on every object the process made before. (On the patched build, one
        # did for the session's aget(), counted 1.08 of stock, not 1.02.)
        gc.collect()
        gc.disable()
        if inspect.iscoroutinefunction(operation):

            async def run(operation=operation):
                await operation(objs[0])
                os.getppid()
                for obj in objs[1:]:
                    await operation(obj)
                os.getppid()

            asyncio.run(run())
        else:
            operation(objs[0])
            os.getppid()
            for obj in objs[1:]:
                operation(obj)
            os.getppid()
    if bases := CREATIONS.get(benchmark):
        create_models(bases)
        gc.collect()
        os.getppid()
        create_models(bases, collect=False)
        os.getppid()


def names():
    """Return {name: unit}: instructions are counted per call, or per run."""
    return {name: "call" for name, _, _ in CALLS} | dict.fromkeys(CREATIONS, "run")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--times"]:
        print(json.dumps(times(float(sys.argv[2]))))
    elif sys.argv[1:2] == ["--instructions"]:
        instructions(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1:] == ["--names"]:
        print(json.dumps(names()))
    elif sys.argv[1:] == ["--memory"]:
        print(json.dumps(memory()))
    elif sys.argv[1:] == ["--counts"]:
        print(json.dumps(counts()))
    else:
        sys.exit(__doc__)
