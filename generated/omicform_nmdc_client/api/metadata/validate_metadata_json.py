from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.metadata_validation_result import MetadataValidationResult
from ...models.nmdc_database import NmdcDatabase
from ...models.validation_failure import ValidationFailure
from ...types import Response


def _get_kwargs(
    *,
    body: NmdcDatabase,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/metadata/json:validate",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> MetadataValidationResult | ValidationFailure | None:
    if response.status_code == 200:
        response_200 = MetadataValidationResult.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = ValidationFailure.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[MetadataValidationResult | ValidationFailure]:
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
) -> Response[MetadataValidationResult | ValidationFailure]:
    """Validate an nmdc:Database document (no authentication needed).

     Always 200 for a JSON object; the `result` says whether it is valid.

    Args:
        body (NmdcDatabase): An nmdc:Database object, `{"<collection>_set": [docs...], "@type"?:
            "Database"}`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MetadataValidationResult | ValidationFailure]
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
) -> MetadataValidationResult | ValidationFailure | None:
    """Validate an nmdc:Database document (no authentication needed).

     Always 200 for a JSON object; the `result` says whether it is valid.

    Args:
        body (NmdcDatabase): An nmdc:Database object, `{"<collection>_set": [docs...], "@type"?:
            "Database"}`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MetadataValidationResult | ValidationFailure
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: NmdcDatabase,
) -> Response[MetadataValidationResult | ValidationFailure]:
    """Validate an nmdc:Database document (no authentication needed).

     Always 200 for a JSON object; the `result` says whether it is valid.

    Args:
        body (NmdcDatabase): An nmdc:Database object, `{"<collection>_set": [docs...], "@type"?:
            "Database"}`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MetadataValidationResult | ValidationFailure]
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
) -> MetadataValidationResult | ValidationFailure | None:
    """Validate an nmdc:Database document (no authentication needed).

     Always 200 for a JSON object; the `result` says whether it is valid.

    Args:
        body (NmdcDatabase): An nmdc:Database object, `{"<collection>_set": [docs...], "@type"?:
            "Database"}`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MetadataValidationResult | ValidationFailure
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
