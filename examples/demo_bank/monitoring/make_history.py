"""Writes the demo monitoring history (synthetic, monthly 2025-01 to 2026-06) into this folder's CSV files.

The history is about five borrowers of the demo bank (examples/demo_bank) and its three example projects
(examples/projects). Three deteriorate the ways compute credit goes bad; two stay current:

- the Wuhu cluster's borrower (yangtze_h20_offtake, FA-2025-121): its anchor offtaker 某头部大模型公司
  terminates the five-year compute-service contract on 2025-09-30 with no orders placed (the pattern of
  海南华铁's 36.9亿 contract); payments slip from 2026-01 and pass 90 days past due in 2026-04;
- 宁夏云岫智算 (ningxia_phase1, the 2.8亿 project loan PL-2025-NX-001): the utilisation ramp stalls near
  60% against a plan climbing to 90%, then slips under the 50% covenant; beyond 90 days in 2026-06;
- 内蒙古鸿渐智算 (inner_mongolia_merchant, FA-2025-118, all cards sold on the market): the H20 rental-price
  index slides from 2025-05 and the controlling holder pledges ever more of its shares; beyond 90 days in
  2026-05;
- 湖北星澜计算 (WC-2025-001 under the 5亿 line) and 广东昊衡算力云 (H20 servers leased under FL-2025-001)
  stay current; 昊衡 holds H20s, so the index slide flags it too (a false alarm).

The history treats the three projects as operating from 2025-01 although their documents commission them
later; market series are shaped on REFERENCE §3 (China GPU rental prices fell by about half in 2024). All
figures are illustrative, not observations. Run: python make_history.py
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).parent
A, B, C, D, E = (
    "91340100MAGGQWYTFL",  # the Wuhu cluster (yangtze_h20_offtake)
    "91640500MA53JLGWU7",  # 宁夏云岫智算 (ningxia_phase1)
    "91150100MAA5P7L9NM",  # 内蒙古鸿渐智算 (inner_mongolia_merchant)
    "91420100MAX6LY0C6L",  # 湖北星澜计算
    "91440300MABCJBUGHX",  # 广东昊衡算力云
)
OFFTAKER = "某头部大模型公司"  # the anchor customer of yangtze_h20_offtake
MONTHS = [date(2025 + (m // 12), m % 12 + 1, 1) for m in range(18)]
MONTH_ENDS = [(d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1) for d in MONTHS]
SOURCE = "demo history (synthetic)"


def write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with (HERE / name).open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows(rows)


def operating_reports() -> None:
    rows = []
    for i, end in enumerate(MONTH_ENDS):
        # 琼海: on plan until the offtaker walks away at the end of September 2025.
        contracted = 0.65 if i < 2 else (0.85 if i < 9 else 0.15)
        util = [0.52, 0.55, 0.58, 0.61, 0.63, 0.65, 0.66, 0.67, 0.68][i] if i < 9 else max(0.2, 0.34 - 0.015 * (i - 9))
        price = 13.6 if i < 9 else round(max(8.5, 11.0 - 0.3 * (i - 9)), 2)
        rows.append(["yangtze_h20_offtake", end, util, 0.55 if end.year == 2025 else 0.65, contracted, price,
                     14.0 if end.year == 2025 else 13.0, 0.993, 2100, 1.38])
        # 宁夏: the ramp stops at ~40% from mid-2025 while the plan climbs 3 points a month.
        plan = round(0.50 + 0.025 * i, 3)
        actual = [0.50, 0.53, 0.56, 0.58, 0.60][i] if i < 5 else [0.60, 0.60, 0.59, 0.60, 0.59, 0.59, 0.57, 0.55,
                                                                   0.52, 0.50, 0.48, 0.47, 0.46, 0.45][i - 5]
        rows.append(["ningxia_phase1", end, actual, plan, 0.55 if i < 12 else 0.45, 9.0, 9.0, 0.995, 3400, 1.18])
        # 内蒙古: merchant prices follow the H20 index down.
        index = h20_index(i)
        rows.append(["inner_mongolia_merchant", end, 0.72 if i < 10 else 0.62, 0.70, "", round(index * 0.95, 2),
                     9.0 if end.year == 2025 else 8.0, 0.996, 1500, 1.18])
    write("operating_reports.csv", ["project_code", "period_end", "utilisation", "planned_utilisation",
          "contracted_share", "realised_price", "planned_price", "uptime", "energy_mwh", "pue"], rows)


def h20_index(i: int) -> float:
    return round(9.5 if i < 4 else 9.5 * 0.96 ** (i - 3), 2)


def market() -> None:
    rows = []
    for i, end in enumerate(MONTH_ENDS):
        rows.append(["gpu_rental_index", "H100", end, round(13.8 * 0.99**i, 2), "CNY/GPU-hour", SOURCE])
        rows.append(["gpu_rental_index", "H20", end, h20_index(i), "CNY/GPU-hour", SOURCE])
        rows.append(["gpu_rental_index", "Ascend 910B", end, 7.5, "CNY/GPU-hour", SOURCE])
        rows.append(["gpu_rental_index", "Ascend 910C", end, 8.5, "CNY/GPU-hour", SOURCE])
        rows.append(["electricity_tariff", "ningxia", end, 0.32, "CNY/kWh", SOURCE])
        rows.append(["electricity_tariff", "inner_mongolia", end, 0.30 if i < 12 else 0.31, "CNY/kWh", SOURCE])
        rows.append(["electricity_tariff", "anhui", end, 0.58, "CNY/kWh", SOURCE])
    write("market.csv", ["series", "key", "period_end", "value", "unit", "source"], rows)


def payments() -> None:
    # facility: (drawn balance, first month with a repayment date, {month index: days past due})
    paths = {
        "FA-2025-121": (14_458_500, 3, {12: 15, 13: 45, 14: 75, 15: 105, 16: 135, 17: 165}),
        "PL-2025-NX-001": (210_000_000, 2, {14: 20, 15: 50, 16: 80, 17: 110}),
        "FA-2025-118": (35_239_167, 1, {13: 10, 14: 40, 15: 70, 16: 100, 17: 130}),
        "WC-2025-001": (50_000_000, 1, {7: 3}),
        "FL-2025-001": (108_000_000, 5, {}),
    }
    rows = []
    for reference, (amount, first, late) in paths.items():
        for i, end in enumerate(MONTH_ENDS):
            if i < first:
                continue
            dpd = late.get(i, 0)
            rows.append([reference, end, dpd, amount, round(amount * 0.02 * (1 + dpd // 30)) if dpd else 0,
                         "true" if reference == "WC-2025-001" and dpd else "false"])
    write("payments.csv", ["facility_reference", "as_of", "days_past_due", "outstanding", "overdue_amount",
          "technical_delay"], rows)


def events() -> None:
    rows = [
        [A, "2025-03-15", "offtake_signed", OFFTAKER, "12亿", "", "", "五年期算力服务合同签订，合同金额12亿元", SOURCE],
        [A, "2025-09-30", "offtake_terminated", OFFTAKER, "12亿", "", "",
         "算力服务合同终止，合同期内客户未下达任何订单（参照海南华铁2025-09-30公告的36.9亿合同）", SOURCE],
        [C, "2025-06-30", "equity_pledge", "控股股东", "", 0.45, "", "控股股东累计质押其持股的45%", SOURCE],
        [C, "2025-12-31", "equity_pledge", "控股股东", "", 0.62, "", "控股股东累计质押其持股的62%", SOURCE],
        [C, "2026-02-28", "equity_pledge", "控股股东", "", 0.85, "", "控股股东累计质押其持股的85%", SOURCE],
        [D, "2025-08-20", "litigation", "某供应商", "800万", "", "", "买卖合同纠纷，诉讼标的800万元", SOURCE],
        [D, "2025-06-30", "equity_pledge", "控股股东", "", 0.30, "", "控股股东累计质押其持股的30%", SOURCE],
    ]
    write("events.csv", ["borrower_uscc", "event_date", "kind", "counterparty", "amount", "ratio", "chips",
          "description", "source"], rows)


if __name__ == "__main__":
    operating_reports()
    market()
    payments()
    events()
