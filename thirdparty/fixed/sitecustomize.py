"""
Makes the series' deprecation warning an error in the processes that have
this directory on PYTHONPATH (Python imports sitecustomize at startup).
Python's -W option can't: it reads its categories before site-packages, and
Django, are on sys.path.
"""

import sys
import warnings

from django.utils.deprecation import RemovedInDjango2029Warning

warnings.filterwarnings("error", category=RemovedInDjango2029Warning)
# Where the command line sets filters, pytest keeps them instead of showing
# every deprecation warning.
sys.warnoptions.append("error::django.utils.deprecation.RemovedInDjango2029Warning")
