"""QR codes drawn on the server as inline SVG: no image request, nothing the CSP must allow."""

from __future__ import annotations

import segno
from markupsafe import Markup, escape


def qr_svg(data: str, title: str, scale: int = 5) -> Markup:
    """An accessible inline SVG QR code for ``data``, named by ``title`` for screen readers."""
    # omitsize gives the drawing a viewBox instead of a fixed width and height, so the CSS box
    # scales the whole code (quiet zone included) rather than cropping it to its top-left part.
    svg = segno.make(data, error="m").svg_inline(
        scale=scale, dark="#000", light="#fff", title=str(escape(title)), omitsize=True
    )
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1))
