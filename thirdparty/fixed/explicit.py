"""
What the fix command leaves: run with the settings of a package's test
project,

    python -m explicit PACKAGE...

it sets Django up, makes the series' deprecation warning an error, imports
every module of the named packages, and runs the system checks. It prints
each module that raised the warning or couldn't be imported, and each class
that async.W001 reports, and exits non-zero if a module raised the warning
or a class is reported.
"""

import importlib
import pkgutil
import sys
import warnings

import django
from django.core import checks
from django.utils.deprecation import RemovedInDjango2029Warning


def main(packages):
    warnings.filterwarnings("error", category=RemovedInDjango2029Warning)
    django.setup()
    imported, problems = 0, 0
    for name in packages:
        modules = [name] + [
            module.name
            for module in pkgutil.walk_packages(
                importlib.import_module(name).__path__,
                f"{name}.",
                onerror=lambda name: None,
            )
        ]
        for module in modules:
            try:
                importlib.import_module(module)
            except RemovedInDjango2029Warning as e:
                print(f"{module}: {e}")
                problems += 1
            except Exception as e:
                # An optional dependency, or a module of another test project.
                print(f"{module}: not imported: {type(e).__name__}: {e}")
            else:
                imported += 1
    reported = [m for m in checks.run_checks() if m.id == "async.W001"]
    for message in reported:
        print(message)
    print(
        f"{imported} module(s) imported, {problems} raised the warning; "
        f"async.W001 reports {len(reported)} class(es)."
    )
    return 1 if problems or reported else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
