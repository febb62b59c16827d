"""
The fix command's runtime half, when DJANGO_SETTINGS_MODULE is set: it sets
the project up, imports the modules of the paths that are in packages on
sys.path (so that classes defined outside models modules, such as in tests,
exist), and asks the system check's own function,
django.utils.variants.one_sided_overrides(), about each class of those
modules and each class that async.W001 names. Its findings decide about the
classes it found; the static fixer, about the others.

The findings go to the class that can state the fallback: the class that
defines the override, or, for a mixin that derives from no class declaring
the variants (the helpers raise TypeError there), the first class of the
MRO that combines it with one.

This half stays in this repository: django-upgrade never imports the code
that it rewrites.
"""

import importlib
import inspect
import sys
from pathlib import Path

from .. import SeriesError
from . import SET_BY


class Project:
    """What the system check's function found in an imported project."""

    def __init__(self):
        # {(module, qualified name): [(defined, missing, helper, optional,
        # note)]}, for every class found, with nothing to do or not.
        self.found = {}
        self.imported = []
        # [(module, exception)] for the modules that failed to import.
        self.failed = []
        self.named = 0

    @classmethod
    def load(cls, files):
        try:
            import django
            from django.utils.variants import one_sided_overrides, pairs
        except ImportError as e:
            raise SeriesError(
                f"Can't import the patched Django ({e}): run the command with "
                "the project's interpreter, with the series' build of Django "
                "installed."
            )
        from django.core import checks

        try:
            django.setup()
        except Exception as e:
            raise SeriesError(
                f"Can't import the project ({type(e).__name__}: {e}): check "
                "DJANGO_SETTINGS_MODULE, and that the project is on PYTHONPATH."
            )
        project = cls()
        for name in dict.fromkeys(filter(None, map(module_name, files))):
            try:
                project.imported.append(importlib.import_module(name))
            except (Exception, SystemExit) as e:
                project.failed.append((name, e))
        named = {
            message.obj
            for message in checks.run_checks(tags=[checks.Tags.async_support])
            if message.id == "async.W001" and inspect.isclass(message.obj)
        }
        project.named = len(named)
        classes = set(named)
        for module in project.imported:
            classes.update(_classes(module, vars(module)))
        for klass in classes:
            project.found.setdefault(_key(klass), [])
        for klass in classes:
            declared = {}
            for pair in pairs(klass):
                declared[pair.sync_name] = declared[pair.async_name] = pair
            for base, defined, missing, helper in one_sided_overrides(klass):
                pair = declared[defined]
                holder = _holder(klass, base, pair, pairs)
                note = ""
                value = vars(base)[defined]
                function = getattr(value, "__func__", value)
                if holder is not base:
                    note = f" (for {base.__qualname__}, which can't state it)"
                elif not _in_source(function, base):
                    note = f" ({defined}() {SET_BY} {_origin(function)})"
                finding = (defined, missing, helper, pair.optional, note)
                found = project.found.setdefault(_key(holder), [])
                if finding not in found:
                    found.append(finding)
        return project

    def report(self):
        """Yield the lines that say what was imported and found."""
        for name, e in self.failed:
            yield f"{name}: not imported: {type(e).__name__}: {e}"
        yield (
            f"Imported {len(self.imported)} module(s) of the paths "
            f"({len(self.failed)} failed); the system check names "
            f"{self.named} class(es)."
        )

    def findings(self, path):
        """
        Return {qualified name: findings} for the classes found in the
        module of the file at path, or {} if the file is no module found.
        """
        modules = {module for module, _ in self.found}
        name = module_name(path)
        if name not in modules:
            # The module imported from elsewhere, such as an installed copy
            # of the source: the module whose dotted path the path ends with.
            parts = Path(path).resolve().with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            matches = [
                module
                for module in modules
                if parts[-len(module.split(".")) :] == tuple(module.split("."))
            ]
            name = max(matches, key=len, default=None)
        return {
            qualname: found
            for (module, qualname), found in self.found.items()
            if module == name
        }


def _in_source(function, klass):
    """
    Return whether function, or a function it wraps (functools.wraps()), is
    written in klass's body: a decorator's wrapper runs code of its own.
    """
    try:
        filename = inspect.getsourcefile(klass)
    except TypeError:
        return False
    seen = set()
    while function is not None and id(function) not in seen:
        seen.add(id(function))
        code = getattr(function, "__code__", None)
        if (
            code is not None
            and code.co_filename == filename
            and code.co_qualname.startswith(f"{klass.__qualname__}.")
        ):
            return True
        function = getattr(function, "__wrapped__", None)
    return False


def _origin(function):
    """Return the name of the module whose code function runs."""
    filename = getattr(getattr(function, "__code__", None), "co_filename", None)
    for module in list(sys.modules.values()):
        if filename and getattr(module, "__file__", None) == filename:
            return module.__name__
    return filename or repr(function)


def _key(klass):
    return klass.__module__, klass.__qualname__


def _classes(module, namespace, prefix=""):
    """Yield the classes defined in namespace, a module's or a class's."""
    for value in list(namespace.values()):
        if (
            inspect.isclass(value)
            and value.__module__ == module.__name__
            and value.__qualname__ == prefix + value.__name__
        ):
            yield value
            yield from _classes(module, vars(value), f"{value.__qualname__}.")


def _holder(klass, base, pair, pairs):
    """
    Return the class that states the fallback of base's one-sided override
    of pair, in klass's MRO: base itself if a base of it declares the pair,
    or else the class of the MRO nearest to base that derives from base and
    from an owner of the pair.
    """
    names = (pair.sync_name, pair.async_name)

    def declares(candidate):
        return any((p.sync_name, p.async_name) == names for p in pairs(candidate))

    if declares(base):
        return base
    holders = [c for c in klass.__mro__ if issubclass(c, base) and declares(c)]
    return holders[-1]


def module_name(path):
    """
    Return the dotted name that the module at path is imported by, or None
    if it isn't in a package on sys.path (a script, such as setup.py).
    """
    path = Path(path).resolve()
    if path.name == "__main__.py" or not (path.parent / "__init__.py").exists():
        return None
    for entry in sys.path:
        root = Path(entry or ".").resolve()
        if not path.is_relative_to(root):
            continue
        parts = path.relative_to(root).with_suffix("").parts
        if all(part.isidentifier() for part in parts) and all(
            (root.joinpath(*parts[:i]) / "__init__.py").exists()
            for i in range(1, len(parts))
        ):
            return ".".join(parts).removesuffix(".__init__")
    return None
