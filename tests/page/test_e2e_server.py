"""The server as a room depends on it.

A dead worker is replaced, Ctrl-C stops everything at once, and on a shared network only the printed
link (with its token) opens the page.
"""

from __future__ import annotations

import re
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psutil
import pytest

from page_fixtures import Served, start_server
from tests.page.test_e2e import AGENTS, set_lever, settled, url_of

pytestmark = pytest.mark.e2e


def workers_of(server: Served) -> list[psutil.Process]:
    return [c for c in psutil.Process(server.process.pid).children(recursive=True) if "spawn" in " ".join(c.cmdline())]


def gone(pids: list[int]) -> bool:
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                return False
        except psutil.NoSuchProcess:
            continue
    return True


def test_a_dead_worker_fails_the_run_with_a_message_and_is_replaced(
    browsing: Any, outside: list[str], tmp_path: Path
) -> None:
    server = start_server(tmp_path)
    try:
        page = browsing.new_page()
        page.goto(url_of(server))
        settled(page)
        victims = workers_of(server)
        assert victims
        victims[0].kill()
        time.sleep(1.0)
        set_lever(page, AGENTS, "50")
        status = page.locator("[data-testid=run-status][data-status=error]")
        status.wait_for(timeout=60_000)
        assert "proses pekerja berhenti" in status.inner_text()
        before = set_lever(page, AGENTS, "51")
        assert settled(page, before)
        assert page.locator("[data-testid=run-status]").get_attribute("data-status") == "success"
    finally:
        server.stop()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_stops_the_server_its_workers_and_the_run_within_two_seconds(
    browsing: Any, tmp_path: Path, sig: signal.Signals
) -> None:
    server = start_server(tmp_path)
    page = browsing.new_page()
    page.goto(url_of(server, scenario="banuspa-2026"))
    page.locator("[data-testid=run-status]").wait_for(timeout=60_000)  # a long regional run is under way
    pids = [server.process.pid] + [p.pid for p in workers_of(server)]
    assert len(pids) >= 3
    started = time.monotonic()
    server.process.send_signal(sig)
    server.process.wait(5)
    while not gone(pids) and time.monotonic() - started < 5:
        time.sleep(0.05)
    assert gone(pids)
    assert time.monotonic() - started < 2.0


def test_another_host_needs_the_printed_token(browsing: Any, outside: list[str], tmp_path: Path) -> None:
    server = start_server(tmp_path, host="127.0.0.2")
    try:
        log = server.log.read_text()
        assert "warning: serving on 127.0.0.2" in log
        token = re.search(r"\?token=([\w-]+)", log)
        assert token is not None
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.url, timeout=5)
        assert refused.value.code == 403
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(server.url + "?token=wrong", timeout=5)
        page = browsing.new_page()
        page.goto(server.url + f"?token={token.group(1)}")
        assert settled(page)
        assert f"token={token.group(1)}" in page.url
    finally:
        server.stop()
