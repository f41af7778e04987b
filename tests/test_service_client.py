"""The httpx client under the generated clients (services/client.py) builds the same requests
as httpx's own and keeps cookies as httpx does; only the repeated work is gone."""

from __future__ import annotations

import httpx
import pytest

from omicform.services.client import URL_CACHE_SIZE, ServiceClient


@pytest.mark.parametrize("base", ["https://h.example/api", "https://h.example/api/", "http://h:1"])
@pytest.mark.parametrize("path", ["/a/b", "a/b", "/a%20b?x=1&y=%2F", "//other.example/x", "/"])
def test_urls_are_merged_exactly_as_httpx_merges_them(base: str, path: str) -> None:
    ours, theirs = ServiceClient(base_url=base), httpx.Client(base_url=base)
    for _ in range(2):  # the second time from the cache
        built = ours.build_request("GET", path, params={"p": "1"})
        assert built.url == theirs.build_request("GET", path, params={"p": "1"}).url


def test_a_new_base_url_is_not_served_from_the_cache() -> None:
    client = ServiceClient(base_url="https://one.example/v1")
    assert client.build_request("GET", "/x").url == "https://one.example/v1/x"
    client.base_url = httpx.URL("https://two.example/v2")
    assert client.build_request("GET", "/x").url == "https://two.example/v2/x"


def test_the_cache_stays_bounded() -> None:
    client = ServiceClient(base_url="https://h.example")
    for i in range(URL_CACHE_SIZE * 3):
        assert client.build_request("GET", f"/r/{i}").url == f"https://h.example/r/{i}"
    assert len(client._urls) <= URL_CACHE_SIZE


def test_cookies_an_answer_sets_are_kept_and_sent_back() -> None:
    seen: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        if request.url.path == "/login":
            return httpx.Response(200, headers={"Set-Cookie": "session=abc; Path=/"})
        return httpx.Response(200)

    with ServiceClient(base_url="https://h.example", transport=httpx.MockTransport(answer)) as c:
        c.get("/before")
        c.get("/login")
        c.get("/after")
        assert c.cookies.get("session") == "abc"
    assert seen == [None, None, "session=abc"]
