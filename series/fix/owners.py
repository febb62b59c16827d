"""
Write owners.json, the table of the fixer of one-sided overrides: every class
of the patched django package that django.utils.variants.pairs() finds pairs
on, under each module attribute bound to it, with its pairs as [sync, async,
optional]. Run it with an interpreter that imports the patched Django (and
asgiref), from the repository's root:

    PYTHONPATH=tree python -m series.fix.owners

Modules that need libraries this machine may lack (GIS, MySQL, Oracle,
PostgreSQL's contrib) are left out: their classes declare no variants.
"""

import importlib
import json
import pkgutil
import sys
from pathlib import Path

SKIP = (
    "django.conf.locale",
    "django.contrib.gis",
    "django.contrib.postgres",
    "django.db.backends.mysql",
    "django.db.backends.oracle",
)


def owners():
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.messages",
            "django.contrib.sessions",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3"}},
        ROOT_URLCONF=[],
    )
    django.setup()
    from django.utils.variants import pairs

    found = {}
    modules = pkgutil.walk_packages(django.__path__, "django.", onerror=lambda _: 0)
    for info in modules:
        if (
            info.name.startswith(SKIP)
            or ".migrations" in info.name
            or (".management.commands." in info.name)
        ):
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception:
            # Management commands and the like that need more.
            continue
        for name, value in list(vars(module).items()):
            # By type: isinstance() would evaluate a lazy object.
            if name.startswith("_") or not issubclass(type(value), type):
                continue
            if value.__module__.startswith("django.") and (found_pairs := pairs(value)):
                found[f"{module.__name__}.{name}"] = sorted(
                    [pair.sync_name, pair.async_name, pair.optional]
                    for pair in found_pairs
                )
    return found


if __name__ == "__main__":
    path = Path(__file__).with_name("owners.json")
    path.write_text(json.dumps(owners(), indent=1, sort_keys=True) + "\n")
    print(f"Wrote {path}.", file=sys.stderr)
