"""The small text format of editable site texts, turned into safe HTML.

An administrator writes plain text; a few conventions give it structure:

- an empty line starts a new paragraph; a single line break stays a line break;
- ``## Heading`` is a heading (``### Subheading`` a smaller one);
- lines starting with ``- `` form a bulleted list, lines starting with ``1. `` a numbered one;
- ``[link text](https://address)`` is a link (no spaces in the address); addresses that start with
  ``https://`` and email addresses become links by themselves.

Nothing else has a meaning: every character is escaped, so HTML typed into the
text is shown as written and can never run or change the page. Links may only
go to ``https://``, ``http://``, ``mailto:``, ``tel:`` or a path on this site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms.validators import ValidationError

HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")
BULLET = re.compile(r"^[-*•]\s+(.+)$")
NUMBERED = re.compile(r"^\d{1,3}[.)]\s+(.+)$")
LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]*)\)")
# Anything that looks like a link, also with spaces or brackets in its address, for the checks.
LINK_ATTEMPT = re.compile(r"\[[^\[\]\n]+\]\(([^)\n]*)\)?")
BARE_ADDRESS = re.compile(r"https?://[^\s<>\"'()\[\]]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Characters a URL may not hold as such (quotes, angle brackets, spaces) are refused, not escaped.
URL_CHARACTERS = r"[^\s\"'<>\\^`{|}]"
ALLOWED_TARGET = re.compile(
    rf"^(https?://{URL_CHARACTERS}+|mailto:{URL_CHARACTERS}+@{URL_CHARACTERS}+|tel:\+?[\d-]+|/(?!/){URL_CHARACTERS}*)$",
    re.IGNORECASE,
)
TRAILING_PUNCTUATION = ".,;:!?"


def _bare_link(address: str) -> Markup:
    """A link for an address written as is, leaving sentence punctuation after it outside."""
    stripped = address.rstrip(TRAILING_PUNCTUATION)
    target = stripped if stripped.lower().startswith("http") else f"mailto:{stripped}"
    return Markup('<a href="{}">{}</a>{}').format(target, stripped, address[len(stripped) :])


def _autolinked(text: str) -> Markup:
    parts, position = [], 0
    for found in BARE_ADDRESS.finditer(text):
        parts.append(escape(text[position : found.start()]))
        parts.append(_bare_link(found.group(0)))
        position = found.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def inline(text: str) -> Markup:
    """One line of text with its links, everything else escaped."""
    parts, position = [], 0
    for found in LINK.finditer(text):
        label, target = found.group(1), found.group(2)
        parts.append(_autolinked(text[position : found.start()]))
        if ALLOWED_TARGET.match(target):
            parts.append(Markup('<a href="{}">{}</a>').format(target, label))
        else:
            parts.append(escape(found.group(0)))  # refused when saving; shown as written otherwise
        position = found.end()
    parts.append(_autolinked(text[position:]))
    return Markup("").join(parts)


@dataclass
class _Block:
    """A paragraph or list being collected, line by line."""

    tag: str
    lines: list[str] = field(default_factory=list)

    def html(self) -> Markup:
        if self.tag == "p":
            return Markup("<p>{}</p>").format(Markup("<br>\n").join(inline(line) for line in self.lines))
        items = Markup("").join(Markup("<li>{}</li>\n").format(inline(line)) for line in self.lines)
        return Markup("<{0}>\n{1}</{0}>").format(Markup(self.tag), items)


def render(source: str) -> Markup:
    """Turn a text in the format above into HTML that is safe to put in a page."""
    html: list[Markup] = []
    block: _Block | None = None

    def close() -> None:
        nonlocal block
        if block is not None:
            html.append(block.html())
            block = None

    for raw in source.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        heading, bullet, numbered = HEADING.match(line), BULLET.match(line), NUMBERED.match(line)
        if not line:
            close()
        elif heading:
            close()
            level = 3 if len(heading.group(1)) == 3 else 2
            html.append(Markup("<h{0}>{1}</h{0}>").format(level, inline(heading.group(2))))
        elif bullet or numbered:
            tag = "ul" if bullet else "ol"
            if block is None or block.tag != tag:
                close()
                block = _Block(tag)
            block.lines.append((bullet or numbered).group(1))
        else:
            if block is None or block.tag != "p":
                close()
                block = _Block("p")
            block.lines.append(line)
    close()
    return Markup("\n").join(html)


def refused_links(source: str) -> list[str]:
    """The links whose address is not allowed (``javascript:``, other sites without https:// …)."""
    return [found.group(0) for found in LINK_ATTEMPT.finditer(source) if not ALLOWED_TARGET.match(found.group(1))]


def allowed_links(form, field) -> None:
    """A form field's validator: every link in the text goes where links may go (see ``refused_links``)."""
    refused = refused_links(field.data or "")
    if refused:
        raise ValidationError(
            _l(
                "Links may only lead to addresses that start with https://, http://, mailto:, tel: or /, "
                "without spaces. Check this link: %(link)s",
                link=refused[0],
            )
        )
