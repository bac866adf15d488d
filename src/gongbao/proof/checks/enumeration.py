"""Enumeration: a stated count of things against the things listed.

"县住建局组织好四支应急队伍：" followed by three numbered items; "下设综合协调组、…等7个工作组" naming eight;
"成立9个工作专班，分别由A、B、…负责" naming eight units; "“两场两区”（A场、B场、C区）". A count is compared
only when the list is clearly meant to be complete and sits right next to it:

* after the count: "：", "即", "（即", "分别是/为", "，包括" and an inline list (items separated by 、, the
  last joined by 和/及/与; or numbered 一是…二是…, (1)…(2)…, ①②…), or the numbered items that start on
  the next line (the article tree, or paragraphs 一是…二是…);
* before the count: "A、B、C等N个…" (with 等 only a list longer than the count is certain; one item short
  is a hint, since 等 may also mean "among others"), "A、B和C三个方面", "A、B，C，以及D，共七类企业";
* "N个…，分别由A、B、…负责": one name per counted thing;
* a count closing its paragraph ("工作专班下设5个工作组。", "（四）保留审批事项8项") with the numbered
  items below all named by the counted noun ("（一）综合组" …), or a next paragraph "包括A、B…";
* quoted slogans with their own list: “五项制度”（即…）, “六定”（定目标、…）, “两场两区”（…场、…区）.

Left alone: lists opened by 包括/如/主要有 and closed by 等 without a count after them, approximate counts
(以上/以下/左右/余/多), ordinals (第N, 一级/二级 as names of levels), people and measures (人, 名, 万元 …),
counts inside quoted slogans other than their own list (“四个意识”), lists whose items carry their own
quantities ("公司2个、合作社34个"), 、-lists that qualify a noun ("规模较大、经营规范的合作社有14个"). An
item joined by 和/及 may be one item or two ("灌溉和排水"), and very short items may qualify the next
("新建、扩建、改建建设工程…审批"), so the listed count is a range and only a count outside it is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from gongbao.parse.models import Document, OutlineNode, Part
from gongbao.proof.core import Finding, Issue, Span, checker
from gongbao.text.numerals import to_int

CHECK = "enumeration.count"
KIND = "数量与所列项目不符"

_CN = "一二三四五六七八九十两"
_NUM = rf"(?:[{_CN}]{{1,3}}|\d{{1,3}})"
#: classifiers that count kinds of things (not people, money or measures)
_CL = r"(?:个|支|项|类|大|条|种|家|方面|部分|座|处|所|批|套|级|道|张|件|步|环节|阶段|档)"
#: the counted noun: a short phrase up to the next punctuation (no numerals: "二级和一级三个等级")
_NOUN = rf"[^，,。；;：:、\n（()）“”《》\d{_CN}]{{0,14}}?"
_COUNT = re.compile(
    rf"(?<![第\d.．+＋\-—~～至到余多每近约超逾{_CN}百千万零〇])(?P<num>{_NUM})(?P<cl>{_CL})(?P<noun>{_NOUN})"
    rf"(?=[，,。；;：:、\n（()）”]|$)"
)
#: a quoted slogan stating its count: “五项制度”, “六定”, “四清单”, “两场两区”
_SLOGAN = re.compile(rf"“(?P<body>(?:{_NUM}{_CL}?[^”，。、\d{_CN}]{{1,6}})+)”")
_SLOGAN_PART = re.compile(rf"(?P<num>{_NUM})(?P<cl>{_CL})?(?P<noun>[^\d{_CN}]+)")
_APPROX = re.compile(r"^(?:以上|以下|以内|左右|余|多|上下|之内|之间|以|及以)")
_CONJ = re.compile(r"以及|和|及|与")
_ORDINALS = [
    re.compile(r"(?:^|[；;。，,：:\s])\s*([一二三四五六七八九十]{1,3})是"),
    re.compile(r"[（(]([一二三四五六七八九十]{1,3}|\d{1,2})[）)]"),
    re.compile(r"([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])"),
    re.compile(r"(?:^|[；;。\s])\s*(\d{1,2})[.、．](?!\d)"),
]
_ORDINAL_START = re.compile(r"\s*(?:[一二三四五六七八九十]{1,3}是|[（(](?:一|1)[）)]|①|1[.、．](?!\d))")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_BRACKETS = re.compile(r"（[^（）]*）|\([^()]*\)|〔[^〔〕]*〕|《[^《》]*》")
_PARTIAL = re.compile(r"包括但不限于|不限于|主要有|主要包括|比如|例如|诸如|如下|其中")
_QUANTITY = re.compile(rf"\d|[{_CN}](?:{_CL}|人|名)")
_INTRO = re.compile(
    r"\s*(?:：|:|，即|,即|即|（即|\(即|，分别是|，分别为|,分别是|,分别为|[，,]\s*(?:主要)?包括(?!但))"
)
_RESPECTIVE = re.compile(r"\s*[，,]?\s*分别(?:由|是|为|在|给予|对应|设在|负责)?")
#: a paragraph listing what the line above counts: "（四）保留审批事项8项" / "包括A、B…"
_LIST_PARAGRAPH = re.compile(r"^(?:主要)?(?:包括|即|分别是|分别为)(?!但)[：:]?")
#: a trailing predicate on the last item of a 分别 list: "…、县市场局具体负责"
_PREDICATE = re.compile(r"(?:具体|共同|分别)?(?:负责|牵头|承担|实施|组织实施|担任|兼任)[^、]*$")


@dataclass
class Listed:
    low: int  # the fewest items the list can be read as
    high: int  # the most (an item joined by 和/及 may be two)
    items: list[str]

    @property
    def shown(self) -> int | str:
        return self.low if self.low == self.high else f"{self.low}-{self.high}"

    def fits(self, n: int) -> bool:
        return self.low <= n <= self.high


def _value(num: str) -> int | None:
    v = to_int(num)
    return v if v is not None and 1 < v <= 60 else None


def _chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _strip_brackets(s: str) -> str:
    prev = None
    while prev != s:
        prev, s = s, _BRACKETS.sub("", s)
    return s


def _split_items(flat: str, seps: str = "、") -> Listed | None:
    """Items separated by 、 (or the given separators); any may hold two joined by 和/及/与.

    Very short items before a long one may qualify it ("新建、扩建、改建建设工程…审批" is one item):
    when the items are mostly long, such runs count as one item at the fewest.
    """
    items = [re.sub(r"^(?:以及|和|及)", "", x.strip(' “”"')) for x in re.split(f"[{seps}]", flat)]
    if any(not x for x in items):
        return None
    high = low = len(items)
    if sorted(len(x) for x in items)[len(items) // 2] >= 5:
        low = sum(1 for k, x in enumerate(items) if len(x) > 2 or k == len(items) - 1)
    high += sum(_conjunctions(x) for x in items)
    return Listed(low, high, items)


def _joined(item: str) -> list[str]:
    """The parts of ``item`` joined by 和/及/与/以及 as words (not the 与 of 参与, the 及 of 涉及)."""
    if not _CONJ.search(item):
        return [item]
    from gongbao.store.segmenter import segmenter

    parts, cur = [], ""
    for tok in segmenter().cut(item):
        if tok in ("和", "及", "与", "以及"):
            parts.append(cur)
            cur = ""
        else:
            cur += tok
    return [x for x in [*parts, cur] if x]


def _conjunctions(item: str) -> int:
    return len(_joined(item)) - 1


def _another_list(items: list[str], stated: int) -> bool:
    """More items than stated, explained by a list of verbs before the list that is counted: in
    "指导、督促县、乡、村三级…" the three items are 县、乡、村 and "督促县" joins the two lists, so it is
    longer than the items after it."""
    k = len(items) - stated
    if k <= 0 or k >= len(items) - 1:
        return False
    return len(items[k]) >= max(len(x) for x in items[k + 1 :]) + 2


def _ordinal_count(text: str) -> int | None:
    """Items numbered inline (一是…二是…, (1)…(2)…, ①②…, 1.…2.…): their count if they run 1..k."""
    for rx in _ORDINALS:
        marks = [m.group(1) for m in rx.finditer(text)]
        if len(marks) < 2:
            continue
        nums = [_CIRCLED.index(x) + 1 if x in _CIRCLED else to_int(x) for x in marks]
        if nums == list(range(1, len(nums) + 1)):
            return len(nums)
    return None


def _sentence(text: str) -> str:
    m = re.search(r"[。；;\n]", text)
    return text[: m.start()] if m else text


def _plain_list(run: str) -> Listed | None:
    """A plain 、-list of two or more items (no clause punctuation inside, not closed by 等)."""
    flat = _strip_brackets(run).strip()
    if not flat or re.search(r"[，,：:]", flat) or re.search(r"等[^、]{0,8}$", flat) or "、" not in flat:
        return None
    listed = _split_items(flat)
    return listed if listed and len(listed.items) >= 2 else None


def _in_quotes(text: str, pos: int) -> bool:
    return text.rfind("“", 0, pos) > text.rfind("”", 0, pos)


# --------------------------------------------------------------------------------------------------
# numbered items on the lines below


def _flat_nodes(part: Part) -> list[tuple[OutlineNode, list[OutlineNode]]]:
    out: list[tuple[OutlineNode, list[OutlineNode]]] = []

    def walk(nodes: list[OutlineNode]) -> None:
        for n in nodes:
            out.append((n, nodes))
            walk(n.children)

    walk(part.outline)
    return out


def _items_below(part: Part, para_end: int, nodes) -> list[str] | None:
    """Labels of the numbered items (1, 2, 3 …) that begin on the paragraph right after ``para_end``:
    nodes of the article tree, or else paragraphs opening 一是…, 二是…."""
    paras = re.compile(r"[^\n]+")
    m = paras.search(part.text, para_end)
    if not m:
        return None
    line = part.raw_line_at(m.start())
    for node, siblings in nodes:
        if node.line_start == line and node.number == 1 and node.kind not in ("编", "章", "节", "条"):
            i = next(k for k, n in enumerate(siblings) if n is node)
            run = [node]
            for n in siblings[i + 1 :]:
                if (
                    n.kind != node.kind
                    or n.number is None
                    or not run[-1].number <= n.number <= run[-1].number + 2
                ):
                    break
                run.append(n)
            if [n.number for n in run] != list(range(1, len(run) + 1)):
                return (
                    None  # a skipped or repeated number: numbering.outline reports it, the count is unclear
                )
            return [(n.heading or n.text.split("\n")[0]).strip()[:20] for n in run]
    labels: list[str] = []
    while m and m.group(0).startswith(f"{_chinese(len(labels) + 1)}是"):
        labels.append(re.split(r"[，,。；;：:]", m.group(0))[0][:20])
        m = paras.search(part.text, m.end())
    return labels or None


# --------------------------------------------------------------------------------------------------
# the checker


class _Para:
    """One paragraph of a part, with the way to report on it."""

    def __init__(self, issue: Issue, doc: Document, part: Part, start: int, end: int, nodes) -> None:
        self.issue, self.doc, self.part, self.nodes = issue, doc, part, nodes
        self.start, self.end, self.text = start, end, part.text[start:end]

    def finding(self, a: int, b: int, severity: str, m: re.Match, stated: int, listed: Listed | int,
                where: str, items: list[str], note: str = "", suggestion: str | None = None,
                phrase: str | None = None) -> Finding:  # fmt: skip
        shown = listed if isinstance(listed, int) else listed.shown
        if len(items) > 1 and len(items[0]) > max(map(len, items[1:])) + 2:
            items = ["…" + items[0][-max(map(len, items[1:])) :], *items[1:]]  # the first holds its context
        names = "、".join(items[:12]) + ("…" if len(items) > 12 else "")
        phrase = phrase or m.group(0)
        message = f"称“{phrase}”，{where}列出{shown}项" + (f"（{names}）" if names else "") + note
        if suggestion is None:
            if isinstance(shown, int):
                num = m["num"]
                right = str(shown) if num.isdigit() else "两" if shown == 2 else _chinese(shown)
                suggestion = f"应为“{right}{m['cl']}”，或补全所列项目"
            else:
                suggestion = "核对数量与所列项目"
        return self.issue.finding(
            CHECK, KIND, severity, message, Span(self.doc, self.part, self.start + a, self.start + b),
            numbers={"所称数量": stated, "所列项数": shown}, suggestion=suggestion,
        )  # fmt: skip

    def counts(self) -> Iterator[Finding]:
        text = self.text
        for m in _COUNT.finditer(text):
            stated = _value(m["num"])
            if stated is None or _in_quotes(text, m.start()):
                continue
            noun, after = m["noun"], text[m.end() :]
            if _APPROX.match(noun + after) or m["cl"] == "大" and not noun:
                continue
            found = (
                self._after(m, stated, noun, after)
                or self._before(m, stated)
                or self._respective(m, stated, after)
                or self._closing(m, stated, noun)
            )
            if isinstance(found, Finding):
                yield found

    # each shape returns a Finding, True (the count agrees) or None (not this shape)

    def _after(self, m: re.Match, stated: int, noun: str, after: str) -> Finding | bool | None:
        """The list follows: "…四支应急队伍：" + items below, "分为三级，即A、B和C", "（即A、B…）"."""
        aside = re.match(r"\s*(?:（[^（）]*）|\([^()]*\))", after)  # "6个职能机构（…可合并、增减）："
        intro = _INTRO.match(after, aside.end() if aside else 0)
        if not intro or "的" in noun or len(noun) > 8:
            return None
        rest = after[intro.end() :]
        bracketed = intro.group(0).strip().startswith(("（", "("))
        if bracketed:
            close = re.search(r"[）)]", rest)
            if not close:
                return None
            run = rest[: close.start()]
        else:
            run = _sentence(rest)
        if not rest.strip():
            if not re.search(r"[：:]$", intro.group(0)):
                return None
            items = _items_below(self.part, self.end, self.nodes)
            if not items or len(items) < 2:
                return None
            if len(items) == stated:
                return True
            return self.finding(m.start(), len(self.text), "错误", m, stated, len(items), "其后", items)
        if _ORDINAL_START.match(rest):
            numbered = run if bracketed else rest
            count = _ordinal_count(numbered)
            if count is None:
                return None
            if count == stated:
                return True
            return self.finding(m.start(), m.end() + intro.end() + len(numbered), "错误", m, stated, count,
                                "其后逐条", [])  # fmt: skip
        listed = _plain_list(run)
        if listed is None or _QUANTITY.search(_strip_brackets(run)):
            return None
        if listed.fits(stated):
            return True
        severity = "警告" if "包括" in intro.group(0) else "错误"
        end = m.end() + intro.end() + len(run)
        return self.finding(m.start(), end, severity, m, stated, listed, "其后", listed.items)

    def _before(self, m: re.Match, stated: int) -> Finding | bool | None:
        """The list precedes: "A、B、C等9个工作组", "A、B和C三个方面", "A、B，C，以及D，共七类"."""
        text = self.text
        clause = re.search(r"[^，,。；;：:\n]*$", text[: m.start()]).group(0)
        total = re.search(r"[，,]\s*(?:共计|共|合计)$", text[: m.start()])
        if total and re.match(r"\s*(?:[。；;]|$)", text[m.end() :]):
            # "A、B，C，以及D，共七类企业。": the whole sentence before is the list
            clause = re.search(r"[^。；;：:\n]*$", text[: m.start()]).group(0)
            body = _strip_brackets(clause[: total.start() - (m.start() - len(clause))])
            seps = "、，,"
        else:
            body = _strip_brackets(clause)
            seps = "、"
        etc = body.endswith("等")
        body = body[:-1] if etc else body
        if _PARTIAL.search(body) or _QUANTITY.search(body) or re.search(r"等[^、，,]*$", body):
            return None
        if not re.search(f"[{seps}]", body) or text[m.start() - 1 : m.start()] in ("有", "达"):
            return None  # "合作社有14个": a quantity, not a count of the list
        listed = _split_items(body, seps)
        if listed is None or len(listed.items) < 2:
            return None
        if "的" in listed.items[-1] or any(x.startswith("的") for x in listed.items):
            return None  # "规模较大、经营规范、服务优质的合作社": the list qualifies a noun
        if any(len(x) > 20 for x in listed.items[1:]):
            return None  # long items: clauses, not names
        a, b = m.start() - len(clause), m.end()
        if listed.low > stated and _another_list(listed.items, stated):
            return True
        if listed.high < stated and seps == "、" and self._commas_before(a, listed, stated):
            return True
        if etc:
            if listed.low > stated:
                return self.finding(a, b, "错误", m, stated, listed, "前面", listed.items)
            if listed.high == stated - 1 and len(listed.items) >= 3:
                return self.finding(a, b, "提示", m, stated, listed, "前面", listed.items,
                                    "，“等”后的数目通常与所列一致，请核对是否漏列")  # fmt: skip
            return True
        if listed.fits(stated):
            return True
        return self.finding(a, b, "警告", m, stated, listed, "前面", listed.items)

    def _commas_before(self, a: int, listed: Listed, stated: int) -> bool:
        """Items also separated by commas: "推进产业发展，乡村建设、生态保护三大任务"."""
        before = re.split(r"[。；;：:\n]", self.text[:a])[-1]
        if not re.search(r"[，,]$", before):
            return False
        extra = [x for x in re.split(r"[，,]", before[:-1]) if x]
        for k in range(1, len(extra) + 1):
            if len(extra[-k]) > 12:
                break
            if listed.low + k <= stated <= listed.high + k:
                return True
        return False

    def _respective(self, m: re.Match, stated: int, after: str) -> Finding | bool | None:
        """One name per counted thing: "成立9个工作专班，分别由A、B、…、H具体负责"."""
        resp = _RESPECTIVE.match(after)
        if not resp or "分别" not in resp.group(0):
            return None
        run = _sentence(after[resp.end() :])
        flat = re.split(r"[，,：:]", _strip_brackets(run))[0]
        if "、" not in flat:
            return None
        listed = _split_items(flat)
        if listed is None or len(listed.items) < 2:
            return None
        if listed.fits(stated):
            return True
        listed.items[-1] = _PREDICATE.sub("", listed.items[-1]) or listed.items[-1]
        return self.finding(m.start(), m.end() + resp.end() + len(run), "警告", m, stated, listed,
                            "其后“分别”", listed.items)  # fmt: skip

    def _closing(self, m: re.Match, stated: int, noun: str) -> Finding | bool | None:
        """A count closing its paragraph: "工作专班下设5个工作组。" with items below all named "…组";
        "（四）保留审批事项8项" with the next paragraph "包括A、B…"."""
        if len(self.text) - m.end() > 1 or "的" in noun:
            return None
        nxt = re.compile(r"[^\n]+").search(self.part.text, self.end)
        lead = _LIST_PARAGRAPH.match(nxt.group(0)) if nxt else None
        if lead:
            run = _sentence(nxt.group(0)[lead.end() :])
            listed = _plain_list(run)
            if listed is None or _QUANTITY.search(_strip_brackets(run)):
                return None
            if listed.fits(stated):
                return True
            return self.finding(m.start(), nxt.end() - self.start, "警告", m, stated, listed, "其后",
                                listed.items)  # fmt: skip
        items = _items_below(self.part, self.end, self.nodes)
        if not noun or not items or len(items) < 2:
            return None
        head = noun[-1]
        if not all(re.match(rf"[^，,。；;：:]*{head}(?:[，,。；;：:\s]|$)", x) for x in items):
            return None
        if len(items) == stated:
            return True
        return self.finding(m.start(), m.end(), "警告", m, stated, len(items), "其后", items)

    def slogans(self) -> Iterator[Finding]:
        """“五项制度”（即A、B…）, “六定”（定目标、…）, “两场两区”（A场、B场、C区）."""
        text = self.text
        for m in _SLOGAN.finditer(text):
            parts = list(_SLOGAN_PART.finditer(m["body"]))
            values = [to_int(p["num"]) for p in parts]
            if not parts or any(v is None for v in values) or all(v == 1 for v in values):
                continue
            stated = sum(values)
            if not 1 < stated <= 60:
                continue
            after = text[m.end() :]
            intro = re.match(r"\s*(?:（即|\(即|（|\(|，即|,即|：|:)", after)
            if not intro:
                continue
            rest = after[intro.end() :]
            if intro.group(0).strip().startswith(("（", "(")):
                close = re.search(r"[）)]", rest)
                if not close:
                    continue
                run = rest[: close.start()]
            else:
                run = _sentence(rest)
            end = m.end() + intro.end() + len(run)
            first = parts[0]
            if _ORDINAL_START.match(run):
                count = _ordinal_count(run)
                if count is not None and count != stated:
                    yield self.finding(m.start(), end, "错误", first, stated, count, "其后逐条", [],
                                       phrase=m["body"])  # fmt: skip
                continue
            listed = _plain_list(run)
            if listed is None:
                continue
            if not any(p["cl"] for p in parts):
                # “六定”, “四清单”, “两场两区”: the items must name the slogan's words, or it is no list of them
                nouns = [p["noun"] for p in parts]
                if not all(any(x.startswith(n) or x.endswith(n) for n in nouns) for x in listed.items):
                    continue
                if len(parts) > 1:
                    pieces = [y for x in listed.items for y in _joined(x)]
                    got = {
                        p["noun"]: sum(1 for y in pieces if y.startswith(p["noun"]) or y.endswith(p["noun"]))
                        for p in parts
                    }
                    want = {p["noun"]: v for p, v in zip(parts, values, strict=True)}
                    if got != want and sum(got.values()) == len(pieces):
                        wrong = [k for k in want if got[k] != want[k]]
                        detail = "，".join(f"以“{k}”结尾的{got[k]}项（应为{want[k]}项）" for k in wrong)
                        yield self.finding(
                            m.start(), end, "警告", first, stated, listed, "其后", listed.items, f"：{detail}",
                            suggestion="补全" + "、".join(f"“{k}”" for k in wrong) + "类项目，或更正提法",
                            phrase=m["body"],
                        )  # fmt: skip
                    continue
            if not listed.fits(stated):
                yield self.finding(m.start(), end, "错误", first, stated, listed, "其后", listed.items,
                                   phrase=m["body"])  # fmt: skip


@checker(CHECK)
def count(issue: Issue) -> Iterator[Finding]:
    """A stated count ("四支应急队伍", "等7个工作组", "“五项制度”") that differs from the items listed."""
    for doc in issue.documents:
        for part in doc.parts:
            nodes = _flat_nodes(part)
            for m in re.finditer(r"[^\n]+", part.text):
                para = _Para(issue, doc, part, m.start(), m.end(), nodes)
                yield from para.counts()
                yield from para.slogans()
