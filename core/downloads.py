"""Files handed to a browser to save: headers that keep client data out of caches, and safe CSV cells."""

from __future__ import annotations

# Spreadsheet programs run cells that start with these as formulas (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def attachment_headers(filename: str) -> dict[str, str]:
    """Headers for a download of client data: saved under ``filename``, never kept by a cache."""
    return {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}


def csv_cell(value: object) -> str:
    """A value for a CSV cell, with a leading quote when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
