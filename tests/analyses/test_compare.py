"""``sim compare``: paired differences on common random numbers, and what pairing buys."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sim.analyses.compare import comparison, paired
from sim.analyses.paired import mean_interval, paired_difference, ratio_difference, unpaired_interval
from sim.experiment.blocks import Block, run_block, run_scenario
from sim.experiment.checkpoint import Checkpoint
from sim.experiment.evaluation import Evaluator, evaluation_of
from sim.i18n.language import Lang
from sim.report.write import build
from sim.scenario.loader import load_scenario
from tests.cli_inproc import sim_cli
from tests.conftest import ROOT
from tests.report_fixtures import compare_folder

BALI = ROOT / "scenarios" / "bali-2025.yaml"


def variant(tmp_path: Path, name: str, body: str) -> Path:
    file = tmp_path / f"{name}.yaml"
    file.write_text(f"extends: {BALI}\nname: {name}\n{body}", encoding="utf-8")
    return file


MORE_BPR = "channels:\n  - name: BPR agents\n    agents: 60\n"
BIGGER_BATCH = (
    "channels:\n  - name: Gianyar funded workers\n    batches:\n"
    "      - {on: 2025-10-01, members: {uniform: [20000, 30000]}, funded_months: 3}\n"
)


def test_channels_in_both_draw_the_same_numbers(tmp_path: Path) -> None:
    base = load_scenario(BALI).scenario
    other = load_scenario(variant(tmp_path, "batch", BIGGER_BATCH)).scenario
    b, v = (evaluation_of(run_scenario(s, replications=200, seed=11)) for s in (base, other))
    p = paired(b, v)
    by_name = {c["name"]: c for c in p["channels"]}
    # Only the batch changed and no pool runs dry, so every other channel enrols exactly the same
    # people in every replication.
    for name in ("BRI KUR", "BPR agents", "Employer registrations", "Walk-in and digital"):
        assert by_name[name]["mean_diff"] == 0.0
        assert by_name[name]["ci95"] == [0.0, 0.0]
    np.testing.assert_array_equal(b.enrolled[[0, 1, 3, 4]], v.enrolled[[0, 1, 3, 4]])
    assert by_name["Gianyar funded workers"]["ci95"][0] > 10000


def test_a_changed_channel_keeps_its_parameter_draws(tmp_path: Path) -> None:
    # 22 → 60 BPR partners: each replication keeps its drawn productivity per partner, so the
    # channel's enrolments in base and variant move together (ρ ≈ 0.89 measured; ≈ 0 unpaired).
    base = run_scenario(load_scenario(BALI).scenario, replications=300, seed=1)
    more = load_scenario(variant(tmp_path, "more", MORE_BPR)).scenario
    same = run_scenario(more, replications=300, seed=1)
    other = run_scenario(more, replications=300, seed=2)
    assert np.corrcoef(base.enrolled.row(-1)[1], same.enrolled.row(-1)[1])[0, 1] > 0.8
    assert abs(np.corrcoef(base.enrolled.row(-1)[1], other.enrolled.row(-1)[1])[0, 1]) < 0.2
    # pu lapse is untouched by a bpu channel (the runs keep lapses summed over groups; the blocks have them by group)
    lapsed = [run_block(s, 1, Block(0, 300)).lapsed[:, 0] for s in (load_scenario(BALI).scenario, more)]
    np.testing.assert_array_equal(*lapsed)


def test_pairing_narrows_the_interval_against_unpaired_runs(tmp_path: Path) -> None:
    base = load_scenario(BALI).scenario
    more = load_scenario(variant(tmp_path, "more", MORE_BPR)).scenario
    b = run_scenario(base, replications=300, seed=1).at_target
    v_same = run_scenario(more, replications=300, seed=1).at_target
    v_other = run_scenario(more, replications=300, seed=2).at_target
    d, (lo, hi) = mean_interval(v_same - b)
    d_u, (lo_u, hi_u) = unpaired_interval(b, v_other)
    # The final total has sd ≈ 9,000 between replications; the variant adds ~1,600 BPR members.
    # Independent runs barely tell that from noise; paired runs pin it down.
    assert hi - lo < (hi_u - lo_u) / 10
    assert lo > 0
    assert d == pytest.approx(d_u, abs=(hi_u - lo_u))


def test_identical_variant_differs_by_nothing() -> None:
    s = load_scenario(BALI).scenario
    ev = evaluation_of(run_scenario(s, replications=100, seed=3))
    data = comparison(("a.yaml", ev), [("b.yaml", ev, [])], 3)
    v = data["variants"][0]
    assert v["paired"]["final"] == {"mean_diff": 0.0, "ci95": [0.0, 0.0]}
    assert v["paired"]["probability"] == {"diff": 0.0, "ci95": [0.0, 0.0]}
    assert v["p_beats_base"] == 0.0
    assert all(c["mean_diff"] == 0.0 for c in v["paired"]["cost_per_net_member"])


def test_paired_interval_covers_the_true_difference_95_percent_of_the_time() -> None:
    # 400 experiments of 50 correlated pairs with true mean difference 1: coverage 0.95 has sd
    # 0.011, so [0.92, 0.98] is wrong by chance with probability < 1%.
    rng = np.random.default_rng(5)
    covered = 0
    for _ in range(400):
        common = rng.normal(100, 20, 50)
        b, v = common + rng.normal(0, 1, 50), common + 1 + rng.normal(0, 1, 50)
        lo, hi = paired_difference(b, v)["ci95"]
        covered += lo <= 1 <= hi
    assert 0.92 <= covered / 400 <= 0.98


def test_probability_difference_and_beats_base_are_shares_of_replications() -> None:
    from sim.analyses.paired import beats

    base = np.array([0, 1, 0, 1, 0, 0, 1, 0])
    var = np.array([1, 1, 0, 1, 1, 0, 1, 1])
    assert paired_difference(base, var)["mean_diff"] == pytest.approx(3 / 8)
    assert beats(np.array([5, 6, 7, 8]), np.array([6, 6, 9, 1])) == 0.5


def test_ratio_difference_is_the_difference_of_cost_per_member() -> None:
    rng = np.random.default_rng(0)
    members = rng.poisson(100, 500).astype(float)
    d = ratio_difference(1000 * members, members, 1500 * members, members, seed=1)
    assert d is not None
    assert d["mean_diff"] == pytest.approx(500.0)
    assert d["ci95"] == pytest.approx([500.0, 500.0])
    assert ratio_difference(members, np.zeros(500), members, members) is None


def test_compare_cli_writes_the_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    more, batch = variant(tmp_path, "more", MORE_BPR), variant(tmp_path, "batch", BIGGER_BATCH)
    out = tmp_path / "cmp"
    done = sim_cli(
        capsys, "compare", str(BALI), str(more), str(batch), "--reps", "200", "--workers", "1", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert "P(beats base)" in done.stdout
    assert "more" in done.stdout
    assert "more: what it changes" in done.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "COMPLETE",
        "compare.csv",
        "compare.json",
        "compare.png",
        "run.json",
    ]
    data = json.loads((out / "compare.json").read_text())
    assert data["kind"] == "compare"
    assert set(data["base"]) == {"name", "file", "summary"}
    assert data["base"]["summary"]["replications"] == 200
    first = data["variants"][0]
    assert {"name", "file", "summary", "paired", "p_beats_base", "changes"} <= set(first)
    assert set(first["paired"]) >= {"final", "probability", "channels"}
    assert first["changes"][-1] == {"path": "channels[BPR agents].agents", "base": 22, "variant": 60}
    # The figures are those of direct runs with the same seed.
    b = run_scenario(load_scenario(BALI).scenario, replications=200, seed=data["seed"]).at_target
    v = run_scenario(load_scenario(more).scenario, replications=200, seed=data["seed"]).at_target
    assert first["summary"]["final"]["mean"] == v.mean()
    assert first["p_beats_base"] == np.mean(v > b)
    assert first["p_beats_base"] > 0.95  # 38 more BPRs lose members only when lapse noise outweighs them
    assert first["paired"]["final"]["mean_diff"] == pytest.approx((v - b).mean())
    csv = (out / "compare.csv").read_text().splitlines()
    assert csv[0] == "variant,measure,base,variant_value,diff,ci95_lo,ci95_hi"
    assert any(line.startswith("more,cost_per_net_member[BPR agents],") for line in csv)
    assert not list(tmp_path.glob(".partial-*"))


def test_evaluator_gives_run_scenario_figures_and_reuses_blocks(tmp_path: Path) -> None:
    s = load_scenario(BALI).scenario
    ev = Evaluator(Checkpoint(tmp_path))
    first = ev(s, 1000, 9)
    assert ev.computed == 2
    direct = run_scenario(s, replications=1000, seed=9)
    np.testing.assert_array_equal(first.final, direct.at_target)
    assert first.summary == evaluation_of(direct).summary
    bigger = Evaluator(Checkpoint(tmp_path))
    second = bigger(s, 1500, 9)
    assert (bigger.reused, bigger.computed) == (2, 1)
    np.testing.assert_array_equal(second.final[:1000], first.final)


TINY = ROOT / "tests" / "data" / "tiny-growth.yaml"


def test_a_target_out_of_everyones_reach_is_said_once_not_tabulated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(f"extends: {TINY}\nname: Far target\ntarget: {{members: 90000, by: 2024-12-31}}\n")
    more = tmp_path / "more.yaml"
    more.write_text(f"extends: {base}\nname: More walk-ins\nchannels:\n  - {{name: Walk-in, per_month: 2600}}\n")
    out = tmp_path / "cmp"
    done = sim_cli(capsys, "compare", str(base), str(more), "--reps", "40", "--workers", "1", "--out", str(out))
    assert done.returncode == 0, done.stderr
    data = json.loads((out / "compare.json").read_text())
    assert data["variants"][0]["paired"]["probability"] == {"diff": 0.0, "ci95": [0.0, 0.0]}
    assert done.stdout.count("P(target) is 0% for the base and every variant, so the table leaves it out") == 1
    assert "+0.0%" not in done.stdout and "P(target) (diff" not in done.stdout
    assert "P(beats base)" in done.stdout
    ranked = build(out, Lang("en")).sections[0]
    assert ranked.paragraphs == ("P(target) is 0% for the base and every variant, so the table leaves it out.",)
    assert [c.label for c in ranked.tables[0].columns] == [
        "Rank",
        "Strategy",
        "Final members (mean)",
        "Final members vs base",
        "95% CI low",
        "95% CI high",
        "P(beats base)",
    ]
    assert all(len(row) == 7 for row in ranked.tables[0].rows)


def test_a_probability_that_moves_keeps_its_column(tmp_path: Path) -> None:
    ranked = build(compare_folder(tmp_path / "cmp"), Lang("en")).sections[0]
    assert ranked.paragraphs == ()
    assert "Change in P(target)" in [c.label for c in ranked.tables[0].columns]
