"""Writes the demo monitoring history (synthetic, monthly 2025-01 to 2026-06) into this folder's CSV files.

The history is about five borrowers of the demo bank (examples/demo_bank). Three deteriorate the ways
compute credit goes bad; two stay current:

- 河北澄算算力云 (listed, H800 leasing, WC-2025-002): a 12亿 five-year compute-service contract signed
  2025-03 is terminated 2025-09-30 with no orders placed (the pattern of 海南华铁's 36.9亿 contract);
  utilisation and price fall, payments slip from 2026-01 and pass 90 days past due in 2026-04;
- 宁夏云岫智算 (Ningxia hub, Ascend 910B, the 2.8亿 project loan PL-2025-NX-001 and the project
  ningxia_phase1): the utilisation ramp stalls near 60% against a plan climbing to 90%, then slips; past due from
  2026-03, beyond 90 days in 2026-06;
- 宁夏沐辰算力云 (H100 leasing, WC-2025-102): the H100 rental-price index slides from 2025-05 and the
  controlling holder pledges ever more of its shares; past due from 2026-02, beyond 90 days in 2026-05;
- 湖北星澜计算 (server maker, WC-2025-001 under the 5亿 line) and 广东昊衡算力云 (H20 leasing, FL-2025-001)
  stay current; 昊衡 is touched by the 2025-04 H20 export-licence requirement, a warning that does not end
  in default.

Market series are shaped on REFERENCE §3 (an 8-card H100 server fell from 12–18万 to ~7万 a month in 2024,
about 12 CNY per GPU-hour); the figures are illustrative, not observations. Run: python make_history.py
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).parent
A, B, C, D, E = (
    "91130100MA88P9G8PJ",  # 河北澄算算力云
    "91640500MA53JLGWU7",  # 宁夏云岫智算
    "91640500MACGA54J1T",  # 宁夏沐辰算力云
    "91420100MAX6LY0C6L",  # 湖北星澜计算
    "91440300MABCJBUGHX",  # 广东昊衡算力云
)
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
        rows.append(["hb-h800-lease", end, util, 0.55 if end.year == 2025 else 0.65, contracted, price,
                     14.0 if end.year == 2025 else 13.0, 0.993, 2100, 1.38])
        # 宁夏: the ramp stops at ~40% from mid-2025 while the plan climbs 3 points a month.
        plan = round(0.50 + 0.025 * i, 3)
        actual = [0.50, 0.53, 0.56, 0.58, 0.60][i] if i < 5 else [0.60, 0.60, 0.59, 0.60, 0.59, 0.59, 0.57, 0.55,
                                                                   0.52, 0.50, 0.48, 0.47, 0.46, 0.45][i - 5]
        rows.append(["ningxia_phase1", end, actual, plan, 0.55 if i < 12 else 0.45, 9.0, 9.0, 0.995, 3400, 1.18])
        # 成渝: realised price follows the H100 index down.
        index = h100_index(i)
        rows.append(["nx-h100-lease", end, 0.72 if i < 10 else 0.62, 0.70, 0.75, round(index * 0.95, 2),
                     14.0 if end.year == 2025 else 13.0, 0.996, 1500, 1.24])
        # 浦江: sound.
        rows.append(["gd-h20-cluster", end, 0.71, 0.65, 0.8, 8.8, 8.5, 0.997, 900, 1.22])
    write("operating_reports.csv", ["project_code", "period_end", "utilisation", "planned_utilisation",
          "contracted_share", "realised_price", "planned_price", "uptime", "energy_mwh", "pue"], rows)


def h100_index(i: int) -> float:
    return round(15.0 if i < 4 else 15.0 * 0.96 ** (i - 3), 2)


def market() -> None:
    rows = []
    for i, end in enumerate(MONTH_ENDS):
        rows.append(["gpu_rental_index", "H100", end, h100_index(i), "CNY/GPU-hour", SOURCE])
        rows.append(["gpu_rental_index", "H800", end, round(13.8 * 0.99**i, 2), "CNY/GPU-hour", SOURCE])
        rows.append(["gpu_rental_index", "H20", end, 9.0, "CNY/GPU-hour", SOURCE])
        rows.append(["gpu_rental_index", "ASCEND910B", end, 7.5, "CNY/GPU-hour", SOURCE])
        rows.append(["electricity_tariff", "ningxia", end, 0.32, "CNY/kWh", SOURCE])
        rows.append(["electricity_tariff", "sichuan", end, 0.45 if i < 12 else 0.47, "CNY/kWh", SOURCE])
        rows.append(["electricity_tariff", "hainan", end, 0.60, "CNY/kWh", SOURCE])
    write("market.csv", ["series", "key", "period_end", "value", "unit", "source"], rows)


def payments() -> None:
    # facility: (drawn balance, first month with a repayment date, {month index: days past due})
    paths = {
        "WC-2025-002": (100_000_000, 1, {12: 15, 13: 45, 14: 75, 15: 105, 16: 135, 17: 165}),
        "PL-2025-NX-001": (210_000_000, 2, {14: 20, 15: 50, 16: 80, 17: 110}),
        "WC-2025-102": (9_530_000, 3, {13: 10, 14: 40, 15: 70, 16: 100, 17: 130}),
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
        [A, "2025-03-15", "offtake_signed", "某大模型公司", "12亿", "", "", "五年期算力服务合同签订，合同金额12亿元", SOURCE],
        [A, "2025-09-30", "offtake_terminated", "某大模型公司", "12亿", "", "",
         "算力服务合同终止，合同期内客户未下达任何订单（参照海南华铁2025-09-30公告的36.9亿合同）", SOURCE],
        [C, "2025-06-30", "equity_pledge", "控股股东", "", 0.45, "", "控股股东累计质押其持股的45%", SOURCE],
        [C, "2025-12-31", "equity_pledge", "控股股东", "", 0.62, "", "控股股东累计质押其持股的62%", SOURCE],
        [C, "2026-02-28", "equity_pledge", "控股股东", "", 0.85, "", "控股股东累计质押其持股的85%", SOURCE],
        [D, "2025-08-20", "litigation", "某供应商", "800万", "", "", "买卖合同纠纷，诉讼标的800万元", SOURCE],
        [D, "2025-06-30", "equity_pledge", "控股股东", "", 0.30, "", "控股股东累计质押其持股的30%", SOURCE],
        [E, "2025-04-15", "export_control", "US BIS", "", "", "H20",
         "美国对H20芯片对华出口实施许可证要求（2025-04）", "NVIDIA 8-K 2025-04-15"],
    ]
    write("events.csv", ["borrower_uscc", "event_date", "kind", "counterparty", "amount", "ratio", "chips",
          "description", "source"], rows)


if __name__ == "__main__":
    operating_reports()
    market()
    payments()
    events()
