"""
The DEP's plan B: what the cases of deps/failures.py give with the group
"Independent fixes" of patches/series alone, next to stock Django and the
whole series.

    python3 -m series materialize    # once: builds tree/
    python3 deps/planb.py [--python PYTHON]

The fixes-only tree is tree/ at the commit of the group's last patch (the
group is the first of patches/series, as its comment lines say), extracted
with git archive, as deps/inventory.py extracts stock Django from "base".
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deps"))
import failures  # NOQA: E402
from inventory import TREE, extract_stock, venv  # NOQA: E402


def fixes_only_size():
    """Return how many patches the first group of patches/series holds."""
    size = 0
    started = False
    for line in (ROOT / "patches" / "series").read_text().splitlines():
        if line.startswith("#"):
            if started:
                break
            continue
        if line.strip():
            started = True
            size += 1
    return size


def extract_fixes_only(directory):
    commits = subprocess.run(
        ["git", "-C", TREE, "rev-list", "--reverse", "base..patches"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    archive = subprocess.run(
        ["git", "-C", TREE, "archive", commits[fixes_only_size() - 1], "django"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", directory], input=archive, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--python", help="an interpreter with asgiref and sqlparse (default: a venv)"
    )
    args = parser.parse_args()
    python = args.python or venv()
    with tempfile.TemporaryDirectory() as stock, tempfile.TemporaryDirectory() as fixes:
        extract_stock(stock)
        extract_fixes_only(fixes)
        results = {
            "stock 6.1.3": failures.run(python, stock),
            f"fixes only ({fixes_only_size()})": failures.run(python, fixes),
            "patched": failures.run(python, TREE),
        }
    header = ["case", *results]
    rows = [
        [name, *(result[name] for result in results.values())]
        for name in results["stock 6.1.3"]
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())


if __name__ == "__main__":
    main()
