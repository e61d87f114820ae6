"""Charts: one per kind, the same bytes for the same figures, and the report's words in its language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.figures.sweep import ENGLISH, SweepWords, sweep_chart, sweep_figure
from sim.i18n.language import Lang


def _points(params: list[str], values: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [
        {
            "values": dict(zip(params, v, strict=True)),
            "probability": 0.1 * (i + 1),
            "probability_ci95": [0.05 * (i + 1), 0.15 * (i + 1)],
            "final": {"mean": 1000.0 * (i + 1), "p05": 900.0 * (i + 1), "p95": 1100.0 * (i + 1)},
            "target": 2500,
        }
        for i, v in enumerate(values)
    ]


def test_the_sweep_chart_is_the_same_bytes_each_time(tmp_path: Path) -> None:
    data = {"parameters": ["a"], "points": _points(["a"], [(1,), (2,), (3,)])}
    assert sweep_chart(tmp_path / "one.png", data)
    assert sweep_chart(tmp_path / "two.png", data)
    first = (tmp_path / "one.png").read_bytes()
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert first == (tmp_path / "two.png").read_bytes()


def test_two_parameters_give_a_heatmap_and_three_no_chart(tmp_path: Path) -> None:
    two = {"parameters": ["a", "b"], "points": _points(["a", "b"], [(1, 1), (1, 2), (2, 1), (2, 2)])}
    assert len(sweep_figure(two).axes) == 4  # type: ignore[union-attr]  # two panels, each with its colour bar
    three = {"parameters": ["a", "b", "c"], "points": _points(["a", "b", "c"], [(1, 1, 1)])}
    assert sweep_figure(three) is None
    assert not sweep_chart(tmp_path / "none.png", three)
    assert not (tmp_path / "none.png").exists()


def test_a_report_draws_the_same_chart_in_its_language() -> None:
    words = SweepWords.of(Lang("id"))
    assert words.probability == "Peluang target"
    assert words.tick(1300.5) == "1.300,5"
    assert ENGLISH.tick(1300.5) == "1300.5"
    fig = sweep_figure({"parameters": ["a"], "points": _points(["a"], [(1,), (2,)])}, words)
    assert fig is not None
    assert fig.axes[0].get_ylabel() == "Peluang target, 95% CI"


def test_month_labels_thin_out_so_that_no_more_than_eight_months_are_labelled() -> None:
    from datetime import date

    from sim.figures.projection import month_interval

    assert month_interval(date(2025, 6, 30), date(2025, 12, 31)) == 1  # bali-2025: every month
    assert month_interval(date(2025, 12, 31), date(2026, 12, 31)) == 2  # bali-2026: 13 months
    assert month_interval(date(2025, 6, 30), date(2026, 12, 31)) == 3  # banuspa-2026: 19 months
    for months in range(1, 61):
        last = date(2025 + (months - 1) // 12, (months - 1) % 12 + 1, 28)
        interval = month_interval(date(2025, 1, 1), last)
        assert -(-months // interval) <= 8
