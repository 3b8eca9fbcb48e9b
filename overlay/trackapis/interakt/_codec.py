"""Interakt's queued requests as bytes, for a durable store (see `trackapis.delivery.Codec`)."""

from __future__ import annotations

import json

from ._payload import InteraktMessage


class InteraktCodec:
    """`InteraktMessage(path, body)` <-> the JSON array `[path, body]` (the body is JSON already)."""

    def encode(self, payload: InteraktMessage) -> bytes:
        return json.dumps([payload.path, payload.body], ensure_ascii=False, separators=(",", ":")).encode()

    def decode(self, data: bytes) -> InteraktMessage:
        path, body = json.loads(data)
        return InteraktMessage(path, body)
