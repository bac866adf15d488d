"""Stage 3a — citations: every reference a document makes to another document or a standard.

Reads: a parsed :class:`~gongbao.parse.models.Document`. Writes: :class:`Citation` objects, each with its
span (part, offsets, raw lines), the sentence it stands in and its relation.

Found: 文号 of any issuer in any bracket style (平政办发[2018]61号, 长土防办（2020）3号), orders (国务院令第394号),
titles in 《…》 (with nested 〈…〉), standards (GB 31221—2014, DB14/726-2019). A title followed by its 文号
is one citation. References to the document itself — its own title, the texts it issues, its own 文号 —
are not citations.

Relations, from the words around the citation:
  废止      "…《X》（文号）同时废止", "…不再执行", "予以废止", "停止执行", "同时失效"
  部分废止  "《X》（文号）中《A》和《B》同时废止" (X loses some of its texts; A and B are 废止)
  依据      根据 / 依据 / 按照 / 依照 / 遵照 …《X》
  贯彻落实  贯彻 / 落实 …《X》
  参照      参照 / 参考 / 比照 …《X》
  其他      anything else
A repealed citation whose title is the title of the text this document issues is also flagged
``replaces`` (the document is a revised edition: "现将修订后的《…》印发给你们").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongbao import patterns as P
from gongbao.parse.docno import parse_doc_no
from gongbao.parse.models import Document, Part
from gongbao.text.repair import squeeze

RELATIONS = ("依据", "废止", "部分废止", "修订/替代", "贯彻落实", "参照", "其他")


@dataclass
class Citation:
    kind: str  # "doc_no" | "title" | "order" | "standard"
    text: str  # as printed
    doc_no: str | None  # normalised 文号, order number or standard id
    title: str | None  # without 《》
    relation: str
    part: int  # index into Document.parts
    start: int  # offsets into that part's text
    end: int
    line_start: int  # raw lines
    line_end: int
    sentence: str
    replaces: bool = False  # this document is a revised edition of the cited one
    within: int | None = None  # index (in the document's list) of the citation this one is part of


_REPEAL = re.compile(r"(?:同时|一并|予以|即行|自行|同步)?(?:废止|失效)|不再执行|停止执行|不再适用")
_BASIS = re.compile(r"根据|依据|按照|依照|遵照|依|据|按")
_IMPLEMENT = re.compile(r"贯彻落实|贯彻执行|贯彻|落实")
_REFER = re.compile(r"参照|参考|比照")
#: Filler allowed between a citation and the 废止 that applies to it: dates, "印发的", connectives, brackets.
_FILLER = re.compile(
    rf"{P.DATE_TEXT}|[（(][^（()）]*[）)]|自[^。；，]{{0,14}}?起|印发的|发布的|下发的|和|及|与|、|，|,|等文件|等|均|一并|文件|以下简称|\s"
)
_REVISION = re.compile(r"修订后的|新修订的|重新修订的|修订")
_SENTENCE_END = "。！？；\n"


def _titles(text: str) -> list[tuple[int, int]]:
    """Top-level 《…》 spans (nested 〈…〉 or 《…》 stay inside), as (start, end) including the brackets."""
    spans, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "《":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "》" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def _trim_prefix(m: re.Match[str]) -> int:
    """Start of the 文号 proper: drop characters that cannot belong to a 机关代字 ("根据运政办发…" → "运政办发…")."""
    prefix = m.group("prefix")
    cut = max((prefix.rfind(ch) for ch in P.NOT_IN_PREFIX), default=-1)
    return m.start("prefix") + cut + 1


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    s = max(text.rfind(ch, 0, start) for ch in _SENTENCE_END) + 1
    ends = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i >= 0]
    e = min(ends) + 1 if ends else len(text)
    return s, e


def title_key(title: str) -> str:
    """A title reduced for comparison: no brackets, quotes, spaces or punctuation variants."""
    return re.sub(r"[《》〈〉“”\"'‘’（）()\s、，,·—\-–]", "", squeeze(title))


def core_title(title: str) -> str:
    """The issued text named by a notice title: "关于印发〈X〉的通知" → X; other titles unchanged."""
    m = re.search(r"关于(?:印发|转发|公布|发布)(.+?)(?:的通知|的决定)?$", title)
    return m.group(1).strip("《》〈〉") if m else title


def _own_keys(doc: Document) -> set[str]:
    keys = {title_key(doc.title), title_key(core_title(doc.title))}
    keys.update(title_key(p.title) for p in doc.parts if p.title)
    keys.update(title_key(t) for t in doc.extra.get("issued_titles", []))
    keys.update(title_key(a.title) for a in doc.attachments)
    return {k for k in keys if k}


def _is_own(title: str, own: set[str]) -> bool:
    k = title_key(title)
    return k in own or title_key(core_title(title)) in own


def extract(doc: Document) -> list[Citation]:
    """All citations of ``doc``, in text order (parts in order)."""
    out: list[Citation] = []
    own = _own_keys(doc)
    revised = any(_REVISION.search(p.title or "") for p in doc.parts) or bool(
        _REVISION.search(doc.parts[0].text[:400]) if doc.parts else False
    )
    for pi, part in enumerate(doc.parts):
        out.extend(_extract_part(doc, pi, part, own, revised, base=len(out)))
    return out


def _extract_part(
    doc: Document, pi: int, part: Part, own: set[str], revised: bool, base: int
) -> list[Citation]:
    text = part.text
    found: list[tuple[int, int, str, str | None, str | None]] = []  # (start, end, kind, doc_no, title)
    taken: list[tuple[int, int]] = []
    numbers = []
    for m in P.DOC_NO.finditer(text):
        start = _trim_prefix(m)
        d = parse_doc_no(text[start : m.end()])
        if d:
            numbers.append((start, m.end(), str(d)))
    orders = [
        (m.start(), m.end(), f"{m.group('prefix')}第{m.group('serial')}号") for m in P.ORDER_NO.finditer(text)
    ]
    for s, e in _titles(text):
        title = text[s + 1 : e - 1].strip()
        if not title:
            continue
        # a 文号 right after the title (in brackets or not) belongs to it
        attached = next(
            (
                n
                for n in numbers + orders
                if 0 <= n[0] - e <= 3 and not re.search(r"[。；，]", text[e : n[0]])
            ),
            None,
        )
        if attached:
            end = attached[1]
            if end < len(text) and text[end] in "）)" and text[e : attached[0]].strip() in ("（", "("):
                end += 1
            found.append((s, end, "doc_no" if attached in numbers else "order", attached[2], title))
            taken.append((attached[0], attached[1]))
        else:
            found.append((s, e, "title", None, title))
        taken.append((s, e))

    def free(s: int, e: int) -> bool:
        return not any(a <= s < b or a < e <= b for a, b in taken)

    found.extend((s, e, "doc_no", no, None) for s, e, no in numbers if free(s, e))
    found.extend((s, e, "order", no, None) for s, e, no in orders if free(s, e))
    for m in P.STANDARD.finditer(text):
        if free(m.start(), m.end()):
            code = re.sub(r"\s+", "", m.group("code"))
            found.append((m.start(), m.end(), "standard", f"{code} {m.group('num')}-{m.group('year')}", None))
    found.sort()

    citations: list[Citation] = []
    for s, e, kind, number, title in found:
        if number and number == doc.doc_no:
            continue  # its own 文号
        if kind == "title" and _is_own(title, own):
            continue  # its own title, or a text it issues ("现将《X》印发给你们")
        ss, se = _sentence(text, s, e)
        citations.append(
            Citation(
                kind=kind,
                text=text[s:e],
                doc_no=number,
                title=title,
                relation=_relation(text, s, e, ss, se),
                part=pi,
                start=s,
                end=e,
                line_start=part.raw_line_at(s),
                line_end=part.raw_line_at(max(s, e - 1)),
                sentence=text[ss:se].strip(),
            )
        )
    _partial_repeals(text, citations, base)
    for c in citations:
        if c.relation in ("废止", "部分废止") and revised and c.title and _is_own(c.title, own):
            c.replaces = (
                True  # "2020年印发的《平顺县森林草原火灾应急预案》（…〔2020〕10号）同时废止" in its revision
            )
    return citations


def _relation(text: str, s: int, e: int, ss: int, se: int) -> str:
    after = text[e:se]
    m = _REPEAL.search(after)
    if m:
        between = _FILLER.sub("", re.sub(r"《[^《》]*(?:《[^《》]*》[^《》]*)*》", "", after[: m.start()]))
        between = P.DOC_NO.sub("", between)
        if len(between) <= 2:
            return "废止"
    before = text[ss:s]
    best, best_pos = "其他", -1
    for rx, name in ((_BASIS, "依据"), (_IMPLEMENT, "贯彻落实"), (_REFER, "参照")):
        for m in rx.finditer(before):
            if m.start() > best_pos:
                best, best_pos = name, m.start()
    return best


def _partial_repeals(text: str, citations: list[Citation], base: int) -> None:
    """ "《X》（文号）中《A》和《B》同时废止": X is partly repealed; A and B are texts inside X."""
    for i, c in enumerate(citations):
        rest = text[c.end : c.end + 3]
        if not rest.startswith("中") or c.kind not in ("doc_no", "order", "title"):
            continue
        inner = [d for d in citations[i + 1 :] if d.start < c.end + 200 and d.sentence == c.sentence]
        if inner and all(d.relation == "废止" for d in inner):
            c.relation = "部分废止"
            for d in inner:
                d.within = base + i
