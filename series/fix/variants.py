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
Django, or made by a call): that class is listed, to decide by hand.

owners.json lists the classes of the series that declare variants, under
each module path they can be imported from, with their pairs ([sync, async,
optional]): every class of the patched django package that
django.utils.variants.pairs() finds pairs on, by the module attributes bound
to it. series/fix/owners.py writes it.
"""

import ast
import json
from pathlib import Path

from . import Edit, dotted, register

OWNERS = json.loads(Path(__file__).with_name("owners.json").read_text())
HELPERS = "django.utils.variants"
SYNC_HELPER, ASYNC_HELPER = "fallback_to_sync_variant", "fallback_to_async_variant"
# Every pair of every owner, for classes with bases that can't be read.
ALL_PAIRS = {(s, a) for pairs in OWNERS.values() for s, a, _ in pairs}


@register(ast.ClassDef)
def fix_class(state, node):
    pairs = _pairs(state, node, set())
    defined = _defined(node)
    if pairs is None:
        one_sided = sorted(
            (s, a) for s, a in ALL_PAIRS if (s in defined) != (a in defined)
        )
        if one_sided:
            have = ", ".join(f"{s if s in defined else a}()" for s, a in one_sided)
            state.undecided.append(
                f"{node.lineno}: {node.name} overrides {have} and has a base "
                f"that this fix can't read: if a base declares the variants, "
                f"state the other one with {SYNC_HELPER} or {ASYNC_HELPER}."
            )
        return
    for sync, async_, optional in sorted(pairs):
        for have, missing, helper in (
            (sync, async_, SYNC_HELPER),
            (async_, sync, ASYNC_HELPER),
        ):
            if have not in defined or missing in defined:
                continue
            if have == sync and optional:
                continue
            statement = defined[have]
            if _states_fallback(statement) or _names(statement, missing):
                continue
            indent = " " * node.body[0].col_offset
            line = f"{indent}{missing} = {helper}\n"
            yield Edit(_end(node, statement, have), ["\n", line])
            state.needed[HELPERS].add(helper)
            state.changes.append(
                f"{node.lineno}: {node.name}: added {missing} = {helper}"
            )


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
        if name in OWNERS:
            pairs.update((s, a, o) for s, a, o in OWNERS[name])
        elif isinstance(base, ast.Name) and base.id in classes:
            if base.id in seen:
                return None
            found = _pairs(state, classes[base.id], seen | {base.id})
            if found is None:
                return None
            pairs.update(found)
        elif (isinstance(base, ast.Name) and base.id == "object") or (
            name and name.startswith(("typing.", "typing_extensions."))
        ):
            continue
        elif name is None or not name.startswith("django."):
            return None
    return pairs


def _states_fallback(statement):
    """Return whether the statement is `name = fallback_to_..._variant`."""
    return isinstance(statement, ast.Assign) and (
        isinstance(statement.value, ast.Name)
        and statement.value.id in (SYNC_HELPER, ASYNC_HELPER)
        or isinstance(statement.value, ast.Attribute)
        and statement.value.attr in (SYNC_HELPER, ASYNC_HELPER)
    )


def _names(statement, name):
    """
    Return whether the statement names the attribute `name`, as
    sync_to_async(self.save) or getattr(self, "save") do: it runs it itself.
    """
    for node in ast.walk(statement):
        if isinstance(node, ast.Attribute) and node.attr == name:
            return True
        if isinstance(node, ast.Constant) and node.value == name:
            return True
    return False
