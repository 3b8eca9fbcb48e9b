"""Attribution.io's queued triggers as bytes, for a durable store (see `trackapis.delivery.Codec`)."""

from __future__ import annotations

import json

from attributionio_client.models import EventRequest, IdentityRequest

from ._payload import TriggerRequest


class TriggerCodec:
    """`IdentityRequest` / `EventRequest` <-> the JSON array `[kind, model.to_dict()]`."""

    def encode(self, payload: TriggerRequest) -> bytes:
        kind = "identity" if isinstance(payload, IdentityRequest) else "event"
        return json.dumps([kind, payload.to_dict()], ensure_ascii=False).encode()

    def decode(self, data: bytes) -> TriggerRequest:
        kind, model = json.loads(data)
        return IdentityRequest.from_dict(model) if kind == "identity" else EventRequest.from_dict(model)
