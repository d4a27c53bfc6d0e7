"""Text for the CSS of the PDF summaries (page headers and footers), without importing WeasyPrint."""

from __future__ import annotations

from markupsafe import Markup

# Characters that would end a CSS string or the <style> element, or that HTML would read as markup.
_CSS_UNSAFE = frozenset("\\\"'<>&")


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string for the page header and footer (``content: …``).

    Inside ``<style>`` HTML entities are not decoded, so HTML escaping would print
    ``O&#39;Brien &amp; Co``; CSS escapes (``\\27 ``) print the characters themselves and
    still keep a name from closing the string or the element.
    """
    escaped = "".join(
        f"\\{ord(char):x} " if char in _CSS_UNSAFE or ord(char) < 0x20 or ord(char) == 0x7F else char
        for char in str(text)
    )
    return Markup(f'"{escaped}"')
