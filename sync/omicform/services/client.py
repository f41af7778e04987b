"""The httpx client under the generated clients, with two per-request costs taken out.

Everything else is httpx's own `Client` (auth flows, event hooks, redirects, timeouts,
proxies from the environment); the generated code calls `request(...)` on it as before.

- The absolute URL of a relative path is kept once built: httpx otherwise parses the base
  URL and the path again for every request (the same create path, thousands of times).
- Reading an answer's cookies is skipped when it sets none: httpx otherwise wraps every
  answer for `http.cookiejar`, which then finds no Set-Cookie header. An answer that sets
  cookies still has them stored and sent back, as httpx does.
"""

from __future__ import annotations

from typing import Any

import httpx

URL_CACHE_SIZE = 256  # distinct relative paths kept (a get-one path per key: bounded)


class ServiceCookies(httpx.Cookies):
    """httpx's cookie jar; answers without Set-Cookie (or Set-Cookie2) are not parsed."""

    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


class ServiceClient(httpx.Client):
    """An `httpx.Client` that merges each relative path with the base URL once."""

    def __init__(self, **kwargs: Any) -> None:
        self._urls: dict[str, httpx.URL] = {}
        self._urls_base: httpx.URL | None = None
        super().__init__(**kwargs)
        self._jar = ServiceCookies(kwargs.get("cookies"))

    @property
    def cookies(self) -> httpx.Cookies:
        return self._jar

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._jar = ServiceCookies(cookies)

    def build_request(self, method: str, url: httpx.URL | str, **kwargs: Any) -> httpx.Request:
        if isinstance(url, str) and url.startswith("/"):
            url = self._absolute(url)
        return super().build_request(method, url, **kwargs)

    def _absolute(self, path: str) -> httpx.URL:
        base = self.base_url
        if self._urls_base is not base:  # the base URL was replaced: start afresh
            self._urls, self._urls_base = {}, base
        url = self._urls.get(path)
        if url is None:
            if len(self._urls) >= URL_CACHE_SIZE:
                self._urls.clear()
            # httpx's own merge (Client._merge_url): the path appended to the base's path.
            relative = httpx.URL(path)
            if relative.is_relative_url:
                raw = base.raw_path + relative.raw_path.lstrip(b"/")
                url = base.copy_with(raw_path=raw)
            else:
                url = relative
            self._urls[path] = url
        return url
