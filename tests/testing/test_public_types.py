"""No `Any` in the public signatures of `trackapis.testing` (typos in assertions must fail type checks)."""

from __future__ import annotations

import ast
from pathlib import Path

import trackapis.testing

PACKAGE = Path(trackapis.testing.__file__).parent


def _mentions_any(annotation: ast.expr | None) -> bool:
    if annotation is None:
        return False
    text = ast.unparse(annotation)
    return any(
        isinstance(node, ast.Name) and node.id == "Any" for node in ast.walk(ast.parse(text, mode="eval"))
    )


def _public_signatures_with_any(tree: ast.Module, module: str, exported: set[str] | None = None) -> list[str]:
    """`exported`: the public names of a private module (None: every name without `_`)."""
    found = []

    def public(name: str) -> bool:
        return name in exported if exported is not None else not name.startswith("_")

    def check_function(function: ast.FunctionDef | ast.AsyncFunctionDef, owner: str) -> None:
        if function.name.startswith("_") and function.name not in ("__init__", "__call__"):
            return
        arguments = [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
        arguments += [a for a in (function.args.vararg, function.args.kwarg) if a is not None]
        for argument in arguments:
            if _mentions_any(argument.annotation):
                found.append(f"{module}:{owner}{function.name}({argument.arg})")
        if _mentions_any(function.returns):
            found.append(f"{module}:{owner}{function.name} -> ...")

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and public(node.name):
            check_function(node, "")
        elif isinstance(node, ast.ClassDef) and public(node.name):
            for member in node.body:
                if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    check_function(member, f"{node.name}.")
                elif (
                    isinstance(member, ast.AnnAssign)
                    and isinstance(member.target, ast.Name)
                    and not member.target.id.startswith("_")
                    and _mentions_any(member.annotation)
                ):
                    found.append(f"{module}:{node.name}.{member.target.id}")
    return found


def test_no_any_in_public_signatures() -> None:
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # Private modules count only for what `trackapis.testing` exports from them.
        exported = set(trackapis.testing.__all__) if path.name.startswith("_") else None
        found += _public_signatures_with_any(tree, path.name, exported)
    assert found == []


def test_the_check_finds_any() -> None:
    tree = ast.parse("class View:\n    body: dict[str, Any]\n    def json(self, x: Any) -> list[Any]: ...\n")
    assert _public_signatures_with_any(tree, "m.py") == [
        "m.py:View.body",
        "m.py:View.json(x)",
        "m.py:View.json -> ...",
    ]
