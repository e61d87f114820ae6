"""Shared fixtures: repository paths, scenarios, a subprocess CLI runner; the --regenerate-golden option."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from page_fixtures import CHROMIUM, CHROMIUM_FLAGS, LOCAL_URL, STAGES, Served, is_local, start_server

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regenerate-golden",
        action="store_true",
        help="rewrite the stored outputs under tests/golden/ from the current code instead of comparing",
    )


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m sim ARGS`` against this checkout's code, capturing output."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd or ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def scenarios_dir() -> Path:
    return SCENARIOS


REGIONAL = """\
name: Two regions
start: 2025-01-01
end: 2025-12-31
seed: 11
replications: 1000
target: {members: 140000, by: 2025-12-31}
regions:
  - name: North
    population: {workers: {pu: 100000, bpu: 150000}, growth_per_year: 0.02}
    baseline: {active: {pu: 40000, bpu: 20000}}
    target: {members: 75000, by: 2025-12-31}
    lapse:
      pu: {monthly_rate: 0.01, reactivation_monthly_rate: 0.02}
      bpu: {monthly_rate: 0.03, reactivation_monthly_rate: 0.04}
    channels:
      - {name: Walk-ins, kind: organic, segment: bpu, per_month: {triangular: [1500, 2000, 2500]}}
      - {name: KUR, kind: loan_linked, segment: bpu, loans_per_month: 3000, enrollment_rate: {beta: [3, 7]}}
      - {name: Employers, kind: organic, segment: pu, per_month: 1200, already_member_share: 0}
  - name: South
    population: {workers: 120000}
    baseline: {active: 50000, inactive: 5000}
    lapse: {monthly_rate: 0.02, reactivation_monthly_rate: 0.01}
    channels:
      - {name: Walk-ins, kind: organic, per_month: 2500}
      - name: Agents
        kind: agent_network
        agents: 5
        rollout: [{on: 2025-06-01, agents: 10}]
        ramp_up_months: 2
        enrollments_per_agent_per_month: {uniform: [5, 15]}
        heterogeneity_cv: 0.5
      - name: Regency batch
        kind: funded_batch
        batches: [{on: 2025-03-01, members: 4000, funded_months: 6}]
        continue_share: {beta: [3, 7]}
        policy: [{on: 2025-08-01, set: {continue_share: 0.5}}]
"""


@pytest.fixture
def regional_file(tmp_path: Path) -> Path:
    """A small national scenario: two regions, one segmented, every channel kind."""
    path = tmp_path / "regional.yaml"
    path.write_text(REGIONAL, encoding="utf-8")
    return path


# The what-if page's end-to-end tests (helpers in page_fixtures.py): a real sim serve, Debian's Chromium.


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("e2e") is not None and CHROMIUM is None:
            item.add_marker(pytest.mark.skip(reason="Chromium is not installed (Debian: apt-get install -y chromium)"))


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
        "args": [*CHROMIUM_FLAGS, "--disable-default-apps"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1600, "height": 1000}}


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
