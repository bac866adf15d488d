"""Repeats: text printed twice — a phrase doubled in place ("同等条件下，同等条件下，"), a sentence or a
line repeated within a few lines, a paragraph duplicated (across a page break or by copying).

Legitimate repetition is left alone: table cells (rows often share a value), list items that share a
prefix or a refrain ("各成员单位立即进入响应状态…" under each response level), titles built on a unit name
("大队大队长", "各乡(镇)乡(镇)长"), single-character reduplication ("层层", "人人"), lists of amounts
("200万元、200万元") and runs that only look doubled across word boundaries ("应用信用信息").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from gongbao.parse.models import Document, Part
from gongbao.proof.core import Finding, Issue, Span, checker

CHECK = "repeats.page_break"

_CJK = re.compile(r"[\u3400-\u9fff]")
_PUNCT = "，,。；;：:、！？!?"
#: punctuation that may bound a list item: a citation 《…》, a quotation “…”, a bracket
_BOUND = _PUNCT + "《》“”（）()〔〕"
#: a run printed twice in a row (the shortest at each position)
_DOUBLED = re.compile(r"(?=(.{2,80}?)\1)", re.S)
#: what may follow a doubled unit name in a title: 大队大队长, 乡镇乡镇长, 支部支部书记
_TITLE = re.compile(r"^(?:长|主任|书记|委员)")
#: the head of an office named right after it: "县财政局、县财政局局长", "各乡镇、各乡镇主要负责人"
_HEAD_OF = re.compile(r"(?:主要|分管|副)?(?:[局组部科县乡镇队站院所处室]?长|主任|书记|负责人|委员|成员|领导)")
_SENTENCE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")
_ITEM_START = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[条章节]|[（(][一二三四五六七八九十\d]{1,3}[）)]|"
    r"[一二三四五六七八九十]{1,3}[、是]|\d{1,3}(?:\.\d{1,2})*[.、．]?(?!\d)|[①-⑳])"
)


def _tokens(text: str) -> set[int]:
    """Offsets where a word begins (rjieba, with gongbao's dictionary), plus the end of the text."""
    from gongbao.store.segmenter import segmenter

    bounds, pos = {len(text)}, 0
    for tok in segmenter().cut(text):
        bounds.add(pos)
        pos += len(tok)
    return bounds


def _predicate(rest: str) -> bool:
    """Does ``rest`` go on with the sentence ("要高度重视", "负责…", "按照…") rather than make a longer
    name ("载体", "局长")?"""
    from gongbao.store.segmenter import segmenter

    if _HEAD_OF.match(rest):
        return False
    tags = segmenter().tag(rest)
    return bool(tags) and tags[0][1] in ("v", "vd", "vi", "d", "p", "c", "u", "l", "ad")


def _cjk(s: str) -> int:
    return len(_CJK.findall(s))


def _cell(p: str) -> bool:
    """A table cell fragment: a very short paragraph without punctuation or item number ("业局",
    "民政府", "2020-2025", "约束性")."""
    p = p.strip()
    if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日|[（(].*[）)]", p):
        return False  # the date under a signature, "（此件公开发布）"
    return len(p) <= 12 and not re.search(r"[。；;，,：:]", p) and not _ITEM_START.match(p)


def _table_like(paragraphs: list[str], i: int, radius: int = 8) -> bool:
    """Is paragraph ``i`` inside a table? Tab-separated rows, or cell fragments on both sides of it."""
    before, after = paragraphs[max(0, i - radius) : i], paragraphs[i + 1 : i + radius + 1]
    if "\t" in paragraphs[i] or any("\t" in p for p in before[-2:] + after[:2]):
        return True
    a, b = sum(map(_cell, before)), sum(map(_cell, after))
    return a >= 1 and b >= 1 and a + b >= 3


def _norm(s: str) -> str:
    return re.sub(rf"[\s{_PUNCT}]", "", s)


class _Scan:
    def __init__(self, issue: Issue, doc: Document, part: Part) -> None:
        self.issue, self.doc, self.part = issue, doc, part
        self.paras = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", part.text)]
        self.texts = [t for _, t in self.paras]
        self.reported: list[tuple[int, int]] = []

    def span(self, a: int, b: int) -> Span:
        return Span(self.doc, self.part, a, b)

    def overlaps(self, a: int, b: int) -> bool:
        return any(a < y and x < b for x, y in self.reported)

    @staticmethod
    def _align(text: str, pos: int, n: int, bounds: set[int], lines: set[int]) -> tuple[int, bool] | None:
        """The start of the doubled unit read as whole raw lines, whole list items or whole words, and
        whether it is whole raw lines (a line printed again after a page break); None if none fits.

        Whole raw lines: "…质量、储" then "…质量、储" again on the next page.

        A unit holding punctuation must be whole items: some rotation ends on punctuation and follows
        punctuation ("，同等条件下，同等条件下，", "、社会参与、社会参与、"); "特别重大、重大、" and
        "科技企业孵化器、科技企业孵化器载体" are lists of different items. A unit without punctuation must
        start and end on word boundaries ("专项专项资金", not "应用信用信息").
        """
        rotations = []
        for shift in range(n):
            p = pos + shift
            if text[p : p + n] != text[p + n : p + 2 * n]:
                break
            rotations.append(p)
        for p in rotations:
            if p in lines and p + n in lines and _cjk(text[p : p + n]) >= 4:
                return p, True
        if any(ch in _BOUND for ch in text[pos : pos + n]):
            for p in rotations:
                if text[p + n - 1] in _BOUND and (p == 0 or text[p - 1] in _BOUND):
                    return p, False
            return None
        for p in rotations:
            if p in bounds and p + n in bounds:
                return p, False
        return None

    def doubled(self) -> Iterator[Finding]:
        """A phrase printed twice in a row inside one paragraph."""
        for i, (start, text) in enumerate(self.paras):
            candidates = []
            for m in _DOUBLED.finditer(text):
                unit = m.group(1)
                if _cjk(unit) < 2 or "\t" in unit:
                    continue
                candidates.append((m.start(), unit))
            if not candidates:
                continue
            bounds = _tokens(text)
            lines = {o - start for o, _ in self.part.sources if start <= o <= start + len(text)}
            lines.add(len(text))
            last_end = -1
            for pos, unit in candidates:
                n = len(unit)
                if pos < last_end:
                    continue  # a rotation of a doubling already seen ("，同等条件下" of "同等条件下，")
                aligned = self._align(text, pos, n, bounds, lines)
                if aligned is None:
                    continue
                pos, whole_lines = aligned
                unit = text[pos : pos + n]
                after = text[pos + 2 * n :]
                core = unit.strip(_PUNCT + " ")
                if _TITLE.match(after) or re.search(r"\d", core) and unit[-1] in _PUNCT and len(core) < 8:
                    continue  # "大队大队长"; amounts in a list: "200万元、200万元"
                if len(core) == 2 and core[0] == "一":
                    continue  # "一个一个", "一步一步"
                if _table_like(self.texts, i):
                    continue
                last_end = pos + 2 * n
                a, b = start + pos, start + pos + 2 * n
                self.reported.append((a, b))
                left = text[max(0, pos - 8) : pos]
                right = text[pos + 2 * n : pos + 2 * n + 8]
                severity = "错误" if _cjk(core) >= 4 else "警告"
                if whole_lines:
                    first, second = self.part.raw_line_at(a), self.part.raw_line_at(a + n)
                    message = f"第{first}行与第{second}行文字相同（“{core}”），疑为换页或提取时重复"
                else:
                    message = f"“{core}”连续出现两次：“{left}{unit}{unit}{right}”，疑为重复录入"
                yield self.issue.finding(
                    CHECK, "文字重复", severity, message,
                    self.span(a, b), numbers={"重复内容": unit, "次数": 2},
                    suggestion=f"删去重复部分，改为“{left}{unit}{right}”",
                )  # fmt: skip

    def items(self) -> Iterator[Finding]:
        """An item of a 、-list named twice in a row: "各乡（镇）、各乡（镇）要…" (the first item of a clause
        counts only when nothing precedes it: it usually carries a verb, "明确责任主体、责任主体")."""
        for i, (start, text) in enumerate(self.paras):
            if "、" not in text or _table_like(self.texts, i):
                continue
            for clause in re.finditer(r"[^，,。；;：:\n]+", text):
                segs = [(x.start(), x.group(0)) for x in re.finditer(r"[^、]+", clause.group(0))]
                for k in range(1, len(segs)):
                    (p0, prev), (p1, item) = segs[k - 1], segs[k]
                    if _cjk(prev) < (1 if k >= 2 and item == prev else 2) or re.search(r"\d", prev):
                        continue  # a one-character item only between whole items: "县、乡、乡、村"
                    if item != prev:
                        # the last item runs on into the sentence: "各乡（镇）、各乡（镇）要高度重视"
                        if k < len(segs) - 1 or not item.startswith(prev):
                            continue
                        if len(prev) not in _tokens(item) or not _predicate(item[len(prev) :]):
                            continue  # "科技企业孵化器、科技企业孵化器载体", "县财政局、县财政局局长"
                    item = prev
                    a = start + clause.start() + p0
                    b = start + clause.start() + p1 + len(item)
                    if self.overlaps(a, b):
                        continue
                    self.reported.append((a, b))
                    yield self.issue.finding(
                        CHECK, "文字重复", "错误" if _cjk(item) >= 4 else "警告",
                        f"并列项“{item}”连续出现两次：“{prev}、{item}”，疑为重复录入",
                        self.span(a, b), numbers={"重复内容": item, "次数": 2},
                        suggestion=f"删去重复的“{item}”，或核对是否漏写了其他项目",
                    )  # fmt: skip

    def sentences(self) -> Iterator[Finding]:
        """The same sentence or paragraph again within the next two sentences; a paragraph cut off at
        a page break and printed again in full on the next page."""
        units: list[tuple[int, int, int, str]] = []  # (paragraph, start, end, text)
        for i, (start, text) in enumerate(self.paras):
            for m in _SENTENCE.finditer(text):
                s = m.group(0).strip()
                if s:
                    a = start + m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
                    units.append((i, a, a + len(s), s))
        for k, (i, a, b, s) in enumerate(units):
            key = _norm(s)
            if _cjk(key) < 8 or self.overlaps(a, b):
                continue
            for i2, a2, b2, s2 in units[k + 1 : k + 3]:
                if i2 > i + 1 or self.overlaps(a2, b2):
                    break
                same = _norm(s2) == key
                # "…贷款或者贷款" (end of page) then "第九条 …贷款或者贷款利息、…" (the next page again)
                cut = (
                    i2 == i + 1 and not same and k + 1 < len(units) and units[k + 1][1] == a2
                    and not re.search(r"[。；;！？!?]$", s) and _norm(s2).startswith(key)
                    # a heading may be taken up by the paragraph below it: only a longer fragment counts
                    and _cjk(key) >= (20 if s == self.texts[i].strip() else 12)
                    and self.texts[i].strip() != (self.part.title or "").strip()
                )  # fmt: skip
                if not (same or cut):
                    continue
                if _table_like(self.texts, i) or _table_like(self.texts, i2):
                    break
                if same and i2 != i:
                    if not (self.texts[i].rstrip().endswith(s) and self.texts[i2].lstrip().startswith(s2)):
                        continue  # the tails of two paragraphs: a refrain ("（责任单位：…）")
                    if _ITEM_START.match(s2) and s != self.texts[i].strip():
                        continue  # list items with the same text
                end = a2 + len(s) if cut else b2
                self.reported.append((a, end))
                first, second = self.part.raw_line_at(a), self.part.raw_line_at(a2)
                what = "段落" if s == self.texts[i].strip() else "句子"
                shown = s[:40] + ("…" if len(s) > 40 else "")
                message = (
                    f"第{first}行起的“{shown}”在第{second}行再次出现，疑为换页或复制时重复"
                    if cut else f"同一{what}在第{first}行和第{second}行重复出现：“{shown}”，疑为换页或复制时重复"
                )  # fmt: skip
                yield self.issue.finding(
                    CHECK, "文字重复", "警告", message, self.span(a, end),
                    numbers={"重复内容": s, "行": [first, second]},
                    suggestion=f"删去第{first}行处不完整的段落" if cut else f"删去第{second}行处重复的{what}",
                )  # fmt: skip
                break


@checker(CHECK)
def page_break(issue: Issue) -> Iterator[Finding]:
    """Text printed twice: a doubled phrase, or a sentence/paragraph repeated within a few lines."""
    for doc in issue.documents:
        for part in doc.parts:
            scan = _Scan(issue, doc, part)
            yield from scan.doubled()
            yield from scan.items()
            yield from scan.sentences()
