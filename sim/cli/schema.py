"""``sim schema``: the scenario format as JSON Schema, for editors to complete and check YAML."""

from __future__ import annotations

import json

import typer

from sim.scenario.schema import Scenario


def scenario_schema() -> dict[str, object]:
    """JSON Schema of a scenario file."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "sim scenario"
    props = schema.setdefault("properties", {})
    props["extends"] = {"type": "string", "description": "parent scenario file this one overrides"}
    return schema


def schema_command() -> None:
    """Print the scenario format as JSON Schema."""
    typer.echo(json.dumps(scenario_schema(), indent=2))
