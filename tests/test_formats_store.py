"""What the format knows reaches the database and the web pages: a PDF's pages (document page range, a
page mark in the raw text, the page of each field's provenance), a saved web page's URL and metadata
table, and OCR warnings — and survives a schema upgrade, which re-parses every stored source."""

from __future__ import annotations

import json
import sqlite3

import pytest
from fastapi.testclient import TestClient

from gongbao.formats import Extracted
from gongbao.formats.pdfgen import text_to_pdf
from gongbao.parse.models import ParseWarning
from gongbao.serve.app import create_app
from gongbao.store.db import SCHEMA_VERSION, connect
from gongbao.store.ingest import ingest_file, ingest_text
from gongbao.store.query import get_document

from conftest import FIXTURES, raw_lines

# pingshun-2023-04.txt:425-520: the notice of 平政办发〔2023〕39号 and the start of the plan it issues,
# 96 lines: three pages of 40 lines
EXCERPT = (425, 520)


@pytest.fixture(scope="module")
def pdf_db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("store")
    pdf = tmp / "notice.pdf"
    text_to_pdf("\n".join(raw_lines("pingshun-2023-04.txt")[EXCERPT[0] - 1 : EXCERPT[1]]), pdf)
    db = tmp / "a.db"
    conn = connect(db)
    assert ingest_file(conn, pdf).status == "added"
    conn.close()
    return db


def _doc(conn, doc_no):
    row = conn.execute("SELECT id FROM documents WHERE doc_no = ?", (doc_no,)).fetchone()
    assert row is not None, doc_no
    return get_document(conn, row[0])


def test_a_pdf_source_keeps_its_format_and_pages(pdf_db):
    conn = connect(pdf_db)
    src = conn.execute("SELECT format, encoding, page_starts FROM sources").fetchone()
    assert (src["format"], src["encoding"]) == ("pdf", "pdf")
    assert len(json.loads(src["page_starts"])) == 3
    doc = _doc(conn, "平政办发〔2023〕39号")
    assert doc["source"]["format"] == "pdf"
    assert doc["extra"]["pages"] == [1, 3]
    assert doc["extra"]["field_pages"]["doc_no"] == 1


def test_document_and_source_pages_show_the_pages(pdf_db):
    client = TestClient(create_app(pdf_db))
    conn = connect(pdf_db, readonly=True)
    doc = _doc(conn, "平政办发〔2023〕39号")
    html = client.get(f"/doc/{doc['id']}").text
    assert "（第 1–3 页）" in html
    page = client.get(doc["source"]["url"]).text
    assert "来源格式：PDF" in page and "，3 页）" in page
    assert page.count('class="pagemark"') == 3 and "—— 第 2 页 ——" in page


def test_a_saved_web_page_shows_its_url_and_metadata_table(tmp_path):
    url = "http://www.pingshun.gov.cn/zwgk/xzfbwj/202312/t20231225_1665.shtml"
    db = tmp_path / "web.db"
    conn = connect(db)
    assert ingest_file(conn, FIXTURES / "html" / "pingshun-guodong-li.html", url).status == "added"
    doc = _doc(conn, "平政办发〔2023〕48号")
    assert doc["source"]["format"] == "html" and doc["extra"]["url"] == url
    html = TestClient(create_app(db)).get(f"/doc/{doc['id']}").text
    assert f'href="{url}"' in html and "原网页" in html
    assert '<dl class="webmeta">' in html and "<dt>索引号</dt>" in html


def test_a_schema_upgrade_keeps_format_pages_and_ocr_warnings(tmp_path):
    lines = raw_lines("pingshun-2023-04.txt")[EXCERPT[0] - 1 : EXCERPT[1]]
    text = "\n".join(lines)
    warning = ParseWarning(
        "ocr_low_confidence", "第1页文字识别置信度低（0.41），请对照原件核对：平政办发〔2023〕39号", 3
    )
    ext = Extracted(text, "pdf+ocr", "pdf", [1, 41, 81], {"ocr_pages": [1, 2, 3]}, [warning])
    db = tmp_path / "old.db"
    conn = connect(db)
    assert ingest_text(conn, tmp_path / "scan.pdf", text, ext.encoding, "0" * 64, 1000, ext).status == "added"

    def ocr_warnings(c):
        return c.execute("SELECT line, message FROM warnings WHERE code = 'ocr_low_confidence'").fetchall()

    before = [tuple(r) for r in ocr_warnings(conn)]
    assert before == [(3, warning.message)]
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")  # pretend it is an older database
    conn.close()
    conn = connect(db)  # rebuilds every table from the stored sources
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [tuple(r) for r in ocr_warnings(conn)] == before
    page = TestClient(create_app(db)).get("/source/1").text
    assert "扫描件，第 1、2、3 页经文字识别" in page
    src = conn.execute("SELECT format, encoding, page_starts, meta FROM sources").fetchone()
    assert (src["format"], src["encoding"], json.loads(src["page_starts"])) == ("pdf", "pdf+ocr", [1, 41, 81])
    assert json.loads(src["meta"])["ocr_pages"] == [1, 2, 3]
    assert _doc(conn, "平政办发〔2023〕39号")["extra"]["pages"] == [1, 3]


def test_a_database_from_before_formats_is_upgraded(tmp_path):
    """A v4 database's sources table has no format columns: the upgrade reads them as plain text."""
    db = tmp_path / "v4.db"
    raw = sqlite3.connect(db)
    raw.executescript(
        """CREATE TABLE sources (id INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE,
           encoding TEXT NOT NULL, size INTEGER NOT NULL, raw_text TEXT NOT NULL, ingested_at TEXT NOT NULL);
           PRAGMA user_version = 4;"""
    )
    text = "\n".join(raw_lines("pingshun-2023-04.txt")[EXCERPT[0] - 1 : EXCERPT[1]])
    raw.execute(
        "INSERT INTO sources VALUES (1, 'a.txt', ?, 'utf-8', ?, ?, '2024-01-01T00:00:00+00:00')",
        ("1" * 64, len(text.encode()), text),
    )
    raw.commit()
    raw.close()
    conn = connect(db)
    assert conn.execute("SELECT format, page_starts FROM sources").fetchone()[:] == ("txt", None)
    assert "pages" not in _doc(conn, "平政办发〔2023〕39号")["extra"]
