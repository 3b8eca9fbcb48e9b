"""The pytest module `python -m trackapis.testing fuzz` runs; configured by environment variables.

TRACKAPIS_CONTRACT_API, TRACKAPIS_CONTRACT_URL, TRACKAPIS_CONTRACT_MAX_EXAMPLES, TRACKAPIS_CONTRACT_SPEC
(a path; the packaged spec when empty), and the credentials as JSON in TRACKAPIS_CONTRACT_CREDENTIALS
(set by the command, from its environment).
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, cast

from ._specs import ApiName
from .contract import ContractReport, contract_schema

if TYPE_CHECKING:
    from .contract import ContractCase

_API = cast(ApiName, os.environ.get("TRACKAPIS_CONTRACT_API", "interakt"))
_URL = os.environ.get("TRACKAPIS_CONTRACT_URL", "")
schema = contract_schema(
    _API,
    spec=os.environ.get("TRACKAPIS_CONTRACT_SPEC") or None,
    credentials=json.loads(os.environ.get("TRACKAPIS_CONTRACT_CREDENTIALS", "{}")),
    max_examples=int(os.environ.get("TRACKAPIS_CONTRACT_MAX_EXAMPLES", "50")),
)
report = ContractReport(schema)


@schema.parametrize()
def test_contract(case: ContractCase) -> None:
    report.call_and_validate(case, base_url=_URL)


def test_every_operation_got_a_2xx() -> None:
    # Runs after the fuzzing above (file order): a run whose every request was refused (a wrong
    # key, an operation the server lacks) would pass the checks while testing nothing.
    report.assert_every_operation_succeeded()
