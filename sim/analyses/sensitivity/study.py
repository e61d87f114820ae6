"""A sensitivity study as ``sim sensitivity`` runs it: parameters, tornado, Sobol' indices and the folder.

:meth:`Study.plan` loads the scenario, finds its uncertain figures (and those named with
``--param``), and checks the Sobol' sample size; :meth:`Study.run` runs the tornado and, unless
asked not to, the Sobol' analysis, and gives back ``sensitivity.json``'s data.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim import __version__
from sim.analyses.sensitivity.parameters import Parameter, from_distributions, parse_given
from sim.analyses.sensitivity.sobol import CHUNK_REPS, point_count, sobol
from sim.analyses.sensitivity.tornado import tornado
from sim.errors import ScenarioError
from sim.experiment import workload
from sim.experiment.executors import make_executor
from sim.scenario.loader import Loaded, load_scenario
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Study:
    """What to vary and how much to run: the loaded scenario, its parameters, and the settings."""

    file: Path
    loaded: Loaded
    drawn: list[Parameter]
    given: list[Parameter]
    samples: int
    reps: int
    tornado_reps: int
    sobol: bool
    seed: int

    @classmethod
    def plan(
        cls, file: Path, param: list[str], *, samples: int, reps: int, tornado_reps: int, sobol: bool, seed: int | None
    ) -> Study:
        """Load ``file`` and every parameter: its distributions, and ``--param PATH=LOW:HIGH`` ones."""
        if samples & (samples - 1):
            raise ScenarioError(
                f"{samples} is not a power of two (Sobol' points balance only then), e.g. 64 or 128", field="--samples"
            )
        loaded = load_scenario(file)
        s = loaded.scenario
        given = [parse_given(text, file, s) for text in param]
        chosen = {p.path for p in given}
        drawn = [p for p in from_distributions(s) if p.path not in chosen]
        root = seed if seed is not None else s.seed
        return cls(file, loaded, drawn, given, samples, reps, tornado_reps, sobol, root)

    @property
    def parameters(self) -> list[Parameter]:
        """Every parameter of the tornado: the scenario's distributions, then those given."""
        return self.drawn + self.given

    def work(self, workers: int) -> workload.Work:
        """What the study will cost, for the planner to approve."""
        s = self.loaded.scenario
        points = point_count(self.samples, len(self.drawn)) if self.drawn and self.sobol else 0
        return workload.sensitivity(
            workload.shape_of(s),
            s.name,
            len(self.parameters),
            self.tornado_reps,
            points,
            self.reps,
            workers,
            CHUNK_REPS,
        )

    def run(self, workers: int) -> dict[str, Any]:
        """``sensitivity.json``: the tornado rows and, if asked for, the Sobol' indices.

        On up to ``workers`` processes: the pool is started only if the study's work pays for it.
        """
        s = self.loaded.scenario
        workers = workload.processes(self.work, workers)
        with make_executor(workers) as pool:
            return self._run(s, workers, pool)

    def _run(self, s: Scenario, workers: int, pool: Executor | None) -> dict[str, Any]:
        rows = tornado(
            s,
            self.file,
            self.parameters,
            replications=self.tornado_reps,
            seed=self.seed,
            workers=workers,
            executor=pool,
        )
        report: dict[str, Any] = {
            "scenario": s.name,
            "version": __version__,
            "seed": self.seed,
            "settings": {
                "tornado_reps": self.tornado_reps,
                "samples": self.samples,
                "reps_per_point": self.reps,
                "sobol": self.sobol,
            },
            "tornado": rows,
            "sobol": None,
        }
        if self.sobol and self.drawn:
            report["sobol"] = sobol(
                s, self.drawn, samples=self.samples, reps=self.reps, seed=self.seed, workers=workers, executor=pool
            )
        return report
