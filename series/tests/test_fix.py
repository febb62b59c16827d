import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path
from unittest import mock

from series import ROOT, fix, patches
from series.fix import variants

from . import mkdtemp


def fixed(source):
    result, state = fix.fix_source(textwrap.dedent(source))
    return result, state


class FixTestCase(unittest.TestCase):
    def assertFixes(self, before, after, changes=1, undecided=0):
        result, state = fixed(before)
        self.assertEqual(result, textwrap.dedent(after))
        self.assertEqual(len(state.changes), changes)
        self.assertEqual(len(state.undecided), undecided, state.undecided)
        # Idempotent.
        again, state = fixed(after)
        self.assertEqual(again, textwrap.dedent(after))
        self.assertEqual(state.changes, [])

    def assertLeavesAlone(self, source, undecided=0):
        result, state = fixed(source)
        self.assertEqual(result, textwrap.dedent(source))
        self.assertEqual(len(state.undecided), undecided)


class FixerTests(FixTestCase):
    def test_model(self):
        self.assertFixes(
            '''\
            """Models."""

            from django.db import models


            class Article(models.Model):
                title = models.CharField(max_length=100)  # The title.

                @some_decorator
                def save(self, *args, **kwargs):
                    # Stamp it.
                    super().save(*args, **kwargs)

                class Meta:
                    ordering = ["title"]
            ''',
            '''\
            """Models."""

            from django.db import models
            from django.utils.variants import fallback_to_sync_variant


            class Article(models.Model):
                title = models.CharField(max_length=100)  # The title.

                @some_decorator
                def save(self, *args, **kwargs):
                    # Stamp it.
                    super().save(*args, **kwargs)

                asave = fallback_to_sync_variant

                class Meta:
                    ordering = ["title"]
            ''',
        )

    def test_after_the_attributes_of_the_override(self):
        self.assertFixes(
            """\
            from django.db import models


            class Visible(models.QuerySet):
                def delete(self):
                    return super().delete()
                delete.alters_data = True
                delete.queryset_only = True

                def first(self):
                    pass
            """,
            """\
            from django.db import models
            from django.utils.variants import fallback_to_sync_variant


            class Visible(models.QuerySet):
                def delete(self):
                    return super().delete()
                delete.alters_data = True
                delete.queryset_only = True

                adelete = fallback_to_sync_variant

                def first(self):
                    pass

                afirst = fallback_to_sync_variant
            """,
            changes=2,
        )

    def test_async_override(self):
        self.assertFixes(
            """\
            from django.db.models import Model


            class Article(Model):
                async def adelete(self, **kwargs):
                    return await super().adelete(**kwargs)
            """,
            """\
            from django.db.models import Model
            from django.utils.variants import fallback_to_async_variant


            class Article(Model):
                async def adelete(self, **kwargs):
                    return await super().adelete(**kwargs)

                delete = fallback_to_async_variant
            """,
        )

    def test_manager_queryset_and_mixin_chain(self):
        self.assertFixes(
            """\
            import django.db.models as m
            from django.utils.variants import fallback_to_sync_variant


            class Visible(m.QuerySet):
                def count(self):
                    return super().count()


            class VisibleManager(m.Manager.from_queryset(Visible)):
                def get(self, *args, **kwargs):
                    return super().get(*args, **kwargs)


            class Base(m.Model):
                pass


            class Child(Base):
                def delete(self, **kwargs):
                    return super().delete(**kwargs)
            """,
            """\
            import django.db.models as m
            from django.utils.variants import fallback_to_sync_variant


            class Visible(m.QuerySet):
                def count(self):
                    return super().count()

                acount = fallback_to_sync_variant


            class VisibleManager(m.Manager.from_queryset(Visible)):
                def get(self, *args, **kwargs):
                    return super().get(*args, **kwargs)

                aget = fallback_to_sync_variant


            class Base(m.Model):
                pass


            class Child(Base):
                def delete(self, **kwargs):
                    return super().delete(**kwargs)

                adelete = fallback_to_sync_variant
            """,
            changes=3,
        )

    def test_generic_bases(self):
        self.assertFixes(
            """\
            from typing import Generic, TypeVar

            from django.db.models import QuerySet

            T = TypeVar("T")


            class Typed(QuerySet[T], Generic[T]):
                def delete(self):
                    return super().delete()
            """,
            """\
            from typing import Generic, TypeVar

            from django.db.models import QuerySet
            from django.utils.variants import fallback_to_sync_variant

            T = TypeVar("T")


            class Typed(QuerySet[T], Generic[T]):
                def delete(self):
                    return super().delete()

                adelete = fallback_to_sync_variant
            """,
        )

    def test_interfaces(self):
        # Backends may implement the sync variant only, and the sync variant
        # of an interface doesn't run an async-only override: stating that
        # fallback would change what runs, so it is listed.
        source = """\
            from django.contrib.auth.backends import BaseBackend
            from django.contrib.sessions.backends.base import SessionBase
            from django.core.cache.backends.base import BaseCache
            from django.tasks.backends.base import BaseTaskBackend


            class Backend(BaseBackend):
                def authenticate(self, request, **credentials):
                    pass


            class Store(SessionBase):
                def load(self):
                    return {}


            class Cache(BaseCache):
                async def aget(self, key, default=None, version=None):
                    return default


            class Tasks(BaseTaskBackend):
                def enqueue(self, task, args, kwargs):
                    pass
            """
        self.assertLeavesAlone(source, undecided=1)
        _, state = fixed(source)
        self.assertIn(
            "17: Cache overrides aget() and the sync variant of its interface "
            "doesn't run that override",
            state.undecided[0],
        )

    def test_nested_and_conditional_classes(self):
        self.assertFixes(
            """\
            from typing import TYPE_CHECKING

            from django.db import models

            if TYPE_CHECKING:

                class Typed(models.Model):
                    def save(self, **kwargs):
                        super().save(**kwargs)


            def factory():
                class Made(models.Model):
                    def save(self, **kwargs):
                        super().save(**kwargs)

                return Made
            """,
            """\
            from typing import TYPE_CHECKING

            from django.db import models
            from django.utils.variants import fallback_to_sync_variant

            if TYPE_CHECKING:

                class Typed(models.Model):
                    def save(self, **kwargs):
                        super().save(**kwargs)

                    asave = fallback_to_sync_variant


            def factory():
                class Made(models.Model):
                    def save(self, **kwargs):
                        super().save(**kwargs)

                    asave = fallback_to_sync_variant

                return Made
            """,
            changes=2,
        )

    def test_leaves_alone(self):
        self.assertLeavesAlone("""\
            from django import forms
            from django.db import models
            from django.utils import variants


            class Both(models.Model):
                def save(self, **kwargs):
                    super().save(**kwargs)

                async def asave(self, **kwargs):
                    await super().asave(**kwargs)


            class Stated(models.Model):
                def delete(self, **kwargs):
                    return super().delete(**kwargs)

                adelete = variants.fallback_to_sync_variant


            class RunsIt(models.Model):
                async def asave(self, **kwargs):
                    await sync_to_async(self.save)(**kwargs)


            class Form(forms.ModelForm):
                def save(self, commit=True):
                    return super().save(commit)


            class NotDjangos:
                def save(self):
                    pass
            """)

    def test_lists_classes_with_bases_it_cannot_read(self):
        source = """\
            from django.db import models
            from model_utils.models import TimeStampedModel


            class Stamped(TimeStampedModel):
                def save(self, **kwargs):
                    super().save(**kwargs)


            class Made(make_base()):
                def get(self):
                    pass


            class Mixin:
                def delete(self):
                    pass
            """
        _, state = fixed(source)
        self.assertEqual([line.split(":")[0] for line in state.undecided], ["5", "10"])
        self.assertIn(
            "Stamped overrides save() and has a base that it can't read",
            state.undecided[0],
        )
        self.assertLeavesAlone(source, undecided=2)

    def test_both_helpers_in_one_import(self):
        result, _ = fixed("""\
            from django.db import models


            class A(models.Model):
                def save(self, **kwargs):
                    pass

                async def adelete(self, **kwargs):
                    pass
            """)
        # 86 characters: black keeps it on one line.
        self.assertIn(
            "\nfrom django.utils.variants import fallback_to_async_variant, "
            "fallback_to_sync_variant\n\n",
            result,
        )

    def test_import_joins_the_files_import_of_the_helpers(self):
        self.assertFixes(
            """\
            from django.db import models
            from django.utils.variants import fallback_to_sync_variant


            class A(models.Model):
                def delete(self, **kwargs):
                    pass

                asave = fallback_to_sync_variant

                async def arefresh_from_db(self, **kwargs):
                    pass
            """,
            """\
            from django.db import models
            from django.utils.variants import HELPERS


            class A(models.Model):
                def delete(self, **kwargs):
                    pass

                adelete = fallback_to_sync_variant

                asave = fallback_to_sync_variant

                async def arefresh_from_db(self, **kwargs):
                    pass

                refresh_from_db = fallback_to_async_variant
            """.replace(
                "HELPERS", "fallback_to_async_variant, fallback_to_sync_variant"
            ),
            changes=2,
        )


class ReviewedCasesTests(FixTestCase):
    """Cases that a review of the fixer found."""

    def test_form_feed_and_tabs(self):
        # Python doesn't end a line at a form feed; the body is tab-indented.
        before = (
            "from django.db import models\n\f\n\n"
            "class A(models.Model):\n\tdef save(self):\n\t\tpass\n"
        )
        after = (
            "from django.db import models\n"
            "from django.utils.variants import fallback_to_sync_variant\n\f\n\n"
            "class A(models.Model):\n\tdef save(self):\n\t\tpass\n\n"
            "\tasave = fallback_to_sync_variant\n"
        )
        self.assertEqual(fix.fix_source(before)[0], after)

    def test_line_ends_stay(self):
        before = "from django.db import models\r\n\r\n\r\nclass A(models.Model):\r\n"
        before += "    def save(self):\r\n        pass"
        result, _ = fix.fix_source(before)
        self.assertNotIn("\n", result.replace("\r\n", ""))
        self.assertTrue(result.endswith("    asave = fallback_to_sync_variant\r\n"))

    def test_conditional_variants_and_one_line_classes(self):
        self.assertLeavesAlone(
            """\
            import django
            from django.db import models


            class Versioned(models.QuerySet):
                if django.VERSION >= (6, 2):

                    async def aget(self, *args, **kwargs):
                        pass

                def get(self, *args, **kwargs):
                    pass


            class Short(models.Model): save = print
            """,
            undecided=2,
        )

    def test_same_file_bases_with_variants(self):
        self.assertLeavesAlone(
            """\
            from django.db import models


            class Base(models.Model):
                async def asave(self, **kwargs):
                    await super().asave(**kwargs)

                save = fallback_to_async_variant


            class Child(Base):
                def save(self, **kwargs):
                    super().save(**kwargs)
            """,
            undecided=1,
        )

    def test_names_that_dont_run_the_other_variant(self):
        self.assertFixes(
            """\
            from django.db import models


            class Counting(models.QuerySet):
                async def aupdate(self, **kwargs):
                    kwargs.update(touched=True)
                    return await super().aupdate(**kwargs)
            """,
            """\
            from django.db import models
            from django.utils.variants import fallback_to_async_variant


            class Counting(models.QuerySet):
                async def aupdate(self, **kwargs):
                    kwargs.update(touched=True)
                    return await super().aupdate(**kwargs)

                update = fallback_to_async_variant
            """,
        )

    def test_standard_library_and_geodjango_bases(self):
        self.assertFixes(
            """\
            import logging

            from django.contrib.gis.db import models


            class Handler(logging.Handler, dict):
                def get(self, key):
                    pass


            class Place(models.Model):
                def save(self, **kwargs):
                    pass
            """,
            """\
            import logging

            from django.contrib.gis.db import models
            from django.utils.variants import fallback_to_sync_variant


            class Handler(logging.Handler, dict):
                def get(self, key):
                    pass


            class Place(models.Model):
                def save(self, **kwargs):
                    pass

                asave = fallback_to_sync_variant
            """,
        )


class OddInputTests(FixTestCase):
    """Found by review and probing: code that a fix must not break."""

    def test_what_isnt_an_override(self):
        self.assertLeavesAlone("""\
            from django.db import models
            from django.utils.variants import fallback_to_sync_variant as to_sync


            class Aliased(models.Model):
                adelete = to_sync


            class Disabled(models.Model):
                delete = None


            class Annotated(models.Model):
                delete: object


            class Property(models.Model):
                @property
                def asave(self):
                    return None
            """)

    def test_bridges_through_globals(self):
        # As the check reads it: the override runs the other variant.
        self.assertLeavesAlone("""\
            from asgiref.sync import sync_to_async
            from django.db import models


            class Article(models.Model):
                async def asave(self, *args, **kwargs):
                    await sync_to_async(models.Model.save)(self, *args, **kwargs)
            """)

    def test_uses_the_name_the_helper_is_imported_as(self):
        self.assertFixes(
            """\
            from django.db import models
            from django.utils.variants import fallback_to_sync_variant as to_sync


            class Article(models.Model):
                def save(self, **kwargs):
                    pass
            """,
            """\
            from django.db import models
            from django.utils.variants import fallback_to_sync_variant as to_sync


            class Article(models.Model):
                def save(self, **kwargs):
                    pass

                asave = to_sync
            """,
        )

    def test_imports_after_the_class_dont_count(self):
        # The class would run before them: NameError.
        self.assertFixes(
            """\
            from django.db import models


            class Article(models.Model):
                def save(self, **kwargs):
                    pass


            from django.utils.variants import fallback_to_sync_variant as to_sync
            """,
            """\
            from django.db import models
            from django.utils.variants import fallback_to_sync_variant


            class Article(models.Model):
                def save(self, **kwargs):
                    pass

                asave = fallback_to_sync_variant


            from django.utils.variants import fallback_to_sync_variant as to_sync
            """,
        )

    def test_star_import(self):
        self.assertFixes(
            """\
            from django.db import models
            from django.utils.variants import *


            class Article(models.Model):
                def save(self, **kwargs):
                    pass
            """,
            """\
            from django.db import models
            from django.utils.variants import *


            class Article(models.Model):
                def save(self, **kwargs):
                    pass

                asave = fallback_to_sync_variant
            """,
        )

    def test_compatibility_import_is_left_to_the_user(self):
        # An import at the top would fail on the releases the condition is
        # for.
        self.assertLeavesAlone(
            """\
            from django.db import models

            try:
                from django.utils.variants import fallback_to_sync_variant
            except ImportError:
                fallback_to_sync_variant = None


            class Article(models.Model):
                def save(self, **kwargs):
                    pass
            """,
            undecided=1,
        )

    def test_only_module_level_imports_count(self):
        # The helper imported in a function, or for type checkers only, is
        # imported again at module level.
        self.assertFixes(
            """\
            from typing import TYPE_CHECKING

            from django.db import models

            if TYPE_CHECKING:
                from django.utils.variants import fallback_to_sync_variant


            def helper():
                from django.utils.variants import fallback_to_sync_variant


            class Article(models.Model):
                def save(self, **kwargs):
                    pass
            """,
            """\
            from typing import TYPE_CHECKING

            from django.db import models
            from django.utils.variants import fallback_to_sync_variant

            if TYPE_CHECKING:
                from django.utils.variants import fallback_to_sync_variant


            def helper():
                from django.utils.variants import fallback_to_sync_variant


            class Article(models.Model):
                def save(self, **kwargs):
                    pass

                asave = fallback_to_sync_variant
            """,
        )
        # A name that an import in a function binds doesn't make the
        # module's name Django's.
        self.assertLeavesAlone(
            """\
            from mongo import models


            def load():
                from django.db import models


            class Document(models.Model):
                def save(self):
                    pass
            """,
            undecided=1,
        )

    def test_conditional_override_is_listed(self):
        source = """\
            from django.db import models


            class Article(models.Model):
                if True:
                    def save(self, **kwargs):
                        pass
            """
        self.assertLeavesAlone(source, undecided=1)
        self.assertIn(
            "Article overrides save() and defines a variant under a condition",
            fixed(source)[1].undecided[0],
        )

    def test_shebang_and_trailing_comments(self):
        self.assertFixes(
            """\
            #!/usr/bin/env python
            # Licence.
            __all__ = ["Article"]

            from django.db import models


            class Article(models.Model):
                def save(self, **kwargs):
                    pass
                    # Stamped.

                class Meta:
                    pass
            """,
            """\
            #!/usr/bin/env python
            # Licence.
            from django.utils.variants import fallback_to_sync_variant
            __all__ = ["Article"]

            from django.db import models


            class Article(models.Model):
                def save(self, **kwargs):
                    pass
                    # Stamped.

                asave = fallback_to_sync_variant

                class Meta:
                    pass
            """,
        )
        # Under a condition, the import of a base isn't read.
        self.assertLeavesAlone(
            """\
            try:
                from django.db import models
            except ImportError:
                models = None


            class Article(models.Model):
                def save(self, **kwargs):
                    pass
            """,
            undecided=1,
        )


class FindingsTests(FixTestCase):
    """The system check's findings decide about classes of unreadable bases."""

    source = """\
        from django.db import models
        from vendor.models import Stamped


        class Article(Stamped):
            def save(self, **kwargs):
                super().save(**kwargs)


        class Outer:
            class Inner(Stamped):
                async def adelete(self):
                    pass


        class Serializer(Stamped):
            def save(self):
                pass
        """

    def test_findings_fix_the_classes_they_name(self):
        findings = {
            "Article": [("save", "asave", "fallback_to_sync_variant", False, "")],
            "Outer.Inner": [
                ("adelete", "delete", "fallback_to_async_variant", False, "")
            ],
            # Found, with nothing to do.
            "Serializer": [],
        }
        result, state = fix.fix_source(textwrap.dedent(self.source), findings=findings)
        self.assertEqual(
            result,
            textwrap.dedent("""\
            from django.db import models
            from django.utils.variants import fallback_to_async_variant, fallback_to_sync_variant
            from vendor.models import Stamped


            class Article(Stamped):
                def save(self, **kwargs):
                    super().save(**kwargs)

                asave = fallback_to_sync_variant


            class Outer:
                class Inner(Stamped):
                    async def adelete(self):
                        pass

                    delete = fallback_to_async_variant


            class Serializer(Stamped):
                def save(self):
                    pass
            """),  # NOQA: E501
        )
        self.assertEqual(state.undecided, [])

    def test_without_findings_classes_are_listed(self):
        result, state = fix.fix_source(textwrap.dedent(self.source))
        self.assertEqual(result, textwrap.dedent(self.source))
        self.assertEqual(
            [line.split(":")[0] for line in state.undecided], ["5", "11", "16"]
        )

    def test_a_finding_on_a_variant_set_at_run_time(self):
        # A package sets refresh_from_db() on the class when it's created:
        # the check names it, the line goes at the end of the class body.
        findings = {
            "Tracked": [
                ("save", "asave", "fallback_to_sync_variant", False, ""),
                (
                    "refresh_from_db",
                    "arefresh_from_db",
                    "fallback_to_sync_variant",
                    False,
                    " (refresh_from_db() is set on the class by tracker)",
                ),
            ]
        }
        result, state = fix.fix_source(
            textwrap.dedent("""\
            from django.db import models


            class Tracked(models.Model):
                def save(self, **kwargs):
                    super().save(**kwargs)

                class Meta:
                    pass
            """),
            findings=findings,
        )
        self.assertEqual(
            result,
            textwrap.dedent("""\
            from django.db import models
            from django.utils.variants import fallback_to_sync_variant


            class Tracked(models.Model):
                def save(self, **kwargs):
                    super().save(**kwargs)

                asave = fallback_to_sync_variant

                class Meta:
                    pass

                arefresh_from_db = fallback_to_sync_variant
            """),
        )
        self.assertEqual(
            state.changes,
            [
                "4: Tracked: added asave = fallback_to_sync_variant",
                "4: Tracked: added arefresh_from_db = fallback_to_sync_variant "
                "(refresh_from_db() is set on the class by tracker)",
            ],
        )

    def test_a_finding_on_a_conditional_variant(self):
        source = """\
            from vendor.models import Stamped


            class Article(Stamped):
                if True:
                    def save(self):
                        pass
            """
        findings = {
            "Article": [("save", "asave", "fallback_to_sync_variant", False, "")]
        }
        result, state = fix.fix_source(textwrap.dedent(source), findings=findings)
        self.assertEqual(result, textwrap.dedent(source))
        self.assertIn(
            "Article overrides save() and defines a variant under a condition",
            state.undecided[0],
        )

    def test_main_says_when_the_settings_are_missing(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp, "models.py")
            path.write_text(textwrap.dedent(self.source))
            output = io.StringIO()
            with contextlib.redirect_stdout(output), mock.patch.dict(os.environ):
                os.environ.pop("DJANGO_SETTINGS_MODULE", None)
                self.assertEqual(fix.main([tmp]), 1)
        self.assertIn("DJANGO_SETTINGS_MODULE is not set", output.getvalue())


class ProjectTests(unittest.TestCase):
    """The fix command run on a project, with the patched Django imported."""

    @classmethod
    def setUpClass(cls):
        try:
            import asgiref  # NOQA: F401
        except ImportError:
            raise unittest.SkipTest("asgiref isn't installed (tox -e tooling has it)")
        tmp = tempfile.mkdtemp()
        cls.addClassCleanup(shutil.rmtree, tmp, True)
        cls.tree = Path(tmp, "tree")
        patches.materialize(cls.tree)

    def project(self):
        root = Path(mkdtemp(self))
        files = {
            "settings.py": """\
                INSTALLED_APPS = ["app"]
                DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}
                """,
            "vendor/__init__.py": "",
            "vendor/models.py": """\
                from django.db import models


                class Stamped(models.Model):
                    class Meta:
                        abstract = True
                """,
            "app/__init__.py": "",
            "app/models.py": """\
                from vendor.models import Stamped
                from vendor.tracking import bare, logged, track


                class Article(Stamped):
                    def save(self, **kwargs):
                        super().save(**kwargs)

                    class Meta:
                        app_label = "app"


                def make():
                    class Local:
                        def save(self):
                            pass


                class DeleteMixin:
                    def delete(self):
                        return super().delete()


                class Tagged(DeleteMixin, Stamped):
                    class Meta:
                        app_label = "app"


                @track
                class Noted(Stamped):
                    class Meta:
                        app_label = "app"


                class Logged(Stamped):
                    @logged
                    def delete(self, **kwargs):
                        return super().delete(**kwargs)

                    class Meta:
                        app_label = "app"


                class Bare(Stamped):
                    @bare
                    def delete(self, **kwargs):
                        return super().delete(**kwargs)

                    class Meta:
                        app_label = "app"
                """,
            "vendor/tracking.py": """\
                import functools


                def logged(function):
                    @functools.wraps(function)
                    def wrapper(*args, **kwargs):
                        return function(*args, **kwargs)

                    return wrapper


                def bare(function):
                    def wrapper(*args, **kwargs):
                        return function(*args, **kwargs)

                    return wrapper


                def track(model):
                    def refresh_from_db(self, *args, **kwargs):
                        super(model, self).refresh_from_db(*args, **kwargs)

                    model.refresh_from_db = refresh_from_db
                    return model
                """,
            "app/script.py": """\
                import sys

                sys.exit("usage: script.py")
                """,
        }
        # A copy of app's source, where the project imports another, as it
        # does an installed package: matched by module name.
        files["src/app/models.py"] = files["app/models.py"]
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        return root

    def fix(self, root, settings="settings", paths=None):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(self.tree), str(root)])}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        if settings:
            env["DJANGO_SETTINGS_MODULE"] = settings
        return subprocess.run(
            [sys.executable, "-m", "series", "fix", *(paths or [root / "app"])],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )

    def test_the_check_decides(self):
        root = self.project()
        proc = self.fix(root)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn(
            "app.script: not imported: SystemExit: usage: script.py", proc.stdout
        )
        self.assertIn("Imported 2 module(s) of the paths (1 failed)", proc.stdout)
        self.assertIn("5: Article: added asave = fallback_to_sync_variant", proc.stdout)
        # The mixin can't state it: the class that combines it with a model.
        self.assertIn(
            "24: Tagged: added adelete = fallback_to_sync_variant (for "
            "DeleteMixin, which can't state it)",
            proc.stdout,
        )
        # A package sets the override: the line goes at the end of the body.
        self.assertIn(
            "30: Noted: added arefresh_from_db = fallback_to_sync_variant "
            "(refresh_from_db() is set on the class by vendor.tracking)",
            proc.stdout,
        )
        # A decorator's wrapper: the override is still written in the body.
        self.assertRegex(
            proc.stdout, r"\b35: Logged: added adelete = fallback_to_sync_variant\n"
        )
        # One without functools.wraps(): its code is elsewhere, but the body
        # sets it.
        self.assertRegex(
            proc.stdout, r"\b44: Bare: added adelete = fallback_to_sync_variant\n"
        )
        models = (root / "app" / "models.py").read_text()
        self.assertIn("    asave = fallback_to_sync_variant\n", models)
        self.assertIn(
            '        app_label = "app"\n\n    adelete = fallback_to_sync_variant\n',
            models,
        )
        # Fixed, the project is clean.
        proc = self.fix(root)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("0 file(s) changed", proc.stdout)
        self.assertIn("the system check names 0 class(es)", proc.stdout)

    def test_a_copy_of_an_imported_module(self):
        root = self.project()
        proc = self.fix(root, paths=[root / "src"])
        self.assertIn(
            "src/app/models.py:5: Article: added asave = fallback_to_sync_variant",
            proc.stdout,
        )

    def test_unimportable_project(self):
        root = self.project()
        proc = self.fix(root, settings="missing_settings")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("Can't import the project", proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)


def _mypy_with_django_stubs():
    try:
        import django_stubs_ext  # NOQA: F401
        import mypy  # NOQA: F401
    except ImportError:
        return False
    return True


@unittest.skipUnless(
    _mypy_with_django_stubs(),
    "mypy and django-stubs are not installed (tox -e tooling installs them)",
)
class TypingTests(unittest.TestCase):
    """The fixed code type-checks with django-stubs and stubs/."""

    # A class of each kind that the fix command changes or lists,
    # type-checked by mypy without errors before the fix.
    source = """\
        from typing import Any

        from django.contrib.auth.backends import BaseBackend
        from django.contrib.sessions.backends.db import SessionStore
        from django.core.cache.backends.locmem import LocMemCache
        from django.db import models
        from django.http import HttpRequest
        from django.tasks.backends.immediate import ImmediateBackend


        class StampMixin(models.Model):
            class Meta:
                abstract = True

            def save(self, *args: Any, **kwargs: Any) -> None:
                super().save(*args, **kwargs)


        class Article(StampMixin):
            async def adelete(
                self, *args: Any, **kwargs: Any
            ) -> tuple[int, dict[str, int]]:
                return await super().adelete(*args, **kwargs)


        class ArticleQuerySet(models.QuerySet[Article]):
            def get(self, *args: Any, **kwargs: Any) -> Article:
                return super().get(*args, **kwargs)


        class ArticleManager(models.Manager[Article]):
            async def acount(self) -> int:
                return await super().acount()


        class Backend(BaseBackend):
            async def aauthenticate(
                self, request: HttpRequest | None, **kwargs: Any
            ) -> Any:
                return await super().aauthenticate(request, **kwargs)


        class Store(SessionStore):
            async def aexists(self, session_key: str) -> bool:
                return await super().aexists(session_key)


        class Cache(LocMemCache):
            async def aget(
                self, key: Any, default: Any = None, version: Any = None
            ) -> Any:
                return await super().aget(key, default, version)


        class Tasks(ImmediateBackend):
            async def aget_result(self, result_id: str) -> Any:
                return await super().aget_result(result_id)
        """

    def mypy(self, source):
        from mypy import api

        with tempfile.TemporaryDirectory() as tmp:
            Path(tmp, "example.py").write_text(source)
            stdout, stderr, status = api.run(
                [
                    "--no-incremental",
                    "--strict",
                    "--no-error-summary",
                    f"--cache-dir={Path(tmp, 'cache')}",
                    str(Path(tmp, "example.py")),
                ]
            )
        self.assertIn(status, (0, 1), stderr)
        return [line for line in stdout.splitlines() if ": error: " in line]

    def test_fixed_code_type_checks(self):
        before = textwrap.dedent(self.source)
        after, state = fix.fix_source(before)
        # The backends' async-only overrides are listed, not fixed.
        self.assertEqual((len(state.changes), len(state.undecided)), (4, 4))
        self.assertEqual(self.mypy(before), [])
        with mock.patch.dict(os.environ, {"MYPYPATH": str(ROOT / "stubs")}):
            self.assertEqual(self.mypy(after), [])

    def test_without_the_stubs(self):
        # The test above fails without stubs/: mypy can't read the helpers.
        after, _ = fix.fix_source(textwrap.dedent(self.source))
        with mock.patch.dict(os.environ):
            os.environ.pop("MYPYPATH", None)
            errors = self.mypy(after)
        self.assertTrue(errors)
        self.assertIn("django.utils.variants", errors[0])


class OwnersTests(unittest.TestCase):
    def test_table(self):
        owners = variants.OWNERS
        self.assertEqual(
            owners["django.db.models.Model"],
            [
                ["delete", "adelete", False],
                ["refresh_from_db", "arefresh_from_db", False],
                ["save", "asave", False],
            ],
        )
        # Under each path it can be imported from.
        self.assertEqual(
            owners["django.db.models.Model"], owners["django.db.models.base.Model"]
        )
        self.assertIn(["get", "aget", False], owners["django.db.models.Manager"])
        self.assertIn(
            ["authenticate", "aauthenticate", True],
            owners["django.contrib.auth.backends.ModelBackend"],
        )


class MainTests(unittest.TestCase):
    def test_encodings_paths_and_installed_packages(self):
        source = (
            "from django.db import models\n\n\n"
            "class A(models.Model):\n"
            "    def save(self):\n"
            "        return 'é'\n"
        )
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            bom = root / "bom.py"
            bom.write_bytes(source.encode("utf-8-sig"))
            latin = root / "latin.py"
            latin.write_bytes(
                ("# -*- coding: latin-1 -*-\n" + source).encode("latin-1")
            )
            installed = root / "lib" / "dist-packages" / "models.py"
            installed.parent.mkdir(parents=True)
            installed.write_text(source)
            (root / "pyproject.toml").touch()
            built = root / "build" / "lib" / "models.py"
            built.parent.mkdir(parents=True)
            built.write_text(source)
            output = io.StringIO()
            with contextlib.redirect_stdout(output), mock.patch.dict(os.environ):
                os.environ.pop("DJANGO_SETTINGS_MODULE", None)
                fix.main([root, bom])
            self.assertIn("2 file(s) changed", output.getvalue())
            self.assertEqual(output.getvalue().count(f"{bom}:4: A: added"), 1)
            self.assertTrue(bom.read_bytes().startswith(b"\xef\xbb\xbf"))
            # In Latin-1 still.
            self.assertIn(b"'\xe9'", latin.read_bytes())
            self.assertIn(b"asave = fallback", latin.read_bytes())
            self.assertEqual(installed.read_text(), source)
            self.assertEqual(built.read_text(), source)

    def test_files_directories_and_unparsable_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            (root / "app").mkdir()
            good = root / "app" / "models.py"
            good.write_text(
                "from django.db import models\n\n\n"
                "class A(models.Model):\n"
                "    def save(self):\n"
                "        pass\n"
            )
            bad = root / "app" / "broken.py"
            bad.write_text("class (:\n")
            hidden = root / ".venv" / "lib" / "models.py"
            hidden.parent.mkdir(parents=True)
            hidden.write_text(good.read_text())
            output = io.StringIO()
            with contextlib.redirect_stdout(output):
                status = fix.main([root])
            self.assertEqual(status, 1)
            self.assertIn("asave = fallback_to_sync_variant", good.read_text())
            self.assertNotIn("asave", hidden.read_text())
            self.assertEqual(bad.read_text(), "class (:\n")
            printed = output.getvalue()
            self.assertIn(f"{bad}: not fixed, can't read or parse it", printed)
            self.assertIn(
                f"{good}:4: A: added asave = fallback_to_sync_variant", printed
            )
            self.assertIn("1 file(s) changed", printed)
