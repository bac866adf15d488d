"""Stage 2b — the metadata of one document (GB/T 9704 elements) from its span.

Reads: repaired lines and a :class:`~gongbao.parse.segment.DocSpan`. Writes: a
:class:`~gongbao.parse.models.Document` whose every field records the raw lines it came from
(``Document.sources``).
"""

from __future__ import annotations

import datetime as dt
import re

from gongbao import patterns as P
from gongbao.parse import lexicon
from gongbao.parse.dates import add_months, add_years, parse_date
from gongbao.parse.docno import parse_doc_no
from gongbao.parse.models import Attachment, Document, ParseWarning, Part
from gongbao.parse.outline import build_outline
from gongbao.parse.segment import DocSpan, PartSpan, is_online_note, similar
from gongbao.text.numerals import to_int
from gongbao.text.repair import Line, despace


def publicity_of(mark: str) -> str:
    """（此件公开发布）→ 主动公开; （依申请公开）→ 依申请公开; （此件不予公开）→ 不予公开."""
    if "依申请" in mark:
        return "依申请公开"
    if "不予" in mark or "不公开" in mark or "免于" in mark:
        return "不予公开"
    return "主动公开"


#: Words that end the name of an addressee: "…人民政府", "…有关单位", "…管委会".
_ORG_END = re.compile(
    r"(?:政府|单位|部门|机关|委员会|管委会|局|委|办|院|企业|公司|机构|组织|主体|学校|中心|街道|社区|村|乡|镇|区)$"
)


def _span(lines: list[Line], i: int, j: int | None = None) -> list[int]:
    j = i if j is None else j
    return [lines[i].start, lines[j].end]


def split_recipients(text: str) -> list[str]:
    """Split a 主送 line into addressees, keeping "各乡、镇人民政府" whole.

    >>> split_recipients("各乡、镇人民政府，县直各有关单位：")
    ['各乡、镇人民政府', '县直各有关单位']
    >>> split_recipients("各乡、镇人民政府、县直各有关单位：")
    ['各乡、镇人民政府', '县直各有关单位']
    """
    t = text.strip().rstrip("：:").strip()
    out: list[str] = []
    for chunk in re.split(r"[，,；;]", t):
        chunk = chunk.strip()
        if not chunk:
            continue
        pieces = [p.strip() for p in chunk.split("、") if p.strip()]
        buf = ""
        for p in pieces:
            buf = f"{buf}、{p}" if buf else p
            if _ORG_END.search(buf) and len(buf) > 3:
                out.append(buf)
                buf = ""
        if buf:
            if out and not _ORG_END.search(buf) and len(pieces) > 1:
                out[-1] = f"{out[-1]}、{buf}"
            else:
                out.append(buf)
    return out


#: A printed attachment's heading: "附件", "附件1", "附件 3", "附件：" (its title, if any, follows).
_PRINTED_HEADING = re.compile(r"^附\s*件\s*(?P<num>\d{1,2})?\s*[:：]?$")
#: A numbered item of an attachment list: "1.", "2、", "3．".
_NUMBERED = re.compile(r"^\d{1,2}\s*[.、．]\s*\S")


def _announcement(t: str) -> str | None:
    """The list text after "附件：" (or "" for a bare "9附件" section heading); None if not an announcement."""
    if re.fullmatch(r"\d{1,2}(?:\.\d{1,2})?\s*附件", despace(t)):
        return ""
    m = P.ATTACHMENT_MARK.match(t)
    if m and m.group(0).rstrip().endswith(("：", ":")) and t[m.end() :].strip():
        return t[m.end() :].strip()
    return None


def _attachments(lines: list[Line], doc: DocSpan) -> list[Attachment]:
    """Attachments announced by "附件：…" lists (and "N附件" sections of emergency plans).

    An attachment is ``printed`` when a heading "附件N" with its text follows in the gazette, and
    ``only_online`` when the list or the document says "见网络版" / "详见…网站" and it is not printed.
    """
    items: list[tuple[str, int]] = []  # (text, line index)
    headings: list[tuple[int | None, str | None]] = []
    i = doc.title_end
    while i < doc.end:
        t = lines[i].text.strip()
        hm = _PRINTED_HEADING.match(despace(t))
        if hm and i + 1 < doc.end and not _NUMBERED.match(lines[i + 1].text.strip()):
            nxt = lines[i + 1].text.strip()
            headings.append(
                (int(hm.group("num")) if hm.group("num") else None, nxt if len(nxt) <= 60 else None)
            )
            i += 1
            continue
        rest = _announcement(t)
        if rest is None and not (hm and i + 1 < doc.end):
            i += 1
            continue
        block = [(x, i) for x in _split_numbered(rest)] if rest else []
        j = i + 1
        while j < doc.end:
            nt = lines[j].text.strip()
            if is_online_note(lines[j]):
                j += 1
                continue
            if _NUMBERED.match(nt) and len(nt) < 90 and not nt.endswith(("。", "；")):
                block.extend((x, j) for x in _split_numbered(nt))
            elif (
                block
                and _open_item(
                    block[-1][0], numbered=len(block) > 1 or _NUMBERED.match(block[-1][0]) is not None
                )
                and _continuation(nt)
            ):
                block[-1] = (block[-1][0] + nt, block[-1][1])
            elif not block and len(despace(nt)) <= 60 and not re.search(r"[。；：:]", nt):
                block.append((nt, j))  # "9附件" + the title on its own line
            else:
                break
            j += 1
        items.extend(block)
        i = max(j, i + 1)
    online_doc = any(
        is_online_note(lines[k]) and "附件" in lines[k].text for k in range(doc.title_end, doc.end)
    )
    found: list[Attachment] = []
    for n, (raw, ln) in enumerate(items, 1):
        title = despace(P.ONLINE_NOTE.sub("", raw)).strip("：:；;。，,")
        title = re.sub(r"^\d{1,2}[.、．]", "", title)
        if not title:
            continue
        printed = any(
            num == n
            or (head and similar(head, title) >= 0.8)
            or (num is None and head is None and len(items) == 1)
            for num, head in headings
        )
        online = (
            bool(P.ONLINE_NOTE.search(raw))
            or online_doc
            or any(is_online_note(lines[k]) for k in range(ln + 1, min(ln + 3, doc.end)))
        )
        found.append(
            Attachment(title=title, only_online=online and not printed, printed=printed, line=lines[ln].start)
        )
    return found


def _open_item(text: str, numbered: bool) -> bool:
    """Can the next line continue this list item? Yes if a bracket is open or a numbered item has no note yet."""
    if text.count("（") + text.count("(") > text.count("）") + text.count(")"):
        return True
    return numbered and not P.ONLINE_NOTE.search(text) and not text.endswith(("。", "；", ";"))


def _continuation(text: str) -> bool:
    return (
        len(despace(text)) <= 40
        and not re.search(r"[。；：:]", text)
        and not lexicon.is_issuer_name(text)
        and not P.DATE_LINE.match(text)
        and not _PRINTED_HEADING.match(despace(text))
    )


def _split_numbered(text: str) -> list[str]:
    """ "1.甲(见网络版) 2.乙" → ["1.甲(见网络版)", "2.乙"]."""
    parts = re.split(r"\s*(?=(?<![\d.])\d{1,2}\s*[.、．](?!\d))", text)
    return [p for p in (x.strip() for x in parts) if p]


def _effective(text: str, signed: dt.date | None) -> tuple[str | None, str | None, int | None]:
    """(effective as date or rule text, derived ISO date, index of the match)."""
    matches = list(P.EFFECTIVE.finditer(text))
    if not matches:
        return None, None, None
    m = matches[-1]
    when = m.group("when")
    day = parse_date(when)
    if day:
        return day.isoformat(), day.isoformat(), m.start()
    rule = "自" + "".join(when.split())
    rule = rule.replace("之日起起", "之日起")
    if not rule.endswith(("起", "后")):
        rule += "起"
    derived = None
    if signed:
        delay = to_int(m.group("delay")) if m.group("delay") else 0
        derived = (signed + dt.timedelta(days=delay or 0)).isoformat()
    return rule, derived, m.start()


def _validity(text: str, start: str | None) -> tuple[str | None, str | None]:
    until = P.VALID_UNTIL.search(text)
    if until:
        day = parse_date(until.group("date"))
        return "".join(until.group(0).split()), day.isoformat() if day else None
    m = P.VALIDITY.search(text)
    if not m:
        return None, None
    n = to_int(m.group("n"))
    label = "".join(m.group(0).split())
    if not n or not start:
        return label, None
    begin = dt.date.fromisoformat(start)
    end = add_years(begin, n) if m.group("unit") == "年" else add_months(begin, n)
    return label, (end - dt.timedelta(days=1)).isoformat()


def _stated_period(text: str) -> tuple[str, str, str] | None:
    """(period as printed, first day, last day) of a "…时间/期限: DATE至DATE" statement."""
    for m in P.DATE_RANGE.finditer(text):
        if re.search(r"时间|期限|期间|有效期|执行期|实施期", text[max(0, m.start() - 16) : m.start()]):
            start, end = parse_date(m.group("start")), parse_date(m.group("end"))
            if start and end and start <= end:
                return "".join(m.group(0).split()), start.isoformat(), end.isoformat()
    return None


def _clean_agency(who: str) -> str:
    return despace(who).strip("，。、")


def build_document(lines: list[Line], span: DocSpan) -> Document:
    warnings: list[ParseWarning] = []
    sources: dict[str, list[int]] = {}
    title = span.title
    sources["title"] = _span(lines, *span.title_lines)

    doc_no = None
    parts_dict = None
    if span.doc_no_index is not None:
        d = parse_doc_no(lines[span.doc_no_index].text)
        if d:
            doc_no = str(d)
            parts_dict = {"prefix": d.prefix, "year": d.year, "serial": d.serial}
            sources["doc_no"] = _span(lines, span.doc_no_index)

    issuer, _rest = lexicon.split_issuer(title)
    issuers = _joint_issuers(" ".join(lines[k].text for k in range(span.start, span.title_end)))
    if len(issuers) > 1:
        issuer = "、".join(issuers)  # a joint document: every issuer, in printed order
    signature_names: list[str] = []
    if span.signature:
        first, _last = span.signature
        for k in range(first, span.date_index or first):
            signature_names.extend(n for n in lines[k].text.split() if lexicon.is_issuer_name(n))
    if issuer:
        sources["issuer"] = sources["title"]
    elif span.banner_issuer:
        issuer = span.banner_issuer
        sources["issuer"] = _span(lines, span.start)
    elif signature_names:
        issuer = "、".join(signature_names)
        sources["issuer"] = _span(lines, span.signature[0], span.date_index)
    if issuer and signature_names and despace(issuer) not in signature_names and len(signature_names) == 1:
        warnings.append(
            ParseWarning(
                "issuer_signature_mismatch",
                f"标题中的发文机关“{issuer}”与署名“{signature_names[0]}”不一致",
                lines[span.signature[0]].start,
                doc_no,
            )
        )

    doc_type = lexicon.doc_type_of(title)
    if doc_type is None:
        warnings.append(
            ParseWarning("unknown_doc_type", f"无法从标题判断文种：{title}", lines[span.start].start, doc_no)
        )

    signed = None
    if span.date_index is not None:
        signed = parse_date(lines[span.date_index].text)
        sources["signed_date"] = _span(lines, span.date_index)
    else:
        warnings.append(
            ParseWarning("missing_signed_date", "未找到成文日期", lines[span.start].start, doc_no)
        )

    publicity = None
    if span.publicity_index is not None:
        publicity = publicity_of(P.PUBLICITY.match(lines[span.publicity_index].text.strip()).group("mark"))
        sources["publicity"] = _span(lines, span.publicity_index)

    recipients: list[str] = []
    if span.recipients_index is not None:
        rt = lines[span.recipients_index].text.strip()
        recipients = split_recipients(rt)
        sources["recipients"] = _span(lines, span.recipients_index)
        if not rt.endswith(("：", ":")):
            warnings.append(
                ParseWarning(
                    "recipients_truncated",
                    f"主送机关可能不完整：“{rt}”",
                    lines[span.recipients_index].start,
                    doc_no,
                )
            )

    parts = [_build_part(lines, p) for p in span.parts]
    main_parts = [p for p in parts if p.role == "main_text"]
    attachments = _attachments(lines, span)

    main_text = None
    if main_parts:
        mp = main_parts[0]
        main_text = {"title": mp.title, "kind": mp.kind, "line_start": mp.line_start}
        sources["main_text"] = [mp.line_start, mp.line_end]
    elif _issuing_title(title) and len(parts) == 1 and _short_notice(parts[0]):
        online = any(P.ONLINE_NOTE.search(lines[k].text) for k in range(span.title_end, span.end))
        msg = "正文未在公报中刊登，见政府网站" if online else "印发通知后未找到所印发的正文"
        warnings.append(
            ParseWarning(
                "main_text_not_printed" if online else "main_text_missing",
                msg,
                lines[span.start].start,
                doc_no,
            )
        )

    # validity: look in the main texts first (their last articles), then in the cover notice
    text_main = "\n".join(p.text for p in main_parts) if main_parts else "\n".join(p.text for p in parts)
    effective, effective_date, _ = _effective(text_main, signed)
    if effective is None and main_parts:
        effective, effective_date, _ = _effective(parts[0].text, signed)
    validity_text, expires = _validity(text_main, effective_date)
    if effective is None and validity_text is None and (window := _stated_period(text_main)):
        # "一、封山禁火时间 2023年10月1日至2024年5月31日": an order in force for a stated period
        validity_text, effective, expires = window
        effective_date = effective
    interpreter = None
    m = P.INTERPRETER.search(text_main)
    if m:
        interpreter = _clean_agency(m.group("who") or m.group("who2"))
    extra: dict = {}
    e = P.EXPLAINER.search(text_main)
    if e:
        extra["explainer"] = _clean_agency(e.group("who"))
    if signature_names:
        extra["signatories"] = signature_names
    if len(issuers) > 1:
        extra["issuers"] = issuers
    if span.issued_titles:
        extra["issued_titles"] = span.issued_titles

    for code, message, idx in span.notes:
        warnings.append(ParseWarning(code, message, lines[idx].start if idx is not None else None, doc_no))
    for p in parts:
        _outline_warnings(p.outline, warnings, doc_no)

    return Document(
        doc_no=doc_no,
        doc_no_parts=parts_dict,
        issuer=issuer,
        title=title,
        doc_type=doc_type,
        signed_date=signed.isoformat() if signed else None,
        publicity=publicity,
        recipients=recipients,
        attachments=attachments,
        main_text=main_text,
        effective=effective,
        effective_date=effective_date,
        validity_period=validity_text,
        expires=expires,
        interpreter=interpreter,
        line_start=lines[span.start].start,
        line_end=lines[span.end - 1].end,
        parts=parts,
        sources=sources,
        warnings=warnings,
        extra=extra,
    )


def _joint_issuers(header: str) -> list[str]:
    """The issuers of a jointly issued title, printed side by side: "中共XX县委办公室 XX县人民政府办公室关于…"."""
    head = header.split("关于", 1)[0].split()
    names = [h for h in head if lexicon.is_issuer_name(h)]
    return names if len(names) == len(head) else []


def _short_notice(part: Part) -> bool:
    """A cover notice with nothing of its own: no outline, a few lines (so the issued text is elsewhere)."""
    return len(part.text.splitlines()) <= 8 and not any(n.kind != "preamble" for n in part.outline)


def _issuing_title(title: str) -> bool:
    return bool(re.search(r"关于(?:印发|转发|公布|发布|下发|颁布)", title))


def _build_part(lines: list[Line], ps: PartSpan) -> Part:
    body = lines[ps.title_end : ps.end]
    text = "\n".join(line.text for line in body)
    sources: list[tuple[int, int]] = []
    offset = 0
    for line in body:
        sources.extend((offset + o, raw) for o, raw in line.sources)
        offset += len(line.text) + 1
    kind = lexicon.kind_of(ps.title) if ps.title and ps.role == "main_text" else None
    return Part(
        role=ps.role,
        title=ps.title,
        kind=kind,
        line_start=lines[ps.start].start,
        line_end=lines[ps.end - 1].end,
        text=text,
        outline=build_outline(body),
        sources=sources,
    )


def _outline_warnings(nodes, warnings: list[ParseWarning], doc_no: str | None) -> None:
    from gongbao.parse.outline import numbering_problems

    for line, message in numbering_problems(nodes):
        warnings.append(ParseWarning("numbering", message, line, doc_no))


def apply_web_meta(doc: Document, meta: dict[str, tuple[str, int]]) -> None:
    """Fill gaps in ``doc`` from a 政府信息公开 metadata table and report disagreements."""
    doc.extra["web_meta"] = {k: v for k, (v, _) in meta.items()}

    def differs(field: str, ours: str | None, theirs: str, line: int) -> None:
        if ours and theirs and ours != theirs:
            doc.warnings.append(
                ParseWarning(
                    "web_meta_mismatch",
                    f"网页元数据“{field}：{theirs}”与正文“{ours}”不一致",
                    line,
                    doc.doc_no,
                )
            )

    if "发文字号" in meta:
        value, line = meta["发文字号"]
        d = parse_doc_no(value)
        if d and doc.doc_no is None:
            doc.doc_no, doc.doc_no_parts = str(d), {"prefix": d.prefix, "year": d.year, "serial": d.serial}
            doc.sources["doc_no"] = [line, line]
        elif d:
            differs("发文字号", doc.doc_no, str(d), line)
    if "发文机关" in meta:
        value, line = meta["发文机关"]
        if doc.issuer is None:
            doc.issuer, doc.sources["issuer"] = despace(value), [line, line]
        else:
            differs("发文机关", doc.issuer, despace(value), line)
    if "成文日期" in meta:
        value, line = meta["成文日期"]
        day = parse_date(value) or _iso_date(value)
        if day and doc.signed_date is None:
            doc.signed_date, doc.sources["signed_date"] = day.isoformat(), [line, line]
        elif day:
            differs("成文日期", doc.signed_date, day.isoformat(), line)
    if "公开方式" in meta and doc.publicity is None:
        value, line = meta["公开方式"]
        if "公开" in value:
            doc.publicity, doc.sources["publicity"] = publicity_of(value), [line, line]


def _iso_date(value: str) -> dt.date | None:
    m = re.search(r"((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})", value)
    if not m:
        return None
    try:
        return dt.date(*(int(x) for x in m.groups()))
    except ValueError:
        return None
