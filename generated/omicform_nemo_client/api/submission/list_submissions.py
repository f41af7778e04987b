from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.message import Message
from ...models.submission_list import SubmissionList
from ...models.yes_flag import YesFlag
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page: int | Unset = UNSET,
    all_: YesFlag | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page"] = page

    json_all_: str | Unset = UNSET
    if not isinstance(all_, Unset):
        json_all_ = all_

    params["all"] = json_all_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/submission",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Message | SubmissionList | None:
    if response.status_code == 200:
        response_200 = SubmissionList.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Message.from_dict(response.json())

        return response_401

    if response.status_code == 429:
        response_429 = Message.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Message | SubmissionList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = UNSET,
    all_: YesFlag | Unset = UNSET,
) -> Response[Message | SubmissionList]:
    """List one's submissions, 100 a page.

    Args:
        page (int | Unset):
        all_ (YesFlag | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Message | SubmissionList]
    """

    kwargs = _get_kwargs(
        page=page,
        all_=all_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = UNSET,
    all_: YesFlag | Unset = UNSET,
) -> Message | SubmissionList | None:
    """List one's submissions, 100 a page.

    Args:
        page (int | Unset):
        all_ (YesFlag | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Message | SubmissionList
    """

    return sync_detailed(
        client=client,
        page=page,
        all_=all_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = UNSET,
    all_: YesFlag | Unset = UNSET,
) -> Response[Message | SubmissionList]:
    """List one's submissions, 100 a page.

    Args:
        page (int | Unset):
        all_ (YesFlag | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Message | SubmissionList]
    """

    kwargs = _get_kwargs(
        page=page,
        all_=all_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    page: int | Unset = UNSET,
    all_: YesFlag | Unset = UNSET,
) -> Message | SubmissionList | None:
    """List one's submissions, 100 a page.

    Args:
        page (int | Unset):
        all_ (YesFlag | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Message | SubmissionList
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            all_=all_,
        )
    ).parsed
