"""
django-async-backend's native paths against Django's sync ORM.

The package runs models, managers and transactions on an async connection of
its own (async_save(), async_objects, async_atomic()), apart from Django's.
Each check does the same thing once with Django's sync ORM and once with the
package's native API, each on empty tables, and asserts that both return the
same values, send the same signals and leave the same rows: what the package
does on stock Django, it must do on the patched build.

DjangoVariantTests do the same with Django's own async variants, in an event
loop of their own as an ASGI server runs them, for models of Django's API
only, and for classes of django-model-utils and django-safedelete that
override save() or delete(): on the end state (endstate/), those of a model
that overrides nothing run natively, on the package's connection, and an
override runs once, in a thread.

The package needs PostgreSQL: on SQLite, the checks are skipped.
"""

import asyncio
import datetime
import unittest

from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection, connections, transaction
from django.db.models import DateTimeField, Sum
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.test import TransactionTestCase
from django_async_backend.db import async_connections, async_new_connection
from django_async_backend.db.transaction import async_atomic

from .models import Author, Book, Comment, Note, Plain, Review, Stamped

MODELS = (Author, Book, Review, Plain, Stamped, Comment, Note)
LONG_AGO = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
SIGNALS = {
    "pre_save": pre_save,
    "post_save": post_save,
    "pre_delete": pre_delete,
    "post_delete": post_delete,
}


def table_rows():
    """
    Return every row of the app's tables, in order of primary key, but the
    times, which differ from run to run.
    """
    return {
        model.__name__: list(
            model._base_manager.order_by("pk").values_list(
                *(
                    f.attname
                    for f in model._meta.concrete_fields
                    if not isinstance(f, DateTimeField)
                )
            )
        )
        for model in MODELS
    }


def in_event_loop(native):
    """
    Return a function that runs the coroutine function native in an event
    loop of its own, on async connections of its own, as an ASGI server
    does: not in the one that async_to_sync() starts for sync code.
    """

    async def main():
        try:
            return await async_new_connection(native)()
        finally:
            # Those of the thread that ran the sync code.
            await sync_to_async(connections.close_all)()

    return lambda: asyncio.run(main())


class Rollback(Exception):
    pass


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL only")
class NativePathTestCase(TransactionTestCase):
    available_apps = ["django_async_backend", "safedelete", "async_backend_variants"]

    def setUp(self):
        self.sent = []
        for name, signal in SIGNALS.items():

            def receiver(sender, instance, name=name, **kwargs):
                self.sent.append((name, sender.__name__, instance.pk))

            signal.connect(receiver, weak=False, dispatch_uid=name)
            self.addCleanup(signal.disconnect, dispatch_uid=name)

    def reset(self):
        tables = ", ".join(model._meta.db_table for model in MODELS)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        self.sent.clear()

    def assertPathsAgree(self, sync, native, setup=None):
        """
        Run sync() and the coroutine function native, each after setup() on
        empty tables, and assert that both return the same, send the same
        signals and leave the same rows. Return what they returned.
        """
        return self.assertRunsAgree(
            sync, async_to_sync(async_new_connection(native)), setup
        )

    def assertRunsAgree(self, *runs_and_setup):
        *runs, setup = runs_and_setup
        outcomes = []
        for run in runs:
            self.reset()
            if setup:
                setup()
                self.sent.clear()
            try:
                returned = run()
            except Exception as e:
                returned = f"{type(e).__name__}: {e}"
            outcomes.append((returned, list(self.sent), table_rows()))
        self.assertEqual(
            outcomes[1], outcomes[0], "The native path disagrees with Django's."
        )
        return outcomes[0][0]


class ModelTests(NativePathTestCase):
    def test_create_and_update(self):
        def sync():
            book = Book(title="draft")
            book.save()
            book.title, book.pages = "final", 10
            book.save(update_fields=["title"])
            return book.pk, book.edition

        async def native():
            book = Book(title="draft")
            await book.async_save()
            book.title, book.pages = "final", 10
            await book.async_save(update_fields=["title"])
            return book.pk, book.edition

        self.assertEqual(self.assertPathsAgree(sync, native), (1, "first"))

    def test_force_insert_of_an_existing_row_fails(self):
        def setup():
            Author.objects.create(name="ann")

        def sync():
            Author(pk=1, name="bob").save(force_insert=True)

        async def native():
            await Author(pk=1, name="bob").async_save(force_insert=True)

        self.assertIn(
            "IntegrityError", self.assertPathsAgree(sync, native, setup=setup)
        )

    def test_delete_cascades(self):
        def setup():
            author = Author.objects.create(name="ann")
            book = Book.objects.create(author=author, title="one")
            Review.objects.create(book=book, stars=5)
            Book.objects.create(title="two")

        def sync():
            return Author.objects.get(name="ann").delete()

        async def native():
            author = await Author.async_objects.aget(name="ann")
            return await author.async_delete()

        returned = self.assertPathsAgree(sync, native, setup=setup)
        self.assertEqual(returned[0], 3)


class ManagerTests(NativePathTestCase):
    def setup(self):
        author = Author.objects.create(name="ann")
        for title, pages in (("one", 10), ("two", 20), ("three", 30)):
            Book.objects.create(author=author, title=title, pages=pages)

    def test_reads(self):
        def sync():
            books = Book.objects.filter(author__name="ann")
            return (
                books.get(title="two").pages,
                books.count(),
                books.filter(pages__gt=15).exists(),
                books.order_by("-pages").first().title,
                list(books.order_by("title").values_list("title", flat=True)),
                books.aggregate(total=Sum("pages")),
                sorted(books.in_bulk([1, 3])),
            )

        async def native():
            books = Book.async_objects.filter(author__name="ann")
            return (
                (await books.aget(title="two")).pages,
                await books.acount(),
                await books.filter(pages__gt=15).aexists(),
                (await books.order_by("-pages").afirst()).title,
                [
                    t
                    async for t in books.order_by("title").values_list(
                        "title", flat=True
                    )
                ],
                await books.aaggregate(total=Sum("pages")),
                sorted(await books.ain_bulk([1, 3])),
            )

        self.assertPathsAgree(sync, native, setup=self.setup)

    def test_get_of_a_missing_row_raises_does_not_exist(self):
        def sync():
            Book.objects.get(title="four")

        async def native():
            await Book.async_objects.aget(title="four")

        self.assertIn(
            "DoesNotExist", self.assertPathsAgree(sync, native, setup=self.setup)
        )

    def test_writes(self):
        def sync():
            created = Book.objects.create(title="four", pages=40)
            book, made = Book.objects.get_or_create(title="one")
            _, updated = Book.objects.update_or_create(
                title="five", defaults={"pages": 50}
            )
            Book.objects.bulk_create([Book(title="six"), Book(title="seven")])
            changed = Book.objects.filter(pages__lt=25).update(edition="second")
            deleted = Book.objects.filter(title="two").delete()
            return created.pk, book.pk, made, updated, changed, deleted

        async def native():
            created = await Book.async_objects.acreate(title="four", pages=40)
            book, made = await Book.async_objects.aget_or_create(title="one")
            _, updated = await Book.async_objects.aupdate_or_create(
                title="five", defaults={"pages": 50}
            )
            await Book.async_objects.abulk_create(
                [Book(title="six"), Book(title="seven")]
            )
            changed = await Book.async_objects.filter(pages__lt=25).aupdate(
                edition="second"
            )
            deleted = await Book.async_objects.filter(title="two").adelete()
            return created.pk, book.pk, made, updated, changed, deleted

        self.assertPathsAgree(sync, native, setup=self.setup)


class TransactionTests(NativePathTestCase):
    def test_a_block_commits(self):
        def sync():
            with transaction.atomic():
                Author.objects.create(name="ann")
                Book.objects.create(title="one")

        async def native():
            async with async_atomic():
                await Author.async_objects.acreate(name="ann")
                await Book.async_objects.acreate(title="one")

        self.assertPathsAgree(sync, native)

    def test_a_failing_block_rolls_back(self):
        def sync():
            with transaction.atomic():
                Author.objects.create(name="ann")
                raise Rollback

        async def native():
            async with async_atomic():
                await Author.async_objects.acreate(name="ann")
                raise Rollback

        self.assertEqual(self.assertPathsAgree(sync, native), "Rollback: ")

    def test_a_failing_savepoint_rolls_back_alone(self):
        def sync():
            with transaction.atomic():
                Author.objects.create(name="ann")
                try:
                    with transaction.atomic():
                        Author.objects.create(name="bob")
                        Author.objects.create(name="ann")
                except Exception as e:
                    return type(e).__name__

        async def native():
            async with async_atomic():
                await Author.async_objects.acreate(name="ann")
                try:
                    async with async_atomic():
                        await Author.async_objects.acreate(name="bob")
                        await Author.async_objects.acreate(name="ann")
                except Exception as e:
                    return type(e).__name__

        self.assertEqual(self.assertPathsAgree(sync, native), "IntegrityError")

    def test_on_commit_runs_after_commit_only(self):
        def sync():
            ran = []
            with transaction.atomic():
                Author.objects.create(name="ann")
                transaction.on_commit(lambda: ran.append("committed"))
                ran.append("in block")
            try:
                with transaction.atomic():
                    transaction.on_commit(lambda: ran.append("rolled back"))
                    raise Rollback
            except Rollback:
                pass
            return ran

        async def native():
            ran = []
            connection = async_connections["default"]
            async with async_atomic():
                await Author.async_objects.acreate(name="ann")
                await connection.on_commit(lambda: ran.append("committed"))
                ran.append("in block")
            try:
                async with async_atomic():
                    await connection.on_commit(lambda: ran.append("rolled back"))
                    raise Rollback
            except Rollback:
                pass
            return ran

        self.assertEqual(self.assertPathsAgree(sync, native), ["in block", "committed"])


class QuickStartTests(NativePathTestCase):
    def test_quick_start(self):
        """The steps of the package's README, natively only."""

        async def quick_start():
            connection = async_connections["default"]
            notified = []
            async with async_atomic():
                book = await Book.async_objects.acreate(title="Django")
                await connection.on_commit(lambda: notified.append(book.pk))
                book.title = "Django Async"
                await book.async_save(update_fields=["title"])
                await Book.async_objects.acreate(title="draft")
                async with async_atomic():
                    deleted = await Book.async_objects.filter(title="draft").adelete()
            titles = [b.title async for b in Book.async_objects.order_by("title")]
            async with await connection.cursor() as cursor:
                await cursor.execute(f"SELECT title FROM {Book._meta.db_table}")
                raw = [row async for row in cursor]
            return notified, deleted, await Book.async_objects.acount(), titles, raw

        self.reset()
        self.assertEqual(
            async_to_sync(async_new_connection(quick_start))(),
            (
                [1],
                (1, {"async_backend_variants.Book": 1}),
                1,
                ["Django Async"],
                [("Django Async",)],
            ),
        )


class DjangoVariantTests(NativePathTestCase):
    def assertVariantsAgree(self, sync, native, setup=None):
        """
        As assertPathsAgree(), with native run in an event loop of its own.
        """
        return self.assertRunsAgree(sync, in_event_loop(native), setup)

    def test_model_without_overrides(self):
        def sync():
            obj = Plain.objects.create(name="created")
            obj.pages = 2
            obj.save(update_fields=["pages"])
            fetched = Plain.objects.get(name="created")
            count = Plain.objects.filter(pages=2).count()
            obj.pages = 0
            obj.refresh_from_db()
            return fetched.pages, count, obj.pages, obj.delete()

        async def native():
            obj = await Plain.objects.acreate(name="created")
            obj.pages = 2
            await obj.asave(update_fields=["pages"])
            fetched = await Plain.objects.aget(name="created")
            count = await Plain.objects.filter(pages=2).acount()
            obj.pages = 0
            await obj.arefresh_from_db()
            return fetched.pages, count, obj.pages, await obj.adelete()

        returned = self.assertVariantsAgree(sync, native)
        self.assertEqual(returned[:3], (2, 1, 2))

    def test_time_stamped_model_saves_once(self):
        def setup():
            Stamped.objects.create(name="draft")
            Stamped.objects.update(modified=LONG_AGO)

        def sync():
            obj = Stamped.objects.get()
            obj.name = "final"
            obj.save(update_fields=["name"])
            created = Stamped.objects.create(name="new")
            return created.pk, Stamped.objects.filter(modified=LONG_AGO).count()

        async def native():
            obj = await Stamped.objects.aget()
            obj.name = "final"
            await obj.asave(update_fields=["name"])
            created = await Stamped.objects.acreate(name="new")
            return created.pk, await Stamped.objects.filter(modified=LONG_AGO).acount()

        # The override adds modified to update_fields; each save sends
        # pre_save and post_save once.
        self.assertEqual(self.assertVariantsAgree(sync, native, setup), (2, 0))
        self.assertEqual(len(self.sent), 4)

    def test_soft_deletable_model_deletes_once(self):
        def setup():
            Comment.objects.create(text="spam")

        def sync():
            return Comment.objects.get().delete()

        async def native():
            return await (await Comment.objects.aget()).adelete()

        self.assertVariantsAgree(sync, native, setup)
        self.assertEqual(
            list(Comment.all_objects.values_list("text", "is_removed")),
            [("spam", True)],
        )
        self.assertEqual(len(self.sent), 2)

    def test_safedelete_model_deletes_once(self):
        def setup():
            Note.objects.create(text="note")

        def sync():
            return Note.objects.get().delete()

        async def native():
            return await (await Note.objects.aget()).adelete()

        self.assertVariantsAgree(sync, native, setup)
        self.assertEqual(Note.objects.count(), 0)
        self.assertEqual(Note.all_objects.filter(deleted__isnull=False).count(), 1)
