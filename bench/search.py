"""Search benchmark: a synthetic library of ≥20,000 documents built from the samples.

Run with ``make bench`` (or ``python bench/search.py [--docs N] [--keep DIR]``). Steps:

1. Build synthetic gazette files: documents recombined from the paragraphs of the five samples, given new
   counties, titles and 文号 (renumbered), 100 documents per file.
2. Ingest them with the real pipeline (decode, repair, parse, SQLite + FTS5 index) and report throughput
   (documents/s, MB/s).
3. Run a fixed list of queries (title words, content words, 文号 variants, with and without filters)
   through ``gongbao.store.query.search`` and through a naive ``LIKE`` scan in the same run, and report
   p50/p99 latency and the ratio. Targets: p50 < 20 ms, p99 < 100 ms, ≥ 50× faster than LIKE.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from gongbao.parse import parse_file  # noqa: E402
from gongbao.store.db import connect  # noqa: E402
from gongbao.store.ingest import ingest_file  # noqa: E402
from gongbao.store.query import Filters, search  # noqa: E402

COUNTIES = [
    "平顺县",
    "阳城县",
    "稷山县",
    "沁源县",
    "壶关县",
    "黎城县",
    "武乡县",
    "襄垣县",
    "屯留县",
    "长子县",
    "陵川县",
    "泽州县",
]
QUERIES = [
    "重污染天气应急预案",
    "储备粮",
    "医疗救助",
    "招商引资奖励",
    "秸秆综合利用",
    "高标准农田",
    "森林防火",
    "农业生产托管",
    "地质灾害防治",
    "营商环境",
    "温暖过冬",
    "清洁取暖",
    "水土保持",
    "上市挂牌",
    "公共租赁住房",
    "应急响应 指挥部",
    "责任单位 县财政局",
    "乡村振兴 资金",
    "安全生产 隐患排查",
    "中医药",
    "电子证照",
    "房证同交",
    "大面积停电",
    "低收入人口",
    "生态环境保护规划",
]


def paragraph_pool() -> tuple[list[str], list[str]]:
    paragraphs, titles = [], []
    for f in sorted((ROOT / "samples" / "gazettes").glob("*.txt")):
        for d in parse_file(f).documents:
            for p in d.parts:
                if p.role == "main_text" and p.title:
                    titles.append(p.title)
                paragraphs.extend(t for t in p.text.split("\n") if 30 <= len(t) <= 400 and "\t" not in t)
    return paragraphs, titles


def synthetic_files(
    out: Path, n_docs: int, per_file: int = 100, seed: int = 7
) -> tuple[list[Path], list[str]]:
    rng = random.Random(seed)
    paragraphs, titles = paragraph_pool()
    files, doc_nos = [], []
    serial = 0
    for f_no in range((n_docs + per_file - 1) // per_file):
        county = COUNTIES[f_no % len(COUNTIES)]
        short = county[0]
        year = 2010 + f_no // 48  # every file is a distinct (county, year, issue)
        issue = (f_no // len(COUNTIES)) % 4 + 1
        chunks = []
        for _ in range(min(per_file, n_docs - f_no * per_file)):
            serial += 1
            base = rng.choice(titles)
            for c in COUNTIES:
                base = base.replace(c, county)
            doc_no = f"{short}政办发〔{year}〕{serial}号"
            doc_nos.append(doc_no)
            body = "\n\n".join(
                f"{['一', '二', '三', '四', '五', '六', '七', '八'][i]}、{p}"
                for i, p in enumerate(rng.sample(paragraphs, rng.randint(3, 8)))
            )
            chunks.append(
                f"{county}人民政府办公室\n\n关于印发{base}的通知\n\n{doc_no}\n\n各乡（镇）人民政府，县直各有关单位：\n\n"
                f"《{base}》已经县政府同意，现印发给你们，请认真贯彻执行。\n\n{county}人民政府办公室\n\n"
                f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日\n\n（此件公开发布）\n\n{base}\n\n{body}\n"
            )
        path = out / f"synthetic-{f_no:04d}.txt"
        path.write_text(
            f"{county}人民政府公报\n\n{year}年第{issue}期（总第{f_no + 1}期）\n\n" + "\n".join(chunks),
            encoding="utf-8",
        )
        files.append(path)
    return files, doc_nos


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def like_scan(conn, q: str, county: str | None = None) -> tuple[int, list[int]]:
    """The naive baseline, answering the same question as the search: how many documents contain every
    word, and the 20 best (a title hit ranks above a body hit, then newest first)."""
    words = q.split()
    cond = " AND ".join("(d.title LIKE ? OR t.text LIKE ?)" for _ in words)
    params: list = [p for w in words for p in (f"%{w}%", f"%{w}%")]
    if county:
        cond += " AND d.county = ?"
        params.append(county)
    base = f"FROM documents d JOIN document_texts t ON t.document_id = d.id WHERE {cond}"
    total = conn.execute(f"SELECT count(*) {base}", params).fetchone()[0]
    title_hits = " + ".join("(d.title LIKE ?)" for _ in words)
    top = conn.execute(
        f"SELECT d.id {base} ORDER BY ({title_hits}) DESC, d.signed_date DESC LIMIT 20",
        params + [f"%{w}%" for w in words],
    ).fetchall()
    return total, [r[0] for r in top]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--keep", type=Path, help="keep the synthetic files and database in this directory")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="gongbao-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        files, doc_nos = synthetic_files(work, args.docs)
        size_mb = sum(f.stat().st_size for f in files) / 1e6
        db = work / "bench.db"
        db.unlink(missing_ok=True)
        conn = connect(db)
        t0 = time.perf_counter()
        docs = 0
        for f in files:
            docs += ingest_file(conn, f).documents
        elapsed = time.perf_counter() - t0
        print(
            f"index: {docs} documents, {size_mb:.1f} MB in {elapsed:.1f} s → {docs / elapsed:.0f} docs/s, {size_mb / elapsed:.2f} MB/s (full pipeline: parse + store + FTS)"
        )
        conn.close()
        conn = connect(db, create=False, readonly=True)
        rng = random.Random(1)
        queries = [(q, None) for q in QUERIES] + [(q, rng.choice(COUNTIES)) for q in QUERIES[:10]]
        for no in rng.sample(doc_nos, 10):
            prefix, rest = no.split("〔")
            year, serial = rest.split("〕")
            queries += [(no, None), (f"{prefix}[{year}]{serial}", None), (f"{prefix} {year} {serial}", None)]
        for q, county in queries[:5]:  # warm caches
            search(conn, q, Filters(county=county))
            like_scan(conn, q, county)
        fts_ms, like_ms = [], []
        for _ in range(3):
            for q, county in queries:
                t = time.perf_counter()
                search(conn, q, Filters(county=county))
                fts_ms.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                like_scan(conn, q, county)
                like_ms.append((time.perf_counter() - t) * 1000)
        print(f"queries: {len(queries)} × 3 runs")
        print(f"{'':<24}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}")
        for name, ms in (("gongbao search (FTS5)", fts_ms), ("naive LIKE scan", like_ms)):
            print(
                f"{name:<24}{percentile(ms, 50):>10.2f}{percentile(ms, 99):>10.2f}{statistics.mean(ms):>10.2f}"
            )
        print(
            f"speed-up vs LIKE: p50 ×{percentile(like_ms, 50) / percentile(fts_ms, 50):.0f}, mean ×{statistics.mean(like_ms) / statistics.mean(fts_ms):.0f}"
        )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
