"""Stage 2d — the gazette issue: masthead, editorial board, 目录; and the TOC ↔ documents cross-check.

Reads: the repaired lines before the first document (front matter) and the removed running headers.
Writes: a :class:`~gongbao.parse.models.Gazette`, or None for a single document with no masthead.
"""

from __future__ import annotations

import re

from gongbao import patterns as P
from gongbao.parse.dates import parse_date
from gongbao.parse.docno import parse_doc_no
from gongbao.parse.models import Document, Gazette, ParseWarning, TocEntry
from gongbao.parse.segment import similar
from gongbao.text.repair import Furniture, Line, despace, squeeze

#: Roles on an editorial board, letter-spacing already undone: "副主编", "本期责编".
_ROLES = (
    "顾问|主任|副主任|委员|成员|主编|副主编|执行总编|执行主编|总编|编辑|责任编辑|本期责编|责编|校对|美编|编务"
)
_ROLE_LINE = re.compile(rf"^(?P<role>{_ROLES})(?:\s*[:：]\s*|\s+|$)(?P<names>.*)$")
_NAME_TOKENS = re.compile(r"^(?:[\u3400-\u9fff]{2,4}(?:\s+|$))+$")
_SPONSOR = re.compile(r"^(?:主办单位|主管主办|主办)\s*[:：]\s*(?P<who>\S.*)?$")
_TOC_ENTRY = re.compile(
    rf"^(?P<title>.*?)\s*[（(]\s*(?P<no>{P.DOC_NO.pattern})\s*[）)]\s*[\s.…·:：-]*(?P<page>\d{{1,3}})?\s*$"
)


def _toc_section(text: str) -> str | None:
    t = text.strip()
    m = P.TOC_SECTION.match(t)
    if not m:
        return None
    name = m.group("bracketed") or m.group("plain")
    return despace(name) if name and len(despace(name)) <= 16 else None


def parse_toc(lines: list[Line]) -> list[TocEntry]:
    """目录 entries: "…的通知（平政办发〔2023〕39号）…12", possibly over several lines, under 【section】s."""
    entries: list[TocEntry] = []
    section: str | None = None
    buf: list[Line] = []
    for line in lines:
        t = line.text.strip()
        if (sec := _toc_section(t)) is not None and not P.DOC_NO.search(t):
            section, buf = sec, []
            continue
        if (
            P.TOC_HEADING.match(t)
            or _ROLE_LINE.match(squeeze(t))
            or re.search(r"[:：]\s*\S*$", t)
            and not P.DOC_NO.search(t)
        ):
            buf = []
            continue
        buf.append(line)
        joined = "".join(despace(b.text) for b in buf)
        m = _TOC_ENTRY.match(joined)
        if m:
            d = parse_doc_no(m.group("no"))
            title = m.group("title").strip("-—· ")
            entries.append(
                TocEntry(
                    section,
                    title,
                    str(d) if d else None,
                    int(m.group("page")) if m.group("page") else None,
                    buf[0].start,
                )
            )
            buf = []
        elif len(buf) > 4:
            buf = buf[-4:]
    return entries


def _editorial_board(lines: list[Line]) -> list[dict]:
    board: list[dict] = []
    current: dict | None = None
    for line in lines:
        t = line.text.strip()
        if P.TOC_HEADING.match(t) or P.GAZETTE_NAME.match(t):
            current = None
            continue
        m = _ROLE_LINE.match(t)
        if m and (not m.group("names") or _NAME_TOKENS.match(m.group("names").strip() + " ")):
            current = {"role": m.group("role"), "names": m.group("names").split(), "line": line.start}
            board.append(current)
        elif current is not None and _NAME_TOKENS.match(t + " ") and len(t) <= 30:
            current["names"].extend(t.split())
        elif current is not None and not m:
            current = None if re.search(r"[:：]", t) else current
    return [b for b in board if b["names"]]


def _header_info(text: str) -> tuple[str, int | None, int | None] | None:
    """(name, year, issue) from a running header: "1 / 2023 平顺县人民政府公报…", "平顺县人民政府公报 2023年第4期"."""
    if m := P.RUNNING_HEADER.match(text):
        return m.group("name"), int(m.group("year")), int(m.group("issue"))
    if m := P.RUNNING_HEADER_ISSUE.match(text):
        year, issue = m.group("year") or m.group("year2"), m.group("issue") or m.group("issue2")
        return m.group("name"), int(year) if year else None, int(issue) if issue else None
    return None


def parse_gazette(front: list[Line], furniture: list[Furniture], has_documents: bool) -> Gazette | None:
    """The gazette described by the front matter, or by running headers when there is no masthead."""
    name = year = issue = total = published = sponsor = None
    for i, line in enumerate(front):
        t = line.text.strip()
        s = squeeze(t)
        if name is None and (m := P.GAZETTE_NAME.match(s)):
            name = m.group("name")
        if issue is None and (m := P.ISSUE_NO.search(s)) and len(s) <= 24:
            issue = int(m.group("issue"))
            year = year or (int(m.group("year")) if m.group("year") else None)
            if year is None and i > 0 and (y := P.YEAR_LINE.match(front[i - 1].text)):
                year = int(y.group("year"))
        if total is None and (m := P.TOTAL_ISSUE.search(s)):
            total = int(m.group("total"))
        if published is None and (m := P.PUBLISHED.search(s)):
            d = parse_date(m.group("date") or m.group("date2"))
            published = d.isoformat() if d else None
        if sponsor is None and (m := _SPONSOR.match(s)):
            sponsor = m.group("who") or (despace(front[i + 1].text) if i + 1 < len(front) else None)
    toc = parse_toc(front)
    for f in furniture:
        if f.kind == "running_header" and (info := _header_info(f.text)):
            h_name, h_year, h_issue = info
            name, year, issue = name or h_name, year or h_year, issue or h_issue
            break
    if name is None and issue is None and not toc:
        return None
    return Gazette(
        name=name,
        year=year,
        issue=issue,
        total_issue=total,
        published=published,
        editorial_board=_editorial_board(front),
        toc=toc,
        sponsor=sponsor,
        line_start=front[0].start if front else None,
        line_end=front[-1].end if front else None,
    )


def cross_check_toc(gazette: Gazette, documents: list[Document]) -> list[ParseWarning]:
    """Warn about TOC entries with no document, documents missing from the TOC, and differing titles."""
    warnings: list[ParseWarning] = []
    if not gazette.toc:
        return warnings
    unmatched = list(documents)
    for entry in gazette.toc:
        doc = None
        if entry.doc_no:
            doc = next((d for d in unmatched if d.doc_no == entry.doc_no), None)
        if doc is None:
            scored = [(similar(entry.title, d.title), d) for d in unmatched]
            best = max(scored, key=lambda x: x[0], default=(0.0, None))
            doc = best[1] if best[0] >= 0.85 else None
        if doc is None:
            warnings.append(
                ParseWarning(
                    "toc_missing_document",
                    f"目录中的“{entry.title}”（{entry.doc_no or '无文号'}）在正文中未找到",
                    entry.line,
                    entry.doc_no,
                )
            )
            continue
        unmatched.remove(doc)
        doc.extra["toc"] = {
            "title": entry.title,
            "page": entry.page,
            "section": entry.section,
            "line": entry.line,
        }
        if similar(entry.title, doc.title) < 1.0 and not _same_modulo_issuer(
            entry.title, doc.title, doc.issuer
        ):
            warnings.append(
                ParseWarning(
                    "toc_title_mismatch",
                    f"目录标题“{entry.title}”与正文标题“{doc.title}”不一致",
                    entry.line,
                    doc.doc_no,
                )
            )
    for doc in unmatched:
        warnings.append(
            ParseWarning("document_not_in_toc", f"“{doc.title}”未列入目录", doc.line_start, doc.doc_no)
        )
    return warnings


def _same_modulo_issuer(toc_title: str, title: str, issuer: str | None) -> bool:
    """TOC entries often drop the issuer ("关于…的通知" for "稷山县人民政府关于…的通知")."""
    a, b = squeeze(toc_title), squeeze(title)
    if issuer and b.startswith(squeeze(issuer)) and not a.startswith(squeeze(issuer)):
        b = b[len(squeeze(issuer)) :]
    return similar(a, b) >= 1.0
