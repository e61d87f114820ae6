"""The gettext catalogues: one ``.po`` file per language, read once per process when first asked for.

The ``.po`` files ship inside the package and are read as they are, with no compile step: a
translator's edit shows on the next start. A ``msgid`` is the key the code asks for (``verdict.at
risk``, ``fan_note``), and its ``msgstr`` is the text in that language.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LANGS = ("id", "en")
LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "sim"


def po_file(lang: str) -> Path:
    """Where the catalogue of ``lang`` lives."""
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(lang: str) -> Catalog:
    """The parsed ``.po`` catalogue of ``lang`` (fuzzy entries included, so a test can find them)."""
    with po_file(lang).open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


@cache
def words(lang: str) -> dict[str, str]:
    """Key → text in ``lang``; entries without a translation are left out."""
    if lang not in LANGS:
        raise ValueError(f'"lang" must be one of {", ".join(LANGS)}, got {lang!r}')
    return {str(m.id): str(m.string) for m in read_catalogue(lang) if m.id and m.string}
