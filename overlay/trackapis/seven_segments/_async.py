"""asyncio clients: each call sends now, awaiting the answer, with the same retries."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any, Literal, Unpack, overload

import httpx

from seven_segments_client.api.system import get_system_time
from seven_segments_client.models import FunnelResult, ReportResult, TableResult

from .._errors import ClientClosedError
from .._operations import answer
from .._operations import operation as build_operation
from .._retry import DEFAULT_MAX_RETRIES, RetryPolicy
from .._transport import HeaderAuth, send_now_async
from ._connection import (
    DEFAULT_TARGET,
    DEFAULT_TIMEOUT,
    USER_AGENT,
    basic_authorization,
    check_target,
    check_timeout,
)
from ._export import export_call
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
    error_message_of,
    export_of,
    html_of,
    server_time_of,
)


class _AsyncBase:
    def __init__(
        self,
        *,
        base_url: str,
        timeout: float,
        max_retries: int,
        retry_policy: RetryPolicy | None,
        max_connections: int,
        transport: httpx.AsyncBaseTransport | None,
        authorization: str | None,
    ) -> None:
        self._policy = retry_policy if retry_policy is not None else RetryPolicy(max_retries=max_retries)
        self._target = check_target(base_url)
        if isinstance(max_connections, bool) or not isinstance(max_connections, int) or max_connections < 1:
            raise ValueError(f"max_connections must be a positive integer, not {max_connections!r}")
        self._client = httpx.AsyncClient(
            base_url=self._target,
            auth=HeaderAuth(authorization) if authorization is not None else None,
            timeout=check_timeout(timeout),
            headers={"User-Agent": USER_AGENT},
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            transport=transport,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={self._target!r}>"

    async def aclose(self) -> None:
        await self._client.aclose()

    async def call(self, operation: str, *, body: Mapping[str, Any] | None = None, **params: Any) -> Any:
        """Send any operation of specs/seven_segments.yaml by its operationId, now (with retries).

        For operations the methods above do not cover yet (a regenerated spec's new ones); see
        `InteraktClient.call()`. Returns the answer's JSON (its text when not JSON).
        """
        return answer(await self._send(build_operation(OPERATIONS, operation, body, params).kwargs))

    async def _send(self, kwargs: dict[str, Any]) -> httpx.Response:
        if self._client.is_closed:
            raise ClientClosedError(f"this {type(self).__name__} was closed; create a new one")
        return await send_now_async(self._client, kwargs, self._policy, error_message_of)


class AsyncSevenSegmentsClient(_AsyncBase):
    """A client of the 7SEGMENTS tracking API for asyncio code.

    Each call sends now (retrying network errors, timeouts, 429 and 5xx) and raises
    `APIError` / `TransportError` on failure. For buffered delivery through /bulk, use
    `SevenSegmentsClient(background=True)`, whose calls never block.

    Args:
        token: The company token.
        base_url: The API's base URL.
        timeout: Seconds to connect and to wait for each read.
        max_retries: Retries after the first attempt.
        retry_policy: Full control over retries (overrides `max_retries`).
        max_connections: Requests in flight at once over keep-alive connections.
        transport: An httpx async transport, for tests.
    """

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_TARGET,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        max_connections: int = 16,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._token = company_token(token)
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            max_connections=max_connections,
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
        await self._send(command.kwargs())

    async def update(
        self,
        customer: Customer,
        properties: dict[str, Any] | None = None,
        **fields: Unpack[CustomerUpdateFields],
    ) -> None:
        """Identify a customer and update its properties."""
        await self._send(update_command(self._token, customer, properties, fields).kwargs())

    async def get_html(
        self, customer: Customer, html_campaign_name: str, **fields: Unpack[HtmlRequestFields]
    ) -> str:
        """The HTML of a campaign for a customer."""
        return html_of(await self._send(html_kwargs(self._token, customer, html_campaign_name, fields)))

    async def server_time(self) -> float:
        """The server's clock in UNIX seconds."""
        return server_time_of(await self._send(get_system_time._get_kwargs()))

    async def __aenter__(self) -> AsyncSevenSegmentsClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()


class AsyncAuthenticatedSevenSegmentsClient(_AsyncBase):
    """The export API for asyncio code; see `AuthenticatedSevenSegmentsClient`."""

    def __init__(
        self,
        username: str,
        password: str,
        *,
        base_url: str = DEFAULT_TARGET,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        max_connections: int = 4,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            max_connections=max_connections,
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
        response = await self._send(call.kwargs)
        return export_of(response, call.analysis_type, call.format)[0]

    async def __aenter__(self) -> AsyncAuthenticatedSevenSegmentsClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()
