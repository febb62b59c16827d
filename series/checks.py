"""The lint and docs checks of a materialized tree, and the DEP's."""

import io
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

from . import ROOT, SeriesError, patches

LINTERS = (
    ["black", "--check", "--diff", "--quiet"],
    ["isort", "--check-only", "--diff", "--quiet"],
    ["flake8", f"--config={ROOT / 'setup.cfg'}"],
)
# Offline, intersphinx reads the inventories Debian's doc packages install
# (apt-get install python3-doc sphinx-doc python-psycopg-doc). They are older
# than the live ones, which alone have the targets in OFFLINE_GAPS.
DEBIAN_INVENTORIES = {
    "python": "/usr/share/doc/python3/html/objects.inv",
    "sphinx": "/usr/share/doc/sphinx-doc/html/objects.inv",
    "psycopg": "/usr/share/doc/python-psycopg-doc/html/objects.inv",
}
OFFLINE_GAPS = [
    ("py:attr", "BaseException.__cause__"),
    ("py:class", "psycopg:psycopg_pool.ConnectionPool"),
    ("rst:role", "cve"),
]


def lint(tree):
    """
    Run black, isort and flake8, with Django's settings, on the Python files
    of tree that differ from the base, then on this repository's tooling.
    Return non-zero if any complains.
    """
    changed = patches.git(
        "diff", "--name-only", "--diff-filter=d", patches.BASE, "--", "*.py", cwd=tree
    ).split()
    print(f"Linting the {len(changed)} Python files the series adds or changes.")
    failed = _lint(tree, changed)
    print("Linting this repository's tooling.")
    return failed | _lint(ROOT, ["series", "bench", "deps", "thirdparty"])


def _lint(cwd, paths):
    failed = 0
    for linter in LINTERS if paths else ():
        failed |= subprocess.run(
            [sys.executable, "-m", *linter, *paths], cwd=cwd
        ).returncode
    return failed


def docs(tree):
    """
    Build the docs of tree, a scratch copy, with Django's Makefile: html and
    spelling with warnings as errors, lint, and black (blacken-docs) for the
    code blocks. Install the docs requirements into the running venv first.
    Return non-zero on any warning.
    """
    if sys.prefix == sys.base_prefix:
        raise SeriesError(
            "The docs command installs Django's docs requirements into the "
            "running environment: run it in a venv, such as 'tox -e docs'."
        )
    docs = tree / "docs"
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--requirement", docs / "requirements.txt"], check=True)
    if not _reachable("https://docs.python.org/3/objects.inv"):
        _use_debian_inventories(docs / "conf.py")
    targets = ["html", "lint", "black"]
    if subprocess.run([sys.executable, "-c", "import enchant"]).returncode:
        print(
            "Note: skipping the spelling check, which needs the Enchant library "
            "and a dictionary (apt-get install libenchant-2-2 hunspell-en-us)."
        )
    else:
        targets.append("spelling")
    make = [
        "make",
        "--directory",
        docs,
        f"PYTHON={sys.executable}",
        f"SPHINXBUILD={sys.executable} -m sphinx",
        "SPHINXOPTS=-W --keep-going",
    ]
    return max(subprocess.run([*make, target]).returncode for target in targets)


def _reachable(url):
    try:
        urllib.request.urlopen(url, timeout=10).close()
    except OSError:
        return False
    return True


def _use_debian_inventories(conf):
    missing = [path for path in DEBIAN_INVENTORIES.values() if not Path(path).exists()]
    if missing:
        raise SeriesError(
            "The intersphinx inventories' sites are out of reach, and so are "
            f"Debian's copies ({', '.join(missing)}): apt-get install "
            "python3-doc sphinx-doc python-psycopg-doc."
        )
    print("Note: the inventories' sites are out of reach; using Debian's copies.")
    with open(conf, "a") as f:
        f.write(
            "\n# Added by python -m series docs, offline.\n"
            "intersphinx_mapping = {\n"
            + "".join(
                f"    {name!r}: (intersphinx_mapping[{name!r}][0], {path!r}),\n"
                for name, path in DEBIAN_INVENTORIES.items()
            )
            + "}\n"
            'nitpick_ignore = [*globals().get("nitpick_ignore", ()), '
            f"*{OFFLINE_GAPS!r}]\n"
        )


# The most words of prose each file of deps/ may have.
WORD_LIMITS = {"XXXX-sync-async-variants.rst": 3500, "forum-post.rst": 500}


def dep(root=ROOT):
    """
    Render each reStructuredText file of deps/ with docutils, and count the
    words of prose of those that WORD_LIMITS names. Return non-zero if any
    prints a warning or an error, or has more words than its limit.
    """
    import docutils.core

    failed = 0
    for path in sorted((root / "deps").glob("*.rst")):
        messages = io.StringIO()
        settings = {"report_level": 2, "warning_stream": messages}
        doctree = docutils.core.publish_doctree(
            path.read_text(), source_path=str(path), settings_overrides=settings
        )
        docutils.core.publish_from_doctree(
            doctree, writer_name="html", settings_overrides=settings
        )
        name = path.relative_to(root)
        if messages.getvalue():
            print(messages.getvalue(), end="")
            failed = 1
        else:
            print(f"{name} renders without warnings.")
        if limit := WORD_LIMITS.get(path.name):
            words = prose_words(doctree)
            print(f"{name}: {words} words of prose, of at most {limit}.")
            failed |= words > limit
    return failed


def prose_words(doctree):
    """
    Count the words of a docutils document outside its tables, literal
    blocks, comments, fields and table of contents: the tokens with a letter
    or a digit, ``asave()`` one.
    """
    from docutils import nodes

    skipped = (
        nodes.table,
        nodes.literal_block,
        nodes.comment,
        nodes.docinfo,
        nodes.field_list,
        nodes.topic,
        nodes.system_message,
    )
    words = 0
    for text in doctree.findall(nodes.Text):
        node = text.parent
        while node is not None and not isinstance(node, skipped):
            node = node.parent
        if node is None:
            words += sum(1 for token in text.split() if re.search(r"\w", token))
    return words
