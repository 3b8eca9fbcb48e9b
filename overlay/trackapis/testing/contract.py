"""Run the schemathesis contract suite against a server, with the packaged specs.

In your own pytest suite (needs `pip install 'trackapis[contract]'`)::

    from trackapis.testing.contract import contract_schema

    schema = contract_schema("interakt", credentials={"api_key": "test-interakt-key"})

    @schema.parametrize()
    def test_interakt_contract(case):
        case.call_and_validate(base_url="http://127.0.0.1:8000")

Or from a shell, against a running fake or your own implementation of the API::

    python -m trackapis.testing fuzz --api interakt --url http://127.0.0.1:8000

Every operation is fuzzed with valid and invalid requests, and every answer is checked against
the spec (status documented, body schema, content type, headers).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from ._specs import API_NAMES, ApiName, spec_path

if TYPE_CHECKING:
    import schemathesis

__all__ = [
    "CREDENTIALS",
    "DEFAULT_MAX_EXAMPLES",
    "contract_schema",
]

DEFAULT_MAX_EXAMPLES: Final = 50
# The credentials each API's security schemes need, with the fakes' defaults.
CREDENTIALS: Final[Mapping[ApiName, Mapping[str, str]]] = {
    "interakt": {"api_key": "test-interakt-key"},
    "seven_segments": {"username": "test-user", "password": "test-password"},
    "attributionio": {"public_key": "test-public-key", "secret": "test-secret"},
}


def _auth_and_parameters(
    api: ApiName, credentials: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    unknown = set(credentials) - set(CREDENTIALS[api])
    if unknown:
        takes = ", ".join(sorted(CREDENTIALS[api]))
        raise ValueError(f"credentials for {api} take {takes}, not {', '.join(sorted(unknown))}")
    given = {**CREDENTIALS[api], **credentials}
    if api == "interakt":
        return {"basicAuth": {"username": given["api_key"], "password": ""}}, {}
    if api == "seven_segments":
        return {"basicAuth": {"username": given["username"], "password": given["password"]}}, {}
    # A random public key is rightly refused with 401; pin it so the fuzzing reaches the operations.
    public_key = given["public_key"]
    return {"secretQuery": {"api_key": given["secret"]}}, {
        "path.public_key": public_key,
        "body.identity.public_key": public_key,
        "body.event.public_key": public_key,
    }


def contract_schema(
    api: ApiName,
    *,
    credentials: Mapping[str, str] | None = None,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
) -> schemathesis.schemas.BaseSchema:
    """The schemathesis schema of one API's packaged spec, with its auth configured.

    Args:
        api: `interakt`, `seven_segments` or `attributionio`.
        credentials: Overrides of `CREDENTIALS[api]` (the fakes' defaults).
        max_examples: Examples per operation.

    Raises:
        ImportError: schemathesis is not installed (`pip install 'trackapis[contract]'`).
        ValueError: An unknown API or credential name.
    """
    if api not in API_NAMES:
        raise ValueError(f"api must be one of {', '.join(API_NAMES)}, not {api!r}")
    if isinstance(max_examples, bool) or not isinstance(max_examples, int) or max_examples < 1:
        raise ValueError(f"max_examples must be a positive integer, not {max_examples!r}")
    try:
        import schemathesis
    except ImportError as error:
        raise ImportError(
            "the contract suite needs schemathesis: pip install 'trackapis[contract]'"
        ) from error
    auth, parameters = _auth_and_parameters(api, credentials or {})
    config = schemathesis.Config.from_dict(
        {
            "auth": {"openapi": auth},
            "parameters": parameters,
            "generation": {"max-examples": max_examples, "mode": "all"},
        }
    )
    return schemathesis.openapi.from_path(spec_path(api), config=config)
