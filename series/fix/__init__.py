"""
The fix command: rewrite a codebase for the series' deprecation of automatic
fallbacks between method variants, as django-upgrade rewrites one for a
Django release.

    python -m series fix PATH...

reads each Python file of the paths (directories are walked, but hidden ones
and installed packages), runs the fixers on it and writes the file back if
they changed it. It prints each change, each class it could not decide
about, and each file it could not parse, and exits non-zero if there is any
of them.

It is static, like django-upgrade: it reads the source without importing
it, so it needs no settings and runs on any codebase, and each fixer has
django-upgrade's shape, a function registered for a kind of ast node that
yields edits at source offsets. What a static reading can't prove, it lists,
unless the environment names the project's settings (DJANGO_SETTINGS_MODULE):
then it also imports the project and runs Django's system check, and a class
that the check names (async.W001) is fixed by what the check found.

The edits insert whole lines, at positions that the ast gives, so the rest of
a file keeps its bytes: formatting and comments survive.
"""

import ast
import collections
import io
import os
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

# The fixers, by the ast node type that they visit.
FIXERS = collections.defaultdict(list)


def register(node_type):
    """Register the decorated function as a fixer of node_type."""

    def decorator(function):
        FIXERS[node_type].append(function)
        return function

    return decorator


# The note of a change for an override that isn't written in the class body.
SET_BY = "is set on the class by"


@dataclass
class State:
    """What the fixers know of a file, and what they report."""

    path: Path
    tree: ast.Module
    # The source's lines, without their ends, numbered as the ast numbers
    # them (from 0).
    lines: list
    # The dotted name each module-level name stands for, from its imports.
    imports: dict = field(default_factory=dict)
    # The qualified name of each class statement, as Python names the class.
    qualnames: dict = field(default_factory=dict)
    # What the system check found in the file, by qualified name of class,
    # or None when the project wasn't imported.
    findings: dict = None
    # Module-level names that the file's fixes import, by module.
    needed: dict = field(default_factory=lambda: collections.defaultdict(set))
    changes: list = field(default_factory=list)
    undecided: list = field(default_factory=list)


@dataclass(order=True)
class Edit:
    """
    Lines, without their ends, to insert after line `after` (1-based; 0 is
    the top), in place of the `replace` lines that end there.
    """

    after: int
    lines: list
    replace: int = 0


def resolve_imports(tree):
    """
    Return {name: dotted name} for the names that the module-level imports
    of tree bind, where it can tell: a name that is bound under a condition
    (if TYPE_CHECKING, try) or bound again to something else stands for
    None.
    """
    names = {}
    for node in tree.body:
        for inner in outside_functions(node):
            for name, target in _bound(inner):
                if inner is not node or names.get(name, target) != target:
                    target = None
                names[name] = target
    return names


def outside_functions(node):
    """Yield node and the nodes under it, but in functions and classes."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return
    yield node
    for child in ast.iter_child_nodes(node):
        yield from outside_functions(child)


def _bound(node):
    """Yield (name, dotted name or None) for the names an import binds."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                yield alias.asname, alias.name
            else:
                top = alias.name.split(".")[0]
                yield top, top
    elif isinstance(node, ast.ImportFrom):
        for alias in node.names:
            target = None
            if node.module and not node.level:
                target = f"{node.module}.{alias.name}"
            yield alias.asname or alias.name, target


def dotted(node, imports):
    """Return the dotted name that a base-class expression stands for."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or imports.get(node.id) is None:
        return None
    return ".".join([imports[node.id], *reversed(parts)])


# Python ends a line at \r\n, \r or \n only (str.splitlines() also splits at
# form feeds and other characters).
LINE = re.compile(r"[^\r\n]*(\r\n|\r|\n)|[^\r\n]+$")


def qualnames(node, prefix=""):
    """Return {class statement: qualified name} for the classes in node."""
    names = {}
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.ClassDef):
            names[child] = prefix + child.name
            names.update(qualnames(child, f"{prefix}{child.name}."))
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.update(qualnames(child, f"{prefix}{child.name}.<locals>."))
        else:
            names.update(qualnames(child, prefix))
    return names


def fix_source(source, path=Path("<string>"), findings=None):
    """
    Return the fixed source, and the State of the run; findings are what the
    system check found in the file (see State).
    """
    tree = ast.parse(source)
    matches = list(LINE.finditer(source))
    lines = [m[0].removesuffix(m[1] or "") for m in matches]
    ends = [m[1] or "" for m in matches]
    state = State(path, tree, lines, resolve_imports(tree), qualnames(tree), findings)
    edits = []
    for node in ast.walk(tree):
        for fixer in FIXERS[type(node)]:
            edits.extend(fixer(state, node))
    # In the file's order.
    for found in (state.changes, state.undecided):
        found.sort(key=lambda line: int(line.split(":")[0]))
    if not edits:
        return source, state
    edits.extend(_import_edits(state, lines))
    # New lines end as the file's first line does.
    newline = next((end for end in ends if end), "\n")
    if ends and not ends[-1]:
        ends[-1] = newline
    rows = [line + end for line, end in zip(lines, ends)]
    for edit in sorted(edits, reverse=True):
        new = [line + newline for line in edit.lines]
        rows[edit.after - edit.replace : edit.after] = new
    fixed = "".join(rows)
    # A safety net: what doesn't parse isn't written.
    ast.parse(fixed)
    return fixed, state


def _import_edits(state, lines):
    """
    Yield the edits that import what the fixes use and isn't imported: into
    the file's import from the same module, if it's a plain line, or else
    on a line of its own.
    """
    position = _import_position(state.tree)
    for module, missing in sorted(state.needed.items()):
        for node in state.tree.body:
            # A plain import at the top of the file, which the classes follow.
            if not (
                isinstance(node, ast.ImportFrom)
                and node.module == module
                and not node.level
                and node.end_lineno <= position
                and all(alias.asname is None for alias in node.names)
                and all(alias.name != "*" for alias in node.names)
            ):
                continue
            imported = {alias.name for alias in node.names}
            old = f"from {module} import {', '.join(a.name for a in node.names)}"
            new = f"from {module} import {', '.join(sorted(imported | missing))}"
            if lines[node.lineno - 1] == old and len(new) <= 88:
                yield Edit(node.lineno, [new], replace=1)
                break
        else:
            line = f"from {module} import {', '.join(sorted(missing))}"
            yield Edit(position, [line])


def _import_position(tree):
    """
    Return the line after which a module-level import of Django goes: after
    the last of Django's, or else after the last import, or else before the
    first statement (after a shebang, an encoding line, a licence).
    """
    after = django = 0
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            after = node.end_lineno
            module = node.module if isinstance(node, ast.ImportFrom) else None
            names = [module] if module else [alias.name for alias in node.names]
            if any(name.split(".")[0] == "django" for name in names):
                django = node.end_lineno
        elif (
            after == 0
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            # The module's docstring.
            after = node.end_lineno
        else:
            if after == 0:
                first = getattr(node, "decorator_list", None) or [node]
                after = min(n.lineno for n in first) - 1
            break
    return django or after


# Directories that a walk doesn't enter: installed packages, caches.
SKIPPED = {"site-packages", "dist-packages", "node_modules", "__pycache__"}
PROJECT_FILES = ("setup.py", "pyproject.toml")


def python_files(paths):
    """
    Yield the files of paths, and the Python files under its directories,
    but those that a walk skips (see _skipped()); each once.
    """
    seen = set()
    for path in map(Path, paths):
        if path.is_dir():
            found = [
                file
                for file in sorted(path.rglob("*.py"))
                if file.is_file() and not _skipped(path, file)
            ]
        else:
            found = [path]
        for file in found:
            if (key := file.resolve()) not in seen:
                seen.add(key)
                yield file


def _skipped(root, file):
    """
    Return whether file is under a directory that a walk of root doesn't
    enter: a hidden one (.venv, .git), one of SKIPPED, or a package's build
    directory (next to its setup.py or pyproject.toml).
    """
    directory = root
    for part in file.relative_to(root).parts[:-1]:
        if (
            part.startswith(".")
            or part in SKIPPED
            or part == "build"
            and any((directory / name).exists() for name in PROJECT_FILES)
        ):
            return True
        directory /= part
    return False


def main(paths):
    """Fix the files of paths; return the process's exit status."""
    from . import variants  # NOQA: F401 (registers its fixer)

    files = list(python_files(paths))
    project = None
    if settings := os.environ.get("DJANGO_SETTINGS_MODULE"):
        from .project import Project

        print(f"Importing the project: DJANGO_SETTINGS_MODULE={settings}.")
        project = Project.load(files)
        for line in project.report():
            print(line)
    else:
        print(
            "DJANGO_SETTINGS_MODULE is not set: reading the sources only. Set "
            "it to have the system check decide about the classes whose bases "
            "come from other packages."
        )
    changed = unparsed = undecided = 0
    for path in files:
        try:
            # As bytes, in the file's encoding: the line ends, a BOM stay.
            data = path.read_bytes()
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            source = data.decode(encoding)
            findings = None if project is None else project.findings(path)
            fixed, state = fix_source(source, path, findings)
        except (OSError, SyntaxError, UnicodeError, ValueError) as e:
            print(f"{path}: not fixed, can't read or parse it: {e}")
            unparsed += 1
            continue
        for line in state.changes:
            print(f"{path}:{line}")
        for line in state.undecided:
            print(f"{path}:{line}")
        undecided += len(state.undecided)
        if fixed != source:
            path.write_bytes(fixed.encode(encoding))
            changed += 1
    print(
        f"{changed} file(s) changed, {undecided} class(es) to decide by hand, "
        f"{unparsed} file(s) not parsed."
    )
    # As django-upgrade, non-zero when it changed a file, too.
    return 1 if changed or undecided or unparsed else 0
