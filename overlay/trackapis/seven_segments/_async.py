"""asyncio clients: each call sends now, awaiting the answer, with the same retries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Unpack, overload

import httpx

from seven_segments_client.api.system import get_system_time
from seven_segments_client.models import FunnelResult, ReportResult, TableResult

from .._config import (
    DEFAULT_DEADLINE,
    EXPORT_ANSWER_CAP,
    READ_ANSWER_CAP,
    ConnectionConfig,
    Verify,
    positive_int,
)
from .._http._redact import Redactor
from .._lifecycle import AsyncClient
from .._operations import answer
from .._operations import operation as build_operation
from .._retry import DEFAULT_MAX_RETRIES, RetryPolicy
from ._connection import (
    DEFAULT_EXPORT_DEADLINE,
    DEFAULT_EXPORT_TIMEOUT,
    DEFAULT_TARGET,
    DEFAULT_TIMEOUT,
    basic_authorization,
)
from ._export import export_call, readable
from ._fields import (
    OPERATIONS,
    CustomerUpdateFields,
    EventTrackFields,
    ExportRequestFields,
    HtmlRequestFields,
)
from ._payload import Customer, company_token, html_kwargs, track_command, update_command
from ._response import (
    AnalysisType,
    ExportFormat,
    ExportResult,
    check_accepted,
    error_message_of,
    export_of,
    html_of,
    server_time_of,
)


class _AsyncBase(AsyncClient):
    _error_text = staticmethod(error_message_of)

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float,
        deadline: float,
        max_retries: int,
        retry_policy: RetryPolicy | None,
        max_connections: int,
        proxy: str | bool | None,
        verify: Verify,
        transport: httpx.AsyncBaseTransport | None,
        authorization: str | None,
    ) -> None:
        self._connect(
            ConnectionConfig.from_arguments(locals(), example=DEFAULT_TARGET),
            {} if authorization is None else {"Authorization": authorization},
            max_connections=max_connections,
            transport=transport,
            redact=Redactor(authorization),
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={self._config.base_url!r}>"

    async def call(self, operation: str, *, body: Mapping[str, Any] | None = None, **params: Any) -> Any:
        """Send any operation of specs/seven_segments.yaml by its operationId, now (with retries).

        For operations the methods above do not cover yet (a regenerated spec's new ones); see
        `InteraktClient.call()`. Returns the answer's JSON (its text when not JSON).
        """
        kwargs = build_operation(OPERATIONS, operation, body, params).kwargs
        return answer(await self._send_kwargs(kwargs, READ_ANSWER_CAP))


class AsyncSevenSegmentsClient(_AsyncBase):
    """A client of the 7SEGMENTS tracking API for asyncio code.

    Each call sends now (retrying network errors, timeouts, 429 and 5xx) and raises
    `APIError` / `TransportError` on failure. For buffered delivery through /bulk, use
    `SevenSegmentsClient(background=True)`, whose calls never block.

    Args:
        token: The company token.
        base_url: The API's base URL.
        timeout: Seconds one attempt may take in all: connect, send, and read the whole answer.
        deadline: Seconds a call may take in all, retries and waits included.
        max_retries: Retries after the first attempt.
        retry_policy: Full control over retries (overrides `max_retries`).
        max_connections: Requests in flight at once over keep-alive connections.
        proxy: An http(s) proxy URL; None takes it from the environment, False goes direct.
        verify: True (SSL_CERT_FILE/SSL_CERT_DIR, else certifi), an `ssl.SSLContext` or a CA path.
        transport: An httpx async transport, for tests.
    """

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_TARGET,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        max_connections: int = 16,
        proxy: str | bool | None = None,
        verify: Verify = True,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._token = company_token(token)
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            retry_policy=retry_policy,
            max_connections=max_connections,
            proxy=proxy,
            verify=verify,
            transport=transport,
            authorization=None,
        )

    async def track(
        self,
        customer: Customer,
        event_type: str,
        *,
        properties: dict[str, Any] | None = None,
        timestamp: Any = None,
        **fields: Unpack[EventTrackFields],
    ) -> None:
        """Track an event of a customer; see `SevenSegmentsClient.track()` for the arguments."""
        command = track_command(self._token, customer, event_type, properties, timestamp, fields=fields)
        kwargs = command.kwargs()
        check_accepted(await self._send_kwargs(kwargs), kwargs["url"])  # 2xx with success: false

    async def update(
        self,
        customer: Customer,
        properties: dict[str, Any] | None = None,
        **fields: Unpack[CustomerUpdateFields],
    ) -> None:
        """Identify a customer and update its properties."""
        kwargs = update_command(self._token, customer, properties, fields).kwargs()
        check_accepted(await self._send_kwargs(kwargs), kwargs["url"])

    async def get_html(
        self, customer: Customer, html_campaign_name: str, **fields: Unpack[HtmlRequestFields]
    ) -> str:
        """The HTML of a campaign for a customer."""
        kwargs = html_kwargs(self._token, customer, html_campaign_name, fields)
        return html_of(await self._send_kwargs(kwargs, READ_ANSWER_CAP))

    async def server_time(self) -> float:
        """The server's clock in UNIX seconds."""
        return server_time_of(await self._send_kwargs(get_system_time._get_kwargs(), READ_ANSWER_CAP))


class AsyncAuthenticatedSevenSegmentsClient(_AsyncBase):
    """The export API for asyncio code; see `AuthenticatedSevenSegmentsClient`."""

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
        max_connections: int = 4,
        max_answer_bytes: int = EXPORT_ANSWER_CAP,
        proxy: str | bool | None = None,
        verify: Verify = True,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._cap = positive_int("max_answer_bytes", max_answer_bytes)
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            retry_policy=retry_policy,
            max_connections=max_connections,
            proxy=proxy,
            verify=verify,
            transport=transport,
            authorization=basic_authorization(username, password),
        )

    @overload
    async def export_analysis(
        self,
        analysis_type: Literal["funnel"],
        analysis_id: str,
        *,
        format: Literal["native-json"] = ...,
        timezone: str | None = ...,
        execution_time: float | None = ...,
        company: str | None = ...,
        **fields: Unpack[ExportRequestFields],
    ) -> FunnelResult: ...
    @overload
    async def export_analysis(
        self,
        analysis_type: Literal["report"],
        analysis_id: str,
        *,
        format: Literal["native-json"] = ...,
        timezone: str | None = ...,
        execution_time: float | None = ...,
        company: str | None = ...,
        **fields: Unpack[ExportRequestFields],
    ) -> ReportResult: ...
    @overload
    async def export_analysis(
        self,
        analysis_type: AnalysisType,
        analysis_id: str,
        *,
        format: Literal["table-json"],
        timezone: str | None = ...,
        execution_time: float | None = ...,
        company: str | None = ...,
        **fields: Unpack[ExportRequestFields],
    ) -> TableResult: ...
    @overload
    async def export_analysis(
        self,
        analysis_type: AnalysisType,
        analysis_id: str,
        *,
        format: Literal["csv"],
        timezone: str | None = ...,
        execution_time: float | None = ...,
        company: str | None = ...,
        **fields: Unpack[ExportRequestFields],
    ) -> str: ...
    @overload
    async def export_analysis(
        self,
        analysis_type: Literal["retention", "segmentation"],
        analysis_id: str,
        *,
        format: Literal["native-json"] = ...,
        timezone: str | None = ...,
        execution_time: float | None = ...,
        company: str | None = ...,
        **fields: Unpack[ExportRequestFields],
    ) -> dict[str, Any]: ...
    @overload
    async def export_analysis(
        self,
        analysis_type: AnalysisType,
        analysis_id: str,
        *,
        format: ExportFormat = ...,
        timezone: str | None = ...,
        execution_time: float | None = ...,
        company: str | None = ...,
        **fields: Unpack[ExportRequestFields],
    ) -> ExportResult: ...
    async def export_analysis(
        self,
        analysis_type: AnalysisType,
        analysis_id: str,
        *,
        format: ExportFormat = "native-json",
        timezone: str | None = None,
        execution_time: float | None = None,
        company: str | None = None,
        **fields: Unpack[ExportRequestFields],
    ) -> ExportResult:
        """Export an analysis; see `AuthenticatedSevenSegmentsClient.export_analysis()`."""
        call = export_call(
            analysis_type,
            analysis_id,
            format=format,
            timezone=timezone,
            execution_time=execution_time,
            company=company,
            fields=fields,
        )
        response = await self._send_kwargs(call.kwargs, self._cap)
        return export_of(readable(response, call), call.analysis_type, call.format)[0]
