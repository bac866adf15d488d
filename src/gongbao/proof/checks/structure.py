"""Structure: outline numbering, 目录 vs documents, titles between notice and main text, 文号 order,
attachments and issued texts announced but not printed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gongbao.parse.models import Document
from gongbao.parse.outline import numbering_message, numbering_pairs
from gongbao.proof.core import Finding, Issue, checker
from gongbao.text.repair import squeeze

_ISSUED = re.compile(r"印发[《<]?(?P<title>.+?)[》>]?的通知$")


_CN_DIGITS = "〇一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _cn(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _marker_pattern(example: str, n: int) -> re.Pattern[str]:
    """A loose pattern for the marker of number ``n`` in the style of ``example`` ("四、" → "五、")."""
    if any(c in _CIRCLED for c in example):
        return re.compile(re.escape(_CIRCLED[n - 1]) if n <= len(_CIRCLED) else r"(?!)")
    if re.search(r"[一二三四五六七八九十]", example):
        return re.compile(r"^\s*[（(]?(第)?" + _cn(n) + r"(?![一二三四五六七八九十])", re.M)
    return re.compile(r"^\s*[（(]?" + str(n) + r"(?![\d.．])|^\s*[（(]?" + str(n) + r"[.．](?!\d)", re.M)


def _present_between(part, a, b, numbers: range) -> bool:
    """Some missing number is printed between ``a`` and ``b`` in a form the article tree did not take as
    a heading ("2“十四五”规划思路" with no space): the parser missed it, the gazette did not."""
    for n in numbers:
        for m in _marker_pattern(a.marker, n).finditer(part.text):
            if a.line_start < part.raw_line_at(m.start()) < b.line_start:
                return True
    return False


def _between(part, a, b, word: str) -> bool:
    return _word_in_lines(part, word, a.line_start + 1, b.line_start - 1)


def _word_in_lines(part, word: str, first: int, last: int) -> bool:
    return any(first <= part.raw_line_at(m.start()) <= last for m in re.finditer(word, part.text))


def _lost_glyph(part, a, b) -> bool:
    """A line between ``a`` and ``b`` starts with □: the number's glyph was lost in text extraction."""
    return any(
        a.line_start < part.raw_line_at(m.start()) < b.line_start
        for m in re.finditer(r"^\s*□", part.text, re.M)
    )


def _in_box(part, siblings: list, a) -> bool:
    """``a`` belongs to a boxed 专栏: its run restarts at 1 just after a "专栏" heading."""
    i = next(k for k, n in enumerate(siblings) if n is a)
    start = next((n for n in reversed(siblings[: i + 1]) if n.number == 1), None)
    return start is not None and _word_in_lines(part, "专栏", start.line_start - 6, start.line_start)


def _table_cell(node) -> bool:
    """A number that is a cell of a table: the row has tabs, or the text runs down a narrow column
    ("二、水生\n态环\n境质…")."""
    lines = node.text.split("\n")
    return "\t" in lines[0] or (len(lines) >= 3 and all(len(x.strip()) <= 6 for x in lines[:3]))


def _resumes_interrupted_list(siblings: list, b) -> bool:
    """``b`` continues a list interrupted by another numbered list (a boxed 专栏 restarting at 1)."""
    i = next(k for k, n in enumerate(siblings) if n is b)
    restarted = False
    for n in reversed(siblings[:i]):
        if n.number == 1 and b.number != 2:
            restarted = True
        elif n.number == b.number - 1:
            return restarted
    return False


def _siblings(nodes: list) -> dict[int, list]:
    """For every node, the list of its siblings of the same kind (keyed by id)."""
    out: dict[int, list] = {}
    by_kind: dict[str, list] = {}
    for n in nodes:
        by_kind.setdefault(n.kind, []).append(n)
        out.update(_siblings(n.children))
    for seq in by_kind.values():
        out.update({id(n): seq for n in seq})
    return out


@checker("numbering.outline")
def outline_numbering(issue: Issue) -> Iterator[Finding]:
    """Duplicated, skipped or out-of-order item numbers among siblings of the article tree.

    Not reported: numbers inside tables (rows repeated across a page break, two-column contact lists),
    numbered items of a boxed 专栏 between two items of the main list, and numbers that are printed but
    not recognised as headings (the skipped number is there)."""
    for doc in issue.documents:
        for part in doc.parts:
            siblings = _siblings(part.outline)
            for problem, a, b in numbering_pairs(part.outline):
                if _table_cell(a) or _table_cell(b) or _between(part, a, b, "专栏"):
                    continue
                seq = siblings.get(id(b), [a, b])
                if problem != "跳跃" and (_resumes_interrupted_list(seq, b) or _in_box(part, seq, a)):
                    continue
                if problem == "跳跃" and (
                    _present_between(part, a, b, range(a.number + 1, b.number)) or _lost_glyph(part, a, b)
                ):
                    continue
                yield issue.finding(
                    "numbering.outline", "编号错误", "警告", numbering_message(problem, a, b), b.line_start, doc,
                    numbers={"前一编号": a.marker, "本编号": b.marker},
                )  # fmt: skip


@checker("numbering.doc_no_order")
def doc_no_order(issue: Issue) -> Iterator[Finding]:
    """Within one 文号 series (same 机关代字 and year), a later serial signed earlier than a previous one."""
    series: dict[tuple[str, int], list[Document]] = {}
    for d in issue.documents:
        p = d.doc_no_parts
        if p and d.signed_date and p.get("serial"):
            series.setdefault((p["prefix"], p["year"]), []).append(d)
    for docs in series.values():
        docs.sort(key=lambda d: d.doc_no_parts["serial"])
        for a, b in zip(docs, docs[1:], strict=False):
            if b.signed_date < a.signed_date:
                yield issue.finding(
                    "numbering.doc_no_order", "文号与成文日期顺序不一致", "提示",
                    f"{b.doc_no}（{b.signed_date}）的成文日期早于编号在前的{a.doc_no}（{a.signed_date}），请核对文号或日期",
                    b, numbers={a.doc_no: a.signed_date, b.doc_no: b.signed_date}, related=[a.doc_no],
                )  # fmt: skip


@checker("consistency.toc")
def toc(issue: Issue) -> Iterator[Finding]:
    """目录 entries without a document, titles that differ, documents missing from the 目录."""
    labels = {
        "toc_title_mismatch": ("目录标题与正文标题不一致", "警告"),
        "toc_missing_document": ("目录所列文件未刊登", "警告"),
        "document_not_in_toc": ("文件未列入目录", "提示"),
    }
    docs = {d.doc_no: d for d in issue.documents if d.doc_no}
    for w in issue.result.warnings:
        if w.code in labels:
            kind, severity = labels[w.code]
            doc = docs.get(w.doc_no) if w.doc_no else None
            if doc is None and w.code == "document_not_in_toc":
                doc = next((d for d in issue.documents if d.line_start == w.line), None)
            yield issue.finding("consistency.toc", kind, severity, w.message, w.line or 1, doc)


def _key(title: str) -> str:
    return squeeze(title).replace("〈", "《").replace("〉", "》").strip("《》<>")


def _minor(a: str, b: str) -> bool:
    """The titles differ only by a 关于, or one contains the other (county name, a trailing （简版））."""
    a, b = a.replace("关于", ""), b.replace("关于", "")
    return a in b or b in a


@checker("consistency.title")
def notice_vs_main_title(issue: Issue) -> Iterator[Finding]:
    """A 印发 notice whose title names an issued text differently from the text's own heading."""
    for doc in issue.documents:
        m = _ISSUED.search(doc.title)
        printed = [p for p in doc.parts if p.role == "main_text" and p.title]
        if not m or not printed:
            continue
        named = m["title"].strip("《》<>")
        names = [named] if len(printed) == 1 else [x for x in re.split(r"》?和《?|》?及《?", named) if x]
        if len(names) != len(
            printed
        ):  # one phrase for several texts ("…稳定、…提升和…行动计划"): not comparable
            continue
        for name in names:
            if any(_key(name) == _key(p.title) for p in printed):
                continue
            closest = max(printed, key=lambda p: _overlap(_key(name), _key(p.title)))
            minor = _minor(_key(name), _key(closest.title))
            yield issue.finding(
                "consistency.title", "通知标题与正文标题不一致", "提示" if minor else "警告",
                f"通知标题称“{name}”，正文标题为“{closest.title}”",
                closest.line_start, doc,
                numbers={"通知标题": name, "正文标题": closest.title},
                suggestion=f"统一为“{closest.title}”或更正正文标题",
            )  # fmt: skip


def _overlap(a: str, b: str) -> int:
    return len(set(a) & set(b))


@checker("references.attachments")
def attachments(issue: Issue) -> Iterator[Finding]:
    """Attachments listed but neither printed nor marked as published online; issued texts not printed."""
    for doc in issue.documents:
        for a in doc.attachments:
            if not a.printed and not a.only_online:
                yield issue.finding(
                    "references.attachments", "附件未刊登", "警告",
                    f"列出了附件“{a.title}”，但公报中未刊登，也未注明见网络版",
                    a.line or doc.line_start, doc,
                )  # fmt: skip
        for w in doc.warnings:
            if w.code == "main_text_missing":
                yield issue.finding(
                    "references.attachments", "正文未刊登", "错误", w.message, w.line or doc.line_start, doc
                )


OCR_LOW = "ocr_low_confidence"


def ocr_finding(issue: Issue, message: str, line: int, doc: Document | None) -> Finding:
    return issue.finding(
        "extraction.ocr", "文字识别置信度低", "提示", message, line, doc,
        suggestion="对照扫描原件核对此行，数字、金额和文号尤其要核对",
    )  # fmt: skip


@checker("extraction.ocr")
def ocr_confidence(issue: Issue) -> Iterator[Finding]:
    """Lines of a scanned page that OCR read with low confidence: a misread digit in an amount or a 文号
    matters, so the editor should compare them with the scan."""
    docs = {d.doc_no: d for d in issue.documents if d.doc_no}
    for w in issue.result.warnings:
        if w.code == OCR_LOW:
            yield ocr_finding(issue, w.message, w.line or 1, docs.get(w.doc_no) if w.doc_no else None)
