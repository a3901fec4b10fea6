"""A small JSON-over-HTTPS client for forge APIs, on urllib3.

Why urllib3 and not httpx: it is already installed (requests, which detect-secrets needs,
depends on it), it pools connections, and it imports in ~60 ms against httpx's ~113 ms; we need
GET, JSON and headers, nothing httpx adds. Retries are our own loop rather than
``urllib3.Retry`` because GitHub signals rate limits with a 403 plus ``x-ratelimit-remaining:
0`` and a reset time, which ``Retry`` does not understand.

Every wait is bounded: a few attempts with exponential backoff on 429, 5xx, rate-limit 403 and
network errors; a server asking us to wait longer than ``max_wait`` gets its answer returned
instead (the caller reports that source as unknown). The token lives only in the request
headers: never in a URL, a repr, a log line or an exception message, and it is never sent to
another origin (pagination links and redirects are followed only within the base origin).
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping
from urllib.parse import urljoin, urlsplit

from gates.report import printable

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BODY = 8 * 1024 * 1024  # a protection answer is a few KB; refuse to buffer more
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


@dataclass(frozen=True)
class HttpSettings:
    """Timeouts and retry bounds. Tests pass a tiny ``backoff`` and a recording ``sleep``."""

    timeout: float = 10.0
    attempts: int = 3
    backoff: float = 1.0  # seconds before the second attempt; doubles after each failure
    max_wait: float = 60.0  # the longest single wait a server may ask for (retry-after, reset)
    max_pages: int = 20
    max_redirects: int = 3
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.time, repr=False)


@dataclass(frozen=True)
class Response:
    """A finished request: status, parsed JSON body (None if not JSON), lower-case headers."""

    status: int
    body: Any
    headers: Mapping[str, str]

    @property
    def message(self) -> str:
        """The forge's own one-line explanation (``"Branch not protected"``), made printable."""
        text = self.body.get("message") if isinstance(self.body, dict) else None
        return printable(str(text))[:200] if text else ""

    @property
    def rate_limited(self) -> bool:
        return self.status == 429 or (self.status == 403 and (
            self.headers.get("x-ratelimit-remaining") == "0" or "retry-after" in self.headers))


class ForgeHttpError(Exception):
    """The API could not be reached after every retry. The message names the origin only."""


class HttpClient:
    """GET JSON from one API origin with fixed headers (auth included), bounded retries."""

    def __init__(self, base_url: str, headers: Mapping[str, str],
                 settings: HttpSettings | None = None) -> None:
        import urllib3

        self.base_url = base_url.rstrip("/")
        self.settings = settings or HttpSettings()
        self._headers = dict(headers)
        # What must never come back out, even if a server echoes it in a message or a name.
        self._secrets = tuple(v.split(" ", 1)[-1] for k, v in headers.items()
                              if k.lower() == "authorization" and len(v.split(" ", 1)[-1]) >= 4)
        self._origin = _origin(self.base_url)
        timeout = urllib3.Timeout(connect=self.settings.timeout, read=self.settings.timeout)
        self._pool = urllib3.PoolManager(num_pools=2, maxsize=2, timeout=timeout, retries=False)

    def __repr__(self) -> str:  # never the headers: they hold the token
        return f"HttpClient({self.base_url!r})"

    def get(self, path: str) -> Response:
        """GET ``path`` (relative to the base URL, or an absolute URL on the same origin)."""
        url = path if "://" in path else self.base_url + path
        for _ in range(self.settings.max_redirects + 1):
            response = self._attempts(url)
            location = response.headers.get("location")
            if response.status not in (301, 302, 307, 308) or not location:
                return response
            url = urljoin(url, location)
            if _origin(url) != self._origin:
                return response  # never carry the token to another host
        return response

    def get_pages(self, path: str) -> tuple[list[Any], Response]:
        """Every item of a paginated list (``Link: <…>; rel="next"``), and the last response.

        Stops at the first non-200 answer (returned, so the caller can say why) and after
        ``max_pages`` pages (then the answer is marked 0: incomplete lists are never used).
        """
        items: list[Any] = []
        url: str | None = path
        for _ in range(self.settings.max_pages):
            assert url is not None
            response = self.get(url)
            if response.status != 200 or not isinstance(response.body, list):
                return items, response
            items.extend(response.body)
            url = _next_link(response.headers.get("link", ""))
            if url is None:
                return items, response
            if _origin(url) != self._origin:
                return items, Response(0, {"message": "pagination left the API origin"}, {})
        return items, Response(0, {"message": f"more than {self.settings.max_pages} pages"}, {})

    def _attempts(self, url: str) -> Response:
        last = self.settings.attempts - 1
        for attempt in range(self.settings.attempts):
            try:
                response = self._request(url)
            except ForgeHttpError:
                if attempt == last:
                    raise
                self.settings.sleep(self._backoff(attempt))
                continue
            wait = self._retry_wait(response, attempt)
            if wait is None or attempt == last:
                return response
            self.settings.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _request(self, url: str) -> Response:
        import urllib3

        try:
            raw = self._pool.request("GET", url, headers=self._headers, redirect=False,
                                     preload_content=False)
            try:
                data = raw.read(MAX_BODY + 1)
            finally:
                raw.release_conn()
        except urllib3.exceptions.HTTPError as exc:
            # Only the exception type: its text names the URL and, in some versions, headers.
            raise ForgeHttpError(f"cannot reach {_origin_text(self.base_url)} "
                                 f"({type(exc).__name__})") from None
        headers = {k.lower(): v for k, v in raw.headers.items()}
        return Response(raw.status, _scrub(_json(data), self._secrets), headers)

    def _retry_wait(self, response: Response, attempt: int) -> float | None:
        """Seconds to wait before retrying ``response``, or None to return it as it is."""
        if response.status not in RETRY_STATUSES and not response.rate_limited:
            return None
        wait = _retry_after(response.headers, self.settings.clock())
        if wait is None:
            wait = self._backoff(attempt)
        return wait if wait <= self.settings.max_wait else None

    def _backoff(self, attempt: int) -> float:
        return float(self.settings.backoff * (2 ** attempt))


def _retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """``retry-after`` (seconds or an HTTP date), else the rate-limit reset time, else None."""
    value = headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    if value:
        try:
            when = email.utils.parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            return None
        return max(0.0, when - now)
    reset = headers.get("x-ratelimit-reset", "").strip()
    if headers.get("x-ratelimit-remaining") == "0" and reset.isdigit():
        return max(0.0, float(reset) - now)
    return None


def _next_link(link: str) -> str | None:
    match = _LINK_NEXT.search(link)
    return match.group(1) if match else None


def _json(data: bytes) -> Any:
    if len(data) > MAX_BODY:
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _scrub(value: Any, secrets: tuple[str, ...]) -> Any:
    """``value`` with every secret replaced in its strings (keys and values, any depth)."""
    if not secrets:
        return value
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, "[redacted]")
        return value
    if isinstance(value, list):
        return [_scrub(v, secrets) for v in value]
    if isinstance(value, dict):
        return {_scrub(k, secrets): _scrub(v, secrets) for k, v in value.items()}
    return value


def _origin_text(url: str) -> str:
    scheme, host, port = _origin(url)
    return f"{scheme}://{host}:{port}"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port
