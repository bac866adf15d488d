"""Calculator benchmark: batch evaluation (免申即享) against a plain-Python per-row baseline.

Run with ``make bench`` (or ``python bench/calc.py [--rows N]``). A synthetic table of resident
profiles (string cells, as read from a CSV) is evaluated by

1. a hand-written Python function implementing 平政办发〔2023〕35号 directly (the baseline: what a
   programmer would write for this one policy, parsing cells and using Decimal the same way),
2. the engine's batch path (``gongbao.rules.batch.evaluate_rows``: input checks, eligibility, amounts),
3. the engine's explained path (``Rule.evaluate``: the Chinese step-by-step explanation with sources),

in the same run. Results must agree row by row; the figures are cases/s and ratios to the baseline.
Target: ≥ 50,000 cases/s for the batch path.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from gongbao.rules.batch import BatchSummary, evaluate_rows  # noqa: E402
from gongbao.rules.book import bundled_rules  # noqa: E402

RULE = "pingshun-living-allowance"
HEADER = ["姓名", "tekun", "monitoring", "tuopin", "serious_illness", "disability", "age", "dibao", "months"]


def profiles(n: int, seed: int = 7) -> list[dict[str, str]]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        rows.append(
            {
                "姓名": f"居民{i}",
                "tekun": rnd.choice(["是", "否", "否", "否"]),
                "monitoring": rnd.choice(["否", "未消除风险", "已消除风险"]),
                "tuopin": rnd.choice(["是", "否"]),
                "serious_illness": rnd.choice(["是", "否", "否"]),
                "disability": rnd.choice(["无", "一级或二级残疾", "三级或四级智力精神残疾", "其他残疾"]),
                "age": str(rnd.randint(18, 99)),
                "dibao": rnd.choice(["是", "否", "否"]),
                "months": str(rnd.randint(1, 12)),
            }
        )
    return rows


def baseline(row: dict[str, str]) -> tuple[bool, Decimal]:
    """平政办发〔2023〕35号 by hand: the four cases, 就高不就低, × months."""
    yes = {"是": True, "否": False}
    tekun, tuopin, ill, dibao = (yes[row[k]] for k in ("tekun", "tuopin", "serious_illness", "dibao"))
    age, months = Decimal(row["age"]), Decimal(row["months"])
    elderly = age >= 75
    unable = ill or row["disability"] in ("一级或二级残疾", "三级或四级智力精神残疾") or elderly
    monthly = max(
        Decimal(300) if tekun else Decimal(0),
        Decimal(300) if row["monitoring"] == "未消除风险" and unable else Decimal(0),
        Decimal(100) if row["monitoring"] == "已消除风险" and elderly and not dibao else Decimal(0),
        Decimal(100) if tuopin and elderly and not dibao else Decimal(0),
    )
    return monthly > 0, monthly * months


def timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    args = ap.parse_args()
    rule = bundled_rules()[RULE]
    rows = profiles(args.rows)

    t_base, expected = timed(lambda: [baseline(r) for r in rows])
    summary = BatchSummary()
    t_batch, got = timed(lambda: list(evaluate_rows(rule, HEADER, rows, summary)))
    sample = rows[: max(1, args.rows // 20)]
    t_explain, explained = timed(lambda: [rule.evaluate({k: r[k] for k in HEADER[1:]}) for r in sample])

    for (ok, total), out in zip(expected, got, strict=True):
        assert (out["是否符合"] == "是") == ok and Decimal(str(out["补助合计（元）"])) == total, out
    for (ok, total), res in zip(expected, explained, strict=False):
        assert res["eligible"] == ok and Decimal(str(res["outputs"]["total"]["value"])) == total

    base_rate = args.rows / t_base
    batch_rate = args.rows / t_batch
    explain_rate = len(sample) / t_explain
    print(
        f"rule {RULE}, {args.rows:,} profiles, {summary.eligible:,} eligible; all results agree with the baseline"
    )
    print(f"baseline (hand-written Python) : {base_rate:>10,.0f} cases/s")
    print(
        f"engine batch (checks + amounts): {batch_rate:>10,.0f} cases/s  ×{batch_rate / base_rate:.2f} of baseline"
    )
    print(
        f"engine explained (steps, cites): {explain_rate:>10,.0f} cases/s  ×{explain_rate / base_rate:.2f} of baseline"
    )
    print("target: batch ≥ 50,000 cases/s — " + ("met" if batch_rate >= 50_000 else "NOT met"))


if __name__ == "__main__":
    main()
