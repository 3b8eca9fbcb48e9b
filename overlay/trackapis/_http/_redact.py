"""One redactor for every API: each credential, in every form it travels in, becomes `<secret>`."""

from __future__ import annotations

import base64
from typing import Final
from urllib.parse import quote, quote_plus

REDACTED: Final = "<secret>"
# Shorter "secrets" would blank out ordinary text; no real credential is this short.
_SHORTEST: Final = 4


# Proxy credentials (user:password in a proxy URL) of this process, found when a connection
# config is resolved: every redactor hides them, since any client's error may carry them (a
# proxy's 407 page that echoes the Proxy-Authorization header it got).
_everywhere: tuple[str, ...] = ()


def hide_everywhere(*secrets: str) -> None:
    """Make every `Redactor` of this process hide these secrets (proxy credentials) too."""
    global _everywhere  # noqa: PLW0603 - replaced whole, never changed in place: readers see one or the other
    new = set().union(*(_forms(secret) for secret in secrets if secret)) - set(_everywhere)
    if new:  # (every backend registers its proxies' credentials: most have none, or the same)
        _everywhere = tuple(sorted({*_everywhere, *new}, key=len, reverse=True))


def _forms(secret: str) -> set[str]:
    forms = {secret, quote(secret), quote(secret, safe=""), quote_plus(secret), secret.replace("/", "\\/")}
    # A credential that travels inside HTTP Basic: its base64 form too.
    for raw in (secret, secret + ":"):
        forms.add(base64.b64encode(raw.encode()).decode("ascii"))
    return {form for form in forms if len(form) >= _SHORTEST}


class Redactor:
    """Replaces each secret (raw, URL-encoded, base64, JSON-escaped) in text with `<secret>`.

    Args:
        secrets: The credentials: an API key, a password, a `Basic ...` token, a URL secret.
    """

    def __init__(self, *secrets: str | None) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if secret:
                forms |= _forms(secret)
                if secret.startswith("Basic "):
                    token = secret.removeprefix("Basic ")
                    forms |= _forms(token)
                    try:
                        user_pass = base64.b64decode(token, validate=True).decode()
                    except ValueError:
                        continue
                    password = user_pass.partition(":")[2]
                    forms |= _forms(password) if password else _forms(user_pass.rstrip(":"))
        # Longest first, so that an encoded form is replaced whole.
        self._forms = sorted(forms, key=len, reverse=True)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<hidden>)"

    def __call__(self, text: str) -> str:
        for forms in (self._forms, _everywhere):
            for form in forms:
                if form in text:
                    text = text.replace(form, REDACTED)
        return text

    def contains_secret(self, text: str) -> bool:
        return any(form in text for forms in (self._forms, _everywhere) for form in forms)

    def __add__(self, other: Redactor) -> Redactor:
        joined = Redactor()
        joined._forms = sorted({*self._forms, *other._forms}, key=len, reverse=True)
        return joined


NOTHING: Final = Redactor()
