"""
The inventory of Django's sync and async method variants, for the DEP: the
pairs of a sync method and its "a"-prefixed async variant that Django's classes
define, by family, in stock Django and with the series applied.

    python3 -m series materialize    # once: builds tree/
    python3 deps/inventory.py        # the table
    python3 deps/inventory.py --json

A pair is an async method of a class, its name a sync method's name with an
"a" prefix (after any leading underscores), whose sync variant the class has;
protocol methods such as __aiter__() are left out. In stock Django, a pair is
"honoured" when the async variant calls the sync variant through the instance
(or the class), so that an override of the sync variant runs, and "native"
when it doesn't, so that an override of the sync variant is skipped. With the
series, a pair is "declared" when django.utils.variants.pairs() of its class
lists it, that is when the class declares it with @async_variant or inherits
the declaration, and "undeclared" otherwise. Classes defined inside functions
(the related managers) are counted apart: nobody can subclass them.

Each tree is analyzed in a subprocess that imports its django package.
"""

import ast
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREE = ROOT / "tree"
sys.path.insert(0, str(ROOT))
from series import testing  # NOQA: E402

# Families by module, the first prefix that matches.
FAMILIES = [
    ("django.db.models.fields.related_descriptors", "related managers"),
    ("django.contrib.contenttypes.fields", "related managers"),
    ("django.db.models.base", "models"),
    ("django.db.models", "querysets and managers"),
    ("django.contrib.auth", "authentication"),
    ("django.contrib.sessions", "sessions"),
    ("django.core.cache", "cache"),
    ("django.tasks", "tasks"),
    ("django.test", "test client"),
    ("django.dispatch", "signals"),
    ("django", "other"),
]


def family(module):
    return next(name for prefix, name in FAMILIES if module.startswith(prefix))


def sync_name(name):
    stripped = name.lstrip("_")
    return name[: len(name) - len(stripped)] + stripped[1:]


def pairs(django_dir):
    """Yield (module, class qualname, async name, in function, node) pairs."""

    def visit(node, module, qualname, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                name = f"{qualname}.{child.name}" if qualname else child.name
                for item in child.body:
                    if (
                        isinstance(item, ast.AsyncFunctionDef)
                        and not item.name.startswith("__")
                        and item.name.lstrip("_").startswith("a")
                    ):
                        yield module, name, item.name, in_function, child, item
                yield from visit(child, module, name, in_function)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{qualname}.{child.name}" if qualname else child.name
                yield from visit(child, module, name, True)

    for path in sorted(Path(django_dir).rglob("*.py")):
        if "locale" in path.parts:
            continue
        module = ".".join(path.relative_to(django_dir.parent).with_suffix("").parts)
        yield from visit(ast.parse(path.read_bytes()), module, "", False)


def calls_sync_variant(method, sync):
    """Return whether the body of method reads self.<sync> or cls.<sync>."""
    return any(
        isinstance(node, ast.Attribute)
        and node.attr == sync
        and isinstance(node.value, ast.Name)
        and node.value.id in ("self", "cls")
        for node in ast.walk(method)
    )


def analyze(django_dir):
    """Return [{family, pair, status}] for the django package in django_dir."""
    import importlib

    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sessions",
        ]
    )
    django.setup()
    patched = (django_dir / "utils" / "variants.py").exists()
    if patched:
        from django.utils.variants import pairs as declared_pairs
    found = []
    for module, qualname, name, in_function, class_node, method in pairs(django_dir):
        sync = sync_name(name)
        declared = False
        if in_function:
            # Such a class can't be imported: look at its own methods.
            defined = {
                item.name
                for item in class_node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            }
            if sync not in defined:
                continue
        else:
            klass = importlib.import_module(module)
            for part in qualname.split("."):
                klass = getattr(klass, part)
            if not hasattr(klass, sync):
                continue
            declared = patched and any(
                pair.async_name == name and pair.sync_name == sync
                for pair in declared_pairs(klass)
            )
        if patched:
            status = "declared" if declared else "undeclared"
        else:
            status = "honoured" if calls_sync_variant(method, sync) else "native"
        found.append(
            {
                "family": family(module),
                "pair": f"{module}.{qualname}.{name}",
                "in_function": in_function,
                "status": status,
            }
        )
    return found


def venv():
    """Return the interpreter of a venv with Django's dependencies."""
    path = ROOT / "build" / "inventory"
    if not (path / "bin" / "python").exists():
        subprocess.run([testing.find_python(), "-m", "venv", path], check=True)
        subprocess.run(
            [path / "bin" / "python", "-m", "pip", "install", "--quiet"]
            + ["asgiref", "sqlparse"],
            check=True,
        )
    return path / "bin" / "python"


def run(python, django_dir):
    """Analyze the django package in django_dir in a subprocess."""
    output = subprocess.run(
        [python, __file__, "--analyze", django_dir],
        env={**os.environ, "PYTHONPATH": str(django_dir.parent)},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output)


def extract_stock(directory):
    """
    Extract stock Django's package, the "base" commit of tree/, into
    directory. Exit if there is no tree/.
    """
    if not (TREE / "django").is_dir():
        sys.exit("tree/ is missing: run 'python3 -m series materialize' first.")
    archive = subprocess.run(
        ["git", "-C", TREE, "archive", "base", "django"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", directory], input=archive, check=True)


def main(as_json=False):
    with tempfile.TemporaryDirectory() as tmp:
        extract_stock(tmp)
        python = venv()
        results = {
            "stock": run(python, Path(tmp) / "django"),
            "patched": run(python, TREE / "django"),
        }
    if as_json:
        print(json.dumps(results, indent=2))
        return
    families = [name for _, name in FAMILIES if name != "other"] + ["other"]
    families = list(dict.fromkeys(families))
    columns = [
        ("stock", "honoured"),
        ("stock", "native"),
        ("patched", "declared"),
        ("patched", "undeclared"),
    ]
    counts = {
        build: Counter((row["family"], row["status"]) for row in rows)
        for build, rows in results.items()
    }
    header = ["family", "pairs", "honoured", "native", "declared", "undeclared"]
    table = []
    for name in families:
        total = sum(n for (f, _), n in counts["stock"].items() if f == name)
        if total:
            table.append([name, total, *(counts[b][name, s] for b, s in columns)])
    table.append(["all", *(sum(column) for column in list(zip(*table))[1:])])
    widths = [max(len(str(row[i])) for row in [header, *table]) for i in range(6)]
    print("Stock: honoured (the async variant runs the sync override) or native")
    print("(it skips it). Patched: declared with @async_variant, or undeclared.")
    for row in [header, *table]:
        cells = [str(row[0]).ljust(widths[0])]
        cells += [str(cell).rjust(width) for cell, width in zip(row[1:], widths[1:])]
        print("  ".join(cells))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--analyze"]:
        print(json.dumps(analyze(Path(sys.argv[2]))))
    else:
        main(as_json="--json" in sys.argv[1:])
