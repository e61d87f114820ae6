"""The token gate: without the token nothing reaches the page, by HTTP or websocket; with it, a cookie follows."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from sim.page.server import COOKIE, Options, TokenGate, address, needs_token


class Recorder:
    def __init__(self) -> None:
        self.calls: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls.append(scope["type"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def call(gate: TokenGate, scope_type: str, query: bytes = b"", cookie: bytes | None = None) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    async def send(message: Any) -> None:
        sent.append(dict(message))

    headers = [(b"cookie", cookie)] if cookie else []
    scope = {"type": scope_type, "query_string": query, "headers": headers}
    # Its own thread: Playwright's sync fixtures, in the same session, keep a loop running in this one.
    runner = threading.Thread(target=asyncio.run, args=(gate(scope, receive, send),))
    runner.start()
    runner.join()
    return sent


def test_no_token_is_refused_over_http_and_websocket() -> None:
    app = Recorder()
    gate = TokenGate(app, "s3cret")
    assert call(gate, "http")[0]["status"] == 403
    assert call(gate, "http", b"token=wrong")[0]["status"] == 403
    assert call(gate, "websocket") == [{"type": "websocket.close", "code": 1008}]
    assert call(gate, "http", cookie=f"{COOKIE}=wrong".encode())[0]["status"] == 403
    assert app.calls == []


def test_the_token_admits_and_sets_a_cookie_that_admits_the_rest() -> None:
    app = Recorder()
    gate = TokenGate(app, "s3cret")
    start = call(gate, "http", b"scenario=x&token=s3cret")[0]
    assert start["status"] == 200
    cookie = dict(start["headers"])[b"set-cookie"]
    assert cookie.startswith(f"{COOKIE}=s3cret;".encode()) and b"HttpOnly" in cookie and b"SameSite=Strict" in cookie
    assert call(gate, "http", cookie=f"other=1; {COOKIE}=s3cret".encode())[0]["status"] == 200
    assert call(gate, "websocket", cookie=f"{COOKIE}=s3cret".encode())[0]["status"] == 200
    assert app.calls == ["http", "http", "websocket"]


def test_only_other_hosts_need_a_token_and_the_link_carries_it() -> None:
    assert not needs_token("127.0.0.1") and not needs_token("localhost")
    assert needs_token("0.0.0.0") and needs_token("192.168.1.5")
    options = Options(scenarios=Path("s"), results=Path("r"), host="0.0.0.0")
    assert address(options, "t0k") == "http://127.0.0.1:8050/?token=t0k"
