"""The import-linter contracts in pyproject.toml hold (layers, independent facades, a delivery
layer without httpx or generated code, shims and CLI on public names)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
from importlinter import ContractCheck

from tests.importlinter_contracts import PublicNamesContract

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _check(imports: list[tuple[str, str]], **options: list[str]) -> ContractCheck:
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import")
    contract = PublicNamesContract(
        name="public names",
        session_options={},
        contract_options={"importers": ["shim"], "packages": ["lib", "shim"], **options},
    )
    return contract.check(graph, verbose=False)


def test_the_public_names_contract_finds_a_private_import_anywhere_below_a_package() -> None:
    assert _check([("shim", "lib"), ("shim.sub", "lib.api"), ("shim", "shim._own")]).kept
    broken = _check([("shim.sub", "lib.api._impl"), ("shim", "lib._core")])
    assert not broken.kept
    assert [(v["importer"], v["imported"]) for v in broken.metadata["violations"]] == [
        ("shim", "lib._core"),
        ("shim.sub", "lib.api._impl"),
    ]
    assert _check([("shim", "lib._core")], ignore_imports=["shim -> lib._core"]).kept
