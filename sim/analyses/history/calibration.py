"""Calibration: the rates under which a scenario reproduces what was observed, with their uncertainty.

Method: maximum likelihood with common random numbers.

* For candidate values θ of the fitted rates, the scenario is run with those rates fixed and the same
  seed every time (common random numbers), so the objective changes smoothly with θ instead of
  jumping with fresh Monte Carlo noise. Observation dates are recorded exactly (Horizon marks).
* The ``n`` observations ``y`` are taken as Gaussian around the simulated means ``μ(θ)``:
  ``y ~ N(μ(θ), Σ)``, ``Σ = (1 + 1/R)·S(θ) + diag(σ²)``. ``S`` is the covariance across the ``R``
  replications of the series on the observed dates (process noise and the spread of rates that are
  not fitted; the ``1/R`` adds the Monte Carlo error of ``μ``), and ``σᵢ`` is the figure's own noise:
  its ``sd`` column when given, otherwise ``c·|yᵢ|/√wᵢ`` with one relative noise level ``c`` shared by
  the rows without an ``sd``, estimated by maximum likelihood (profiled out). Published figures on
  different bases therefore widen ``c`` and show up as large standardised residuals, rather than
  silently pulling the fit.
* Rates are fitted on an unbounded scale: log for counts and rates, logit for shares and monthly
  hazards, so every candidate is valid. One rate: bounded Brent search; several: Nelder–Mead.
* Uncertainty: the Fisher information of the Gaussian model, ``I = Jᵀ Σ⁻¹ J`` with ``J`` the
  derivative of the simulated means on the fitted scale (Gauss–Newton), ``se = √diag(I⁻¹)``; the 90% interval is
  ``x̂ ± q·se`` mapped back to the rate, with ``q`` the normal 95% point, or Student's t with
  ``n − k − 1`` degrees of freedom when the noise level ``c`` was estimated from the same rows.

Why not ABC: the figures are few and the likelihood above is cheap and close to Gaussian; a posterior
from ABC would need thousands of runs for the same interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from scipy import optimize, stats

from sim.analyses.history.observations import FloatArray, Observation, simulated
from sim.errors import ScenarioError
from sim.experiment.blocks import run_scenario
from sim.experiment.executors import make_executor
from sim.results.projections import Results
from sim.scenario import fields
from sim.scenario.loader import validate
from sim.scenario.paths import Override, apply, get_path, parse_path
from sim.scenario.schema import Scenario

LEVEL = 0.90
RIDGE = 1e-9
BRENT_XATOL = 1e-4  # one rate: Brent's search stops when its bracket is this narrow (fitted scale)
NELDER_MEAD_MAXFEV = 400  # several rates: Nelder–Mead stops after this many runs at the latest
SHARE_FLOOR = 1e-5  # shares are searched in [SHARE_FLOOR, 1 - SHARE_FLOOR]
COUNT_FACTOR = 1000  # counts and rates are searched within ×/÷ this of their start

Point = Sequence[float] | FloatArray


@dataclass(frozen=True)
class FittedRate:
    """A rate to fit: its field path, scale (``share`` on logit, ``count`` on log) and starting value."""

    path: str
    share: bool
    start: float

    def to_x(self, value: float) -> float:
        """The rate on the unbounded scale the search works in."""
        return math.log(value / (1 - value)) if self.share else math.log(value)

    def from_x(self, x: float) -> float:
        """Back from the search scale: inverse logit or exp."""
        if self.share:
            return 1 / (1 + math.exp(-x))
        return math.exp(x)

    @property
    def bounds(self) -> tuple[float, float]:
        """Search bounds on the fitted scale: shares in [1e-5, 1 − 1e-5]; counts within ×/÷ 1000 of the start."""
        if self.share:
            return (self.to_x(SHARE_FLOOR), self.to_x(1 - SHARE_FLOOR))
        x0 = self.to_x(self.start)
        return (x0 - math.log(COUNT_FACTOR), x0 + math.log(COUNT_FACTOR))


def parameter(scenario: Scenario, raw: Any, path: str) -> FittedRate:
    """The fittable rate at ``path``; an error if the path is missing or is not a rate."""
    get_path(raw, path)
    node: Any = scenario
    owner: Any = None
    name = ""
    for step in parse_path(path):
        if isinstance(node, list):
            node = next(ch for ch in node if ch.name == step) if isinstance(step, str) else node[int(str(step))]
        elif isinstance(node, dict):
            node = node[step]
        else:
            owner, name = type(node), str(step)
            node = getattr(node, name)
    if owner is None or not hasattr(node, "sample") or not hasattr(node, "mean"):
        raise ScenarioError("only a rate (a number or a distribution) can be fitted", field=path)
    metadata = owner.model_fields[name].metadata
    share = any(getattr(m, "func", None) is fields._as_probability for m in metadata)
    start = float(node.mean)
    if share:
        start = min(max(start, 0.01), 0.99)
    elif start <= 0:
        raise ScenarioError("its value is 0; give the scenario a positive starting value to fit from", field=path)
    return FittedRate(path, share, start)


@dataclass(frozen=True)
class DrawsAtTheta:
    """The model's view of the observations at one θ: draws (observations × replications)."""

    theta: tuple[float, ...]
    draws: FloatArray

    @property
    def mean(self) -> FloatArray:
        m: FloatArray = self.draws.mean(axis=1)
        return m

    @property
    def covariance(self) -> FloatArray:
        """Covariance across replications, inflated by 1 + 1/R for the Monte Carlo error of the mean."""
        r = self.draws.shape[1]
        cov = np.atleast_2d(np.cov(self.draws)) if r > 1 else np.zeros((len(self.draws),) * 2)
        out: FloatArray = cov * (1 + 1 / r)
        return out


def noise_sd(observations: Sequence[Observation], c: float) -> FloatArray:
    """Each figure's own noise: its ``sd``, or ``c·|y|/√weight`` when no ``sd`` is given."""
    return np.array(
        [o.sd if o.sd is not None else c * max(abs(o.value), 1e-12) / math.sqrt(o.weight) for o in observations]
    )


def gaussian_nll(y: FloatArray, mean: FloatArray, cov: FloatArray, sd: FloatArray) -> float:
    """−log N(y; mean, cov + diag(sd²)), through a Cholesky factor."""
    sigma = cov + np.diag(sd**2) + RIDGE * np.diag(y**2 + 1)
    try:
        chol = np.linalg.cholesky(sigma)
    except np.linalg.LinAlgError:
        return math.inf
    z = np.linalg.solve(chol, y - mean)
    return float(0.5 * (z @ z) + np.log(np.diag(chol)).sum() + 0.5 * len(y) * math.log(2 * math.pi))


@dataclass
class Objective:
    """The profile negative log-likelihood of the fitted rates, with its runs cached."""

    raw: Any
    file: Path
    parameters: tuple[FittedRate, ...]
    observations: tuple[Observation, ...]
    replications: int
    seed: int
    cache: dict[tuple[float, ...], DrawsAtTheta] = field(default_factory=dict)
    executor: Executor | None = None  # where the runs go: the fit's one pool, or this process
    workers: int = 1

    @property
    def y(self) -> FloatArray:
        return np.array([o.value for o in self.observations])

    @property
    def noise_estimated(self) -> bool:
        return any(o.sd is None for o in self.observations)

    def scenario_at(self, theta: Sequence[float]) -> Scenario:
        overrides = [Override(p.path, float(v)) for p, v in zip(self.parameters, theta, strict=True)]
        scenario, _ = validate(apply(self.raw, overrides), self.file)
        return scenario

    def run(self, theta: Sequence[float]) -> Results:
        marks = tuple(sorted({o.when for o in self.observations}))
        return run_scenario(
            self.scenario_at(theta),
            replications=self.replications,
            seed=self.seed,
            marks=marks,
            workers=self.workers,
            executor=self.executor,
        )

    def evaluate(self, x: Point) -> DrawsAtTheta:
        theta = tuple(p.from_x(float(v)) for p, v in zip(self.parameters, x, strict=True))
        if theta not in self.cache:
            results = self.run(theta)
            draws = np.stack([simulated(results, o) for o in self.observations])
            self.cache[theta] = DrawsAtTheta(theta, draws)
        return self.cache[theta]

    def noise_level(self, ev: DrawsAtTheta) -> float:
        """The maximum-likelihood relative noise ``c`` at this θ (0 when every row has an sd)."""
        if not self.noise_estimated:
            return 0.0
        y, mean, cov = self.y, ev.mean, ev.covariance

        def nll(log_c: float) -> float:
            return gaussian_nll(y, mean, cov, noise_sd(self.observations, math.exp(log_c)))

        best = optimize.minimize_scalar(
            nll, bounds=(math.log(1e-5), math.log(10.0)), method="bounded", options={"xatol": 1e-4}
        )
        return math.exp(float(best.x))

    def __call__(self, x: Point) -> float:
        ev = self.evaluate(x)
        c = self.noise_level(ev)
        return gaussian_nll(self.y, ev.mean, ev.covariance, noise_sd(self.observations, c))


@dataclass(frozen=True)
class Estimate:
    """A fitted rate: estimate, standard error on the fitted scale and the 90% interval."""

    parameter: FittedRate
    x: float
    se: float
    quantile: float

    @property
    def value(self) -> float:
        return self.parameter.from_x(self.x)

    @property
    def identified(self) -> bool:
        return math.isfinite(self.se) and self.se > 0

    @property
    def interval(self) -> tuple[float, float]:
        """The 90% interval, mapped back from the fitted scale."""
        if not self.identified:
            lo, hi = self.parameter.bounds
        else:
            lo, hi = self.x - self.quantile * self.se, self.x + self.quantile * self.se
        return self.parameter.from_x(lo), self.parameter.from_x(hi)


@dataclass(frozen=True)
class Residual:
    """How far one observation lies from the fitted projection, in its predictive sds."""

    observation: Observation
    mean: float
    process_sd: float
    noise_sd: float

    @property
    def z(self) -> float:
        return (self.observation.value - self.mean) / math.hypot(self.process_sd, self.noise_sd)

    @property
    def flag(self) -> str:
        size = abs(self.z)
        return "outlier" if size > 3 else "check" if size > 2 else ""


@dataclass(frozen=True)
class Fit:
    """Everything a calibration found."""

    estimates: tuple[Estimate, ...]
    noise_level: float
    noise_estimated: bool
    nll: float
    residuals: tuple[Residual, ...]
    skipped: tuple[Observation, ...]
    evaluations: int
    method: str
    replications: int
    seed: int
    warnings: tuple[str, ...]

    @property
    def dof(self) -> int:
        return len(self.residuals) - len(self.estimates) - (1 if self.noise_estimated else 0)


def fisher_information(objective: Objective, x: FloatArray, step: float = 0.05) -> FloatArray:
    """Gauss–Newton (Fisher) information ``Jᵀ Σ⁻¹ J`` at ``x``.

    ``J`` is the derivative of the simulated means on the fitted scale, by central differences of
    width ``2·step``, and ``Σ`` the predictive covariance at ``x`` (with the noise level fitted there).

    Only first derivatives of the means are needed, which common random numbers keep smooth; a
    finite-difference Hessian of the likelihood would amplify the Monte Carlo jitter instead.
    """
    k = len(x)
    ev = objective.evaluate(x)
    c = objective.noise_level(ev)
    sd = noise_sd(objective.observations, c)
    y = objective.y
    sigma = ev.covariance + np.diag(sd**2) + RIDGE * np.diag(y**2 + 1)
    jac = np.zeros((len(y), k))
    for i in range(k):
        e = np.eye(k)[i] * step
        jac[:, i] = (objective.evaluate(x + e).mean - objective.evaluate(x - e).mean) / (2 * step)
    info: FloatArray = jac.T @ np.linalg.solve(sigma, jac)
    return info


def standard_errors(objective: Objective, x: FloatArray) -> FloatArray:
    """√diag(I⁻¹) from the Fisher information; infinite where the observations do not identify a rate."""
    info = fisher_information(objective, x)
    if not np.all(np.isfinite(info)) or np.linalg.eigvalsh(info).min() <= 1e-12 * max(1.0, np.abs(info).max()):
        return np.full(len(x), math.inf)
    se: FloatArray = np.sqrt(np.diag(np.linalg.inv(info)))
    return se


def optimise(objective: Objective) -> tuple[FloatArray, str]:
    """The maximum-likelihood point on the fitted scale, and the method that found it."""
    params = objective.parameters
    x0 = np.array([p.to_x(p.start) for p in params])
    bounds = [p.bounds for p in params]
    if len(params) == 1:
        best = optimize.minimize_scalar(
            lambda v: objective([v]), bounds=bounds[0], method="bounded", options={"xatol": BRENT_XATOL}
        )
        return np.array([best.x]), "maximum likelihood, bounded Brent search (scipy minimize_scalar)"
    simplex = np.vstack([x0, *[x0 + 0.3 * np.eye(len(x0))[i] for i in range(len(x0))]])
    best = optimize.minimize(
        objective,
        x0,
        method="Nelder-Mead",
        bounds=bounds,
        options={"xatol": 2e-3, "fatol": 1e-2, "initial_simplex": simplex, "maxfev": NELDER_MEAD_MAXFEV},
    )
    return np.asarray(best.x, dtype=np.float64), "maximum likelihood, Nelder–Mead with bounds (scipy minimize)"


def max_evaluations(rates: int) -> int:
    """About the most runs a fit of ``rates`` rates makes: its search, 2 per rate for the information, 2 more.

    One rate: Brent's bounded search takes at most about twice the golden-section steps that shrink
    the widest bounds (a share's, ``2·logit(1 − SHARE_FLOOR)``) to :data:`BRENT_XATOL`; several:
    Nelder–Mead's :data:`NELDER_MEAD_MAXFEV`. The 2 more are the fitted point and the plotted run.
    """
    if rates <= 1:
        width = 2 * math.log((1 - SHARE_FLOOR) / SHARE_FLOOR)
        search = 2 * math.ceil(math.log(width / BRENT_XATOL) / math.log((1 + math.sqrt(5)) / 2))
    else:
        search = NELDER_MEAD_MAXFEV
    return search + 2 * rates + 2


def calibrate(
    raw: Any,
    file: Path,
    scenario: Scenario,
    paths: Sequence[str],
    observations: tuple[Observation, ...],
    replications: int = 200,
    seed: int | None = None,
    workers: int = 1,
) -> Fit:
    """Fit the rates at ``paths`` to the observations inside the scenario's horizon, on ``workers`` processes."""
    if not paths:
        raise ScenarioError("name at least one rate to fit", field="--fit")
    params = tuple(parameter(scenario, raw, p) for p in dict.fromkeys(paths))
    used = tuple(o for o in observations if scenario.start <= o.when <= scenario.end)
    skipped = tuple(o for o in observations if o not in used)
    if len(used) < len(params):
        raise ScenarioError(
            f"{len(used)} observations fall inside the horizon {scenario.start} to {scenario.end}, "
            f"too few to fit {len(params)} rates; start the scenario at or before the earliest observation",
            field="--observed",
        )
    with make_executor(workers) as pool:
        root = seed if seed is not None else scenario.seed
        objective = Objective(raw, file, params, used, replications, root, executor=pool, workers=workers)
        x, method = optimise(objective)
        nll = objective(x)
        se = standard_errors(objective, x)
        ev = objective.evaluate(x)
    dof = len(used) - len(params) - 1
    warnings: list[str] = []
    if objective.noise_estimated and dof < 1:
        warnings.append(
            f"{len(used)} observations leave no degree of freedom to estimate their noise; "
            "give an sd column, or more observations"
        )
    q = (
        float(stats.t.ppf(0.5 + LEVEL / 2, dof))
        if objective.noise_estimated and dof >= 1
        else float(stats.norm.ppf(0.5 + LEVEL / 2))
    )
    estimates = tuple(Estimate(p, float(v), float(s), q) for p, v, s in zip(params, x, se, strict=True))
    for e in estimates:
        if not e.identified:
            warnings.append(f"{e.parameter.path}: not identified by these observations; interval = search range")
        lo, hi = e.parameter.bounds
        if min(e.x - lo, hi - e.x) < 1e-3 * (hi - lo):
            warnings.append(f"{e.parameter.path}: the fit stopped at the edge of its search range")
    c = objective.noise_level(ev)
    noise = noise_sd(used, c)
    cov = ev.covariance
    residuals = tuple(
        Residual(o, float(ev.mean[i]), float(math.sqrt(max(cov[i, i], 0.0))), float(noise[i]))
        for i, o in enumerate(used)
    )
    return Fit(
        estimates,
        c,
        objective.noise_estimated,
        nll,
        residuals,
        skipped,
        len(objective.cache),
        method,
        replications,
        objective.seed,
        tuple(warnings),
    )


def observation_dates(observations: Sequence[Observation]) -> tuple[date, ...]:
    """The distinct observation dates, in order (marks for a run that should record them)."""
    return tuple(sorted({o.when for o in observations}))
