"""Secrets are hidden in every form a server may echo them back in (issue #9, item 7).

A server that repeats the request in its error does not repeat the secret as we hold it:
the token form comes back URL-encoded, a JSON login JSON-escaped, an HTTP Basic header
base64-encoded. Each test drives the service layer against a scripted peer that echoes
what it received, and looks for every form of the secret in the error and in the log.
"""

from __future__ import annotations

import base64
import html
import json
import logging

import httpx
import pytest
from helpers import FAST, STAGING_TASKS, Peer, forms, reply

from omicform.errors import AuthenticationFailed, ServiceError
from omicform.services import (
    NemoCredentials,
    NemoService,
    NemoSettings,
    NmdcCredentials,
    NmdcService,
    NmdcSettings,
    Secret,
)
from omicform.services.redact import Redactor

CLIENT_ID = "site-client"

# Quotes, spaces, and every character URL, form, JSON and base64 encodings treat specially.
SECRETS = [
    'pa"ss word+/&=é',
    "it's a+b/c&d=e €",
    "q\"u'o/t+e&s= ü\\x",
    "plain-but-long-enough-secret",
]


def assert_hidden(secret: str, text: str, login: str | None = CLIENT_ID) -> None:
    for form in forms(secret, login):
        assert form not in text, f"{form!r} leaked"


def every_echo(request: httpx.Request, secret: str) -> str:
    """What a careless server says back: the body as sent, and re-encoded several ways."""
    body = request.content.decode("utf-8", "replace")
    basic = base64.b64encode(f"{CLIENT_ID}:{secret}".encode()).decode()
    return " | ".join(
        [
            f"body={body}",
            f"json={json.dumps({'secret': secret})}",
            f"b64={base64.urlsafe_b64encode(secret.encode()).decode().rstrip('=')}",
            f"headers=Authorization: Basic {basic}",
            f"html={html.escape(secret)}",
        ]
    )


def nmdc_with(secret: str, handler: httpx.MockTransport) -> NmdcService:
    creds = NmdcCredentials(client_id=CLIENT_ID, client_secret=Secret(secret))
    settings = NmdcSettings(base_url="http://nmdc.test", credentials=creds, http=FAST)
    service = NmdcService(settings, transport=handler)
    service.transport.sleep = lambda seconds: None
    return service


@pytest.fixture
def http_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="omicform")
    return caplog


class TestEchoingPeers:
    @pytest.mark.parametrize("secret", SECRETS)
    def test_a_token_request_echoed_in_a_401_shows_no_form_of_the_secret(
        self, secret: str, http_log: pytest.LogCaptureFixture
    ) -> None:
        def token(request: httpx.Request) -> httpx.Response:
            return httpx.Response(401, json={"detail": every_echo(request, secret)})

        service = nmdc_with(secret, httpx.MockTransport(token))
        with pytest.raises(AuthenticationFailed) as caught:
            service.get_run("r1")
        text = str(caught.value)
        assert "***" in text
        assert_hidden(secret, text + repr(caught.value) + http_log.text)

    @pytest.mark.parametrize("secret", SECRETS)
    def test_an_echo_in_a_plain_text_5xx_shows_no_form_of_the_secret(
        self, secret: str, http_log: pytest.LogCaptureFixture
    ) -> None:
        def token(request: httpx.Request) -> httpx.Response:
            echo = every_echo(request, secret)
            return httpx.Response(502, text=f"<html><body>{echo}</body></html>")

        with pytest.raises(ServiceError) as caught:
            nmdc_with(secret, httpx.MockTransport(token)).get_run("r1")
        assert_hidden(secret, str(caught.value) + http_log.text)

    @pytest.mark.parametrize("secret", SECRETS)
    def test_a_nemo_login_echoed_json_escaped_shows_no_form_of_the_password(
        self, secret: str, http_log: pytest.LogCaptureFixture
    ) -> None:
        def login(request: httpx.Request) -> httpx.Response:
            # ensure_ascii=True, as Python's json module writes by default: é becomes \\u00e9.
            sent = json.loads(request.content)
            return httpx.Response(401, json={"message": f"Login failed for {json.dumps(sent)}"})

        settings = NemoSettings(
            base_url="http://nemo.test/api",
            login_url="http://login.nemo.test",
            credentials=NemoCredentials(username="alice", password=Secret(secret)),
            http=FAST,
        )
        service = NemoService(settings, transport=httpx.MockTransport(login))
        with pytest.raises(AuthenticationFailed) as caught:
            service.login()
        assert_hidden(secret, str(caught.value) + http_log.text, login="alice")

    @pytest.mark.parametrize("secret", SECRETS)
    def test_a_secret_in_a_query_is_hidden_in_log_lines_and_errors(
        self, secret: str, http_log: pytest.LogCaptureFixture
    ) -> None:
        peer = Peer()
        peer.on("GET", STAGING_TASKS.path, reply(404, {"detail": "Not Found"}))
        service = nmdc_with(secret, httpx.MockTransport(peer))
        with pytest.raises(ServiceError) as caught:
            list(service.list_records(STAGING_TASKS, filter={"task_id": secret}))
        assert "omicform.http" in http_log.text  # the request was logged
        assert_hidden(secret, str(caught.value) + http_log.text)

    def test_the_issued_token_is_hidden_like_the_credentials(
        self, http_log: pytest.LogCaptureFixture
    ) -> None:
        peer = Peer()  # issues "tok1"
        peer.on("GET", "/runs/r1", lambda r: httpx.Response(500, text=r.headers["Authorization"]))
        with pytest.raises(ServiceError) as caught:
            nmdc_with("s3cr3t-value", httpx.MockTransport(peer)).get_run("r1")
        assert "tok1" not in str(caught.value)
        assert "Bearer ***" in str(caught.value)


class TestRedactor:
    @pytest.mark.parametrize("secret", SECRETS)
    def test_every_form_is_replaced(self, secret: str) -> None:
        redact = Redactor([secret], logins=[(CLIENT_ID, secret)])
        for form in forms(secret, CLIENT_ID):
            assert redact(f"<{form}>") == "<***>", form

    def test_lower_case_percent_escapes_are_found_too(self) -> None:
        assert Redactor(["a/b c"])("x=a%2fb+c") == "x=***"

    def test_a_secret_inside_a_longer_base64_stream_is_hidden(self) -> None:
        secret = "correct-horse-battery-staple"
        redact = Redactor([secret])
        for prefix in ("", "u", "us", "usr:"):
            blob = base64.b64encode(f'{prefix}{secret}"}}'.encode()).decode()
            # At most the one or two characters shared with a neighbour remain.
            hidden = redact(blob)
            assert "***" in hidden
            assert len(hidden.replace("***", "")) <= len(blob) - len(secret)

    def test_short_secrets_do_not_blank_unrelated_base64(self) -> None:
        redact = Redactor(["ab"])
        assert redact("eyJhbGciOiJIUzI1NiJ9") == "eyJhbGciOiJIUzI1NiJ9"

    def test_no_secret_means_text_unchanged(self) -> None:
        assert Redactor()("anything") == "anything"
        assert Redactor([""])("anything") == "anything"

    def test_a_password_in_a_base_url_is_hidden_from_errors_and_reprs(self) -> None:
        peer = Peer()
        peer.on("GET", "/runs/r1", lambda r: httpx.Response(500, text="no"))
        settings = NmdcSettings(
            base_url="http://user:url-pass-word@nmdc.test",
            credentials=NmdcCredentials(client_id=CLIENT_ID, client_secret=Secret("sec-ret-1")),
            http=FAST,
        )
        service = NmdcService(settings, transport=httpx.MockTransport(peer))
        service.transport.sleep = lambda seconds: None
        with pytest.raises(ServiceError) as caught:
            service.get_run("r1")
        assert "url-pass-word" not in str(caught.value) + repr(service)
