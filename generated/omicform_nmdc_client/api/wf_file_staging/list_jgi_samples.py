from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_detail import ErrorDetail
from ...models.jgi_sample_page import JgiSamplePage
from ...models.validation_failure import ValidationFailure
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    filter_: str | Unset = UNSET,
    max_page_size: int | Unset = 20,
    page_token: str | Unset = UNSET,
    projection: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["filter"] = filter_

    params["max_page_size"] = max_page_size

    params["page_token"] = page_token

    params["projection"] = projection

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/wf_file_staging/jgi_samples",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorDetail | JgiSamplePage | ValidationFailure | str | None:
    if response.status_code == 200:
        response_200 = JgiSamplePage.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorDetail.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorDetail.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorDetail.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = ValidationFailure.from_dict(response.json())

        return response_422

    if response.status_code == 500:
        response_500 = response.text
        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorDetail | JgiSamplePage | ValidationFailure | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    filter_: str | Unset = UNSET,
    max_page_size: int | Unset = 20,
    page_token: str | Unset = UNSET,
    projection: str | Unset = UNSET,
) -> Response[ErrorDetail | JgiSamplePage | ValidationFailure | str]:
    """List JGI samples (there is no get-one).

    Args:
        filter_ (str | Unset):
        max_page_size (int | Unset):  Default: 20.
        page_token (str | Unset):
        projection (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorDetail | JgiSamplePage | ValidationFailure | str]
    """

    kwargs = _get_kwargs(
        filter_=filter_,
        max_page_size=max_page_size,
        page_token=page_token,
        projection=projection,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    filter_: str | Unset = UNSET,
    max_page_size: int | Unset = 20,
    page_token: str | Unset = UNSET,
    projection: str | Unset = UNSET,
) -> ErrorDetail | JgiSamplePage | ValidationFailure | str | None:
    """List JGI samples (there is no get-one).

    Args:
        filter_ (str | Unset):
        max_page_size (int | Unset):  Default: 20.
        page_token (str | Unset):
        projection (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorDetail | JgiSamplePage | ValidationFailure | str
    """

    return sync_detailed(
        client=client,
        filter_=filter_,
        max_page_size=max_page_size,
        page_token=page_token,
        projection=projection,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    filter_: str | Unset = UNSET,
    max_page_size: int | Unset = 20,
    page_token: str | Unset = UNSET,
    projection: str | Unset = UNSET,
) -> Response[ErrorDetail | JgiSamplePage | ValidationFailure | str]:
    """List JGI samples (there is no get-one).

    Args:
        filter_ (str | Unset):
        max_page_size (int | Unset):  Default: 20.
        page_token (str | Unset):
        projection (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorDetail | JgiSamplePage | ValidationFailure | str]
    """

    kwargs = _get_kwargs(
        filter_=filter_,
        max_page_size=max_page_size,
        page_token=page_token,
        projection=projection,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    filter_: str | Unset = UNSET,
    max_page_size: int | Unset = 20,
    page_token: str | Unset = UNSET,
    projection: str | Unset = UNSET,
) -> ErrorDetail | JgiSamplePage | ValidationFailure | str | None:
    """List JGI samples (there is no get-one).

    Args:
        filter_ (str | Unset):
        max_page_size (int | Unset):  Default: 20.
        page_token (str | Unset):
        projection (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorDetail | JgiSamplePage | ValidationFailure | str
    """

    return (
        await asyncio_detailed(
            client=client,
            filter_=filter_,
            max_page_size=max_page_size,
            page_token=page_token,
            projection=projection,
        )
    ).parsed
