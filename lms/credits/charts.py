"""Bar charts drawn on the server as inline SVG (no JavaScript, no external asset).

Pure layout: rows in, markup out. Every chart is ``role="img"`` with a ``<title>`` and a
``<desc>`` listing each value, so a screen reader gets the numbers; the page puts the
same numbers in a table beside it. Labels are escaped.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

BAR_HEIGHT, GAP, LABEL_WIDTH, WIDTH = 22, 8, 110, 480
#: Dark enough on white for WCAG AA (non-text contrast 3:1 and text 4.5:1).
BAR_COLOUR, TEXT_COLOUR = "#1f5f8b", "#1a1a1a"


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}".rstrip("0")
    return text.replace(".", ",")


def bar_chart(
    rows: list[tuple[str, Decimal]], *, title: str = "", chart_id: str = "chart"
) -> Markup:
    """Horizontal bars, one per (label, value); an empty list draws nothing."""
    if not rows:
        return Markup("")
    top = max((value for _label, value in rows), default=Decimal("0")) or Decimal("1")
    room = WIDTH - LABEL_WIDTH - 60
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    description = "; ".join(f"{label}: {_number(value)}" for label, value in rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lms-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for index, (label, value) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = int(room * max(value, Decimal("0")) / top)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 16}" text-anchor="end" font-size="13" '
            f'fill="{TEXT_COLOUR}">{escape(label[:16])}</text>'
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
            f'fill="{BAR_COLOUR}"></rect>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 16}" font-size="13" '
            f'fill="{TEXT_COLOUR}">{escape(_number(value))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
