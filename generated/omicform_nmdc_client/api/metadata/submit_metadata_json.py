from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_detail import ErrorDetail
from ...models.nmdc_database import NmdcDatabase
from ...models.submit_accepted import SubmitAccepted
from ...models.validation_failure import ValidationFailure
from ...types import Response


def _get_kwargs(
    *,
    body: NmdcDatabase,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/metadata/json:submit",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorDetail | SubmitAccepted | ValidationFailure | None:
    if response.status_code == 200:
        response_200 = SubmitAccepted.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorDetail.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorDetail.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = ErrorDetail.from_dict(response.json())

        return response_409

    if response.status_code == 422:
        response_422 = ValidationFailure.from_dict(response.json())

        return response_422

    if response.status_code == 500:
        response_500 = ErrorDetail.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorDetail | SubmitAccepted | ValidationFailure]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: NmdcDatabase,
) -> Response[ErrorDetail | SubmitAccepted | ValidationFailure]:
    """Submit an nmdc:Database document; the write runs asynchronously.

     Needs the `/metadata/json:submit` allowance. The document is validated first:
    failure gives 422 whose `detail` is a Python-repr string of the errors.
    Resubmitting identical content gives 409. Poll `GET /runs/{run_id}` until the run
    reaches `COMPLETE` or `FAIL`.

    Args:
        body (NmdcDatabase): An nmdc:Database object, `{"<collection>_set": [docs...], "@type"?:
            "Database"}`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorDetail | SubmitAccepted | ValidationFailure]
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
    body: NmdcDatabase,
) -> ErrorDetail | SubmitAccepted | ValidationFailure | None:
    """Submit an nmdc:Database document; the write runs asynchronously.

     Needs the `/metadata/json:submit` allowance. The document is validated first:
    failure gives 422 whose `detail` is a Python-repr string of the errors.
    Resubmitting identical content gives 409. Poll `GET /runs/{run_id}` until the run
    reaches `COMPLETE` or `FAIL`.

    Args:
        body (NmdcDatabase): An nmdc:Database object, `{"<collection>_set": [docs...], "@type"?:
            "Database"}`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorDetail | SubmitAccepted | ValidationFailure
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: NmdcDatabase,
) -> Response[ErrorDetail | SubmitAccepted | ValidationFailure]:
    """Submit an nmdc:Database document; the write runs asynchronously.

     Needs the `/metadata/json:submit` allowance. The document is validated first:
    failure gives 422 whose `detail` is a Python-repr string of the errors.
    Resubmitting identical content gives 409. Poll `GET /runs/{run_id}` until the run
    reaches `COMPLETE` or `FAIL`.

    Args:
        body (NmdcDatabase): An nmdc:Database object, `{"<collection>_set": [docs...], "@type"?:
            "Database"}`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorDetail | SubmitAccepted | ValidationFailure]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: NmdcDatabase,
) -> ErrorDetail | SubmitAccepted | ValidationFailure | None:
    """Submit an nmdc:Database document; the write runs asynchronously.

     Needs the `/metadata/json:submit` allowance. The document is validated first:
    failure gives 422 whose `detail` is a Python-repr string of the errors.
    Resubmitting identical content gives 409. Poll `GET /runs/{run_id}` until the run
    reaches `COMPLETE` or `FAIL`.

    Args:
        body (NmdcDatabase): An nmdc:Database object, `{"<collection>_set": [docs...], "@type"?:
            "Database"}`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorDetail | SubmitAccepted | ValidationFailure
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
