"""The master scale (主标尺): rating grades with PD bands and mid-points, shared by every engine.

A master scale is an ordered list of performing grades, best first, each covering PD in
``[pd_min, pd_max)`` with ``pd_min`` equal to the ``pd_max`` of the grade above (the first starts at 0),
followed by one default grade (PD = 1). ``pd_mid`` is the PD a grade stands for when a grade, not a PD, is
the input (an override, a notch, a project rating). The bundled scale lives in
``reference/data/master_scale.yaml`` (21 performing grades AAA … C plus D); banks can load their own.

>>> scale = load_master_scale()
>>> scale.grade_for_pd(0.02).code, scale.pd_for_grade("BB-")
('BB-', 0.0225)
>>> scale.notch("BB-", 2), scale.notch("AAA", 3), scale.grade_for_pd(1.0).code
('BB+', 'AAA', 'D')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from computecredit import reference
from computecredit.errors import InputError

DEFAULT_TABLE = "master_scale.yaml"


@dataclass(frozen=True)
class Grade:
    """One grade of the scale: its code, PD band ``[pd_min, pd_max)``, mid-point and names."""

    code: str
    rank: int
    pd_min: float
    pd_mid: float
    pd_max: float
    name_zh: str = ""
    name_en: str = ""
    is_default: bool = False


@dataclass(frozen=True)
class MasterScale:
    """An ordered master scale: performing grades best first, then the default grade.

    >>> scale = load_master_scale()
    >>> len(scale.performing), scale.default.code, scale.codes[:3]
    (21, 'D', ('AAA', 'AA+', 'AA'))
    """

    name: str
    grades: tuple[Grade, ...]
    source: str = ""

    def __post_init__(self) -> None:
        _check_grades(self.grades, self.name)

    @property
    def performing(self) -> tuple[Grade, ...]:
        """Grades a live obligor can hold (all but the default grade)."""
        return self.grades[:-1]

    @property
    def default(self) -> Grade:
        """The default grade (PD = 1)."""
        return self.grades[-1]

    @property
    def codes(self) -> tuple[str, ...]:
        """Grade codes, best first, default last."""
        return tuple(g.code for g in self.grades)

    def grade(self, code: str) -> Grade:
        """The grade with this code (``InputError`` if the scale has none)."""
        for grade in self.grades:
            if grade.code == code:
                return grade
        raise InputError("grade", code, f"not a grade of master scale {self.name!r}: {', '.join(self.codes)}")

    def pd_for_grade(self, code: str) -> float:
        """The PD a grade stands for (its mid-point)."""
        return self.grade(code).pd_mid

    def grade_for_pd(self, pd: float) -> Grade:
        """The grade whose band holds ``pd`` (PD = 1 is default)."""
        return self.grades[int(self.indices_for_pds(np.asarray([pd], dtype=np.float64))[0])]

    def indices_for_pds(self, pds: np.ndarray) -> np.ndarray:
        """Vectorised: the rank (0 = best) of the grade of each PD; PD = 1 maps to the default grade.

        >>> load_master_scale().indices_for_pds(np.array([0.0, 0.0003, 0.5, 1.0])).tolist()
        [0, 0, 20, 21]
        """
        pds = np.asarray(pds, dtype=np.float64)
        if pds.size and (np.isnan(pds).any() or pds.min() < 0.0 or pds.max() > 1.0):
            bad = pds[np.isnan(pds) | (pds < 0.0) | (pds > 1.0)][0]
            raise InputError("pd", float(bad), "must lie in [0, 1]")
        uppers = np.asarray([g.pd_max for g in self.performing[:-1]], dtype=np.float64)
        ranks = np.searchsorted(uppers, pds, side="right")
        ranks[pds >= 1.0] = len(self.grades) - 1
        return ranks

    def grades_for_pds(self, pds: np.ndarray) -> np.ndarray:
        """Vectorised: grade codes (object array) for an array of PDs.

        >>> load_master_scale().grades_for_pds(np.array([0.001, 0.05])).tolist()
        ['AA-', 'B']
        """
        return np.asarray(self.codes, dtype=object)[self.indices_for_pds(pds)]

    def notch(self, code: str, notches: int) -> str:
        """Move a performing grade ``notches`` grades up (positive) or down (negative), staying within
        the performing grades; the default grade never moves.

        >>> load_master_scale().notch("BBB", -2)
        'BB+'
        """
        grade = self.grade(code)
        if grade.is_default:
            return grade.code
        rank = min(max(grade.rank - notches, 0), len(self.performing) - 1)
        return self.grades[rank].code

    def notches_between(self, from_code: str, to_code: str) -> int:
        """How many notches ``to_code`` is better (positive) than ``from_code``.

        >>> load_master_scale().notches_between("BB", "BBB")
        3
        """
        return self.grade(from_code).rank - self.grade(to_code).rank

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description that :meth:`from_dict` reads back exactly."""
        return {
            "name": self.name,
            "source": self.source,
            "grades": [
                {
                    "grade": g.code,
                    "pd_mid": g.pd_mid,
                    "pd_max": g.pd_max,
                    "name_zh": g.name_zh,
                    "name_en": g.name_en,
                }
                for g in self.grades
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str | None = None) -> MasterScale:
        """Build a scale from ``{"name", "grades": [{"grade", "pd_mid", "pd_max", ...}], ...}``; the last
        grade is the default grade."""
        where = source or str(data.get("name", "master scale"))
        rows = data.get("grades")
        if not isinstance(rows, Sequence) or len(rows) < 2:
            raise InputError("grades", rows, "needs a list of at least two grades", source=where)
        grades = []
        pd_min = 0.0
        for rank, row in enumerate(rows):
            try:
                code, pd_mid, pd_max = str(row["grade"]), float(row["pd_mid"]), float(row["pd_max"])
            except (KeyError, TypeError, ValueError):
                raise InputError(
                    f"grades[{rank}]", row, "needs grade, pd_mid and pd_max (numbers)", source=where
                ) from None
            is_default = rank == len(rows) - 1
            grades.append(
                Grade(
                    code=code,
                    rank=rank,
                    pd_min=1.0 if is_default else pd_min,
                    pd_mid=pd_mid,
                    pd_max=pd_max,
                    name_zh=str(row.get("name_zh", "")),
                    name_en=str(row.get("name_en", "")),
                    is_default=is_default,
                )
            )
            pd_min = pd_max
        return cls(
            name=str(data.get("name", "master scale")), grades=tuple(grades), source=str(data.get("source", ""))
        )


def _check_grades(grades: tuple[Grade, ...], name: str) -> None:
    codes = [g.code for g in grades]
    if len(set(codes)) != len(codes):
        raise InputError("grades", codes, "grade codes must be unique", source=name)
    for grade in grades[:-1]:
        if not (0.0 <= grade.pd_min <= grade.pd_mid < grade.pd_max <= 1.0):
            raise InputError(
                f"grades.{grade.code}",
                (grade.pd_min, grade.pd_mid, grade.pd_max),
                "needs 0 <= pd_min <= pd_mid < pd_max <= 1",
                source=name,
            )
    if grades[-2].pd_max != 1.0:
        raise InputError(
            f"grades.{grades[-2].code}.pd_max",
            grades[-2].pd_max,
            "the worst performing grade must end at 1",
            source=name,
        )
    if grades[-1].pd_mid != 1.0:
        raise InputError(
            f"grades.{grades[-1].code}.pd_mid", grades[-1].pd_mid, "the default grade has PD 1", source=name
        )


@lru_cache(maxsize=8)
def load_master_scale(table: str = DEFAULT_TABLE) -> MasterScale:
    """The master scale from a bundled reference table (default: ``master_scale.yaml``)."""
    return MasterScale.from_dict(reference.load_yaml(table), source=table)


__all__ = ["Grade", "MasterScale", "load_master_scale"]
