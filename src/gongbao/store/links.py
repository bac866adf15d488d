"""Citations in the store: saving, resolving to documents, links of a document, validity as of a date.

Resolution happens after every ingest, over all unresolved citations, so a document ingested later is
linked to the citations that were waiting for it. A citation resolves by its 文号 (exact, normalised),
and a title-only citation by its title (exact after normalisation, or as the text a notice issued).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import Any

from gongbao.errors import UsageError
from gongbao.link import extract
from gongbao.link.citations import core_title, title_key
from gongbao.link.prefixes import issuer_of
from gongbao.parse.docno import parse_doc_no
from gongbao.parse.models import Document

REPEAL_RELATIONS = ("废止", "部分废止", "修订/替代")
STATUSES = ("现行有效", "已废止", "部分废止", "已失效", "尚未施行", "未知")


class NotFoundError(UsageError):
    """No document or cited document matches the reference given."""

    exit_code = 1


def save_citations(conn: sqlite3.Connection, doc_id: int, doc: Document) -> int:
    """Extract the citations of ``doc`` and store them (unresolved); returns how many."""
    rows = []
    for seq, c in enumerate(extract(doc)):
        prefix = (
            parse_doc_no(c.doc_no).prefix
            if c.kind == "doc_no" and c.doc_no
            else (c.doc_no.split("第")[0] if c.kind == "order" and c.doc_no else None)
        )
        issuer, level = issuer_of(prefix)
        tkey = title_key(c.title) if c.title else None
        ckey = title_key(core_title(c.title)) if c.title else None
        rows.append(
            (doc_id, seq, c.kind, c.text, c.doc_no, c.title, tkey, ckey, c.relation, int(c.replaces), c.within, c.part,
             c.start, c.end, c.line_start, c.line_end, c.sentence, issuer, level, c.doc_no or f"title:{ckey or tkey}")
        )  # fmt: skip
    conn.executemany(
        """INSERT INTO citations (document_id, seq, kind, text, doc_no, title, title_key, core_key, relation, replaces,
               within_seq, part_seq, start, "end", line_start, line_end, sentence, issuer, level, target_key)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        rows,
    )
    return len(rows)


def resolve(conn: sqlite3.Connection) -> None:
    """Point every unresolved citation at the document of the corpus it names, if there is one."""
    conn.execute(
        """UPDATE citations SET target_id = (
               SELECT d.id FROM documents d WHERE d.doc_no = citations.doc_no AND d.id != citations.document_id
               ORDER BY d.signed_date DESC, d.id DESC LIMIT 1)
           WHERE target_id IS NULL AND doc_no IS NOT NULL AND kind IN ('doc_no', 'order')"""
    )
    conn.execute(
        """UPDATE citations SET target_id = coalesce(
               (SELECT d.id FROM documents d WHERE d.title_key = citations.title_key AND d.id != citations.document_id LIMIT 1),
               (SELECT d.id FROM documents d WHERE d.core_key = citations.core_key AND d.id != citations.document_id LIMIT 1),
               (SELECT d.id FROM documents d WHERE d.core_key = citations.title_key AND d.id != citations.document_id LIMIT 1))
           WHERE target_id IS NULL AND kind = 'title'"""
    )


def document_keys(title: str) -> tuple[str, str]:
    """(title_key, core_key) stored with a document for title matching."""
    return title_key(title), title_key(core_title(title))


# --------------------------------------------------------------------------------------------------
# reading


def find(conn: sqlite3.Connection, ref: str) -> tuple[int | None, str | None]:
    """(document id, external key) for a reference: a document id, a 文号 in any spelling, an order number,
    or a title (of a document in the corpus, or of a cited one)."""
    ref = ref.strip()
    if ref.isdigit():
        row = conn.execute("SELECT id FROM documents WHERE id = ?", (int(ref),)).fetchone()
        if row:
            return row[0], None
    d = parse_doc_no(ref, whole=True)
    key = str(d) if d else ref
    row = conn.execute(
        "SELECT id FROM documents WHERE doc_no = ? ORDER BY id DESC LIMIT 1", (key,)
    ).fetchone()
    if row:
        return row[0], None
    if conn.execute("SELECT 1 FROM citations WHERE target_key = ? LIMIT 1", (key,)).fetchone():
        return None, key
    tkey, ckey = document_keys(ref.strip("《》"))
    row = conn.execute(
        "SELECT id FROM documents WHERE title_key = ? OR core_key = ? OR core_key = ? ORDER BY id DESC LIMIT 1",
        (tkey, ckey, tkey),
    ).fetchone()
    if row:
        return row[0], None
    for key in (f"title:{ckey}", f"title:{tkey}"):
        if conn.execute("SELECT 1 FROM citations WHERE target_key = ? LIMIT 1", (key,)).fetchone():
            return None, key
    raise NotFoundError(f"未找到“{ref}”：库中没有该文号或编号的文件，也没有文件引用它")


def _doc(conn: sqlite3.Connection, doc_id: int) -> dict[str, Any]:
    r = conn.execute(
        "SELECT id, doc_no, title, issuer, signed_date, effective, effective_date, expires, validity_period FROM documents WHERE id = ?",
        (doc_id,),
    ).fetchone()
    return dict(r) | {"url": f"/doc/{r['id']}"}


_CITATION_COLUMNS = """c.id, c.document_id, c.seq, c.kind, c.text, c.doc_no, c.title, c.relation, c.replaces, c.within_seq,
    c.part_seq, c.start, c."end", c.line_start, c.line_end, c.sentence, c.issuer, c.level, c.target_id, c.target_key"""


def _citation(row: sqlite3.Row) -> dict[str, Any]:
    out = dict(row)
    out["replaces"] = bool(out["replaces"])
    out["span"] = {
        "part": out.pop("part_seq"),
        "start": out.pop("start"),
        "end": out.pop("end"),
        "line_start": out.pop("line_start"),
        "line_end": out.pop("line_end"),
    }
    return out


def links(conn: sqlite3.Connection, ref: str) -> dict[str, Any]:
    """What a document cites and what cites it (with spans), and the repeals among both."""
    doc_id, key = find(conn, ref)
    if doc_id is not None:
        cites = [
            _citation(r) | ({"target": _doc(conn, r["target_id"])} if r["target_id"] else {"target": None})
            for r in conn.execute(
                f"SELECT {_CITATION_COLUMNS} FROM citations c WHERE c.document_id = ? ORDER BY c.seq",
                (doc_id,),
            )
        ]
        incoming = conn.execute(
            f"SELECT {_CITATION_COLUMNS} FROM citations c WHERE c.target_id = ? ORDER BY c.document_id, c.seq",
            (doc_id,),
        )
        subject: dict[str, Any] = {"document": _doc(conn, doc_id), "external": None}
    else:
        cites = []
        incoming = conn.execute(
            f"SELECT {_CITATION_COLUMNS} FROM citations c WHERE c.target_key = ? ORDER BY c.document_id, c.seq",
            (key,),
        )
        subject = {"document": None, "external": external(conn, key)}
    cited_by = [_citation(r) | {"source": _doc(conn, r["document_id"])} for r in incoming]
    return subject | {
        "cites": cites,
        "cited_by": cited_by,
        "repeals": [c for c in cites if c["relation"] in REPEAL_RELATIONS],
        "repealed_by": [c for c in cited_by if c["relation"] in REPEAL_RELATIONS],
    }


def external(conn: sqlite3.Connection, key: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM external_documents WHERE key = ?", (key,)).fetchone()
    return dict(row) if row else None


@dataclass
class _Repeal:
    relation: str
    since: str | None  # when the repealing document takes effect
    replaces: bool
    by: dict[str, Any]
    sentence: str
    lines: tuple[int, int]


def _repeals_of(conn: sqlite3.Connection, where: str, arg: Any) -> list[_Repeal]:
    rows = conn.execute(
        f"""SELECT c.relation, c.replaces, c.sentence, c.line_start, c.line_end, r.id, r.doc_no, r.title,
                   coalesce(r.effective_date, r.signed_date) AS since
            FROM citations c JOIN documents r ON r.id = c.document_id
            WHERE {where} AND c.relation IN ('废止', '部分废止', '修订/替代') ORDER BY since""",
        (arg,),
    )
    return [
        _Repeal(
            r["relation"],
            r["since"],
            bool(r["replaces"]),
            {"id": r["id"], "doc_no": r["doc_no"], "title": r["title"], "url": f"/doc/{r['id']}"},
            r["sentence"],
            (r["line_start"], r["line_end"]),
        )
        for r in rows
    ]


def compute_status(facts: dict[str, Any] | None, repeals: list[_Repeal], as_of: str) -> dict[str, Any]:
    """The validity of a document on ``as_of`` (ISO date) from its own dates and the repeals aimed at it."""
    in_force = [r for r in repeals if r.since is None or r.since <= as_of]
    full = [r for r in in_force if r.relation in ("废止", "修订/替代")]
    if full:
        r = full[0]
        how = "修订替代" if r.replaces else "废止"
        return {"status": "已废止", "since": r.since, "by": r.by | {"relation": r.relation, "replaces": r.replaces, "sentence": r.sentence, "line_start": r.lines[0], "line_end": r.lines[1]},
                "explanation": f"{r.since or '（日期不详）'}起被《{r.by.get('title')}》（{r.by.get('doc_no') or '无文号'}）{how}：“{r.sentence}”"}  # fmt: skip
    facts = facts or {}
    start = facts.get("effective_date") or facts.get("signed_date")
    if facts.get("effective_date") and facts["effective_date"] > as_of:
        return {
            "status": "尚未施行",
            "since": None,
            "by": None,
            "explanation": f"自{facts['effective_date']}起施行（{facts.get('effective') or ''}）",
        }
    if facts.get("expires") and facts["expires"] < as_of:
        day_after = (dt.date.fromisoformat(facts["expires"]) + dt.timedelta(days=1)).isoformat()
        return {
            "status": "已失效",
            "since": day_after,
            "by": None,
            "explanation": f"{facts.get('validity_period') or '有效期'}，{facts['expires']}届满",
        }
    partial = [r for r in in_force if r.relation == "部分废止"]
    if partial:
        r = partial[0]
        return {"status": "部分废止", "since": r.since, "by": r.by | {"relation": r.relation, "replaces": False, "sentence": r.sentence, "line_start": r.lines[0], "line_end": r.lines[1]},
                "explanation": f"{r.since or ''}起部分内容被《{r.by.get('title')}》（{r.by.get('doc_no') or '无文号'}）废止：“{r.sentence}”"}  # fmt: skip
    if start:
        note = f"自{start}起施行" + (
            f"，{facts['validity_period']}，至{facts['expires']}" if facts.get("expires") else ""
        )
        return {"status": "现行有效", "since": start, "by": None, "explanation": note}
    return {
        "status": "未知",
        "since": None,
        "by": None,
        "explanation": "文本未写明施行日期，也未发现废止它的文件",
    }


def status(conn: sqlite3.Connection, ref: str, as_of: str | None = None) -> dict[str, Any]:
    """Validity of a document (or of a document cited but not in the corpus) on ``as_of`` (default today)."""
    as_of = _as_of(as_of)
    doc_id, key = find(conn, ref)
    if doc_id is not None:
        doc = _doc(conn, doc_id)
        result = compute_status(doc, _repeals_of(conn, "c.target_id = ?", doc_id), as_of)
        return {"as_of": as_of, "document": doc, "external": None} | result
    ext = external(conn, key)
    return {"as_of": as_of, "document": None, "external": ext} | compute_status(
        None, _repeals_of(conn, "c.target_key = ?", key), as_of
    )


def _as_of(value: str | None) -> str:
    if not value:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise UsageError(f"日期格式无效：{value!r}（应为 YYYY-MM-DD）") from None


def statuses(conn: sqlite3.Connection, as_of: str | None = None) -> dict[int, str]:
    """The status of every document on ``as_of``: for the search filter and the result list."""
    as_of = _as_of(as_of)
    repeals: dict[int, list[_Repeal]] = {}
    for r in conn.execute(
        """SELECT c.target_id, c.relation, c.replaces, coalesce(r.effective_date, r.signed_date) AS since
           FROM citations c JOIN documents r ON r.id = c.document_id
           WHERE c.target_id IS NOT NULL AND c.relation IN ('废止', '部分废止', '修订/替代')"""
    ):
        repeals.setdefault(r["target_id"], []).append(
            _Repeal(r["relation"], r["since"], bool(r["replaces"]), {}, "", (0, 0))
        )
    out = {}
    for d in conn.execute(
        "SELECT id, effective, effective_date, expires, signed_date, validity_period FROM documents"
    ):
        out[d["id"]] = compute_status(dict(d), repeals.get(d["id"], []), as_of)["status"]
    return out
