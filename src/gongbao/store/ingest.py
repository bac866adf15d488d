"""Ingest gazette files into the database, one transaction per file.

Reads: files (bytes). Writes: rows in every table of schema.sql.

* Idempotent: a file whose bytes (sha256) are already stored is skipped ("unchanged").
* A corrected edition replaces the old one: a new file for the same gazette issue (name, year, issue), or
  for the same path, deletes the previous source and everything parsed from it.
* Atomic: everything about one file is written in one transaction; an error or a kill midway leaves the
  database exactly as it was (SQLite's WAL journal rolls the partial transaction back).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from gongbao.errors import GongbaoError
from gongbao.formats import Extracted, annotate, extract
from gongbao.parse import ParseResult, parse_repaired
from gongbao.parse.models import Document, OutlineNode
from gongbao.store.agencies import save_agencies
from gongbao.store.links import document_keys, resolve, save_citations
from gongbao.store.segmenter import index_tokens
from gongbao.store.tasks import save_tasks
from gongbao.text.repair import repair

_COUNTY = re.compile(r"^(?P<county>[\u4e00-\u9fff]{1,8}?(?:自治县|自治旗|县|市|区|旗))")


def county_of(*names: str | None) -> str | None:
    """The county a gazette or issuer belongs to: "平顺县人民政府公报" → 平顺县."""
    for name in names:
        if name and (m := _COUNTY.match(name)):
            return m.group("county")
    return None


@dataclass
class IngestReport:
    path: str
    status: str  # "added" | "replaced" | "unchanged" | "failed"
    gazette: str | None = None
    documents: int = 0
    warnings: int = 0
    error: str | None = None
    replaced: list[str] = field(default_factory=list)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=lambda o: o.__dict__)


def ingest_file(
    conn: sqlite3.Connection, path: str | Path, source_url: str | None = None, on_ocr=None
) -> IngestReport:
    """Parse and store one file in a single transaction; never raises for bad input (see the report).
    ``on_ocr(done, total)`` is called after each scanned page is read (see gongbao.formats.extract)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return IngestReport(str(path), "failed", error=f"{path}: 无法读取 ({exc.strerror or exc})")
    digest = hashlib.sha256(data).hexdigest()
    if conn.execute("SELECT 1 FROM sources WHERE sha256 = ?", (digest,)).fetchone():
        return IngestReport(str(path), "unchanged")
    try:
        ext = extract(data, str(path), source_url, on_ocr)
    except GongbaoError as exc:
        return IngestReport(str(path), "failed", error=str(exc))
    return ingest_text(conn, path, ext.text, ext.encoding, digest, len(data), ext)


def ingest_text(
    conn: sqlite3.Connection,
    path: Path,
    text: str,
    encoding: str,
    digest: str,
    size: int,
    ext: Extracted | None = None,
) -> IngestReport:
    """Parse extracted text and store it in one transaction (``digest`` and ``size`` describe the raw bytes)."""
    try:
        rep = repair(text, source=str(path), encoding=encoding)
        result = parse_repaired(rep)
        if ext is not None:
            annotate(result, ext)
    except GongbaoError as exc:
        return IngestReport(str(path), "failed", error=str(exc))
    try:
        with conn:  # one transaction: all or nothing
            conn.execute("BEGIN IMMEDIATE")
            replaced = _delete_previous_editions(conn, path, result)
            source_id = conn.execute(
                "INSERT INTO sources (path, sha256, encoding, size, raw_text, ingested_at, format, page_starts, meta)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    str(path),
                    digest,
                    encoding,
                    size,
                    text,
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    *(ext.record() if ext is not None else ("txt", None, None)),
                ),
            ).lastrowid
            conn.executemany(
                "INSERT INTO repaired_lines (source_id, seq, text, raw_start, raw_end) VALUES (?, ?, ?, ?, ?)",
                ((source_id, i, line.text, line.start, line.end) for i, line in enumerate(rep.lines)),
            )
            gazette_id = _insert_gazette(conn, source_id, result)
            doc_ids = [
                _insert_document(conn, source_id, gazette_id, i, d, result)
                for i, d in enumerate(result.documents)
            ]
            for doc_id, d in zip(doc_ids, result.documents, strict=True):
                save_citations(conn, doc_id, d)
                county = county_of(result.gazette.name if result.gazette else None, d.issuer)
                save_agencies(conn, doc_id, d, county)
                save_tasks(conn, doc_id, d, county)
            resolve(conn)
            _slow_for_tests(len(doc_ids))
            if gazette_id is not None:
                _insert_toc(conn, gazette_id, result, doc_ids)
            doc_of = {
                id(w): doc_id for d, doc_id in zip(result.documents, doc_ids, strict=True) for w in d.warnings
            }
            doc_of.update({id(w): doc_id for doc_id, w in _toc_warning_docs(result, doc_ids)})
            conn.executemany(
                "INSERT INTO warnings (source_id, document_id, code, message, line) VALUES (?, ?, ?, ?, ?)",
                ((source_id, doc_of.get(id(w)), w.code, w.message, w.line) for w in result.warnings),
            )
    except sqlite3.Error as exc:
        return IngestReport(str(path), "failed", error=f"{path}: 数据库写入失败，已回滚 ({exc})")
    g = result.gazette
    label = f"{g.name or ''} {g.year or '?'}年第{g.issue or '?'}期".strip() if g else None
    return IngestReport(
        str(path),
        "replaced" if replaced else "added",
        gazette=label,
        documents=len(result.documents),
        warnings=len(result.warnings),
        replaced=replaced,
    )


def _toc_warning_docs(result: ParseResult, doc_ids: list[int]):
    """Gazette-level warnings that name one document by its 文号 (TOC mismatches) belong to it."""
    by_no = {d.doc_no: doc_id for d, doc_id in zip(result.documents, doc_ids, strict=True) if d.doc_no}
    own = {id(w) for d in result.documents for w in d.warnings}
    for w in result.warnings:
        if id(w) not in own and w.doc_no in by_no:
            yield by_no[w.doc_no], w


def _slow_for_tests(n: int) -> None:
    """Test hook: GONGBAO_TEST_PAUSE_MID_INGEST=seconds pauses inside the transaction (kill test)."""
    pause = os.environ.get("GONGBAO_TEST_PAUSE_MID_INGEST")
    if pause:
        print(f"paused mid-ingest after {n} documents", flush=True)
        time.sleep(float(pause))


def _delete_previous_editions(conn: sqlite3.Connection, path: Path, result: ParseResult) -> list[str]:
    """Remove sources this file supersedes: same gazette issue, or same path. Returns their paths."""
    ids: set[int] = set()
    g = result.gazette
    if g and g.name and g.year and g.issue:
        rows = conn.execute(
            "SELECT source_id FROM gazettes WHERE name = ? AND year = ? AND issue = ?",
            (g.name, g.year, g.issue),
        )
        ids.update(r[0] for r in rows)
    ids.update(r[0] for r in conn.execute("SELECT id FROM sources WHERE path = ?", (str(path),)))
    paths = (
        [
            r[0]
            for r in conn.execute(
                f"SELECT path FROM sources WHERE id IN ({','.join('?' * len(ids))})", tuple(ids)
            )
        ]
        if ids
        else []
    )
    for source_id in ids:
        doc_ids = [r[0] for r in conn.execute("SELECT id FROM documents WHERE source_id = ?", (source_id,))]
        conn.executemany("DELETE FROM documents_fts WHERE rowid = ?", ((i,) for i in doc_ids))
        conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
    return paths


def _insert_gazette(conn: sqlite3.Connection, source_id: int, result: ParseResult) -> int | None:
    g = result.gazette
    if g is None:
        return None
    return conn.execute(
        """INSERT INTO gazettes (source_id, name, county, year, issue, total_issue, published, sponsor,
                                 editorial_board, line_start, line_end)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            source_id,
            g.name,
            county_of(g.name, *(d.issuer for d in result.documents)),
            g.year,
            g.issue,
            g.total_issue,
            g.published,
            g.sponsor,
            _json(g.editorial_board),
            g.line_start,
            g.line_end,
        ),
    ).lastrowid


def _insert_toc(conn: sqlite3.Connection, gazette_id: int, result: ParseResult, doc_ids: list[int]) -> None:
    by_line = {
        d.extra["toc"]["line"]: doc_id
        for d, doc_id in zip(result.documents, doc_ids, strict=True)
        if "toc" in d.extra
    }
    conn.executemany(
        "INSERT INTO toc_entries (gazette_id, seq, section, title, doc_no, page, line, document_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (gazette_id, i, e.section, e.title, e.doc_no, e.page, e.line, by_line.get(e.line))
            for i, e in enumerate(result.gazette.toc)
        ),
    )


def _insert_document(
    conn: sqlite3.Connection,
    source_id: int,
    gazette_id: int | None,
    seq: int,
    d: Document,
    result: ParseResult,
) -> int:
    text = "\n".join(p.text if p.title is None else f"{p.title}\n{p.text}" for p in d.parts)
    county = county_of(result.gazette.name if result.gazette else None, d.issuer)
    mt = d.main_text or {}
    doc_id = conn.execute(
        """INSERT INTO documents (source_id, gazette_id, seq, doc_no, doc_no_prefix, doc_no_year, doc_no_serial, issuer,
               county, title, doc_type, signed_date, publicity, recipients, main_title, main_kind, main_line_start,
               effective, effective_date, validity_period, expires, interpreter, line_start, line_end,
               field_sources, extra, title_key, core_key)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            source_id,
            gazette_id,
            seq,
            d.doc_no,
            (d.doc_no_parts or {}).get("prefix"),
            (d.doc_no_parts or {}).get("year"),
            (d.doc_no_parts or {}).get("serial"),
            d.issuer,
            county,
            d.title,
            d.doc_type,
            d.signed_date,
            d.publicity,
            _json(d.recipients),
            mt.get("title"),
            mt.get("kind"),
            mt.get("line_start"),
            d.effective,
            d.effective_date,
            d.validity_period,
            d.expires,
            d.interpreter,
            d.line_start,
            d.line_end,
            _json(d.sources),
            _json(d.extra),
            *document_keys(d.title),
        ),
    ).lastrowid
    conn.execute("INSERT INTO document_texts (document_id, text) VALUES (?, ?)", (doc_id, text))
    for pseq, part in enumerate(d.parts):
        part_id = conn.execute(
            "INSERT INTO parts (document_id, seq, role, title, kind, line_start, line_end, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (doc_id, pseq, part.role, part.title, part.kind, part.line_start, part.line_end, part.text),
        ).lastrowid
        _insert_nodes(conn, doc_id, part_id, part.outline)
    conn.executemany(
        "INSERT INTO attachments (document_id, seq, title, only_online, printed, line) VALUES (?, ?, ?, ?, ?, ?)",
        (
            (doc_id, i, a.title, int(a.only_online), int(a.printed), a.line)
            for i, a in enumerate(d.attachments)
        ),
    )
    meta = " ".join(x for x in (d.doc_no, d.issuer, d.doc_type, (d.main_text or {}).get("kind"), county) if x)
    conn.execute(
        "INSERT INTO documents_fts (rowid, title, meta, body) VALUES (?, ?, ?, ?)",
        (
            doc_id,
            index_tokens(d.title + " " + (mt.get("title") or "")),
            index_tokens(meta),
            index_tokens(text),
        ),
    )
    return doc_id


def _insert_nodes(conn: sqlite3.Connection, doc_id: int, part_id: int, nodes: list[OutlineNode]) -> None:
    counter = [0]

    def insert(node: OutlineNode, parent: int | None, depth: int) -> None:
        counter[0] += 1
        node_id = conn.execute(
            """INSERT INTO nodes (document_id, part_id, parent_id, seq, depth, node_key, kind, marker, number, heading,
                                  text, line_start, line_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                doc_id,
                part_id,
                parent,
                counter[0],
                depth,
                node.id,
                node.kind,
                node.marker,
                node.number,
                node.heading,
                node.text,
                node.line_start,
                node.line_end,
            ),
        ).lastrowid
        for child in node.children:
            insert(child, node_id, depth + 1)

    for n in nodes:
        insert(n, None, 0)
