"""National scenarios: regions flattened to region × segment groups, reported by region and in total."""

from __future__ import annotations

import csv
import itertools
import json
import weakref
from pathlib import Path

import numpy as np
import pytest
import yaml

from conftest import REGIONAL, SCENARIOS, run_cli
from sim.experiment.blocks import run_scenario
from sim.model import layout as layouts
from sim.model.layout import layout_of
from sim.scenario.loader import load_scenario


def test_layout_flattens_regions_to_region_segment_groups(regional_file: Path) -> None:
    layout = layout_of(load_scenario(regional_file).scenario)
    assert layout.groups == ("North/pu", "North/bpu", "South/all")
    assert layout.workers == (100000, 150000, 120000)
    assert layout.active == (40000, 20000, 50000)
    assert layout.inactive == (0, 0, 5000)
    assert [(p.stream, p.group) for p in layout.channels] == [
        ("North/Walk-ins", 1),
        ("North/KUR", 1),
        ("North/Employers", 0),
        ("South/Walk-ins", 2),
        ("South/Agents", 2),
        ("South/Regency batch", 2),
    ]
    assert [(r.name, r.groups, r.channels) for r in layout.regions] == [
        ("North", (0, 1), (0, 1, 2)),
        ("South", (2,), (3, 4, 5)),
    ]


def test_single_region_layout_keeps_names_and_streams() -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    layout = layout_of(s)
    assert layout.groups == s.groups == ("pu", "bpu")
    assert [p.stream for p in layout.channels] == [c.name for c in s.channels]
    assert layout.regions == ()


def test_a_scenarios_layout_is_worked_out_once_and_a_changed_copy_gets_its_own() -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    assert layout_of(s) is layout_of(s)
    fewer = s.model_copy(update={"channels": s.channels[:2]})
    assert len(layout_of(fewer).channels) == 2 and len(layout_of(s).channels) == len(s.channels)
    # Only the last few are kept (each keeps its scenario alive).
    for i in range(layouts.KEEP + 1):
        layout_of(s.model_copy(update={"name": f"copy {i}"}))
    assert len(layouts._KEPT) == layouts.KEEP and id(s) not in layouts._KEPT
    assert layout_of(s) == layout_of(fewer.model_copy(update={"channels": s.channels}))


def test_a_region_does_not_depend_on_the_others(tmp_path: Path, regional_file: Path) -> None:
    # Each region has its own pool and its own named streams: dropping South leaves North's draws.
    alone = tmp_path / "north.yaml"
    alone.write_text(REGIONAL[: REGIONAL.index("  - name: South")], encoding="utf-8")
    both = run_scenario(load_scenario(regional_file).scenario, replications=300)
    north = run_scenario(load_scenario(alone).scenario, replications=300)
    assert np.array_equal(both.active.whole()[:, :2], north.active.whole())
    assert np.array_equal(both.enrolled.whole()[:, :3], north.enrolled.whole())


def test_a_regions_series_are_let_go_once_taken(regional_file: Path) -> None:
    # A region's active total is shared by its three series; once they are taken, nothing of the
    # run holds it, so a national run's parent never holds every region's at once.
    r = run_scenario(load_scenario(regional_file).scenario, replications=50)
    series = r.each_series()
    values = next(v for n, v in series if n == "active[North]")
    north = weakref.ref(values)
    del values
    assert north() is not None  # still held: registered[North] and coverage[North] come next
    assert [n for n, _ in itertools.islice(series, 3)] == ["registered[North]", "coverage[North]", "active[South]"]
    assert north() is None
    part = r.monthly_figures(0, r.series_count())
    assert part.series == tuple(name for name, _ in r.each_series())


def test_totals_are_the_sum_of_regions(regional_file: Path) -> None:
    r = run_scenario(load_scenario(regional_file).scenario, replications=200)
    series = r.series()
    assert np.array_equal(series["active[North]"] + series["active[South]"], series["active"])
    total = r.summary()["target"]
    regions = r.summary()["regions"]
    assert [x["name"] for x in regions] == ["North", "South"]
    assert regions[0]["target"]["members"] == 75000
    assert regions[1]["target"] is None
    assert sum(x["final"]["mean"] for x in regions) == pytest.approx(r.summary()["final"]["mean"])
    north = r.active.row(-1, [0, 1]).sum(axis=0)
    assert regions[0]["target"]["probability"] == pytest.approx(float((north >= 75000).mean()))
    assert 0 <= total["probability"] <= 1


def test_run_writes_regions_and_keeps_the_scenario_as_written(tmp_path: Path, regional_file: Path) -> None:
    out = tmp_path / "run"
    done = run_cli("run", str(regional_file), "--reps", "200", "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert [r["name"] for r in summary["regions"]] == ["North", "South"]
    assert summary["regions"][0]["target"]["verdict"] in {"on track", "more likely than not", "at risk", "off track"}
    series = {row["series"] for row in csv.DictReader((out / "monthly.csv").open())}
    assert {"active[North]", "active[South]", "coverage[North]", "active[North/pu]"} <= series
    resolved = yaml.safe_load((out / "scenario.yaml").read_text())
    assert "population" not in resolved
    assert len(resolved["regions"]) == 2
    again = load_scenario(out / "scenario.yaml").scenario
    assert again == load_scenario(regional_file).scenario


def test_single_region_output_has_no_regions(tmp_path: Path) -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    assert "regions" not in run_scenario(s, replications=50).summary()
    from sim.scenario.schema import scenario_data

    assert "regions" not in scenario_data(s)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "regions:\n",
            "population: {workers: 5}\nregions:\n",
            ":8: regions: a scenario with regions gives population per region",
        ),
        ("name: South", "name: North", ":19: regions[North].name: region name 'North' must be unique"),
        (
            "segment: bpu, per_month: {triangular",
            "segment: jakon, per_month: {triangular",
            ":16: regions[North].channels[Walk-ins].segment: segment 'jakon' is not in population.workers",
        ),
        ("active: 50000", "active: 200000", "regions[South].baseline.active: baseline members (205,000) exceed"),
    ],
)
def test_regional_errors_name_the_region(tmp_path: Path, old: str, new: str, expected: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(REGIONAL.replace(old, new, 1), encoding="utf-8")
    done = run_cli("validate", str(bad))
    assert done.returncode == 2
    assert expected in done.stderr
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_national_scenario_has_every_province_on_the_published_national_figures() -> None:
    s = load_scenario(SCENARIOS / "national-2026.yaml").scenario
    layout = layout_of(s)
    assert len(s.regions) == 38
    assert len({r.name for r in s.regions}) == 38
    assert len(layout.groups) == 114
    assert s.regions[0].name == "Bali"
    # June 2025: 39,350,000 active (national.active_monthly_2025), split as May 2025
    # (national.active_by_segment: pu 26.20M, bpu 8.28M, jakon 4.56M of 39.04M).
    assert sum(layout.active) == 39_350_000
    for segment, may in (("pu", 26_200_000), ("bpu", 8_280_000), ("jakon", 4_560_000)):
        total = sum(a for g, a in zip(layout.groups, layout.active, strict=True) if g.endswith("/" + segment))
        assert total == pytest.approx(39_350_000 * may / 39_040_000, abs=1)
    # Bali, NTB and NTT keep their share of the ministry's December 2023 count (kemnaker_dec_2023).
    by_name = {r.name: r for r in s.regions}
    for name, dec_2023 in (("Bali", 1_027_234), ("Nusa Tenggara Barat", 570_391), ("Nusa Tenggara Timur", 364_870)):
        members = sum(by_name[name].per_segment(by_name[name].baseline.active))
        assert members == pytest.approx(39_350_000 * dec_2023 / 41_560_000, abs=3)
    assert s.target.members == sum(r.target.members for r in s.regions if r.target is not None)
    published = {"Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur"}
    for region in s.regions:
        if region.name not in published:
            assert "assumption" in region.population.source, region.name
            assert all("assumption" in c.source for c in region.channels), region.name


@pytest.mark.slow
def test_national_scenario_runs_and_reports_every_region(tmp_path: Path) -> None:
    out = tmp_path / "national"
    done = run_cli("run", str(SCENARIOS / "national-2026.yaml"), "--reps", "100", "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert len(summary["regions"]) == 38
    assert all(r["target"] is not None for r in summary["regions"])


def test_terminal_shows_a_table_of_regions(regional_file: Path) -> None:
    import io

    from rich.console import Console

    from sim.report.verdict import render_scale

    summary = run_scenario(load_scenario(regional_file).scenario, replications=100).summary()
    buf = io.StringIO()
    render_scale(summary, Console(file=buf, width=150))
    lines = buf.getvalue().splitlines()
    north = next(line for line in lines if "North" in line)
    south = next(line for line in lines if "South" in line)
    assert "75,000" in north
    assert summary["regions"][0]["target"]["verdict"] in north
    assert south.count("–") == 4  # target, gap, P(target), verdict


def test_variants_merge_regions_by_name(tmp_path: Path, regional_file: Path) -> None:
    variant = tmp_path / "variant.yaml"
    variant.write_text(
        f"extends: {regional_file}\n"
        "regions:\n"
        "  - name: North\n"
        "    channels:\n"
        "      - {name: Employers, per_month: 2400}\n"
        "  - {name: South, remove: true}\n",
        encoding="utf-8",
    )
    s = load_scenario(variant).scenario
    assert [r.name for r in s.regions] == ["North"]
    assert [c.name for c in s.regions[0].channels] == ["Walk-ins", "KUR", "Employers"]
    from sim.scenario.diff import scenario_diff

    changes = {path: (a, b) for path, a, b in scenario_diff(regional_file, variant)}
    assert changes["regions[North].channels[Employers].per_month"] == (1200.0, 2400.0)
    # A region the variant drops is one row holding all of it.
    assert changes["regions[South]"][0]["name"] == "South"
    assert changes["regions[South]"][1] == "—"
    assert not any(path.startswith("regions[South].") for path in changes)


def test_a_top_level_lapse_is_every_region_s_that_sets_none(tmp_path: Path) -> None:
    text = REGIONAL.replace("    lapse: {monthly_rate: 0.02, reactivation_monthly_rate: 0.01}\n", "")
    text = text.replace("regions:\n", "lapse: {monthly_rate: 0.05, reactivation_monthly_rate: 0.03}\nregions:\n", 1)
    path = tmp_path / "national-lapse.yaml"
    path.write_text(text, encoding="utf-8")
    s = load_scenario(path).scenario
    north, south = s.regions
    assert north.lapse_for("pu").monthly_rate.mean == 0.01  # its own
    assert south.lapse_for("all").monthly_rate.mean == 0.05
    assert south.lapse_for("all").reactivation_monthly_rate.mean == 0.03
    assert layout_of(s).lapse[2] == south.lapse_for("all")
    # The resolved scenario keeps the top-level lapse, so it loads back the same.
    from sim.scenario.schema import scenario_data

    again = tmp_path / "again.yaml"
    again.write_text(yaml.safe_dump(scenario_data(s), sort_keys=False), encoding="utf-8")
    assert load_scenario(again).scenario == s


def test_a_national_lapse_is_one_draw_shared_by_every_region(tmp_path: Path) -> None:
    # Two identical regions without channels: the national lapse rate is one uncertain figure, so each
    # replication's two regions lapse alike (correlation near 1); a region's own rates are drawn apart.
    region = (
        "  - name: {name}\n    population: {{workers: 200000}}\n    baseline: {{active: 100000}}\n{own}"
        "    channels: []\n"
    )
    own = "    lapse: {monthly_rate: {uniform: [0.0, 0.5]}}\n"
    head = "name: Shared\nstart: 2025-01-01\nend: 2025-03-31\ntarget: {members: 1, by: 2025-03-31}\n"
    shared = tmp_path / "shared.yaml"
    shared.write_text(
        head
        + "lapse: {monthly_rate: {uniform: [0.0, 0.5]}}\nregions:\n"
        + region.format(name="A", own="")
        + region.format(name="B", own=""),
        encoding="utf-8",
    )
    apart = tmp_path / "apart.yaml"
    apart.write_text(head + "regions:\n" + region.format(name="A", own=own) + region.format(name="B", own=own))
    s = load_scenario(shared).scenario
    assert layout_of(s).lapse_draws == ("/all", "/all")
    assert layout_of(load_scenario(apart).scenario).lapse_draws == ("A/all", "B/all")
    together = run_scenario(s, replications=200, seed=5).active.row(-1)
    alone = run_scenario(load_scenario(apart).scenario, replications=200, seed=5).active.row(-1)
    assert np.corrcoef(together)[0, 1] > 0.99
    assert abs(np.corrcoef(alone)[0, 1]) < 0.3  # independent: |r| < 0.3 with probability > 0.99 at n = 200
