"""Reading the text of a downloaded PDF with poppler's pdftotext, as a reader's copy-paste would see it."""

from __future__ import annotations

import shutil
import subprocess

from tests.support.config import unavailable


def pdf_text(data: bytes, layout: bool = False) -> str:
    """The text of a PDF; ``layout`` keeps the columns and the running header on its own line."""
    if not shutil.which("pdftotext"):
        unavailable("The PDF tests need poppler-utils (pdftotext); run `make test`.")
    command = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(command, input=data, capture_output=True, check=True).stdout.decode()
