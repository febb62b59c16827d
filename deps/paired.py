"""
Paired overrides, for the DEP: a class that overrides both variants of a
method and whose async override calls super(). Which bodies run when the async
variant is called, on stock Django and on the patched tree.

    python3 -m series materialize    # once: builds tree/
    python3 deps/paired.py [--python PYTHON]

Stock Django's own async code sometimes calls the sync variant through the
instance (Model.asave(), BaseCache.aincr()), so that both overrides run; the
series' independent fixes add that call to acheck_password() and adecr(). Each
case prints the methods of the class that ran, in order. Each tree runs in a
subprocess that imports its django package, with an in-memory SQLite database.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deps"))
from inventory import TREE, extract_stock, venv  # NOQA: E402


def cases():
    """Yield (name, coroutine function returning the names that ran)."""
    from django.contrib.auth.models import User
    from django.core.cache.backends.locmem import LocMemCache
    from django.db import models

    ran = []

    class Article(models.Model):
        class Meta:
            app_label = "contenttypes"

        def save(self, **kwargs):
            ran.append("save")

        async def asave(self, **kwargs):
            ran.append("asave")
            await super().asave(**kwargs)

    class CountingUser(User):
        class Meta:
            proxy = True
            app_label = "auth"

        def check_password(self, raw_password):
            ran.append("check_password")
            return super().check_password(raw_password)

        async def acheck_password(self, raw_password):
            ran.append("acheck_password")
            return await super().acheck_password(raw_password)

    class CountingCache(LocMemCache):
        def incr(self, key, delta=1, version=None):
            ran.append("incr")
            return super().incr(key, delta, version)

        async def aincr(self, key, delta=1, version=None):
            ran.append("aincr")
            return await super().aincr(key, delta, version)

        def decr(self, key, delta=1, version=None):
            ran.append("decr")
            return super().decr(key, delta, version)

        async def adecr(self, key, delta=1, version=None):
            ran.append("adecr")
            return await super().adecr(key, delta, version)

    async def model_asave():
        await Article().asave()

    async def user_acheck_password():
        user = CountingUser(username="u")
        user.set_password("pw")
        await user.acheck_password("pw")

    async def cache_aincr():
        cache = CountingCache("aincr", {})
        await cache.aset("k", 1)
        await cache.aincr("k")

    async def cache_adecr():
        cache = CountingCache("adecr", {})
        await cache.aset("k", 1)
        await cache.adecr("k")

    for name, case in [
        ("Model: save() and asave(), asave() called", model_asave),
        ("BaseCache: incr() and aincr(), aincr() called", cache_aincr),
        ("BaseCache: decr() and adecr(), adecr() called", cache_adecr),
        (
            "AbstractBaseUser: check_password() and acheck_password(), "
            "acheck_password() called",
            user_acheck_password,
        ),
    ]:
        ran.clear()
        yield name, case, ran


def analyze():
    import warnings

    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
        DATABASES={
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
        },
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    django.setup()
    warnings.simplefilter("ignore")
    results = {}
    for name, case, ran in cases():
        asyncio.run(case())
        results[name] = ", ".join(f"{method}()" for method in ran)
    print(json.dumps(results))


def run(python, django_dir):
    return json.loads(
        subprocess.run(
            [python, __file__, "--analyze"],
            env={**os.environ, "PYTHONPATH": str(django_dir)},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--python", help="an interpreter with asgiref and sqlparse (default: a venv)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as stock:
        extract_stock(stock)
        python = args.python or venv()
        results = {"stock": run(python, stock), "patched": run(python, TREE)}
    for name, value in results["stock"].items():
        print(name)
        print(f"    stock 6.1.3: {value}")
        print(f"    patched:     {results['patched'][name]}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--analyze"]:
        analyze()
    else:
        main()
