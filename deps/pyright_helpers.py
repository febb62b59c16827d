"""
How pyright reads the fallback helpers, for the DEP: a model that states its
fallback with `asave = fallback_to_sync_variant`, checked with django-stubs and
stubs/django/utils/variants.pyi in pyright's standard and strict modes.

    python3 deps/pyright_helpers.py --pyright PATH --django-stubs DIR

PATH is a pyright executable (the npm package "pyright"); DIR is an installed
django-stubs package directory, such as the site-packages/django-stubs of the
thirdparty command's mypy venv. pyright reads Django's stubs from a copy of DIR
with this repository's variants.pyi added, as django-stubs would ship it.

The sample ends with a call that pyright must reject (an argument that
Model.asave() doesn't take): the script prints pyright's lines for the sample
and says whether the only errors are that one.
"""

import argparse
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SAMPLE = """\
from django.db import models
from django.utils.variants import fallback_to_async_variant, fallback_to_sync_variant


class Article(models.Model):
    def save(self, **kwargs: object) -> None:
        super().save()

    asave = fallback_to_sync_variant


class Archive(models.Model):
    async def adelete(
        self, using: str | None = None, keep_parents: bool = False
    ) -> tuple[int, dict[str, int]]:
        return await super().adelete(using, keep_parents)

    delete = fallback_to_async_variant


async def use(article: Article, archive: Archive) -> None:
    await article.asave()
    archive.delete()
    reveal_type(article.asave)
    await article.asave(not_an_argument=1)  # The one expected error.
"""


def check(pyright, django_stubs, mode):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        stubs = tmp / "typings" / "django"
        shutil.copytree(django_stubs, stubs)
        shutil.copy(
            ROOT / "stubs" / "django" / "utils" / "variants.pyi", stubs / "utils"
        )
        (tmp / "sample.py").write_text(SAMPLE)
        (tmp / "pyrightconfig.json").write_text(
            json.dumps(
                {
                    "typeCheckingMode": mode,
                    "stubPath": "typings",
                    # Django itself isn't installed: its stubs are enough.
                    "reportMissingModuleSource": False,
                }
            )
        )
        result = subprocess.run(
            [pyright, "--outputjson", "sample.py"],
            cwd=tmp,
            capture_output=True,
            text=True,
        )
        return json.loads(result.stdout)["generalDiagnostics"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pyright", required=True)
    parser.add_argument("--django-stubs", required=True)
    args = parser.parse_args()
    version = subprocess.run(
        [args.pyright, "--version"], capture_output=True, text=True
    ).stdout.strip()
    print(version)
    expected = len(SAMPLE.splitlines()) - 1
    for mode in ("standard", "strict"):
        diagnostics = check(args.pyright, args.django_stubs, mode)
        errors = [d for d in diagnostics if d["severity"] == "error"]
        print(f"{mode}:")
        for d in diagnostics:
            line = d["range"]["start"]["line"] + 1
            print(f"    line {line}: {d['severity']}: {d['message']}")
        only_expected = [d["range"]["start"]["line"] for d in errors] == [expected]
        print(
            "    only the expected error"
            if only_expected
            else "    other errors than the expected one"
        )


if __name__ == "__main__":
    main()
