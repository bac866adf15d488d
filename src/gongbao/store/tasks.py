"""The task ledger in the store: saving tasks at ingest, and reading them filtered by agency, document, date."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

from gongbao.errors import UsageError
from gongbao.link.agencies import canonical
from gongbao.parse.models import Document
from gongbao.store.links import find
from gongbao.tasks.extract import extract_tasks, unit_name

STATES = ("已到期", "未到期", "周期性", "无明确时限", "目标")


def save_tasks(conn: sqlite3.Connection, doc_id: int, doc: Document, county: str | None) -> int:
    n = 0
    for seq, t in enumerate(extract_tasks(doc, county)):
        task_id = conn.execute(
            """INSERT INTO tasks (document_id, seq, kind, clause, node_key, part_seq, text, lead_units, support_units,
                   units_printed, inherited_units, deadline, deadline_text, deadline_kind, deadline_note, schedule, target,
                   line_start, line_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (doc_id, seq, t.kind, t.clause, t.node_id, t.part, t.text, _j(t.lead_units), _j(t.support_units),
             _j(t.units_as_printed), int(t.inherited_units), t.deadline, t.deadline_text, t.deadline_kind, t.deadline_note,
             _j(t.schedule) if t.schedule else None, _j(t.target) if t.target else None, t.line_start, t.line_end),
        ).lastrowid  # fmt: skip
        conn.executemany(
            "INSERT INTO task_units (task_id, unit, role) VALUES (?, ?, ?)",
            [(task_id, u, "lead") for u in t.lead_units] + [(task_id, u, "support") for u in t.support_units],
        )
        n += 1
    return n


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _date(value: str | None, what: str) -> str | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise UsageError(f"{what}日期格式无效：{value!r}（应为 YYYY-MM-DD）") from None


def state(task: dict[str, Any], as_of: str) -> str:
    """Where a task stands on ``as_of``: 已到期 / 未到期 / 周期性 / 无明确时限 / 目标 (completion is not known)."""
    if task["deadline"] and task["deadline_kind"] != "horizon":
        return "已到期" if task["deadline"] < as_of else "未到期"
    if task["schedule"]:
        return "周期性"
    if task["kind"] == "target":
        return "目标"
    return "无明确时限"


def list_tasks(
    conn: sqlite3.Connection,
    *,
    agency: str | None = None,
    doc: str | None = None,
    county: str | None = None,
    due_before: str | None = None,
    overdue_as_of: str | None = None,
    kinds: tuple[str, ...] = ("task", "duty", "target"),
    as_of: str | None = None,
) -> list[dict[str, Any]]:
    """Tasks with their source document, units and deadline, in ledger order (document, then text order).

    ``agency`` matches any name of the agency (县发改局 finds tasks of 县发展改革和科学技术局 in 平顺);
    ``overdue_as_of`` keeps tasks whose deadline passed before that day; ``due_before`` those due by then.
    """
    as_of = _date(as_of, "基准") or dt.date.today().isoformat()
    due_before = _date(due_before, "截止")
    overdue = _date(overdue_as_of, "逾期基准")
    where, params = [f"t.kind IN ({','.join('?' * len(kinds))})"], list(kinds)
    if doc:
        doc_id, _ = find(conn, doc)
        where.append("t.document_id = ?")
        params.append(doc_id if doc_id is not None else -1)
    if county:
        where.append("d.county = ?")
        params.append(county)
    if agency:
        names = _agency_names(conn, agency)
        where.append(f"t.id IN (SELECT task_id FROM task_units WHERE unit IN ({','.join('?' * len(names))}))")
        params.extend(names)
    if due_before:
        where.append("t.deadline IS NOT NULL AND t.deadline <= ? AND t.deadline_kind != 'horizon'")
        params.append(due_before)
    if overdue:
        where.append("t.deadline IS NOT NULL AND t.deadline < ? AND t.deadline_kind != 'horizon'")
        params.append(overdue)
    rows = conn.execute(
        f"""SELECT t.*, d.doc_no, d.title, d.county, d.signed_date FROM tasks t JOIN documents d ON d.id = t.document_id
            WHERE {" AND ".join(where)} ORDER BY d.county, d.signed_date, d.id, t.seq""",
        params,
    )
    out = []
    for r in rows:
        t = dict(r)
        for key in ("lead_units", "support_units", "units_printed"):
            t[key] = json.loads(t[key])
        for key in ("schedule", "target"):
            t[key] = json.loads(t[key]) if t[key] else None
        t["inherited_units"] = bool(t["inherited_units"])
        t["state"] = state(t, as_of)
        t["url"] = f"/doc/{t['document_id']}#n-{t['part_seq']}-{t['node_key']}"
        out.append(t)
    return out


def _agency_names(conn: sqlite3.Connection, agency: str) -> list[str]:
    """All unit names that mean ``agency`` in some county: its canonical names, and itself as written."""
    names = {agency.strip()}
    for (county,) in conn.execute("SELECT DISTINCT county FROM documents"):
        names.add(unit_name(agency, county))
        names.add(canonical(agency, county)[0])
    return sorted(names)
