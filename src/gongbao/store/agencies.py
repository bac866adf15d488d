"""Agencies in the store: saving the bodies each document names, listing agencies and their documents."""

from __future__ import annotations

import sqlite3
from collections import Counter
from typing import Any

from gongbao.link.agencies import aliases, mentions, propose_aliases
from gongbao.parse.models import Document


def save_agencies(conn: sqlite3.Connection, doc_id: int, doc: Document, county: str | None) -> int:
    rows = []
    for m in mentions(doc, county):
        agency_id = _agency_id(conn, county, m.canonical, m.known)
        if m.name != m.canonical:
            conn.execute(
                "INSERT OR IGNORE INTO agency_aliases (agency_id, alias) VALUES (?, ?)", (agency_id, m.name)
            )
        rows.append((doc_id, agency_id, m.name, m.role, m.part, m.start, m.end, m.line))
    conn.executemany(
        'INSERT INTO document_agencies (document_id, agency_id, name, role, part_seq, start, "end", line) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        rows,
    )
    return len(rows)


def _agency_id(conn: sqlite3.Connection, county: str | None, name: str, known: bool) -> int:
    row = conn.execute("SELECT id FROM agencies WHERE county IS ? AND name = ?", (county, name)).fetchone()
    if row:
        return row[0]
    agency_id = conn.execute(
        "INSERT INTO agencies (county, name, known) VALUES (?, ?, ?)", (county, name, int(known))
    ).lastrowid
    if known:
        conn.executemany(
            "INSERT OR IGNORE INTO agency_aliases (agency_id, alias) VALUES (?, ?)",
            ((agency_id, a) for a, canon in aliases(county).items() if canon == name and a != name),
        )
    return agency_id


def list_agencies(conn: sqlite3.Connection, county: str | None = None) -> list[dict[str, Any]]:
    rows = conn.execute(
        """SELECT a.id, a.county, a.name, a.known, count(DISTINCT da.document_id) AS documents, count(da.id) AS mentions,
                  (SELECT group_concat(alias, '、') FROM agency_aliases WHERE agency_id = a.id) AS aliases
           FROM agencies a JOIN document_agencies da ON da.agency_id = a.id
           WHERE (? IS NULL OR a.county = ?) GROUP BY a.id ORDER BY a.county, documents DESC, a.name""",
        (county, county),
    )
    return [
        dict(r)
        | {
            "known": bool(r["known"]),
            "aliases": r["aliases"].split("、") if r["aliases"] else [],
            "url": f"/agency/{r['id']}",
        }
        for r in rows
    ]


def get_agency(conn: sqlite3.Connection, agency_id: int) -> dict[str, Any] | None:
    a = conn.execute("SELECT * FROM agencies WHERE id = ?", (agency_id,)).fetchone()
    if a is None:
        return None
    docs: dict[int, dict[str, Any]] = {}
    for r in conn.execute(
        """SELECT d.id, d.doc_no, d.title, d.signed_date, da.role, da.name, da.line FROM document_agencies da
           JOIN documents d ON d.id = da.document_id WHERE da.agency_id = ? ORDER BY d.signed_date DESC, d.id, da.line""",
        (agency_id,),
    ):
        entry = docs.setdefault(
            r["id"],
            {
                "id": r["id"],
                "doc_no": r["doc_no"],
                "title": r["title"],
                "signed_date": r["signed_date"],
                "url": f"/doc/{r['id']}",
                "roles": Counter(),
                "names": set(),
                "lines": [],
            },
        )
        entry["roles"][r["role"] or "提及"] += 1
        entry["names"].add(r["name"])
        entry["lines"].append(r["line"])
    documents = [d | {"roles": dict(d["roles"]), "names": sorted(d["names"])} for d in docs.values()]
    aliases_seen = [
        r[0]
        for r in conn.execute(
            "SELECT alias FROM agency_aliases WHERE agency_id = ? ORDER BY alias", (agency_id,)
        )
    ]
    return {
        "id": a["id"],
        "county": a["county"],
        "name": a["name"],
        "known": bool(a["known"]),
        "aliases": aliases_seen,
        "documents": documents,
    }


def document_agencies(conn: sqlite3.Connection, doc_id: int) -> list[dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for r in conn.execute(
        """SELECT a.id, a.name AS canonical, da.name, da.role, da.line FROM document_agencies da JOIN agencies a ON a.id = da.agency_id
           WHERE da.document_id = ? ORDER BY da.line""",
        (doc_id,),
    ):
        e = out.setdefault(
            r["id"],
            {
                "agency_id": r["id"],
                "name": r["canonical"],
                "url": f"/agency/{r['id']}",
                "names": [],
                "roles": [],
                "lines": [],
            },
        )
        if r["name"] not in e["names"]:
            e["names"].append(r["name"])
        if r["role"] and r["role"] not in e["roles"]:
            e["roles"].append(r["role"])
        e["lines"].append(r["line"])
    return sorted(out.values(), key=lambda e: (not e["roles"], -len(e["lines"])))


def proposals(conn: sqlite3.Connection, county: str | None = None) -> list[dict[str, Any]]:
    """Aliases to review: unknown names that look like abbreviations of known agencies, per county."""
    out = []
    counties = [county] if county else [r[0] for r in conn.execute("SELECT DISTINCT county FROM agencies")]
    for c in counties:
        names = [
            r[0] for r in conn.execute("SELECT name FROM agencies WHERE county IS ? AND known = 0", (c,))
        ]
        out.extend(
            {"county": c, "alias": s, "of": full, "score": score}
            for s, full, score in propose_aliases(names, c)
        )
    return out
