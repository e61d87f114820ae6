"""``sim serve``: the what-if page for semester strategy meetings (Shiny for Python, all assets offline).

A planner picks a scenario from the folder's list, reads the verdict, moves levers derived from the
scenario's own schema, and sees the new verdict with its paired difference from the scenario as
written (common random numbers, same seed). The modules, one concept each:

* :mod:`~sim.page.url` -- the view in the address bar (scenario, settings, language): the page's contract;
* :mod:`~sim.page.scenarios` -- the scenarios a page may open, by name from one folder;
* :mod:`~sim.page.levers` -- the levers of a scenario and the checking of a planner's values;
* :mod:`~sim.page.runs` -- runs off the event loop: a preview, then the full answer, newest wins;
* :mod:`~sim.page.views` -- the verdict, difference, tables and fan chart as HTML;
* :mod:`~sim.page.keep` -- save as scenario, export the report;
* :mod:`~sim.page.app` -- the Shiny app: page per request and the session's reactive graph;
* :mod:`~sim.page.server` -- binding, the access token, the worker pool's lifetime, stopping.

It sits beside :mod:`sim.cli` at the top of the layers and may import any layer below.
"""
