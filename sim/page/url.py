"""The view in the address bar: which scenario, which lever settings, which language.

``/?scenario=bali-2025&set=channels[BPR agents].agents=60&lang=id`` opens exactly that view; the
page rewrites its address after every change, so a planner can send the link to a colleague. The
scenario is a *name* from the folder's list, never a path: anything else opens the first scenario
listed. ``set`` values are checked like ``--set`` when the view is computed, not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

from sim.i18n.catalogue import LANGS

MAX_SETS = 200  # more than any scenario has levers; a longer list is not a planner's link


@dataclass(frozen=True)
class View:
    """What the page shows: a scenario by name, ``PATH=VALUE`` settings, language, and region."""

    scenario: str
    sets: tuple[str, ...] = ()
    lang: str = "id"
    region: str = ""


def parse_view(query: str, names: Sequence[str], default_lang: str = "id") -> View:
    """The view a query string asks for; unknown scenarios and languages fall back to the defaults."""
    q = parse_qs(query, keep_blank_values=False)
    asked = q.get("scenario", [""])[0]
    scenario = asked if asked in names else (names[0] if names else "")
    lang = q.get("lang", [default_lang])[0]
    sets = tuple(s.strip() for s in q.get("set", [])[:MAX_SETS] if "=" in s and s.strip())
    region = q.get("region", [""])[0]
    return View(scenario, sets, lang if lang in LANGS else default_lang, region)


def view_query(view: View, token: str | None = None) -> str:
    """The query string (with ``?``) that :func:`parse_view` reads back as ``view``."""
    pairs: list[tuple[str, str]] = [("scenario", view.scenario)]
    pairs += [("set", s) for s in view.sets]
    pairs.append(("lang", view.lang))
    if view.region:
        pairs.append(("region", view.region))
    if token:
        pairs.append(("token", token))
    return "?" + urlencode(pairs)
