"""What planners do not know, written as a distribution and drawn once per replication.

Any rate in a scenario is either a number or a one-key mapping naming a distribution::

    enrollment_rate: 0.6
    enrollment_rate: {beta: [6, 4]}              # mean a/(a+b) = 0.6
    enrollment_rate: {uniform: [0.4, 0.8]}
    enrollment_rate: {triangular: [0.4, 0.6, 0.8]}
    loans_per_month: {lognormal: {mean: 8600, sd: 1500}}

Each distribution carries its closed-form mean and variance beside its sampler (as Ciw's do), so
tests and reports can state what a draw should average to.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


class Distribution(Protocol):
    """A scalar that may be uncertain: one value per replication."""

    @property
    def mean(self) -> float: ...

    @property
    def variance(self) -> float: ...

    @property
    def support(self) -> tuple[float, float]: ...

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray: ...

    def ppf(self, q: float) -> float: ...

    def to_data(self) -> Any: ...


@dataclass(frozen=True)
class Constant:
    """A known value: every replication uses it."""

    value: float

    @property
    def mean(self) -> float:
        return self.value

    @property
    def variance(self) -> float:
        return 0.0

    @property
    def support(self) -> tuple[float, float]:
        return (self.value, self.value)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return np.full(n, self.value, dtype=np.float64)

    def ppf(self, q: float) -> float:
        return self.value

    def to_data(self) -> Any:
        return int(self.value) if float(self.value).is_integer() else self.value


@dataclass(frozen=True)
class Beta:
    """Beta(a, b) on [0, 1]: mean a/(a+b), variance ab/((a+b)^2 (a+b+1))."""

    a: float
    b: float

    @property
    def mean(self) -> float:
        return self.a / (self.a + self.b)

    @property
    def variance(self) -> float:
        s = self.a + self.b
        return self.a * self.b / (s * s * (s + 1))

    @property
    def support(self) -> tuple[float, float]:
        return (0.0, 1.0)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.beta(self.a, self.b, size=n)

    def ppf(self, q: float) -> float:
        from scipy import stats  # imported here: scipy.stats costs ~0.4 s at start-up

        return float(stats.beta(self.a, self.b).ppf(q))

    def to_data(self) -> Any:
        return {"beta": [self.a, self.b]}


@dataclass(frozen=True)
class Uniform:
    """Uniform on [lo, hi]: mean (lo+hi)/2, variance (hi-lo)^2/12."""

    lo: float
    hi: float

    @property
    def mean(self) -> float:
        return (self.lo + self.hi) / 2

    @property
    def variance(self) -> float:
        return (self.hi - self.lo) ** 2 / 12

    @property
    def support(self) -> tuple[float, float]:
        return (self.lo, self.hi)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.uniform(self.lo, self.hi, size=n)

    def ppf(self, q: float) -> float:
        return self.lo + q * (self.hi - self.lo)

    def to_data(self) -> Any:
        return {"uniform": [self.lo, self.hi]}


@dataclass(frozen=True)
class Triangular:
    """Triangular(lo, mode, hi): mean (lo+mode+hi)/3, variance (l²+m²+h²-lm-lh-mh)/18."""

    lo: float
    mode: float
    hi: float

    @property
    def mean(self) -> float:
        return (self.lo + self.mode + self.hi) / 3

    @property
    def variance(self) -> float:
        lo, m, hi = self.lo, self.mode, self.hi
        return (lo * lo + m * m + hi * hi - lo * m - lo * hi - m * hi) / 18

    @property
    def support(self) -> tuple[float, float]:
        return (self.lo, self.hi)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.triangular(self.lo, self.mode, self.hi, size=n)

    def ppf(self, q: float) -> float:
        width = self.hi - self.lo
        c = (self.mode - self.lo) / width
        from scipy import stats

        return float(stats.triang(c, loc=self.lo, scale=width).ppf(q))

    def to_data(self) -> Any:
        return {"triangular": [self.lo, self.mode, self.hi]}


@dataclass(frozen=True)
class Lognormal:
    """Lognormal given by its own mean and sd: σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2."""

    mean_value: float
    sd: float

    @property
    def sigma(self) -> float:
        return math.sqrt(math.log1p((self.sd / self.mean_value) ** 2))

    @property
    def mu(self) -> float:
        return math.log(self.mean_value) - self.sigma**2 / 2

    @property
    def mean(self) -> float:
        return self.mean_value

    @property
    def variance(self) -> float:
        return self.sd**2

    @property
    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.lognormal(self.mu, self.sigma, size=n)

    def ppf(self, q: float) -> float:
        from scipy import stats

        return float(stats.lognorm(self.sigma, scale=math.exp(self.mu)).ppf(q))

    def to_data(self) -> Any:
        return {"lognormal": {"mean": self.mean_value, "sd": self.sd}}


KINDS = ("beta", "uniform", "triangular", "lognormal")


def _numbers(value: Any, count: int, form: str) -> list[float]:
    if not isinstance(value, list | tuple) or len(value) != count:
        raise ValueError(f"expected {form}")
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ValueError(f"expected {form} with finite numbers, got {v!r}")
        out.append(float(v))
    return out


def parse(value: Any) -> Distribution:
    """Turn a YAML value into a distribution, or raise ``ValueError`` saying what is allowed."""
    if isinstance(value, Constant | Beta | Uniform | Triangular | Lognormal):
        return value
    if isinstance(value, bool):
        raise ValueError("expected a number or a distribution, got a boolean")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {value}")
        return Constant(float(value))
    if isinstance(value, str):
        raise ValueError(f"expected a number or a distribution, got the text {value!r}; write numbers without quotes")
    if not isinstance(value, dict) or len(value) != 1:
        raise ValueError(f"expected a number or one of {{{', '.join(k + ': ...' for k in KINDS)}}}")
    ((kind, args),) = value.items()
    if kind == "beta":
        a, b = _numbers(args, 2, "beta: [a, b]")
        if a <= 0 or b <= 0:
            raise ValueError(f"beta: [a, b] needs a > 0 and b > 0, got [{a:g}, {b:g}]")
        return Beta(a, b)
    if kind == "uniform":
        lo, hi = _numbers(args, 2, "uniform: [lo, hi]")
        if not lo < hi:
            raise ValueError(f"uniform: [lo, hi] needs lo < hi, got [{lo:g}, {hi:g}]")
        return Uniform(lo, hi)
    if kind == "triangular":
        lo, mode, hi = _numbers(args, 3, "triangular: [lo, mode, hi]")
        if not (lo <= mode <= hi and lo < hi):
            raise ValueError(
                f"triangular: [lo, mode, hi] needs lo <= mode <= hi and lo < hi, got [{lo:g}, {mode:g}, {hi:g}]"
            )
        return Triangular(lo, mode, hi)
    if kind == "lognormal":
        if not isinstance(args, dict) or set(args) != {"mean", "sd"}:
            raise ValueError("expected lognormal: {mean: m, sd: s}")
        m, s = _numbers([args["mean"], args["sd"]], 2, "lognormal: {mean: m, sd: s}")
        if m <= 0 or s <= 0:
            raise ValueError(f"lognormal needs mean > 0 and sd > 0, got mean {m:g}, sd {s:g}")
        return Lognormal(m, s)
    close = difflib.get_close_matches(str(kind), KINDS, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ValueError(f"unknown distribution {kind!r}{hint} (allowed: {', '.join(KINDS)})")


def check_bounds(dist: Distribution, lo: float, hi: float, what: str) -> Distribution:
    """Reject a distribution whose values could fall outside ``[lo, hi]``."""
    s_lo, s_hi = dist.support
    if isinstance(dist, Constant) and not lo <= dist.value <= hi:
        raise ValueError(f"must be within {what}, got {dist.value:g}")
    if s_lo < lo or s_hi > hi:
        shown = dist.to_data()
        raise ValueError(f"{shown} can take values outside {what}")
    return dist
