"""The store: schema, ingest (idempotent, corrected editions replace, atomic per file, even when killed)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from gongbao.store.db import connect
from gongbao.store.ingest import county_of, ingest_file
from gongbao.store.query import stats

from conftest import SAMPLES, raw_snippet

TABLES = (
    "sources",
    "gazettes",
    "toc_entries",
    "documents",
    "parts",
    "nodes",
    "attachments",
    "warnings",
    "repaired_lines",
    "documents_fts",
)


def snapshot(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def test_samples_are_stored_with_everything_linked(sample_conn):
    c = sample_conn
    assert stats(c)["documents"] == 80 and stats(c)["gazettes"] == 5
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert c.execute("PRAGMA foreign_key_check").fetchall() == []
    # every TOC entry of the three issues with a 目录 points at its document
    assert c.execute("SELECT count(*) FROM toc_entries WHERE document_id IS NULL").fetchone()[0] == 0
    d = c.execute("SELECT * FROM documents WHERE doc_no = '平政办发〔2023〕39号'").fetchone()
    assert (d["county"], d["main_kind"], d["publicity"]) == ("平顺县", "应急预案", "主动公开")
    # the raw text is kept verbatim, and repaired lines point back into it
    raw = c.execute("SELECT raw_text FROM sources WHERE id = ?", (d["source_id"],)).fetchone()[0]
    assert raw.split("\n")[d["line_start"] - 1].startswith(
        "平顺县人民政府办公室 关于印发平顺县重污染天气应急预案的通知"
    )
    line = c.execute(
        "SELECT * FROM repaired_lines WHERE source_id = ? AND raw_start = 427", (d["source_id"],)
    ).fetchone()
    assert line["text"] == "平政办发〔2023〕39号"
    # the article tree is stored with stable keys
    keys = [
        r[0] for r in c.execute("SELECT node_key FROM nodes WHERE document_id = ? ORDER BY seq", (d["id"],))
    ]
    assert "d1/d1.1" in keys and "d4/d4.1/d4.1.1" in keys
    dupes = c.execute(
        "SELECT count(*) FROM (SELECT part_id, node_key FROM nodes GROUP BY part_id, node_key HAVING count(*) > 1)"
    )
    assert dupes.fetchone()[0] == 0


def test_reingesting_the_same_file_changes_nothing(tmp_path):
    conn = connect(tmp_path / "a.db")
    assert ingest_file(conn, SAMPLES / "pingshun-2023-04.txt").status == "added"
    before = snapshot(conn)
    again = ingest_file(conn, SAMPLES / "pingshun-2023-04.txt")
    assert again.status == "unchanged" and snapshot(conn) == before


def test_a_corrected_edition_replaces_the_old_one(tmp_path):
    conn = connect(tmp_path / "a.db")
    original = SAMPLES / "pingshun-2023-04.txt"
    ingest_file(conn, original)
    corrected = tmp_path / "pingshun-2023-04-corrected.txt"
    corrected.write_text(
        original.read_text(encoding="utf-8").replace("温暖过冬", "温暖过冬（更正）"), encoding="utf-8"
    )
    report = ingest_file(conn, corrected)
    assert report.status == "replaced" and report.replaced == [str(original)]
    assert stats(conn) == {"sources": 1, "gazettes": 1, "documents": 12, "warnings": report.warnings}
    title = conn.execute("SELECT title FROM documents WHERE doc_no = '平政办发〔2023〕48号'").fetchone()[0]
    assert "更正" in title
    assert conn.execute("SELECT count(*) FROM documents_fts").fetchone()[0] == 12


def test_bad_input_is_refused_and_leaves_the_database_as_it_was(tmp_path):
    conn = connect(tmp_path / "a.db")
    ingest_file(conn, SAMPLES / "jishan-2022-02.txt")
    before = snapshot(conn)
    for name, data in (
        ("empty.txt", b""),
        ("scan.txt", b"%PDF-1.4 binary"),
        ("prose.txt", "今天天气很好。".encode()),
    ):
        (tmp_path / name).write_bytes(data)
        report = ingest_file(conn, tmp_path / name)
        assert report.status == "failed" and name in report.error
    assert ingest_file(conn, tmp_path / "missing.txt").status == "failed"
    assert snapshot(conn) == before


def test_a_killed_ingest_leaves_the_database_exactly_as_before(tmp_path):
    db = tmp_path / "a.db"
    conn = connect(db)
    ingest_file(conn, SAMPLES / "jishan-2022-02.txt")
    before = snapshot(conn)
    conn.close()
    env = {**os.environ, "GONGBAO_TEST_PAUSE_MID_INGEST": "30"}
    code = (
        "import sys; from gongbao.store.db import connect; from gongbao.store.ingest import ingest_file; "
        f"ingest_file(connect({str(db)!r}), {str(SAMPLES / 'pingshun-2023-03.txt')!r})"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
    try:
        line = (
            proc.stdout.readline()
        )  # printed inside the open transaction, after all 20 documents were written
        assert "paused mid-ingest after 20 documents" in line
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    time.sleep(0.1)
    conn = connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert snapshot(conn) == before
    # and the file can be ingested normally afterwards
    assert ingest_file(conn, SAMPLES / "pingshun-2023-03.txt").status == "added"
    assert stats(conn)["documents"] == 18 + 20


def test_single_documents_are_stored_without_a_gazette(tmp_path):
    conn = connect(tmp_path / "a.db")
    f = tmp_path / "one.txt"
    f.write_text(raw_snippet("pingshun-2023-04.txt", 425, 665), encoding="utf-8")
    assert ingest_file(conn, f).status == "added"
    row = conn.execute("SELECT gazette_id, county, doc_no FROM documents").fetchone()
    assert tuple(row) == (None, "平顺县", "平政办发〔2023〕39号")


def test_county_of():
    assert county_of("平顺县人民政府公报") == "平顺县"
    assert county_of(None, "稷山县人民政府办公室") == "稷山县"
    assert county_of("长治市潞州区人民政府公报") == "长治市"


def test_search_sees_new_ingests_immediately(tmp_path):
    from gongbao.store.query import search

    conn = connect(tmp_path / "a.db")
    ingest_file(conn, SAMPLES / "jishan-2022-02.txt")
    before = search(conn, "储备粮").total
    assert search(conn, None).total == 18 and before >= 1
    ingest_file(conn, SAMPLES / "pingshun-2023-01.txt")  # 平政发〔2023〕3号 and 19号 are about 储备粮
    assert search(conn, None).total == 31 and search(conn, "储备粮").total >= before + 2


def test_an_older_database_is_rebuilt_from_its_raw_text(tmp_path):
    db = tmp_path / "old.db"
    conn = connect(db)
    ingest_file(conn, SAMPLES / "pingshun-2023-04.txt")
    conn.execute("DROP TABLE citations")  # what a version-1 database lacked
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    conn = connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 2
    assert stats(conn)["documents"] == 12
    assert conn.execute("SELECT count(*) FROM citations WHERE relation = '废止'").fetchone()[0] >= 3
    assert ingest_file(conn, SAMPLES / "pingshun-2023-04.txt").status == "unchanged"  # same sha256 kept
