from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.event_by_phone import EventByPhone
from ...models.event_by_user_id import EventByUserId
from ...models.event_track_result import EventTrackResult
from ...models.track_result import TrackResult
from ...types import Response


def _get_kwargs(
    *,
    body: EventByPhone | EventByUserId,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/public/track/events/",
    }

    if isinstance(body, EventByUserId):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | EventTrackResult | TrackResult | None:
    if response.status_code == 201:
        response_201 = EventTrackResult.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if 200 <= response.status_code <= 299:
        response_2xx = TrackResult.from_dict(response.json())

        return response_2xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | EventTrackResult | TrackResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: EventByPhone | EventByUserId,
) -> Response[Error | EventTrackResult | TrackResult]:
    """Record an event of a user

     The user is identified as for `trackUser`: `userId`, or `phoneNumber` with `countryCode`.

    Args:
        body (EventByPhone | EventByUserId): Either `userId`, or `phoneNumber` with `countryCode`,
            is mandatory.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | EventTrackResult | TrackResult]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: EventByPhone | EventByUserId,
) -> Error | EventTrackResult | TrackResult | None:
    """Record an event of a user

     The user is identified as for `trackUser`: `userId`, or `phoneNumber` with `countryCode`.

    Args:
        body (EventByPhone | EventByUserId): Either `userId`, or `phoneNumber` with `countryCode`,
            is mandatory.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | EventTrackResult | TrackResult
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: EventByPhone | EventByUserId,
) -> Response[Error | EventTrackResult | TrackResult]:
    """Record an event of a user

     The user is identified as for `trackUser`: `userId`, or `phoneNumber` with `countryCode`.

    Args:
        body (EventByPhone | EventByUserId): Either `userId`, or `phoneNumber` with `countryCode`,
            is mandatory.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | EventTrackResult | TrackResult]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: EventByPhone | EventByUserId,
) -> Error | EventTrackResult | TrackResult | None:
    """Record an event of a user

     The user is identified as for `trackUser`: `userId`, or `phoneNumber` with `countryCode`.

    Args:
        body (EventByPhone | EventByUserId): Either `userId`, or `phoneNumber` with `countryCode`,
            is mandatory.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | EventTrackResult | TrackResult
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
