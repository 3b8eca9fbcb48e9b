"""Generate the typed clients in generated/ from the specs in specs/.

Each spec is generated into an empty temporary directory (the generator's `--overwrite` leaves
stale files behind), `py.typed` is added, and the result replaces `generated/<api>_client/`.
The drift test in tests/ calls `generate_all` into a temporary root and compares.
Afterwards it prints what changed in each spec since the last commit (`--since REV`), each change
marked breaking or not, and a suggested CHANGELOG entry (scripts/spec_diff.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
APIS = ("interakt", "seven_segments", "attributionio")


def generate(api: str, package_dir: Path) -> None:
    """Generate one API's client package into `package_dir`, which must not exist."""
    # The post hooks run ruff from PATH: use the one pinned next to this interpreter.
    env_path = f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"
    command = [
        str(Path(sys.executable).parent / "openapi-python-client"),
        "generate",
        "--path",
        str(SPECS / f"{api}.yaml"),
        "--config",
        str(SPECS / "codegen" / f"{api}.yaml"),
        "--meta",
        "none",
        "--output-path",
        str(package_dir),
    ]
    result = subprocess.run(
        command,
        cwd=package_dir.parent,
        env={**os.environ, "PATH": env_path},
        capture_output=True,
        text=True,
        check=False,
    )
    # The generator reports spec problems as warnings and still exits 0; treat them as errors so
    # that a spec change cannot silently drop an operation or a model.
    output = result.stdout + result.stderr
    if result.returncode != 0 or "Warning" in output or "Error" in output:
        raise RuntimeError(f"openapi-python-client failed for specs/{api}.yaml:\n{output}")
    (package_dir / "py.typed").write_text("")


def generate_all(dest_root: Path) -> None:
    """Generate every API into `dest_root/<api>_client/`."""
    for api in APIS:
        generate(api, dest_root / f"{api}_client")


def print_change_reports(revision: str = "HEAD") -> None:
    """What changed in each spec since `revision` (breaking or not), and a CHANGELOG entry to adapt."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import spec_diff

    for api in APIS:
        path = SPECS / f"{api}.yaml"
        before = spec_diff.committed(path, revision)
        if before is None:
            print(f"specs/{api}.yaml: not committed at {revision}; no change report")
            continue
        print()
        print(spec_diff.report(api, spec_diff.diff(before, yaml.safe_load(path.read_text(encoding="utf-8")))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--since",
        default="HEAD",
        help="git revision the change report compares the specs with (default HEAD)",
    )
    args = parser.parse_args()
    target = ROOT / "generated"
    with tempfile.TemporaryDirectory(prefix="trackapis-codegen-") as tmp:
        staged = Path(tmp)
        generate_all(staged)
        for api in APIS:
            name = f"{api}_client"
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(staged / name, target / name)
            print(f"generated/{name}/ <- specs/{api}.yaml")
    print_change_reports(args.since)


if __name__ == "__main__":
    main()
