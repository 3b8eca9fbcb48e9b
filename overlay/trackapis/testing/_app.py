"""The ASGI machinery shared by the fakes: routing, recording, faults, validation, credentials.

A request goes through, in order: record -> latency -> injected fault -> route (404/405) ->
openapi-core validation (401 when the security scheme's credentials are missing, 400 when the
request breaks the spec) -> the fake's credential check (401) -> the operation's handler.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any, ClassVar, cast
from urllib.parse import parse_qsl, quote, unquote

import attrs
import httpx
from jsonschema.exceptions import relevance
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.validation.request.exceptions import ParameterValidationError, SecurityValidationError
from werkzeug.datastructures import Headers, ImmutableMultiDict

from ._examples import example_reply, resolve
from ._faults import Fault, Faults
from ._json import JsonObject, JsonValue
from ._semantics import is_rfc3339_date_time, strict_query, with_ecma_patterns
from ._specs import ApiName, loopback_spec

logger = logging.getLogger("trackapis.testing")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_BOOLEANS = {"true": True, "false": False}
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class DroppedConnection(httpx.RemoteProtocolError):
    """Raised by a fake to drop a connection on purpose.

    Under a real server (uvicorn) the response has started, so the server closes the socket and
    the client sees a broken response. In-process (`httpx.ASGITransport`) the client gets this
    exception, which is the same transport error httpx raises for a real dropped connection.
    """

    def __init__(self) -> None:
        super().__init__("the fake dropped the connection (injected fault)")


@attrs.define
class RecordedRequest:
    """One request a fake received, and the status it answered with (None: dropped)."""

    method: str
    path: str
    query: list[tuple[str, str]] = attrs.field(repr=False)
    headers: dict[str, str] = attrs.field(repr=False)
    body: bytes = attrs.field(repr=False)
    operation_id: str | None
    status: int | None = None
    received_at: float = attrs.field(factory=time.time, repr=False)
    refusal: str | None = None
    """Why the fake refused it (an error status): the message of its error body."""

    def json(self) -> JsonValue:
        """The body, decoded as JSON."""
        decoded: JsonValue = json.loads(self.body)
        return decoded


@attrs.frozen
class Call:
    """A request that passed validation, as a handler sees it."""

    operation_id: str
    body: JsonValue
    """The decoded JSON body (None without one); handlers narrow it with `json_object`."""
    path_params: Mapping[str, str]
    query: Mapping[str, object]
    raw_query: Mapping[str, str]
    headers: Mapping[str, str]

    @property
    def json_object(self) -> JsonObject:
        """The body as a JSON object (empty when it is not one)."""
        return self.body if isinstance(self.body, dict) else {}


@attrs.frozen
class Reply:
    """What a handler answers."""

    status: int
    body: JsonValue | bytes
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json"


@attrs.frozen
class _Route:
    operation_id: str
    method: str
    template: str
    pattern: re.Pattern[str]
    takes_body: bool
    operation: Mapping[str, Any] = attrs.field(eq=False, repr=False)
    parameters: list[Mapping[str, Any]] = attrs.field(eq=False, repr=False)
    # Whether validation must unmarshal, for the typed query (see FakeAPI._check).
    takes_query: bool = attrs.field(init=False, eq=False, repr=False)

    @takes_query.default
    def _takes_query(self) -> bool:
        return any(parameter.get("in") == "query" for parameter in self.parameters)


class _ValidationRequest:
    """The request as openapi-core's `Request` protocol wants it."""

    def __init__(
        self,
        route: _Route,
        path_params: dict[str, str],
        query: list[tuple[str, str]],
        headers: Headers,
        body: bytes,
    ) -> None:
        # The route is already known: handing openapi-core the template and the decoded path
        # parameters keeps an encoded `/` (%2F) inside a parameter from being read as a separator.
        self.method = route.method.lower()
        self.path = self.path_pattern = route.template
        self.host_url = "http://127.0.0.1"
        self.full_url_pattern = self.host_url + route.template
        self.body = body or None
        self.content_type = headers.get("content-type", "").lower()
        self.parameters = RequestParameters(query=ImmutableMultiDict(query), header=headers, path=path_params)


def handler_body(call: Call) -> dict[str, Any]:
    """The validated JSON object body, for a fake's handlers (the spec guarantees its shape)."""
    return cast(dict[str, Any], call.body)


def _build_routes(document: Mapping[str, Any]) -> list[_Route]:
    routes = []
    for template, path_item in document["paths"].items():
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        for method in _METHODS:
            operation = path_item.get(method)
            if operation is not None:
                pattern = re.compile(f"^{regex}$")
                takes_body = "requestBody" in operation
                operation_id = operation.get("operationId") or f"{method.upper()} {template}"
                parameters = [
                    resolve(document, parameter)
                    for parameter in [*path_item.get("parameters", []), *operation.get("parameters", [])]
                ]
                routes.append(
                    _Route(operation_id, method.upper(), template, pattern, takes_body, operation, parameters)
                )
    return routes


def _describe(error: Exception) -> str:
    """A short, useful message for an openapi-core validation error."""
    if isinstance(error, SecurityValidationError):
        return "credentials are missing"
    # A parameter's errors are about that parameter, not the body; name it.
    root = (
        f"{error.location} parameter {error.name}" if isinstance(error, ParameterValidationError) else "body"
    )
    cause = error.__cause__
    schema_errors = list(getattr(cause, "schema_errors", None) or [])
    if not schema_errors:
        try:
            text = str(cause or error)
        except UnicodeError:  # some openapi-core messages decode the raw body
            text = type(cause or error).__name__
        if isinstance(error, ParameterValidationError) and error.name not in text:
            text = f"{root}: {text}"
        return text
    details = []
    for schema_error in schema_errors[:3]:
        where = "/".join(str(part) for part in schema_error.absolute_path) or root
        if schema_error.validator in ("anyOf", "oneOf"):
            # The default message repeats the whole instance; the schema's description states the rule.
            rule = schema_error.schema.get("description") if isinstance(schema_error.schema, dict) else None
            message = f"{where}: matches none of the allowed shapes" + (f" ({rule})" if rule else "")
            if schema_error.context:
                # The deepest error points into the branch the body came closest to matching
                # (jsonschema's own rule inside anyOf/oneOf); `best_match` on the bare context
                # would pick the shallowest, e.g. a `required` error of a branch never meant.
                closest = min(schema_error.context, key=relevance)
                closest_where = "/".join(str(part) for part in closest.absolute_path) or root
                message += f"; closest: {closest_where}: {closest.message}"
            details.append(message)
        else:
            details.append(f"{where}: {schema_error.message}")
    return "; ".join(details)


def _parse_json(body: bytes, content_type: str) -> tuple[Any, str | None]:
    """The decoded JSON body, or why it cannot be decoded. Other media types are left to the spec."""
    if not body or not content_type.lower().startswith("application/json"):
        return None, None
    try:
        return json.loads(body), None
    except UnicodeDecodeError:
        return None, "body: not valid UTF-8"
    except ValueError as error:
        return None, f"body: not valid JSON ({error})"


class FakeAPI:
    """Base of the fakes: an ASGI app that validates requests against its API's spec.

    Subclasses name their spec in `api`, implement one `op_<operationId>` method per operation,
    `error_body`, and optionally `check_credentials`; state changes happen under `self.lock`.

    `spec=` serves an OpenAPI document of your own (a vendor's newer version) instead of the
    packaged one: every request is validated against it; the operations the fake keeps state for
    behave as with the packaged spec; any other operation answers its first documented 2xx with
    the spec's example, or a minimal schema-valid body. Its paths may not start with `/__fake`.
    """

    api: ClassVar[ApiName]

    def __init__(self, *, spec: str | os.PathLike[str] | None = None) -> None:
        document = loopback_spec(self.api, spec)
        clashing = [path for path in document["paths"] if path.startswith("/__fake")]
        if clashing:
            raise ValueError(f"the spec has paths under /__fake/, the fakes' control plane: {clashing}")
        self.spec_path = None if spec is None else os.fspath(spec)
        self._document = document
        # JSON Schema semantics where openapi-core (Python's re, isodate) differs: see _semantics.
        self._openapi = OpenAPI.from_dict(
            with_ecma_patterns(document),
            config=Config(
                extra_format_validators={"date-time": is_rfc3339_date_time},
                extra_format_unmarshallers={"date-time": str},
            ),
        )
        self._routes = _build_routes(document)
        self.lock = threading.RLock()
        self.faults = Faults()
        self.requests: list[RecordedRequest] = []
        # Bumped by reset(): a request that was waiting (added latency) across a reset belongs to
        # the forgotten state and must not change the new one (e.g. a previous test's late event).
        self._generation = 0
        # Set False to skip spec validation, for load tests: openapi-core costs milliseconds a
        # request, which would make the fake, not the client, what a benchmark measures.
        self.validate = True
        self._url: str | None = None

    # -- what subclasses provide ------------------------------------------------------------

    def error_body(self, status: int, message: str) -> JsonValue:
        """The API's JSON error body."""
        raise NotImplementedError

    def check_credentials(self, call: Call) -> Reply | None:
        """A 401 (or 403) reply when the credentials are wrong; None when they are right."""
        return None

    def reset_state(self) -> None:
        """Forget what the API stored (subclasses)."""

    def credentials(self) -> Mapping[str, str]:
        """The credentials the fake accepts, by the name of the option that sets them."""
        return {}

    def seed(self, data: Mapping[str, object]) -> None:
        """Add data the fake serves, as `POST /__fake/seed` does (subclasses document their keys).

        Raises:
            ValueError: an unknown key or a malformed value.
        """
        if data:
            raise ValueError(f"the {self.api} fake takes no seed data, not {', '.join(sorted(data))}")

    # -- public --------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL the fake is served on (see `trackapis.testing.serve`)."""
        if self._url is None:
            raise RuntimeError(
                f"{type(self).__name__} is not being served; start it with trackapis.testing.serve()"
            )
        return self._url

    def reset(self) -> None:
        """Forget the state, the recorded requests and the fault plan."""
        with self.lock:
            self.reset_state()
            self.requests.clear()
            self._generation += 1
        self.faults.clear()

    @property
    def operation_ids(self) -> list[str]:
        """The operation ids of the spec the fake serves, in the spec's order."""
        return [route.operation_id for route in self._routes]

    def requests_to(self, operation_id: str) -> list[RecordedRequest]:
        """The recorded requests routed to one operation."""
        with self.lock:
            return [request for request in self.requests if request.operation_id == operation_id]

    def error(self, status: int, message: str, *headers: tuple[str, str]) -> Reply:
        """A reply with the API's JSON error body."""
        return Reply(status, self.error_body(status, message), headers)

    # -- ASGI ----------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await self._read_body(receive)
        method = scope["method"].upper()
        if scope["path"].startswith("/__fake/"):
            from ._control import handle

            await self._send(send, handle(self, method, scope["path"], self._query(scope), body))
            return
        # Route on the raw (still percent-encoded) path, so that %2F stays inside its parameter.
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1") if raw_path else quote(scope["path"])
        query = self._query(scope)
        raw_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", [])]
        route, allowed = self._route(method, path)
        recorded = RecordedRequest(
            method, path, query, dict(raw_headers), body, route.operation_id if route else None
        )
        with self.lock:
            self.requests.append(recorded)
            generation = self._generation

        if self.faults.latency:
            await asyncio.sleep(self.faults.latency)
        if generation != self._generation:
            stale = self.error(503, "the fake was reset while this request waited; it was not applied")
            recorded.status = stale.status
            await self._send(send, stale)
            return
        fault = self.faults.draw(recorded.operation_id)
        if fault is not None and fault.drops_connection:
            await self._drop(send, recorded)
        reply = self._fault_reply(fault) if fault is not None else None
        if reply is None:
            reply = self._answer(
                route, allowed, method=method, path=path, query=query, headers=raw_headers, body=body
            )
        recorded.status = reply.status
        if reply.status >= 400:
            recorded.refusal = _refusal(reply.body)
        await self._send(send, reply)

    def _answer(
        self,
        route: _Route | None,
        allowed: list[str],
        *,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        headers: list[tuple[str, str]],
        body: bytes,
    ) -> Reply:
        if route is None:
            if allowed:
                return self.error(
                    405, f"method {method} is not allowed on {path}", ("allow", ", ".join(allowed))
                )
            return self.error(404, f"no operation at {path}")
        # The first Content-Type decides how the body is read; the handlers see the last of each name.
        content_type = next((value for name, value in headers if name.lower() == "content-type"), "")
        parsed, problem = _parse_json(body, content_type)
        if problem is not None:
            return self.error(400, problem)
        match = route.pattern.match(path)
        assert match is not None  # the route was chosen by this pattern
        path_params = {name: unquote(value) for name, value in match.groupdict().items()}
        typed_query, rejected = self._check(route, path_params, query, headers, body, parsed)
        if rejected is not None:
            return rejected
        call = Call(
            operation_id=route.operation_id,
            body=parsed,
            path_params=path_params,
            query=typed_query,
            raw_query=dict(query),
            headers={k.lower(): v for k, v in headers},
        )
        rejected = self.check_credentials(call)
        if rejected is not None:
            return rejected
        return self._dispatch(route, call)

    def _check(  # noqa: PLR0917 - the parts of one request
        self,
        route: _Route,
        path_params: dict[str, str],
        query: list[tuple[str, str]],
        headers: list[tuple[str, str]],
        body: bytes,
        parsed: Any,
    ) -> tuple[dict[str, Any], Reply | None]:
        """The query parameters, typed per the spec, or the error reply for an invalid request."""
        if not self.validate:
            # Without the spec's checks, still refuse what every handler relies on: a JSON object.
            if route.takes_body and not isinstance(parsed, dict):
                return {}, self.error(400, "body: a JSON object is required")
            return {name: _BOOLEANS.get(value, value) for name, value in query}, None
        problem = strict_query(route.parameters, query)
        if problem is not None:
            return {}, self.error(400, problem)
        request = _ValidationRequest(route, path_params, query, Headers(headers), body)
        typed: dict[str, Any] = {}
        first: Exception | None
        if route.takes_query:
            result = self._openapi.unmarshal_request(request)
            first = next(iter(result.errors), None)
            typed = dict(result.parameters.query)
        else:
            # Nothing to type (`strict_query` let no query through): validating is enough, and
            # costs a third of unmarshalling, which also builds Python values from the body's
            # formats. The same checks in the same order (security, parameters, body); the first
            # error decides.
            first = next(iter(self._openapi.iter_request_errors(request)), None)
        if first is not None:
            status = 401 if isinstance(first, SecurityValidationError) else 400
            return {}, self.error(status, _describe(first))
        return typed, None

    def _dispatch(self, route: _Route, call: Call) -> Reply:
        handler: Callable[[Call], Reply] | None = getattr(self, f"op_{route.operation_id}", None)
        if handler is None:
            # An operation the fake has no state for (a user's newer spec): the spec's example.
            status, content_type, body = example_reply(self._document, route.operation)
            return Reply(status, body, content_type=content_type)
        try:
            with self.lock:
                return handler(call)
        except Exception:
            # A bug in the fake: answer (and record) a 500 that the contract checks will flag,
            # rather than leave the request looking like an injected dropped connection.
            logger.exception("%s fake: the %s handler raised", self.api, route.operation_id)
            return self.error(500, f"the fake's {route.operation_id} handler failed")

    def _route(self, method: str, path: str) -> tuple[_Route | None, list[str]]:
        allowed = []
        for route in self._routes:
            if route.pattern.match(path):
                if route.method == method:
                    return route, []
                allowed.append(route.method)
        return None, allowed

    def _fault_reply(self, fault: Fault) -> Reply:
        assert fault.status is not None
        headers = tuple(fault.headers())
        if fault.body is not None:
            return Reply(fault.status, fault.body, headers, fault.content_type)
        return self.error(fault.status, f"injected fault: {fault.status}", *headers)

    @staticmethod
    def _query(scope: Scope) -> list[tuple[str, str]]:
        return parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)

    @staticmethod
    async def _read_body(receive: Receive) -> bytes:
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(chunks)

    @staticmethod
    async def _send(send: Send, reply: Reply) -> None:
        if reply.content_type == "application/json" and not isinstance(reply.body, (str, bytes)):
            payload = json.dumps(reply.body).encode()
        else:
            payload = reply.body if isinstance(reply.body, bytes) else str(reply.body).encode()
        headers = [
            (b"content-type", reply.content_type.encode()),
            (b"content-length", str(len(payload)).encode()),
            *((name.encode(), value.encode()) for name, value in reply.headers),
        ]
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    @staticmethod
    async def _drop(send: Send, recorded: RecordedRequest) -> None:
        # ASGI has no "close the socket" message: start a response that promises a body, send
        # part of it, then fail, and the server aborts the connection mid-response. Not with a
        # 2xx: a 2xx cut short says the server did it (clients do not send it again), and the
        # fake did nothing; an error status cut short is no answer, as a connection dropped.
        recorded.status = None
        await send({"type": "http.response.start", "status": 503, "headers": [(b"content-length", b"64")]})
        await send({"type": "http.response.body", "body": b"{", "more_body": True})
        raise DroppedConnection

    @staticmethod
    async def _lifespan(receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


def _refusal(body: JsonValue | bytes) -> str:
    """An error reply's reason, short: the API's message (or errors), else the body's start."""
    if isinstance(body, dict):
        for name in ("message", "errors", "error"):
            if body.get(name):
                return str(body[name])[:300]
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else json.dumps(body)
    return text[:300]
