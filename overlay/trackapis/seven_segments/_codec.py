"""7SEGMENTS' queued commands as bytes, for a durable store (see `trackapis.delivery.Codec`)."""

from __future__ import annotations

import json

from seven_segments_client.models import CustomerUpdate, EventTrack

from ._payload import Command


class CommandCodec:
    """`Command(model, lane)` <-> the JSON array `[kind, model.to_dict(), lane]`."""

    def encode(self, payload: Command) -> bytes:
        kind = "customer" if isinstance(payload.model, CustomerUpdate) else "event"
        return json.dumps([kind, payload.model.to_dict(), payload.lane], ensure_ascii=False).encode()

    def decode(self, data: bytes) -> Command:
        kind, model, lane = json.loads(data)
        cls = CustomerUpdate if kind == "customer" else EventTrack
        return Command(cls.from_dict(model), lane)
