"""The gettext catalogues: complete, consistent between languages, and written in each language's style."""

from __future__ import annotations

import re

import pytest

from sim.i18n.catalogue import LANGS, po_file, read_catalogue, words
from sim.i18n.language import Lang


@pytest.mark.parametrize("lang", LANGS)
def test_every_catalogue_parses_with_no_fuzzy_or_empty_entry(lang: str) -> None:
    catalogue = read_catalogue(lang)
    entries = [m for m in catalogue if m.id]
    assert entries
    assert [m.id for m in entries if m.fuzzy] == []
    assert [m.id for m in entries if not m.string] == []


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    id_words, en_words = words("id"), words("en")
    assert set(id_words) == set(en_words)
    for key in id_words:
        assert set(re.findall(r"{(\w+)}", id_words[key])) == set(re.findall(r"{(\w+)}", en_words[key])), key


def test_the_catalogues_ship_inside_the_package() -> None:
    for lang in LANGS:
        assert po_file(lang).is_file()
        assert "sim/i18n/locale" in po_file(lang).as_posix()


@pytest.mark.parametrize(
    ("lang", "number", "signed", "percent", "day"),
    [
        ("id", "1.300.000", "−1.234,5", "52,45%", "31 Desember 2025"),
        ("en", "1,300,000", "−1,234.5", "52.45%", "31 December 2025"),
    ],
)
def test_numbers_percentages_and_dates_in_the_language_style(
    lang: str, number: str, signed: str, percent: str, day: str
) -> None:
    words_of = Lang(lang)
    assert words_of.number(1_300_000) == number
    assert words_of.signed(-1234.5, 1) == signed
    assert words_of.percent(0.5245) == percent
    assert words_of.date("2025-12-31") == day


def test_rounding_is_pythons_own_so_reports_do_not_move() -> None:
    # 1.015 is stored as 1.01499...: Python rounds it down; a decimal rounding of "1.015" would go up.
    assert Lang("en").number(1.015, 2) == "1.01"
    assert Lang("id").number(2.5) == "2"


def test_off_track_reads_as_a_planner_would_say_it() -> None:
    assert Lang("id").t("verdict.off track") == "Belum sesuai target"
    assert Lang("en").t("verdict.off track") == "Off track"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match='"lang" must be one of id, en'):
        Lang("fr")
