# Copyright: (c) 2026, hybrid_identity.entra_connect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inline SVG bar charts for the HTML report (no script, no font or image fetched). For internal collection use only."""

from __future__ import annotations

from html import escape

# Deletes stand out: they are what a bad promotion does to the tenant.
OPERATION_COLOURS = {
    "delete": "#c62828",
    "delete-add": "#ad1457",
    "add": "#2e7d32",
    "update": "#1565c0",
    "replace": "#6a1b9a",
}
DEFAULT_COLOUR = "#455a64"


def bar_chart(title: str, bars: list[tuple[str, int]], colours: dict[str, str] | None = None) -> str:
    """A horizontal bar chart: one labelled bar per (label, value), the value written beside it."""
    colours = colours or {}
    label_width, bar_width, value_width, row = 170, 300, 70, 26
    width = label_width + bar_width + value_width
    height = max(len(bars), 1) * row + 8
    largest = max((pair[1] for pair in bars), default=0) or 1
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    if not bars:
        parts.append('<text x="0" y="18" class="empty">nothing to chart</text>')
    for index, (label, value) in enumerate(bars):
        y = index * row + 4
        length = round(bar_width * value / largest) if value else 0
        colour = colours.get(label, DEFAULT_COLOUR)
        shown = label if len(label) <= 24 else label[:23] + "\u2026"
        parts += [
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end">{escape(shown)}</text>',
            f'<rect x="{label_width}" y="{y + 3}" width="{bar_width}" height="{row - 8}" class="track"/>',
            f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="{row - 8}" fill="{colour}">'
            f"<title>{escape(label)}: {value}</title></rect>",
            f'<text x="{label_width + bar_width + 8}" y="{y + 16}">{value}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)
