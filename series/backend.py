"""
PEP 517 build backend: a wheel of the pinned Django release with the series
applied.

build_wheel() materializes the series on the pinned sdist, sets setuptools'
egg_info tag_build in the tree so the version carries the series (such as
6.1.3+variants.4), and hands the tree to setuptools, upstream's own backend:
the wheel has upstream's files, metadata, requirements and entry points.
build_sdist() packs this repository, so an sdist of it builds the same wheel.

Two config settings (pip install . -C timeline=2029) put extra series on top
of patches/: "timeline", a release of timeline/, applies the timeline up to
it (version 6.1.3+variants.4.t2029); "series", a directory, applies its
series (6.1.3+variants.4.endstate).
"""

import configparser
import gzip
import io
import os
import subprocess
import tarfile
import tempfile
from pathlib import Path

from . import ROOT, patches


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    from setuptools import build_meta

    # Settings of this backend's own, which setuptools doesn't get.
    config_settings = dict(config_settings or {})
    extras = patches.extras(
        timeline=config_settings.pop("timeline", None),
        series=config_settings.pop("series", None),
    )
    wheel_directory = os.path.abspath(wheel_directory)
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp, "django")
        patches.materialize(tree, extras=extras)
        setup_cfg = configparser.ConfigParser()
        setup_cfg.read(tree / "setup.cfg")
        setup_cfg["egg_info"] = {
            "tag_build": f"+{patches.label(extras=extras)}",
            "tag_date": "0",
        }
        with open(tree / "setup.cfg", "w") as f:
            setup_cfg.write(f)
        cwd = os.getcwd()
        os.chdir(tree)
        try:
            return build_meta.build_wheel(wheel_directory, config_settings or None)
        finally:
            os.chdir(cwd)


def build_sdist(sdist_directory, config_settings=None):
    name = f"django-{patches.local_version()}"
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout.split("\0")
    pkg_info = (
        "Metadata-Version: 2.1\n"
        "Name: Django\n"
        f"Version: {patches.local_version()}\n"
        "Summary: Django with the sync and async variants series applied.\n"
    ).encode()

    def normalize(info):
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = 0
        return info

    path = os.path.join(sdist_directory, f"{name}.tar.gz")
    with gzip.GzipFile(path, "wb", mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for file in sorted(f for f in files if f and (ROOT / f).exists()):
                tar.add(ROOT / file, f"{name}/{file}", filter=normalize)
            info = normalize(tarfile.TarInfo(f"{name}/PKG-INFO"))
            info.size = len(pkg_info)
            tar.addfile(info, io.BytesIO(pkg_info))
    return os.path.basename(path)
