"""The Nu Html Checker (vnu.jar) as a local HTTP service, so each page is checked in milliseconds."""

from __future__ import annotations

import hashlib
import json
import os
import re
import urllib.request
from pathlib import Path

from tests.support.servers import ServerProcess, free_port

FRAGMENT_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>fragment</title></head><body>{}</body></html>'
)
# A fragment that replaces a list item or a table row is checked inside its parent element.
FRAGMENT_PARENTS = {"<li": ("<ul>", "</ul>"), "<tr": ("<table><tbody>", "</tbody></table>")}


OUT_OF_BAND_START = "<div data-hx-swap-oob="
DIV_TAG = re.compile(r"<div[\s>]|</div>")


def split_out_of_band(markup: str) -> tuple[str, str]:
    """The fragment without its out-of-band ``<div>`` parts, and those parts (each up to its own closing tag,
    whatever ``<div>`` elements it holds)."""
    main, parts = [], []
    position = 0
    while (start := markup.find(OUT_OF_BAND_START, position)) != -1:
        main.append(markup[position:start])
        depth, end = 0, len(markup)
        for tag in DIV_TAG.finditer(markup, start):
            depth += -1 if tag.group(0) == "</div>" else 1
            if depth == 0:
                end = tag.end()
                break
        parts.append(markup[start:end])
        position = end
    main.append(markup[position:])
    return "".join(main), "".join(parts)


def as_document(markup: str) -> str:
    """Wrap an htmx fragment so it can be checked as a whole document.

    Out-of-band parts (live-region messages) are checked beside the fragment,
    where htmx puts them, rather than inside a list or table.
    """
    if markup.lstrip().lower().startswith("<!doctype"):
        return markup
    main, out_of_band = split_out_of_band(markup)
    opening, closing = FRAGMENT_PARENTS.get(main.lstrip()[:3], ("", ""))
    return FRAGMENT_PAGE.format(opening + main + closing + out_of_band)


class HtmlChecker:
    """Starts ``vnu.jar`` in servlet mode on a free loopback port and checks documents with it."""

    def __init__(self, jar: Path) -> None:
        self.port = free_port()
        self.server = ServerProcess(
            "The Nu Html Checker",
            [
                "java",
                "-Xss1024k",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(jar),
                "nu.validator.servlet.Main",
                str(self.port),
            ],
            # The checker does not depend on the time; a fake clock (libfaketime, `make test-timeshift`) hangs the JVM.
            env={name: value for name, value in os.environ.items() if name != "LD_PRELOAD"},
        )
        self._cache: dict[str, list[str]] = {}
        self.server.wait_until_serving(lambda: self._post("<!DOCTYPE html><html lang=en><title>x</title></html>"))

    def _post(self, document: str) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/?out=json",
            data=document.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)

    def errors(self, markup: str) -> list[str]:
        """Return the checker's error messages for a document or an htmx fragment."""
        document = as_document(markup)
        key = hashlib.sha256(document.encode()).hexdigest()
        if key not in self._cache:
            messages = self._post(document).get("messages", [])
            self._cache[key] = [
                f"line {m.get('lastLine')}: {m.get('message')} [{m.get('extract', '').strip()[:120]}]"
                for m in messages
                if m.get("type") == "error" or m.get("subType") == "fatal"
            ]
        return self._cache[key]

    def stop(self) -> None:
        """Stop the Java process."""
        self.server.stop()
