"""
The cost of django.setup() for a project of 200 models, for the Django
installed in the running interpreter, stock or patched. "python -m series
bench" runs it on both; this script is its worker:

    python bench/project.py --times SECONDS   # one setup()'s time, as JSON
    python bench/project.py --memory          # bytes setup() retains, as JSON
    python bench/project.py --names           # the benchmarks, as JSON
    valgrind --tool=callgrind --dump-before=getppid \
        python bench/project.py --instructions CALLS NAME

Each run writes a project into a temporary directory: the apps of
"startproject" and an app, "catalog", whose models.py holds 200 concrete
models with a few fields each, written by models_source(): abstract bases and
mixins, custom managers and querysets, foreign keys and many-to-many fields,
multi-table inheritance, and overrides of save(), delete() and, on a few
models, asave(). The source is compiled before anything is measured, so that
compiling it costs nothing in the measures. Under callgrind, --instructions
calls os.getppid() just before and just after django.setup(), so that the
second dump holds the instructions of setup() alone (CALLS is ignored:
setup() runs once per process).

Only public behaviour is measured: the script imports nothing private of
Django, and runs on any build of it.
"""

import compileall
import gc
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

MODELS = 200
SETUP = f"django.setup(), {MODELS} models"

HEADER = '''\
"""200 models, written by bench/project.py."""

from django.db import models
from django.urls import reverse
from django.utils.text import slugify


class TimeStamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        get_latest_by = "created"


class SoftDeleteQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted=False)

    def dead(self):
        return self.filter(deleted=True)

    def delete(self):
        return self.update(deleted=True)


class SoftDeleteManager(models.Manager.from_queryset(SoftDeleteQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(deleted=False)


class SoftDelete(models.Model):
    deleted = models.BooleanField(default=False, db_index=True)

    objects = SoftDeleteManager()
    all_objects = models.Manager()

    class Meta:
        abstract = True

    def delete(self, using=None, keep_parents=False):
        self.deleted = True
        self.save(update_fields=["deleted"])
        return 1, {self._meta.label: 1}


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def drafts(self):
        return self.filter(published=False)


class Publishable(models.Model):
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True


class SlugMixin:
    def save(self, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(**kwargs)


class AuditMixin:
    def delete(self, **kwargs):
        self.audit_note = "deleted"
        return super().delete(**kwargs)


class AsyncNotifyMixin:
    async def asave(self, **kwargs):
        await super().asave(**kwargs)
        self.notified = True
'''

# (bases, extra fields) for each kind of model, cycled through by index.
KINDS = [
    ("models.Model", ""),
    ("TimeStamped", ""),
    ("SoftDelete, TimeStamped", ""),
    ("Publishable, TimeStamped", ""),
    ("SlugMixin, TimeStamped", "    slug = models.SlugField(blank=True)\n"),
    ("models.Model", ""),
    ("AuditMixin, TimeStamped", "    audit_note = models.TextField(blank=True)\n"),
    ("Publishable", ""),
    ("models.Model", ""),
    ("TimeStamped", ""),
]

FIELDS = [
    "models.IntegerField(default=0)",
    "models.DecimalField(max_digits=10, decimal_places=2, default=0)",
    "models.TextField(blank=True)",
    "models.BooleanField(default=True)",
    "models.DateField(null=True, blank=True)",
    "models.EmailField(blank=True)",
    "models.PositiveSmallIntegerField(choices=[(1, 'Low'), (2, 'High')], default=1)",
    "models.URLField(blank=True)",
]


def model_source(index):
    """Return the source of model number index, all earlier ones defined."""
    name = f"Item{index:03d}"
    bases, fields = KINDS[index % len(KINDS)]
    if index % 50 == 49:
        # Multi-table inheritance, from the previous model of the plain kind.
        bases = f"Item{index - 9:03d}"
    lines = [f"class {name}({bases}):\n"]
    prefix = f"f{index:03d}"
    if bases == f"Item{index - 9:03d}":
        lines.append(f"    {prefix}_extra = models.CharField(max_length=50)\n")
    else:
        lines.append("    name = models.CharField(max_length=100)\n")
    lines.append(fields)
    for offset in range(2 + index % 3):
        field = FIELDS[(index + offset) % len(FIELDS)]
        lines.append(f"    {prefix}_{offset} = {field}\n")
    if index >= 3:
        target = f"Item{index - 1 - index % 3:03d}"
        on_delete = "CASCADE" if index % 2 else "SET_NULL, null=True, blank=True"
        lines.append(
            f"    {prefix}_parent = models.ForeignKey({target}, models.{on_delete},"
            f" related_name='{name.lower()}_children')\n"
        )
    if index % 10 == 7 and index >= 20:
        lines.append(
            f"    tags = models.ManyToManyField(Item{index - 17:03d},"
            f" blank=True, related_name='{name.lower()}_tagged')\n"
        )
    lines.append("\n    class Meta:\n")
    lines.append(f"        verbose_name = 'item {index}'\n")
    if index % 4 == 0:
        lines.append('        ordering = ["-pk"]\n')
    if index % 12 == 5:
        lines.append(f'        indexes = [models.Index(fields=["{prefix}_0"])]\n')
    if index % 15 == 8:
        lines.append(
            "        constraints = [models.UniqueConstraint("
            f'fields=["name", "{prefix}_0"], name="{name.lower()}_unique")]\n'
        )
    lines.append(
        "\n    def __str__(self):\n"
        f"        return str(self.{'pk' if bases.startswith('Item') else 'name'})\n"
    )
    if index % 6 == 1:
        lines.append(
            "\n    def get_absolute_url(self):\n"
            f'        return reverse("{name.lower()}", args=[self.pk])\n'
        )
    if index % 5 == 2:
        lines.append(
            "\n    def save(self, **kwargs):\n"
            f"        self.{prefix}_0 = self.{prefix}_0\n"
            "        super().save(**kwargs)\n"
        )
    if index % 9 == 4:
        lines.append(
            "\n    def delete(self, **kwargs):\n"
            "        result = super().delete(**kwargs)\n"
            "        return result\n"
        )
    if index % 40 == 13:
        lines.append(
            "\n    async def asave(self, **kwargs):\n"
            "        await super().asave(**kwargs)\n"
        )
    if index % 8 == 6:
        lines.append(
            "\n    def clean(self):\n"
            "        super().clean()\n"
            "        self.name = self.name.strip()\n"
        )
    if index % 33 == 20:
        # A model of its own with a mixin of async overrides.
        lines[0] = f"class {name}(AsyncNotifyMixin, {bases}):\n"
    return "".join(lines)


def models_source(count=MODELS):
    return HEADER + "".join(f"\n\n{model_source(i)}" for i in range(count))


def write_project(directory):
    """Write the catalog app into directory, compiled, and configure it."""
    app = Path(directory, "catalog")
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text(models_source())
    compileall.compile_dir(app, quiet=1)
    sys.path.insert(0, str(directory))

    from django.conf import settings

    settings.configure(
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(Path(directory, "db.sqlite3")),
            }
        },
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "catalog",
        ],
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
    )


def run(measure):
    """Write the project, and return measure(django.setup)."""
    import django

    with tempfile.TemporaryDirectory() as directory:
        write_project(directory)
        result = measure(django.setup)
        from django.apps import apps

        concrete = [
            model
            for model in apps.get_app_config("catalog").get_models()
            if not model._meta.auto_created
        ]
        assert len(concrete) == MODELS, len(concrete)
        return result


def timed(setup):
    gc.collect()
    start = time.perf_counter()
    setup()
    return time.perf_counter() - start


def counted(setup):
    os.getppid()
    setup()
    os.getppid()


def retained(setup):
    """Return the bytes that setup() allocates and keeps, imports included."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        setup()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--times"]:
        # One sample per process: setup() runs once.
        print(json.dumps({SETUP: [run(timed)]}))
    elif sys.argv[1:2] == ["--instructions"]:
        run(counted)
    elif sys.argv[1:] == ["--names"]:
        print(json.dumps({SETUP: "run"}))
    elif sys.argv[1:] == ["--memory"]:
        print(json.dumps({f"{SETUP}, whole": run(retained)}))
    else:
        sys.exit(__doc__)
