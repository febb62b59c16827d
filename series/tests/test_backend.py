"""
The build backend, through pip, as users get the wheel. These tests download
from the package index and build Django several times: a few minutes.
"""

import email
import shutil
import tarfile
import tempfile
import unittest
import zipfile
from pathlib import Path

from series import patches, testing, upstream

from . import commit, make_root, run, series_with_two_patches


def wheel_files(wheel):
    """Return {name: bytes} of a wheel, with ".dist-info" names unversioned."""
    with zipfile.ZipFile(wheel) as z:
        return {
            (
                name.replace(name.split("/")[0], "DIST-INFO", 1)
                if ".dist-info/" in name
                else name
            ): z.read(name)
            for name in z.namelist()
            if not name.endswith("/")
        }


class BackendTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp())
        cls.python = testing.find_python()
        cls.version = upstream.version()
        run(
            cls.python,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            f"--dest={cls.tmp}",
            f"django=={cls.version}",
        )
        (cls.upstream_wheel,) = cls.tmp.glob("*.whl")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def mkdtemp(self):
        return Path(tempfile.mkdtemp(dir=self.tmp))

    def build(self, root):
        out = self.mkdtemp()
        run(self.python, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", out, root)
        (wheel,) = out.glob("*.whl")
        return wheel

    def install(self, requirement):
        """Install requirement into a fresh venv; return what Django says."""
        venv = self.mkdtemp() / "venv"
        run(self.python, "-m", "venv", venv)
        run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", requirement)
        script = (
            "import django, importlib.metadata as m; "
            "print(django.get_version(), m.version('django'), m.requires('django'))"
        )
        installed = run(venv / "bin" / "python", "-c", script).stdout.strip()
        return f"{installed} {run(venv / 'bin' / 'django-admin', '--version').stdout}"

    def git_repository(self, root):
        patches.git("init", "--quiet", "--initial-branch=main", cwd=root)
        patches.git("add", "--all", cwd=root)
        patches.git(
            "commit",
            "--quiet",
            "--message=Snapshot.",
            cwd=root,
            env={"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com"},
        )

    def test_empty_series_builds_upstreams_wheel(self):
        wheel = self.build(make_root(self.mkdtemp()))
        self.assertEqual(
            wheel.name, f"django-{self.version}+variants.0-py3-none-any.whl"
        )
        ours, theirs = wheel_files(wheel), wheel_files(self.upstream_wheel)
        self.assertEqual(ours.keys(), theirs.keys())
        metadata = email.message_from_bytes(ours.pop("DIST-INFO/METADATA"))
        upstream_metadata = email.message_from_bytes(theirs.pop("DIST-INFO/METADATA"))
        del ours["DIST-INFO/RECORD"], theirs["DIST-INFO/RECORD"]
        self.assertEqual(
            [name for name in ours if ours[name] != theirs[name]], [], "contents"
        )
        self.assertEqual(metadata["Version"], f"{self.version}+variants.0")
        metadata.replace_header("Version", self.version)
        self.assertEqual(metadata.items(), upstream_metadata.items())
        self.assertEqual(metadata.get_payload(), upstream_metadata.get_payload())

    def test_wheel_differs_from_upstreams_where_the_series_changes_django(self):
        root, tree = series_with_two_patches(self.mkdtemp())
        ours = wheel_files(self.build(root))
        theirs = wheel_files(self.upstream_wheel)
        self.assertEqual(ours.keys(), theirs.keys())
        self.assertEqual(
            [name for name in ours if ours[name] != theirs[name]],
            ["django/utils/deprecation.py", "DIST-INFO/METADATA", "DIST-INFO/RECORD"],
        )
        self.assertEqual(
            ours["django/utils/deprecation.py"],
            (tree / "django" / "utils" / "deprecation.py").read_bytes(),
        )

    def test_config_setting_applies_the_timeline(self):
        root, tree = series_with_two_patches(self.mkdtemp())
        commit(tree, "Phase 2028.", {"django/utils/deprecation.py": "# 2028\n"})
        patches.git("branch", "timeline/2028", cwd=tree)
        patches.export(tree, root)
        out = self.mkdtemp()
        run(
            self.python,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            out,
            "-C",
            "timeline=2028",
            root,
        )
        (wheel,) = out.glob("*.whl")
        self.assertEqual(
            wheel.name, f"django-{self.version}+variants.2.t2028-py3-none-any.whl"
        )
        self.assertEqual(
            wheel_files(wheel)["django/utils/deprecation.py"],
            (tree / "django" / "utils" / "deprecation.py").read_bytes(),
        )
        self.assertTrue(
            (tree / "django" / "utils" / "deprecation.py")
            .read_text()
            .endswith("# 1\n# 2028\n")
        )

    def test_pip_install_from_a_directory(self):
        root, _ = series_with_two_patches(self.mkdtemp())
        self.assertEqual(
            self.install(root),
            f"{self.version} {self.version}+variants.2 ['asgiref>=3.9.1', "
            "'sqlparse>=0.5.0', 'tzdata; sys_platform == \"win32\"', "
            "'argon2-cffi>=23.1.0; extra == \"argon2\"', "
            f"'bcrypt>=4.1.1; extra == \"bcrypt\"'] {self.version}\n",
        )

    def test_pip_install_from_a_git_branch(self):
        root, _ = series_with_two_patches(self.mkdtemp())
        self.git_repository(root)
        installed = self.install(f"django @ git+file://{root}@main")
        self.assertTrue(
            installed.startswith(f"{self.version} {self.version}+variants.2 ")
        )

    def test_pip_install_from_an_sdist_of_this_repository(self):
        root, _ = series_with_two_patches(self.mkdtemp())
        self.git_repository(root)
        out = self.mkdtemp()
        name = run(
            self.python,
            "-c",
            f"from series import backend; print(backend.build_sdist({str(out)!r}))",
            cwd=root,
        ).stdout.strip()
        self.assertEqual(name, f"django-{self.version}+variants.2.tar.gz")
        with tarfile.open(out / name) as tar:
            names = tar.getnames()
        prefix = f"django-{self.version}+variants.2/"
        for path in (
            "PKG-INFO",
            "pyproject.toml",
            "patches/series",
            "series/backend.py",
        ):
            self.assertIn(prefix + path, names)
        installed = self.install(out / name)
        self.assertTrue(
            installed.startswith(f"{self.version} {self.version}+variants.2 ")
        )
