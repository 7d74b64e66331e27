"""Memo charts as inline SVG (matplotlib, text drawn as paths so no font is needed to view them).

They look like the workbench's charts (``web/charts.py``; both take their style from ``reports/chart_style.py``): the same palette, one marker and dash pattern per
series, axes named with their units, values written on the bars, text at least 11 pt.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib import font_manager

from computecredit.reports.chart_style import MPL_LINESTYLES as LINESTYLES
from computecredit.reports.chart_style import MPL_MARKERS as MARKERS
from computecredit.reports.chart_style import PALETTE, REFERENCE
from computecredit.reports.pdf import CJK_FONT_FILES

_FAMILY: list[str] = []


def _fonts() -> list[str]:
    """Register the Noto CJK font with matplotlib once, so Chinese labels are drawn correctly."""
    if not _FAMILY:
        for path in CJK_FONT_FILES:
            if path.is_file():
                font_manager.fontManager.addfont(str(path))
                _FAMILY.append(font_manager.FontProperties(fname=str(path)).get_name())
                break
        _FAMILY.append("DejaVu Sans")
    return _FAMILY


def _svg(figure: plt.Figure) -> str:
    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "path", "svg.hashsalt": "computecredit"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _figure(width: float = 6.4, height: float = 3.0) -> tuple[plt.Figure, plt.Axes]:
    plt.rcParams["font.family"] = _fonts()
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["font.size"] = 11
    plt.rcParams["axes.titlesize"] = 12
    figure, axes = plt.subplots(figsize=(width, height))
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def trend_chart(years: Sequence[int], series: dict[str, Sequence[float]], unit: str) -> str:
    """Lines over years, one per named series (values already in ``unit``)."""
    figure, axes = _figure()
    for n, (name, values) in enumerate(series.items()):
        axes.plot(
            list(years),
            list(values),
            marker=MARKERS[n % 5],
            linestyle=LINESTYLES[n % 5],
            color=PALETTE[n % 5],
            label=name,
        )
    axes.set_xticks(list(years))
    axes.set_ylabel(unit)
    axes.legend(frameon=False, fontsize=11)
    return _svg(figure)


def limit_chart(names: Sequence[str], amounts: Sequence[float], binding: int, unit: str) -> str:
    """Horizontal bars, one per constraint; the binding one highlighted.

    The axis stops at twice the binding amount (or the first amount) so a far-away ceiling such as a large
    bank's concentration headroom does not flatten the others; clipped bars carry their value as text.
    """
    figure, axes = _figure(height=0.45 * len(names) + 0.8)
    reference = max(amounts[binding], amounts[0], 1e-9)
    cap = 2.0 * reference
    colours = [PALETTE[1] if i == binding else PALETTE[0] for i in range(len(names))]
    bars = axes.barh(list(names), [min(a, cap) for a in amounts], color=colours)
    bars[binding].set_hatch("//")  # the binding constraint stays marked in grey print
    axes.invert_yaxis()
    axes.set_xlim(0, cap * 1.15)
    axes.set_xlabel(unit)
    for i, value in enumerate(amounts):
        label = f" {value:,.2f}" if value <= cap else f" ≫ {value:,.2f}"
        axes.text(min(value, cap), i, label, va="center", fontsize=11)
    return _svg(figure)


def histogram_chart(edges: Sequence[float], counts: Sequence[int], marker: float, xlabel: str, ylabel: str) -> str:
    """A histogram from bin edges and counts, with a vertical line at ``marker`` (e.g. DSCR 1.0)."""
    figure, axes = _figure()
    widths = [edges[i + 1] - edges[i] for i in range(len(counts))]
    axes.bar(list(edges[:-1]), list(counts), width=widths, align="edge", color=PALETTE[0], edgecolor="white")
    axes.axvline(marker, color=REFERENCE, linestyle="--")
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    return _svg(figure)


__all__ = ["histogram_chart", "limit_chart", "trend_chart"]
