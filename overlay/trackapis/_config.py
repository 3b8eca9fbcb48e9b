"""One connection config for every client: checked once, with the same rules and messages everywhere.

`ConnectionConfig` says how to reach an API (base URL, timeouts, retries, proxy, trust, user
agent); `DeliveryOptions` how the background engine may deliver. Both are frozen and resolved
once, in the client's constructor, so that the lean and the httpx backends never disagree on a
proxy or a trust store. Nothing here imports httpx: `import track` stays light.
"""

from __future__ import annotations

import functools
import math
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

import attrs

from ._retry import DEFAULT_MAX_RETRIES, Deadline, RetryPolicy

if TYPE_CHECKING:
    import ssl

# The one User-Agent every request sends. The package sets `__version__` before importing its
# submodules; reading it here (not `from . import`) keeps this module below the package's layers.
USER_AGENT: Final = f"trackapis/{sys.modules[__package__ or 'trackapis'].__version__}"

# A call in the caller's code (its attempts and the waits between them) ends within this many
# seconds: room for the default 4 attempts of 10 s each and the backoffs between them.
DEFAULT_DEADLINE: Final = 60.0

# Answers are read up to a cap; above it the connection is closed and the status alone decides.
# Tracking calls only look at the body of an error (a JSON message, or a proxy's page).
TRACK_ANSWER_CAP: Final = 64 * 1024
# Calls that read a result (a customer, a campaign's HTML, the server time).
READ_ANSWER_CAP: Final = 16 * 1024 * 1024
# 7SEGMENTS exports can be large; `max_answer_bytes=` on the export clients changes it.
EXPORT_ANSWER_CAP: Final = 256 * 1024 * 1024

Proxy = str | Literal[False] | None
Verify: TypeAlias = "bool | str | os.PathLike[str] | ssl.SSLContext"

_PROXY_SCHEMES: Final = ("http://", "https://")


def seconds(name: str, value: Any, *, zero: bool = False) -> float:
    """A finite number of seconds, > 0 (or >= 0 with `zero`); one message for every option."""
    bound = ">= 0" if zero else "greater than 0"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a finite number of seconds {bound}, not {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        number = math.inf
    if not math.isfinite(number) or number < 0 or (number == 0 and not zero):
        raise ValueError(f"{name} must be a finite number of seconds {bound}, not {value!r}")
    if number > _LONGEST:
        raise ValueError(f"{name} must be at most {_LONGEST:.0f} seconds (a week), not {value!r}")
    return number


# Longer waits overflow the platform's lock timeouts (threading.TIMEOUT_MAX on some systems),
# and no client call or exit should wait that long anyway.
_LONGEST: Final = 7 * 24 * 3600.0


def positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, not {value!r}")
    return value


def check_base_url(value: Any, *, argument: str = "base_url", example: str) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise ValueError(f"{argument} must be an http(s) URL such as {example!r}, not {value!r}")
    return value.rstrip("/")


def check_retry_policy(max_retries: Any, policy: Any) -> RetryPolicy:
    if policy is not None:
        if not isinstance(policy, RetryPolicy):
            raise TypeError(f"retry_policy must be a RetryPolicy, not {type(policy).__name__}")
        return policy
    return RetryPolicy(max_retries=max_retries)


def _proxy(value: Any) -> Proxy:
    if value is None or value is False:
        return value
    if not isinstance(value, str) or not value.lower().startswith(_PROXY_SCHEMES):
        raise ValueError(
            f"proxy must be an http(s) URL such as 'http://proxy.example:3128', False (no proxy), "
            f"or None (the environment's HTTP_PROXY/HTTPS_PROXY/ALL_PROXY/NO_PROXY), not {value!r}"
        )
    return value


def _verify(value: Any) -> Any:
    # An SSLContext exists only once `ssl` is imported: a client of an http:// URL (a fake, a
    # proxy on loopback) never pays the ~15 ms that importing it takes.
    ssl = sys.modules.get("ssl")
    if value is True or (ssl is not None and isinstance(value, ssl.SSLContext)):
        return value
    if isinstance(value, (str, os.PathLike)) and not isinstance(value, bool):
        path = os.fspath(value)
        if not os.path.exists(path):
            raise ValueError(f"verify: no CA bundle at {path!r}")
        return path
    raise ValueError(
        f"verify must be True (SSL_CERT_FILE/SSL_CERT_DIR, REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE, else certifi), "
        f"an ssl.SSLContext or a CA bundle path, not {value!r}"
    )


@functools.cache
def _context(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    import ssl

    if cafile is None and capath is None:
        import certifi  # httpx's own trust store, and one of its dependencies

        cafile = certifi.where()
    return ssl.create_default_context(cafile=cafile, capath=capath)


def _without_credentials(proxies: Mapping[str, str]) -> dict[str, str]:
    """Proxy URLs with any `user:password@` shown as `<secret>@`."""
    shown = {}
    for name, url in proxies.items():
        head, at, host = url.rpartition("@")
        scheme = head.split("://", 1)[0] + "://" if "://" in head else ""
        shown[name] = f"{scheme}<secret>@{host}" if at else url
    return shown


def _environment_proxies() -> dict[str, str]:
    # Read only when a *_proxy variable exists: urllib.request costs ~35 ms to import.
    if not any(name.lower().endswith("_proxy") for name in os.environ):
        return {}
    import urllib.request

    return urllib.request.getproxies_environment()


@attrs.frozen
class Network:
    """Where requests go (a proxy or not) and whom they trust; resolved once, shared by both backends."""

    # scheme ("http", "https", "all", "no") -> URL; shown without credentials
    proxies: dict[str, str] = attrs.field(
        factory=dict, repr=lambda proxies: repr(_without_credentials(proxies))
    )
    verify: Any = True

    @classmethod
    def resolve(cls, proxy: Any = None, verify: Any = True) -> Network:
        proxy = _proxy(proxy)
        verify = _verify(verify)
        if proxy is False:
            return cls({}, verify)
        if proxy is not None:
            return cls({"all": proxy}, verify)
        return cls(_environment_proxies(), verify)

    def proxy_for(self, url: str) -> str | None:
        """The proxy URL for a request to `url`, or None to go direct (NO_PROXY honoured)."""
        if not self.proxies:
            return None
        import urllib.parse

        parts = urllib.parse.urlsplit(url)
        found = self.proxies.get(parts.scheme) or self.proxies.get("all")
        if not found:
            return None
        if "no" in self.proxies:
            import urllib.request

            host = parts.netloc.rsplit("@", 1)[-1]
            if urllib.request.proxy_bypass_environment(host, self.proxies):  # type: ignore[attr-defined]
                return None
        return found if "://" in found else "http://" + found

    def proxy_credentials(self) -> list[str]:
        """The proxies' `user:password` and password (decoded), for redactors to hide."""
        import urllib.parse

        found = []
        for name, url in self.proxies.items():
            if name == "no":  # NO_PROXY's host list, not a proxy
                continue
            parts = urllib.parse.urlsplit(url if "://" in url else "http://" + url)
            user = urllib.parse.unquote(parts.username or "")
            if parts.password:
                password = urllib.parse.unquote(parts.password)
                found += [f"{user}:{password}", password]
            elif user:  # a token as the user name alone: sent as `user:`
                found.append(user)
        return found

    def ssl_context(self) -> ssl.SSLContext:
        """The one TLS context of this config (built on first use, then shared)."""
        import ssl

        if isinstance(self.verify, ssl.SSLContext):
            return self.verify
        if isinstance(self.verify, str):
            if os.path.isdir(self.verify):
                return _context(None, self.verify)
            return _context(self.verify, None)
        cafile = os.environ.get("SSL_CERT_FILE") or None
        capath = os.environ.get("SSL_CERT_DIR") or None
        cafile = cafile if cafile and os.path.isfile(cafile) else None
        capath = capath if capath and os.path.isdir(capath) else None
        if cafile is None and capath is None:
            # The variables `requests` reads (the original SDKs were built on it): a company CA
            # set up for them keeps working after the switch. A file or a directory, as there.
            bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None
            if bundle and os.path.isdir(bundle):
                capath = bundle
            elif bundle and os.path.isfile(bundle):
                cafile = bundle
        return _context(cafile, capath)


@attrs.frozen
class ConnectionConfig:
    """How to reach one API: every path (lean, httpx sync and async) is built from this.

    Args:
        base_url: The API's base URL (no trailing slash).
        timeout: Seconds one attempt may take in all: connect, send, and read the whole answer.
        deadline: Seconds a call may take in all, attempts and waits between them included.
        policy: When to retry.
        network: Proxy and trust.
    """

    base_url: str
    timeout: float
    deadline: float
    policy: RetryPolicy
    network: Network = attrs.field(factory=Network)
    user_agent: str = USER_AGENT

    @classmethod
    def build(
        cls,
        *,
        base_url: Any,
        example: str,
        timeout: Any,
        deadline: Any,
        max_retries: Any = DEFAULT_MAX_RETRIES,
        retry_policy: Any = None,
        proxy: Any = None,
        verify: Any = True,
        argument: str = "base_url",
    ) -> ConnectionConfig:
        return cls(
            check_base_url(base_url, argument=argument, example=example),
            seconds("timeout", timeout),
            seconds("deadline", deadline),
            check_retry_policy(max_retries, retry_policy),
            Network.resolve(proxy, verify),
        )

    @classmethod
    def from_arguments(cls, arguments: Mapping[str, Any], *, example: str) -> ConnectionConfig:
        """The config from a client constructor's own arguments (its `locals()`), by their names."""
        return cls.build(
            base_url=arguments["base_url"],
            example=example,
            timeout=arguments["timeout"],
            deadline=arguments["deadline"],
            max_retries=arguments["max_retries"],
            retry_policy=arguments["retry_policy"],
            proxy=arguments["proxy"],
            verify=arguments["verify"],
        )

    def new_deadline(self) -> Deadline:
        """A new call's deadline: `deadline` seconds in all, each attempt at most `timeout`."""
        return Deadline(self.deadline, self.timeout)

    def at(self, other_base_url: Any, *, argument: str, example: str) -> ConnectionConfig:
        """The same config for another host of the same API (Attribution.io's private API)."""
        return attrs.evolve(self, base_url=check_base_url(other_base_url, argument=argument, example=example))


@attrs.frozen
class DeliveryOptions:
    """How the background engine may deliver; checked here once for every client."""

    max_queue_size: int
    max_in_flight: int
    rate_limit_per_minute: float | None
    shutdown_timeout: float | None

    @classmethod
    def build(
        cls, *, max_queue_size: Any, max_in_flight: Any, rate_limit_per_minute: Any, shutdown_timeout: Any
    ) -> DeliveryOptions:
        rate = None
        per_minute = rate_limit_per_minute
        if per_minute is not None:
            if isinstance(per_minute, bool) or not isinstance(per_minute, (int, float)):
                raise ValueError(f"rate_limit_per_minute must be a number or None, not {per_minute!r}")
            if not (math.isfinite(float(per_minute)) and per_minute > 0):
                raise ValueError(
                    f"rate_limit_per_minute must be a finite number greater than 0, not {per_minute!r}"
                )
            rate = float(per_minute)
        return cls(
            positive_int("max_queue_size", max_queue_size),
            positive_int("max_in_flight", max_in_flight),
            rate,
            # The engine's rule, checked there: seconds >= 0, and an infinite or huge value (or
            # None) means no limit at exit (the exit hook bounds itself; see delivery/_engine.py).
            shutdown_timeout,
        )

    @classmethod
    def from_arguments(cls, arguments: Mapping[str, Any]) -> DeliveryOptions:
        """The options from a client constructor's own arguments (its `locals()`), by their names."""
        return cls.build(**{name: arguments[name] for name in attrs.fields_dict(cls)})

    def engine_kwargs(self) -> dict[str, Any]:
        """The `DeliveryEngine` keyword arguments: its fields, by the engine's own names."""
        return attrs.asdict(self, recurse=False)
