"""Read the store: full-text search with filters and facets, documents, gazettes, issuers, raw lines.

The user's query never reaches FTS5 as syntax: it is cut into words and every word is quoted, so any
input is a valid query. A 文号 in any spelling goes straight to its document.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import sqlite3
from collections import Counter
from dataclasses import asdict, dataclass, field
from operator import itemgetter
from typing import Any

from gongbao.errors import UsageError
from gongbao.parse.docno import parse_doc_no
from gongbao.store.agencies import document_agencies
from gongbao.store.links import STATUSES, links, status, statuses
from gongbao.store.segmenter import query_tokens

MAX_QUERY = 200
MAX_PER_PAGE = 100
#: bm25 weights for the FTS columns (title, meta = 文号/issuer/文种, body): a hit in the title counts most.
BM25_WEIGHTS = (10.0, 4.0, 1.0)


class QueryError(UsageError):
    """A search request that cannot be answered as asked (bad filter value, query too long)."""


@dataclass
class Filters:
    county: str | None = None
    issuer: str | None = None
    doc_type: str | None = None
    kind: str | None = None  # main-text kind: 办法, 实施方案, 应急预案 …
    date_from: str | None = None  # signed_date >= (YYYY, YYYY-MM or YYYY-MM-DD)
    date_to: str | None = None  # signed_date <= (same forms; a year or month means its last day)
    gazette: int | None = None
    publicity: str | None = None
    validity: str | None = None  # status today: 现行有效, 已废止, 部分废止, 已失效, 尚未施行, 未知

    def predicate(self):
        """A function telling whether a catalog row (see ``_catalog``) passes these filters; None if no filter is set."""
        equal = [
            (i, v)
            for i, v in enumerate(
                (
                    self.county,
                    self.issuer,
                    self.doc_type,
                    self.kind,
                    self.publicity,
                    self.gazette,
                    None,
                    self.validity,
                )
            )
            if v not in (None, "")
        ]
        if self.validity and self.validity not in STATUSES:
            raise QueryError(f"有效性取值无效：{self.validity!r}（可选：{'、'.join(STATUSES)}）")
        lo = _date_bound(self.date_from, end=False) if self.date_from else None
        hi = _date_bound(self.date_to, end=True) if self.date_to else None
        if not equal and lo is None and hi is None:
            return None

        def accepts(row: tuple) -> bool:
            if any(row[i] != v for i, v in equal):
                return False
            signed = row[8]
            return not ((lo and (signed is None or signed < lo)) or (hi and (signed is None or signed > hi)))

        return accepts


def _date_bound(value: str, end: bool) -> str:
    """ "2023" → 2023-01-01 / 2023-12-31; "2023-10" → …-01 / …-31; a full date as is."""
    v = value.strip()
    try:
        if re.fullmatch(r"\d{4}", v):
            return f"{v}-12-31" if end else f"{v}-01-01"
        if re.fullmatch(r"\d{4}-\d{1,2}", v):
            y, m = map(int, v.split("-"))
            first = dt.date(y, m, 1)
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            return (last if end else first).isoformat()
        return dt.date.fromisoformat(v).isoformat()
    except ValueError:
        raise QueryError(f"日期格式无效：{value!r}（应为 YYYY、YYYY-MM 或 YYYY-MM-DD）") from None


@dataclass
class Hit:
    id: int
    doc_no: str | None
    title: str
    issuer: str | None
    signed_date: str | None
    doc_type: str | None
    kind: str | None
    county: str | None
    publicity: str | None
    gazette: str | None
    validity: str
    score: float
    snippet: str  # HTML: escaped text with <mark> around matched words
    url: str


@dataclass
class SearchResult:
    query: str
    tokens: list[str]
    mode: str  # "doc_no" | "all" | "any" | "substring" | "browse" | "none"
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    doc_no_match: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


FACETS = ("county", "issuer", "doc_type", "kind", "publicity", "gazette", "year", "validity")
#: Per document, what filters and facets need:
#: (county, issuer, doc_type, kind, publicity, gazette_id, year, validity today, signed_date).
_CATALOG_SQL = "SELECT id, county, issuer, doc_type, main_kind, publicity, gazette_id, substr(signed_date, 1, 4), signed_date FROM documents"
_SCORE = itemgetter(1)


def _SIGNED(row: tuple) -> str:
    return row[-1] or ""


@dataclass
class _Catalog:
    key: tuple
    rows: dict[int, tuple]
    memo: dict[str, Any] = field(default_factory=dict)  # results that depend only on the catalog


_CATALOGS: dict[str, _Catalog] = {}


def _file_state(path: str) -> tuple | None:
    """Size and modification time of the database and its WAL: they change with every commit."""
    try:
        main = os.stat(path)
    except OSError:
        return None  # an in-memory database
    try:
        wal = os.stat(path + "-wal")
        return (main.st_mtime_ns, main.st_size, wal.st_mtime_ns, wal.st_size)
    except OSError:
        return (main.st_mtime_ns, main.st_size)


def _catalog(conn: sqlite3.Connection) -> _Catalog:
    """Filter and facet columns of every document, cached per database until it changes.

    Full-text hits are then filtered and counted in memory instead of joining thousands of rows back to
    the documents table for every query.
    """
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    key = _file_state(path) or tuple(
        conn.execute("SELECT count(*), max(id), (SELECT max(id) FROM sources) FROM documents").fetchone()
    )
    cached = _CATALOGS.get(path)
    key = (*key, dt.date.today().isoformat())  # validity is as of today
    if cached is None or cached.key != key:
        validity = statuses(conn)
        cached = _Catalog(
            key,
            {r[0]: (*r[1:-1], validity.get(r[0], "未知"), r[-1]) for r in _tuples(conn, _CATALOG_SQL, ())},
        )
        _CATALOGS[path] = cached
    return cached


def _fts_quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def lookup_doc_no(conn: sqlite3.Connection, query: str) -> int | None:
    """The document whose 文号 the query names, in any spelling ("平政办发[2023]39号", "平政办发 2023 39号")."""
    d = parse_doc_no(query, whole=True) or parse_doc_no(query)
    if d is None:
        return None
    row = conn.execute(
        "SELECT id FROM documents WHERE doc_no = ? ORDER BY id DESC LIMIT 1", (str(d),)
    ).fetchone()
    return row[0] if row else None


def search(
    conn: sqlite3.Connection,
    query: str | None,
    filters: Filters | None = None,
    page: int = 1,
    per_page: int = 20,
) -> SearchResult:
    """Ranked, filtered, faceted search. A 文号 (any spelling) pins its document first."""
    q = " ".join((query or "").split())
    if len(q) > MAX_QUERY:
        raise QueryError(f"查询过长（最多 {MAX_QUERY} 个字符）")
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryError(f"分页参数无效：page ≥ 1，1 ≤ per_page ≤ {MAX_PER_PAGE}")
    accepts = filters.predicate() if filters else None
    cat = _catalog(conn)
    catalog = cat.rows
    doc_no_id = lookup_doc_no(conn, q) if q else None
    whole_doc_no = doc_no_id is not None and parse_doc_no(q, whole=True) is not None
    tokens = query_tokens(q) if q and not whole_doc_no else []

    def rows_for(scored) -> list[tuple]:
        """(id, score, *catalog columns) for the accepted documents, best first, then newest first."""
        rows = [(i, score, *catalog[i]) for i, score in scored if i in catalog]
        if accepts is not None:
            rows = [r for r in rows if accepts(r[2:])]
        rows.sort(key=_SIGNED, reverse=True)
        rows.sort(key=_SCORE, reverse=True)
        return rows

    rows: list[tuple] = []
    mode = "browse"
    if tokens:
        for mode, joiner in (("all", " AND "), ("any", " OR ")):  # noqa: B007 (mode is used after the loop)
            match = joiner.join(_fts_quote(t) for t in tokens)
            scored = _tuples(
                conn,
                "SELECT rowid, -bm25(documents_fts, ?, ?, ?) FROM documents_fts WHERE documents_fts MATCH ?",
                (*BM25_WEIGHTS, match),
            )
            rows = rows_for(scored)
            if rows or len(tokens) == 1:
                break
        if not rows:
            scored = _tuples(
                conn,
                "SELECT d.id, 1.0 FROM documents d JOIN document_texts t ON t.document_id = d.id "
                "WHERE d.title LIKE ? ESCAPE '\\' OR t.text LIKE ? ESCAPE '\\'",
                (_like(q), _like(q)),
            )
            rows = rows_for(scored)
            mode = "substring" if rows else "none"
    elif not q:
        rows = rows_for((i, 0.0) for i in catalog)
    if doc_no_id is not None and doc_no_id in catalog and (accepts is None or accepts(catalog[doc_no_id])):
        # the document a 文号 names comes first, scored just above the best full-text hit
        mode = "doc_no"
        top = max((float(r[1]) for r in rows), default=0.0) + 1.0
        rows = [(doc_no_id, top, *catalog[doc_no_id])] + [r for r in rows if r[0] != doc_no_id]
    if not q and accepts is None:  # browsing everything: the same facets until the database changes
        facets = cat.memo.get("facets") or cat.memo.setdefault("facets", _facets(conn, rows))
    else:
        facets = _facets(conn, rows)
    page_rows = rows[(page - 1) * per_page : page * per_page]
    hits = _hits(conn, page_rows, tokens or ([q] if q else []))
    return SearchResult(q, tokens, mode, len(rows), page, per_page, hits, facets, doc_no_id)


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _facets(conn: sqlite3.Connection, rows: list[tuple]) -> dict[str, list[dict[str, Any]]]:
    """Counts of each facet value among all matching rows (columns 2… of the rows, in FACETS order)."""
    labels = gazette_labels(conn)
    out: dict[str, list[dict[str, Any]]] = {}
    for i, f in enumerate(FACETS, start=2):
        counts = Counter(map(itemgetter(i), rows))
        counts.pop(None, None)
        if f == "year":
            items = sorted(counts.items(), key=lambda kv: str(kv[0]), reverse=True)
        else:
            items = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        out[f] = [
            {"value": v, "label": labels.get(v, str(v)) if f == "gazette" else str(v), "count": n}
            for v, n in items
        ]
    return out


def _tuples(conn: sqlite3.Connection, sql: str, params: tuple | list) -> list[tuple]:
    """Rows as plain tuples: much faster than sqlite3.Row for thousands of matches."""
    cur = conn.cursor()
    cur.row_factory = None
    return cur.execute(sql, params).fetchall()


def gazette_labels(conn: sqlite3.Connection) -> dict[int, str]:
    return {r["id"]: gazette_label(r) for r in conn.execute("SELECT id, name, year, issue FROM gazettes")}


def gazette_label(row: sqlite3.Row | dict) -> str:
    return f"{row['name'] or '公报'} {row['year'] or '?'}年第{row['issue'] or '?'}期"


def _hits(conn: sqlite3.Connection, rows: list[tuple], words: list[str]) -> list[Hit]:
    if not rows:
        return []
    ids = [r[0] for r in rows]
    docs = {
        r["id"]: r
        for r in conn.execute(
            f"""SELECT d.*, t.text, g.name AS g_name, g.year AS g_year, g.issue AS g_issue FROM documents d
                JOIN document_texts t ON t.document_id = d.id
                LEFT JOIN gazettes g ON g.id = d.gazette_id WHERE d.id IN ({",".join("?" * len(ids))})""",
            ids,
        )
    }
    hits = []
    for r in rows:
        d = docs[r[0]]
        gazette = (
            gazette_label({"name": d["g_name"], "year": d["g_year"], "issue": d["g_issue"]})
            if d["gazette_id"]
            else None
        )
        hits.append(
            Hit(
                id=d["id"],
                doc_no=d["doc_no"],
                title=d["title"],
                issuer=d["issuer"],
                signed_date=d["signed_date"],
                doc_type=d["doc_type"],
                kind=d["main_kind"],
                county=d["county"],
                publicity=d["publicity"],
                gazette=gazette,
                validity=r[9],
                score=round(float(r[1]), 4),
                snippet=make_snippet(d["text"], words),
                url=f"/doc/{d['id']}",
            )
        )
    return hits


def make_snippet(text: str, words: list[str], width: int = 60) -> str:
    """An HTML-escaped excerpt around the first matched word, with <mark> around every matched word."""
    flat = " ".join(text.split())
    words = sorted({w for w in words if w.strip()}, key=len, reverse=True)
    pos = min(
        (i for w in words if len(w) > 1 or len(words) == 1 for i in [flat.find(w)] if i >= 0), default=0
    )
    start = max(0, pos - width // 3)
    excerpt = flat[start : start + width]
    prefix, suffix = ("…" if start > 0 else ""), ("…" if start + width < len(flat) else "")
    if not words:
        return html.escape(prefix + excerpt + suffix)
    pattern = re.compile("|".join(re.escape(w) for w in words))
    out, last = [], 0
    for m in pattern.finditer(excerpt):
        out.append(html.escape(excerpt[last : m.start()]))
        out.append(f"<mark>{html.escape(m.group(0))}</mark>")
        last = m.end()
    out.append(html.escape(excerpt[last:]))
    return html.escape(prefix) + "".join(out) + html.escape(suffix)


# --------------------------------------------------------------------------------------------------
# records


def _loads(value: str | None, default: Any) -> Any:
    return json.loads(value) if value else default


def get_document(conn: sqlite3.Connection, doc_id: int) -> dict[str, Any] | None:
    """One document with its parts, article tree, attachments, warnings and raw-line references."""
    d = conn.execute(
        """SELECT d.*, g.name AS g_name, g.year AS g_year, g.issue AS g_issue, s.path AS source_path,
                  s.format AS source_format
           FROM documents d JOIN sources s ON s.id = d.source_id LEFT JOIN gazettes g ON g.id = d.gazette_id
           WHERE d.id = ?""",
        (doc_id,),
    ).fetchone()
    if d is None:
        return None
    parts = []
    for p in conn.execute("SELECT * FROM parts WHERE document_id = ? ORDER BY seq", (doc_id,)):
        parts.append(
            {
                "id": p["id"],
                "role": p["role"],
                "title": p["title"],
                "kind": p["kind"],
                "line_start": p["line_start"],
                "line_end": p["line_end"],
                "outline": _tree(conn, p["id"]),
            }
        )
    return {
        "id": d["id"],
        "doc_no": d["doc_no"],
        "doc_no_parts": {"prefix": d["doc_no_prefix"], "year": d["doc_no_year"], "serial": d["doc_no_serial"]}
        if d["doc_no"]
        else None,
        "issuer": d["issuer"],
        "county": d["county"],
        "title": d["title"],
        "doc_type": d["doc_type"],
        "signed_date": d["signed_date"],
        "publicity": d["publicity"],
        "recipients": _loads(d["recipients"], []),
        "main_text": {"title": d["main_title"], "kind": d["main_kind"], "line_start": d["main_line_start"]}
        if d["main_title"]
        else None,
        "effective": d["effective"],
        "effective_date": d["effective_date"],
        "validity_period": d["validity_period"],
        "expires": d["expires"],
        "interpreter": d["interpreter"],
        "line_start": d["line_start"],
        "line_end": d["line_end"],
        "sources": _loads(d["field_sources"], {}),
        "extra": _loads(d["extra"], {}),
        "source": {
            "id": d["source_id"],
            "path": d["source_path"],
            "format": d["source_format"],
            "url": f"/source/{d['source_id']}?from={d['line_start']}&to={d['line_end']}",
        },
        "gazette": {
            "id": d["gazette_id"],
            "label": gazette_label({"name": d["g_name"], "year": d["g_year"], "issue": d["g_issue"]}),
        }
        if d["gazette_id"]
        else None,
        "parts": parts,
        "attachments": [
            {
                "title": a["title"],
                "only_online": bool(a["only_online"]),
                "printed": bool(a["printed"]),
                "line": a["line"],
            }
            for a in conn.execute("SELECT * FROM attachments WHERE document_id = ? ORDER BY seq", (doc_id,))
        ],
        "warnings": [
            dict(w)
            for w in conn.execute(
                "SELECT code, message, line FROM warnings WHERE document_id = ? ORDER BY id", (doc_id,)
            )
        ],
        "validity": status(conn, str(doc_id)),
        "links": links(conn, str(doc_id)),
        "agencies": document_agencies(conn, doc_id),
    }


def _tree(conn: sqlite3.Connection, part_id: int) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT * FROM nodes WHERE part_id = ? ORDER BY seq", (part_id,)).fetchall()
    by_id: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for r in rows:
        node = {
            "id": r["node_key"],
            "kind": r["kind"],
            "marker": r["marker"],
            "number": r["number"],
            "heading": r["heading"],
            "text": r["text"],
            "line_start": r["line_start"],
            "line_end": r["line_end"],
            "children": [],
        }
        by_id[r["id"]] = node
        (by_id[r["parent_id"]]["children"] if r["parent_id"] else roots).append(node)
    return roots


def document_id_by_doc_no(conn: sqlite3.Connection, text: str) -> int | None:
    return lookup_doc_no(conn, text)


def list_gazettes(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        """SELECT g.*, (SELECT count(*) FROM documents d WHERE d.gazette_id = g.id) AS documents
           FROM gazettes g ORDER BY g.county, g.year DESC, g.issue DESC"""
    )
    return [{**_gazette(r), "documents": r["documents"]} for r in rows]


def _gazette(r: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": r["id"],
        "label": gazette_label(r),
        "name": r["name"],
        "county": r["county"],
        "year": r["year"],
        "issue": r["issue"],
        "total_issue": r["total_issue"],
        "published": r["published"],
        "sponsor": r["sponsor"],
        "editorial_board": _loads(r["editorial_board"], []),
        "source_id": r["source_id"],
    }


def get_gazette(conn: sqlite3.Connection, gazette_id: int) -> dict[str, Any] | None:
    r = conn.execute("SELECT * FROM gazettes WHERE id = ?", (gazette_id,)).fetchone()
    if r is None:
        return None
    toc = [
        dict(e)
        for e in conn.execute(
            "SELECT section, title, doc_no, page, line, document_id FROM toc_entries WHERE gazette_id = ? ORDER BY seq",
            (gazette_id,),
        )
    ]
    docs = [
        dict(d)
        for d in conn.execute(
            "SELECT id, doc_no, title, doc_type, signed_date, issuer, line_start FROM documents WHERE gazette_id = ? ORDER BY seq",
            (gazette_id,),
        )
    ]
    warnings = [
        dict(w)
        for w in conn.execute(
            "SELECT code, message, line, document_id FROM warnings WHERE source_id = ? ORDER BY line",
            (r["source_id"],),
        )
    ]
    return {**_gazette(r), "toc": toc, "documents": docs, "warnings": warnings}


def list_issuers(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT issuer, county, count(*) AS documents FROM documents WHERE issuer IS NOT NULL GROUP BY issuer, county ORDER BY county, documents DESC"
    )
    return [dict(r) for r in rows]


def raw_lines(
    conn: sqlite3.Connection, source_id: int, start: int = 1, end: int | None = None
) -> dict[str, Any] | None:
    r = conn.execute(
        "SELECT id, path, raw_text, format, page_starts, meta FROM sources WHERE id = ?",
        (source_id,),
    ).fetchone()
    if r is None:
        return None
    lines = r["raw_text"].split("\n")
    end = min(end or len(lines), len(lines))
    start = max(1, min(start, end))
    page_starts = _loads(r["page_starts"], [])
    meta = _loads(r["meta"], {})
    return {
        "source_id": r["id"],
        "path": r["path"],
        "format": r["format"],
        "ocr_pages": meta.get("ocr_pages", []),
        "url": meta.get("url"),
        "total": len(lines),
        "start": start,
        "end": end,
        "lines": lines[start - 1 : end],
        # line → page number, for the pages that begin within the range shown (pdf, ofd)
        "page_marks": {line: n for n, line in enumerate(page_starts, 1) if start <= line <= end},
        "pages": len(page_starts),
    }


def stats(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("sources", "gazettes", "documents", "warnings")
    }
