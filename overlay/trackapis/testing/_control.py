"""The HTTP control plane of every fake, under `/__fake/`, for test suites in any language.

    GET  /__fake/health                       {"status": "ok", "api", "operations", "credentials"}
    GET  /__fake/received[?path=&operation=&method=]   {"requests": [...]} in arrival order
    POST /__fake/reset                        forget state, recorded requests and faults
    POST /__fake/faults                       one fault rule (or a list): the Python `Faults` methods
    POST /__fake/seed                         data the fake serves (per API, see `FakeAPI.seed`)

Control requests are neither recorded nor subject to faults. No API has a path under `/__fake/`:
a fake refuses a spec that does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from ._app import RecordedRequest, Reply
from ._json import JsonObject, JsonValue

if TYPE_CHECKING:
    from ._app import FakeAPI

PREFIX = "/__fake/"


class ControlError(ValueError):
    """A control request the fake cannot carry out (answered with 400)."""


def recorded_json(request: RecordedRequest) -> JsonObject:
    """One recorded request as JSON: the body decoded as JSON under `json` when it is JSON."""
    text = request.body.decode("utf-8", errors="replace")
    document: JsonObject = {
        "method": request.method,
        "path": request.path,
        "query": [[name, value] for name, value in request.query],
        "headers": dict[str, JsonValue](request.headers),
        "operation_id": request.operation_id,
        "status": request.status,
        "received_at": request.received_at,
        "body": text,
    }
    try:
        document["json"] = json.loads(request.body) if request.body else None
    except ValueError:
        document["json"] = None
    return document


def _fault_rule(fake: FakeAPI, rule: object) -> None:
    if not isinstance(rule, Mapping):
        raise ControlError("each fault must be a JSON object with an 'action'")
    options = dict(rule)
    action = options.pop("action", None)
    actions: dict[str, Callable[..., None]] = {
        "fail_next": fake.faults.fail_next,
        "fail_fraction": fake.faults.fail_fraction,
        "drop_next": fake.faults.drop_next,
        "drop_fraction": fake.faults.drop_fraction,
        "add_latency": fake.faults.add_latency,
        "clear": fake.faults.clear,
    }
    if not isinstance(action, str) or action not in actions:
        raise ControlError(f"action must be one of {', '.join(actions)}, not {action!r}")
    if isinstance(options.get("operations"), list):
        options["operations"] = [str(name) for name in options["operations"]]
    try:
        actions[action](**options)
    except TypeError as error:
        raise ControlError(f"{action}: {error}") from None


def handle(fake: FakeAPI, method: str, path: str, query: Sequence[tuple[str, str]], body: bytes) -> Reply:
    """Answer one control-plane request."""
    name = path[len(PREFIX) :].rstrip("/")
    routes: dict[str, str] = {
        "health": "GET",
        "received": "GET",
        "reset": "POST",
        "faults": "POST",
        "seed": "POST",
    }
    if name not in routes:
        return Reply(404, {"error": f"no control endpoint {path}; there are {', '.join(routes)}"})
    if method != routes[name]:
        return Reply(405, {"error": f"{path} takes {routes[name]}"}, (("allow", routes[name]),))
    try:
        payload: object = json.loads(body) if body.strip() else None
    except ValueError as error:
        return Reply(400, {"error": f"body: not valid JSON ({error})"})
    try:
        return _answer(fake, name, dict(query), payload)
    except (ValueError, KeyError) as error:  # ControlError, and the fake's own argument checks
        message = error.args[0] if error.args else str(error)
        return Reply(400, {"error": str(message)})


def _answer(fake: FakeAPI, name: str, query: Mapping[str, str], payload: object) -> Reply:
    if name == "health":
        return Reply(
            200,
            {
                "status": "ok",
                "api": fake.api,
                "operations": list[JsonValue](fake.operation_ids),
                "credentials": dict[str, JsonValue](fake.credentials()),
            },
        )
    if name == "received":
        with fake.lock:
            requests: list[JsonValue] = [
                recorded_json(request)
                for request in fake.requests
                if all(
                    query.get(key) in (None, value)
                    for key, value in (
                        ("path", request.path),
                        ("operation", request.operation_id),
                        ("method", request.method),
                    )
                )
            ]
        return Reply(200, {"requests": requests})
    if name == "reset":
        fake.reset()
        return Reply(200, {"reset": True})
    if name == "faults":
        rules = payload if isinstance(payload, list) else [payload]
        for rule in rules:
            _fault_rule(fake, rule)
        return Reply(200, {"added": len(rules)})
    if not isinstance(payload, Mapping):
        raise ControlError("seed takes a JSON object")
    fake.seed({str(key): value for key, value in payload.items()})
    seeded: list[JsonValue] = [name for name in sorted(str(key) for key in payload)]
    return Reply(200, {"seeded": seeded})
