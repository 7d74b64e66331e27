"""Jinja2 rendering with the request's language, amounts with units, and the CSRF token at hand.

Templates call ``t(message_key)`` for every text, ``amount(x)`` for money (元/万元/亿元 in zh-CN; CNY in en),
and put ``csrf_field()`` into every form.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.responses import Response

from computecredit.money import format_amount
from computecredit.web import i18n

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.autoescape = True


def language(request: Request) -> str:
    lang = getattr(request.state, "lang", None)
    if lang is None:
        lang = i18n.pick_language(request.headers.get("accept-language"), request.cookies.get(i18n.COOKIE))
        request.state.lang = lang
    return lang


def amount_text(value: Any, lang: str, unit: str | None = None) -> str:
    """An amount with its unit, or a dash when missing.

    >>> amount_text(Decimal("280000000"), "zh-CN"), amount_text(None, "en")
    ('2.80亿元', '—')
    """
    if value is None or value == "":
        return "—"
    return format_amount(Decimal(str(value)), unit=unit, lang="zh" if lang.startswith("zh") else "en")  # type: ignore[arg-type]


def product_label(code: str, lang: str) -> str:
    """The product's name in ``lang`` (the code itself if it is not a known product).

    >>> product_label("working_capital_loan", "zh-CN"), product_label("working_capital_loan", "en")
    ('流动资金贷款', 'Working-capital loan')
    """
    from computecredit.domain.facilities import ProductType

    member = ProductType.parse(code)
    return member.label(lang) if member is not None else code


def dimension_label(value: Any, lang: str) -> str:
    """A book dimension's value (chain segment, hub or province code) in ``lang``; other values as they are.

    >>> dimension_label("servers_hardware", "en"), dimension_label("ningxia", "zh-CN"), dimension_label("G01", "en")
    ('Servers and hardware', '宁夏', 'G01')
    """
    from computecredit.domain.borrowers import ChainSegment, Hub, Province

    for enum in (ChainSegment, Hub, Province):
        member = enum.parse(value) if isinstance(value, str) and value else None
        if member is not None:
            return member.label(lang)
    return str(value)


def term(kind: str, key: Any, lang: str) -> str:
    """An engine's key in words: ``kind`` names the family (constraint, check, metric, driver, model, severity...).

    Rating factors take their names from the expert scorecard table (a bank may add its own factors there);
    the bank's own sector and hub limits (checks ``sector:<segment>``, ``hub:<hub>``) name their segment or
    hub; every other key is looked up as ``<kind>.<key>`` in the catalog, and an unknown key is shown as it is.

    >>> term("constraint", "dscr_capacity", "zh-CN"), term("factor", "utilisation", "en")
    ('目标DSCR下的债务承受能力', 'Utilisation')
    >>> term("check", "hub:ningxia", "zh-CN"), term("metric", "dscr", "zh-CN")
    ('本行枢纽节点限额 宁夏', '偿债覆盖率（DSCR）')
    """
    text = str(key)
    if kind == "factor":
        names = factor_names().get(text)
        if names is not None:
            return names[0] if lang.startswith("zh") else names[1]
    if kind == "check" and ":" in text:
        dimension, _, name = text.partition(":")
        return f"{i18n.translate(lang, f'check.{dimension}')} {dimension_label(name, lang)}"
    found = i18n.catalog(lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE).get(f"{kind}.{text}")
    return found if found is not None else text


@cache
def factor_names() -> dict[str, tuple[str, str]]:
    """Chinese and English names of the expert model's factors and innovation components, by code."""
    from computecredit.rating.expert import load_expert_config

    config = load_expert_config()
    names = {code: (f.name_zh, f.name_en) for code, f in config.factors.items()}
    names.update({code: (zh, en) for code, (_w, _s, zh, en) in config.innovation.components.items()})
    return names


def percent(value: Any, places: int = 2) -> str:
    """A fraction as a percentage.

    >>> percent(0.01234)
    '1.23%'
    """
    if value is None:
        return "—"
    return f"{float(value) * 100:.{places}f}%"


def number(value: Any, places: int = 2) -> str:
    """A plain number with thousands separators.

    >>> number(1234.5678)
    '1,234.57'
    """
    if value is None:
        return "—"
    return f"{float(value):,.{places}f}"


def page_paths(request: Request) -> frozenset[str]:
    """Paths of the pages the app serves (the navigation shows only those)."""
    cached = getattr(request.app.state, "page_paths", None)
    if cached is None:
        cached = frozenset(route_paths(request.app.routes))
        request.app.state.page_paths = cached
    return cached


def route_paths(routes: list[Any]) -> Iterator[str]:
    """Every path of ``routes``, looking into included routers (they are added without a prefix here)."""
    for route in routes:
        if hasattr(route, "path"):
            yield route.path
        elif hasattr(route, "original_router"):
            yield from route_paths(route.original_router.routes)


def context(request: Request, extra: dict[str, Any]) -> dict[str, Any]:
    lang = language(request)
    user = getattr(request.state, "user", None)
    csrf = user.csrf_token if user is not None else getattr(request.state, "login_csrf", None)

    def csrf_field() -> Markup:
        return Markup(f'<input type="hidden" name="csrf_token" value="{escape(csrf or "")}">')

    return {
        "request": request,
        "lang": lang,
        "languages": i18n.LANGUAGES,
        "t": lambda key, **kw: i18n.translate(lang, key, **kw),
        "amount": lambda value, unit=None: amount_text(value, lang, unit),
        "product_label": lambda code: product_label(code, lang),
        "dim": lambda value: dimension_label(value, lang),
        "label": lambda value: (
            value.label(lang) if hasattr(value, "label") else ("—" if value is None else str(value))
        ),
        "term": lambda kind, key: term(kind, key, lang),
        "branch": lambda code, known: known[code].name(lang) if code in known else code,
        "percent": percent,
        "number": number,
        "user": user,
        "csrf_token": csrf,
        "csrf_field": csrf_field,
        "path": request.url.path,
        "page_paths": page_paths(request),
        **extra,
    }


def render(
    request: Request,
    template: str,
    extra: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render ``template`` for ``request`` in its language."""
    return TEMPLATES.TemplateResponse(
        request, template, context(request, extra or {}), status_code=status_code, headers=headers
    )
