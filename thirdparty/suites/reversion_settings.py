"""
django-reversion's test settings, with the database aliases of its CI: its
"postgres" alias on the harness's PostgreSQL server, whose host, user and
password its settings read from the environment (the port is libpq's
PGPORT), and its "mysql" alias on SQLite, for want of a MySQL server.
"""

from test_project.settings import *  # NOQA
from test_project.settings import DATABASES

DATABASES["postgres"]["ENGINE"] = "django.db.backends.postgresql"
DATABASES["mysql"] = {"ENGINE": "django.db.backends.sqlite3"}
