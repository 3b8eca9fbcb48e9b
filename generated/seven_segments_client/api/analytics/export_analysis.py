from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.analysis_type import AnalysisType
from ...models.error import Error
from ...models.export_request import ExportRequest
from ...models.funnel_result import FunnelResult
from ...models.report_result import ReportResult
from ...models.table_result import TableResult
from ...types import UNSET, Response, Unset


def _get_kwargs(
    analysis_type: AnalysisType,
    *,
    body: ExportRequest,
    company: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["company"] = company

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/analytics/{analysis_type}".format(
            analysis_type=quote(str(analysis_type), safe=""),
        ),
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | FunnelResult | ReportResult | TableResult | None:
    if response.status_code == 200:

        def _parse_response_200(
            data: object,
        ) -> FunnelResult | ReportResult | TableResult:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_export_result_type_0 = FunnelResult.from_dict(data)

                return componentsschemas_export_result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_export_result_type_1 = ReportResult.from_dict(data)

                return componentsschemas_export_result_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_export_result_type_2 = TableResult.from_dict(data)

            return componentsschemas_export_result_type_2

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | FunnelResult | ReportResult | TableResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    analysis_type: AnalysisType,
    *,
    client: AuthenticatedClient,
    body: ExportRequest,
    company: str | Unset = UNSET,
) -> Response[Error | FunnelResult | ReportResult | TableResult]:
    """Export an analysis

     Needs a user with ExtAPI access. `company` picks the company when the user has several.
    The result's shape depends on the analysis type and `format`: funnel native-json is a
    `FunnelResult`, report native-json a `ReportResult`, any type in table-json a
    `TableResult`, and `csv` the CSV text as `text/csv` (send `Accept: text/csv`). Retention
    and segmentation have no documented native-json shape: export them as table-json or csv.

    Args:
        analysis_type (AnalysisType):
        company (str | Unset):
        body (ExportRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | FunnelResult | ReportResult | TableResult]
    """

    kwargs = _get_kwargs(
        analysis_type=analysis_type,
        body=body,
        company=company,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    analysis_type: AnalysisType,
    *,
    client: AuthenticatedClient,
    body: ExportRequest,
    company: str | Unset = UNSET,
) -> Error | FunnelResult | ReportResult | TableResult | None:
    """Export an analysis

     Needs a user with ExtAPI access. `company` picks the company when the user has several.
    The result's shape depends on the analysis type and `format`: funnel native-json is a
    `FunnelResult`, report native-json a `ReportResult`, any type in table-json a
    `TableResult`, and `csv` the CSV text as `text/csv` (send `Accept: text/csv`). Retention
    and segmentation have no documented native-json shape: export them as table-json or csv.

    Args:
        analysis_type (AnalysisType):
        company (str | Unset):
        body (ExportRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | FunnelResult | ReportResult | TableResult
    """

    return sync_detailed(
        analysis_type=analysis_type,
        client=client,
        body=body,
        company=company,
    ).parsed


async def asyncio_detailed(
    analysis_type: AnalysisType,
    *,
    client: AuthenticatedClient,
    body: ExportRequest,
    company: str | Unset = UNSET,
) -> Response[Error | FunnelResult | ReportResult | TableResult]:
    """Export an analysis

     Needs a user with ExtAPI access. `company` picks the company when the user has several.
    The result's shape depends on the analysis type and `format`: funnel native-json is a
    `FunnelResult`, report native-json a `ReportResult`, any type in table-json a
    `TableResult`, and `csv` the CSV text as `text/csv` (send `Accept: text/csv`). Retention
    and segmentation have no documented native-json shape: export them as table-json or csv.

    Args:
        analysis_type (AnalysisType):
        company (str | Unset):
        body (ExportRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | FunnelResult | ReportResult | TableResult]
    """

    kwargs = _get_kwargs(
        analysis_type=analysis_type,
        body=body,
        company=company,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    analysis_type: AnalysisType,
    *,
    client: AuthenticatedClient,
    body: ExportRequest,
    company: str | Unset = UNSET,
) -> Error | FunnelResult | ReportResult | TableResult | None:
    """Export an analysis

     Needs a user with ExtAPI access. `company` picks the company when the user has several.
    The result's shape depends on the analysis type and `format`: funnel native-json is a
    `FunnelResult`, report native-json a `ReportResult`, any type in table-json a
    `TableResult`, and `csv` the CSV text as `text/csv` (send `Accept: text/csv`). Retention
    and segmentation have no documented native-json shape: export them as table-json or csv.

    Args:
        analysis_type (AnalysisType):
        company (str | Unset):
        body (ExportRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | FunnelResult | ReportResult | TableResult
    """

    return (
        await asyncio_detailed(
            analysis_type=analysis_type,
            client=client,
            body=body,
            company=company,
        )
    ).parsed
