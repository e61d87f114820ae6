"""Shared fixtures: repository paths, scenarios, a subprocess CLI runner; the --regenerate-golden option."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
