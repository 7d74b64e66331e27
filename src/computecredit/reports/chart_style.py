"""One look for every chart, on the pages (``web/charts.py``, SVG) and in the memo (``reports/charts.py``,
matplotlib): the palette, and for series one marker and one dash pattern each, so lines stay apart in grey.

>>> len(PALETTE) == len(SVG_DASHES) == len(MPL_LINESTYLES) == len(SVG_MARKERS) == len(MPL_MARKERS)
True
"""

from __future__ import annotations

# Dark, distinct in hue and in lightness (they stay apart printed in grey).
PALETTE = ("#0b4f8a", "#b3541e", "#1d6b3a", "#6b2d86", "#8a5a00")
# The same patterns as SVG stroke-dasharray and as matplotlib line styles.
SVG_DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2")
MPL_LINESTYLES: tuple[object, ...] = ("-", (0, (6, 3)), (0, (2, 3)), (0, (8, 3, 2, 3)), (0, (1, 2)))
SVG_MARKERS = ("circle", "square", "triangle", "diamond", "cross")
MPL_MARKERS = ("o", "s", "^", "D", "x")
REFERENCE = "#a3231f"  # thresholds: covenants, DSCR = 1
