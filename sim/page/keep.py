"""Keeping what the meeting decided: the settings as a scenario file, and the meeting report.

**Save as scenario** writes ``<base>-<label>.yaml`` beside the base scenario. It ``extends`` the
base and sets only the changed fields, with a header saying when and from what it was made: the
same layering and the same careful write as ``calibrate --scenario-out``
(:mod:`sim.analyses.history.writeback`). It is loaded back before it is linked into place, and never
written over an existing file.

**Export report** writes the view's run as a result folder under the results folder (exactly the
folder ``sim run BASE --set ... --seed`` writes, from the figures on screen) and the report of it
in the page's language, through the report builders of ``sim report``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sim import __version__
from sim.analyses.history.writeback import scenario_yaml, set_layered, write_scenario
from sim.page.levers import checked
from sim.page.runs import Answer
from sim.report.write import FORMATS, check_lang, write_report
from sim.results.folder import check_destination, default_destination, slug, write_run
from sim.scenario.loader import Loaded
from sim.scenario.paths import single_overrides
from sim.scenario.schema import scenario_data


def saved_text(loaded: Loaded, sets: Sequence[str], label: str, now: datetime) -> str:
    """The new scenario's text: a header, then ``extends`` the base with only the changed fields."""
    scenario = checked(loaded, sets)
    full = scenario_data(scenario)
    layer: dict[str, object] = {"extends": loaded.file.name, "name": f"{loaded.scenario.name}: {label}"}
    for o in single_overrides(list(sets)):
        set_layered(layer, full, o.path)
    lines = [
        f"Saved from the what-if page (sim serve) on {now.isoformat(timespec='seconds')}, sim {__version__}.",
        f"Extends {loaded.file.name} and sets only what was changed there:",
        *(f"  {s}" for s in sets),
        f"It runs like: sim run {loaded.file} " + " ".join(f"--set '{s}'" for s in sets),
    ]
    return "".join(f"# {line}\n" for line in lines) + scenario_yaml(layer)


def save_scenario(loaded: Loaded, sets: Sequence[str], label: str = "", now: datetime | None = None) -> Path:
    """Write the settings as a scenario beside the base; a new name if the first choice is taken."""
    when = now or datetime.now()
    label = label.strip() or f"what-if {when:%Y-%m-%d %H.%M.%S}"
    text = saved_text(loaded, sets, label, when)
    # ``60 BPR, KUR 50%`` → ``…-60-bpr-kur-50``; a label without a letter or digit → ``…-what-if``.
    named = re.search(r"[a-z0-9]", label.lower()) is not None
    stem = f"{loaded.file.stem}-{slug(label)[:60] if named else 'what-if'}"
    folder = loaded.file.parent
    for n in range(1, 100):
        path = folder / (f"{stem}.yaml" if n == 1 else f"{stem}-{n}.yaml")
        if not path.exists() and not path.is_symlink():
            write_scenario(path, text, field="save")
            return path
    raise FileExistsError(f"{folder}: too many saved scenarios named {stem}")


def export_report(
    loaded: Loaded, sets: Sequence[str], answer: Answer, results_dir: Path, lang: str, formats: Sequence[str] = FORMATS
) -> Path:
    """Write the view's run folder under ``results_dir`` and its report in ``lang``; returns the report folder."""
    check_lang(lang)
    scenario = checked(loaded, sets)
    dest = default_destination(results_dir, scenario)
    check_destination(dest)
    facts = {
        "seed": answer.summary["seed"],
        "replications": answer.replications,
        "scenario_file": str(loaded.file),
        "extends_chain": [str(p) for p in loaded.chain],
        "overrides": list(sets),
        "workers": os.cpu_count() or 1,
        "scheduler": "sim serve",
    }
    written = write_run(dest, answer.summary, list(answer.monthly), scenario, loaded.chain, facts)
    return write_report(written, lang, formats)
