"""Meeting-ready reports of a result folder (a run, comparison, sweep, sensitivity or solve folder).

:mod:`sim.report.run`, :mod:`sim.report.strategies`, :mod:`sim.report.sensitivity` and
:mod:`sim.report.solve` read the folder into a language-aware :class:`~sim.report.document.Report`
of sections, tables (real numbers with a kind each) and charts (drawn by :mod:`sim.figures`); the
renderers turn the same report into Markdown, HTML, xlsx and PDF (:mod:`sim.report.markdown`,
:mod:`sim.report.html`, :mod:`sim.report.xlsx`, :mod:`sim.report.pdf`), and
:mod:`sim.report.write` puts them in an atomically written folder. What the commands print in the
terminal is here too: :mod:`sim.report.verdict` (``sim run``) and :mod:`sim.report.terminal` (the
other commands' tables and lines). May import :mod:`sim.figures` and every layer below it.
"""
