"""Fill Swedish and Finnish translations into the catalogs from a JSON file.

Usage: python scripts/po_fill.py TRANSLATIONS.json

The JSON maps each English msgid to {"sv": "...", "fi": "..."}; for a plural
message the value of a language is a list [singular, plural]. Only messages
that exist in the catalogs (run `make translations` first) are filled; the
script lists msgids it did not find and messages still untranslated.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("sv", "fi")


def fill(mapping: dict[str, dict[str, str | list[str]]]) -> int:
    """Write the translations into translations/<lang>/LC_MESSAGES/messages.po; return how many are missing."""
    missing = 0
    for lang in LANGUAGES:
        path = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        for msgid, texts in mapping.items():
            message = catalog.get(msgid)
            if message is None:
                print(f"not in catalog: {msgid[:70]!r}")
                continue
            text = texts[lang]
            message.string = tuple(text) if isinstance(text, list) else text
            message.flags.discard("fuzzy")
        for message in catalog:
            if message.id and not (all(message.string) if isinstance(message.string, tuple) else message.string):
                missing += 1
                print(f"{lang}: untranslated: {str(message.id)[:70]!r}")
        with path.open("wb") as handle:
            write_po(handle, catalog, width=76)
    return missing


if __name__ == "__main__":
    sys.exit(1 if fill(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))) else 0)
