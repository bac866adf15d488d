"""Stage 2a — split repaired lines into documents, and each document into parts.

Reads: the logical lines of a :class:`~gongbao.text.repair.RepairedText`. Writes: :class:`DocSpan` and
:class:`PartSpan` objects — index ranges into those lines plus the header facts found on the way.

A document starts at its header: the title (issuer + 关于… + 文种, over one to four lines) next to a
stand-alone 文号 line, or, for documents with no 文号 (a 令, a notice copied from a web page), a complete
title line that follows the end of the previous document. A cover notice and the main text(s) it issues
form *one* document with several parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from gongbao import patterns as P
from gongbao.parse import lexicon
from gongbao.text.repair import Line, despace, is_structural_start, squeeze

# --------------------------------------------------------------------------------------------------
# line predicates


def _t(line: Line) -> str:
    return line.text.strip()


def is_doc_no_line(line: Line) -> bool:
    return bool(P.DOC_NO_LINE.match(_t(line)))


def is_date_line(line: Line) -> bool:
    return bool(P.DATE_LINE.match(_t(line)))


def is_publicity_line(line: Line) -> bool:
    return bool(P.PUBLICITY.match(_t(line)))


def is_online_note(line: Line) -> bool:
    """A stand-alone note such as "（附件详见县政府网站）" or "(详见阳城县人民政府门户网站)"."""
    t = _t(line)
    return t[:1] in "（(" and t[-1:] in "）)" and bool(P.ONLINE_NOTE.search(t)) and len(t) <= 30


#: A masthead or back-cover line: "主管主办：…", "编辑出版：…", "定 价：免费赠阅", "内部资料 注意保存".
_BACK_MATTER = re.compile(
    r"^(?:主管主办|主管|主办|主办单位|编辑出版|编辑|编印|承印|印刷|地址|网址|邮编|电话|传真|定价|发行范围|电子邮箱|准印证号)\s*[:：]"
    r"|^内部资料|^(?:传达政令|宣传政策|指导工作|服务社会)\S{0,6}$"
)
_SENTENCE_PUNCT = re.compile(r"[。；;！？]")
_ISSUING = re.compile(r"关于(?:印发|转发|公布|发布|下发|颁布)")
_ISSUING_BODY = re.compile(
    r"(?:现|予以|现予|现将|特此)?印发给你们|现予(?:以)?印发|现予下发|现予发布|现印发|下发给你们|予以印发|现将.{0,80}印发"
)


def title_like(line: Line) -> bool:
    """Could this line be (part of) a title? Short, no sentence punctuation, not a stand-alone field."""
    t = _t(line)
    if not t or len(t) > 120 or "\t" in t or _SENTENCE_PUNCT.search(t) or len(despace(t)) > 90:
        return False
    if "：" in t or ":" in t or t.endswith(("，", ",")) or t.startswith(("附件", "（此件", "(此件")):
        return False
    if P.DOC_NO.search(t) or P.DATE_LINE.match(t) or P.PUBLICITY.match(t) or is_online_note(line):
        return False
    if P.ONLINE_NOTE.search(t) or P.TOC_HEADING.match(t) or P.GAZETTE_NAME.match(t):
        return False
    return not is_structural_start(t)


def _issuer_or_about(text: str) -> bool:
    s = despace(text)
    return s.startswith("关于") or "关于" in s[:40] or lexicon.is_issuer_name(s) or _banner(s) is not None


def _banner(s: str) -> str | None:
    """The issuer named by a 版头 line "平顺县人民政府文件", or None."""
    if s.endswith("文件") and lexicon.is_issuer_name(s[:-2]):
        return s[:-2]
    return None


def ends_with_doc_type(title: str) -> bool:
    t = lexicon.strip_qualifiers(despace(title))
    return any(t.endswith(suffix) for suffix, _ in lexicon.doc_type_suffixes())


# --------------------------------------------------------------------------------------------------
# spans


@dataclass
class PartSpan:
    role: str  # "notice" | "main_text" | "attachment"
    start: int  # index of the first line (title line for main texts)
    end: int  # index one past the last line
    title_end: int  # index one past the title lines (== start if no title)
    title: str | None = None


@dataclass
class DocSpan:
    start: int  # first line index (title)
    end: int  # one past the last line index
    title_end: int  # one past the last title line
    doc_no_index: int | None
    title: str
    title_lines: tuple[int, int] = (0, 0)  # [first, last] line index of the title itself
    banner_issuer: str | None = None
    signature: tuple[int, int] | None = None  # [first, last] line index of signature + date
    date_index: int | None = None
    publicity_index: int | None = None
    recipients_index: int | None = None
    issued_titles: list[str] = field(default_factory=list)
    parts: list[PartSpan] = field(default_factory=list)
    notes: list[tuple[str, str, int | None]] = field(default_factory=list)  # (code, message, line index)


# --------------------------------------------------------------------------------------------------
# finding document headers


def _title_before(lines: list[Line], k: int, floor: int) -> tuple[int, str | None] | None:
    """Title lines above the 文号 line ``k``: returns (start index, banner issuer)."""
    run: list[int] = []
    j = k - 1
    while j >= floor and len(run) < 6 and title_like(lines[j]):
        run.insert(0, j)
        j -= 1
    while (
        run
        and _banner(despace(lines[run[0]].text)) is None
        and _banner(despace(lines[run[-1]].text)) is not None
    ):
        run.pop()
    if not run or all(_banner(despace(lines[i].text)) for i in run):
        return None  # only a 版头 above the 文号: the title follows it
    about = [i for i in run if "关于" in despace(lines[i].text)]
    if about:
        start = about[-1]
        # the title may begin with the issuer on lines of its own (joint issuers: one per line)
        while start - 1 in run and lexicon.is_issuer_name(lines[start - 1].text):
            start -= 1
    else:
        named = [i for i in run if _issuer_or_about(lines[i].text)]
        if named:
            start = named[-1]
        elif ends_with_doc_type(" ".join(lines[i].text for i in run)):
            start = run[0]
        else:
            return None
    banner = None
    if start - 1 >= floor and (b := _banner(despace(lines[start - 1].text))):
        start, banner = start - 1, b
    elif b := _banner(despace(lines[start].text)):
        banner = b
    return start, banner


def _title_after(lines: list[Line], k: int, limit: int) -> int | None:
    """Title lines below the 文号 line (formal layout: 版头, 文号, then title): returns end index."""
    j = k + 1
    while j < limit and j - k <= 4 and title_like(lines[j]):
        j += 1
    if j > k + 1 and ends_with_doc_type(" ".join(lines[i].text for i in range(k + 1, j))):
        return j
    return None


def _join_title(lines: list[Line], start: int, end: int, skip: set[int] = frozenset()) -> str:
    parts = [despace(lines[i].text) for i in range(start, end) if i not in skip]
    parts = [p for p in parts if _banner(p) is None]
    return "".join(parts)


def _is_boundary_before(lines: list[Line], i: int) -> bool:
    """Does a new document plausibly start at line ``i`` (the previous one has ended)?"""
    if i == 0:
        return True
    prev = lines[i - 1]
    t = _t(prev)
    return (
        t[-1:] in "。！？；;.!?）)"
        or is_date_line(prev)
        or is_publicity_line(prev)
        or is_online_note(prev)
        or bool(re.fullmatch(r"\d+(?:\.\d+)*", t))
    )


def _standalone_header(lines: list[Line], i: int) -> tuple[int, str] | None:
    """A header with no 文号 at line ``i``: a complete title ending in a 文种, e.g. "平顺县人民政府封山禁火令"."""
    if not title_like(lines[i]) or not _is_boundary_before(lines, i):
        return None
    for end in range(i + 1, min(i + 4, len(lines)) + 1):
        title = _join_title(lines, i, end)
        if not ends_with_doc_type(title):
            if end < len(lines) and title_like(lines[end]):
                continue
            return None
        issuer, rest = lexicon.split_issuer(title)
        if issuer is None and not title.startswith("关于"):
            return None
        if end < len(lines) and (
            is_doc_no_line(lines[end]) or title_like(lines[end]) and not _recipients_like(lines[end])
        ):
            # followed by a 文号 (handled elsewhere) or by more title text: not a complete title
            if is_doc_no_line(lines[end]):
                return None
            if end < len(lines) and ends_with_doc_type(_join_title(lines, i, end + 1)):
                continue
        return end, title
    return None


def _recipients_like(line: Line) -> bool:
    t = _t(line)
    return t.endswith(("：", ":")) and len(t) <= 100 and not _SENTENCE_PUNCT.search(t)


#: A title and its 文号 on one line, as some gazettes print headers: "XX县人民政府关于…的通知（X政发〔2023〕3号）".
_INLINE_HEADER = re.compile(rf"^(?P<title>.{{6,120}}?)\s*[（(]\s*{P.DOC_NO.pattern}\s*[）)]\s*$")


def _inline_header(lines: list[Line], k: int) -> str | None:
    """The title of a one-line header at ``k`` (not a TOC entry: a 主送 line or body text follows)."""
    m = _INLINE_HEADER.match(_t(lines[k]))
    if not m or k + 1 >= len(lines):
        return None
    title = despace(m.group("title"))
    head = title.split("关于", 1)[0]
    if not ends_with_doc_type(title) or not (title.startswith("关于") or lexicon.is_issuer_name(head)):
        return None
    nxt = _t(lines[k + 1])
    if _INLINE_HEADER.match(nxt) or not (
        _recipients_like(lines[k + 1]) or len(nxt) > 40 or nxt[-1:] in "。：:"
    ):
        return None
    return title


def find_documents(lines: list[Line]) -> list[DocSpan]:
    """Locate every document header and return the documents in order, with their extents."""
    spans: list[DocSpan] = []
    claimed: set[int] = set()
    floor = 0
    for k, line in enumerate(lines):
        if not is_doc_no_line(line):
            if (title := _inline_header(lines, k)) is not None:
                spans.append(
                    DocSpan(
                        start=k,
                        end=len(lines),
                        title_end=k + 1,
                        doc_no_index=k,
                        title=title,
                        title_lines=(k, k),
                    )
                )
                claimed.add(k)
                floor = k + 1
            continue
        found = _title_before(lines, k, floor)
        if found:
            start, banner = found
            title = _join_title(lines, start, k)
            span = DocSpan(
                start=start,
                end=len(lines),
                title_end=k + 1,
                doc_no_index=k,
                title=title,
                title_lines=(start + (1 if banner and start < k - 1 else 0), k - 1),
                banner_issuer=banner,
            )
        else:
            end = _title_after(lines, k, len(lines))
            if end is None:
                continue
            start = k
            banner = None
            if k > 0 and (b := _banner(despace(lines[k - 1].text))):
                start, banner = k - 1, b
            span = DocSpan(
                start=start,
                end=len(lines),
                title_end=end,
                doc_no_index=k,
                title=_join_title(lines, k + 1, end),
                title_lines=(k + 1, end - 1),
                banner_issuer=banner,
            )
        spans.append(span)
        claimed.update(range(span.start, span.title_end))
        floor = span.title_end
    # documents without a 文号
    for i in range(len(lines)):
        if i in claimed:
            continue
        found = _standalone_header(lines, i)
        if not found:
            continue
        end, title = found
        if any(i2 in claimed for i2 in range(i, end)):
            continue
        spans.append(
            DocSpan(
                start=i,
                end=len(lines),
                title_end=end,
                doc_no_index=None,
                title=title,
                title_lines=(i, end - 1),
            )
        )
        claimed.update(range(i, end))
    if not spans and (single := _single_document(lines)) is not None:
        spans.append(single)
    spans.sort(key=lambda s: s.start)
    # a title-only candidate inside an issuing notice is that notice's main text, not a new document
    kept: list[DocSpan] = []
    for span in spans:
        if span.doc_no_index is None and kept and _is_main_text_of(lines, kept[-1], span):
            continue
        kept.append(span)
    for a, b in zip(kept, kept[1:], strict=False):
        a.end = b.start
    if kept:
        kept[-1].end = _trim_back_matter(lines, kept[-1].title_end, len(lines))
    for span in kept:
        _analyse(lines, span)
    return kept


def _single_document(lines: list[Line]) -> DocSpan | None:
    """A lone document with neither 文号 nor a title the other rules accept: the first title-like line
    near the top that names a 文种 or begins with 关于 ("关于做好…工作的通知" copied from a web page)."""
    for i in range(min(40, len(lines))):
        if not title_like(lines[i]):
            continue
        end = i + 1
        while (
            end < len(lines)
            and end - i < 4
            and title_like(lines[end])
            and not ends_with_doc_type(_join_title(lines, i, end))
        ):
            end += 1
        title = _join_title(lines, i, end)
        if ends_with_doc_type(title) or title.startswith("关于"):
            return DocSpan(
                start=i,
                end=len(lines),
                title_end=end,
                doc_no_index=None,
                title=title,
                title_lines=(i, end - 1),
            )
    return None


def _is_main_text_of(lines: list[Line], doc: DocSpan, cand: DocSpan) -> bool:
    if not _is_issuing(lines, doc, cand.start):
        return False
    issued = _issued_titles(lines, doc, cand.start)
    if any(similar(cand.title, t) >= 0.6 for t in issued):
        return True
    # directly after the cover notice's signature block
    j = cand.start - 1
    while j > doc.title_end and (is_publicity_line(lines[j]) or is_online_note(lines[j])):
        j -= 1
    return j > doc.title_end and is_date_line(lines[j])


def _trim_back_matter(lines: list[Line], floor: int, end: int) -> int:
    j = end
    while j - 1 >= floor and _BACK_MATTER.search(despace(lines[j - 1].text)):
        j -= 1
    return j if end - j >= 2 else end


# --------------------------------------------------------------------------------------------------
# inside one document


def similar(a: str, b: str) -> float:
    """Similarity of two titles after normalisation (0..1)."""
    a, b = _title_key(a), _title_key(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if a in b or b in a:
        return min(len(a), len(b)) / max(len(a), len(b)) * 0.3 + 0.7
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _title_key(s: str) -> str:
    s = squeeze(s)
    return re.sub(r"[《》〈〉“”\"'‘’（）()—\-–、，,·\s]", "", s)


def _is_issuing(lines: list[Line], doc: DocSpan, limit: int) -> bool:
    if _ISSUING.search(doc.title):
        return True
    body = "".join(lines[i].text for i in range(doc.title_end, min(limit, doc.title_end + 4)))
    return bool(_ISSUING_BODY.search(body))


_QUOTED = re.compile(r"《([^《》]{2,80}?)》")


def _issued_titles(lines: list[Line], doc: DocSpan, limit: int) -> list[str]:
    """Titles of the texts a cover notice issues: the 《…》 in its issuing sentence, else its own title."""
    stop = min(limit, doc.title_end + 5, doc.signature[0] if doc.signature else limit)
    cover = "".join(lines[i].text for i in range(doc.title_end, stop))
    for sentence in re.split(r"(?<=[。！；])", cover):
        if _ISSUING_BODY.search(sentence) or "同意" in sentence:
            head = re.split(r"已经|已由|经县|经市|印发给|现印发|现予", sentence)[0]
            quoted = [despace(q) for q in _QUOTED.findall(head)] or [
                despace(q) for q in _QUOTED.findall(sentence)
            ]
            if quoted:
                return quoted
    m = re.search(r"关于(?:印发|转发|公布|发布|下发|颁布)(.+?)(?:的通知|的决定|的函)?$", doc.title)
    if m:
        inner = m.group(1)
        quoted = _QUOTED.findall(inner)
        return [despace(q) for q in quoted] if quoted else [inner.strip("《》")]
    return []


def _analyse(lines: list[Line], doc: DocSpan) -> None:
    """Find recipients, signature block, publicity and the parts of one document."""
    body_start = doc.title_end
    if body_start < doc.end and _recipients_candidate(lines[body_start]):
        doc.recipients_index = body_start
        body_start += 1
    # signature block: the first stand-alone date, with the issuer's name(s) above it
    for i in range(body_start, doc.end):
        if is_date_line(lines[i]):
            doc.date_index = i
            first = i
            while first - 1 >= body_start and lexicon.is_issuer_name(lines[first - 1].text) and i - first < 4:
                first -= 1
            last = i
            while last + 1 < doc.end and (
                is_publicity_line(lines[last + 1]) or is_online_note(lines[last + 1])
            ):
                last += 1
                if is_publicity_line(lines[last]):
                    doc.publicity_index = last
            doc.signature = (first, last)
            break
    if doc.publicity_index is None:
        for i in range(body_start, doc.end):
            if is_publicity_line(lines[i]):
                doc.publicity_index = i
                break
    _split_parts(lines, doc, body_start)


def _recipients_candidate(line: Line) -> bool:
    t = _t(line)
    if _recipients_like(line):
        return True
    # a truncated 主送 line: "各乡、镇人民政府，县直各相"
    return (
        len(t) <= 40 and t.startswith("各") and not _SENTENCE_PUNCT.search(t) and not is_structural_start(t)
    )


def _title_lines_from(lines: list[Line], i: int, end: int) -> int:
    """One past the last line of a main-text title starting at ``i`` (titles span up to four lines)."""
    j = i + 1
    while j < end and j - i < 4:
        prev, cur = lines[j - 1], lines[j]
        pt, ct = _t(prev), _t(cur)
        if not title_like(cur):
            break
        qualifier = bool(re.fullmatch(r"[（(][^（()）]{1,20}[）)]", despace(ct)))
        unfinished = pt[-1:] in P.OPEN_PUNCT or pt.count("（") + pt.count("(") > pt.count("）") + pt.count(
            ")"
        )
        kind_tail = (
            len(despace(ct)) <= 12
            and lexicon.kind_of(despace(ct)) is not None
            and lexicon.kind_of(despace(pt)) is None
        )
        if (
            qualifier
            or unfinished
            or kind_tail
            or (prev.bold and cur.bold and lexicon.kind_of(despace(pt)) is None)
        ):
            j += 1
            continue
        break
    return j


def _split_parts(lines: list[Line], doc: DocSpan, body_start: int) -> None:
    notice_end = doc.end
    region_start: int | None = None
    if _is_issuing(lines, doc, doc.end):
        doc.issued_titles = _issued_titles(lines, doc, doc.end)
        if doc.signature and doc.signature[1] + 1 < doc.end:
            region_start = doc.signature[1] + 1
            notice_end = region_start
        else:
            # no signature after the cover notice: the main text follows the issuing paragraph
            for i in range(body_start, min(doc.end, body_start + 4)):
                if _ISSUING_BODY.search(lines[i].text) or "同意" in lines[i].text:
                    region_start = i + 1
                    break
            stop = doc.signature[0] if doc.signature else doc.end
            if region_start is not None and not (region_start < stop and title_like(lines[region_start])):
                region_start = None
            if region_start is not None:
                notice_end = region_start
    elif doc.signature and doc.signature[1] + 1 < doc.end:
        # a non-issuing document whose text continues after its signature: printed attachments
        region_start = doc.signature[1] + 1
        notice_end = region_start
    doc.parts.append(PartSpan("notice", doc.start, notice_end, doc.title_end))
    if region_start is None:
        return
    starts: list[tuple[int, str]] = []  # (line index, role)
    i = region_start
    while i < doc.end and (is_online_note(lines[i]) or is_publicity_line(lines[i])):
        i += 1
    if i < doc.end and title_like(lines[i]) and _is_issuing(lines, doc, doc.end):
        starts.append((i, "main_text"))
    titles = list(doc.issued_titles)
    if starts and titles:
        titles = titles[1:]
    search_from = (starts[0][0] + 1) if starts else i
    for want in titles:
        for j in range(search_from, doc.end):
            if (
                title_like(lines[j])
                and similar(_join_title(lines, j, _title_lines_from(lines, j, doc.end)), want) >= 0.8
            ):
                starts.append((j, "main_text"))
                search_from = j + 1
                break
    for j in range(region_start, doc.end):
        t = despace(lines[j].text)
        if re.fullmatch(r"附件\d{0,2}[:：]?", t) and j + 1 < doc.end:
            starts.append((j, "attachment"))
    starts.sort()
    if not starts:
        doc.parts[0].end = doc.end
        return
    if starts[0][0] > region_start:
        doc.parts[0].end = starts[0][0]
    for n, (s, role) in enumerate(starts):
        e = starts[n + 1][0] if n + 1 < len(starts) else doc.end
        if role == "attachment":
            te = min(s + 1 + (1 if s + 1 < e and title_like(lines[s + 1]) else 0), e)
            title = despace(lines[s + 1].text) if te > s + 1 else None
        else:
            te = _title_lines_from(lines, s, e)
            title = _join_title(lines, s, te)
        doc.parts.append(PartSpan(role, s, e, te, title))
