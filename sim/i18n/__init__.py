"""Words and number style in the planner's language, shared by the reports and the what-if page.

The words live in gettext catalogues (``locale/<lang>/LC_MESSAGES/sim.po``) that a translator edits
without touching Python; numbers, percentages and dates are written by Babel in the language's own
style (Bahasa Indonesia 1.300.000 and 52,45%; English 1,300,000 and 52.45%). Imports nothing of
``sim``, so any layer that shows words to a planner may use it.
"""
