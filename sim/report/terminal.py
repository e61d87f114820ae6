"""What the commands show in the terminal beside the verdict: tables and lines built from their results.

``sim run``'s verdict is :mod:`sim.report.verdict`; here are the tables of ``diff``, ``compare``,
``sweep``, ``solve`` and ``sensitivity`` (rich tables) and the lines of ``calibrate`` and
``backtest``. The commands in :mod:`sim.cli` print them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from sim.scenario.changes import readable_rows, value_text

# Types only: importing the analyses would load SciPy for commands that only print a table.
if TYPE_CHECKING:
    from sim.analyses.frontier import Solved
    from sim.analyses.history.backtest import Backtested
    from sim.analyses.history.calibration import Fit
    from sim.analyses.history.last_projection import ScoredProjection
    from sim.analyses.history.rolling import RollingBacktest
    from sim.analyses.sensitivity.study import Study
    from sim.analyses.solve import Answer, Lever


def diff_table(rows: list[tuple[str, Any, Any]], title: str) -> Table:
    """The differences as a table of paths, base values and variant values, a row per dated step."""
    table = Table(title=title)
    for col in ("Path", "Base", "Variant"):
        table.add_column(col)
    for path, x, y in readable_rows(rows):
        table.add_row(path, value_text(x), value_text(y))
    return table


def changes_table(v: dict[str, Any]) -> Table:
    """What a variant changes against the base, without its name and description."""
    rows = [(c["path"], c["base"], c["variant"]) for c in v["changes"] if c["path"] not in ("name", "description")]
    return diff_table(rows, f"{v['name']}: what it changes")


def _n(x: float) -> str:
    return f"{x:+,.0f}"


def unchanged_note(data: dict[str, Any]) -> str | None:
    """Said once under the table instead of a column of +0.0% (+0.0% – +0.0%)."""
    from sim.analyses.compare import unchanged_probability

    p = unchanged_probability(data)
    if p is None:
        return None
    shown = f"{p:.0%}" if p in (0, 1) else f"{p:.1%}"
    return f"P(target) is {shown} for the base and every variant, so the table leaves it out"


def compare_table(data: dict[str, Any]) -> Table:
    """Each variant against the base: paired differences in final members and P(target), and P(beats base)."""
    from sim.analyses.compare import unchanged_probability

    with_p = unchanged_probability(data) is None
    table = Table(title=f"Against {data['base']['name']} ({data['replications']:,} paired replications)")
    table.add_column("Variant")
    for col in ("Final members (diff, 95% CI)", *(["P(target) (diff, 95% CI)"] if with_p else []), "P(beats base)"):
        table.add_column(col, justify="right")
    for v in data["variants"]:
        f, p = v["paired"]["final"], v["paired"]["probability"]
        shown_p = [f"{p['diff']:+.1%} ({p['ci95'][0]:+.1%} – {p['ci95'][1]:+.1%})"] if with_p else []
        table.add_row(
            v["name"],
            f"{_n(f['mean_diff'])} ({_n(f['ci95'][0])} – {_n(f['ci95'][1])})",
            *shown_p,
            f"{v['p_beats_base']:.1%}",
        )
    return table


def channel_table(v: dict[str, Any]) -> Table:
    """A variant's enrolments and cost per net member by channel, against the base."""
    table = Table(title=f"{v['name']}: enrolments and cost per net member against the base")
    for col in ("Channel", "Enrolments (diff, 95% CI)", "Cost per net member (diff, 95% CI)"):
        table.add_column(col, justify="left" if col == "Channel" else "right")
    costs = {c["name"]: c for c in v["paired"]["cost_per_net_member"]}
    for c in v["paired"]["channels"]:
        cost = costs.get(c["name"])
        shown = "—" if cost is None else f"{_n(cost['mean_diff'])} ({_n(cost['ci95'][0])} – {_n(cost['ci95'][1])})"
        table.add_row(c["name"], f"{_n(c['mean_diff'])} ({_n(c['ci95'][0])} – {_n(c['ci95'][1])})", shown)
    return table


def sweep_table(data: dict[str, Any]) -> Table:
    """P(target) and final members at every grid point."""
    table = Table(title=f"{data['scenario']}: sweep ({data['replications']:,} replications per point)")
    for p in data["parameters"]:
        table.add_column(p)
    for col in ("P(target)", "95% CI", "Final mean", "5%", "95%"):
        table.add_column(col, justify="right")
    for p in data["points"]:
        lo, hi = p["probability_ci95"]
        f = p["final"]
        table.add_row(
            *(str(p["values"][k]) for k in data["parameters"]),
            f"{p['probability']:.1%}",
            f"{lo:.1%} – {hi:.1%}",
            f"{f['mean']:,.0f}",
            f"{f['p05']:,.0f}",
            f"{f['p95']:,.0f}",
        )
    return table


def answer_text(a: Answer) -> str:
    """An answer in words: the value with its P(target), or how close the range came."""
    if a.value is None:
        return f"unreachable (best {a.best.probability:.1%} at {a.best.value})"
    p = a.at_answer
    assert p is not None
    text = f"{a.value} (P {p.probability:.1%}, 95% CI {p.ci95[0]:.1%} – {p.ci95[1]:.1%})"
    u = a.uncertain_between()
    return text + (f"; within Monte Carlo error of the goal from {u[0]} to {u[1]}" if u else "")


def print_solve(answers: list[Solved], fixed_paths: list[str], lever: Lever, goal: float, console: Console) -> None:
    """The answer (one lever) or the frontier table (several)."""
    if not fixed_paths:
        a = answers[0].answer
        word = "largest" if a.maximize else "smallest"
        console.print(f"Goal: P(target) ≥ {goal:.0%}. The {word} {lever.path} that reaches it: {answer_text(a)}")
        if a.neighbour is not None:
            n = a.neighbour
            console.print(
                f"At {n.value}: P {n.probability:.1%} "
                f"(95% CI {n.ci95[0]:.1%} – {n.ci95[1]:.1%}, {n.reps:,} replications)"
            )
        if a.value is None:
            console.print(f"The target cannot be reached with {goal:.0%} probability anywhere in the range.")
        return
    table = Table(title=f"Frontier: {lever.path} needed for P(target) ≥ {goal:.0%}")
    for p in fixed_paths:
        table.add_column(p)
    table.add_column(lever.path)
    for row in answers:
        table.add_row(*(str(row.fixed[p]) for p in fixed_paths), answer_text(row.answer))
    console.print(table)


def sensitivity_opening(study: Study) -> str:
    """The line ``sim sensitivity`` opens with: what it varies, how much it runs, and the seed."""
    s = study.loaded.scenario
    return (
        f"[bold]{s.name}[/bold]: {len(study.parameters)} parameters; "
        f"tornado {study.tornado_reps:,} replications a run, "
        + (f"Sobol' N={study.samples}, {study.reps} replications a point" if study.sobol else "no Sobol'")
        + f", seed {study.seed}"
    )


def sensitivity_table(report: dict[str, Any]) -> Table:
    """The tornado's rows, largest swing first, with each parameter's total Sobol' index."""
    sobol_final = {r["parameter"]: r for r in (report["sobol"] or {}).get("final") or []}
    table = Table(title="What the projection depends on (largest swing first)")
    for col in ("#", "Parameter", "Low–high", "Final swing", "P(target) low→high", "Sobol' ST"):
        table.add_column(col, justify="left" if col == "Parameter" else "right")
    for r in report["tornado"]:
        st = sobol_final.get(r["parameter"])
        table.add_row(
            str(r["rank"]),
            r["parameter"],
            f"{_short(r['low'])}–{_short(r['high'])}",
            f"{r['final_swing']:+,.0f}",
            f"{r['probability_low']:.1%}→{r['probability_high']:.1%}",
            f"{st['ST']:.2f}" if st else "–",
        )
    return table


def _short(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def sensitivity_reading(report: dict[str, Any]) -> list[str]:
    """What the Sobol' indices say, in words."""
    sobol = report["sobol"]
    if not sobol or not sobol["final"]:
        return []
    best = max(sobol["final"], key=lambda r: r["ST"])
    lines = [
        f"Most worth measuring better: {best['parameter']} (explains {best['ST']:.0%} of the spread in final "
        f"members with its interactions; {sobol['points']:,} points × {sobol['reps_per_point']} replications)"
    ]
    if sobol["probability"] is None:
        p = sobol["output_mean"]["probability"]
        lines.append(f"P(target) is {p:.1%} at every point, so it has no Sobol' indices")
    return lines


def fit_lines(fit: Fit, written: Path, scenario_out: Path | None) -> list[str]:
    """What ``sim calibrate`` prints: the fit, every residual, and where it was written."""
    lines = []
    lines.append(f"{fit.method}; {fit.replications} replications, seed {fit.seed}, {fit.evaluations} runs")
    for e in fit.estimates:
        lo, hi = e.interval
        lines.append(f"  {e.parameter.path}: {e.value:.6g}  (90%: {lo:.6g} to {hi:.6g}; start {e.parameter.start:.6g})")
    if fit.noise_estimated:
        lines.append(f"  noise of figures without an sd: {100 * fit.noise_level:.2f}% of the figure")
    lines.append("residuals (z = (observed - fitted) / predictive sd):")
    for r in fit.residuals:
        o = r.observation
        lines.append(f"  line {o.line:>3} {o.label:<32} {o.value:>12.6g} vs {r.mean:>12.6g}  z = {r.z:+6.2f} {r.flag}")
    for o in fit.skipped:
        lines.append(f"  line {o.line:>3} {o.label:<32} {o.value:>12.6g}  outside the horizon, not fitted")
    lines.append(f"written: {written}" + (f" and {scenario_out}" if scenario_out else ""))
    return lines


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def projection_score_lines(done: ScoredProjection) -> list[str]:
    """What ``sim backtest RUN_FOLDER`` prints: each later observation against the stored projection."""
    p, overall = done.projection, done.summary
    lines = [
        f"{p.scenario}: projected from {p.start} ({p.replications:,} replications, seed {p.seed}), "
        f"{len(done.records)} later observations scored",
        f"  {'line':>4} {'date':<10} {'series':<18} {'observed':>12} {'p05':>12} {'mean':>12} {'p95':>12}"
        f" {'PIT':>5} {'50%':>3} {'90%':>3} {'IS50':>10} {'IS90':>10}",
    ]
    for r in done.records:
        lines.append(
            f"  {r['line']:>4} {r['date']:<10} {r['series']:<18} {r['observed']:>12.6g} {r['p05']:>12.6g}"
            f" {r['mean']:>12.6g} {r['p95']:>12.6g} {r['pit']:>5.2f} {_yes(r['inside50']):>3}"
            f" {_yes(r['inside90']):>3} {r['interval_score50']:>10.4g} {r['interval_score90']:>10.4g}"
        )
    lines.append(
        f"  inside 50% band {100 * overall['inside50_share']:.0f}%, inside 90% band "
        f"{100 * overall['inside90_share']:.0f}%; mean PIT {overall['mean_pit']:.2f} (PIT interpolated from the "
        "stored percentiles)"
    )
    reasons = dict.fromkeys(why for _, why in done.skipped)
    for why in reasons:
        skipped = [o for o, w in done.skipped if w == why]
        shown = (
            ", ".join(f"line {o.line}" for o in skipped) if len(skipped) > 3 else ", ".join(o.label for o in skipped)
        )
        lines.append(f"  not scored, {why}: {shown}")
    lines.append(f"written: {done.folder}")
    return lines


def rolling_lines(done: RollingBacktest) -> list[str]:
    """What ``sim backtest --rolling`` prints: each origin's scores, then coverage and CRPS both ways."""
    lines = [
        f"{done.scenario.name}: refitted up to {len(done.origins)} origins "
        f"({', '.join(d.isoformat() for d in done.origins)}), each scored over the months after it",
        f"  {'origin':<10} {'date':<10} {'series':<12} {'scored as':<9} {'observed':>10} {'p05':>10} {'p95':>10}"
        f" {'PIT':>5} {'90%':>3} {'CRPS':>10}",
    ]
    for r in done.rows:
        lines.append(
            f"  {r['origin']:<10} {r['date']:<10} {r['series']:<12} {r['scored_as']:<9} {r['observed']:>10.6g}"
            f" {r['p05']:>10.6g} {r['p95']:>10.6g} {r['pit']:>5.2f} {_yes(r['inside90']):>3} {r['crps']:>10.4g}"
        )
    for kind, own in done.summary.items():
        crps = ", ".join(f"{series} {value:.4g}" for series, value in own["mean_crps"].items())
        lines.append(
            f"  as {kind}: inside 90% band {100 * own['inside90_share']:.0f}% of {own['observations']}, inside 50% "
            f"{100 * own['inside50_share']:.0f}%, mean PIT {own['mean_pit']:.2f}; mean CRPS {crps}"
        )
    lines.append(f"written: {done.folder}")
    return lines


def backtest_lines(done: Backtested | ScoredProjection | RollingBacktest) -> list[str]:
    """What ``sim backtest`` prints: every scored observation, the averages, and where it was written."""
    from sim.analyses.history.last_projection import ScoredProjection  # the command has loaded both already
    from sim.analyses.history.rolling import RollingBacktest

    if isinstance(done, ScoredProjection):
        return projection_score_lines(done)
    if isinstance(done, RollingBacktest):
        return rolling_lines(done)
    s, scores, overall = done.backtest.scenario, done.backtest.scores, done.summary
    lines = [
        f"{s.name}: projected from {s.start}, {len(scores)} observations scored",
        f"  {'line':>4} {'date':<10} {'series':<24} {'observed':>12} {'p05':>12} {'median':>12} {'p95':>12}"
        f" {'PIT':>5} {'50%':>3} {'90%':>3} {'CRPS':>10}",
    ]
    for x in scores:
        o = x.observation
        lines.append(
            f"  {o.line:>4} {o.when.isoformat():<10} {o.series:<24} {o.value:>12.6g} {x.band90[0]:>12.6g}"
            f" {x.median:>12.6g} {x.band90[1]:>12.6g} {x.pit:>5.2f} {_yes(x.inside50):>3} {_yes(x.inside90):>3}"
            f" {x.crps:>10.4g}"
        )
    lines.append(
        f"  mean PIT {overall['mean_pit']:.2f} (0.5 if calibrated); inside 50% band "
        f"{100 * overall['inside50_share']:.0f}%, inside 90% band {100 * overall['inside90_share']:.0f}%"
    )
    for name, own in overall["by_series"].items():
        lines.append(
            f"  {name}: mean CRPS {own['mean_crps']:.4g}, mean 90% interval score "
            f"{own['mean_interval_score90']:.4g} ({own['observations']} observations)"
        )
    lines.append(f"written: {done.folder}")
    return lines


OBJECTIVE_WORDS = {
    "members": "members on the target date (mean)",
    "probability": "P(target)",
    "coverage-p80": "coverage reached with 80% probability",
}


def objective_text(name: str, value: float) -> str:
    """An objective's value as planners read it: members whole, shares as percentages."""
    return f"{value:,.0f}" if name == "members" else f"{value:.2%}"


def optimize_lines(data: dict[str, Any]) -> list[str]:
    """What ``sim optimize`` says after its tables: the answer, its gain, and the honest edges."""
    name, budget, s = data["objective"], data["budget"], data["search"]
    lines = [
        f"Search: {s['method']}, {s['allocations']:,} allocations at {s['search_reps']:,} replications, "
        f"{s['refined']} refined and {len(data['marginal'])} nudged at {s['reps']:,}; {s['evaluations']:,} evaluations."
    ]
    best = data["best"]
    if best is None:
        least = data["least_spend"]
        lines.append(
            f"The budget Rp {budget:,.0f} is too small for any change: every allocation tried spends more"
            + (f" (the least, Rp {least:,.0f})." if least is not None else ".")
        )
        return lines
    gain = best["gain"]

    def diff(x: float) -> str:
        return f"{x:+,.0f}" if name == "members" else f"{x * 100:+.2f} pp"

    lines.append(
        f"Best: {OBJECTIVE_WORDS[name]} {objective_text(name, best['objective'])} (95% CI "
        f"{objective_text(name, best['ci95'][0])} – {objective_text(name, best['ci95'][1])}), spending "
        f"Rp {best['spend']:,.0f} of Rp {budget:,.0f} (95th percentile Rp {best['spend_p95']:,.0f}); "
        f"{diff(gain['mean_diff'])} over the scenario as written "
        f"(95% CI {diff(gain['ci95'][0])} to {diff(gain['ci95'][1])})."
    )
    for path in best["at_bound"]:
        lines.append(f"{path} is at an end of its range: the optimum may lie beyond it; widen the range.")
    if data["flat"]:
        hint = "; use --objective members or coverage-p80" if name == "probability" else ""
        lines.append(f"{OBJECTIVE_WORDS[name]} is the same for every allocation tried{hint}.")
    return lines


def optimize_tables(data: dict[str, Any]) -> list[Table]:
    """The best allocation, the finalists against it, and the marginal effect of each lever."""
    name, paths = data["objective"], [lv["path"] for lv in data["levers"]]
    out = []
    best = data["best"]
    if best is not None:
        table = Table(title="Best allocation")
        for col in ("Lever", "Value", "Written", "Spend (Rp)"):
            table.add_column(col)
        for p in paths:
            table.add_row(
                p, str(best["values"][p]), str(data["base"]["values"][p]), f"{best['spend_by_lever'][p]:,.0f}"
            )
        out.append(table)
    finals = Table(title=f"Finalists, {OBJECTIVE_WORDS[name]} (paired against the best)")
    for col in (*paths, "Spend (Rp)", "Objective", "vs best (95% CI)"):
        finals.add_column(col)
    for f in data["finalists"]:
        vs = f["versus_best"]
        shown = "best" if vs is None else f"{vs['mean_diff']:+,.4g} ({vs['ci95'][0]:+,.4g} to {vs['ci95'][1]:+,.4g})"
        finals.add_row(
            *(str(f["values"][p]) for p in paths), f"{f['spend']:,.0f}", objective_text(name, f["objective"]), shown
        )
    out.append(finals)
    if data["marginal"]:
        margins = Table(title="Marginal effect at the best: extra members per extra Rp 1 billion")
        for col in ("Lever", "Moved to", "Extra spend (Rp)", "Extra members", "Per Rp 1 bn (95% CI)"):
            margins.add_column(col)
        for m in data["marginal"]:
            per = m["per_billion"]
            ci = m["per_billion_ci95"]
            shown = "no extra cost" if per is None else f"{per:,.0f} ({ci[0]:,.0f} to {ci[1]:,.0f})"
            margins.add_row(m["lever"], str(m["to"]), f"{m['extra_spend']:,.0f}", f"{m['extra_members']:+,.0f}", shown)
        out.append(margins)
    return out


def print_optimize(data: dict[str, Any], written: Path, console: Console | None = None) -> None:
    """The tables and lines of ``sim optimize``, and where its results are."""
    console = console or Console()
    for table in optimize_tables(data):
        console.print(table)
    for line in [*optimize_lines(data), f"Results written to {written}"]:
        console.print(line, highlight=False)
