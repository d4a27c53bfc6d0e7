"""Rendering HTML to a tagged PDF with WeasyPrint, fetching nothing but the app's own static files.

Families' answers are printed in these PDFs, so a text such as
``<img src="http://…">`` or a CSS ``url()`` must never make the server
fetch anything: templates escape every answer, and the URL fetcher refuses
every address outside ``static/`` (no network, no other files).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC = Path(__file__).resolve().parents[2] / "static"
STYLESHEET = STATIC / "css" / "report.css"


class StaticOnlyFetcher(URLFetcher):
    """Serves files inside ``static/`` and refuses everything else, remembering what it refused."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file",))
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """Return a static file, or raise ValueError (WeasyPrint then leaves the resource out)."""
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" and not parts.netloc else None
        if path is None or STATIC not in path.parents or not path.is_file():
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url!r}: only the app's own static files may be used")
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mimetype})


def render_pdf(html: str, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """A tagged PDF (PDF/UA-1) of ``html``; title, author and language come from its head."""
    fetcher = fetcher or StaticOnlyFetcher()
    document = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=fetcher)],
        pdf_variant="pdf/ua-1",
    )
