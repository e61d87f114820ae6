"""Helpers of the page's end-to-end tests: a real ``sim serve`` on a free port, and what the browser records.

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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Headless Chromium without the background traffic that would leave the machine, for every browser test.
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
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


LOCAL_URL = re.compile(r"^(?!https?://(127(\.\d+){3}|localhost)[:/]).*")


def is_local(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or bool(
        parts.hostname and (parts.hostname == "localhost" or parts.hostname.startswith("127."))
    )
