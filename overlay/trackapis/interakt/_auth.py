"""Interakt's key: accepted as the dashboard's Secret Key or as the decoded key; sent as Basic auth."""

from __future__ import annotations

import base64
import binascii


def basic_authorization(api_key: str) -> str:
    """The `Authorization` header value (`Basic ...`) for `api_key`.

    The dashboard's Secret Key is already `base64("<key>:")`, the ready-made Basic credential,
    so it is sent as it is; a decoded key (with or without its trailing `:`) is encoded the same
    way. Both forms therefore send the same header.
    """
    if not isinstance(api_key, str):
        raise TypeError(f"api_key must be a string, not {type(api_key).__name__}")
    key = api_key.strip()
    if not key:
        raise ValueError("api_key must not be empty: use the Secret Key from Interakt's Developer Settings")
    if _is_secret_key(key):
        return f"Basic {key}"
    if key.endswith(":"):  # the decoded Secret Key, its ':' not erased
        key = key[:-1]
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode("ascii")


def _is_secret_key(key: str) -> bool:
    try:
        decoded = base64.b64decode(key, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    return len(decoded) > 1 and decoded.endswith(":") and ":" not in decoded[:-1] and decoded.isprintable()
