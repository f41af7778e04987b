from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_detail import ErrorDetail
from ...models.jgi_sequencing_project import JgiSequencingProject
from ...types import Response


def _get_kwargs(
    sequencing_project_name: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/wf_file_staging/jgi_sequencing_projects/{sequencing_project_name}".format(
            sequencing_project_name=quote(str(sequencing_project_name), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorDetail | JgiSequencingProject | None:
    if response.status_code == 200:
        response_200 = JgiSequencingProject.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorDetail.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorDetail.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorDetail.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorDetail | JgiSequencingProject]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    sequencing_project_name: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorDetail | JgiSequencingProject]:
    """One JGI sequencing project by name.

    Args:
        sequencing_project_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorDetail | JgiSequencingProject]
    """

    kwargs = _get_kwargs(
        sequencing_project_name=sequencing_project_name,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    sequencing_project_name: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorDetail | JgiSequencingProject | None:
    """One JGI sequencing project by name.

    Args:
        sequencing_project_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorDetail | JgiSequencingProject
    """

    return sync_detailed(
        sequencing_project_name=sequencing_project_name,
        client=client,
    ).parsed


async def asyncio_detailed(
    sequencing_project_name: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorDetail | JgiSequencingProject]:
    """One JGI sequencing project by name.

    Args:
        sequencing_project_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorDetail | JgiSequencingProject]
    """

    kwargs = _get_kwargs(
        sequencing_project_name=sequencing_project_name,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    sequencing_project_name: str,
    *,
    client: AuthenticatedClient | Client,
) -> ErrorDetail | JgiSequencingProject | None:
    """One JGI sequencing project by name.

    Args:
        sequencing_project_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorDetail | JgiSequencingProject
    """

    return (
        await asyncio_detailed(
            sequencing_project_name=sequencing_project_name,
            client=client,
        )
    ).parsed
