"""Visible text of a page, and what in it is not Chinese: snake_case keys and English words.

Text the monitoring engine wrote (``data-engine-text``) is checked on its own (:func:`engine_text`).
Text inside ``<code>``, ``<pre>``, form inputs, scripts and styles, and inside any element marked
``translate="no"`` (proper names as the data holds them: a user's display name, a company's English name) is
not a label and is skipped. SVG ``<title>``/``<desc>`` are read by screen readers and are checked.

>>> untranslated("<p>借款人 <code>G-01</code> <span translate='no'>Acme Ltd</span></p>")
[]
>>> untranslated("<td>utilisation</td><td>card failure rate ×2</td><td>DSCR 1.20</td>")
['utilisation', 'card', 'failure', 'rate']
>>> untranslated("<td>key_customer_credit</td>")
['key_customer_credit']
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

SKIPPED = {"pre", "script", "style", "textarea", "input", "template"}
CODE = {"code", "kbd", "samp"}
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
    def __init__(self, engine_only: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.engine_only = engine_only
        self.stack: list[tuple[str, str]] = []
        self.parts: list[str] = []
        self.code: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        given = dict(attrs)
        hidden = tag in SKIPPED or given.get("translate") == "no" or "hidden" in given
        engine = "data-engine-text" in given
        kind = "hidden" if hidden else "engine" if engine else "code" if tag in CODE else ""
        self.stack.append((tag, kind))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        kinds = {kind for _, kind in self.stack}
        if not data.strip() or "hidden" in kinds or ("engine" in kinds) != self.engine_only:
            return
        (self.code if "code" in kinds else self.parts).append(data.strip())


def engine_text(html: str) -> list[str]:
    """Text the monitoring engine wrote (alert titles, evidence), marked ``data-engine-text`` on the page."""
    parser = _Text(engine_only=True)
    parser.feed(html)
    return parser.parts


def visible_text(html: str) -> tuple[list[str], list[str]]:
    """The text runs of ``html`` a reader sees or hears: as prose, and inside ``<code>`` (identifiers)."""
    parser = _Text()
    parser.feed(html)
    return parser.parts, parser.code


def untranslated(html: str) -> list[str]:
    """Words in the visible text that are neither Chinese nor an abbreviation: snake_case keys, English words.

    A word in capitals (DSCR, EBITDA, PUE) or with a digit (GB40879, CO2) is an abbreviation and passes;
    a snake_case key fails even inside ``<code>``.
    """
    prose, code = visible_text(html)
    found = [w for text in code for w in WORD.findall(text) if "_" in w and not w.isupper()]
    for text in prose:
        for word in WORD.findall(text):
            if word in ALLOWED or word.isupper() or any(c.isdigit() for c in word):
                continue
            found.append(word)
    return found
