"""Calibrating a scenario to its history, as ``sim calibrate`` does: the fit, its folder and the written-back scenario.

:func:`calibrate_into_folder` checks the inputs, fits (:func:`sim.analyses.history.calibration.calibrate`),
and writes a result folder with ``fit.json`` (estimates, intervals, noise level, method),
``residuals.csv`` (every observation's standardised residual, outliers flagged), ``fit.png``, and
``calibrated.yaml``: the scenario (or the ``--into`` scenario) with each fitted rate replaced by a
distribution carrying its uncertainty (:mod:`sim.analyses.history.writeback`), with a header naming
the command, the data and the fit; with ``scenario_out`` also a scenario file that extends the original.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sim import __version__
from sim.analyses.history.calibration import Fit, calibrate, max_evaluations, observation_dates, parameter
from sim.analyses.history.observations import Observation, check_against, read_observations
from sim.analyses.history.writeback import as_distribution, calibrated_data, overlay, scenario_yaml, write_scenario
from sim.errors import Location, ScenarioError
from sim.experiment import workload
from sim.experiment.blocks import default_workers, run_scenario
from sim.results.folder import check_destination, default_destination, write_csv, write_json, write_result
from sim.results.projections import Results
from sim.scenario.loader import Loaded, load_scenario, validate
from sim.scenario.paths import Override, apply
from sim.scenario.schema import scenario_data

PlotFit = Callable[[Path, Results, Sequence[tuple[Observation, float, str]], Sequence[Observation], str], None]
""":func:`sim.figures.fit.plot_fit`, passed in because charts sit above analyses."""


@dataclass(frozen=True)
class Writing:
    """Where a history command writes its folder, how it asks before long work, and how it draws its chart."""

    out: Path | None
    results_dir: Path
    approve: Callable[[workload.Work], None]
    plot_fit: PlotFit


@dataclass(frozen=True)
class Calibrated:
    """A calibration as written: the fit, its result folder, and the scenario file written if asked."""

    fit: Fit
    folder: Path
    scenario_out: Path | None


def fit_rows(fit: Fit) -> list[dict[str, Any]]:
    """One row per fitted rate: estimate, 90% interval and the distribution written for it."""
    return [
        {
            "path": e.parameter.path,
            "scale": "logit" if e.parameter.share else "log",
            "start": e.parameter.start,
            "estimate": e.value,
            "ci90_low": e.interval[0],
            "ci90_high": e.interval[1],
            "se_on_fitted_scale": e.se,
            "identified": e.identified,
            "distribution": as_distribution(e).to_data(),
        }
        for e in fit.estimates
    ]


def residual_rows(fit: Fit) -> list[dict[str, Any]]:
    """Every observation: fitted mean, its spreads, standardised residual and flag; skipped ones too."""
    rows: list[dict[str, Any]] = []
    for r in fit.residuals:
        o = r.observation
        rows.append(
            {
                "line": o.line,
                "date": o.when.isoformat(),
                "series": o.series,
                "observed": o.value,
                "fitted_mean": r.mean,
                "process_sd": r.process_sd,
                "noise_sd": r.noise_sd,
                "z": r.z,
                "flag": r.flag,
                "weight": o.weight,
                "source": o.source,
            }
        )
    for o in fit.skipped:
        rows.append(
            {
                "line": o.line,
                "date": o.when.isoformat(),
                "series": o.series,
                "observed": o.value,
                "fitted_mean": "",
                "process_sd": "",
                "noise_sd": "",
                "z": "",
                "flag": "outside horizon",
                "weight": o.weight,
                "source": o.source,
            }
        )
    return rows


def header(fit: Fit, command: list[str], observed: Path, base: Loaded, into: Path | None) -> str:
    """The calibrated scenario's comment header: command, data, fit and residuals."""
    s = base.scenario
    lines = [
        f"Calibrated by: {shlex.join(command)}",
        f"sim {__version__}, {datetime.now().isoformat(timespec='seconds')}",
        f"Rates fitted with {base.file} (its horizon and channels) and written into {into or base.file};"
        " every other value is as in that file.",
        f"Fitted to {observed}: {len(fit.residuals)} observations from {s.start} to {s.end}"
        + (f"; {len(fit.skipped)} outside that horizon were not fitted" if fit.skipped else ""),
        f"Method: {fit.method}; {fit.replications} replications, seed {fit.seed}, common random numbers.",
        "Fitted rates (90% intervals), written as distributions whose 5th-95th percentiles match:",
        *(f"  {e.parameter.path}: {e.value:.6g} ({e.interval[0]:.6g} to {e.interval[1]:.6g})" for e in fit.estimates),
        "Residuals, z = (observed - fitted) / predictive sd:",
        *(
            f"  {r.observation.label}: {r.observation.value:.6g} vs {r.mean:.6g}, z = {r.z:+.2f} {r.flag}".rstrip()
            for r in fit.residuals
        ),
        *(f"Warning: {w}" for w in fit.warnings),
    ]
    return "".join(f"# {line}\n" for line in lines)


def fitted_results(loaded: Loaded, fit: Fit, marks: tuple[Any, ...], workers: int = 1) -> Results:
    """A run at the fitted values (fixed), recording the observation dates: the fit that is plotted."""
    overrides = [Override(e.parameter.path, e.value) for e in fit.estimates]
    scenario, _ = validate(apply(loaded.raw, overrides), loaded.file)
    return run_scenario(scenario, replications=fit.replications, seed=fit.seed, marks=marks, workers=workers)


def calibrate_into_folder(
    scenario: Path,
    observed: Path,
    fit: list[str],
    *,
    into: Path | None,
    scenario_out: Path | None,
    reps: int,
    seed: int | None,
    writing: Writing,
) -> Calibrated:
    """Fit the rates at ``fit`` so that ``scenario`` reproduces ``observed``, and write the result folder."""
    loaded = load_scenario(scenario)
    observations = read_observations(observed)
    check_against(observations, loaded.scenario, observed)
    target = load_scenario(into) if into is not None else loaded
    for path in fit:
        parameter(target.scenario, target.raw, path)
    dest = writing.out if writing.out is not None else default_destination(writing.results_dir, loaded.scenario)
    check_destination(dest)
    if scenario_out is not None:
        check_scenario_out(scenario_out)
    shape = workload.shape_of(loaded.scenario, observation_dates(observations))
    runs = max_evaluations(len(set(fit)))
    work = partial(workload.calibrate, shape, loaded.scenario.name, runs, reps)
    workers = workload.processes(work, default_workers())
    writing.approve(work(workers))
    result = calibrate(loaded.raw, loaded.file, loaded.scenario, fit, observations, reps, seed, workers)
    command = ["sim", *sys.argv[1:]]
    data = calibrated_data(scenario_data(target.scenario), result, observed.name)
    text = header(result, command, observed, loaded, into) + scenario_yaml(data)
    fitted = fitted_results(loaded, result, observation_dates(observations), workers)

    def fill(folder: Path) -> None:
        (folder / "calibrated.yaml").write_text(text, encoding="utf-8")
        load_scenario(folder / "calibrated.yaml")
        write_json(folder / "fit.json", _fit_json(result, observed, scenario, into))
        write_csv(folder / "residuals.csv", residual_rows(result))
        used = [(r.observation, r.noise_sd, f"z={r.z:+.1f}") for r in result.residuals]
        writing.plot_fit(
            folder / "fit.png", fitted, used, result.skipped, f"{loaded.scenario.name}: fit to {observed.name}"
        )

    written = write_result(dest, fill, {"seed": result.seed, "replications": result.replications})
    if scenario_out is not None:
        parent = os.path.relpath(target.file.resolve(), scenario_out.resolve().parent)
        layered = overlay(data, result, parent)
        body = scenario_yaml(layered) if layered is not None else scenario_yaml(data)
        write_scenario(scenario_out, header(result, command, observed, loaded, into) + body)
    return Calibrated(result, written, scenario_out)


def _fit_json(fit: Fit, observed: Path, scenario: Path, into: Path | None) -> dict[str, Any]:
    return {
        "scenario": str(scenario),
        "written_into": str(into or scenario),
        "observed": str(observed),
        "method": fit.method,
        "replications": fit.replications,
        "seed": fit.seed,
        "evaluations": fit.evaluations,
        "negative_log_likelihood": fit.nll,
        "noise": {"estimated": fit.noise_estimated, "relative_level": fit.noise_level, "dof": fit.dof},
        "parameters": fit_rows(fit),
        "observations_used": len(fit.residuals),
        "observations_outside_horizon": len(fit.skipped),
        "warnings": list(fit.warnings),
    }


def check_scenario_out(path: Path) -> None:
    """Refuse, before the fit, a ``--scenario-out`` that exists or whose folder does not."""
    if path.exists() or path.is_symlink():
        raise ScenarioError(
            "already exists; an earlier file is never written over, choose another --scenario-out",
            where=Location(path),
            field="--scenario-out",
        )
    if not path.parent.is_dir():
        raise ScenarioError(
            f"the folder {path.parent} does not exist; create it or choose another --scenario-out",
            where=Location(path),
            field="--scenario-out",
        )
