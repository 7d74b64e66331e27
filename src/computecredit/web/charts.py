"""Charts as inline SVG, drawn on the server: no script, no network, readable without colour.

Every chart shows its title; line charts name their axes (with units); every series carries a text label
at its end and its own marker and dash pattern; every bar has its value written on it; each point and bar
tells its value on hover (an SVG ``<title>``); each chart has a ``<title>`` and ``<desc>`` for screen readers.
Text is 13 px and the SVG is drawn at its own size (the page scrolls it rather than shrinking it), so no
text is smaller than 11 px. ``reports/charts.py`` draws the memo's charts with the same palette and markers.

>>> svg = line_chart("DSCR", ["2025", "2026"], {"DSCR": [1.1, 1.4]}, reference=1.2, reference_label="covenant")
>>> "<svg" in svg and "covenant" in svg and "1.40" in svg
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape

from markupsafe import Markup

from computecredit.reports.chart_style import PALETTE
from computecredit.reports.chart_style import SVG_DASHES as DASHES
from computecredit.reports.chart_style import SVG_MARKERS as MARKERS

TITLE_SPACE = 26


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    if kind == "triangle":
        return f'<polygon points="{x:.1f},{y - 4:.1f} {x - 4:.1f},{y + 3:.1f} {x + 4:.1f},{y + 3:.1f}" fill="{colour}"/>'
    if kind == "diamond":
        return f'<polygon points="{x:.1f},{y - 4:.1f} {x + 4:.1f},{y:.1f} {x:.1f},{y + 4:.1f} {x - 4:.1f},{y:.1f}" fill="{colour}"/>'
    if kind == "cross":
        return f'<path d="M{x - 3:.1f},{y - 3:.1f}L{x + 3:.1f},{y + 3:.1f}M{x - 3:.1f},{y + 3:.1f}L{x + 3:.1f},{y - 3:.1f}" stroke="{colour}" stroke-width="2"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'


def _frame(title: str, desc: str, width: int, height: int, body: list[str]) -> Markup:
    """The SVG with its title drawn on top (``body`` is drawn below ``TITLE_SPACE``)."""
    total = height + TITLE_SPACE
    return Markup(
        f'<svg class="chart" width="{width}" height="{total}" viewBox="0 0 {width} {total}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title><desc>{escape(desc)}</desc>'
        f'<text class="chart-title" x="4" y="17">{escape(title)}</text>'
        f'<g transform="translate(0 {TITLE_SPACE})">' + "".join(body) + "</g></svg>"
    )


def _tip(text: str) -> str:
    return f"<title>{escape(text)}</title>"


def _empty(title: str, width: int) -> Markup:
    return _frame(title, "—", width, 40, ['<text x="8" y="24">—</text>'])


def _fmt(value: float, places: int) -> str:
    return f"{value:,.{places}f}"


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    reference: float | None = None,
    reference_label: str = "",
    places: int = 2,
    x_label: str = "",
    y_label: str = "",
    width: int = 680,
    height: int = 280,
) -> Markup:
    """Lines over ``labels`` (years, periods); ``reference`` draws a dashed threshold (e.g. a covenant);
    ``x_label`` and ``y_label`` name the axes (with their units)."""
    left, right, top, bottom = 76, 170, 12, 48
    values = [v for vs in series.values() for v in vs if v is not None] + (
        [reference] if reference is not None else []
    )
    if not values or not labels:
        return _empty(title, width)
    low, high = min(min(values), 0.0), max(values)
    span = (high - low) or 1.0
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return left + i * step if len(labels) > 1 else left + plot_w / 2

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - low) / span)

    body = [f'<line x1="{left}" y1="{y(low):.1f}" x2="{left + plot_w}" y2="{y(low):.1f}" stroke="#888"/>']
    for tick in range(5):
        v = low + span * tick / 4
        body.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{_fmt(v, places)}</text>')
        body.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{left + plot_w}" y2="{y(v):.1f}" stroke="#e3e7ec"/>')
    every = max(1, -(-len(labels) * 64 // plot_w))  # leave about 64 px per label so none overlap
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            body.append(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle">{escape(str(label))}</text>'
            )
    if x_label:
        body.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle">{escape(x_label)}</text>'
        )
    if y_label:
        body.append(
            f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" text-anchor="middle">'
            f"{escape(y_label)}</text>"
        )
    if reference is not None:
        body.append(
            f'<line x1="{left}" y1="{y(reference):.1f}" x2="{left + plot_w}" y2="{y(reference):.1f}" '
            f'stroke="#a3231f" stroke-dasharray="5 4" stroke-width="1.5"/>'
            f'<text x="{left + plot_w + 4}" y="{y(reference) + 4:.1f}" fill="#a3231f">{escape(reference_label)} {_fmt(reference, places)}</text>'
        )
    ends: list[tuple[float, float, str, str]] = []
    for n, (name, points) in enumerate(series.items()):
        colour, dash, marker = PALETTE[n % 5], DASHES[n % 5], MARKERS[n % 5]
        coords = [(x(i), y(v), v) for i, v in enumerate(points) if v is not None]
        if not coords:
            continue
        path = " ".join(f"{'M' if k == 0 else 'L'}{cx:.1f},{cy:.1f}" for k, (cx, cy, _) in enumerate(coords))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        for (cx, cy, v), label in zip(
            coords, [lab for lab, v in zip(labels, points, strict=False) if v is not None], strict=True
        ):
            body.append(f"<g>{_tip(f'{name} {label}: {_fmt(v, places)}')}{_marker(marker, cx, cy, colour)}</g>")
        last_x, last_y, last_v = coords[-1]
        ends.append((last_y, last_x, colour, f"{name} {_fmt(last_v, places)}"))
    body.extend(_end_labels(ends))
    return _frame(title, f"{title}: {', '.join(series)} · {labels[0]}–{labels[-1]}", width, height, body)


def _end_labels(ends: list[tuple[float, float, str, str]], gap: float = 16.0) -> list[str]:
    """Each series' name and last value beside its last point, moved apart vertically so none overlap."""
    placed: list[str] = []
    previous = -1e9
    for y, x, colour, text in sorted(ends):
        y = max(y, previous + gap)
        previous = y
        placed.append(f'<text x="{x + 8:.1f}" y="{y + 4:.1f}" fill="{colour}">{escape(text)}</text>')
    return placed


def amount_scale(lang: str) -> tuple[float, str]:
    """The divisor and unit in which charts show amounts: 亿元 in Chinese, millions of yuan in English.

    >>> amount_scale("zh-CN"), amount_scale("en")
    ((100000000.0, '亿元'), (1000000.0, 'CNY m'))
    """
    return (1e8, "亿元") if lang.startswith("zh") else (1e6, "CNY m")


def top_bars(
    values: Mapping[str, float], scale: float, label: Callable[[str], str] = str, top: int = 10
) -> list[tuple[str, float]]:
    """The ``top`` first entries of ``values`` as (label, value / scale) bars.

    >>> top_bars({"idc": 3e8, "chips": 1e8}, 1e8, str.upper)
    [('IDC', 3.0), ('CHIPS', 1.0)]
    """
    return [(label(key), value / scale) for key, value in list(values.items())[:top]]


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, float]],
    *,
    places: int = 2,
    suffix: str = "",
    width: int = 520,
    bar_height: int = 22,
) -> Markup:
    """Horizontal bars with their value written at the end (works for shares, amounts, contributions).

    >>> "45.0%" in bar_chart("by segment", [("servers", 45.0)], places=1, suffix="%")
    True
    """
    if not bars:
        return _empty(title, width)
    label_w, value_w = 170, 90
    plot_w = width - label_w - value_w
    high = max(abs(v) for _, v in bars) or 1.0
    height = len(bars) * (bar_height + 8) + 8
    body = []
    for i, (label, value) in enumerate(bars):
        top = 8 + i * (bar_height + 8)
        length = plot_w * abs(value) / high
        body.append(
            f'<text x="{label_w - 8}" y="{top + bar_height * 0.7:.1f}" text-anchor="end">{escape(label)}</text>'
        )
        body.append(
            f'<rect x="{label_w}" y="{top}" width="{length:.1f}" height="{bar_height}" fill="{PALETTE[0]}">'
            f"{_tip(f'{label}: {_fmt(value, places)}{suffix}')}</rect>"
        )
        body.append(
            f'<text x="{label_w + length + 6:.1f}" y="{top + bar_height * 0.7:.1f}">{_fmt(value, places)}{escape(suffix)}</text>'
        )
    return _frame(
        title, f"{title}: " + "; ".join(f"{lab} {_fmt(v, places)}{suffix}" for lab, v in bars), width, height, body
    )


def histogram(
    title: str,
    edges: Sequence[float],
    counts: Sequence[int],
    *,
    marker: float | None = None,
    marker_label: str = "",
    places: int = 2,
    x_label: str = "",
    y_label: str = "",
    width: int = 680,
    height: int = 260,
) -> Markup:
    """A histogram from bin ``edges`` (len = len(counts) + 1); ``marker`` draws a labelled vertical line;
    ``x_label`` and ``y_label`` name the axes.

    >>> "VaR" in histogram("loss", [0, 1, 2], [5, 3], marker=1.5, marker_label="VaR")
    True
    """
    if not counts:
        return _empty(title, width)
    left, right, top, bottom = 76, 16, 22, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    low, high = float(edges[0]), float(edges[-1])
    span = (high - low) or 1.0
    peak = max(counts) or 1

    def x(v: float) -> float:
        return left + plot_w * (v - low) / span

    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#888"/>']
    for i, count in enumerate(counts):
        x0, x1 = x(float(edges[i])), x(float(edges[i + 1]))
        h = plot_h * count / peak
        body.append(
            f'<rect x="{x0:.1f}" y="{top + plot_h - h:.1f}" width="{max(x1 - x0 - 1, 1):.1f}" height="{h:.1f}" '
            f'fill="{PALETTE[0]}">{_tip(f"{_fmt(float(edges[i]), places)}–{_fmt(float(edges[i + 1]), places)}: {count}")}</rect>'
        )
    for v in (low, (low + high) / 2, high):
        body.append(f'<text x="{x(v):.1f}" y="{top + plot_h + 18}" text-anchor="middle">{_fmt(v, places)}</text>')
    body.append(f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{peak}</text>')
    body.append(f'<text x="{left - 6}" y="{top + plot_h + 4}" text-anchor="end">0</text>')
    if x_label:
        body.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle">{escape(x_label)}</text>'
        )
    if y_label:
        body.append(
            f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" text-anchor="middle">'
            f"{escape(y_label)}</text>"
        )
    if marker is not None:
        body.append(
            f'<line x1="{x(marker):.1f}" y1="{top - 6}" x2="{x(marker):.1f}" y2="{top + plot_h}" stroke="#a3231f" stroke-dasharray="5 4" stroke-width="1.5"/>'
            f'<text x="{x(marker) + 4:.1f}" y="{top + 6}" fill="#a3231f">{escape(marker_label)} {_fmt(marker, places)}</text>'
        )
    return _frame(
        title,
        f"{title}: {sum(counts)} · {_fmt(low, places)}–{_fmt(high, places)}",
        width,
        height,
        body,
    )


def tornado(
    title: str,
    base: float,
    rows: Sequence[tuple[str, float, float]],
    *,
    places: int = 2,
    low_label: str = "low",
    high_label: str = "high",
    width: int = 720,
    bar_height: int = 20,
) -> Markup:
    """Sensitivity tornado: for each input, the output at its low and high case around ``base``.

    Low cases are drawn hatched-outline and high cases solid, so the two stay apart in grey.

    >>> "1.05" in tornado("min DSCR", 1.3, [("utilisation", 1.05, 1.5)])
    True
    """
    if not rows:
        return _empty(title, width)
    label_w, pad = 220, 80
    plot_w = width - label_w - 2 * pad
    values = [base] + [v for _, lo, hi in rows for v in (lo, hi)]
    low, high = min(values), max(values)
    span = (high - low) or 1.0

    def x(v: float) -> float:
        return label_w + pad + plot_w * (v - low) / span

    height = len(rows) * (bar_height + 10) + 40
    body = [
        f'<line x1="{x(base):.1f}" y1="16" x2="{x(base):.1f}" y2="{height - 18}" stroke="#1c2430"/>',
        f'<text x="{x(base):.1f}" y="12" text-anchor="middle">{_fmt(base, places)}</text>',
    ]
    for i, (name, lo, hi) in enumerate(sorted(rows, key=lambda r: -abs(r[2] - r[1]))):
        top = 22 + i * (bar_height + 10)
        body.append(
            f'<text x="{label_w - 6}" y="{top + bar_height * 0.7:.1f}" text-anchor="end">{escape(name)}</text>'
        )
        for value, paint, pattern_label in (
            (lo, f'fill="#ffffff" stroke="{PALETTE[1]}" stroke-width="2" stroke-dasharray="4 2"', low_label),
            (hi, f'fill="{PALETTE[0]}"', high_label),
        ):
            x0, x1 = sorted((x(base), x(value)))
            body.append(
                f'<rect x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 1):.1f}" height="{bar_height}" {paint}>'
                f"{_tip(f'{name} {pattern_label}: {_fmt(value, places)}')}</rect>"
            )
            anchor, tx = ("end", x0 - 4) if value < base else ("start", x1 + 4)
            body.append(
                f'<text x="{tx:.1f}" y="{top + bar_height * 0.7:.1f}" text-anchor="{anchor}">{escape(pattern_label)} {_fmt(value, places)}</text>'
            )
    return _frame(title, f"{title}: {_fmt(base, places)}", width, height, body)
