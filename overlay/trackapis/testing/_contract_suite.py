"""The pytest module `python -m trackapis.testing fuzz` runs; configured by environment variables.

TRACKAPIS_CONTRACT_API, TRACKAPIS_CONTRACT_URL, TRACKAPIS_CONTRACT_MAX_EXAMPLES, and the
credentials as JSON in TRACKAPIS_CONTRACT_CREDENTIALS (set by the command, from its environment).
"""

from __future__ import annotations

import json
import os
from typing import Any, cast

from schemathesis import Case

from ._specs import ApiName
from .contract import contract_schema

_API = cast(ApiName, os.environ.get("TRACKAPIS_CONTRACT_API", "interakt"))
_URL = os.environ.get("TRACKAPIS_CONTRACT_URL", "")
schema = contract_schema(
    _API,
    credentials=json.loads(os.environ.get("TRACKAPIS_CONTRACT_CREDENTIALS", "{}")),
    max_examples=int(os.environ.get("TRACKAPIS_CONTRACT_MAX_EXAMPLES", "50")),
)


@schema.parametrize()
def test_contract(case: Case[Any]) -> None:
    case.call_and_validate(base_url=_URL)
