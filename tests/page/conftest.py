"""The page's end-to-end fixtures: a real ``sim serve`` on a free port, and Debian's Chromium driven by Playwright.

The server runs the installed command on a copy of a few scenarios (saving writes beside them) and
logs to a file (a pipe would be held open by its workers). Every page records requests that leave
127.0.0.1 and aborts them; each test ends by asserting there were none.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SCENARIOS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCENARIO_FILES = ("bali-2025.yaml", "bali-2025-all-bprs.yaml", "banuspa-2026.yaml")

# Every change of the run's state (status, replications done, final mean), in order, kept in the page.
STAGES = """
window.__stages = [];
new MutationObserver(function () {
  var el = document.querySelector('[data-testid=run-status]');
  if (!el) return;
  var mean = document.querySelector('[data-testid=final-mean]');
  var s = el.dataset.status + ':' + el.dataset.done + ':' + (mean ? mean.textContent : '');
  if (window.__stages[window.__stages.length - 1] !== s) window.__stages.push(s);
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("e2e") is not None and CHROMIUM is None:
            item.add_marker(pytest.mark.skip(reason="Chromium is not installed (Debian: apt-get install -y chromium)"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    """A running ``sim serve``: its process, address, folders and log."""

    process: subprocess.Popen[bytes]
    url: str
    scenarios: Path
    results: Path
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_server(tmp: Path, *extra: str, host: str = "127.0.0.1") -> Served:
    scenarios, results = tmp / "scenarios", tmp / "results"
    scenarios.mkdir(parents=True, exist_ok=True)
    for name in SCENARIO_FILES:
        shutil.copy(SCENARIOS / name, scenarios / name)
    port = free_port()
    log = tmp / "serve.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "sim", "serve", "--no-browser", "--port", str(port), "--host", host]
    args += ["--scenarios", str(scenarios), "--results-dir", str(results), *extra]
    with log.open("wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp)
    url = f"http://{host}:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sim serve stopped: {log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            break
        except urllib.error.HTTPError:
            break  # 403 without a token: it is up
        except OSError:
            time.sleep(0.2)
    return Served(process, url, scenarios, results, log)


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = start_server(tmp_path_factory.mktemp("serve"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-default-apps",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1600, "height": 1000}}


LOCAL_URL = re.compile(r"^(?!https?://(127(\.\d+){3}|localhost)[:/]).*")


def is_local(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or bool(
        parts.hostname and (parts.hostname == "localhost" or parts.hostname.startswith("127."))
    )


@pytest.fixture
def browsing(context: Any) -> Any:
    """The browser context, recording the run's stages in every page."""
    context.add_init_script(STAGES)
    return context


@pytest.fixture
def outside(context: Any) -> Iterator[list[str]]:
    """Requests that left 127.0.0.1 (aborted); asserted empty at the end of every test that uses it."""
    bad: list[str] = []
    context.on("request", lambda request: None if is_local(request.url) else bad.append(request.url))
    context.route(LOCAL_URL, lambda route: route.abort())
    yield bad
    assert bad == [], f"requests left 127.0.0.1: {bad}"
