"""Charts drawn on the server as SVG: score bars with their cut-off lines, and trends over time.

Plain functions returning markup; every text in them is escaped. The tables
beside the charts carry the same numbers, so nothing is told by the picture alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH = 460
LABEL = 170
BAR = WIDTH - LABEL - 50
ROW = 26
COLOURS = {"normal": "#1f6f3f", "borderline": "#9a6400", "high": "#b3261e", None: "#5b6670"}


@dataclass(frozen=True)
class Bar:
    """One scale in a bar chart: its score out of its range, level and cut-offs."""

    label: str
    score: int | Decimal | None
    minimum: int | Decimal
    maximum: int | Decimal
    level: str | None
    cutoffs: tuple[int | Decimal, ...]


def _x(value, minimum, maximum) -> float:
    span = float(maximum - minimum) or 1.0
    return LABEL + BAR * (float(value - minimum) / span)


def bar_chart(bars: list[Bar], title: str) -> Markup:
    """Horizontal bars, one per scale, with a dark line at each cut-off."""
    height = ROW * len(bars) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}"><title>{escape(title)}</title>'
    ]
    for index, bar in enumerate(bars):
        y = 5 + index * ROW
        parts.append(f'<text x="0" y="{y + 15}" font-size="10">{escape(bar.label[:32])}</text>')
        parts.append(f'<rect x="{LABEL}" y="{y + 4}" width="{BAR}" height="14" fill="#eceff1"/>')
        if bar.score is not None:
            end = _x(bar.score, bar.minimum, bar.maximum)
            colour = COLOURS.get(bar.level, COLOURS[None])
            parts.append(f'<rect x="{LABEL}" y="{y + 4}" width="{end - LABEL:.1f}" height="14" fill="{colour}"/>')
            parts.append(f'<text x="{LABEL + BAR + 6}" y="{y + 15}" font-size="10">{escape(str(bar.score))}</text>')
        for cutoff in bar.cutoffs:
            x = _x(cutoff, bar.minimum, bar.maximum)
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 1}" y2="{y + 21}" stroke="#000" stroke-width="2"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(
    scores: list[int | Decimal | None], maximum, cutoffs: tuple, title: str, width: int = 120, height: int = 28
) -> Markup:
    """A small line of scores over time (oldest first), with the cut-offs as dashed lines."""
    known = [(index, score) for index, score in enumerate(scores) if score is not None]
    top = float(maximum) or 1.0
    step = (width - 8) / max(len(scores) - 1, 1)

    def point(index: int, value) -> str:
        return f"{4 + index * step:.1f},{height - 3 - (height - 6) * float(value) / top:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
    ]
    for cutoff in cutoffs:
        y = height - 3 - (height - 6) * float(cutoff) / top
        parts.append(
            f'<line x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#b3261e" stroke-dasharray="3,2" stroke-width="1"/>'
        )
    if len(known) > 1:
        points = " ".join(point(index, score) for index, score in known)
        parts.append(f'<polyline fill="none" stroke="#0b5563" stroke-width="2" points="{points}"/>')
    for index, score in known:
        x, y = point(index, score).split(",")
        parts.append(f'<circle cx="{x}" cy="{y}" r="2.5" fill="#0b5563"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
