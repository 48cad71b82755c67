"""Every page string is translated: extracted from the sources exactly as `make messages` does (babel.cfg), and
looked up in the Russian and English catalogs the pages are rendered with."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from marketsync.web.i18n import LOCALES, LOCALES_DIR

# The checkout's root holds babel.cfg; found by walking up, so the test may move within tests/.
ROOT = next(parent for parent in Path(__file__).resolve().parents if (parent / "babel.cfg").is_file())


def _extracted() -> dict[tuple[str | None, str], set[str]]:
    """Return every (context, msgid) that `make messages` extracts, with the files it comes from."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    found: dict[tuple[str | None, str], set[str]] = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(ROOT, method_map, options_map):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault((context, msgid), set()).add(filename)
    return found


def _untranslated(catalog: Catalog, context: str | None, msgid: str) -> bool:
    message = catalog.get(msgid, context=context)
    if message is None or message.fuzzy:
        return True
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(strings)


def test_strings_are_extracted_from_code_and_every_kind_of_template() -> None:
    files = {name for names in _extracted().values() for name in names}
    assert {Path(name).suffix for name in files} == {".py", ".html", ".txt"}
    assert any(name.startswith("src/marketsync/web/templates/mail/") for name in files)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_extracted_string_is_translated(locale: str) -> None:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    missing = sorted(f"{msgid!r} (context {context!r}) in {', '.join(sorted(files))}"
                     for (context, msgid), files in _extracted().items() if _untranslated(catalog, context, msgid))
    assert not missing, f"untranslated in {locale} (run `make messages`, then translate):\n" + "\n".join(missing)
