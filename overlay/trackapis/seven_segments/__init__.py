"""Typed clients of the 7SEGMENTS API: tracking (per call or buffered through /bulk) and exports.

from trackapis.seven_segments import SevenSegmentsClient, AuthenticatedSevenSegmentsClient

with SevenSegmentsClient(company_token, background=True) as seven:
    seven.update("john123", {"first_name": "John"})
    seven.track({"registered": "john123"}, "purchase", properties={"product": "bottle", "amount": 5})

with AuthenticatedSevenSegmentsClient(username, password) as exports:
    funnel = exports.export_analysis("funnel", analysis_id)        # a FunnelResult
"""

from seven_segments_client.models import FunnelResult, ReportResult, TableResult

from .._errors import (
    APIError,
    AuthenticationError,
    ClientClosedError,
    InvalidResponseError,
    RateLimitError,
    ServerError,
    TrackapisError,
    TransportError,
)
from .._retry import RetryPolicy
from ..delivery import DeliveryStats, FlushResult, MessageDropped, MessageFailed
from ._async import AsyncAuthenticatedSevenSegmentsClient, AsyncSevenSegmentsClient
from ._client import DEFAULT_FLUSH_INTERVAL, MAX_BULK_COMMANDS, SevenSegmentsClient
from ._connection import DEFAULT_TARGET, DEFAULT_TIMEOUT
from ._export import AuthenticatedSevenSegmentsClient
from ._fields import CustomerUpdateFields, EventTrackFields, ExportRequestFields, HtmlRequestFields
from ._payload import Customer, SevenSegmentsCommand, checked_customer
from ._response import AnalysisType, BulkCommandError, ExportFormat, ExportResult

__all__ = [
    "DEFAULT_FLUSH_INTERVAL",
    "DEFAULT_TARGET",
    "DEFAULT_TIMEOUT",
    "MAX_BULK_COMMANDS",
    "APIError",
    "AnalysisType",
    "AsyncAuthenticatedSevenSegmentsClient",
    "AsyncSevenSegmentsClient",
    "AuthenticatedSevenSegmentsClient",
    "AuthenticationError",
    "BulkCommandError",
    "ClientClosedError",
    "Customer",
    "CustomerUpdateFields",
    "DeliveryStats",
    "EventTrackFields",
    "ExportFormat",
    "ExportRequestFields",
    "ExportResult",
    "FlushResult",
    "FunnelResult",
    "HtmlRequestFields",
    "InvalidResponseError",
    "MessageDropped",
    "MessageFailed",
    "RateLimitError",
    "ReportResult",
    "RetryPolicy",
    "ServerError",
    "SevenSegmentsClient",
    "SevenSegmentsCommand",
    "TableResult",
    "TrackapisError",
    "TransportError",
    "checked_customer",
]
