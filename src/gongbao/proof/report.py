"""Proofreading reports: text for the terminal, JSON, and a self-contained HTML page an editor can open."""

from __future__ import annotations

import html
import sqlite3
from collections import Counter
from functools import lru_cache
from typing import Any

from gongbao.parse import parse_text
from gongbao.proof.checks.structure import OCR_LOW, ocr_finding
from gongbao.proof.core import SEVERITIES, Finding, Issue, check


def summary(findings: list[Finding]) -> str:
    counts = Counter(f.severity for f in findings)
    parts = [f"{s} {counts[s]}" for s in SEVERITIES if counts[s]]
    return f"共 {len(findings)} 处" + (f"（{'，'.join(parts)}）" if parts else "")


def render_text(source: str, findings: list[Finding]) -> str:
    out = [f"{source}：{summary(findings)}"]
    for f in findings:
        where = f"第{f.line_start}行" if f.line_start == f.line_end else f"第{f.line_start}–{f.line_end}行"
        doc = f" {f.doc_no or (f.title or '')[:24]}" if (f.doc_no or f.title) else ""
        out.append(f"  [{f.severity}] {where}{doc} {f.kind}：{f.message}")
        if f.suggestion:
            out.append(f"      建议：{f.suggestion}")
    return "\n".join(out)


def render_html(reports: list[tuple[str, list[Finding]]]) -> str:
    """One standalone page (no external assets) for one or more gazette files."""
    rows = []
    for source, findings in reports:
        rows.append(f"<h2>{html.escape(source)} <small>{html.escape(summary(findings))}</small></h2>")
        if not findings:
            rows.append("<p>未发现问题。</p>")
            continue
        rows.append(
            "<table><thead><tr><th>级别</th><th>行</th><th>文件</th><th>问题</th><th>说明</th><th>建议</th></tr></thead><tbody>"
        )
        for f in findings:
            lines = str(f.line_start) if f.line_start == f.line_end else f"{f.line_start}–{f.line_end}"
            rows.append(
                f"<tr class='sev-{html.escape(f.severity)}'><td>{html.escape(f.severity)}</td><td>{lines}</td>"
                f"<td>{html.escape(f.doc_no or (f.title or ''))}</td><td>{html.escape(f.kind)}</td>"
                f"<td>{html.escape(f.message)}</td><td>{html.escape(f.suggestion or '')}</td></tr>"
            )
        rows.append("</tbody></table>")
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>公报校对报告</title><style>"
        "body{font-family:'Noto Sans CJK SC',sans-serif;margin:2rem;color:#1f2937}"
        "table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #d1d5db;padding:.3rem .5rem;"
        "text-align:left;vertical-align:top}.sev-错误 td:first-child{color:#991b1b;font-weight:600}"
        ".sev-警告 td:first-child{color:#9a3412}.sev-提示 td:first-child{color:#6b7280}"
        "</style></head><body><h1>公报校对报告</h1>" + "\n".join(rows) + "</body></html>\n"
    )


@lru_cache(maxsize=32)
def _check_text(sha256: str, raw_text: str, path: str) -> tuple[Finding, ...]:
    return tuple(check(parse_text(raw_text, source=path, strict=False)))


def check_source(conn: sqlite3.Connection, source_id: int) -> tuple[dict[str, Any], list[Finding]] | None:
    """Findings for one ingested file (re-parsed from its stored raw text; cached by content hash)."""
    r = conn.execute("SELECT id, path, sha256, raw_text FROM sources WHERE id = ?", (source_id,)).fetchone()
    if r is None:
        return None
    findings = list(_check_text(r["sha256"], r["raw_text"], r["path"]))
    # OCR confidence is known only from the scan itself: it was stored with the file's warnings
    stored = conn.execute(
        "SELECT message, line FROM warnings WHERE source_id = ? AND code = ?", (source_id, OCR_LOW)
    ).fetchall()
    if stored:
        issue = Issue(parse_text(r["raw_text"], source=r["path"], strict=False))
        findings += [ocr_finding(issue, w["message"], w["line"] or 1, None) for w in stored]
        findings.sort(key=lambda f: (f.line_start, SEVERITIES.index(f.severity), f.check))
    return {"id": r["id"], "path": r["path"]}, findings
