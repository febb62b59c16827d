"""
django-simple-history's test settings, as its runtests.py configures them,
on SQLite: for the commands that read DJANGO_SETTINGS_MODULE.
"""

from runtests import get_default_settings

globals().update(get_default_settings())
