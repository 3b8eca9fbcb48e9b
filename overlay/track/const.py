"""`track.const`: the original's constants (the default host and the two API paths)."""

import enum

from trackapis.interakt import DEFAULT_HOST

__all__ = ["DEFAULT_HOST", "ApiPaths"]


class ApiPaths(enum.Enum):
    """The Track API's paths; the trailing slash is part of them."""

    User = "/v1/public/track/users/"
    Event = "/v1/public/track/events/"
