"""The forge HTTP client: bounded retries with backoff, rate limits, pagination, origins."""

from __future__ import annotations

import socket
from typing import Iterator

import pytest
from forge_stub import RATE_LIMITED, ForgeStub

from gates.forge.http import ForgeHttpError, HttpClient, HttpSettings

TOKEN = "ghp_httpclienttesttoken000000000000000"


@pytest.fixture
def forge() -> Iterator[ForgeStub]:
    stub = ForgeStub().start()
    yield stub
    stub.stop()


class Clock:
    """A fake clock whose ``sleep`` records waits and moves time instead of waiting."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def settings(self, **kw: float) -> HttpSettings:
        return HttpSettings(timeout=2.0, backoff=kw.pop("backoff", 0.01), sleep=self.sleep,
                            clock=lambda: self.now, **kw)  # type: ignore[arg-type]


def client(forge: ForgeStub, clock: Clock, **kw: float) -> HttpClient:
    return HttpClient(forge.url, {"Authorization": f"Bearer {TOKEN}"}, clock.settings(**kw))


def test_5xx_is_retried_with_exponential_backoff(forge) -> None:
    clock = Clock()
    for status in (502, 503):
        forge.add("/x", status, {"message": "Server Error"})
    forge.add("/x", 200, {"ok": True})
    response = client(forge, clock).get("/x")
    assert (response.status, response.body) == (200, {"ok": True})
    assert clock.waits == [0.01, 0.02]
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in forge.requests)


def test_attempts_are_bounded(forge) -> None:
    clock = Clock()
    forge.add("/x", 503, {"message": "unavailable"})
    response = client(forge, clock, attempts=3).get("/x")
    assert response.status == 503 and len(forge.requests) == 3 and len(clock.waits) == 2


def test_429_honours_retry_after(forge) -> None:
    clock = Clock()
    forge.add("/x", 429, {"message": "slow down"}, {"Retry-After": "2"})
    forge.add("/x", 200, [])
    assert client(forge, clock).get("/x").status == 200
    assert clock.waits == [2.0]


def test_rate_limit_403_waits_for_the_reset(forge) -> None:
    clock = Clock()
    reset = str(int(clock.now) + 3)
    forge.add("/x", 403, RATE_LIMITED, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset})
    forge.add("/x", 200, {})
    assert client(forge, clock).get("/x").status == 200
    assert clock.waits == [3.0]


def test_a_wait_longer_than_max_wait_returns_the_answer_at_once(forge) -> None:
    clock = Clock()
    forge.add("/x", 403, RATE_LIMITED, {"x-ratelimit-remaining": "0",
                                        "x-ratelimit-reset": str(int(clock.now) + 3600)})
    response = client(forge, clock).get("/x")
    assert response.status == 403 and response.rate_limited and clock.waits == []


def test_a_plain_403_is_not_retried(forge) -> None:
    clock = Clock()
    forge.add("/x", 403, {"message": "Resource not accessible by integration"})
    response = client(forge, clock).get("/x")
    assert (response.status, response.message, len(forge.requests)) == (
        403, "Resource not accessible by integration", 1)


def test_link_pagination_collects_every_page(forge) -> None:
    clock = Clock()
    forge.add("/list?per_page=2", 200, [1, 2], {"Link": '<{base}/list?page=2>; rel="next", '
                                                        '<{base}/list?page=3>; rel="last"'})
    forge.add("/list?page=2", 200, [3, 4], {"Link": '<{base}/list?page=3>; rel="next"'})
    forge.add("/list?page=3", 200, [5])
    items, last = client(forge, clock).get_pages("/list?per_page=2")
    assert items == [1, 2, 3, 4, 5] and last.status == 200


def test_pagination_never_leaves_the_api_origin(forge) -> None:
    clock = Clock()
    forge.add("/list", 200, [1], {"Link": '<https://evil.example.invalid/list?page=2>; rel="next"'})
    items, last = client(forge, clock).get_pages("/list")
    assert items == [1] and last.status == 0 and len(forge.requests) == 1


def test_pagination_is_bounded(forge) -> None:
    clock = Clock()
    forge.add("/loop", 200, [1], {"Link": '<{base}/loop>; rel="next"'})
    items, last = client(forge, clock, max_pages=3).get_pages("/loop")
    assert items == [1, 1, 1] and last.status == 0


def test_redirects_are_followed_only_on_the_same_origin(forge) -> None:
    clock = Clock()
    forge.add("/old", 301, None, {"Location": "{base}/new"})
    forge.add("/new", 200, {"moved": True})
    forge.add("/away", 302, None, {"Location": "https://elsewhere.example.invalid/x"})
    api = client(forge, clock)
    assert api.get("/old").body == {"moved": True}
    assert api.get("/away").status == 302
    assert forge.paths() == ["/old", "/new", "/away"]


def test_network_errors_are_retried_then_raised_without_the_token() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clock = Clock()
    api = HttpClient(f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {TOKEN}"},
                     clock.settings(attempts=3))
    with pytest.raises(ForgeHttpError) as raised:
        api.get("/x")
    assert len(clock.waits) == 2
    assert f"127.0.0.1:{port}" in str(raised.value)
    assert TOKEN not in str(raised.value) + repr(raised.value) + repr(api)
