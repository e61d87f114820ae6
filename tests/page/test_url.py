"""The URL contract: a view survives the round trip, and nothing in a link can name a path."""

from __future__ import annotations

from urllib.parse import urlencode

from sim.page.url import MAX_SETS, View, parse_view, view_query

NAMES = ["bali-2025", "banuspa-2026"]


def test_a_view_survives_the_round_trip() -> None:
    view = View(
        "banuspa-2026", ("channels[BPR agents].agents=60", "channels[BRI KUR].enrollment_rate=0.5"), "en", "Bali"
    )
    assert parse_view(view_query(view).lstrip("?"), NAMES) == view


def test_the_issue_example_link() -> None:
    query = "scenario=bali-2025&set=channels[BPR agents].agents=60&set=channels[BRI KUR].enrollment_rate=0.5&lang=id"
    assert parse_view(query, NAMES) == View(
        "bali-2025", ("channels[BPR agents].agents=60", "channels[BRI KUR].enrollment_rate=0.5"), "id"
    )


def test_a_path_or_unknown_name_opens_the_first_scenario() -> None:
    for asked in ("../../etc/passwd", "/work/scenarios/bali-2025.yaml", "bali-2025.yaml", "nope"):
        assert parse_view(urlencode({"scenario": asked}), NAMES).scenario == "bali-2025"


def test_an_unknown_language_falls_back_and_junk_settings_are_dropped() -> None:
    view = parse_view("scenario=banuspa-2026&lang=fr&set=no-equals-sign&set=target.members%3D5", NAMES, "en")
    assert view == View("banuspa-2026", ("target.members=5",), "en")


def test_the_token_rides_along_and_settings_are_capped() -> None:
    assert view_query(View("bali-2025"), token="abc").endswith("&token=abc")
    many = "&".join(f"set=target.members%3D{i}" for i in range(MAX_SETS + 50))
    assert len(parse_view(many, NAMES).sets) == MAX_SETS
