"""Structure: outline numbering, 目录 vs documents, titles between notice and main text, 文号 order,
attachments and issued texts announced but not printed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gongbao.parse.models import Document
from gongbao.proof.core import Finding, Issue, checker
from gongbao.text.repair import squeeze

_ISSUED = re.compile(r"印发[《<]?(?P<title>.+?)[》>]?的通知$")


@checker("numbering.outline")
def outline_numbering(issue: Issue) -> Iterator[Finding]:
    """Duplicated, skipped or out-of-order item numbers (found while building the article tree)."""
    for doc in issue.documents:
        for w in doc.warnings:
            if w.code == "numbering":
                yield issue.finding(
                    "numbering.outline", "编号错误", "警告", w.message, w.line or doc.line_start, doc
                )


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
    """One title contains the other: a leading 关于 or county name, a trailing （简版）."""
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
