"""Messages in zh-CN and en: one JSON catalog per language, the language picked per request.

Order: the ``cc_lang`` cookie (set by the switch on every page), then ``Accept-Language``, then zh-CN.

>>> pick_language("en-GB,en;q=0.9,zh;q=0.5", None)
'en'
>>> pick_language("fr-FR", "en")
'en'
>>> pick_language(None, None)
'zh-CN'
>>> translate("en", "nav.dashboard"), translate("zh-CN", "nav.dashboard")
('Dashboard', '仪表盘')
>>> translate("en", "page.count", n=3)
'3 items'
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"
COOKIE = "cc_lang"
CATALOG_DIR = Path(__file__).parent


@cache
def catalog(lang: str) -> dict[str, str]:
    """The flat ``key → message`` catalog of ``lang``."""
    return json.loads((CATALOG_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def normalise(code: str | None) -> str | None:
    """Map a language tag to one we have (``zh``, ``zh-Hans-CN`` → zh-CN; ``en-US`` → en), else None.

    >>> normalise("ZH-hans"), normalise("en_US"), normalise("de")
    ('zh-CN', 'en', None)
    """
    if not code:
        return None
    primary = code.strip().replace("_", "-").split("-")[0].lower()
    return {"zh": "zh-CN", "en": "en"}.get(primary)


def pick_language(accept_language: str | None, cookie: str | None) -> str:
    """The language for a request: cookie first, then the best match in ``Accept-Language``."""
    chosen = normalise(cookie)
    if chosen:
        return chosen
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        lang = normalise(tag)
        if lang and quality > 0:
            ranked.append((-quality, index, lang))
    return sorted(ranked)[0][2] if ranked else DEFAULT_LANGUAGE


def translate(lang: str, key: str, **params: Any) -> str:
    """The message ``key`` in ``lang`` with its ``{name}`` fields filled in; the key itself if unknown."""
    text = catalog(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).get(key)
    if text is None:
        text = catalog(DEFAULT_LANGUAGE).get(key, key)
    return text.format(**params) if params else text
