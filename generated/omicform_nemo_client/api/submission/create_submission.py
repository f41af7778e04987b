from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.message import Message
from ...models.submission_created import SubmissionCreated
from ...models.submission_upload import SubmissionUpload
from ...models.yes_flag import YesFlag
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: SubmissionUpload,
    dryrun: YesFlag | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    json_dryrun: str | Unset = UNSET
    if not isinstance(dryrun, Unset):
        json_dryrun = dryrun

    params["dryrun"] = json_dryrun

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/submission",
        "params": params,
    }

    _kwargs["files"] = body.to_multipart()

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Message | SubmissionCreated | None:
    if response.status_code == 200:
        response_200 = SubmissionCreated.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = SubmissionCreated.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Message.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Message.from_dict(response.json())

        return response_401

    if response.status_code == 422:
        response_422 = Message.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Message.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Message | SubmissionCreated]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SubmissionUpload,
    dryrun: YesFlag | Unset = UNSET,
) -> Response[Message | SubmissionCreated]:
    """Submit a file manifest. Each call creates a new submission; never retry blindly.

     The manifest is not checked synchronously: the answer is a new submission id, and
    the outcome of validation appears later as the `manifest_validated` step. With
    `dryrun=y` the manifest is only checked and the result mailed; a dry run's id never
    appears in history.

    Args:
        dryrun (YesFlag | Unset):
        body (SubmissionUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Message | SubmissionCreated]
    """

    kwargs = _get_kwargs(
        body=body,
        dryrun=dryrun,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: SubmissionUpload,
    dryrun: YesFlag | Unset = UNSET,
) -> Message | SubmissionCreated | None:
    """Submit a file manifest. Each call creates a new submission; never retry blindly.

     The manifest is not checked synchronously: the answer is a new submission id, and
    the outcome of validation appears later as the `manifest_validated` step. With
    `dryrun=y` the manifest is only checked and the result mailed; a dry run's id never
    appears in history.

    Args:
        dryrun (YesFlag | Unset):
        body (SubmissionUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Message | SubmissionCreated
    """

    return sync_detailed(
        client=client,
        body=body,
        dryrun=dryrun,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SubmissionUpload,
    dryrun: YesFlag | Unset = UNSET,
) -> Response[Message | SubmissionCreated]:
    """Submit a file manifest. Each call creates a new submission; never retry blindly.

     The manifest is not checked synchronously: the answer is a new submission id, and
    the outcome of validation appears later as the `manifest_validated` step. With
    `dryrun=y` the manifest is only checked and the result mailed; a dry run's id never
    appears in history.

    Args:
        dryrun (YesFlag | Unset):
        body (SubmissionUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Message | SubmissionCreated]
    """

    kwargs = _get_kwargs(
        body=body,
        dryrun=dryrun,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SubmissionUpload,
    dryrun: YesFlag | Unset = UNSET,
) -> Message | SubmissionCreated | None:
    """Submit a file manifest. Each call creates a new submission; never retry blindly.

     The manifest is not checked synchronously: the answer is a new submission id, and
    the outcome of validation appears later as the `manifest_validated` step. With
    `dryrun=y` the manifest is only checked and the result mailed; a dry run's id never
    appears in history.

    Args:
        dryrun (YesFlag | Unset):
        body (SubmissionUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Message | SubmissionCreated
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            dryrun=dryrun,
        )
    ).parsed
