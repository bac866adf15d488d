"""Enumeration: a stated count of things against the things listed.

"县住建局组织好四支应急队伍：" followed by three numbered items; "下设综合协调组、…等7个工作组" naming eight;
"成立9个工作专班，分别由A、B、…负责" naming eight units. A count is compared only when the list is
clearly meant to be complete and sits right next to it:

* the list follows the count after "：", "即", "（即", "分别是/为" (an inline list separated by 、 and a last
  和/及/与), or as the numbered items that start on the next line (the article tree);
* the list precedes the count: "A、B和C三个方面", "A、B、C等N个…" (with 等 only a longer list than the
  count is certain; one fewer is a hint — 等 may mean "among others");
* "N个…，分别由A、B、…负责": one name per counted thing.

Lists opened with 包括/如/主要有 without a count, lists ending with 等 before the count's noun, counts with
以上/以下/左右/余/多 (approximate), ordinals (第N) and people (N人/N名) are left alone. An item joined by
和/及 may be one item or two ("灌溉和排水"), so the listed count is a range and only a count outside the
range is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from gongbao.parse.models import OutlineNode, Part
from gongbao.proof.core import Finding, Issue, Span, checker
from gongbao.text.numerals import to_int

CHECK = "enumeration.count"
KIND = "数量与所列项目不符"

_CN = "一二三四五六七八九十两"
_NUM = rf"(?:[{_CN}]{{1,3}}|\d{{1,3}})"
#: classifiers that count kinds of things (not people, money or measures)
_CL = r"(?:个|支|项|类|大|条|种|家|方面|部分|座|处|所|批|套|级|道|张|件|步|环节|阶段|层级|档)"
_NOUN = r"[^，,。；;：:、\n（()）“”《》\d]{0,14}?"
#: the count: not an ordinal (第N, N.), not part of a longer number or a range (1-2个)
_COUNT = re.compile(
    rf"(?<![第\d.．\-—~～至到余多每近约超逾第])(?P<num>{_NUM})(?P<cl>{_CL})(?P<noun>{_NOUN})"
    rf"(?=[，,。；;：:、\n（()）”]|$)"
)
#: a quoted slogan that states its count: “五项制度”, “六定”, “四清单”
_SLOGAN = re.compile(rf"“(?P<num>{_NUM})(?P<cl>{_CL})?(?P<noun>[^”，。、\d]{{1,8}})”")
_APPROX = re.compile(r"^(?:以上|以下|以内|左右|余|多|上下|之内|以)")
_CONJ = re.compile(r"以及|和|及|与|或")
_ORDINALS = [
    re.compile(r"(?:^|[；;。，,\s])\s*([一二三四五六七八九十]{1,3})是"),
    re.compile(r"[（(]([一二三四五六七八九十]{1,3}|\d{1,2})[）)]"),
    re.compile(r"([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])"),
]
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_BRACKETS = re.compile(r"（[^（）]*）|\([^()]*\)|〔[^〔〕]*〕")
_PARTIAL_HEAD = re.compile(r"包括但不限于|不限于|主要有|主要包括|比如|例如|诸如|如下")


@dataclass
class Listed:
    low: int  # the fewest items the list can be read as
    high: int  # the most (an item joined by 和/及 may be two)
    items: list[str]
    end: int  # offset in the paragraph where the list stops


def _value(num: str) -> int | None:
    v = to_int(num)
    return v if v is not None and 1 < v <= 60 else None


def _strip_brackets(s: str) -> str:
    prev = None
    while prev != s:
        prev, s = s, _BRACKETS.sub("", s)
    return s


def _split_items(text: str) -> Listed | None:
    """A run of items separated by 、 (the last may be joined by 和/及/与), up to the end of the run."""
    flat = _strip_brackets(text)
    items = [x.strip() for x in flat.split("、")]
    if any(not x for x in items):
        return None
    low = high = len(items)
    last = items[-1]
    if _CONJ.search(last):
        high += len(_CONJ.findall(last))
        if len(items) == 1:
            low = high  # "分为两类，即A和B": a single conjunction is the list
    # an inner 和 in an earlier item ("灌溉和排水") may join two items as well
    high += sum(len(_CONJ.findall(x)) for x in items[:-1])
    return Listed(low, high, items, len(text))


def _ordinal_count(text: str) -> int | None:
    """Items numbered inline: 一是…二是…, (1)…(2)…, ①②…: the count if they run 1..k without gaps."""
    for rx in _ORDINALS:
        marks = [m.group(1) for m in rx.finditer(text)]
        if len(marks) < 2:
            continue
        nums = [_CIRCLED.index(x) + 1 if x in _CIRCLED else to_int(x) for x in marks]
        if nums == list(range(1, len(nums) + 1)):
            return len(nums)
    return None


def _run_after(text: str) -> str:
    """The text of a list that follows an introducer: up to the end of its sentence."""
    m = re.search(r"[。；;\n]", text)
    return text[: m.start()] if m else text


def _clean_run(run: str) -> str | None:
    """A plain 、-list (no clause punctuation inside, once brackets are removed), or None."""
    flat = _strip_brackets(run).strip()
    if not flat or re.search(r"[，,：:]", flat):
        return None
    return flat


# --------------------------------------------------------------------------------------------------
# where the items are


def _paragraphs(part: Part) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", part.text)]


def _flat_nodes(part: Part) -> list[tuple[OutlineNode, list[OutlineNode]]]:
    """Every node with the list of siblings it belongs to."""
    out: list[tuple[OutlineNode, list[OutlineNode]]] = []

    def walk(nodes: list[OutlineNode]) -> None:
        for n in nodes:
            out.append((n, nodes))
            walk(n.children)

    walk(part.outline)
    return out


def _numbered_run(siblings: list[OutlineNode], first: OutlineNode) -> list[OutlineNode]:
    """``first`` and the siblings of the same kind numbered after it (1, 2, 3 …), stopping at a restart."""
    i = next(k for k, n in enumerate(siblings) if n is first)
    run = [first]
    for n in siblings[i + 1 :]:
        if n.kind != first.kind or n.number is None or run[-1].number is None or n.number <= run[-1].number:
            break
        run.append(n)
    return run


def _items_below(part: Part, para_end: int, nodes) -> list[OutlineNode] | None:
    """The numbered items that begin on the paragraph right after ``para_end`` (numbered from 1)."""
    m = re.compile(r"[^\n]+").search(part.text, para_end)
    if not m:
        return None
    line = part.raw_line_at(m.start())
    for node, siblings in nodes:
        if node.line_start == line and node.number == 1 and node.kind not in ("编", "章", "节", "条"):
            return _numbered_run(siblings, node)
    return None


def _head(noun: str) -> str:
    """The head noun of a counted phrase: its last two characters ("应急工作组" → "作组")."""
    noun = noun.strip("”")
    return noun[-1:] if noun else ""


# --------------------------------------------------------------------------------------------------
# the checker


def _finding(issue: Issue, span: Span, stated: int, num: str, phrase: str, listed: Listed | int, how: str,
             severity: str, items: list[str]) -> Finding:  # fmt: skip
    if isinstance(listed, int):
        n_text = f"{listed}项"
        n_val: int | str = listed
    else:
        n_val = listed.low if listed.low == listed.high else f"{listed.low}-{listed.high}"
        n_text = f"{n_val}项"
    shown = "、".join(items[:12]) + ("…" if len(items) > 12 else "")
    message = f"文中称“{phrase}”（{stated}），{how}实际列出{n_text}"
    if shown:
        message += f"：{shown}"
    suggestion = None
    if isinstance(n_val, int):
        suggestion = f"核对所列项目，或将“{num}”改为{n_val}"
    return issue.finding(
        CHECK, KIND, severity, message, span, numbers={"称": stated, "列出": n_val}, suggestion=suggestion
    )


def _check_paragraph(issue: Issue, part: Part, start: int, end: int, nodes, doc) -> Iterator[Finding]:
    text = part.text[start:end]
    seen: set[int] = set()

    def at(a: int, b: int) -> Span:
        return Span(doc, part, start + a, start + b)

    for m in _COUNT.finditer(text):
        stated = _value(m["num"])
        if stated is None or m.start() in seen:
            continue
        after = text[m.end() :]
        if _APPROX.match(after) or _APPROX.match(m["noun"][-2:]):
            continue
        noun = m["noun"]
        phrase = m.group(0)
        before = text[: m.start()]
        # A. the list follows: "…四支应急队伍：" + numbered items, "分为三级，即A、B和C", "（即A、B…）"
        intro = re.match(r"\s*(?:”)?\s*(?:：|:|，即|,即|即|（即|\(即|，分别是|，分别为|,分别是|,分别为)", after)
        if intro and noun and not noun.endswith(("以下", "如下")):
            rest = after[intro.end() :]
            opened = intro.group(0).strip().startswith(("（", "("))
            if opened:
                close = re.search(r"[）)]", rest)
                run = rest[: close.start()] if close else None
            else:
                run = _run_after(rest)
            if run is not None and not run.strip() and re.search(r"[：:]\s*$", after[: intro.end()]):
                items = _items_below(part, end, nodes)
                if items and len(items) >= 2 and len(items) != stated:
                    yield _finding(
                        issue, at(m.start(), len(text)), stated, m["num"], phrase, len(items), "其后",
                        "错误", [(n.heading or n.text.split("\n")[0])[:16] for n in items],
                    )  # fmt: skip
                seen.add(m.start())
                continue
            if run:
                count = _ordinal_count(run)
                if count is not None:
                    if count != stated:
                        yield _finding(issue, at(m.start(), m.end() + intro.end() + len(run)), stated,
                                       m["num"], phrase, count, "其后", "错误", [])  # fmt: skip
                    seen.add(m.start())
                    continue
                flat = _clean_run(run)
                if flat and not flat.endswith("等") and not re.search(r"等[^、]{0,6}$", flat):
                    listed = _split_items(flat)
                    if listed and len(listed.items) >= 2 and not (listed.low <= stated <= listed.high):
                        yield _finding(issue, at(m.start(), m.end() + intro.end() + len(run)), stated,
                                       m["num"], phrase, listed, "其后", "错误", listed.items)  # fmt: skip
                seen.add(m.start())
                continue
        # B. the list precedes: "A、B和C三个方面", "A、B、C等N个…"
        lead = re.search(r"(?:[^，,。；;：:\n]*?)$", before)
        clause = lead.group(0) if lead else ""
        etc = clause.endswith("等")
        body = clause[:-1] if etc else clause
        if "、" in _strip_brackets(body) and not _PARTIAL_HEAD.search(body):
            listed = _split_items(body)
            if listed and len(listed.items) >= 3 or (listed and len(listed.items) >= 2 and not etc):
                if etc:
                    if listed.low > stated:
                        yield _finding(issue, at(m.start() - len(clause), m.end()), stated, m["num"], phrase,
                                       listed, "前面", "错误", listed.items)  # fmt: skip
                    elif listed.high == stated - 1 and len(listed.items) >= 3:
                        yield _finding(issue, at(m.start() - len(clause), m.end()), stated, m["num"], phrase,
                                       listed, "前面", "提示", listed.items)  # fmt: skip
                elif not (listed.low <= stated <= listed.high):
                    yield _finding(issue, at(m.start() - len(clause), m.end()), stated, m["num"], phrase,
                                   listed, "前面", "警告", listed.items)  # fmt: skip
                seen.add(m.start())
                continue
        # C. one name per counted thing: "成立9个工作专班，分别由A、B…负责"
        resp = re.match(r"\s*[，,]?\s*分别(?:由|是|为|在|给予|对应|设在|负责)?", after)
        if resp and resp.group(0).strip().startswith(("，", ",", "分别")) and "分别" in resp.group(0):
            run = _run_after(after[resp.end() :])
            flat = _strip_brackets(run)
            flat = re.split(r"[，,：:]", flat)[0]
            if "、" in flat:
                listed = _split_items(flat)
                if listed and len(listed.items) >= 2 and not (listed.low <= stated <= listed.high):
                    yield _finding(issue, at(m.start(), m.end() + resp.end() + len(run)), stated, m["num"],
                                   phrase, listed, "其后“分别”", "警告", listed.items)  # fmt: skip
            continue
        # D. the count closes the paragraph and numbered items follow: "工作专班下设5个工作组。"
        tail = text[m.end() :].strip()
        if tail in ("。", "：", ":", "") and end - start - m.end() <= 2:
            items = _items_below(part, end, nodes)
            head = _head(noun)
            if items and len(items) >= 2 and head:
                heads = [n.heading or n.text.split("\n")[0] for n in items]
                if all(head in h for h in heads) and len(items) != stated:
                    yield _finding(issue, at(m.start(), m.end()), stated, m["num"], phrase, len(items),
                                   "其后", "警告", [h[:16] for h in heads])  # fmt: skip

    # slogans: “五项制度”（即A、B…）, “六定”（定目标、…）
    for m in _SLOGAN.finditer(text):
        stated = _value(m["num"])
        if stated is None:
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
            run = _run_after(rest)
        count = _ordinal_count(run)
        flat = _clean_run(run)
        if count is None and flat and not flat.endswith("等"):
            listed = _split_items(flat)
            if listed and len(listed.items) >= 2 and not (listed.low <= stated <= listed.high):
                yield _finding(issue, at(m.start(), m.end() + intro.end() + len(run)), stated, m["num"],
                               m.group(0), listed, "其后", "错误", listed.items)  # fmt: skip
        elif count is not None and count != stated:
            yield _finding(issue, at(m.start(), m.end() + intro.end() + len(run)), stated, m["num"],
                           m.group(0), count, "其后", "错误", [])  # fmt: skip


@checker(CHECK)
def count(issue: Issue) -> Iterator[Finding]:
    """A stated count ("四支应急队伍", "等7个工作组", "“五项制度”") that differs from the items listed."""
    for doc in issue.documents:
        for part in doc.parts:
            nodes = _flat_nodes(part)
            for a, b in _paragraphs(part):
                yield from _check_paragraph(issue, part, a, b, nodes, doc)
