"""Visible text of a page, and what in it is not Chinese: snake_case keys and English words.

Text inside ``<code>``, ``<pre>``, form inputs, scripts and styles, and inside any element marked
``translate="no"`` (proper names as the data holds them: a user's display name, a company's English name) is
not a label and is skipped. SVG ``<title>``/``<desc>`` are read by screen readers and are checked.

>>> untranslated("<p>借款人 <code>expert_compute</code> <span translate='no'>Acme Ltd</span></p>")
[]
>>> untranslated("<td>utilisation</td><td>card failure rate ×2</td><td>DSCR 1.20</td>")
['utilisation', 'card', 'failure', 'rate']
>>> untranslated("<td>key_customer_credit</td>")
['key_customer_credit']
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

SKIPPED = {"code", "pre", "script", "style", "textarea", "input", "kbd", "samp"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Abbreviations and names a Chinese credit officer reads as they are (units, metrics, standards).
ALLOWED = {
    "Vasicek",
    "Euler",
    "Excel",
    "YAML",
    "JSON",
    "PDF",
    "HTML",
    "English",
    "VaR",
    "CNY",
    "t",
    "x",
    "m",
    "P",
    "CSV",
    "xlsx",
    "csv",
    "yaml",
    "yml",
    "kWh",
    "MW",
    "kW",
    "MWh",
    "tCO",
    "tCO2",
    "computecredit",
    "LPR",
    "p",
}
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        skip = tag in SKIPPED or dict(attrs).get("translate") == "no" or dict(attrs).get("hidden") is not None
        self.stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self._skipping() and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    """The text runs of ``html`` a reader sees or hears, outside code, inputs and ``translate="no"``."""
    parser = _Text()
    parser.feed(html)
    return parser.parts


def untranslated(html: str) -> list[str]:
    """Words in the visible text that are neither Chinese nor an abbreviation: snake_case keys, English words.

    A word in capitals (DSCR, EBITDA, PUE) or with a digit (GB40879, CO2) is an abbreviation and passes.
    """
    found = []
    for text in visible_text(html):
        for word in WORD.findall(text):
            if word in ALLOWED or word.isupper() or any(c.isdigit() for c in word):
                continue
            if "_" in word or len(word) >= 1:
                found.append(word)
    return found
