"""A programme's progress against a small case computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from computecredit.domain.programmes import Programme
from computecredit.programmes import Member, progress

YI = Decimal("1e8")
PROGRAMME = Programme(
    code="AI-T", kind="lending_programme", name_zh="测试计划", name_en="Test programme", amount=10 * YI,
    start=date(2025, 1, 1), end=date(2029, 12, 31),
)  # fmt: skip


def member(ref: str, segment: str, hub: str, on: date, limit: str, drawn: str, el: float, *flags: str) -> Member:
    return Member(ref, f"U-{ref}", ref, ref, segment, hub, on, Decimal(limit) * YI, Decimal(drawn) * YI, el,
                  "npl" in flags, "watch" in flags)  # fmt: skip


MEMBERS = [
    member("A", "datacenter_operator", "ningxia", date(2025, 3, 1), "2.0", "1.5", 300_000.0),
    member("B", "datacenter_operator", "gansu", date(2025, 9, 1), "1.0", "0.2", 100_000.0, "watch"),
    member("C", "chip_design", "", date(2026, 2, 1), "0.5", "0.5", 50_000.0, "npl", "watch"),
    member("D", "chip_design", "", date(2027, 1, 1), "4.0", "0.0", 0.0),  # after the reporting date
]


def test_progress_by_hand() -> None:
    r = progress(PROGRAMME, MEMBERS, date(2026, 6, 30))
    # committed: A + B + C = 3.5亿; drawn 1.5 + 0.2 + 0.5 = 2.2亿; D is committed after the date.
    assert r.committed == Decimal("3.5") * YI and r.drawn == Decimal("2.2") * YI
    assert r.remaining == Decimal("6.5") * YI and r.share_of_target == 0.35
    # elapsed: 2025-01-01 → 2026-06-30 is 545 days of 1825; expected 10亿 × 545/1825 = 2.9863亿
    assert abs(r.elapsed_share - 545 / 1825) < 1e-12
    assert r.expected_by_now == Decimal(round(10e8 * 545 / 1825))
    assert abs(r.pace - 3.5e8 / round(10e8 * 545 / 1825)) < 1e-9
    assert [(s.key, s.committed, s.facilities) for s in r.by_segment] == [
        ("datacenter_operator", 3 * YI, 2),
        ("chip_design", Decimal("0.5") * YI, 1),
    ]
    assert [(s.key, s.committed) for s in r.by_year] == [("2025", 3 * YI), ("2026", Decimal("0.5") * YI)]
    assert [s.key for s in r.by_hub] == ["ningxia", "gansu", "none"]
    assert r.expected_loss == 450_000.0 and r.npl_count == 1 and r.watch_count == 2 and r.borrowers == 3


def test_before_and_after_the_period() -> None:
    before = progress(PROGRAMME, MEMBERS, date(2024, 12, 31))
    assert before.committed == 0 and before.pace is None and before.elapsed_share == 0.0
    after = progress(PROGRAMME, MEMBERS, date(2031, 1, 1))
    assert after.committed == Decimal("7.5") * YI and after.elapsed_share == 1.0 and after.pace == 0.75
