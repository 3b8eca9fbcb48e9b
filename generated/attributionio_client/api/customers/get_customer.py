from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.customer_response import CustomerResponse
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    public_key: str,
    client_id: str,
    *,
    show_all: bool | Unset = UNSET,
    show_pageviews: bool | Unset = UNSET,
    show_touchpoints: bool | Unset = UNSET,
    show_events: bool | Unset = UNSET,
    show_identities: bool | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["show_all"] = show_all

    params["show_pageviews"] = show_pageviews

    params["show_touchpoints"] = show_touchpoints

    params["show_events"] = show_events

    params["show_identities"] = show_identities

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/{public_key}/customers/{client_id}".format(
            public_key=quote(str(public_key), safe=""),
            client_id=quote(str(client_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CustomerResponse | Error | None:
    if response.status_code == 200:
        response_200 = CustomerResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

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
) -> Response[CustomerResponse | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    public_key: str,
    client_id: str,
    *,
    client: AuthenticatedClient,
    show_all: bool | Unset = UNSET,
    show_pageviews: bool | Unset = UNSET,
    show_touchpoints: bool | Unset = UNSET,
    show_events: bool | Unset = UNSET,
    show_identities: bool | Unset = UNSET,
) -> Response[CustomerResponse | Error]:
    """Fetch a customer

     Without flags, the base information only. Each `show_*` flag adds one list; `show_all`
    adds all of them. The original wrapper sends the flags with the value `true`.

    Args:
        public_key (str):
        client_id (str):
        show_all (bool | Unset):
        show_pageviews (bool | Unset):
        show_touchpoints (bool | Unset):
        show_events (bool | Unset):
        show_identities (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CustomerResponse | Error]
    """

    kwargs = _get_kwargs(
        public_key=public_key,
        client_id=client_id,
        show_all=show_all,
        show_pageviews=show_pageviews,
        show_touchpoints=show_touchpoints,
        show_events=show_events,
        show_identities=show_identities,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    public_key: str,
    client_id: str,
    *,
    client: AuthenticatedClient,
    show_all: bool | Unset = UNSET,
    show_pageviews: bool | Unset = UNSET,
    show_touchpoints: bool | Unset = UNSET,
    show_events: bool | Unset = UNSET,
    show_identities: bool | Unset = UNSET,
) -> CustomerResponse | Error | None:
    """Fetch a customer

     Without flags, the base information only. Each `show_*` flag adds one list; `show_all`
    adds all of them. The original wrapper sends the flags with the value `true`.

    Args:
        public_key (str):
        client_id (str):
        show_all (bool | Unset):
        show_pageviews (bool | Unset):
        show_touchpoints (bool | Unset):
        show_events (bool | Unset):
        show_identities (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CustomerResponse | Error
    """

    return sync_detailed(
        public_key=public_key,
        client_id=client_id,
        client=client,
        show_all=show_all,
        show_pageviews=show_pageviews,
        show_touchpoints=show_touchpoints,
        show_events=show_events,
        show_identities=show_identities,
    ).parsed


async def asyncio_detailed(
    public_key: str,
    client_id: str,
    *,
    client: AuthenticatedClient,
    show_all: bool | Unset = UNSET,
    show_pageviews: bool | Unset = UNSET,
    show_touchpoints: bool | Unset = UNSET,
    show_events: bool | Unset = UNSET,
    show_identities: bool | Unset = UNSET,
) -> Response[CustomerResponse | Error]:
    """Fetch a customer

     Without flags, the base information only. Each `show_*` flag adds one list; `show_all`
    adds all of them. The original wrapper sends the flags with the value `true`.

    Args:
        public_key (str):
        client_id (str):
        show_all (bool | Unset):
        show_pageviews (bool | Unset):
        show_touchpoints (bool | Unset):
        show_events (bool | Unset):
        show_identities (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CustomerResponse | Error]
    """

    kwargs = _get_kwargs(
        public_key=public_key,
        client_id=client_id,
        show_all=show_all,
        show_pageviews=show_pageviews,
        show_touchpoints=show_touchpoints,
        show_events=show_events,
        show_identities=show_identities,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    public_key: str,
    client_id: str,
    *,
    client: AuthenticatedClient,
    show_all: bool | Unset = UNSET,
    show_pageviews: bool | Unset = UNSET,
    show_touchpoints: bool | Unset = UNSET,
    show_events: bool | Unset = UNSET,
    show_identities: bool | Unset = UNSET,
) -> CustomerResponse | Error | None:
    """Fetch a customer

     Without flags, the base information only. Each `show_*` flag adds one list; `show_all`
    adds all of them. The original wrapper sends the flags with the value `true`.

    Args:
        public_key (str):
        client_id (str):
        show_all (bool | Unset):
        show_pageviews (bool | Unset):
        show_touchpoints (bool | Unset):
        show_events (bool | Unset):
        show_identities (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CustomerResponse | Error
    """

    return (
        await asyncio_detailed(
            public_key=public_key,
            client_id=client_id,
            client=client,
            show_all=show_all,
            show_pageviews=show_pageviews,
            show_touchpoints=show_touchpoints,
            show_events=show_events,
            show_identities=show_identities,
        )
    ).parsed
