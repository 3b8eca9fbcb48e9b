"""The wheel installs the hand-written package, the three generated ones, their py.typed and the specs."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {
    "trackapis",
    "track",
    "seven_segments",
    "pyttributionio",
    "interakt_client",
    "seven_segments_client",
    "attributionio_client",
}


@pytest.mark.slow
def test_wheel_contents(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("trackapis-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == PACKAGES
    assert {f"{package}/py.typed" for package in PACKAGES} <= set(names)
    specs = {f"trackapis/_specs/{api}.yaml" for api in ("interakt", "seven_segments", "attributionio")}
    assert specs <= set(names)
    for spec in specs:
        packaged = zipfile.ZipFile(wheel).read(spec)
        assert packaged == (ROOT / "specs" / Path(spec).name).read_bytes()


@pytest.mark.slow
def test_sdist_contains_the_docs_the_readme_links_to(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (sdist,) = tmp_path.glob("trackapis-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    docs = {f"docs/{path.name}" for path in (ROOT / "docs").glob("*.md")}
    assert "docs/contract-testing.md" in docs
    assert docs <= names
