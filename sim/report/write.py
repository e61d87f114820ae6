"""Build a folder's report in the chosen language and formats, and write it atomically."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.errors import ScenarioError
from sim.i18n.catalogue import LANGS
from sim.i18n.language import Lang
from sim.report import html, markdown, pdf, xlsx
from sim.report.document import Report
from sim.report.folder import open_folder
from sim.report.optimize import optimize_report
from sim.report.run import run_report
from sim.report.sensitivity import sensitivity_report
from sim.report.solve import solve_report
from sim.report.strategies import compare_report, sweep_report
from sim.results.folder import write_atomically

FORMATS = ("md", "html", "xlsx", "pdf")


def build(results: Path, lang: Lang) -> Report:
    """The report of a run, comparison, sweep, sensitivity, solve or optimize folder."""
    folder = open_folder(results)
    if folder.kind == "compare":
        return compare_report(lang, folder)
    if folder.kind == "sweep":
        return sweep_report(lang, folder)
    if folder.kind == "sensitivity":
        return sensitivity_report(lang, folder)
    if folder.kind == "solve":
        return solve_report(lang, folder)
    if folder.kind == "optimize":
        return optimize_report(lang, folder)
    return run_report(lang, folder)


def write_files(report: Report, folder: Path, formats: Sequence[str]) -> None:
    """Write ``report.<format>`` for each format (Markdown with its charts beside it)."""
    if "md" in formats:
        (folder / "report.md").write_text(markdown.render(report), encoding="utf-8")
        for section in report.sections:
            for chart in section.charts:
                (folder / chart.name).write_bytes(chart.png)
    if "html" in formats:
        (folder / "report.html").write_text(html.render(report), encoding="utf-8")
    if "xlsx" in formats:
        xlsx.write(report, folder / "report.xlsx")
    if "pdf" in formats:
        pdf.write(report, folder / "report.pdf")


def check_lang(lang: str) -> None:
    """Refuse a language the report is not written in, before anything runs."""
    if lang not in LANGS:
        raise ScenarioError(f"unknown language {lang!r}; allowed: {', '.join(LANGS)}", field="--lang")


def write_report(results: Path, lang: str = "id", formats: Sequence[str] = FORMATS, dest: Path | None = None) -> Path:
    """Write the report of ``results`` into ``dest`` (default ``RESULTS/report-<lang>/``)."""
    report = build(results, Lang(lang))
    target = dest if dest is not None else results / f"report-{lang}"
    return write_atomically(target, lambda folder: write_files(report, folder, formats))
