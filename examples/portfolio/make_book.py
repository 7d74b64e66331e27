"""Regenerate ``book.csv``: a small demo compute book (fictional names, deterministic)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

SECTORS = {
    "servers": ("服务器", 0.012, 0.40, ["北京", "江苏", "广东", "山东"]),
    "chips": ("芯片", 0.018, 0.55, ["上海", "北京", "安徽", "广东"]),
    "idc": ("智算中心", 0.025, 0.45, ["宁夏", "贵州", "内蒙古", "甘肃", "四川"]),
    "compute_leasing": ("算力租赁", 0.035, 0.60, ["浙江", "上海", "重庆", "海南"]),
    "cloud": ("云服务", 0.010, 0.45, ["北京", "浙江", "广东"]),
}


def main() -> None:
    rng = np.random.default_rng(2025)
    rows = []
    number = 0
    for sector, (label, pd, lgd, regions) in SECTORS.items():
        for k in range(8):
            number += 1
            group = f"G{(number - 1) // 3 + 1:02d}" if k < 6 else f"G{number:02d}"
            ead = float(np.round(rng.lognormal(np.log(1.5e8), 0.8), -4))
            rows.append(
                {
                    "obligor_id": f"{sector.upper()[:3]}-{k + 1:02d}",
                    "name": f"{label}{k + 1}号",
                    "group_id": group,
                    "sector": sector,
                    "region": regions[k % len(regions)],
                    "ead": ead,
                    "pd": round(float(pd * rng.lognormal(0.0, 0.6)), 5),
                    "lgd": lgd,
                    "maturity": int(rng.integers(1, 6)),
                }
            )
    path = Path(__file__).with_name("book.csv")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
