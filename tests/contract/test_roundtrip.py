"""Spec-generated data through the generated clients, both ways.

Requests: valid bodies and parameters drawn from each operation's schema are turned into the
generated models, sent by the generated client to the fake, and must arrive intact.
Responses: bodies drawn from each documented JSON response schema are served to the generated
client (through `httpx.MockTransport`) and must parse into models that give the same JSON back.

The operations, their generated modules and argument types are discovered from the specs and
the generated code, so a regenerated client is covered without editing this file.
"""

from __future__ import annotations

import copy
import datetime
import importlib
import inspect
import json
import re
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
import schemathesis
from dateutil.parser import isoparse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trackapis.testing import (
    AttributionFake,
    FakeAPI,
    InteraktFake,
    SevenSegmentsFake,
    load_spec,
    serve,
    spec_path,
)

CREDENTIALS: dict[str, dict[str, Any]] = {
    "interakt": {"auth": httpx.BasicAuth("rt-key", "")},
    "seven_segments": {"auth": httpx.BasicAuth("rt-user", "rt-password")},
    "attributionio": {"params": {"secret": "rt-secret"}},
}
FAKES: dict[str, FakeAPI] = {
    "interakt": InteraktFake(api_key="rt-key"),
    "seven_segments": SevenSegmentsFake("rt-user", "rt-password"),
    "attributionio": AttributionFake(public_key="rt-public", secret="rt-secret"),
}
EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _operations() -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for api in FAKES:
        for path, item in load_spec(api)["paths"].items():  # type: ignore[arg-type]
            for method, operation in item.items():
                if isinstance(operation, dict) and "operationId" in operation:
                    yield api, path, method.upper(), operation


OPERATIONS = list(_operations())
OPERATION_IDS = [f"{api}.{op['operationId']}" for api, _, _, op in OPERATIONS]


def _module(api: str, operation: dict[str, Any]) -> types.ModuleType:
    tag = operation["tags"][0]
    return importlib.import_module(f"{api}_client.api.{tag}.{_snake(operation['operationId'])}")


def _client_module(api: str) -> types.ModuleType:
    return importlib.import_module(f"{api}_client")


def _model_from(annotation: Any, data: Any) -> Any:
    """Build the generated model for `data`, trying each member of a union in order."""
    candidates = typing.get_args(annotation) or (annotation,)
    errors = []
    for candidate in candidates:
        if candidate is type(None):
            continue
        try:
            return candidate.from_dict(data)
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            errors.append(f"{candidate.__name__}: {error!r}")
    raise AssertionError(f"no generated model accepts {data!r}: {errors}")


def _normalise(value: Any) -> Any:
    """Compare date-times by instant: the generated models re-serialise them with isoformat()."""
    if isinstance(value, dict):
        return {key: _normalise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normalise(item) for item in value]
    if isinstance(value, str) and re.fullmatch(
        r"\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)?", value, re.IGNORECASE
    ):
        try:
            return isoparse(value)
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        return value
    return value


def _call_kwargs(module: types.ModuleType, case: Any) -> tuple[list[Any], dict[str, Any]]:
    hints = typing.get_type_hints(module.sync_detailed)
    signature = inspect.signature(module.sync_detailed)
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    path_parameters = case.path_parameters or {}
    query = case.query or {}
    for name, parameter in signature.parameters.items():
        if name == "client":
            continue
        if name == "body":
            kwargs["body"] = _model_from(hints["body"], case.body)
        elif parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            args.append(next(v for k, v in path_parameters.items() if _snake(k) == name))
        else:
            for key, value in query.items():
                if _snake(key) == name:
                    kwargs[name] = value
    return args, kwargs


def _client_for(module: types.ModuleType, api: str, url: str) -> Any:
    """The generated client class the operation is typed to take, carrying the API's auth."""
    package = _client_module(api)
    wants = typing.get_type_hints(module.sync_detailed)["client"]
    if wants is package.AuthenticatedClient:
        # The generated bearer token is not how these APIs authenticate; the httpx client is.
        client = package.AuthenticatedClient(base_url=url, token="")
        return client.set_httpx_client(httpx.Client(base_url=url, **CREDENTIALS[api]))
    return package.Client(base_url=url, httpx_args=CREDENTIALS[api])


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, FakeAPI]]:
    with serve(FAKES["interakt"]), serve(FAKES["seven_segments"]), serve(FAKES["attributionio"]):
        yield FAKES


def _request_strategy(api: str, path: str, method: str) -> st.SearchStrategy[Any]:
    schema = schemathesis.openapi.from_path(spec_path(api))  # type: ignore[arg-type]
    strategy = schema[path][method].as_strategy()
    if api == "attributionio":
        # The fake rejects an unknown public key with 401 before storing anything; use its key.
        strategy = strategy.map(_with_public_key)
    return strategy


def _with_public_key(case: Any) -> Any:
    if case.path_parameters and "public_key" in case.path_parameters:
        case.path_parameters["public_key"] = "rt-public"
    for envelope in ("identity", "event"):
        if isinstance(case.body, dict) and envelope in case.body:
            case.body[envelope]["public_key"] = "rt-public"
    return case


@pytest.mark.parametrize(("api", "path", "method", "operation"), OPERATIONS, ids=OPERATION_IDS)
def test_generated_client_sends_spec_valid_requests_intact(
    served: dict[str, FakeAPI], api: str, path: str, method: str, operation: dict[str, Any]
) -> None:
    fake = served[api]
    module = _module(api, operation)

    @EXAMPLES
    @given(case=_request_strategy(api, path, method))
    def check(case: Any) -> None:
        args, kwargs = _call_kwargs(module, case)
        client = _client_for(module, api, fake.url)
        before = len(fake.requests)
        with client:
            response = module.sync_detailed(*args, client=client, **kwargs)
        received = fake.requests[before]
        assert received.method == method
        assert response.status_code < 500, response.content
        if "requestBody" in operation:
            assert _normalise(received.json()) == _normalise(case.body)
        template = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
        match = re.fullmatch(template, received.path)
        assert match is not None, received.path
        assert {k: unquote(v) for k, v in match.groupdict().items()} == {
            k: str(v) for k, v in (case.path_parameters or {}).items()
        }
        # `secret` is the security scheme's credential: the httpx client adds it, not the operation.
        sent_query = {k: v for k, v in received.query if k != "secret"}
        expected_query = {k: v for k, v in (case.query or {}).items() if k != "secret"}
        assert sent_query == {
            k: json.dumps(v) if isinstance(v, bool) else str(v) for k, v in expected_query.items()
        }

    check()


# -- responses ---------------------------------------------------------------------------------


def _json_responses() -> Iterator[tuple[str, str, str, dict[str, Any], str, dict[str, Any]]]:
    for api, path, method, operation in OPERATIONS:
        spec = load_spec(api)  # type: ignore[arg-type]
        for status, declared in operation["responses"].items():
            response = declared
            if "$ref" in declared:
                response = spec["components"]["responses"][declared["$ref"].rsplit("/", 1)[1]]
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if schema is not None:
                yield api, path, method, operation, status, schema


RESPONSES = list(_json_responses())


def _response_strategy(api: str, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    # schemathesis draws request bodies only: mirror the response schema into the request body
    # of a one-operation document that shares the spec's components.
    spec = load_spec(api)  # type: ignore[arg-type]
    mirror = {
        "openapi": spec["openapi"],
        "info": {"title": "response mirror", "version": "1"},
        "paths": {
            "/mirror": {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": copy.deepcopy(schema)}},
                    },
                    "responses": {"200": {"description": "unused"}},
                }
            }
        },
        "components": spec.get("components", {}),
    }
    return schemathesis.openapi.from_dict(mirror)["/mirror"]["POST"].as_strategy().map(lambda case: case.body)


@pytest.mark.parametrize(
    ("api", "path", "method", "operation", "status", "schema"),
    RESPONSES,
    ids=[f"{api}.{op['operationId']}.{status}" for api, _, _, op, status, _ in RESPONSES],
)
def test_generated_client_parses_spec_valid_responses(
    api: str, path: str, method: str, operation: dict[str, Any], status: str, schema: dict[str, Any]
) -> None:
    module = _module(api, operation)
    client = _client_module(api).Client(base_url="http://127.0.0.1")

    @EXAMPLES
    @given(body=_response_strategy(api, schema))
    def check(body: Any) -> None:
        # `_build_response` is the step of `sync_detailed` that follows the HTTP exchange; the
        # request is not what is tested here.
        request = httpx.Request(method, f"http://127.0.0.1{path}")
        response = module._build_response(
            client=client,
            response=httpx.Response(_status_code(status, operation), json=body, request=request),
        )
        parsed = response.parsed
        assert parsed is not None
        assert _normalise(_to_json(parsed)) == _normalise(body)

    check()


def _status_code(status: str, operation: dict[str, Any]) -> int:
    """The status to answer: a range such as `2XX` takes its first code the operation does not declare."""
    if status.isdigit():
        return int(status)
    first = int(status[0]) * 100
    return next(code for code in range(first, first + 100) if str(code) not in operation["responses"])


def _to_json(value: Any) -> Any:
    to_dict: Callable[[], Any] | None = getattr(value, "to_dict", None)
    return to_dict() if to_dict is not None else value
