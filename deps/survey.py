"""
A survey of popular third-party Django packages, for the DEP: how many of
their classes override a sync variant (save(), get(), authenticate(), load(),
...), and how many of those also define the async variant (asave(), aget(),
aauthenticate(), aload(), ...).

    python3 -m series materialize           # once: builds tree/
    PYTHONPATH=tree python3 deps/survey.py  # the table
    PYTHONPATH=tree python3 deps/survey.py --json
    PYTHONPATH=tree python3 deps/survey.py --details  # and each class

The pairs come from the Django found on sys.path, which must be the patched
tree: django.utils.variants.pairs() of each base of BASES, grouped into
families by base.
Django 6.1 needs Python 3.12 or later; run by an older interpreter, the script
runs itself again by one from a venv it makes in build/survey/venv, with the
same PYTHONPATH.

Each package of PACKAGES, pinned, is downloaded with pip, a wheel if there is
one, else the sdist, into build/survey/dists, and read from there on later
runs; a package that can't be downloaded is listed with pip's reason. Its .py
files are read from the archive and parsed with the ast module; nothing of it
is imported or run. Files of tests (in a directory whose name starts with
"test", or named tests.py, test_*.py, *_tests.py or conftest.py), of
migrations, and, in an sdist, of docs and example projects are left out.

A class belongs to the family of each base of BASES it is traced to; a base
of the class's statement is traced this way:

1. Its name is resolved through the imports of its module: "models.Model"
   after "from django.db import models" is django.db.models.Model, relative
   imports and re-exports within the package included; a bare name not
   imported is a class of the same module, else the one class of the package
   with that name, if there is one.
2. A name in the package is its class: the bases of that class, found again
   until nothing changes (a fixed point). A class of the package that traces
   to nothing is no base, whatever its name: django-cacheops's own BaseCache
   is no cache backend (nor is the BaseTaskBackend of the django-tasks
   backport, not surveyed, Django's).
3. A name in django is imported from the running Django, and traced to each
   base of BASES that it is a subclass of.
4. Any other name, or a name of 3 that can't be imported or traces to
   nothing, is looked up by its last component: exact names (NAMES, such as
   Model, AbstractUser, QuerySet, Manager, BaseManager, ModelBackend,
   SessionStore, BaseCache, BaseTaskBackend), else suffixes (SUFFIXES: names
   ending in QuerySet or Queryset, Manager, Model, SessionStore, Cache, ...).

X.from_queryset(Y) is traced as X, a call of a function of the package as
each name that the function returns (django-cms's PageQuerySet subclasses
get_queryset_base()), and Generic[...] subscripts as their value. Names of
the standard library and of a few packages that are not Django's, such as
pydantic (NOT_DJANGO), trace to nothing.

Then a class of the package that traces to nothing but is a base of a traced
class, a mixin, takes the bases of the classes that use it, also until
nothing changes: with the series, a mixin's override is run by the other
variant too.

For each traced class and each pair of its bases, the class "defines" a
variant when its body (including if/try blocks, not nested functions) has a
def, async def, or assignment of that name. A class that defines a sync
variant is an "override"; it is "with async" when it defines the async variant
of each sync variant it defines; a class that defines async variants only is
"async only".

Limits: the names are a heuristic. A duck-typed class (an authentication
backend with no base, as django-auth-ldap's, django-guardian's and rules'
are) is not traced; neither is a class built by type() or by a factory
function (the historical models of django-simple-history), nor a base that is
any other call. A suffix can trace an unrelated class (a class named FooCache
that is no cache backend); a class of another package is traced only by its
name. A definition may be an unrelated method that has a variant's name, and
a class that defines a variant in a nested block only is counted as defining
it.
--details lists every override, to check by reading.
"""

import argparse
import ast
import functools
import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections import Counter, defaultdict
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "survey"

# The packages, pinned: (name, version), each the newest release on PyPI when
# the list was made (November 2026).
PACKAGES = [
    # Models, querysets and managers.
    ("django-model-utils", "5.0.0"),
    ("django-mptt", "0.20.0"),
    ("django-polymorphic", "4.11.7"),
    ("django-simple-history", "3.13.0"),
    ("django-reversion", "6.4.0"),
    ("django-ordered-model", "3.7.4"),
    ("django-treebeard", "7.0.3"),
    ("django-safedelete", "1.5.0"),
    ("django-soft-delete", "1.0.23"),
    ("django-taggit", "6.1.0"),
    ("django-filer", "3.6.0"),
    ("django-cms", "5.1.3"),
    ("wagtail", "8.0.1"),
    ("django-tenants", "4.0.1"),
    ("django-auditlog", "3.4.1"),
    ("django-otp", "1.7.5"),
    # Authentication.
    ("django-allauth", "65.21.1"),
    ("django-axes", "8.3.1"),
    ("django-guardian", "3.5.2"),
    ("rules", "3.5"),
    ("django-auth-ldap", "5.4.0"),
    ("mozilla-django-oidc", "5.0.2"),
    ("django-oauth-toolkit", "3.4.1"),
    # Sessions.
    ("django-user-sessions", "2.0.0"),
    ("django-qsessions", "2.1.0"),
    # Cache.
    ("django-redis", "7.0.0"),
    ("django-cacheops", "7.2"),
    ("django-prometheus", "2.5.0"),
    # Tasks.
    ("django-tasks-db", "0.13.0"),
    ("django-tasks-local", "2.0"),
]

# The bases whose pairs() are read: (label, dotted path, family).
BASES = [
    ("Model", "django.db.models.Model", "model"),
    ("AbstractBaseUser", "django.contrib.auth.base_user.AbstractBaseUser", "model"),
    ("PermissionsMixin", "django.contrib.auth.models.PermissionsMixin", "model"),
    ("QuerySet", "django.db.models.QuerySet", "queryset/manager"),
    ("Manager", "django.db.models.Manager", "queryset/manager"),
    (
        "BaseUserManager",
        "django.contrib.auth.base_user.BaseUserManager",
        "queryset/manager",
    ),
    ("UserManager", "django.contrib.auth.models.UserManager", "queryset/manager"),
    ("BaseBackend", "django.contrib.auth.backends.BaseBackend", "auth"),
    ("ModelBackend", "django.contrib.auth.backends.ModelBackend", "auth"),
    ("RemoteUserBackend", "django.contrib.auth.backends.RemoteUserBackend", "auth"),
    ("SessionBase", "django.contrib.sessions.backends.base.SessionBase", "sessions"),
    (
        "db.SessionStore",
        "django.contrib.sessions.backends.db.SessionStore",
        "sessions",
    ),
    ("BaseCache", "django.core.cache.backends.base.BaseCache", "cache"),
    ("BaseTaskBackend", "django.tasks.backends.base.BaseTaskBackend", "tasks"),
]
FAMILIES = list(dict.fromkeys(family for _, _, family in BASES))
FAMILY = {label: family for label, _, family in BASES}

# Bases of other packages (or of Django, when the import fails), by name.
USER = ("AbstractBaseUser", "PermissionsMixin")
NAMES = {
    "Model": ("Model",),
    "AbstractBaseUser": ("AbstractBaseUser",),
    "AbstractUser": USER,
    "PermissionsMixin": ("PermissionsMixin",),
    "QuerySet": ("QuerySet",),
    "Manager": ("Manager",),
    "BaseManager": ("Manager",),
    "BaseUserManager": ("BaseUserManager",),
    "UserManager": ("UserManager",),
    "BaseBackend": ("BaseBackend",),
    "ModelBackend": ("ModelBackend",),
    "AllowAllUsersModelBackend": ("ModelBackend",),
    "RemoteUserBackend": ("RemoteUserBackend",),
    "AllowAllUsersRemoteUserBackend": ("RemoteUserBackend",),
    "SessionBase": ("SessionBase",),
    "SessionStore": ("SessionBase",),
    "BaseCache": ("BaseCache",),
    "BaseTaskBackend": ("BaseTaskBackend",),
}
# Checked in order, on names of other packages only.
SUFFIXES = [
    ("QuerySet", ("QuerySet",)),
    ("Queryset", ("QuerySet",)),
    ("UserManager", ("BaseUserManager",)),
    ("Manager", ("Manager",)),
    ("UserModel", USER),
    ("Model", ("Model",)),
    ("SessionStore", ("SessionBase",)),
    ("Cache", ("BaseCache",)),
    ("ModelBackend", ("ModelBackend",)),
    ("TaskBackend", ("BaseTaskBackend",)),
]

# Roots of imports that are not Django's, whose names are left alone.
NOT_DJANGO = {
    "attr",
    "attrs",
    "cachetools",
    "marshmallow",
    "msgspec",
    "ninja",
    "pydantic",
    *sys.stdlib_module_names,
}

SKIPPED_SDIST_DIRS = {"docs", "doc", "example", "examples", "sandbox", "demo"}


def by_name(name, suffixes=True):
    """Return the labels of BASES that a base named name is taken for."""
    if name in NAMES:
        return set(NAMES[name])
    if suffixes:
        for suffix, labels in SUFFIXES:
            if name.endswith(suffix):
                return set(labels)
    return set()


def async_name(name):
    """Return the name of the async variant of name: "save" gives "asave"."""
    stripped = name.lstrip("_")
    return f"{name[: len(name) - len(stripped)]}a{stripped}"


def load_pairs():
    """
    Set up the Django on sys.path and return {label: {async: sync}} of BASES.
    """
    try:
        import django
    except ImportError:
        sys.exit("No Django on sys.path: run with PYTHONPATH=tree.")
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sessions",
        ]
    )
    django.setup()
    try:
        from django.utils.variants import pairs as declared_pairs
    except ImportError:
        sys.exit(
            f"{django.__file__} has no django.utils.variants: it is not the "
            "patched tree. Run with PYTHONPATH=tree."
        )
    pairs = {}
    for label, path, _ in BASES:
        klass = import_dotted(path)
        pairs[label] = dict(
            sorted((pair.async_name, pair.sync_name) for pair in declared_pairs(klass))
        )
    return pairs


def import_dotted(path):
    """Import the object of dotted path, such as a class of a module."""
    parts = path.split(".")
    for index in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:index]))
        except ImportError:
            continue
        for part in parts[index:]:
            obj = getattr(obj, part)
        return obj
    raise ImportError(path)


@functools.cache
def django_labels(path):
    """Return the labels of BASES that the django object at path subclasses."""
    try:
        obj = import_dotted(path)
    except Exception:
        # Any error of an import: a missing optional dependency, an app that
        # isn't installed, ...
        obj = None
    labels = set()
    if isinstance(obj, type):
        for label, base_path, _ in BASES:
            if issubclass(obj, import_dotted(base_path)):
                labels.add(label)
    return frozenset(labels or by_name(path.rpartition(".")[2]))


# Downloads.


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def download(name, version, cache):
    """
    Return the path of the archive of name==version in cache, downloading a
    wheel, else the sdist, with pip; raise RuntimeError with pip's reason.
    """
    folder = cache / "dists" / f"{normalize(name)}-{version}"
    archives = sorted(folder.glob("*")) if folder.is_dir() else []
    if len(archives) == 1:
        return archives[0]
    shutil.rmtree(folder, ignore_errors=True)
    reasons = {}
    for kind, option in (
        ("wheel", "--only-binary=:all:"),
        ("sdist", "--no-binary=:all:"),
    ):
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            try:
                result = subprocess.run(
                    [sys.executable, "-m", "pip", "download", "--no-deps"]
                    + ["--disable-pip-version-check", "--quiet", option]
                    + ["--dest", tmp, f"{name}=={version}"],
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
            except subprocess.TimeoutExpired:
                reasons.setdefault("pip timed out", []).append(kind)
                continue
            found = list(Path(tmp).iterdir())
            if result.returncode == 0 and len(found) == 1:
                folder.mkdir(parents=True)
                return Path(shutil.move(found[0], folder / found[0].name))
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            errors = [line for line in lines if line.startswith("ERROR")]
            reason = (errors or lines or [f"pip's exit code {result.returncode}"])[0]
            reason = reason.removeprefix("ERROR: ")
            if len(reason) > 200:
                reason = reason[:200] + "..."
            reasons.setdefault(reason, []).append(kind)
    raise RuntimeError(
        "; ".join(
            f"{' and '.join(kinds)}: {reason}" for reason, kinds in reasons.items()
        )
    )


def sources(archive):
    """Yield (path in the package, source bytes) of the archive's .py files."""
    if archive.name.endswith(".whl"):
        sdist = False
        with zipfile.ZipFile(archive) as zf:
            members = [(n, zf.read(n)) for n in zf.namelist() if n.endswith(".py")]
    elif archive.name.endswith(".zip"):
        sdist = True
        with zipfile.ZipFile(archive) as zf:
            members = [
                (n.split("/", 1)[-1], zf.read(n))
                for n in zf.namelist()
                if n.endswith(".py")
            ]
    else:
        sdist = True
        members = []
        with tarfile.open(archive) as tf:
            for member in tf:
                if member.isfile() and member.name.endswith(".py"):
                    data = tf.extractfile(member).read()
                    members.append((member.name.split("/", 1)[-1], data))
    for name, data in sorted(members):
        path = PurePosixPath(name)
        if sdist and path.parts[0] == "src":
            path = PurePosixPath(*path.parts[1:])
        yield path, data, sdist


def skipped(path, sdist):
    dirs = path.parts[:-1]
    return bool(
        any(name.startswith("test") or name == "migrations" for name in dirs)
        or (sdist and SKIPPED_SDIST_DIRS.intersection(dirs))
        or (sdist and len(path.parts) == 1)
        or path.name in ("tests.py", "conftest.py")
        or path.name.startswith("test_")
        or path.name.endswith("_tests.py")
    )


# Parsing.


class Module:
    def __init__(self, name, is_package, tree):
        self.name = name
        self.is_package = is_package
        self.imports = {}
        self.classes = {}
        self.functions = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.imports.setdefault(alias.asname, alias.name)
                    else:
                        top = alias.name.split(".")[0]
                        self.imports.setdefault(top, top)
            elif isinstance(node, ast.ImportFrom):
                source = self.absolute(node.module, node.level)
                for alias in node.names:
                    if alias.name != "*":
                        self.imports.setdefault(
                            alias.asname or alias.name, f"{source}.{alias.name}"
                        )

    def absolute(self, module, level):
        if not level:
            return module
        parts = self.name.split(".")
        if not self.is_package:
            parts = parts[:-1]
        parts = parts[: len(parts) - (level - 1)] if level > 1 else parts
        return ".".join(parts + ([module] if module else []))


class Class:
    def __init__(self, module, qualname, node):
        self.module = module
        self.qualname = qualname
        self.name = node.name
        self.lineno = node.lineno
        self.base_nodes = node.bases
        self.defined = defined_names(node.body)
        # Filled in by Package.trace(): (kind, target) per base, and labels.
        self.bases = []
        self.labels = set()
        self.mixin = False

    @property
    def path(self):
        return f"{self.module.name}.{self.qualname}"


def defined_names(body):
    """Return the names a class body defines, in if/try/with blocks too."""
    names = set()
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            if isinstance(node.target, ast.Name):
                names.add(node.target.id)
        elif isinstance(node, (ast.If, ast.For, ast.While)):
            names |= defined_names(node.body) | defined_names(node.orelse)
        elif isinstance(node, ast.With):
            names |= defined_names(node.body)
        elif isinstance(node, (ast.Try, ast.TryStar)):
            names |= defined_names(node.body) | defined_names(node.orelse)
            names |= defined_names(node.finalbody)
            for handler in node.handlers:
                names |= defined_names(handler.body)
    return names


def dotted(node):
    """Return the dotted name of a base expression, or None."""
    if isinstance(node, ast.Subscript):
        return dotted(node.value)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "from_queryset"
    ):
        return dotted(node.func.value)
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        value = dotted(node.value)
        return f"{value}.{node.attr}" if value else None
    return None


class Package:
    def __init__(self, name, version):
        self.name = name
        self.version = version
        self.modules = {}
        self.classes = []
        self.files = 0
        self.skipped_files = 0
        self.unparsable = []

    def read(self, archive):
        for path, data, sdist in sources(archive):
            if skipped(path, sdist):
                self.skipped_files += 1
                continue
            self.files += 1
            try:
                tree = ast.parse(data, filename=str(path))
            except (SyntaxError, ValueError) as exc:
                self.unparsable.append(f"{path}: {exc.__class__.__name__}")
                continue
            is_package = path.name == "__init__.py"
            parts = path.parent.parts if is_package else path.with_suffix("").parts
            module = Module(".".join(parts), is_package, tree)
            self.modules[module.name] = module
            self.collect(module, tree, "", top=True)

    def collect(self, module, node, prefix, top):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                klass = Class(module, f"{prefix}{child.name}", child)
                self.classes.append(klass)
                if top:
                    module.classes.setdefault(child.name, klass)
                self.collect(module, child, f"{klass.qualname}.", top=False)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if top:
                    module.functions.setdefault(child.name, child)
                self.collect(module, child, f"{prefix}{child.name}.<locals>.", False)
            else:
                self.collect(module, child, prefix, top)

    def find(self, path, depth=0):
        """
        Return ("local", Class) or ("function", (Module, FunctionDef)) for
        the class or function of the package at dotted path, else ("external",
        the dotted path that the package imports it from), else None.
        """
        module_name, _, name = path.rpartition(".")
        module = self.modules.get(module_name)
        if module is None or depth > 10:
            return None
        if name in module.classes:
            return "local", module.classes[name]
        if name in module.functions:
            return "function", (module, module.functions[name])
        if name in module.imports:
            # A re-export, such as a package's __init__.py importing it.
            target = module.imports[name]
            return self.find(target, depth + 1) or ("external", target)
        return None

    def resolve(self, module, name):
        """Return what the dotted name means in module: see find()."""
        first, _, rest = name.partition(".")
        if first in module.imports:
            path = module.imports[first] + (f".{rest}" if rest else "")
        elif not rest and first in module.classes:
            return "local", module.classes[first]
        elif not rest and first in module.functions:
            return "function", (module, module.functions[first])
        else:
            path = name
        if found := self.find(path):
            return found
        if "." not in path:
            candidates = [c for c in self.classes if c.name == path]
            if len(candidates) == 1:
                return "local", candidates[0]
        return "external", path

    def base(self, module, node):
        """Yield ("local", Class) or ("external", labels) for a base."""
        if isinstance(node, ast.Call) and not dotted(node):
            # A call of a function of the package: the names it returns.
            if name := dotted(node.func):
                kind, target = self.resolve(module, name)
                if kind == "function":
                    module, function = target
                    for child in ast.walk(function):
                        if isinstance(child, ast.Return) and child.value:
                            yield from self.base(module, child.value)
            return
        if not (name := dotted(node)):
            return
        kind, target = self.resolve(module, name)
        if kind == "local":
            yield kind, target
        elif kind == "external":
            root = target.partition(".")[0]
            if root == "django":
                yield kind, django_labels(target)
            elif root not in NOT_DJANGO:
                yield kind, by_name(target.rpartition(".")[2])

    def trace(self):
        """Give each class its labels: see the module's docstring."""
        for klass in self.classes:
            for node in klass.base_nodes:
                klass.bases.extend(self.base(klass.module, node))
        changed = True
        while changed:
            changed = False
            for klass in self.classes:
                labels = set()
                for kind, target in klass.bases:
                    labels |= target if kind == "external" else target.labels
                if labels - klass.labels:
                    klass.labels |= labels
                    changed = True
        # Mixins: classes that trace to nothing, used by classes that do.
        changed = True
        while changed:
            changed = False
            for klass in self.classes:
                for kind, base in klass.bases:
                    if kind == "local" and (not base.labels or base.mixin):
                        if klass.labels - base.labels:
                            base.labels |= klass.labels
                            base.mixin = True
                            changed = True


# Counting.


def count(package, pairs):
    """Return the counts of package, overall and by family, and overrides."""
    result = {
        "classes": 0,
        "overrides": 0,
        "with_async": 0,
        "async_only": 0,
        "mixins": 0,
    }
    families = {family: Counter() for family in FAMILIES}
    by_pair = defaultdict(Counter)
    overrides = []
    for klass in package.classes:
        if not klass.labels:
            continue
        result["classes"] += 1
        result["mixins"] += klass.mixin
        class_pairs = {}
        for family in FAMILIES:
            family_pairs = {}
            for label in klass.labels:
                if FAMILY[label] == family:
                    family_pairs.update(pairs[label])
            if not family_pairs:
                continue
            class_pairs.update(family_pairs)
            sync, asynchronous, missing = overridden(klass, family_pairs)
            counter = families[family]
            counter["classes"] += 1
            if sync:
                counter["overrides"] += 1
                counter["with_async"] += not missing
                for name in sync:
                    by_pair[family][name, "sync"] += 1
                    if name not in missing:
                        by_pair[family][name, "both"] += 1
            elif asynchronous:
                counter["async_only"] += 1
            for name in asynchronous:
                if family_pairs[name] not in sync:
                    by_pair[family][family_pairs[name], "async only"] += 1
        sync, asynchronous, missing = overridden(klass, class_pairs)
        if sync:
            result["overrides"] += 1
            result["with_async"] += not missing
        elif asynchronous:
            result["async_only"] += 1
        if sync or asynchronous:
            overrides.append(
                {
                    "class": klass.path,
                    "line": klass.lineno,
                    "bases": sorted(klass.labels),
                    "mixin": klass.mixin,
                    "sync": sync,
                    "async": asynchronous,
                    "missing_async": missing,
                }
            )
    return result, families, by_pair, overrides


def overridden(klass, pairs):
    """
    Return the sync variants, async variants, and sync variants without their
    async variant that klass defines.
    """
    sync = sorted(s for s in pairs.values() if s in klass.defined)
    asynchronous = sorted(a for a in pairs if a in klass.defined)
    async_of = {s: a for a, s in pairs.items()}
    missing = sorted(s for s in sync if async_of[s] not in klass.defined)
    return sync, asynchronous, missing


def survey(cache):
    start = time.monotonic()
    pairs = load_pairs()
    import django

    cache.mkdir(parents=True, exist_ok=True)
    report = {
        "django": {"version": django.get_version(), "path": django.__path__[0]},
        "python": sys.version.split()[0],
        "pairs": {
            family: {label: pairs[label] for label, _, f in BASES if f == family}
            for family in FAMILIES
        },
        "packages": [],
        "not_scanned": [],
    }
    totals = Counter()
    families = {family: Counter() for family in FAMILIES}
    by_pair = {family: Counter() for family in FAMILIES}
    for name, version in PACKAGES:
        try:
            archive = download(name, version, cache)
        except RuntimeError as exc:
            report["not_scanned"].append(
                {"name": name, "version": version, "reason": str(exc)}
            )
            continue
        package = Package(name, version)
        try:
            package.read(archive)
        except (OSError, zipfile.BadZipFile, tarfile.TarError) as exc:
            report["not_scanned"].append(
                {"name": name, "version": version, "reason": f"unreadable: {exc}"}
            )
            continue
        package.trace()
        result, package_families, package_pairs, overrides = count(package, pairs)
        totals.update(result)
        for family in FAMILIES:
            families[family].update(package_families[family])
            by_pair[family].update(package_pairs[family])
        report["packages"].append(
            {
                "name": name,
                "version": version,
                "file": archive.name,
                "sha256": hashlib.sha256(archive.read_bytes()).hexdigest(),
                "files": package.files,
                "skipped_files": package.skipped_files,
                "unparsable": package.unparsable,
                **result,
                "families": {
                    family: dict(counter)
                    for family, counter in package_families.items()
                    if counter
                },
                "overriding": overrides,
            }
        )
    report["totals"] = dict(totals)
    report["families"] = {family: dict(families[family]) for family in FAMILIES}
    report["variants"] = {
        family: [
            {
                "sync": sync,
                "async": async_name(sync),
                "overrides": counter[sync, "sync"],
                "with_async": counter[sync, "both"],
                "async_only": counter[sync, "async only"],
            }
            for sync in sorted(
                {s for s, _ in counter}, key=lambda s: (-counter[s, "sync"], s)
            )
        ]
        for family, counter in by_pair.items()
    }
    report["seconds"] = round(time.monotonic() - start, 1)
    return report


# Output.

COLUMNS = ["classes", "overrides", "with_async", "async_only"]
HEADER = ["classes", "sync overrides", "with async", "async only"]


def table(rows):
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [str(cell) for cell in row]
        text = [cells[0].ljust(widths[0])]
        text += [cell.rjust(width) for cell, width in zip(cells[1:], widths[1:])]
        print("  ".join(text).rstrip())


def show(report, details=False):
    print(
        f"Django {report['django']['version']} ({report['django']['path']}), "
        f"Python {report['python']}."
    )
    print(
        "classes: classes traced to a base with variants (mixins included); "
        "sync\noverrides: those defining a sync variant; with async: of those, "
        "the ones\ndefining the async variant of every sync variant they "
        "define; async\nonly: classes defining async variants only."
    )
    print()
    rows = [["package", "version", *HEADER]]
    for package in report["packages"]:
        rows.append(
            [package["name"], package["version"], *(package[c] for c in COLUMNS)]
        )
    totals = report["totals"]
    rows.append(["all", "", *(totals.get(c, 0) for c in COLUMNS)])
    table(rows)
    print()
    rows = [["family", *HEADER]]
    for family, counter in report["families"].items():
        rows.append([family, *(counter.get(c, 0) for c in COLUMNS)])
    table(rows)
    print()
    print(
        "Sync variants overridden, by family: the number of classes that\n"
        "define each, and of those that define its async variant too (save 26/0)."
    )
    for family, variants in report["variants"].items():
        cells = [
            f"{t['sync']} {t['overrides']}/{t['with_async']}"
            for t in variants
            if t["overrides"]
        ]
        cells += [
            f"{t['async']} only {t['async_only']}" for t in variants if t["async_only"]
        ]
        print(f"  {family}: {', '.join(cells) or '-'}")
    print()
    unparsable = [
        (package["name"], path)
        for package in report["packages"]
        for path in package["unparsable"]
    ]
    if unparsable:
        print("Files that could not be parsed:")
        for name, path in unparsable:
            print(f"  {name}: {path}")
        print()
    print("Packages not scanned:")
    for package in report["not_scanned"]:
        print(f"  {package['name']} {package['version']}: {package['reason']}")
    if not report["not_scanned"]:
        print("  none")
    if details:
        print()
        print("Overrides (- sync variants without their async variant):")
        for package in report["packages"]:
            for item in package["overriding"]:
                mixin = " (mixin)" if item["mixin"] else ""
                print(f"  {package['name']}: {item['class']}{mixin}")
                print(f"    sync: {', '.join(item['sync']) or '-'}")
                print(f"    async: {', '.join(item['async']) or '-'}")
                if item["missing_async"]:
                    print(f"    - {', '.join(item['missing_async'])}")
    print()
    print(
        f"{len(report['packages'])} packages scanned, "
        f"{len(report['not_scanned'])} not, in {report['seconds']} s."
    )


# Interpreters.


def venv():
    """Return the interpreter of a venv with Django's dependencies."""
    path = CACHE / "venv"
    python = path / "bin" / "python"
    if not python.exists():
        sys.path.insert(0, str(ROOT))
        from series import testing

        subprocess.run([testing.find_python(), "-m", "venv", path], check=True)
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", "asgiref", "sqlparse"],
            check=True,
        )
    return python


def main():
    parser = argparse.ArgumentParser(
        description="Count overrides of sync and async variants in packages."
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--details", action="store_true", help="also list each overriding class"
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=CACHE,
        help=f"where downloads are kept (default: {CACHE})",
    )
    args = parser.parse_args()
    if sys.version_info < (3, 12):
        python = venv()
        print(
            f"Python {sys.version.split()[0]} can't run Django: using {python}.",
            file=sys.stderr,
            flush=True,
        )
        # The same PYTHONPATH, so the same Django.
        os.execv(python, [python, __file__, *sys.argv[1:]])
    report = survey(args.cache_dir.resolve())
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        show(report, details=args.details)


if __name__ == "__main__":
    main()
