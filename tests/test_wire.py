"""The HTTP/1.1 wire under both services (services/wire.py), against a scripted socket peer:
framing, connection reuse, the failures the retry layer tells apart, limits, TLS, cassettes.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from omicform.services import wire_answer
from omicform.services.wire import WireTransport

Script = Callable[[bytes], bytes | None]  # the request's bytes -> the answer (None: hang up)


class RawPeer:
    """A TCP server that reads whole requests and writes scripted bytes back."""

    def __init__(
        self, script: Script, *, tls: ssl.SSLContext | None = None, hang_up: bool = False
    ) -> None:
        self.script = script
        self.tls = tls
        self.hang_up = hang_up  # close each connection after its first answer
        self.connections = 0
        self.requests: list[bytes] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str = "/x", scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._server.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            if self.tls is not None:
                sock = self.tls.wrap_socket(sock, server_side=True)
            reader = sock.makefile("rb")
            while True:
                request = _read_request(reader)
                if request is None:
                    return
                self.requests.append(request)
                answer = self.script(request)
                if answer is None:
                    return
                sock.sendall(answer)
                if self.hang_up:
                    return
        except (OSError, ssl.SSLError):
            return
        finally:
            sock.close()

    def close(self) -> None:
        self._server.close()


def _read_request(reader: object) -> bytes | None:
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = reader.readline()  # type: ignore[attr-defined]
        if not line:
            return None
        head += line
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return head + reader.read(length)  # type: ignore[attr-defined]


@contextmanager
def peer(
    script: Script, *, tls: ssl.SSLContext | None = None, hang_up: bool = False
) -> Iterator[RawPeer]:
    server = RawPeer(script, tls=tls, hang_up=hang_up)
    try:
        yield server
    finally:
        server.close()


def ok(body: bytes = b"{}", *extra: bytes) -> Script:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n" % len(body) + b"".join(extra)
    return lambda request: head + b"\r\n" + body


def client(transport: httpx.BaseTransport, **kw: float) -> httpx.Client:
    return httpx.Client(transport=transport, timeout=httpx.Timeout(5.0, **kw))


class TestFraming:
    def test_a_sized_body_and_its_headers_arrive_whole(self) -> None:
        with peer(ok(b'{"a": 1}', b"X-Thing: yes\r\n")) as server, client(WireTransport()) as http:
            response = http.post(server.url(), json={"b": 2})
        assert response.status_code == 200 and response.json() == {"a": 1}
        assert response.headers["x-thing"] == "yes"
        assert response.http_version == "HTTP/1.1" and response.reason_phrase == "OK"
        assert server.requests[0].endswith(b'{"b":2}')
        assert b"\r\ncontent-length: 7\r\n" in server.requests[0].lower()

    def test_a_chunked_body_with_a_trailer_is_joined(self) -> None:
        answer = (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"4;ext=1\r\nabcd\r\n3\r\nefg\r\n0\r\nTrailer: x\r\n\r\n"
        )
        with peer(lambda r: answer) as server, client(WireTransport()) as http:
            assert http.get(server.url()).content == b"abcdefg"
            assert http.get(server.url()).content == b"abcdefg"
        assert server.connections == 1  # a chunked answer ends where it says: reusable

    def test_a_body_delimited_by_the_close_is_read_to_the_end(self) -> None:
        answer = b"HTTP/1.1 200 OK\r\n\r\nall of it"
        with peer(lambda r: answer, hang_up=True) as server, client(WireTransport()) as http:
            assert http.get(server.url()).text == "all of it"

    def test_an_interim_answer_is_skipped_and_folded_headers_are_one_value(self) -> None:
        answer = (
            b"HTTP/1.1 100 Continue\r\n\r\n"
            b"HTTP/1.1 201 Created\r\nX-Long: one\r\n two\r\nContent-Length: 0\r\n\r\n"
        )
        with peer(lambda r: answer) as server, client(WireTransport()) as http:
            response = http.post(server.url(), content=b"x")
        assert response.status_code == 201 and response.headers["x-long"] == "one two"

    def test_a_head_answer_has_no_body_whatever_its_length_says(self) -> None:
        answer = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"  # a GET's length
        with peer(lambda r: answer) as server, client(WireTransport()) as http:
            assert http.head(server.url()).content == b""
            assert http.head(server.url()).status_code == 200
        assert server.connections == 1

    @pytest.mark.parametrize(
        "answer",
        [
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",  # cut off
            b"SMTP ready\r\n\r\n",  # not HTTP
            b"HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\nx",  # two lengths
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",  # bad chunk size
            b"HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n",  # no name
        ],
    )
    def test_a_malformed_or_cut_off_answer_is_a_protocol_error(self, answer: bytes) -> None:
        with (
            peer(lambda r: answer, hang_up=True) as server,
            client(WireTransport()) as http,
            pytest.raises(httpx.RemoteProtocolError),
        ):
            http.post(server.url(), content=b"x")

    @pytest.mark.parametrize(
        "answer",
        [
            b"HTTP/1.1 200 OK\r\nContent-Length: 100000000000\r\n\r\nabc",  # 100 GB said
            b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\nabc",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab",
        ],
    )
    def test_a_body_longer_than_omicform_reads_is_refused_before_it_is_read(
        self, answer: bytes
    ) -> None:
        with (
            peer(lambda r: answer, hang_up=True) as server,
            client(WireTransport()) as http,
            pytest.raises(httpx.RemoteProtocolError, match="more than omicform reads"),
        ):
            http.get(server.url())

    @pytest.mark.parametrize(
        "answer",
        [
            b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 1001,  # delimited by the close
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + b"1f4\r\n"
            + b"x" * 500
            + b"\r\n"
            + b"1f5\r\n"
            + b"x" * 501
            + b"\r\n0\r\n\r\n",
        ],
    )
    def test_the_limit_holds_however_the_body_is_framed(
        self, answer: bytes, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(wire_answer, "MAX_BODY", 1000)
        with (
            peer(lambda r: answer, hang_up=True) as server,
            client(WireTransport()) as http,
            pytest.raises(httpx.RemoteProtocolError, match="more than omicform reads"),
        ):
            http.get(server.url())
        exactly = b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 1000
        with peer(lambda r: exactly, hang_up=True) as server, client(WireTransport()) as http:
            assert len(http.get(server.url()).content) == 1000

    def test_a_header_that_would_smuggle_another_is_refused_before_sending(self) -> None:
        with (
            peer(ok()) as server,
            client(WireTransport()) as http,
            pytest.raises(httpx.LocalProtocolError),
        ):
            http.get(server.url(), headers={"X-A": "1\r\nX-Injected: 2"})
        assert server.requests == []


class TestConnections:
    def test_keep_alive_reuses_one_connection_and_close_opens_another(self) -> None:
        with peer(ok()) as server, client(WireTransport()) as http:
            for _ in range(5):
                http.get(server.url())
            assert server.connections == 1
        closing = ok(b"{}", b"Connection: close\r\n")
        with peer(closing) as server, client(WireTransport()) as http:
            for _ in range(3):
                http.get(server.url())
            assert server.connections == 3

    def test_an_idle_connection_the_server_closed_is_not_reused(self) -> None:
        with peer(ok(), hang_up=True) as server, client(WireTransport()) as http:
            http.get(server.url())
            time.sleep(0.1)  # the server has hung up on the idle connection meanwhile
            assert http.post(server.url(), content=b"x").status_code == 200
        assert server.connections == 2
        assert len(server.requests) == 2  # the create was sent once, on the new connection

    def test_a_dropped_answer_is_a_protocol_error_and_never_sent_again(self) -> None:
        with (
            peer(lambda r: None) as server,
            client(WireTransport()) as http,
            pytest.raises(httpx.RemoteProtocolError, match="disconnected"),
        ):
            http.post(server.url(), content=b"x")
        assert len(server.requests) == 1

    def test_a_refused_connection_is_a_connect_error_nothing_sent(self) -> None:
        free = socket.create_server(("127.0.0.1", 0))
        port = free.getsockname()[1]
        free.close()
        with client(WireTransport()) as http, pytest.raises(httpx.ConnectError):
            http.post(f"http://127.0.0.1:{port}/x", content=b"x")

    def test_a_slow_answer_is_a_read_timeout(self) -> None:
        def slow(request: bytes) -> bytes:
            time.sleep(0.5)
            return ok()(request)

        with (
            peer(slow) as server,
            client(WireTransport(), read=0.1) as http,
            pytest.raises(httpx.ReadTimeout),
        ):
            http.get(server.url())

    def test_no_more_requests_in_flight_than_connections_allowed(self) -> None:
        release = threading.Event()

        def held(request: bytes) -> bytes:
            release.wait(5)
            return ok()(request)

        with peer(held) as server, client(WireTransport(max_connections=1), pool=0.2) as http:
            first = threading.Thread(target=http.get, args=(server.url(),))
            first.start()
            time.sleep(0.1)
            with pytest.raises(httpx.PoolTimeout):
                http.get(server.url())
            release.set()
            first.join()
            assert http.get(server.url()).status_code == 200
        assert server.connections == 1

    @pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "//127.0.0.1/x"])
    def test_a_url_that_is_not_http_is_unsupported(self, url: str) -> None:
        request = httpx.Request("GET", url)
        with pytest.raises(httpx.UnsupportedProtocol):
            WireTransport().handle_request(request)


def _certificate(folder: Path, name: str) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={name}", "-addext", f"subjectAltName={name}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


class TestTls:
    @pytest.mark.parametrize("name", ["IP:127.0.0.1", "DNS:elsewhere.example"])
    def test_certificates_are_verified_against_the_trusted_authorities(
        self, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        cert, key = _certificate(tmp_path, name)
        server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_side.load_cert_chain(cert, key)
        with peer(ok(b"secure"), tls=server_side) as server:
            with client(WireTransport()) as http, pytest.raises(httpx.ConnectError):
                http.get(server.url(scheme="https"))  # self-signed: not trusted
            monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # as httpx honours it
            with client(WireTransport()) as http:
                if name.startswith("IP:"):
                    assert http.get(server.url(scheme="https")).content == b"secure"
                else:  # trusted, but issued to another host name
                    with pytest.raises(httpx.ConnectError, match=r"match|mismatch"):
                        http.get(server.url(scheme="https"))


def test_a_cassette_in_use_sees_every_request(tmp_path: Path) -> None:
    """vcrpy patches httpx's own transport: while it records, requests go through it."""
    import vcr

    cassette = tmp_path / "c.yaml"
    with peer(ok(b'{"recorded": true}')) as server:
        with (
            vcr.VCR(record_mode="all").use_cassette(str(cassette)),
            client(WireTransport()) as http,
        ):
            http.post(server.url("/a"), json={"n": 1})
        with (
            vcr.VCR(record_mode="none").use_cassette(str(cassette)),
            client(WireTransport()) as http,
        ):
            assert http.post(server.url("/a"), json={"n": 1}).json() == {"recorded": True}
        with client(WireTransport()) as http:  # no cassette: the wire itself again
            http.get(server.url("/b"))
    assert "/a" in cassette.read_text()
    assert [r.split(b" ")[1] for r in server.requests] == [b"/a", b"/b"]


def test_the_wire_knows_httpxs_own_method_when_first_imported_under_a_cassette(
    tmp_path: Path,
) -> None:
    # Services are imported on first use, which may be inside a test's cassette: the wire
    # must still tell vcrpy's patch from httpx's method, or nothing would be recorded.
    code = textwrap.dedent(
        f"""
        import httpx, vcr
        with vcr.use_cassette({str(tmp_path / "c.yaml")!r}):
            from omicform.services import wire
            assert httpx.HTTPTransport.handle_request is not wire._PRISTINE_HANDLE
        assert httpx.HTTPTransport.handle_request is wire._PRISTINE_HANDLE
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_sent_extension_is_called_after_the_request_left_and_before_the_answer() -> None:
    from omicform.services.wire import SENT

    events: list[str] = []

    def answer(request: bytes) -> bytes:
        events.append("server read the request")
        return ok(b"{}")(request)

    with peer(answer) as server, client(WireTransport()) as http:
        response = http.get(server.url(), extensions={SENT: lambda: events.append("sent")})
        events.append("answered")
        assert response.status_code == 200
        http.get(server.url())  # without the extension: nothing is called
    # "sent" and the server's read race each other; both come before the answer.
    assert sorted(events[:2]) == ["sent", "server read the request"]
    assert events[2:] == ["answered", "server read the request"]
