"""generated/ is exactly what scripts/regenerate produces from specs/."""

from __future__ import annotations

import filecmp
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _codegen() -> object:
    spec = importlib.util.spec_from_file_location("codegen", ROOT / "scripts" / "codegen.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["codegen"] = module
    spec.loader.exec_module(module)
    return module


def _differences(expected: Path, actual: Path) -> list[str]:
    comparison = filecmp.dircmp(expected, actual, ignore=["__pycache__"])
    found: list[str] = []

    def walk(node: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(f"missing from generated/: {prefix}{name}" for name in node.left_only)
        found.extend(f"not produced by the generator: {prefix}{name}" for name in node.right_only)
        # dircmp compares shallowly (size and mtime); compare the bytes.
        for name in node.common_files:
            if (Path(node.left) / name).read_bytes() != (Path(node.right) / name).read_bytes():
                found.append(f"differs: {prefix}{name}")
        for name, child in node.subdirs.items():
            walk(child, f"{prefix}{name}/")

    walk(comparison, "")
    return found


@pytest.mark.slow
def test_generated_clients_match_the_specs(tmp_path: Path) -> None:
    codegen = _codegen()
    codegen.generate_all(tmp_path)  # type: ignore[attr-defined]
    differences = []
    for api in codegen.APIS:  # type: ignore[attr-defined]
        name = f"{api}_client"
        differences += [f"{name}/{line}" for line in _differences(tmp_path / name, ROOT / "generated" / name)]
    assert differences == [], (
        "generated/ is stale or was edited by hand; run scripts/regenerate:\n" + "\n".join(differences)
    )
