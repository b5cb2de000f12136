"""The bundle and its tarball, built once per run by packaging/build.sh.

``.ci/run`` builds them before the suite and passes the folder in ``B24_BUNDLE_OUT``, so
CI builds once; elsewhere the first test that needs them builds them (about a minute).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class BuiltBundle:
    program: Path  # DIR/b24-console/b24-console
    tarball: Path  # DIR/b24-console-VERSION-linux-ARCH.tar.gz


@pytest.fixture(scope="session")
def built_bundle(tmp_path_factory: pytest.TempPathFactory) -> BuiltBundle:
    given = os.environ.get("B24_BUNDLE_OUT")
    if given:
        out = Path(given)
    else:
        out = tmp_path_factory.mktemp("bundle")
        subprocess.run(
            ["bash", str(ROOT / "packaging" / "build.sh"), "--out", str(out)],
            check=True, timeout=1200, cwd=ROOT, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    tarballs = sorted(out.glob("b24-console-*-linux-*.tar.gz"))
    assert len(tarballs) == 1, f"one tarball in {out}, found {tarballs}"
    program = out / "b24-console" / "b24-console"
    assert program.is_file(), program
    return BuiltBundle(program, tarballs[0])


@pytest.fixture(scope="session")
def unpacked(built_bundle: BuiltBundle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tarball unpacked once (install.sh only reads it): its b24-console-VERSION folder."""
    target = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(built_bundle.tarball) as archive:
        archive.extractall(target, filter="tar")
    (top,) = target.iterdir()
    return top


@pytest.fixture
def small_unpacked(tmp_path: Path) -> Path:
    """An unpacked tarball as build.sh stages it, with a one-line script for the program:
    install.sh and uninstall.sh at work without building the bundle."""
    top = tmp_path / "unpacked" / "b24-console-0"
    program = top / "program" / "b24-console"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\necho 'usage: b24-console'\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    shutil.copytree(ROOT / "console" / "ui" / "resources" / "icons" / "hicolor", top / "icons")
    packaging = ROOT / "packaging"
    for name in ("ua.b24console.Console.desktop", "ua.b24console.Console.metainfo.xml"):
        shutil.copy(packaging / name, top / name)
    for name in ("install.sh", "uninstall.sh"):
        shutil.copy(packaging / name, top / name)
        (top / name).chmod(0o755)
    return top
