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

The line changes nothing that runs: the other variant runs the override
through an automatic fallback already, and the line makes it explicit. So
it leaves alone a class that defines both variants (a fallback counts), an
override that runs the other variant itself (it names it, as
sync_to_async(self.save) does), a disabled method (delete = None), and the
overrides of an interface's variants (a cache, session or task backend, an
auth backend): its async variant runs an override of the sync one as it
always has, and its sync variant doesn't run an override of the async one,
so that stating a fallback there would change what runs; it lists the
latter. It lists too a class with a base that it can't read (imported from
outside Django, or made by a call), to decide by hand, unless the project
was imported and the class found (see series/fix/project.py): then the
system check's own function decides.

owners.json lists the classes of the series that declare variants, under
each module path they can be imported from, with their pairs ([sync, async,
optional]): every class of the patched django package that
django.utils.variants.pairs() finds pairs on, by the module attributes bound
to it. series/fix/owners.py writes it.
"""

import ast
import builtins
import json
import sys
from pathlib import Path

from . import SET_BY, Edit, dotted, outside_functions, register

OWNERS = json.loads(Path(__file__).with_name("owners.json").read_text())
HELPERS = "django.utils.variants"
SYNC_HELPER, ASYNC_HELPER = "fallback_to_sync_variant", "fallback_to_async_variant"
# Every pair of every owner, for classes with bases that can't be read.
ALL_PAIRS = {(s, a) for pairs in OWNERS.values() for s, a, _ in pairs}


# GeoDjango's models module re-exports Django's.
ALIASES = {"django.contrib.gis.db.models.": "django.db.models."}


@register(ast.ClassDef)
def fix_class(state, node):
    defined = _defined(node)
    if state.findings is not None:
        found = state.findings.get(state.qualnames[node])
        if found is not None:
            # The project was imported and the class found: the check decides.
            yield from _fix_found(state, node, defined, found)
            return
    pairs = _pairs(state, node, set())
    if pairs is None:
        methods = {
            n for n, statement in defined.items() if _overrides(state, statement)
        }
        one_sided = [
            (s, a)
            for s, a in ALL_PAIRS
            if {s, a} & methods and not {s, a} <= set(defined)
        ]
        if one_sided:
            _undecided(state, node, defined, sorted(one_sided), UNREADABLE)
        return
    conditional = _conditional(node)
    for sync, async_, optional in sorted(pairs):
        for have, missing, helper in (
            (sync, async_, SYNC_HELPER),
            (async_, sync, ASYNC_HELPER),
        ):
            if have not in defined and have in conditional:
                if not ({missing} & (set(defined) | conditional)) and not (
                    optional and have == sync
                ):
                    _undecided(
                        state,
                        node,
                        {have: None},
                        [(sync, async_)],
                        _why_not(state, node, conditional, {have}),
                    )
                continue
            if have not in defined or missing in defined:
                continue
            statement = defined[have]
            if (
                not _overrides(state, statement)
                or _runs(statement, missing)
                or (optional and have == sync)
            ):
                continue
            reason = INTERFACE if optional else None
            reason = reason or _why_not(state, node, conditional, {have, missing})
            if not reason and _helper_name(state, node, helper) is None:
                reason = CONDITIONAL_IMPORT
            if reason:
                _undecided(state, node, defined, [(sync, async_)], reason)
                continue
            yield _state(
                state, node, _end(state, node, statement, have), missing, helper
            )


# Why a class is listed rather than fixed.
UNREADABLE = (
    f"has a base that it can't read: if a base declares the variants, state "
    f"the other one with {SYNC_HELPER} or {ASYNC_HELPER}, by hand"
)
CONDITIONAL_IMPORT = (
    "the file imports the helper under a condition: state the other one with "
    "it by hand, where the condition allows"
)
INTERFACE = (
    "the sync variant of its interface doesn't run that override: stating the "
    "fallback would change what runs, so define the sync variant, or state "
    "the fallback if it should run the override"
)


def _fix_found(state, node, defined, found):
    """
    Yield the edits that state the fallbacks that the system check's
    function, one_sided_overrides(), found missing on the class: after the
    override, or at the end of the body where a package sets it at run time.
    """
    conditional = _conditional(node)
    edits = []
    for have, missing, helper, optional, note in sorted(found):
        if missing in defined:
            continue
        reason = INTERFACE if optional else None
        if not reason:
            reason = _why_not(state, node, conditional, {have, missing}, False)
        if not reason and _helper_name(state, node, helper) is None:
            reason = CONDITIONAL_IMPORT
        if reason:
            _undecided(state, node, {have: None}, [(have, missing)], reason)
            continue
        if have in defined:
            after = _end(state, node, defined[have], have)
            # The class body sets it, through a decorator or a name.
            if SET_BY in note:
                note = ""
        else:
            after = _comments_after(state, node, node.body[-1].end_lineno)
        edits.append((after, missing, helper, note))
    # In the order of the lines.
    for after, missing, helper, note in sorted(edits):
        yield _state(state, node, after, missing, helper, note)


def _why_not(state, node, conditional, names, in_bases=True):
    """Return why the fallback of a pair of names can't be stated, or None."""
    if conditional & names:
        return "defines a variant under a condition: state the other one by hand"
    if in_bases and _in_bases(state, node, names):
        return (
            "has a base in this file that defines a variant: state the other "
            "one by hand, where it belongs"
        )
    if node.body[0].lineno == node.lineno:
        return "is written on one line: state the other one by hand"
    return None


def _state(state, node, after, missing, helper, note=""):
    """
    Return the Edit that states a fallback, after line `after`, under the
    name the file imports the helper as before the class, if it does.
    """
    helper, imported = _helper_name(state, node, helper)
    if not imported:
        state.needed[HELPERS].add(helper)
    state.changes.append(
        f"{node.lineno}: {node.name}: added {missing} = {helper}{note}"
    )
    return Edit(after, ["", f"{_indent(state, node)}{missing} = {helper}"])


def _helper_name(state, node, helper):
    """
    Return the name under which the module-level statements before the class
    import helper (or helper), and whether they do. Return None if they import
    it under a condition, as a library that supports older releases of Django
    does, but for type checkers only.
    """
    for statement in state.tree.body:
        if statement.lineno >= node.lineno:
            break
        for inner in outside_functions(statement):
            if not (
                isinstance(inner, ast.ImportFrom)
                and inner.module == HELPERS
                and not inner.level
            ):
                continue
            for alias in inner.names:
                if alias.name in (helper, "*"):
                    if inner is statement:
                        return alias.asname or helper, True
                    if not _type_checking(statement):
                        return None
    return helper, False


def _type_checking(statement):
    """Return whether statement is an `if TYPE_CHECKING:` block."""
    test = getattr(statement, "test", None)
    name = getattr(test, "id", None) or getattr(test, "attr", None)
    return isinstance(statement, ast.If) and name == "TYPE_CHECKING"


def _undecided(state, node, defined, pairs, reason):
    have = ", ".join(f"{s if s in defined else a}()" for s, a in pairs)
    state.undecided.append(f"{node.lineno}: {node.name} overrides {have} and {reason}.")


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


def _end(state, node, statement, name):
    """
    Return the last line of `statement` in the class body `node`, and of the
    statements after it that set attributes of `name`, such as
    delete.alters_data = True, and of the comments indented under it.
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
    return _comments_after(state, node, end)


def _comments_after(state, node, end):
    """
    Return the last line of the comments after line `end` that are indented
    under the class body, which belong to what ends there.
    """
    indent = len(_indent(state, node))
    while end < len(state.lines):
        line = state.lines[end]
        if (
            not line.lstrip().startswith("#")
            or len(line) - len(line.lstrip()) <= indent
        ):
            break
        end += 1
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
    dict, a class of the standard library or of typing, or a class of
    Django that owners.json doesn't list, which lists every class that
    declares variants.
    """
    if isinstance(base, ast.Name) and name is None:
        return base.id in dir(builtins)
    if name is None:
        return False
    top = name.split(".")[0]
    return top in sys.stdlib_module_names or top in ("typing_extensions", "django")


def _states_fallback(state, statement):
    """Return whether the statement is `name = fallback_to_..._variant`."""
    if not isinstance(statement, ast.Assign):
        return False
    name = dotted(statement.value, state.imports) or ""
    return name.removeprefix(f"{HELPERS}.") in (SYNC_HELPER, ASYNC_HELPER) or (
        isinstance(statement.value, (ast.Name, ast.Attribute))
        and name == ""
        and getattr(statement.value, "id", getattr(statement.value, "attr", None))
        in (SYNC_HELPER, ASYNC_HELPER)
    )


def _overrides(state, statement):
    """
    Return whether the statement of a class body binds a method: a function
    but a property, or an assignment but that of a constant (delete = None
    disables a method) or of a fallback helper.
    """
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return not any(
            (dotted(d, state.imports) or getattr(d, "id", getattr(d, "attr", "")))
            .split(".")[-1]
            .endswith("property")
            for d in statement.decorator_list
        )
    value = getattr(statement, "value", None)
    return (
        value is not None
        and not isinstance(value, ast.Constant)
        and not _states_fallback(state, statement)
    )


def _runs(statement, name):
    """
    Return whether the statement, an override, runs the variant `name`
    itself, as the system check reads it: an attribute `name` of its first
    argument, of super() or of a global (self.save, super().save,
    models.Model.save), or getattr() of one with the name.
    """
    if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    arguments = statement.args.posonlyargs + statement.args.args
    receiver = arguments[0].arg if arguments else None
    local = {
        node.arg for node in ast.walk(statement.args) if isinstance(node, ast.arg)
    } | {
        node.id
        for node in ast.walk(statement)
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)
    }

    def named(node):
        # The receiver, super(), or a global or an attribute of one.
        if isinstance(node, ast.Call):
            return isinstance(node.func, ast.Name) and node.func.id == "super"
        if isinstance(node, ast.Name) and node.id == receiver:
            return True
        while isinstance(node, ast.Attribute):
            node = node.value
        return isinstance(node, ast.Name) and node.id not in local

    for node in ast.walk(statement):
        if isinstance(node, ast.Attribute) and node.attr == name and named(node.value):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) >= 2
            and named(node.args[0])
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == name
        ):
            return True
    return False
