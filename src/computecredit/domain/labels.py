"""Enumerations whose members carry their Chinese and English labels.

>>> class Colour(LabelledEnum):
...     RED = "red", "红", "Red"
>>> Colour("red").zh, Colour.RED.label("en"), str(Colour.RED)
('红', 'Red', 'red')
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class LabelledEnum(StrEnum):
    """A string enum whose members are declared as ``NAME = value, zh, en``."""

    zh: str
    en: str

    def __new__(cls, value: str, zh: str = "", en: str = "") -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.zh = zh or value
        member.en = en or value
        return member

    def label(self, lang: str = "zh") -> str:
        """The member's label in ``lang`` (anything starting with ``zh`` is Chinese, else English)."""
        return self.zh if lang.startswith("zh") else self.en

    @classmethod
    def parse(cls, text: Any) -> Any:
        """Find a member by value, English or Chinese label (case-insensitive); ``None`` if none matches.

        >>> from computecredit.domain.borrowers import Hub
        >>> Hub.parse("宁夏"), Hub.parse("Ningxia"), Hub.parse("ningxia")
        (<Hub.NINGXIA: 'ningxia'>, <Hub.NINGXIA: 'ningxia'>, <Hub.NINGXIA: 'ningxia'>)
        """
        if isinstance(text, cls):
            return text
        if isinstance(text, str) and text in cls._value2member_map_:  # a stored value: no labels to compare
            return cls._value2member_map_[text]
        wanted = str(text).strip().casefold()
        for member in cls:
            if wanted in (member.value.casefold(), member.zh.casefold(), member.en.casefold()):
                return member
        return None

    @classmethod
    def choices(cls) -> str:
        """The allowed values, for error messages."""
        return ", ".join(member.value for member in cls)


def lenient(enum_cls: type[LabelledEnum]) -> Any:
    """A pydantic ``BeforeValidator`` that also accepts a member's Chinese or English label.

    >>> from typing import Annotated
    >>> from pydantic import BaseModel
    >>> from computecredit.domain.borrowers import Hub
    >>> class Site(BaseModel):
    ...     hub: Annotated[Hub, lenient(Hub)]
    >>> Site(hub="长三角").hub
    <Hub.YANGTZE_DELTA: 'yangtze_delta'>
    """
    from pydantic import BeforeValidator

    def _parse(value: Any) -> Any:
        if value is None or isinstance(value, enum_cls):
            return value
        found = enum_cls.parse(value)
        return found if found is not None else value

    return BeforeValidator(_parse)


__all__ = ["LabelledEnum", "lenient"]
