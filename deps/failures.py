"""
The failures the DEP lists, run on stock Django and on the patched tree:

    python3 -m series materialize    # once: builds tree/
    python3 deps/failures.py

Each case is a few lines that a user could write, run in a subprocess that
imports the django package of one tree (the stock sdist's, or tree/ with the
series), with a throwaway SQLite database and a small app written to a
temporary directory. A case prints what happened; the table puts stock and
patched side by side.
"""

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deps"))
from inventory import TREE, extract_stock, venv  # NOQA: E402

MODELS = """
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class LockedOutUser(User):
    class Meta:
        proxy = True

    def check_password(self, raw_password):
        if self.username == "locked":
            return False
        return super().check_password(raw_password)


class SoftDeleteManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(deleted=False)

    def get(self, *args, **kwargs):
        return self.model._base_manager.get(*args, **kwargs)


class Item(models.Model):
    name = models.CharField(max_length=20, unique=True)
    deleted = models.BooleanField(default=False)

    objects = SoftDeleteManager()


class Article(models.Model):
    title = models.CharField(max_length=20)
    slug = models.CharField(max_length=20, blank=True)

    async def asave(self, **kwargs):
        self.slug = self.title.lower()
        await super().asave(**kwargs)


class AccountSession(AbstractBaseSession):
    account_id = models.IntegerField(null=True)

    @classmethod
    def get_session_store_class(cls):
        return AccountStore


class AccountStore(DBStore):
    @classmethod
    def get_model_class(cls):
        return AccountSession

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        obj.account_id = data.get("account")
        return obj
"""

BACKENDS = """
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User


class RejectingBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username == "blocked":
            return None
        return super().authenticate(request, username, password, **kwargs)


class ObjectPermissionBackend:
    def authenticate(self, request, username=None, password=None):
        user = User.objects.filter(username=username).first()
        return user if user and user.check_password(password) else None

    def get_user(self, user_id):
        return User.objects.filter(pk=user_id).first()

    def has_perm(self, user_obj, perm, obj=None):
        return obj == "document"
"""


async def run_cases():
    from asgiref.sync import sync_to_async
    from django.contrib import auth
    from django.contrib.auth.models import User
    from django.test import override_settings
    from failures_app.models import AccountStore, Article, Item

    results = {}

    async def case(name, coroutine):
        try:
            results[name] = repr(await coroutine)
        except Exception as e:
            results[name] = type(e).__name__

    await User.objects.acreate_user("blocked", password="secret")
    await User.objects.acreate_user("locked", password="secret")
    ada = await User.objects.acreate_user("ada", password="secret")

    with override_settings(
        AUTHENTICATION_BACKENDS=["failures_app.backends.RejectingBackend"]
    ):
        await case(
            "ModelBackend subclass rejecting a user: aauthenticate()",
            auth.aauthenticate(username="blocked", password="secret"),
        )
    with override_settings(AUTH_USER_MODEL="failures_app.LockedOutUser"):
        await case(
            "check_password() lock-out: aauthenticate()",
            auth.aauthenticate(username="locked", password="secret"),
        )
    with override_settings(
        AUTHENTICATION_BACKENDS=["failures_app.backends.ObjectPermissionBackend"]
    ):
        await case(
            "backend without BaseBackend: aauthenticate()",
            auth.aauthenticate(username="ada", password="secret"),
        )
        await case(
            "backend without BaseBackend: ahas_perm() of an object",
            ada.ahas_perm("app.view_document", "document"),
        )
    await Item.objects.acreate(name="gone", deleted=True)

    async def soft_delete_aget():
        return (await Item.objects.aget(name="gone")).name

    await case("soft-delete manager's get(): aget()", soft_delete_aget())

    async def create_model_instance():
        session = AccountStore()
        await session.aset("account", 42)
        await session.asave()
        model = AccountStore.get_model_class()
        return (await model.objects.aget(pk=session.session_key)).account_id

    await case(
        "session store's create_model_instance(): asave()", create_model_instance()
    )

    def save_through_create():
        return Article.objects.create(title="Title").slug

    await case(
        "model overriding only asave(): QuerySet.create()",
        sync_to_async(save_through_create)(),
    )
    return results


def analyze(directory):
    """Set up Django and an app in directory, run the cases, print JSON."""
    import asyncio

    app = Path(directory, "failures_app")
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "backends.py").write_text(textwrap.dedent(BACKENDS))
    (app / "models.py").write_text(textwrap.dedent(MODELS))
    sys.path.insert(0, directory)

    import django
    from django.conf import settings

    settings.configure(
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(Path(directory, "db.sqlite3")),
            }
        },
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sessions",
            "failures_app",
        ],
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        SECRET_KEY="deps/failures.py",
        SILENCED_SYSTEM_CHECKS=["async.W001"],
        USE_TZ=True,
    )
    django.setup()
    from django.apps import apps
    from django.db import connection

    with connection.schema_editor() as editor:
        for model in apps.get_models():
            if not model._meta.proxy:
                editor.create_model(model)
    print(json.dumps(asyncio.run(run_cases())))


def run(python, django_dir):
    with tempfile.TemporaryDirectory() as tmp:
        return json.loads(
            subprocess.run(
                [python, __file__, "--analyze", tmp],
                env={**os.environ, "PYTHONPATH": str(django_dir)},
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )


def main():
    with tempfile.TemporaryDirectory() as stock:
        extract_stock(stock)
        python = venv()
        results = {"stock": run(python, stock), "patched": run(python, TREE)}
    header = ["case", "stock 6.1.3", "patched"]
    rows = [
        [name, value, results["patched"][name]]
        for name, value in results["stock"].items()
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    for row in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())


if __name__ == "__main__":
    if sys.argv[1:2] == ["--analyze"]:
        analyze(sys.argv[2])
    else:
        main()
