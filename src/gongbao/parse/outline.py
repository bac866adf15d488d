"""Stage 2c — the article tree of one part: 编/章/节/条 and 一、（一）1.（1）① and 1 / 1.1 / 1.1.1 outlines.

Reads: the repaired lines of a part. Writes: a list of :class:`~gongbao.parse.models.OutlineNode`.

Levels are not assumed: a numbering style seen for the first time becomes a child of the current node,
and a style already open closes everything below it — so "第一章 > 第一条 > （一） > 1." and
"一、 > （一） > 1. > （1）" both work, whatever the order the drafter chose. 章 and 条 are numbered through
the whole text; items restart under each parent. A number that cannot continue its sequence (a
"2023年…" line, a stray "3.") is kept as text, never dropped. Numbering errors of the source (two
"六、", a missing "四") are tolerated and reported by :func:`numbering_problems`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongbao import patterns as P
from gongbao.parse.models import OutlineNode
from gongbao.text.numerals import to_int
from gongbao.text.repair import Line

#: Regulation levels in fixed order.
_FIXED_RANK = {"编": 0, "章": 1, "节": 2, "条": 3}
#: Short codes used in clause ids: "ch2/art5", "p3/pp2/n1".
_ID_CODE = {
    "编": "bian",
    "章": "ch",
    "节": "sec",
    "条": "art",
    "一、": "p",
    "（一）": "pp",
    "1.": "n",
    "（1）": "nn",
    "①": "c",
}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@dataclass
class Marker:
    style: str  # "章" "条" "一、" "（一）" "1." "（1）" "①" "d1" "d2" "d3"
    number: int
    label: str  # as printed: "第五条", "（三）", "2.1"
    rest: str  # the text after the marker
    path: tuple[int, ...] = ()  # decimal outlines: (2, 1) for "2.1"


def detect_marker(text: str, decimal_outline: bool) -> Marker | None:
    """The outline marker at the start of ``text``, if any."""
    t = text.strip()
    if not t:
        return None
    c = t[0]
    if c == "第":
        m = P.ARTICLE_MARK.match(t)
        if m and (n := to_int(m.group("num"))) is not None:
            return Marker(m.group("kind"), n, m.group(0).strip(), t[m.end() :].strip())
        return None
    if c in "（(":
        m = P.CN_PAREN.match(t)
        if m and (n := to_int(m.group("num"))) is not None:
            return Marker("（一）", n, m.group(0).strip(), t[m.end() :].strip())
        m = P.AR_PAREN.match(t)
        if m:
            return Marker("（1）", int(m.group("num")), m.group(0).strip(), t[m.end() :].strip())
        return None
    if c in P.CN_DIGITS:
        m = P.CN_ITEM.match(t)
        if m and (n := to_int(m.group("num"))) is not None:
            return Marker("一、", n, m.group(0).strip(), t[m.end() :].strip())
        return None
    if c in _CIRCLED:
        return Marker("①", _CIRCLED.index(c) + 1, c, t[1:].strip())
    if c.isdigit():
        m = P.DECIMAL.match(t)
        if m:
            path = tuple(int(x) for x in m.group("num").split("."))
            if len(path) <= 3:
                return Marker(f"d{len(path)}", path[-1], m.group("num"), t[m.end() :].strip(), path)
        m = P.AR_ITEM.match(t)
        if m:
            return Marker("1.", int(m.group("num")), m.group(0).strip(), t[m.end() :].strip())
        m = P.DECIMAL_TOP.match(t)
        if m and decimal_outline and len(t) <= 20 and not re.search(r"[，。；：,;:]", t):
            n = int(m.group("num"))
            return Marker("d1", n, m.group("num"), t[m.end() :].strip(), (n,))
    return None


def _heading(marker: Marker) -> str | None:
    rest = marker.rest
    if marker.style in ("编", "章", "节") or marker.style.startswith("d"):
        return "".join(rest.split()) or None
    if not rest:
        return None
    m = re.match(r"^([^。：:；;]{1,30}?)[。：:]", rest)
    if m and len(rest) > m.end():
        return m.group(1).strip()
    if len(rest) <= 20 and not re.search(r"[，。；,;]", rest):
        return rest.rstrip("：:")
    return None


def _kind_label(style: str) -> str:
    return {"d1": "1", "d2": "1.1", "d3": "1.1.1"}.get(style, style)


def _id_code(m: Marker) -> str:
    if m.style.startswith("d"):
        return "d" + ".".join(str(x) for x in m.path)
    return f"{_ID_CODE[m.style]}{m.number}"


class _Builder:
    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.decimal = sum(1 for ln in lines if P.DECIMAL.match(ln.text.strip())) >= 2
        self.roots: list[OutlineNode] = []
        self.stack: list[tuple[Marker, OutlineNode]] = []
        self.last_fixed: dict[str, int] = {}
        self.preamble: OutlineNode | None = None
        self.ids: dict[str, int] = {}
        self.last_any: dict[str, int] = {}  # last number of each style anywhere in the text

    def run(self) -> list[OutlineNode]:
        for line in self.lines:
            m = detect_marker(line.text, self.decimal)
            if m and self._accept(m):
                self._push(m, line)
            else:
                self._append_text(line)
        return self.roots

    # -- sequence checks --------------------------------------------------------------------------

    def _open_styles(self) -> list[str]:
        return [m.style for m, _ in self.stack]

    def _accept(self, m: Marker) -> bool:
        if m.style in _FIXED_RANK:
            last = self.last_fixed.get(m.style)
            if m.style != "条" and len(m.rest) <= 20 and not re.search(r"[，。；,;]", m.rest):
                return True  # "第十三章 附则": a heading on its own line, whatever its number
            if last is None:
                return m.number <= 3
            return last - 1 <= m.number <= last + 3
        if m.style.startswith("d"):
            depth = len(m.path)
            parent = next(
                (
                    pm
                    for pm, _ in reversed(self.stack)
                    if pm.style.startswith("d") and len(pm.path) == depth - 1
                ),
                None,
            )
            if depth > 1 and (parent is None or parent.path != m.path[:-1]):
                return False
            sib = next((pm for pm, _ in reversed(self.stack) if pm.style == m.style), None)
            if sib is None or (depth > 1 and sib.path[:-1] != m.path[:-1]):
                return m.number <= 2
            return sib.number - 1 <= m.number <= sib.number + 3
        last = next((pm for pm, _ in reversed(self.stack) if pm.style == m.style), None)
        if last is not None:
            return last.number - 1 <= m.number <= last.number + 3 or m.number == 1
        # a new list starts at 1, or a list numbered through several headings continues ("3." … "（一）" "4.")
        previous = self.last_any.get(m.style)
        return m.number <= 2 or (previous is not None and previous < m.number <= previous + 3)

    # -- tree building ------------------------------------------------------------------------------

    def _pop_for(self, m: Marker) -> None:
        if m.style in _FIXED_RANK:
            rank = _FIXED_RANK[m.style]
            while self.stack and (
                self.stack[-1][0].style not in _FIXED_RANK or _FIXED_RANK[self.stack[-1][0].style] >= rank
            ):
                self.stack.pop()
        elif m.style.startswith("d"):
            depth = len(m.path)
            while self.stack:
                top = self.stack[-1][0]
                if top.style in _FIXED_RANK:
                    break
                if top.style.startswith("d") and len(top.path) < depth:
                    break
                self.stack.pop()
        elif m.style in self._open_styles():
            while self.stack and self.stack[-1][0].style != m.style:
                self.stack.pop()
            if self.stack:
                self.stack.pop()

    def _push(self, m: Marker, line: Line) -> None:
        self._pop_for(m)
        self.last_any[m.style] = m.number
        if m.style in _FIXED_RANK:
            self.last_fixed[m.style] = m.number
            if m.style in ("编", "章"):  # 节 restart in each chapter; 条 run through the whole text
                self.last_fixed.pop("节", None)
        siblings = self.stack[-1][1].children if self.stack else self.roots
        parent_id = self.stack[-1][1].id + "/" if self.stack else ""
        node_id = parent_id + _id_code(m)
        seen = self.ids.get(node_id, 0)  # a number printed twice gets "~2", "~3" …
        self.ids[node_id] = seen + 1
        if seen:
            node_id = f"{node_id}~{seen + 1}"
        node = OutlineNode(
            id=node_id,
            kind=_kind_label(m.style),
            marker=m.label,
            number=m.number,
            heading=_heading(m),
            text=line.text,
            line_start=line.start,
            line_end=line.end,
        )
        siblings.append(node)
        self.stack.append((m, node))

    def _append_text(self, line: Line) -> None:
        if self.stack:
            node = self.stack[-1][1]
        else:
            if self.preamble is None:
                self.preamble = OutlineNode("preamble", "preamble", "", None, None, "", line.start, line.end)
                self.roots.append(self.preamble)
            node = self.preamble
        node.text = f"{node.text}\n{line.text}" if node.text else line.text
        node.line_end = max(node.line_end, line.end)
        for _, open_node in self.stack:
            open_node.line_end = max(open_node.line_end, line.end)


def build_outline(lines: list[Line]) -> list[OutlineNode]:
    """The article tree of ``lines``; text before the first marker goes into a "preamble" node."""
    tree = _Builder(lines).run()
    _close_spans(tree)
    return tree


def _close_spans(nodes: list[OutlineNode]) -> int:
    end = 0
    for n in nodes:
        n.line_end = max(n.line_end, _close_spans(n.children))
        end = max(end, n.line_end)
    return end


def walk(nodes: list[OutlineNode]):
    for n in nodes:
        yield n
        yield from walk(n.children)


def numbering_pairs(nodes: list[OutlineNode]) -> list[tuple[str, OutlineNode, OutlineNode]]:
    """(problem, previous, node) for duplicated ("重复"), skipped ("跳跃") or out-of-order ("顺序")
    numbers among siblings of one kind (and among all 条 of a text)."""
    pairs: list[tuple[str, OutlineNode, OutlineNode]] = []

    def check(seq: list[OutlineNode]) -> None:
        for a, b in zip(seq, seq[1:], strict=False):
            if a.number is None or b.number is None:
                continue
            if b.number == a.number:
                pairs.append(("重复", a, b))
            elif b.number > a.number + 1:
                pairs.append(("跳跃", a, b))
            elif 1 < b.number < a.number:  # a restart at 1 is a new list (a boxed 专栏), not an error
                pairs.append(("顺序", a, b))

    def visit(children: list[OutlineNode]) -> None:
        by_kind: dict[str, list[OutlineNode]] = {}
        for c in children:
            if c.kind != "preamble" and c.kind != "条":
                by_kind.setdefault(c.kind, []).append(c)
        for seq in by_kind.values():
            check(seq)
        for c in children:
            visit(c.children)

    visit(nodes)
    check([n for n in walk(nodes) if n.kind == "条"])
    pairs.sort(key=lambda p: p[2].line_start)
    return pairs


def numbering_message(problem: str, a: OutlineNode, b: OutlineNode) -> str:
    if problem == "重复":
        return f"编号重复：“{a.marker}”出现两次（第{a.line_start}行、第{b.line_start}行）"
    if problem == "跳跃":
        return f"编号跳跃：“{a.marker}”之后是“{b.marker}”（第{b.line_start}行）"
    return f"编号顺序错误：“{a.marker}”之后是“{b.marker}”（第{b.line_start}行）"


def numbering_problems(nodes: list[OutlineNode]) -> list[tuple[int, str]]:
    """Duplicated, skipped or out-of-order numbers, as (line, Chinese message)."""
    return [(b.line_start, numbering_message(p, a, b)) for p, a, b in numbering_pairs(nodes)]
