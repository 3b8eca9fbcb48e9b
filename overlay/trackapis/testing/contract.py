"""Run the schemathesis contract suite against a server, with the packaged specs or your own.

In your own pytest suite (needs `pip install 'trackapis[contract]'`)::

    from trackapis.testing.contract import ContractReport, contract_schema

    schema = contract_schema("interakt", credentials={"api_key": "test-interakt-key"})
    report = ContractReport(schema)

    @report.parametrize()                      # schema.parametrize(), typed
    def test_interakt_contract(case):
        report.call_and_validate(case, base_url="http://127.0.0.1:8000")

    def test_every_operation_got_a_2xx():      # after the fuzz test (pytest runs a file in order)
        report.assert_every_operation_succeeded()

For annotations, `ContractCase` is the type of `case` (import it under `if TYPE_CHECKING:`).

Or from a shell, against a running fake or your own implementation of the API::

    python -m trackapis.testing fuzz --api interakt --url http://127.0.0.1:8000 [--spec openapi.yaml]

Every operation is fuzzed with valid and invalid requests, and every answer is checked against
the spec (status documented, body schema, content type, headers). A run where some operation never
got a 2xx answer fails: it tested nothing but error paths there (a wrong key does that).
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeAlias, TypeVar

import attrs

from ._credentials import TEST_CREDENTIALS
from ._specs import API_NAMES, ApiName, spec_path

if TYPE_CHECKING:
    from schemathesis import Response
    from schemathesis.specs.openapi.schemas import OpenApiCase, OpenApiOperation, OpenApiSchema

    ContractCase: TypeAlias = OpenApiCase
    """The type of the `case` schemathesis hands a test of a `contract_schema()`."""

__all__ = [
    "CREDENTIALS",
    "DEFAULT_MAX_EXAMPLES",
    "ContractCase",
    "ContractReport",
    "OperationResult",
    "contract_schema",
    "reports",
]

_TestFunction = TypeVar("_TestFunction", bound=Callable[..., None])

DEFAULT_MAX_EXAMPLES: Final = 50
# The credentials each API's security schemes need, with the fakes' defaults.
CREDENTIALS: Final[Mapping[ApiName, Mapping[str, str]]] = TEST_CREDENTIALS  # type: ignore[assignment]

# Every report created in this process, for the terminal summary of the pytest plugin and `fuzz`.
_REPORTS: list[ContractReport] = []


def _auth_and_parameters(
    api: ApiName, credentials: Mapping[str, str]
) -> tuple[dict[str, object], dict[str, str]]:
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
    spec: str | os.PathLike[str] | None = None,
    credentials: Mapping[str, str] | None = None,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
) -> OpenApiSchema:
    """The schemathesis schema of one API's spec, with its auth configured.

    Args:
        api: `interakt`, `seven_segments` or `attributionio` (names the credentials the spec's
            security schemes take).
        spec: An OpenAPI document of your own (YAML or JSON) instead of the packaged one, e.g.
            the vendor's newer version of the API.
        credentials: Overrides of `CREDENTIALS[api]` (the fakes' defaults).
        max_examples: Examples per operation.

    Raises:
        ImportError: schemathesis is not installed (`pip install 'trackapis[contract]'`).
        ValueError: An unknown API or credential name.
        FileNotFoundError: `spec` does not exist.
    """
    if api not in API_NAMES:
        raise ValueError(f"api must be one of {', '.join(API_NAMES)}, not {api!r}")
    if isinstance(max_examples, bool) or not isinstance(max_examples, int) or max_examples < 1:
        raise ValueError(f"max_examples must be a positive integer, not {max_examples!r}")
    path = spec_path(api) if spec is None else Path(spec)
    if not path.is_file():
        raise FileNotFoundError(f"spec: no such file {str(path)!r}")
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
    return schemathesis.openapi.from_path(path, config=config)


@attrs.define
class OperationResult:
    """What the fuzzing of one operation saw."""

    label: str
    """`METHOD /path`, as schemathesis names the operation."""
    operation_id: str | None
    examples: int = 0
    """Requests sent (shrinking and replays included)."""
    statuses: Counter[int] = attrs.field(factory=Counter)
    failed_checks: Counter[str] = attrs.field(factory=Counter)
    errors: int = 0
    """Requests that got no answer (connection refused, timeout, dropped)."""

    @property
    def succeeded(self) -> bool:
        """At least one request got a 2xx answer."""
        return any(200 <= status < 300 for status in self.statuses)


class ContractReport:
    """Per-operation results of a contract run, and the check that every operation got a 2xx.

    Send each case through `call_and_validate`; afterwards `table()` shows what each operation
    saw and `assert_every_operation_succeeded()` fails when an operation never got a 2xx answer.
    """

    def __init__(self, schema: OpenApiSchema) -> None:
        self._lock = threading.Lock()
        self.schema = schema
        self.operations: dict[str, OperationResult] = {}
        for result in schema.get_all_operations():
            operation = getattr(result, "ok", None)
            if operation is None:  # an operation schemathesis cannot load fails its own test
                continue
            loaded: OpenApiOperation = operation()
            self.operations[loaded.label] = OperationResult(loaded.label, _operation_id(loaded))
        _REPORTS.append(self)

    def parametrize(self) -> Callable[[_TestFunction], _TestFunction]:
        """`schema.parametrize()`, typed: one test per operation (schemathesis' own is untyped)."""
        decorator: Callable[[_TestFunction], _TestFunction] = self.schema.parametrize()
        return decorator

    def call_and_validate(self, case: ContractCase, *, base_url: str | None = None) -> Response:
        """`case.call_and_validate(base_url=...)`, recording the status and any failed checks."""
        __tracebackhide__ = True
        from schemathesis.core.failures import Failure

        result = self._result(case.operation)
        try:
            response = case.call(base_url=base_url)
        except Exception:
            with self._lock:
                result.examples += 1
                result.errors += 1
            raise
        with self._lock:
            result.examples += 1
            result.statuses[response.status_code] += 1
        try:
            case.validate_response(response, transport_kwargs={"base_url": base_url} if base_url else None)
        except BaseExceptionGroup as group:
            failures = [f for f in group.exceptions if isinstance(f, Failure)]
            with self._lock:
                result.failed_checks.update({_check_name(f) for f in failures} or {"check failed"})
            raise
        except Failure as failure:
            with self._lock:
                result.failed_checks[_check_name(failure)] += 1
            raise
        return response

    def without_success(self) -> list[OperationResult]:
        """The operations that never got a 2xx answer."""
        with self._lock:
            return [result for result in self.operations.values() if not result.succeeded]

    def assert_every_operation_succeeded(self) -> None:
        """Fail (AssertionError, with the table) when any operation never got a 2xx answer."""
        __tracebackhide__ = True
        missing = self.without_success()
        if missing:
            names = ", ".join(result.label for result in missing)
            raise AssertionError(
                f"{len(missing)} operation(s) never got a 2xx answer: {names}. The run tested only "
                f"error paths there (wrong credentials? unseeded data? an operation the server lacks?)\n"
                + self.table()
            )

    def table(self) -> str:
        """One line per operation: examples sent, statuses seen, checks failed."""
        with self._lock:
            rows = [
                (
                    "ok" if result.succeeded else "NO 2XX",
                    result.label + (f" ({result.operation_id})" if result.operation_id else ""),
                    str(result.examples),
                    " ".join(f"{status}x{count}" for status, count in sorted(result.statuses.items()))
                    + (f" no-answer x{result.errors}" if result.errors else "")
                    or "-",
                    ", ".join(f"{name} x{count}" for name, count in sorted(result.failed_checks.items()))
                    or "-",
                )
                for result in self.operations.values()
            ]
        header = ("", "operation", "examples", "statuses seen", "checks failed")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in [header, *rows]
        ]
        return "\n".join(lines)

    def _result(self, operation: OpenApiOperation) -> OperationResult:
        with self._lock:
            found = self.operations.get(operation.label)
            if found is None:
                found = self.operations[operation.label] = OperationResult(
                    operation.label, _operation_id(operation)
                )
            return found


def _operation_id(operation: OpenApiOperation) -> str | None:
    raw = operation.definition.raw
    value = raw.get("operationId") if isinstance(raw, dict) else None
    return value if isinstance(value, str) else None


def _check_name(failure: BaseException) -> str:
    checks: tuple[str, ...] = getattr(type(failure), "checks", ())
    title = getattr(failure, "title", None)
    return checks[0] if checks else str(title or type(failure).__name__)


def __getattr__(name: str) -> object:
    # `ContractCase` is for annotations; at run time it is schemathesis' `Case`, imported only when
    # asked for, so that importing this module (the pytest plugin does) stays cheap.
    if name == "ContractCase":
        from schemathesis import Case

        return Case
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def reports() -> list[ContractReport]:
    """The reports created in this process (the terminal summary prints their tables)."""
    return list(_REPORTS)
