"""Every public module's `__all__` is sorted and complete (httpx's tests/test_exported_members.py).

A public module is one whose dotted name has no `_`-prefixed part (the `__main__` entry points
aside). Its public names are what it defines at top level and, for a package, what its
`__init__` imports from private modules or the generated packages. All of them must be in
`__all__`, in ruff's isort-style order (CONSTANTS, then Classes, then the rest), and every name
listed must exist.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OVERLAY = ROOT / "overlay"
GENERATED = ("interakt_client", "seven_segments_client", "attributionio_client")


def _public_modules() -> list[tuple[str, Path]]:
    modules = []
    for path in sorted(OVERLAY.rglob("*.py")):
        parts = list(path.relative_to(OVERLAY).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts[-1] == "__main__" or any(part.startswith("_") for part in parts):
            continue
        modules.append((".".join(parts), path))
    return modules


def _is_private_source(module: str | None, level: int, package: str) -> bool:
    """True for an import from a private module of ours or from a generated package."""
    if level:
        base = package.split(".")[: len(package.split(".")) - level + 1]
        module = ".".join([*base, module] if module else base)
    assert module is not None
    parts = module.split(".")
    if parts[0] in GENERATED:
        return True
    if parts[0] not in ("trackapis", "track", "seven_segments", "pyttributionio"):
        return False
    return any(part.startswith("_") for part in parts)


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements at module level, including those inside `if`/`try` blocks (TYPE_CHECKING, fallbacks)."""
    found: list[ast.stmt] = []
    for node in body:
        found.append(node)
        if isinstance(node, ast.If):
            found += _top_level(node.body) + _top_level(node.orelse)
        elif isinstance(node, ast.Try):
            found += _top_level(node.body) + _top_level(node.orelse) + _top_level(node.finalbody)
    return found


def _required_names(name: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    required: set[str] = set()
    for node in _top_level(tree.body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            required.add(node.name)
        elif isinstance(node, ast.Assign):
            required |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name):
            required.add(node.target.id)
        elif (
            isinstance(node, ast.ImportFrom)
            and path.name == "__init__.py"  # a package's imports are its surface; a module's, its own use
            and _is_private_source(node.module, node.level, package)
        ):
            required |= {alias.asname or alias.name for alias in node.names}
    return {n for n in required if not n.startswith("_")} - NOT_EXPORTED


# A module's logger is reached through `logging.getLogger(name)`, not imported.
NOT_EXPORTED = frozenset({"logger"})


def isort_style_key(name: str) -> tuple[int, str]:
    """ruff's RUF022 order: SCREAMING_SNAKE_CASE, then CamelCase, then everything else."""
    if len(name) > 1 and re.fullmatch(r"[A-Z0-9_]+", name) and not name.startswith("_"):
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


PUBLIC_MODULES = _public_modules()


def test_the_public_modules_are_found() -> None:
    names = [name for name, _ in PUBLIC_MODULES]
    assert {"trackapis", "trackapis.interakt", "track", "seven_segments", "pyttributionio"} <= set(names)


@pytest.mark.parametrize(("name", "path"), PUBLIC_MODULES, ids=[name for name, _ in PUBLIC_MODULES])
def test_all_is_sorted_and_complete(name: str, path: Path) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert list(exported) == sorted(exported, key=isort_style_key), f"{name}.__all__ is not sorted"
    assert len(set(exported)) == len(exported), f"{name}.__all__ lists a name twice"
    missing = sorted(_required_names(name, path) - set(exported))
    assert missing == [], f"{name} defines or re-exports public names that __all__ does not list"
    absent = [member for member in exported if not hasattr(module, member)]
    assert absent == [], f"{name}.__all__ lists names the module does not have"


def test_the_package_exports_the_error_tree() -> None:
    import trackapis

    errors = {
        name
        for name in trackapis.__all__
        if isinstance(getattr(trackapis, name), type) and issubclass(getattr(trackapis, name), Exception)
    }
    assert all(issubclass(getattr(trackapis, name), trackapis.TrackapisError) for name in errors)
    assert {"MessageDropped", "MessageFailed", "EngineClosed", "DeliveryError"} <= errors
