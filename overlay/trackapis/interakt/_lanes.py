"""One person's messages in one lane, across identifiers: a phone-only message follows the user id
last seen with that phone number.

Interakt identifies a user by id or by phone. `user(user_id="42", phone_number=P)` then
`event("Signed Up", phone_number=P)` name the same person, so the event must not overtake the
user update: the phone-only event goes into the lane of the id last queued with that phone.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Final

# Phone numbers remembered at most (least recently used are forgotten): ~100 bytes each.
DEFAULT_REMEMBERED_PHONES: Final = 10_000


class LaneMemory:
    """Maps `<country code><phone>` to the lane of the user id last queued with it (bounded, LRU)."""

    def __init__(self, size: int = DEFAULT_REMEMBERED_PHONES) -> None:
        self._size = size
        self._lanes: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def lane(self, lane: str, body: dict[str, Any]) -> str:
        """The lane for a message whose own lane is `lane` (by id, else by phone)."""
        phone = body.get("phoneNumber")
        if phone is None:
            return lane
        key = f"{body.get('countryCode')}{phone}"
        with self._lock:
            if "userId" in body:
                self._lanes[key] = lane
                self._lanes.move_to_end(key)
                if len(self._lanes) > self._size:
                    self._lanes.popitem(last=False)
                return lane
            known = self._lanes.get(key)
            if known is None:
                return lane
            self._lanes.move_to_end(key)
            return known
