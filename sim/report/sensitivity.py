"""The report of a ``sim sensitivity`` folder: the figures ranked by how much the projection moves."""

from __future__ import annotations

from typing import Any

from sim.i18n.language import Lang
from sim.report.document import Chart, Column, Report, Section, Table
from sim.report.folder import Folder


def sensitivity_report(lang: Lang, folder: Folder) -> Report:
    """Tornado chart and table with the Sobol' indices beside each figure."""
    data = folder.sensitivity()
    sobol = {r.parameter: r for r in ((data.sobol.final if data.sobol else None) or [])}
    rows: list[tuple[Any, ...]] = []
    for r in data.tornado:
        s = sobol.get(r.parameter)
        rows.append(
            (
                r.rank,
                r.parameter,
                r.low,
                r.high,
                r.final_mean_low,
                r.final_mean_high,
                r.final_swing,
                r.probability_low,
                r.probability_high,
                s.S1 if s else None,
                s.ST if s else None,
            )
        )
    table = Table(
        "Tornado",
        lang.t("sensitivity"),
        (
            Column(lang.t("rank")),
            Column(lang.t("parameter"), "text"),
            Column(lang.t("low"), "num"),
            Column(lang.t("high"), "num"),
            Column(lang.t("final_low")),
            Column(lang.t("final_high")),
            Column(lang.t("swing"), "signed"),
            Column(lang.t("p_low"), "pct"),
            Column(lang.t("p_high"), "pct"),
            Column("S1", "num"),
            Column("ST", "num"),
        ),
        tuple(rows),
    )
    top = data.tornado[0] if data.tornado else None
    by_st = max(sobol.values(), key=lambda r: r.ST) if sobol else None
    name = by_st.parameter if by_st else (top.parameter if top else "–")
    swing = next((r.final_swing for r in data.tornado if r.parameter == name), 0.0)
    st = lang.t("st_clause", st=lang.percent(by_st.ST, 0)) if by_st else ""
    png = folder.tornado_png()
    return Report(
        lang=lang.code,
        title=f"{lang.t('title_sensitivity')}: {data.scenario}",
        subtitle=f"seed {data.seed}; " + "; ".join(f"{k} = {v}" for k, v in data.settings.items()),
        headline=lang.t("sensitivity_headline", name=name, swing=lang.signed(swing), st=st),
        sections=(
            Section(
                "sensitivity",
                lang.t("sensitivity"),
                (lang.t("sensitivity_note"),),
                (Chart("tornado.png", lang.t("sensitivity"), png),),
                (table,),
            ),
        ),
    )
