"""Parse throughput over the bundled samples, against baselines measured in the same run.

Run with ``make bench``. Reports CPU time (best of N rounds) and MB/s for:
  * baseline  — read each file and split it into lines (the floor any parser pays);
  * regex     — one pass of the 文号 regex over every line (a cheap "real work" reference);
  * repair    — decode + text repair (stage 1);
  * parse     — decode + repair + segmentation + metadata + article trees (everything `gongbao parse` does);
and the ratio of each to the baseline. Start-up (imports, cn2an) is excluded: the first parse warms up.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from gongbao import patterns as P  # noqa: E402
from gongbao.parse import parse_file  # noqa: E402
from gongbao.text.decode import read_text  # noqa: E402
from gongbao.text.repair import repair  # noqa: E402

FILES = sorted((ROOT / "samples" / "gazettes").glob("*.txt"))
ROUNDS = 5


def baseline() -> None:
    for f in FILES:
        f.read_text(encoding="utf-8").split("\n")


def regex_pass() -> None:
    for f in FILES:
        for line in f.read_text(encoding="utf-8").split("\n"):
            P.DOC_NO.search(line)


def repair_only() -> None:
    for f in FILES:
        text, enc = read_text(f)
        repair(text, str(f), enc)


def parse_all() -> None:
    for f in FILES:
        parse_file(f)


def best_cpu(fn) -> float:
    times = []
    for _ in range(ROUNDS):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def main() -> None:
    size_mb = sum(f.stat().st_size for f in FILES) / 1e6
    parse_all()  # warm-up: imports, caches, cn2an
    rows = [
        (name, best_cpu(fn))
        for name, fn in (
            ("baseline read+split", baseline),
            ("文号 regex pass", regex_pass),
            ("repair", repair_only),
            ("parse (all stages)", parse_all),
        )
    ]
    base = rows[0][1]
    print(f"{len(FILES)} files, {size_mb:.2f} MB, best of {ROUNDS} rounds (CPU time)")
    print(f"{'stage':<22}{'CPU s':>9}{'MB/s':>10}{'× baseline':>13}")
    for name, t in rows:
        print(f"{name:<22}{t:>9.3f}{size_mb / t:>10.2f}{t / base:>13.1f}")


if __name__ == "__main__":
    main()
