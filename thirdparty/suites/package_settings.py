"""
Settings for a package without a test project: its apps, which the
PACKAGE_APPS environment variable names (separated by commas), on SQLite.
"""

import os

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    *os.environ["PACKAGE_APPS"].split(","),
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
SECRET_KEY = "explicit"
