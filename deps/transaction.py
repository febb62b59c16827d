"""
An async override run by a sync variant, inside the caller's transaction, for
the DEP: does its write commit and roll back with the caller's atomic() block?

    python3 -m series materialize    # once: builds tree/
    PYTHONPATH=tree python3 deps/transaction.py [--database sqlite|postgresql]

A model overrides asave() only; save() runs that override through
async_to_sync(), and the override's own query, an insert of another model by
the ORM's async API, runs through sync_to_async() in thread-sensitive mode.
Each case saves inside transaction.atomic() and counts the rows that are left
after the block commits or rolls back. PostgreSQL takes PGHOST, PGPORT, PGUSER,
PGPASSWORD and PGDATABASE from the environment, and psycopg.
"""

import argparse
import os


def setup(database):
    import django
    from django.conf import settings

    if database == "postgresql":
        default = {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
            "USER": os.environ.get("PGUSER", "postgres"),
            "PASSWORD": os.environ.get("PGPASSWORD", ""),
            "NAME": os.environ.get("PGDATABASE", "postgres"),
        }
    else:
        default = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    settings.configure(
        DATABASES={"default": default},
        INSTALLED_APPS=["django.contrib.contenttypes"],
    )
    django.setup()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", choices=["sqlite", "postgresql"], default="sqlite"
    )
    args = parser.parse_args()
    setup(args.database)

    import threading

    from django.db import connection, models, transaction

    threads = []

    class Audit(models.Model):
        note = models.CharField(max_length=20)

        class Meta:
            app_label = "contenttypes"

    class Article(models.Model):
        title = models.CharField(max_length=20)

        class Meta:
            app_label = "contenttypes"

        async def asave(self, **kwargs):
            threads.append(threading.get_ident())
            await Audit.objects.acreate(note=self.title)
            await super().asave(**kwargs)

    with connection.schema_editor() as editor:
        editor.create_model(Audit)
        editor.create_model(Article)
    try:
        with transaction.atomic():
            Article(title="kept").save()
        try:
            with transaction.atomic():
                Article(title="dropped").save()
                raise RuntimeError
        except RuntimeError:
            pass
        print(f"database: {args.database}")
        print(f"asave() override ran: {len(threads)} times")
        print(
            "rows after a committed block: "
            f"{Article.objects.filter(title='kept').count()} article, "
            f"{Audit.objects.filter(note='kept').count()} audit"
        )
        print(
            "rows after a rolled-back block: "
            f"{Article.objects.filter(title='dropped').count()} article, "
            f"{Audit.objects.filter(note='dropped').count()} audit"
        )
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(Article)
            editor.delete_model(Audit)


if __name__ == "__main__":
    main()
