"""Ledger exports: CSV and XLSX (a proper 督办台账, opens in Excel and LibreOffice) and ICS (deadlines in a calendar).

Reads: task dicts as returned by :func:`gongbao.store.tasks.list_tasks`. Writes: bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

COLUMNS = ("序号", "任务内容", "牵头单位", "配合单位", "完成时限", "来源文件", "条款", "状态")
WIDTHS = (6, 60, 24, 24, 18, 40, 14, 10)


def _row(n: int, t: dict[str, Any]) -> list[Any]:
    when = t["deadline"] or ""
    if t["deadline_text"] and t["deadline_kind"] in ("event", "horizon"):
        when = t["deadline_text"] + (f"（{t['deadline']}）" if t["deadline"] else "")
    if t["schedule"]:
        when = (when + "；" if when else "") + t["schedule"]["description"]
    source = f"{t['doc_no'] or '无文号'} {t['title']}"
    return [
        n,
        t["text"],
        "、".join(t["lead_units"]),
        "、".join(t["support_units"]),
        when,
        source,
        t["clause"],
        t["state"],
    ]


def to_csv(tasks: list[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows the Chinese correctly."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    for n, t in enumerate(tasks, 1):
        w.writerow(_row(n, t))
    return buf.getvalue().encode("utf-8-sig")


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", name)[:28] or "未注明单位"
    out, k = base, 2
    while out in used:
        out, k = f"{base[:25]}-{k}", k + 1
    used.add(out)
    return out


def to_xlsx(tasks: list[dict[str, Any]], by_agency: bool = False, title: str = "督办台账") -> bytes:
    """A 督办台账 workbook: frozen header, column widths, wrapped text; one sheet per lead unit with ``by_agency``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    groups: list[tuple[str, list[dict[str, Any]]]]
    if by_agency:
        by: dict[str, list[dict[str, Any]]] = {}
        for t in tasks:
            for unit in t["lead_units"] or ["未注明单位"]:
                by.setdefault(unit, []).append(t)
        groups = sorted(by.items(), key=lambda kv: -len(kv[1]))
    else:
        groups = [(title, tasks)]
    used: set[str] = set()
    thin = Side(style="thin", color="BBBBBB")
    for i, (name, rows) in enumerate(groups or [(title, [])]):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = _sheet_name(name, used)
        ws.append(list(COLUMNS))
        for n, t in enumerate(rows, 1):
            ws.append(_row(n, t))
        for col, width in enumerate(WIDTHS, 1):
            ws.column_dimensions[chr(64 + col)].width = width
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="B3261E")
            cell.alignment = Alignment(horizontal="center", vertical="center")
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_ics(tasks: list[dict[str, Any]]) -> bytes:
    """An iCalendar file: an all-day event on each deadline, a recurring event for each schedule."""
    from icalendar import Calendar, Event, vRecur

    cal = Calendar()
    cal.add("prodid", "-//gongbao//督办台账//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "督办台账")
    stamp = dt.datetime.now(dt.UTC)
    for t in tasks:
        if not (t["deadline"] and t["deadline_kind"] != "horizon") and not t["schedule"]:
            continue
        ev = Event()
        summary = re.sub(r"\s+", " ", t["text"])[:60]
        ev.add("uid", f"gongbao-task-{t['id']}@gongbao")
        ev.add("dtstamp", stamp)
        ev.add("summary", f"【{('、'.join(t['lead_units']) or '未注明单位')}】{summary}")
        ev.add("description", f"{t['doc_no'] or ''} {t['title']} {t['clause']}\n{t['text']}")
        if t["deadline"] and t["deadline_kind"] != "horizon":
            ev.add("dtstart", dt.date.fromisoformat(t["deadline"]))
        else:
            ev.add(
                "dtstart", dt.date.fromisoformat(t["signed_date"]) if t["signed_date"] else dt.date.today()
            )
            ev.add("rrule", vRecur.from_ical(t["schedule"]["rrule"]))
        cal.add_component(ev)
    return cal.to_ical()
