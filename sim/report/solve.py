"""Reports of a goal-seeking folder (``sim solve``): the lever value that reaches the goal.

Each answer says the smallest (or, with ``--maximize``, the largest) lever value at which the
target is reached with at least the goal probability, with the probability there and at the
neighbouring value that falls short; or, when the goal is out of reach, the best probability
found and where. The probes table lists every lever value the search evaluated.
"""

from __future__ import annotations

from sim.figures.solve import probe_line
from sim.i18n.language import Lang
from sim.report.document import Chart, Column, Report, Section, Table
from sim.report.folder import Folder
from sim.results.files import AnswerFigures, ProbeFigures


def _fixed(answer: AnswerFigures) -> str:
    return "; ".join(f"{k} = {v}" for k, v in answer.fixed.items())


def _decisive(answer: AnswerFigures) -> ProbeFigures:
    """The probe an answer stands on: at the value found, or the best one when none was."""
    return answer.at_answer if answer.reached and answer.at_answer is not None else answer.best


def answer_sentence(lang: Lang, answer: AnswerFigures) -> str:
    """One sentence per answer: the value found, or why there is none."""
    prefix = f"{_fixed(answer)}: " if answer.fixed else ""
    goal = lang.percent(answer.goal, 0)
    at = answer.at_answer
    if answer.reached and at is not None and answer.value is not None:  # the model checks they come together
        key = "solve_largest" if answer.maximize else "solve_smallest"
        text = lang.t(
            key,
            lever=answer.lever,
            goal=goal,
            value=lang.short(answer.value),
            p=lang.percent(at.probability, 1),
            lo=lang.percent(at.ci95[0], 1),
            hi=lang.percent(at.ci95[1], 1),
        )
        between = answer.uncertain_between
        if between:
            text += " " + lang.t("solve_between", lo=lang.short(between[0]), hi=lang.short(between[1]))
        return prefix + text
    best = answer.best
    return prefix + lang.t(
        "solve_unreachable",
        lever=answer.lever,
        goal=goal,
        p=lang.percent(best.probability, 1),
        value=lang.short(best.value),
    )


def solve_report(lang: Lang, folder: Folder) -> Report:
    """Every answer in one sentence, and the probes behind each."""
    data = folder.solve()
    answers = data.answers
    sentences = tuple(answer_sentence(lang, a) for a in answers)
    answer_table = Table(
        lang.t("solve_answers")[:31],
        lang.t("solve_answers"),
        (
            Column(lang.t("solve_fixed"), "text"),
            Column(lang.t("solve_lever"), "text"),
            Column(lang.t("value"), "num"),
            Column(lang.t("probability"), "pct"),
            Column(lang.t("ci_low"), "pct"),
            Column(lang.t("ci_high"), "pct"),
        ),
        tuple((_fixed(a), a.lever, a.value, _decisive(a).probability, *_decisive(a).ci95) for a in answers),
    )
    probes = [(a, p) for a in answers for p in sorted(a.probes, key=lambda p: p.value)]
    probe_table = Table(
        lang.t("solve_probes")[:31],
        lang.t("solve_probes"),
        (
            Column(lang.t("solve_fixed"), "text"),
            Column(lang.t("value"), "num"),
            Column(lang.t("solve_reps")),
            Column(lang.t("probability"), "pct"),
            Column(lang.t("ci_low"), "pct"),
            Column(lang.t("ci_high"), "pct"),
        ),
        tuple((_fixed(a), p.value, p.reps, p.probability, *p.ci95) for a, p in probes),
    )
    first = sorted(answers[0].probes, key=lambda p: p.value)
    png = probe_line(
        lang,
        [p.value for p in first],
        [p.probability for p in first],
        [p.ci95[0] for p in first],
        [p.ci95[1] for p in first],
        answers[0].lever,
    )
    return Report(
        lang=lang.code,
        title=f"{lang.t('title_solve')}: {data.scenario}",
        subtitle=lang.t("solve_goal", goal=lang.percent(data.goal, 0)),
        headline=sentences[0],
        sections=(
            Section("answers", lang.t("solve_answers"), paragraphs=sentences, tables=(answer_table,)),
            Section(
                "probes",
                lang.t("solve_probes"),
                charts=(Chart("solve.png", lang.t("solve_probes"), png),),
                tables=(probe_table,),
            ),
        ),
    )
