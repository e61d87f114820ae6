"""``sim optimize SCENARIO --budget RP --lever PATH=LO:HI ...``: the best mix of channels for a budget."""

from pathlib import Path

import typer

from sim.analyses.optimize import OptimizePlan
from sim.cli import common as c
from sim.cli.long_run import resume_option, run_long
from sim.experiment.runner import LongOptions
from sim.figures.optimize import frontier_chart
from sim.report.terminal import print_optimize


def optimize_command(
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    budget: float = typer.Option(..., "--budget", help="rupiah the levers' channels may spend (expected), e.g. 5e9"),
    levers: list[str] = typer.Option(..., "--lever", help="PATH=LOW:HIGH of a costed channel (repeatable)"),
    objective: str = typer.Option("members", "--objective", help="members, probability or coverage-p80"),
    evaluations: int = typer.Option(120, "--evaluations", help="about how many allocations the search scores"),
    reps: int = c.reps_option("replications for the scenario as written and the finalists", default=1000, minimum=50),
    seed: int | None = c.seed_option(),
    sets: list[str] = c.set_option(),
    workers: int = c.workers_option(),
    out: Path | None = c.out_option("optimize"),
    results_dir: Path = c.results_dir_option(),
    as_json: bool = c.json_option("optimize.json"),
    resume: bool = resume_option(),
    yes: bool = c.yes_option(),
) -> None:
    """Find the lever values that do best for --objective with expected spend within --budget."""
    plan = OptimizePlan.plan(scenario, sets, levers, budget, objective, evaluations, reps, seed)
    optimum, written = run_long(plan, LongOptions(out, results_dir, workers, resume, yes), frontier_chart)
    c.print_json(written / "optimize.json") if as_json else print_optimize(optimum, written)
