"""`AuthenticatedSevenSegmentsClient`: the export API (HTTP Basic), with typed results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from .._config import EXPORT_ANSWER_CAP, ConnectionConfig, Verify, positive_int
from .._lifecycle import Lifecycle
from .._retry import DEFAULT_MAX_RETRIES, RetryPolicy
from . import _core
from ._connection import (
    DEFAULT_EXPORT_DEADLINE,
    DEFAULT_EXPORT_TIMEOUT,
    DEFAULT_TARGET,
    Connection,
    SyncEdge,
    basic_authorization,
)
from ._core import sync_verb
from ._payload import ExportCall, Request, export_call
from ._response import AnalysisType, ExportResult


class AuthenticatedSevenSegmentsClient(SyncEdge):
    """A client of the 7SEGMENTS export API, as a user with ExtAPI access.

    Args:
        username: The user's name.
        password: The user's password (never shown in reprs, logs or errors).
        base_url: The API's base URL.
        timeout: Seconds one attempt may take in all: connect, send, and read the whole answer.
        deadline: Seconds a call may take in all, retries and waits included.
        max_retries: Retries after the first attempt, for network errors, timeouts, 408, 429
            and 5xx (but 501, 505, 511).
        retry_policy: Full control over retries (overrides `max_retries`).
        max_answer_bytes: The largest export read; a larger one raises `InvalidResponseError`.
        proxy: An http(s) proxy URL; None takes it from the environment, False goes direct.
        verify: True (SSL_CERT_FILE/SSL_CERT_DIR/REQUESTS_CA_BUNDLE, else certifi), an
            `ssl.SSLContext` or a CA path.
        transport: An httpx transport, for tests.
    """

    def __init__(
        self,
        username: str,
        password: str,
        *,
        base_url: str = DEFAULT_TARGET,
        timeout: float = DEFAULT_EXPORT_TIMEOUT,
        deadline: float = DEFAULT_EXPORT_DEADLINE,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        max_answer_bytes: int = EXPORT_ANSWER_CAP,
        proxy: str | bool | None = None,
        verify: Verify = True,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        config = ConnectionConfig.from_arguments(locals(), example=DEFAULT_TARGET)
        self._connection = Connection.build(config, transport, basic_authorization(username, password))
        self._cap = self._read_cap = positive_int("max_answer_bytes", max_answer_bytes)
        self._life = Lifecycle("AuthenticatedSevenSegmentsClient", self._connection.backend)

    def __repr__(self) -> str:
        return f"<AuthenticatedSevenSegmentsClient base_url={self._connection.target!r}>"

    # Derived from the calls written once in `_core` (signature, defaults, docstring).
    export_analysis = sync_verb(_core.export_analysis)
    call = sync_verb(_core.call)

    def export_data(
        self, analysis_type: AnalysisType, data: Mapping[str, Any], *, company: str | None = None
    ) -> Any:
        """An export with its request body given as a mapping, answered as the API's JSON.

        `data` holds `analysis_id` and optionally `timezone`, `execution_time`, `format`, and
        any other field (sent as given), as in 7SEGMENTS' documentation and the original SDK.
        Returns the JSON answer (the CSV text for `csv`). Raises as `export_analysis()`.
        """
        if not isinstance(data, Mapping):
            raise TypeError(
                f"data must be a mapping such as {{'analysis_id': '...'}}, not {type(data).__name__}"
            )
        fields = dict(data)
        call = export_call(
            analysis_type,
            fields.pop("analysis_id", None),
            format=fields.pop("format", None),
            timezone=fields.pop("timezone", None),
            execution_time=fields.pop("execution_time", None),
            company=company,
            extra=fields,
        )
        typed, raw = self._export(call)
        return typed if raw is None else raw

    def _export(self, call: ExportCall) -> tuple[ExportResult, Any]:
        """Send a prepared export; the typed result and the raw JSON (None for CSV)."""
        return self._send(Request(call.kwargs, call.read, self._cap))
