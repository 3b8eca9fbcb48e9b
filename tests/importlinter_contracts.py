"""An import-linter contract type: these modules import only public names of the other packages.

import-linter's own contracts name modules, and its wildcards match whole name segments only,
so "any private module" (a `_`-prefixed segment) cannot be written as one; this contract checks
exactly that, for the shims and the CLI. Registered in pyproject's `[tool.importlinter]`.
"""

from __future__ import annotations

import grimp
from importlinter import Contract, ContractCheck, fields, output


class PublicNamesContract(Contract):
    """`importers` (and their submodules) import no private module outside their own package.

    Configuration options:
        - importers: The modules held to public names (packages include their submodules).
        - packages: The root packages whose private modules are off limits.
        - ignore_imports: `importer -> imported` pairs tolerated for now (optional).
    """

    type_name = "public_names"

    importers = fields.ListField(subfield=fields.ModuleField())
    packages = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        roots = set(self.packages)  # type: ignore[call-overload]
        ignored = {
            tuple(part.strip() for part in pair.split("->"))
            for pair in (self.ignore_imports or [])  # type: ignore[attr-defined]
        }
        violations = []
        for importer in self.importers:  # type: ignore[attr-defined]
            own = importer.name
            for module in sorted({own} | graph.find_descendants(own)):
                for imported in sorted(graph.find_modules_directly_imported_by(module)):
                    if imported == own or imported.startswith(own + ".") or (module, imported) in ignored:
                        continue
                    parts = imported.split(".")
                    if parts[0] in roots and any(p.startswith("_") and not p.startswith("__") for p in parts):
                        lines = [
                            d["line_number"]
                            for d in graph.get_import_details(importer=module, imported=imported)
                        ]
                        violations.append({"importer": module, "imported": imported, "lines": lines})
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            lines = ", ".join(f"l.{line}" for line in violation["lines"])
            output.print_error(
                f"{violation['importer']} imports the private {violation['imported']} ({lines}): "
                "import the public name instead (export it if it is missing)",
                bold=False,
            )
        output.new_line()


def _is_private(module: str, roots: set[str]) -> bool:
    parts = module.split(".")
    return parts[0] in roots and any(part.startswith("_") and not part.startswith("__") for part in parts)
