"""
The fixer of one-sided overrides: a class that derives from a Django class
declaring method variants (a model, a manager or QuerySet, an auth backend,
a session store, a cache or task backend) and overrides one variant of a
pair but not the other gets the line that states the fallback, after the
override, and its import:

    class Article(models.Model):
        def save(self, **kwargs):
            ...

        asave = fallback_to_sync_variant

It leaves alone a class that defines both variants (a fallback counts), an
override that runs the other variant itself (it names it, as
sync_to_async(self.save) does), the sync variant of an interface (such as a
cache backend's get(): interfaces may be implemented in the sync variant
only), and a class with a base that it can't read (imported from outside
Django, or made by a call): that class is listed, to decide by hand, unless
the system check, run on the project, names it (see check_findings()).

owners.json lists the classes of the series that declare variants, under
each module path they can be imported from, with their pairs ([sync, async,
optional]): every class of the patched django package that
django.utils.variants.pairs() finds pairs on, by the module attributes bound
to it. series/fix/owners.py writes it.
"""

import ast
import builtins
import collections
import importlib
import inspect
import json
import sys
from pathlib import Path

from .. import SeriesError
from . import Edit, dotted, register

OWNERS = json.loads(Path(__file__).with_name("owners.json").read_text())
HELPERS = "django.utils.variants"
SYNC_HELPER, ASYNC_HELPER = "fallback_to_sync_variant", "fallback_to_async_variant"
# Every pair of every owner, for classes with bases that can't be read.
ALL_PAIRS = {(s, a) for pairs in OWNERS.values() for s, a, _ in pairs}


# Modules of Django whose classes declare no variants: their subclasses,
# such as forms with a save(), are no business of this fixer. A base from
# elsewhere in Django that owners.json doesn't list is listed.
NEUTRAL = (
    "django.apps",
    "django.conf",
    "django.contrib.admin",
    "django.contrib.messages",
    "django.core.checks",
    "django.core.exceptions",
    "django.core.files",
    "django.core.mail",
    "django.core.management",
    "django.core.serializers",
    "django.db.migrations",
    "django.dispatch",
    "django.forms",
    "django.http",
    "django.middleware",
    "django.template",
    "django.test",
    "django.urls",
    "django.utils",
    "django.views",
)
# GeoDjango's models module re-exports Django's.
ALIASES = {"django.contrib.gis.db.models.": "django.db.models."}


@register(ast.ClassDef)
def fix_class(state, node):
    defined = _defined(node)
    pairs = _pairs(state, node, set())
    # What the system check found on the class, if the project was imported.
    found = None
    if state.findings is not None:
        found = state.findings.get(state.qualnames[node], [])
    if pairs is None and not found:
        one_sided = [(s, a) for s, a in ALL_PAIRS if (s in defined) != (a in defined)]
        if one_sided:
            reason = "has a base that it can't read"
            if found is not None:
                reason += ", and the system check doesn't name it"
            _undecided(state, node, defined, sorted(one_sided), reason)
        return
    conditional = _conditional(node)
    # The names of variants that it stated, or listed.
    done = set()
    for sync, async_, optional in sorted(pairs or ()):
        for have, missing, helper in (
            (sync, async_, SYNC_HELPER),
            (async_, sync, ASYNC_HELPER),
        ):
            if have not in defined or missing in defined:
                continue
            if have == sync and optional:
                continue
            statement = defined[have]
            if _states_fallback(statement) or _runs(statement, missing):
                continue
            done.add(missing)
            reason = _why_not(state, node, conditional, {have, missing})
            if reason:
                _undecided(state, node, defined, [(sync, async_)], reason)
                continue
            yield _state(state, node, _end(node, statement, have), missing, helper)
    # Then what the check found and the source doesn't show: an override
    # behind a base that it can't read, or one that a package sets on the
    # class at run time.
    for have, missing, helper in found or ():
        if missing in done or missing in defined:
            continue
        done.add(missing)
        reason = _why_not(state, node, conditional, {have, missing})
        if reason:
            _undecided(state, node, {have: None}, [(have, missing)], reason)
            continue
        if have in defined:
            after = _end(node, defined[have], have)
        else:
            after = node.body[-1].end_lineno
        yield _state(state, node, after, missing, helper, " (async.W001)")


def _why_not(state, node, conditional, names):
    """Return why the fallback of one of names can't be stated, or None."""
    if conditional & names:
        return "defines a variant under a condition"
    if _in_bases(state, node, names):
        return "has a base in this file that defines a variant"
    if node.body[0].lineno == node.lineno:
        return "is written on one line"
    return None


def _state(state, node, after, missing, helper, note=""):
    """Return the Edit that states a fallback, after line `after`."""
    state.needed[HELPERS].add(helper)
    state.changes.append(
        f"{node.lineno}: {node.name}: added {missing} = {helper}{note}"
    )
    return Edit(after, ["", f"{_indent(state, node)}{missing} = {helper}"])


def _undecided(state, node, defined, pairs, reason):
    have = ", ".join(f"{s if s in defined else a}()" for s, a in pairs)
    state.undecided.append(
        f"{node.lineno}: {node.name} overrides {have} and {reason}: if a base "
        f"declares the variants, state the other one with {SYNC_HELPER} or "
        f"{ASYNC_HELPER}, by hand."
    )


def _indent(state, node):
    """Return the indentation of the class body, as the source writes it."""
    line = state.lines[node.body[0].lineno - 1]
    return line[: len(line) - len(line.lstrip())]


def _conditional(node):
    """
    Return the names that the class body binds under a condition (if, try,
    with, match), as a variant defined for some Django versions only is.
    """
    names = set()
    for statement in node.body:
        if isinstance(statement, (ast.If, ast.Try, ast.With, ast.Match)):
            for inner in ast.walk(statement):
                if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names.add(inner.name)
                elif isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
                    names.add(inner.id)
    return names


def _in_bases(state, node, names, seen=frozenset()):
    """Return whether a base of `node` defined in the file defines names."""
    classes = {n.name: n for n in state.tree.body if isinstance(n, ast.ClassDef)}
    for base in node.bases:
        if isinstance(base, ast.Subscript):
            base = base.value
        if isinstance(base, ast.Name) and base.id in classes and base.id not in seen:
            parent = classes[base.id]
            if names & (set(_defined(parent)) | _conditional(parent)) or _in_bases(
                state, parent, names, seen | {base.id}
            ):
                return True
    return False


def _end(node, statement, name):
    """
    Return the last line of `statement` in the class body `node`, and of the
    statements after it that set attributes of `name`, such as
    delete.alters_data = True.
    """
    end = statement.end_lineno
    for after in node.body[node.body.index(statement) + 1 :]:
        if not (
            isinstance(after, ast.Assign)
            and all(
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == name
                for target in after.targets
            )
        ):
            break
        end = after.end_lineno
    return end


def _defined(node):
    """Return {name: statement} for the names that the class body binds."""
    defined = {}
    for statement in node.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            defined[statement.name] = statement
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    defined[target.id] = statement
        elif isinstance(statement, ast.AnnAssign) and isinstance(
            statement.target, ast.Name
        ):
            defined[statement.target.id] = statement
    return defined


def _pairs(state, node, seen):
    """
    Return the pairs, as (sync, async, optional), that the bases of the
    class `node` declare, or None if a base can't be read.
    """
    pairs = set()
    classes = {n.name: n for n in state.tree.body if isinstance(n, ast.ClassDef)}
    for base in node.bases:
        if isinstance(base, ast.Subscript):
            # QuerySet[Model], Generic[T].
            base = base.value
        if isinstance(base, ast.Call):
            # Manager.from_queryset(QuerySet) makes a Manager.
            if isinstance(base.func, ast.Attribute) and base.func.attr in (
                "from_queryset",
            ):
                base = base.func.value
            else:
                return None
        name = dotted(base, state.imports)
        for prefix, replacement in ALIASES.items():
            if name and name.startswith(prefix):
                name = replacement + name.removeprefix(prefix)
        if name in OWNERS:
            pairs.update((s, a, o) for s, a, o in OWNERS[name])
        elif isinstance(base, ast.Name) and base.id in classes:
            if base.id in seen:
                return None
            found = _pairs(state, classes[base.id], seen | {base.id})
            if found is None:
                return None
            pairs.update(found)
        elif _neutral(base, name):
            continue
        else:
            return None
    return pairs


def _neutral(base, name):
    """
    Return whether a base adds no variants: a builtin such as object or
    dict, a class of the standard library or of typing, or of a module of
    Django that declares none.
    """
    if isinstance(base, ast.Name) and name is None:
        return base.id in dir(builtins)
    if name is None:
        return False
    top = name.split(".")[0]
    return (
        top in sys.stdlib_module_names
        or top == "typing_extensions"
        or name.startswith(tuple(f"{module}." for module in NEUTRAL))
    )


def _states_fallback(statement):
    """Return whether the statement is `name = fallback_to_..._variant`."""
    return isinstance(statement, ast.Assign) and (
        isinstance(statement.value, ast.Name)
        and statement.value.id in (SYNC_HELPER, ASYNC_HELPER)
        or isinstance(statement.value, ast.Attribute)
        and statement.value.attr in (SYNC_HELPER, ASYNC_HELPER)
    )


def _runs(statement, name):
    """
    Return whether the statement, an override, runs the variant `name`
    itself, as sync_to_async(self.save), super().asave() or
    getattr(self, "save") do: through its first argument or super().
    """
    if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    arguments = statement.args.posonlyargs + statement.args.args
    receivers = {arguments[0].arg} if arguments else set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Attribute) and node.attr == name:
            value = node.value
            if (isinstance(value, ast.Name) and value.id in receivers) or (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Name)
                and value.func.id == "super"
            ):
                return True
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in receivers
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == name
        ):
            return True
    return False


def check_findings(files):
    """
    Import the project that DJANGO_SETTINGS_MODULE names and the modules of
    files that it can import (those of packages on sys.path, so that classes
    defined outside models modules, such as in tests, exist), run the system
    checks, and return what async.W001 found: {path of a source file:
    {qualified name of a class: [(defined, missing, helper)]}}, the class
    overriding the variant `defined` and not `missing`, and the helper that
    states the fallback; and how many modules were imported.
    """
    try:
        import django
        from django.utils.variants import one_sided_overrides
    except ImportError as e:
        raise SeriesError(
            f"Can't import the patched Django ({e}): run the command with the "
            "project's interpreter, with the series' build of Django installed."
        )
    from django.core import checks

    try:
        django.setup()
    except Exception as e:
        raise SeriesError(
            f"Can't import the project ({type(e).__name__}: {e}): check "
            "DJANGO_SETTINGS_MODULE, and that the project is on PYTHONPATH."
        )
    imported = 0
    for name in filter(None, map(_module_name, files)):
        try:
            importlib.import_module(name)
        except Exception:
            # Another project's module, or an optional dependency's.
            continue
        imported += 1
    findings = collections.defaultdict(lambda: collections.defaultdict(list))
    named = {
        message.obj
        for message in checks.run_checks(tags=[checks.Tags.async_support])
        if message.id == "async.W001" and inspect.isclass(message.obj)
    }
    for klass in named:
        try:
            path = Path(inspect.getsourcefile(klass)).resolve()
        except TypeError:
            # A class made without a source file.
            continue
        for base, defined, missing, helper in one_sided_overrides(klass):
            if base is klass:
                findings[path][klass.__qualname__].append((defined, missing, helper))
    return findings, imported


def _module_name(path):
    """
    Return the dotted name that the module at path is imported by, or None
    if it isn't in a package on sys.path (a script, such as setup.py).
    """
    path = Path(path).resolve()
    if path.name == "__main__.py" or not (path.parent / "__init__.py").exists():
        return None
    for entry in sys.path:
        root = Path(entry or ".").resolve()
        if path.is_relative_to(root):
            parts = path.relative_to(root).with_suffix("").parts
            if all(
                (root.joinpath(*parts[:i]) / "__init__.py").exists()
                for i in range(1, len(parts))
            ) and all(part.isidentifier() for part in parts):
                return ".".join(parts).removesuffix(".__init__")
    return None
