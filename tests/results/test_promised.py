"""Promised coverage: the figure reached with 80% (and 50%) probability, checked against closed forms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.experiment.blocks import run_scenario
from sim.i18n.language import Lang
from sim.report.verdict import console as verdict_console
from sim.report.verdict import render, render_scale
from sim.report.write import build
from sim.results.folder import write_run
from sim.results.projections import promise_figures, promised
from sim.scenario.loader import load_scenario
from tests.report_fixtures import SMALL


def test_the_promise_is_the_ceil_p_n_th_highest_replication() -> None:
    x = np.arange(1.0, 11.0)  # 1..10
    # 8 of 10 reach 3 and only 7 reach 4; 5 reach 6 and only 4 reach 7
    assert promised(x, 0.8) == 3.0
    assert promised(x, 0.5) == 6.0
    assert promised(x, 1.0) == 1.0
    assert promise_figures(x[::-1]) == {"p80": 3.0, "p50": 6.0}
    with pytest.raises(ValueError, match="probability"):
        promised(x, 0.0)


@pytest.mark.parametrize("n", [1, 7, 700, 1000, 1001])
def test_the_promise_agrees_with_numpys_quantile_and_its_definition(n: int) -> None:
    x = np.random.default_rng(n).normal(0.6, 0.02, n)
    for p in (0.8, 0.5):
        c = promised(x, p)
        assert c == -np.quantile(-x, p, method="inverted_cdf")
        assert np.mean(x >= c) >= p  # at least p of the replications reach it...
        assert np.mean(x > c) < p  # ...and no higher figure is reached as often
        # within one replication of the usual (interpolated) lower percentile
        assert abs(np.mean(x < c) - (1 - p)) <= 1 / n + 1e-12


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object], np.ndarray]:
    folder = tmp_path_factory.mktemp("promised")
    (folder / "small.yaml").write_text(SMALL, encoding="utf-8")
    loaded = load_scenario(folder / "small.yaml")
    r = run_scenario(loaded.scenario)
    summary = r.summary("test")
    written = write_run(folder / "run", summary, r.monthly_rows(), loaded.scenario, loaded.chain, {"seed": 4})
    coverage = r.coverage_at(r.target_row())
    assert r.promised_coverage(0.8) == promised(coverage, 0.8)
    return written, summary, coverage


def test_summary_promises_coverage_and_members_from_the_replications(
    small: tuple[Path, dict[str, object], np.ndarray],
) -> None:
    _, summary, coverage = small
    promise = summary["promised"]
    assert isinstance(promise, dict)
    assert promise["by"] == "2025-12-31" and promise["metric"] == "active"
    assert promise["coverage"] == {
        "p80": -np.quantile(-coverage, 0.8, method="inverted_cdf"),
        "p50": -np.quantile(-coverage, 0.5, method="inverted_cdf"),
    }
    assert promise["coverage"]["p80"] == pytest.approx(np.quantile(coverage, 0.2), abs=2e-4)
    # the workforce does not grow here, so members = coverage × workers, replication by replication
    assert promise["members"]["p80"] == pytest.approx(promise["coverage"]["p80"] * 100000)
    assert promise["coverage"]["p80"] <= promise["coverage"]["p50"]


def test_verdict_and_report_in_both_languages_carry_the_promise(
    small: tuple[Path, dict[str, object], np.ndarray], capsys: pytest.CaptureFixture[str]
) -> None:
    written, summary, _ = small
    render(summary, verdict_console())
    shown = capsys.readouterr().out
    p80 = summary["promised"]["coverage"]["p80"]  # type: ignore[index]
    assert f"coverage {p80:.2%} with 80% probability" in shown
    for code, title, words in (
        ("en", "What can be promised", f"coverage of {Lang('en').percent(p80)} is reached with 80% probability"),
        ("id", "Yang dapat dijanjikan", f"cakupan {Lang('id').percent(p80)} tercapai dengan peluang 80%"),
    ):
        report = build(written, Lang(code))
        section = next(s for s in report.sections if s.key == "promised")
        assert section.title == title and words in section.paragraphs[0]
        assert section.tables[0].rows[0][0] == p80


def test_regions_carry_their_promise_and_are_ranked_by_gap(
    regional_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    r = run_scenario(load_scenario(regional_file).scenario, replications=300)
    summary = r.summary("test")
    north = summary["regions"][0]
    row = r.target_row()
    coverage = r.active.row(row, [0, 1]).sum(axis=0) / r.workers[row, [0, 1]].sum()
    assert north["promised"]["coverage"]["p80"] == promised(coverage, 0.8)
    assert north["target"]["gap_mean"] == pytest.approx(max(0.0, 75000 - north["final"]["mean"]))
    render_scale(summary, verdict_console())
    shown = capsys.readouterr().out
    assert "ranked by their gap" in shown
    assert shown.index("North") < shown.index("South")  # South has no target of its own: it comes last


def test_regions_with_a_target_come_largest_gap_first() -> None:
    from sim.report.verdict import by_gap

    gaps = {"A": 10.0, "B": None, "C": 500.0, "D": 0.0}
    assert by_gap(list(gaps), gaps.get) == ["C", "A", "D", "B"]


def test_the_published_figure_adds_the_figure_noise_and_leaves_the_model_alone(tmp_path: Path) -> None:
    from sim.scenario.paths import Override

    (tmp_path / "small.yaml").write_text(SMALL, encoding="utf-8")
    plain = run_scenario(load_scenario(tmp_path / "small.yaml").scenario)
    noisy = run_scenario(load_scenario(tmp_path / "small.yaml", [Override("target.figure_noise", 0.04)]).scenario)
    assert np.array_equal(plain.at_target, noisy.at_target)
    assert "published" not in plain.summary()
    published = noisy.summary()["published"]
    x, y = noisy.at_target.astype(float), noisy.published()
    # y = x(1 + cε): E[y] = E[x]; Var y = Var x + c²E[x²]. 300 replications: 4.5 standard errors.
    n = x.size
    assert y.mean() == pytest.approx(x.mean(), abs=4.5 * 0.04 * np.sqrt((x**2).mean() / n))
    assert y.var() == pytest.approx(x.var() + 0.04**2 * (x**2).mean(), rel=4.5 * np.sqrt(2 / n))
    assert published["probability"] == np.mean(y >= 36000)
    assert published["final"]["p95"] - published["final"]["p05"] > np.ptp(np.percentile(x, [5, 95]))
