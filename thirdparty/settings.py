"""
Settings for the equivalence checks of one package's app, named by the
EQUIVALENCE_APP environment variable. The database is SQLite, or PostgreSQL
when EQUIVALENCE_DATABASE is "postgresql": the server and credentials come
from libpq's environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD).
"""

import os

# The apps that each package's checks need, besides their own.
PACKAGE_APPS = {
    "async_backend_variants": ["django_async_backend", "safedelete"],
    "model_utils_variants": [],
    "mptt_variants": ["mptt"],
    "ordered_model_variants": ["ordered_model"],
    "polymorphic_variants": ["polymorphic"],
    "reversion_variants": ["reversion"],
    "safedelete_variants": ["safedelete"],
    "simple_history_variants": ["simple_history"],
    "treebeard_variants": ["treebeard"],
}

EQUIVALENCE_APP = os.environ["EQUIVALENCE_APP"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    *PACKAGE_APPS[EQUIVALENCE_APP],
    EQUIVALENCE_APP,
]

if os.environ.get("EQUIVALENCE_DATABASE") == "postgresql":
    DATABASES = {
        "default": {
            "ENGINE": (
                # Its models run on its own engine, a subclass of Django's.
                "django_async_backend.db.backends.postgresql"
                if EQUIVALENCE_APP == "async_backend_variants"
                else "django.db.backends.postgresql"
            ),
            "NAME": "equivalence",
        }
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}

DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
SECRET_KEY = "equivalence checks"
USE_TZ = True
TEST_RUNNER = "runner.EquivalenceRunner"
# The checks are about behavior: the series' warning about classes that
# override one variant of a method, async.W001, is expected here.
SILENCED_SYSTEM_CHECKS = ["async.W001"]
