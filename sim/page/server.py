"""Serving the page: where it listens, who may open it, the worker pool's lifetime, and stopping.

* It binds to 127.0.0.1 unless told otherwise. Any other address prints a warning and requires a
  token, printed in the URL; :class:`TokenGate` admits a request carrying it (``?token=``, then a
  cookie for the page's own assets and websocket) and refuses anything else (403, or close 1008).
* One spawned pool of workers serves every tab (:class:`~sim.page.runs.Workers`).
* Ctrl-C and SIGTERM stop the server, its workers and any run in progress at once: uvicorn is
  given a one-second grace, then the workers are killed.
"""

from __future__ import annotations

import contextlib
import hmac
import secrets
import signal
import sys
import threading
import time
import webbrowser
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import parse_qs

from sim.errors import ScenarioError
from sim.i18n.catalogue import LANGS

LOCAL = ("127.0.0.1", "localhost", "::1")
COOKIE = "sim_token"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGI = Callable[[Scope, Receive, Send], Awaitable[None]]


class TokenGate:
    """ASGI middleware: only requests that carry the token reach the app (HTTP and websockets alike)."""

    def __init__(self, app: ASGI, token: str) -> None:
        self.app = app
        self.token = token

    def _given(self, scope: Scope) -> tuple[bool, bool]:
        """(admitted, came in the query string)."""
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if any(hmac.compare_digest(t.encode(), self.token.encode()) for t in query.get("token", [])):
            return True, True
        headers = dict(scope.get("headers") or [])
        cookie = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1"))
        held = cookie.get(COOKIE)
        return held is not None and hmac.compare_digest(held.value.encode(), self.token.encode()), False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        admitted, in_query = self._given(scope)
        if not admitted:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await send({"type": "http.response.start", "status": 403, "headers": [(b"content-type", b"text/plain")]})
            await send(
                {"type": "http.response.body", "body": b"403: open the link sim serve printed (it carries the token)\n"}
            )
            return
        if not in_query or scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                value = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict".encode()
                message["headers"] = [*message.get("headers", []), (b"set-cookie", value)]
            await send(message)

        await self.app(scope, receive, with_cookie)


@dataclass(frozen=True)
class Options:
    """How ``sim serve`` was asked to serve."""

    scenarios: Path
    results: Path
    host: str = "127.0.0.1"
    port: int = 8050
    open_browser: bool = True
    lang: str = "id"
    token: str | None = None
    workers: int = 2


def check(options: Options) -> None:
    """Refuse options that cannot work, before anything starts."""
    if options.lang not in LANGS:
        raise ScenarioError(f"unknown language {options.lang!r}; allowed: {', '.join(LANGS)}", field="--lang")
    if not options.scenarios.is_dir():
        raise ScenarioError(f"{options.scenarios} is not a folder of scenarios", field="--scenarios")
    if not any(options.scenarios.glob("*.yaml")):
        raise ScenarioError(f"{options.scenarios} holds no scenario (*.yaml)", field="--scenarios")
    if not 0 < options.port < 65536:
        raise ScenarioError(f"{options.port} is not a port (1 to 65535)", field="--port")


def needs_token(host: str) -> bool:
    """Whether ``host`` is reachable from other machines, so the page must ask for a token."""
    return host not in LOCAL


def address(options: Options, token: str | None) -> str:
    """The URL to open (with the token when one is needed)."""
    shown = "127.0.0.1" if options.host in ("0.0.0.0", "::") else options.host
    return f"http://{shown}:{options.port}/" + (f"?token={token}" if token else "")


def _stop_now(signum: int, frame: FrameType | None) -> None:
    # uvicorn re-raises the signal it caught after shutting down; with SIGTERM's default action the
    # process would die before the workers are stopped. An exception unwinds through ``finally``.
    raise KeyboardInterrupt


def serve(options: Options, say: Callable[[str], None]) -> None:
    """Serve the page until Ctrl-C or SIGTERM; ``say`` hears the address and any warning."""
    import uvicorn

    from sim.page.app import Context, make_app
    from sim.page.runs import Workers
    from sim.page.scenarios import Folder

    check(options)
    token = None
    if needs_token(options.host):
        token = options.token or secrets.token_urlsafe(16)
        say(
            f"warning: serving on {options.host}, reachable from other machines; "
            "only the link below (it carries a token) opens the page"
        )
    workers = Workers(options.workers)
    try:
        ctx = Context(Folder(options.scenarios), options.results, workers, options.lang, token)
        app: Any = make_app(ctx)
        if token is not None:
            app = TokenGate(app, token)
        config = uvicorn.Config(
            app,
            host=options.host,
            port=options.port,
            log_level="warning",
            timeout_graceful_shutdown=1,
            ws_ping_interval=None,
        )
        server = uvicorn.Server(config)
        url = address(options, token)
        say(f"sim serve: {url}  (Ctrl-C stops it)")
        if options.open_browser:
            threading.Thread(target=_open_when_started, args=(server, url), daemon=True).start()
        signal.signal(signal.SIGTERM, _stop_now)
        with contextlib.suppress(KeyboardInterrupt):
            server.run()
    finally:
        workers.stop()
        sys.stdout.flush()


def _open_when_started(server: Any, url: str) -> None:
    for _ in range(200):
        if server.started:
            webbrowser.open(url)
            return
        time.sleep(0.05)
