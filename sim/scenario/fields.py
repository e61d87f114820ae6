"""Field types shared by every part of the scenario format.

Every scenario model derives from :class:`Frozen`: unknown keys are rejected, values are not
silently coerced (``"8600"`` is not a number, ``true`` is not a count), NaN and infinity are
refused, and the validated object cannot be changed afterwards.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
)

from sim.scenario import distributions
from sim.scenario.distributions import Distribution

SEGMENTS = ("pu", "bpu", "jakon")
Segment = Literal["pu", "bpu", "jakon"]


class Frozen(BaseModel):
    """Base of all scenario models: strict, closed to unknown keys, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


def _as_probability(value: Any) -> Distribution:
    return distributions.check_bounds(distributions.parse(value), 0.0, 1.0, "[0, 1]")


def _as_non_negative(value: Any) -> Distribution:
    return distributions.check_bounds(distributions.parse(value), 0.0, float("inf"), "[0, ∞)")


def _rate_schema(minimum: float, maximum: float | None) -> dict[str, Any]:
    number: dict[str, Any] = {"type": "number", "minimum": minimum}
    if maximum is not None:
        number["maximum"] = maximum
    pair = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
    triple = {"type": "array", "items": {"type": "number"}, "minItems": 3, "maxItems": 3}

    def one_key(key: str, value: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object", "properties": {key: value}, "required": [key], "additionalProperties": False}

    options: list[dict[str, Any]] = [
        number,
        one_key("beta", pair),
        one_key("uniform", pair),
        one_key("triangular", triple),
    ]
    if maximum is None:
        options.append(
            {
                "type": "object",
                "properties": {
                    "lognormal": {
                        "type": "object",
                        "properties": {"mean": {"type": "number"}, "sd": {"type": "number"}},
                        "required": ["mean", "sd"],
                        "additionalProperties": False,
                    }
                },
                "required": ["lognormal"],
                "additionalProperties": False,
            }
        )
    return {"anyOf": options, "description": "a number, or a distribution drawn once per replication"}


_serialize = PlainSerializer(lambda d: d.to_data(), return_type=Any)

Probability = Annotated[
    Distribution, PlainValidator(_as_probability), _serialize, WithJsonSchema(_rate_schema(0.0, 1.0))
]
"""A share or probability in [0, 1], as a number or a distribution."""

NonNegative = Annotated[
    Distribution, PlainValidator(_as_non_negative), _serialize, WithJsonSchema(_rate_schema(0.0, None))
]
"""A rate or count that is at least 0, as a number or a distribution."""

Date = Annotated[date, Field(strict=False)]
"""A calendar date written as YYYY-MM-DD."""

Count = Annotated[int, Field(ge=0)]
PositiveCount = Annotated[int, Field(gt=0)]
