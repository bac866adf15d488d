"""Arithmetic: stated totals against the parts listed with them, and shares that should make 100%.

``arithmetic.total`` reads four shapes of text:

* a total followed by its breakdown: "共查明隐患点42处，其中，崩塌36处、滑坡1处…", "估算投资11.03亿元。
  其中：…" (the total may close the previous sentence), "供应总量中，…", "总投资500万元（其中…）";
* parts followed by their total: "分别给予100万元、200万元、200万元奖励，共计500万元";
* a heading that states a total and announces its parts ("…资金26355.1333万元。重点投入…三大方面"),
  with one sub-item per part, each opening with its own amount; when the total is printed more precisely
  than those sub-totals, it is also checked against the items the sub-totals break into (a hint);
* tab-separated tables with a 合计/总计 row above or below the detail rows.

Every number is read with its unit (money, area, length, weight, volume or a counting word such as 处、户、
项), converted to a common base, and compared with a tolerance derived from the precision printed: half a
unit in the last place of the total and of each part (a total in 亿元 to 2 decimals over parts in 万元, a
sub-total rounded to 2 decimals over 4-decimal items). Bounds (余, 以上, 至少), ranges, averages, changes
(增长…, 减收…) and references (占年初预算…) are no parts. A list that says it is partial (…等, 主要) or
leaves a large remainder is not compared (a "其中" list often names only the main parts); a small
remainder, or a difference of one digit, is; parts that exceed the whole always are, except an item that
stands outside two totals of one document alike (its convention, e.g. mileage without 安防工程).

``arithmetic.shares`` adds up percentages that divide one whole among payers or uses ("市财政补贴30%，县
财政补贴50%，种植户自缴20%", "50%用于…；30%用于…；20%用于…", "包括70%的基础补助和30%的绩效"), checks
the amounts printed next to them against the base ("每亩保费40元…补贴30%（每亩12元）"), and checks ratios
("按5:3:2的比例") against the parties named and the percentages given with them. Subsidy rates that need
not cover the whole cost ("中央补贴30%，省级补贴10%"), caps and targets (不超过, 不低于) are left alone.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from gongbao.parse.models import Document, OutlineNode, Part
from gongbao.proof.core import Finding, Issue, Span, checker
from gongbao.text.repair import is_structural_start

# ---------------------------------------------------------------------------------------------------------
# Quantities
# ---------------------------------------------------------------------------------------------------------

_MU = 2000 / 3  # m² in one 亩

#: unit as printed → (dimension, factor to the dimension's base unit)
_UNITS: dict[str, tuple[str, float]] = {
    "元": ("money", 1),
    "千元": ("money", 1e3),
    "亩": ("area", _MU),
    "公顷": ("area", 1e4),
    "hm2": ("area", 1e4),
    "hm²": ("area", 1e4),
    "平方公里": ("area", 1e6),
    "平方千米": ("area", 1e6),
    "km2": ("area", 1e6),
    "km²": ("area", 1e6),
    "平方米": ("area", 1),
    "m2": ("area", 1),
    "m²": ("area", 1),
    "㎡": ("area", 1),
    "公里": ("length", 1e3),
    "千米": ("length", 1e3),
    "km": ("length", 1e3),
    "米": ("length", 1),
    "m": ("length", 1),
    "吨": ("weight", 1e3),
    "公斤": ("weight", 1),
    "千克": ("weight", 1),
    "kg": ("weight", 1),
    "立方米": ("volume", 1),
    "m3": ("volume", 1),
    "m³": ("volume", 1),
}
#: counting words: each is its own dimension (名 and 人 count the same thing)
_COUNTERS = (
    "人次 户次 处 个 人 名 户 家 项 座 台 辆 所 条 件 宗 套 株 棵 头 只 间 栋 幢 支 眼 口 段 场 块 张 部 艘 架 根 盏 篇 份 "
    "批 村 镇 乡 次"
).split()
_SAME_COUNT = {"名": "人"}
_MAGNITUDES = {"万亿": 1e12, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4}
_UNIT_ALT = "|".join(sorted([*map(re.escape, _UNITS), *_COUNTERS], key=len, reverse=True))
_QTY = re.compile(
    r"(?<![\d.A-Za-z_〔\[［/第])(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<dec>\.\d+)?"
    r"[ \u3000]?(?P<ap1>余|多)?(?P<mag>万亿|亿|千万|百万|万)?(?P<ap2>余|多)?"
    rf"(?P<unit>{_UNIT_ALT})(?:(?<=[A-Za-z])(?![A-Za-z0-9²³])|(?<![A-Za-z]))(?P<rate>/[^\s，,。；;、：:）)]{{1,4}})?"
)
_BEFORE_APPROX = re.compile(
    r"(?:约|近|逾|超过|不足|不到|不少于|不低于|不超过|不高于|至少|最多|最高|最低|突破|大于|小于|高于|低于|"
    r"以上|上限|下限|≥|≤|＞|＜|>|<)\s*$"
)
_AFTER_APPROX = re.compile(r"^\s*(?:以上|以下|以内|左右|上下|前后|多|余|至|到|~|～|-|—|–)")
_RANGE_BEFORE = re.compile(r"\d\s*[^\d\s，,。；;、：:]{0,4}\s*(?:~|～|-|—|–|至|到)\s*$")
_AVERAGE_BEFORE = re.compile(r"(?:人均|户均|亩均|平均|均)[^，,。；;、：:]{0,6}$")
#: a change, not a stock: "增长1200户", "比上年减少3处"
_CHANGE_BEFORE = re.compile(
    r"(?:增长|增加|减少|下降|提高|降低|净增|增幅|减幅|多出|少了|扩大|缩小|增收|减收|增支|减支)了?\s*$"
    r"|(?:占|为|完成|达|比|较)(?:年初|全年|年度|调整)?(?:预算|计划|任务)数?的?\s*$"  # a reference: "占年初预算8465万元的…"
)


@dataclass
class Qty:
    value: float  # in the base unit of its dimension (元, m², m, kg, m³, or the count)
    shown: str  # as printed, without spaces: "27383.9465万元"
    unit: str  # printed unit with its magnitude: "万元"
    factor: float  # base units per printed unit
    dim: str  # "money", "area", "count:处"; a rate adds its denominator: "money/亩"
    ulp: float  # one unit in the last printed place, in base units
    start: int
    end: int
    approx: bool  # 余, 约, 以上, a range: not an exact amount
    average: bool  # 人均, 平均…, or a change (增长…): not a part of a total
    dec: int = 0  # decimals printed
    rounded: bool = False  # a whole number that is itself likely rounded: "30万人", "2亿元", a table cell

    @property
    def decimals(self) -> int:
        return max(0, round(-math.log10(self.ulp / self.factor))) if self.ulp else 0


def quantities(text: str) -> list[Qty]:
    """Every number with a unit in ``text``, in order."""
    out: list[Qty] = []
    for m in _QTY.finditer(text):
        unit = m["unit"]
        if unit in _UNITS:
            dim, factor = _UNITS[unit]
        else:
            dim, factor = "count:" + _SAME_COUNT.get(unit, unit), 1.0
        mag = _MAGNITUDES.get(m["mag"] or "", 1.0)
        digits = m["int"].replace(",", "")
        dec = m["dec"] or ""
        number = float(digits + dec)
        factor *= mag
        ulp = 10.0 ** -(len(dec) - 1 if dec else 0) * factor
        if dim.startswith("count:") and not dec and mag == 1:
            ulp = 0.0  # a count of whole things is exact
        before = text[max(0, m.start() - 8) : m.start()]
        after = text[m.end() : m.end() + 4]
        approx = bool(
            m["ap1"] or m["ap2"] or _BEFORE_APPROX.search(before) or _AFTER_APPROX.match(after)
            or _RANGE_BEFORE.search(before)
        )  # fmt: skip
        rate = m["rate"] or ""
        out.append(
            Qty(
                value=number * factor,
                shown=re.sub(r"\s", "", m.group()),
                unit=(m["mag"] or "") + unit + rate,
                factor=factor,
                dim=dim + rate,
                ulp=ulp,
                start=m.start(),
                end=m.end(),
                approx=approx,
                average=bool(
                    _AVERAGE_BEFORE.search(text[max(0, m.start() - 10) : m.start()])
                    or _CHANGE_BEFORE.search(text[max(0, m.start() - 8) : m.start()])
                ),
                dec=max(len(dec) - 1, 0),
                rounded=mag >= 1e8 or (mag >= 1e4 and dim != "money"),
            )
        )
    return out


def _fmt(value: float, factor: float, decimals: int) -> str:
    s = f"{value / factor:.{max(decimals, 0)}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def _tolerance(total: Qty, parts: list[Qty]) -> float:
    """The largest difference rounding of the printed numbers can explain: half a unit in the last place of
    the total and of every part. Trailing zeros are not printed ("1万亩" next to "0.5万亩" means 1.0), so a
    part without decimals among parts with decimals counts at their precision; whole numbers with no
    decimals anywhere in the list are exact (budgets, counts) unless they are themselves rounded figures
    ("30万人", "2亿元")."""
    coarse = max((p.ulp for p in parts if p.dec), default=None)
    any_dec = bool(total.dec or coarse is not None)

    def eff(q: Qty) -> float:
        if q.dec:
            return q.ulp
        if coarse is not None:
            return min(q.ulp, coarse)
        return q.ulp if any_dec or q.rounded else 0.0

    whole = total.ulp if any_dec or total.rounded else 0.0
    return whole / 2 + sum(eff(p) for p in parts) / 2 + 1e-9 * max(abs(total.value), 1.0)


def _digits(value: float, factor: float, decimals: int) -> str:
    return f"{value / factor:.{decimals}f}".replace(".", "")


def _typo_shaped(total: Qty, sum_value: float, decimals: int) -> bool:
    """The total and the sum differ in one printed digit, or by two neighbouring digits swapped."""
    a = _digits(total.value, total.factor, decimals)
    b = _digits(sum_value, total.factor, decimals)
    if len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diff) == 1:
        return True
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


@dataclass
class Verdict:
    severity: str
    sum_value: float
    decimals: int
    excluded: Qty | None = None  # the part the excess equals, when one part may stand outside the total


def judge(total: Qty, parts: list[Qty], partial: bool, complete: bool = False, may_exclude: bool = False
          ) -> Verdict | None:  # fmt: skip
    """Compare a total with its parts; None when they agree or the difference proves nothing.

    ``partial``: the list says it is incomplete (等, 主要…): only parts exceeding the whole are reported.
    ``complete``: the list is complete by construction (a table, a count of parts announced).
    ``may_exclude``: a "其中" list, where one item may deliberately stand outside the total (the excess
    equal to one item is then only a hint).
    """
    s = sum(p.value for p in parts)
    diff = total.value - s
    if abs(diff) <= _tolerance(total, parts):
        return None
    decimals = max([total.decimals, *(_decimals_in(p, total.factor) for p in parts)])
    typo = _typo_shaped(total, s, decimals)
    if diff < 0:  # the parts exceed the whole
        last = parts[-1]
        if may_exclude and len(parts) > 2 and len(re.sub(r"\D", "", last.shown).strip("0")) >= 3:
            # the excess is exactly the last item, a figure too specific for chance ("…村道安防工程28.152公里"):
            # that item may stand outside the total by definition
            if abs(-diff - last.value) <= max(total.ulp, last.ulp) / 2 + 1e-9 * max(abs(total.value), 1.0):
                return Verdict("提示", s, decimals, last)
        return Verdict("错误" if typo and len(parts) > 1 else "警告", s, decimals)
    if partial or len(parts) < 2:
        return None
    if complete:
        return Verdict("错误" if typo else "警告", s, decimals)
    # a remainder: the list may name only the main parts ("其中：教育支出…、农林水支出…"), unless the
    # difference is small and looks like a slip of one digit (42 vs 41, 26355 vs 26385)
    if typo and diff <= 0.1 * total.value:
        return Verdict("错误", s, decimals)
    if diff <= 0.03 * total.value:
        return Verdict("警告", s, decimals)
    return None


def _decimals_in(q: Qty, factor: float) -> int:
    """Decimals needed to show ``q`` exactly in a unit of ``factor`` base units."""
    if q.ulp == 0:
        return 0
    return max(0, round(-math.log10(q.ulp / factor)))


# ---------------------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------------------

_SENTENCE_END = "。！？!?"
_CLAUSE_SEP = "，,、；;：:"
_PARENS = re.compile(r"（[^（）]*）|\([^()]*\)|（[^（）]*\)|\([^()]*）")


def _blank_parens(text: str) -> str:
    """Parenthesised text replaced by spaces (offsets kept): nested breakdowns, notes."""
    prev = None
    while prev != text:
        prev = text
        text = _PARENS.sub(lambda m: " " * len(m.group()), text)
    return text


def _blank_titles(text: str) -> str:
    """Document titles 《…》 and 文号 〔…〕 blanked: their numbers are names, not amounts."""
    return re.sub(r"《[^《》]*》|〔\d{4}〕\d+号", lambda m: " " * len(m.group()), text)


def _sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END:
            out.append((start, i + 1))
            start = i + 1
    if start < len(text):
        out.append((start, len(text)))
    return out


def logical_paragraphs(issue: Issue) -> Iterator[Span]:
    """Paragraphs joined across page breaks: a paragraph that stops mid-sentence (no final 。, or on ；，)
    continues into the next unless that one opens a new item."""
    pending: Span | None = None
    for span in issue.paragraphs():
        text = span.text
        if pending is not None:
            heading = (
                is_structural_start(pending.text)
                and len(pending.text) <= 30
                and not re.search(r"[，,。；;]", pending.text)
            )  # "（三）保险金额" stands alone
            joinable = (
                pending.part is span.part
                and not heading
                and "\t" not in text
                and not is_structural_start(text)
                and (
                    pending.text.rstrip()[-1:] in "；;，,、"
                    or pending.text.rstrip()[-1:] not in "。！？!?：:）)"
                )
            )
            if joinable:
                pending = Span(pending.doc, pending.part, pending.start, span.end)
                continue
            yield pending
        pending = span if "\t" not in text else None
        if pending is None:
            yield span
    if pending is not None:
        yield pending


def _sub(span: Span, a: int, b: int) -> Span:
    return Span(span.doc, span.part, span.start + a, span.start + b)


def _label(text: str, q: Qty, width: int = 14) -> str:
    """The words naming ``q``: back to the previous separator, at most ``width`` characters."""
    i = q.start
    while i > 0 and text[i - 1] not in _CLAUSE_SEP + _SENTENCE_END + "\n（）()":
        i -= 1
    lab = re.sub(r"\s+", "", text[i : q.start])
    lab = re.sub(r"^(?:其中|包括|分别(?:为|是|给予|奖励|补助|补贴)?|分为|另有)", "", lab)
    if cut := re.search(r"(?<=[\u4e00-\u9fff])\d", lab):
        lab = lab[: cut.start()]  # "自然村通硬化路56项92.935公里": the name, not the other amounts
    lab = re.sub(r"^(?:截至|截止|到)?\d{4}年(?:\d{1,2}月(?:底|末)?)?(?:[—\-至]\d{4}年)?", "", lab)
    return lab if len(lab) <= width else "…" + lab[-width:]


def _part_list(text: str, parts: list[Qty]) -> str:
    if len(parts) > 6:
        return f"所列{len(parts)}项"
    return "、".join(_label(text, p, 10) + p.shown for p in parts)


# ---------------------------------------------------------------------------------------------------------
# arithmetic.total — prose: "总数…其中…", "…共计总数", heading total vs its sub-items
# ---------------------------------------------------------------------------------------------------------

_OPENER = re.compile(
    r"其中(?:[：:，,]|(?=[^一二三四五六七八九十]))|(?<=[量数额计积模])中[：:，,]|分别为|分别是|包括[：:]|分为"
)
_STOP_CLAUSE = re.compile(
    r"^\s*(?:共|合计|总计|累计|另有|另外|此外|同时|以上|上述|全部|均|平均|人均|户均|亩均|其中|目前|现有|截至|截止|"
    r"到\d|力争|预计|完成)"
    r"|^[^，,；;。]{0,20}?(?:达到|达|超过|突破)\s*\d"
)
_PARTIAL = re.compile(
    r"等(?=\s*(?:[。，,；;、：:）)]|$|\d|[一二三四五六七八九十几多]|方面|内容|在内))"
    r"|^\s*(?:主要|重点|部分|包括但不限于|诸如|例如|比如|如[：:])"
)
_ADDITIONS = re.compile(r"追加|另行|额外|再奖励|再给予|的[，,]\s*(?:一次性)?(?:给予|奖励|补助|补贴)")
_TRAILING_TOTAL = re.compile(
    r"(?:共计|合计|总计|总共|累计)(?:为|达|约|有)?(?=[^，,。；;、：:\d]{0,6}\d)|共(?:有|计|达|为)?(?=\d)"
)


def _region_end(text: str, start: int, stop: int) -> int:
    """End of a breakdown starting at ``start``: the sentence end, or a clause that is no part of it."""
    i = start
    while i < stop:
        ch = text[i]
        if ch in _SENTENCE_END:
            return i
        if ch in "，,；;" and _STOP_CLAUSE.match(text[i + 1 : i + 12]):
            return i
        i += 1
    return stop


def _segments(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Items of a breakdown: split on ；/; when the list uses them, else on ，,、."""
    seps = "；;" if re.search(r"[；;]", text[a:b]) else "，,、"
    out, s = [], a
    for i in range(a, b):
        if text[i] in seps:
            out.append((s, i))
            s = i + 1
    out.append((s, b))
    return [(x, y) for x, y in out if text[x:y].strip()]


def _one_per_item(qs: list[Qty], text: str, a: int, b: int) -> list[Qty] | None:
    """The amounts ``qs`` of the breakdown text[a:b], if each item of the list carries one of them; None when
    an item carries several ("A项目总投资100万元、已完成50万元；…"): which is the part is then not clear."""
    per: list[list[Qty]] = []
    for x, y in _segments(text, a, b):
        inside = [q for q in qs if x <= q.start < y]
        if inside:
            per.append(inside)
    if all(len(p) == 1 for p in per):
        return [p[0] for p in per]
    return None


def _key(label: str) -> str:
    return re.sub(r"[\d年月日—\-~至到、，,\s“”\"]|全县|全市|我县|其中|新增|计划|规划", "", label)


def _common(a: str, b: str) -> int:
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def _group_by_label(text: str, totals: list[Qty], parts: list[Qty]) -> list[tuple[Qty, list[Qty]]] | None:
    """Assign each part to the total whose words it shares ("新增建设…9.3万亩、改造提升…3万亩，其中：…新增建设
    5.8万亩、改造提升2万亩…"); None when that is not clear-cut."""
    groups: dict[int, list[Qty]] = {i: [] for i in range(len(totals))}
    labels = [_label(text, t, 30) for t in totals]
    for p in parts:
        pl = _label(text, p, 30)
        scores = [_common(_key(pl), _key(tl)) for tl in labels]
        best = max(scores)
        if best < 2 or scores.count(best) > 1:
            return None
        groups[scores.index(best)].append(p)
    if any(not g for g in groups.values()):
        return None
    return [(totals[i], groups[i]) for i in range(len(totals))]


def _totals_before(text: str, qs: list[Qty], pos: int, dim: str) -> list[Qty]:
    """The whole a breakdown at ``pos`` refers to: the last amount of ``dim`` before it, with any amounts
    joined to it by 、/和/及 (a compound total); [] if that amount is approximate or an average."""
    before = [q for q in qs if q.end <= pos and q.dim == dim and not q.average]
    if not before:
        return []
    last = before[-1]
    between = re.sub(r"[。！？!?]", "", text[last.end : pos], count=1)  # "…73.6公顷。供应总量中，…"
    if re.search(r"[。！？!?]", between) or (
        re.search(r"[；;]", between)  # "…完成45.6亿元，同比增长6.2%；其中，…" still refers back
        and not all(
            not c.strip() or re.search(r"[%％]|百分点|增长|下降|增加|减少|增收|减收|持平", c)
            for c in re.split(r"[，,；;]", between)
        )
    ):
        return []  # the breakdown belongs to something said after the amount
    group = [last]
    for q in reversed(before[:-1]):
        link = text[q.end : group[0].start]
        if re.search(r"[，,；;。！？!?：:]", link) or not re.search(r"、|和|及|与", link):
            break
        group.insert(0, q)
    if any(q.approx or q.average for q in group):
        return []
    return group


def _enclosing(text: str, pos: int) -> tuple[int, int] | None:
    """The innermost parentheses around ``pos``, as (open, close) offsets; None outside any."""
    depth = 0
    for i in range(pos - 1, -1, -1):
        ch = text[i]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            if depth:
                depth -= 1
                continue
            d = 0
            for j in range(i, len(text)):
                if text[j] in "（(":
                    d += 1
                elif text[j] in "）)":
                    d -= 1
                    if d == 0:
                        return i, j
            return None
        elif ch in _SENTENCE_END:
            return None
    return None


def _breakdowns(span: Span) -> Iterator[tuple[Qty, list[Qty], bool, Span, str]]:
    """(total, parts, partial, where, text) for each "total … 其中/分别为 … parts" in a paragraph, including
    a breakdown in parentheses: "总投资500万元（其中中央200万元、…）"."""
    text = _blank_titles(span.text)
    outer = _blank_parens(text)  # nested breakdowns and notes out of the way
    qs = quantities(outer)
    sentences = _sentences(text)
    for m in _OPENER.finditer(text):
        si = next(i for i, (a, b) in enumerate(sentences) if a <= m.start() < b)
        s_start, s_end = sentences[si]
        enc = _enclosing(text, m.start())
        if enc is not None:  # "…500万元（其中中央200万元、省级100万元）": the breakdown is the bracket
            anchor, end = enc
            region = text[:anchor] + " " * (m.end() - anchor) + _blank_parens(text[m.end() : end])
        else:
            anchor = m.start()
            end = _region_end(outer, m.end(), s_end)
            region = outer[:end]
        scope_start = s_start
        if si > 0 and not any(s_start <= q.start < anchor for q in qs):
            scope_start = sentences[si - 1][0]  # "…估算投资11.03亿元。其中：…", "…73.6公顷。供应总量中，…"
        if _ADDITIONS.search(region[m.end() : end]):
            continue
        partial = bool(
            _PARTIAL.search(region[m.end() : end])
            or re.search(r"主要|重点", text[max(0, m.start() - 2) : m.start()])
        )
        items = [q for q in quantities(region) if m.end() <= q.start < end and not q.average]
        for dim in dict.fromkeys(q.dim for q in items):
            parts_all = [q for q in items if q.dim == dim]
            if any(q.approx for q in parts_all):
                continue
            totals = _totals_before(text, [q for q in qs if q.start >= scope_start], anchor, dim)
            if not totals:
                continue
            if not m.group().startswith("其中") and not m.group().endswith(("中，", "中,", "中：", "中:")):
                if not re.search(r"共|合计|总|累计", _label(text, totals[-1], 30)):
                    continue  # "…分别为…" after an amount that is not said to be a total
            listed = _one_per_item(parts_all, region, m.end(), end)
            if listed is None:
                continue
            parts, stop = listed, end
            if len(totals) == 1:  # a "part" larger than the whole is no part of it: the list ended before
                tol = _tolerance(totals[0], parts)
                big = next((i for i, p in enumerate(parts) if p.value > totals[0].value + tol), None)
                if big is not None:
                    parts, stop = parts[:big], parts[big].start
                    if not parts:
                        continue
            where = _sub(span, totals[0].start, stop)
            if len(totals) == 1:
                yield totals[0], parts, partial, where, text
                continue
            # a compound total: "新增9.3万亩、改造提升3万亩，其中：…"
            whole = sum(t.value for t in totals)
            if (
                abs(whole - sum(p.value for p in parts))
                <= sum(t.ulp for t in totals) / 2 + sum(p.ulp for p in parts) / 2
            ):
                continue
            groups = _group_by_label(text, totals, parts)
            for t, ps in groups or []:
                yield t, ps, partial, where, text


def _trailing(span: Span) -> Iterator[tuple[Qty, list[Qty], bool, Span, str]]:
    """Parts followed by their total: "分别给予100万元、200万元、200万元奖励，共计500万元"."""
    text = _blank_parens(_blank_titles(span.text))
    qs = quantities(text)
    for m in _TRAILING_TOTAL.finditer(text):
        total = next((q for q in qs if q.start >= m.end()), None)
        if (
            total is None
            or total.approx
            or total.average
            or re.search(r"[，,。；;、：:]", text[m.end() : total.start])
        ):
            continue
        s_start = max((i + 1 for i in range(m.start()) if text[i] in _SENTENCE_END), default=0)
        before = [q for q in qs if s_start <= q.start and q.end <= m.start() and q.dim == total.dim]
        if len(before) < 2 or any(q.approx or q.average for q in before):
            continue
        anchor = text.rfind("分别", s_start, before[0].start + 1)
        if anchor >= 0:
            parts = [q for q in before if q.start > anchor]
        else:  # a tight list: amounts joined by 、 and nothing else said between them and the total
            parts = [before[-1]]
            for q in reversed(before[:-1]):
                link = text[q.end : parts[0].start]
                if "、" not in link or re.search(r"[。；;：:]", link) or len(link) > 16:
                    break
                parts.insert(0, q)
        tail = text[parts[-1].end : m.start()]
        if len(parts) < 2 or len(tail) > 12 or re.search(r"[。；;：:]", tail):
            continue
        yield total, parts, False, _sub(span, parts[0].start, total.end), text


_COUNT_WORD = re.compile(r"([两二三四五六七八九十]|\d+)(?:大|个|类|项)?(?:方面|领域|部分|类别|大类|类)")
_CN_NUM = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _is_rate(text: str, q: Qty) -> bool:
    """A rate or a standard ("每亩200元", "按每人500元"), not an amount."""
    return bool(re.search(r"每[\u4e00-\u9fff]{0,3}$|标准为?$|按$", text[max(0, q.start - 6) : q.start]))


def _offset_of_line(part: Part, line: int) -> int | None:
    for off, ln in part.sources:
        if ln >= line:
            return off
    return None


def _headings(issue: Issue) -> Iterator[tuple[Document, Part, str, int, list[OutlineNode]]]:
    """(doc, part, lead text, lead line, sub-items) for every item whose own text leads into sub-items, and
    for unnumbered text followed by a run of items (a section the outline could not number)."""
    for doc in issue.documents:
        for part in doc.parts:
            lists = [part.outline]
            while lists:
                siblings = lists.pop()
                for i, node in enumerate(siblings):
                    lists.append(node.children)
                    if len(node.children) >= 2 and node.text and node.kind != "preamble":
                        yield doc, part, node.text, node.line_start, node.children
                    if node.kind == "preamble" and node.text and i + 1 < len(siblings):
                        kind = siblings[i + 1].kind
                        run = list(itertools.takewhile(lambda n, k=kind: n.kind == k, siblings[i + 1 :]))
                        if len(run) >= 2:
                            yield doc, part, node.text, node.line_start, run


def _details(doc: Document, part: Part, node: OutlineNode, headline: Qty) -> list[Qty] | None:
    """The items a sub-item breaks its amount into ("统筹投入产业发展资金14857.81万元。其中：…"), if they
    are listed in full and agree with it."""
    at = part.text.find(node.text)
    if at < 0:
        return None
    for total, parts, partial, _, _ in _breakdowns(Span(doc, part, at, at + len(node.text))):
        if total.start == headline.start and not partial and judge(total, parts, partial) is None:
            return parts
    return None


def _heading_totals(issue: Issue) -> Iterator[tuple[Qty, list[Qty], Span, str, list[str], list[Qty] | None]]:
    """A heading's total ("…资金26355.1333万元。重点投入…三大方面。") and the amounts its sub-items (一)(二)(三)
    open with: the heading must announce as many parts as there are sub-items (or end on 如下/以下), and
    state one amount; each sub-item one amount of the same kind before its own "其中"."""
    for doc, part, lead, line, children in _headings(issue):
        text = _blank_titles(lead)
        counted = [int(m[1]) if m[1].isdigit() else _CN_NUM[m[1]] for m in _COUNT_WORD.finditer(text)]
        if len(children) not in counted and not re.search(r"(?:如下|以下)[：:。]?\s*$", text.strip()):
            continue
        if re.search(r"主要|重点用于以下|等", text[-30:]) and len(children) not in counted:
            continue
        qs = [q for q in quantities(text) if not _is_rate(text, q)]
        for dim in dict.fromkeys(q.dim for q in qs):
            same = [q for q in qs if q.dim == dim]
            if len(same) != 1 or same[0].approx or same[0].average:
                continue  # the heading states several amounts: which one is the total is not clear
            total = same[0]
            parts: list[Qty] = []
            for c in children:
                ctext = _blank_titles(c.text)
                cut = ctext.find("其中")
                head = ctext[: cut if cut > 0 else len(ctext)]
                cq = [q for q in quantities(head) if q.dim == dim and not _is_rate(head, q)]
                if len(cq) != 1 or cq[0].approx or cq[0].average:
                    break  # each sub-item must state exactly one amount of its own
                parts.append(cq[0])
            if len(parts) != len(children):
                continue
            start = _offset_of_line(part, line)
            last = children[-1]
            end = _offset_of_line(part, last.line_end + 1)
            if start is None:
                continue
            t_start = part.text.find(lead, start)
            t_start = t_start if t_start >= 0 else start
            span = Span(doc, part, t_start + total.start, end if end is not None else len(part.text))
            labels = [(c.heading or c.text.split("\n")[0])[:16] for c in children]
            details = [_details(doc, part, c, p) for c, p in zip(children, parts, strict=True)]
            leaves = None if any(d is None for d in details) else [q for d in details for q in d or []]
            yield total, parts, span, text, labels, leaves


def _report(issue: Issue, total: Qty, parts: list[Qty], verdict: Verdict, where: Span, listing: str,
            total_label: str) -> Finding:  # fmt: skip
    sum_shown = _fmt(verdict.sum_value, total.factor, verdict.decimals) + total.unit
    diff_shown = _fmt(abs(total.value - verdict.sum_value), total.factor, verdict.decimals) + total.unit
    exceed = verdict.sum_value > total.value
    msg = (
        f"“{total_label}{total.shown}”，而{listing}相加为{sum_shown}，"
        f"{'比总数多' if exceed else '比总数少'}{diff_shown}"
    )
    if verdict.severity == "提示" and exceed:
        msg += "；差额恰等于其中一项，可能该项本不计入总数，请核对口径"
    elif not exceed and verdict.severity == "警告":
        msg += "；如所列分项已完整，则总数或某一分项有误"
    return issue.finding(
        "arithmetic.total", "合计与分项不符", verdict.severity, msg, where,
        numbers={"总数": total.shown, "分项合计": sum_shown, "差额": diff_shown, "分项": [p.shown for p in parts]},
        suggestion=f"合计应为{sum_shown}（或更正有误的分项）",
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------------------

_NUMERIC_CELL = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_TOTAL_ROW = re.compile(r"^(?:合计|总计|共计|全县合计|全县|总数)$")
_SUBTOTAL_ROW = re.compile(r"^小计$")
_COUNT_HEADER = re.compile(r"[（(](?:人|户|个|家|处|项|座|所|台|辆|名|村|宗|件)[）)]|人数|户数|个数|数量")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")]


def _kind(cell: str) -> str:
    c = re.sub(r"\s", "", cell)
    if not c:
        return ""
    return "n" if _NUMERIC_CELL.match(c) else "t"


def _align(rows: list[list[str]], width: int, types: list[str]) -> list[list[str]] | None:
    """Place each row's cells in the table's columns: rows that lost leading cells (merged cells) or
    trailing empty cells are shifted to the only position where numbers meet numeric columns."""
    out = []
    for r in rows:
        if len(r) == width:
            out.append(r)
            continue
        if len(r) > width:
            return None
        fits = []
        for k in range(width - len(r) + 1):
            ok = all(not _kind(c) or not types[k + i] or _kind(c) == types[k + i] for i, c in enumerate(r))
            if ok:
                fits.append(k)
        first_total = bool(
            _TOTAL_ROW.match(re.sub(r"\s", "", r[0])) or _SUBTOTAL_ROW.match(re.sub(r"\s", "", r[0]))
        )
        if first_total and 0 in fits:
            fits = [0]
        placements = {tuple(i + k for i, c in enumerate(r) if _kind(c) == "n") for k in fits}
        if len(placements) != 1:
            return None
        k = fits[0]
        out.append([""] * k + r + [""] * (width - len(r) - k))
    return out


def _table_blocks(part: Part) -> Iterator[list[tuple[int, str]]]:
    block: list[tuple[int, str]] = []
    offset = 0
    for line in part.text.split("\n"):
        start, offset = offset, offset + len(line) + 1
        if "\t" in line:
            block.append((start, line))
            continue
        if block:
            yield block
            block = []
    if block:
        yield block


def _table_qty(cell: str, start: int, unit_factor: float, count: bool) -> Qty:
    c = re.sub(r"[\s,]", "", cell)
    dec = c.split(".")[1] if "." in c else ""
    ulp = 0.0 if count and not dec else 10.0 ** -len(dec) * unit_factor
    return Qty(
        value=float(c) * unit_factor, shown=c, unit="", factor=unit_factor, dim="table", ulp=ulp, start=start,
        end=start, approx=False, average=False, dec=len(dec), rounded=not count,
    )  # fmt: skip


def _level(label: str) -> str | None:
    for name, pat in (("一、", r"^[一二三四五六七八九十]+[、.．]"), ("（一）", r"^[（(][一二三四五六七八九十]+[）)]"),
                      ("1.", r"^\d+[、.．](?!\d)"), ("（1）", r"^[（(]\d+[）)]")):  # fmt: skip
        if re.match(pat, label):
            return name
    return None


def _is_data_row(row: list[str]) -> bool:
    """A row with numbers that are not only years (a header "2021 2022 2023" is no data)."""
    nums = [re.sub(r"\s", "", c) for c in row if _kind(c) == "n"]
    return bool(nums) and not all(re.fullmatch(r"(?:19|20)\d\d", n) for n in nums)


def _first_label(row: list[str]) -> str:
    return re.sub(r"\s", "", next((c for c in row if c.strip()), ""))


def _table_totals(issue: Issue) -> Iterator[Finding]:
    """A 合计/总计 row (below or above the detail rows) against the sum of each numeric column."""
    for doc in issue.documents:
        for part in doc.parts:
            for block in _table_blocks(part):
                rows = [_cells(line) for _, line in block]
                first = next((i for i, r in enumerate(rows) if _is_data_row(r)), None)
                if first is None:
                    continue
                body = rows[first:]
                width = max(len(r) for r in body)
                full = [r for r in body if len(r) == width and not _TOTAL_ROW.match(_first_label(r))]
                types = []
                for j in range(width):
                    kinds = {_kind(r[j]) for r in full if _kind(r[j])}
                    types.append(kinds.pop() if len(kinds) == 1 else "")
                aligned = _align(body, width, types)
                if aligned is None:
                    continue
                # header rows lost their leading (merged) cells: right-align them to name the columns
                header = [[""] * (width - len(h)) + h if len(h) < width else h[:width] for h in rows[:first]]
                kinds = ["total" if _TOTAL_ROW.match(_first_label(r)) else
                         "sub" if _SUBTOTAL_ROW.match(_first_label(r)) or _first_label(r).startswith("其中")
                         else "row" for r in aligned]  # fmt: skip
                levels = {_level(_first_label(r)) for r, k in zip(aligned, kinds, strict=True) if k == "row"}
                if len(levels - {None}) > 1:
                    continue  # rows at two outline levels ("一、…" and "（一）…"): groups counted with members
                for i, r in enumerate(aligned):
                    if kinds[i] != "total":
                        continue
                    above = [x for x, k in zip(aligned[:i], kinds[:i], strict=True) if k == "row"]
                    below = []
                    for x, k in zip(aligned[i + 1 :], kinds[i + 1 :], strict=True):
                        if k == "total":
                            break
                        if k == "row":
                            below.append(x)
                    data = above or below  # the 合计 row closes the table, or opens it
                    for j, cell in enumerate(r):
                        if _kind(cell) != "n" or j == 0:
                            continue
                        col = [x[j] for x in data]
                        if any(_kind(c) == "t" for c in col) or sum(1 for c in col if _kind(c) == "n") < 2:
                            continue
                        head = " ".join(h[j] for h in header if h[j])
                        if re.search(
                            r"率|比例|占比|比重|单价|价格|补助标准|补贴标准|标准[（(]|人均|户均|亩均|平均|%|％|/|序号|编号|电话|年份|年度|时间",
                            head,
                        ):
                            continue
                        count = bool(_COUNT_HEADER.search(head))
                        total = _table_qty(cell, 0, 1.0, count)
                        parts = [_table_qty(c, 0, 1.0, count) for c in col if _kind(c) == "n"]
                        if count and all(p.ulp == 0 for p in parts):
                            total.ulp = 0.0
                        verdict = judge(total, parts, partial=False, complete=True)
                        if verdict is None:
                            continue
                        tol = _tolerance(total, parts)
                        if (
                            verdict.sum_value < total.value * 0.5
                            or abs(verdict.sum_value - 2 * total.value) <= tol
                        ):
                            continue  # a sub-table, or group rows counted with their members
                        rows_at = [
                            block[first + k][0]
                            for k, x in enumerate(aligned)
                            if x is r or any(x is d for d in data)
                        ]
                        start, stop = min(rows_at), max(rows_at)
                        end = stop + len(part.text[stop:].split("\n", 1)[0])
                        where = Span(doc, part, start, end)
                        sum_shown = _fmt(verdict.sum_value, 1.0, verdict.decimals)
                        name = re.sub(r"\s+", "", head) or f"第{j + 1}列"
                        yield issue.finding(
                            "arithmetic.total", "表格合计与明细不符", verdict.severity,
                            f"表格“{name}”栏合计行为{cell}，而{len(parts)}行明细相加为{sum_shown}，"
                            f"相差{_fmt(abs(total.value - verdict.sum_value), 1.0, verdict.decimals)}",
                            where, numbers={"合计行": cell, "明细合计": sum_shown, "行数": len(parts)},
                            suggestion=f"合计应为{sum_shown}（或更正有误的明细）",
                        )  # fmt: skip


def _finer_total(issue: Issue, total: Qty, subtotals: list[Qty], leaves: list[Qty], where: Span, label: str
                 ) -> Iterator[Finding]:  # fmt: skip
    """A total printed more precisely than its sub-totals ("27383.9465万元" over "14857.81万元"…) agrees with
    them only up to their rounding; it is checked against the detailed items they break into, taken as
    printed; a difference is a warning (the message says the sub-totals agree up to their rounding)."""
    s = sum(q.value for q in leaves)
    if abs(total.value - s) <= total.ulp / 2 + 1e-9 * max(abs(total.value), 1.0):
        return
    decimals = max([total.decimals, *(_decimals_in(q, total.factor) for q in leaves)])
    sum_shown = _fmt(s, total.factor, decimals) + total.unit
    diff_shown = _fmt(abs(total.value - s), total.factor, decimals) + total.unit
    rounded = (
        _fmt(sum(q.value for q in subtotals), total.factor, max(q.decimals for q in subtotals)) + total.unit
    )
    # a total printed to the yuan is meant to be the exact sum of the items (amounts in a fund plan are
    # exact figures, not rounded ones): a difference beyond the total's own last digit is a warning
    yield issue.finding(
        "arithmetic.total", "合计与明细不符", "警告",
        f"“{label}{total.shown}”，其下{len(subtotals)}项小计（只保留到{max(q.decimals for q in subtotals)}位小数）"
        f"相加为{rounded}，在舍入范围内；但各小计所列{len(leaves)}项明细相加为{sum_shown}，与总数相差{diff_shown}，"
        "请按原始数据核对总数或明细",
        where, numbers={"总数": total.shown, "小计合计": rounded, "明细合计": sum_shown, "差额": diff_shown},
        suggestion=f"按明细合计应为{sum_shown}",
    )  # fmt: skip


@checker("arithmetic.total")
def totals(issue: Issue) -> Iterator[Finding]:
    """Stated totals (共/合计/总计/总投资 X, a heading's total, a table's 合计 row) vs the sum of their parts."""
    seen: set[tuple[int, int]] = set()
    hints: list[tuple[Document, str, Finding]] = []
    for span in logical_paragraphs(issue):
        found = [(*b, True) for b in _breakdowns(span)] + [(*t, False) for t in _trailing(span)]
        for total, parts, partial, where, text, breakdown in found:
            key = (id(span.part), span.start + total.start)
            if key in seen:
                continue
            verdict = judge(total, parts, partial, may_exclude=breakdown)
            if verdict is None:
                continue
            seen.add(key)
            label = _label(text, total, 16)
            finding = _report(issue, total, parts, verdict, where, _part_list(text, parts), label)
            if verdict.excluded is not None:
                hints.append((span.doc, _key(_label(text, verdict.excluded, 30)), finding))
            else:
                yield finding
    for doc, item, finding in hints:
        # the same item left out of two totals of one document is its convention ("建设里程" without
        # "村道安防工程"), not a slip
        if sum(1 for d, i, _ in hints if d is doc and i == item) < 2:
            yield finding
    for total, parts, where, text, labels, leaves in _heading_totals(issue):
        verdict = judge(total, parts, partial=False, complete=True)
        if verdict is None:
            if leaves and total.dec > max(p.dec for p in parts):
                yield from _finer_total(issue, total, parts, leaves, where, _label(text, total, 16))
            continue
        listing = (
            "、".join(f"{lab}{p.shown}" for lab, p in zip(labels, parts, strict=True))
            if len(parts) <= 4
            else f"其下{len(parts)}项"
        )
        yield _report(issue, total, parts, verdict, where, f"其下各项（{listing}）", _label(text, total, 16))
    yield from _table_totals(issue)


# ---------------------------------------------------------------------------------------------------------
# arithmetic.shares
# ---------------------------------------------------------------------------------------------------------

_PCT = re.compile(r"(?<![\d.A-Za-z])(\d+(?:\.\d+)?)\s*[%％]")
_PCT_QUALIFIED_BEFORE = re.compile(
    r"(?:不低于|不少于|不超过|不高于|不得超过|最高|最低|至少|达到|达|提高|降低|下降|增长|增加|减少|超过|低于|高于|"
    r"约|近|逾|~|～|-|—|至|到|≤|≥|<|>|按|的)\s*$"
)
_PCT_QUALIFIED_AFTER = re.compile(
    r"^\s*(?:以上|以下|以内|左右|上下|的比例|比例|的标准|标准|的增|[~～\-—至到])"
)
_PAYER_VERB = re.compile(
    r"(?:补贴|补助|承担|负担|分担|分摊|自缴|自付|自筹|缴纳|出资|筹集|配套|支付|上缴|留存|提取|分成|占)\s*$"
)
_PAYER_NOUN = re.compile(
    r"(?:中央|省|省级|市|市级|县|县级|县区|乡|乡镇|乡级|村|村级|村集体|财政|农户|个人|企业|单位|群众|参保人|投保人)"
    r"(?:财政|政府|资金|补贴|承担|负担)?\s*$"
)
_ALLOCATION_AFTER = re.compile(r"^\s*(?:用于|归|留给|留存|分配给|作为|由)")
_COMPONENT = re.compile(r"^\s*的(?:基础|绩效|奖励|考核|固定|浮动)?[\u4e00-\u9fff]{1,8}")
_REMAINDER = re.compile(r"其余|剩余|余下|其他部分|余额|剩下")
_DIVISION = re.compile(
    r"比例(?:分配|分担|分摊|承担|负担|分成)|(?:以下|如下)比例|分配如下|分别(?:承担|负担)|共同(?:承担|负担)|构成|组成|包括"
)
_SELF_PAY = re.compile(
    r"自缴|自付|自筹|自担|个人缴纳|个人缴费|个人承担|个人负担|农户承担|农户缴纳|农户负担|群众自筹"
)
_RATIO = re.compile(
    r"(?<![\d.:：])(\d+(?:\.\d+)?)(?:\s*[%％])?(?:\s*[:：∶]\s*\d+(?:\.\d+)?(?:\s*[%％])?)+(?![\d:：])"
)


@dataclass
class Pct:
    value: float
    decimals: int
    start: int
    end: int


def _share_percents(text: str, a: int, b: int) -> list[Pct]:
    """Percentages in text[a:b] that give one party's or one use's share of a whole: after a paying verb
    ("补贴30%", "自缴20%"), before a use ("70%用于"), as a component ("包括70%的基础补助"), after a payer
    when the sentence divides a cost ("按照中央财政40%、省级财政30%…的比例分担"), or continuing such a list
    ("分别承担50%、30%、20%")."""
    out: list[Pct] = []
    sentence = text[a:b]
    divides = bool(_DIVISION.search(sentence) or re.search(r"分担|承担|负担|出资|筹集|筹资|缴", sentence))
    for m in _PCT.finditer(text, a, b):
        before = text[max(a, m.start() - 8) : m.start()]
        after = text[m.end() : m.end() + 8]
        wide = text[max(a, m.start() - 12) : m.start()]
        payer = bool(_PAYER_VERB.search(before)) or (divides and bool(_PAYER_NOUN.search(before)))
        listed = bool(out) and re.fullmatch(r"\s*[、和及与]\s*", text[out[-1].end : m.start()]) is not None
        share = (
            payer
            or listed
            or bool(_ALLOCATION_AFTER.match(after))
            or (
                bool(_COMPONENT.match(after))
                and re.search(r"包括|由|分为|含", text[a : m.start()]) is not None
            )
        )
        if not share:
            continue
        if not (payer or listed) and _PCT_QUALIFIED_BEFORE.search(before):
            continue
        q_after = _PCT_QUALIFIED_AFTER.match(after)
        if (
            q_after
            and not _ALLOCATION_AFTER.match(after)
            and not ((payer or listed) and "比例" in q_after.group())
        ):
            continue
        if re.search(r"(?:不低于|不超过|不得超过|最高|最低|至少|提高|降低|增长|下降)\s*$", wide):
            continue
        dec = len(m[1].split(".")[1]) if "." in m[1] else 0
        out.append(Pct(float(m[1]), dec, m.start(), m.end()))
    return out


def _pct_groups(text: str) -> Iterator[tuple[list[Pct], list[Pct] | None, int, int]]:
    """Runs of share percentages within one sentence, each with the part of it that does not make 100%
    (None if it does) and the sentence bounds; a run that makes 100% and then goes on ("中央40%、省30%、
    县30%；脱贫户中央50%…") is a new division from there."""
    for a, b in _sentences(text):
        ps = _share_percents(text, a, b)
        if len(ps) < 2:
            continue
        runs: list[list[Pct]] = [[ps[0]]]
        for p in ps[1:]:
            between = text[runs[-1][-1].end : p.start]
            if _PCT.search(between) or len(between) > 80:
                runs.append([p])
            else:
                runs[-1].append(p)
        for run in runs:
            if len(run) < 2:
                continue
            chunk: list[Pct] = []
            for p in run:
                chunk.append(p)
                if abs(sum(x.value for x in chunk) - 100) <= _pct_tol(chunk) and len(chunk) >= 2:
                    chunk = []  # a whole: what follows is another division
            yield run, (chunk if len(chunk) >= 2 else run if len(chunk) == 1 else None), a, b


def _pct_tol(ps: list[Pct]) -> float:
    return sum(0.5 * 10.0**-p.decimals for p in ps if p.decimals) + 1e-9


@checker("arithmetic.shares")
def shares(issue: Issue) -> Iterator[Finding]:
    """Shares of one whole (payers of a premium, uses of a fund, parts of a pay) that do not make 100%,
    amounts printed with them that do not match the base, ratios that do not match the parties named."""
    for span in logical_paragraphs(issue):
        text = _blank_titles(span.text)
        for run, group, a, b in _pct_groups(text):
            sentence = text[a:b]
            yield from _share_amounts(issue, span, text, run, a)
            if group is None:
                continue
            if re.search(r"分别", text[a : group[-1].end]) and not re.search(
                r"分别(?:承担|负担|分担|出资|补贴|补助|缴纳|占)", sentence
            ):
                continue  # "分别不得超过总费用的30%、20%、15%": one rate per case
            if _REMAINDER.search(sentence):
                continue
            total = sum(p.value for p in group)
            tol = _pct_tol(group)
            where = _sub(span, group[0].start, group[-1].end)
            shown = "、".join(f"{p.value:g}%" for p in group)
            if abs(total - 100) > tol:
                if total > 100:
                    sev = "错误"
                elif _SELF_PAY.search(sentence) or _DIVISION.search(sentence):
                    sev = "警告"  # every payer is named (down to the farmer's own share), or the text divides
                elif _ALLOCATION_AFTER.match(text[group[0].end : group[0].end + 6]):
                    sev = "提示"  # uses of a fund: the rest may simply not be spelt out
                else:
                    continue  # "中央补贴30%，省级补贴10%": subsidies need not cover the whole cost
                yield issue.finding(
                    "arithmetic.shares", "分担比例之和不为100%", sev,
                    f"所列比例{shown}相加为{total:g}%，{'超过' if total > 100 else '不足'}100%",
                    where, numbers={"比例": [p.value for p in group], "合计": total},
                    suggestion=f"各方比例之和应为100%（现差{abs(100 - total):g}个百分点）",
                )  # fmt: skip
        yield from _ratios(issue, span, text)


def _share_amounts(issue: Issue, span: Span, text: str, group: list[Pct], s_start: int) -> Iterator[Finding]:
    """Each amount printed with a share ("每亩保费40元，市财政补贴30%（每亩12元）") against that share of
    the base."""
    qs = quantities(text)
    base = next((q for q in reversed(qs) if s_start <= q.start and q.end <= group[0].start), None)
    if base is None or base.approx:
        return
    for p in group:
        m = re.match(r"\s*[（(]([^（）()]{0,16})[）)]", text[p.end :])
        if not m:
            continue
        inner = [q for q in quantities(m[1]) if q.dim == base.dim]
        if len(inner) != 1:
            continue
        amount = inner[0]
        expect = base.value * p.value / 100
        tol = amount.ulp / 2 + base.ulp * p.value / 200 + 1e-9 * max(1.0, abs(expect))
        if abs(expect - amount.value) <= tol:
            continue
        exp_shown = _fmt(expect, amount.factor, max(amount.decimals, 2)) + amount.unit
        yield issue.finding(
            "arithmetic.shares", "分担金额与比例不符", "错误",
            f"{base.shown}的{p.value:g}%应为{exp_shown}，文中为{amount.shown}",
            _sub(span, p.start, p.end + m.end()),
            numbers={"基数": base.shown, "比例": f"{p.value:g}%", "金额": amount.shown, "应为": exp_shown},
            suggestion=f"应为{exp_shown}（或更正比例）",
        )  # fmt: skip


_PARTIES_COUNT = re.compile(r"([两二三四五])(?:级|方)(?:财政|政府)?\s*(?:共同)?\s*(?:按照?|以)\s*$")
_PARTIES_LIST = re.compile(
    r"由?([\u4e00-\u9fff]{1,6}(?:[、和与及][\u4e00-\u9fff]{1,6})+)(?:财政)?\s*(?:共同)?\s*(?:按照?|以)\s*$"
)


def _ratios(issue: Issue, span: Span, text: str) -> Iterator[Finding]:
    """A ratio such as "按5:3:2的比例分担" should have as many terms as parties named, add up to 100% when
    written in percentages, and agree with any percentages given with it."""
    for m in _RATIO.finditer(text):
        before = text[max(0, m.start() - 24) : m.start()]
        after = text[m.end() : m.end() + 8]
        if not (
            re.search(r"按照?\s*$|以\s*$", before)
            and re.search(r"^\s*的?(?:比例|分担|承担|配套|分配|分成)", after)
        ):
            continue
        terms = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", m.group())]
        pct = "%" in m.group() or "％" in m.group()
        where = _sub(span, m.start(), m.end())
        if pct and abs(sum(terms) - 100) > 1e-9:
            yield issue.finding(
                "arithmetic.shares", "分担比例之和不为100%", "错误",
                f"比例“{m.group()}”各项相加为{sum(terms):g}%，不等于100%", where,
                numbers={"比例": terms, "合计": sum(terms)}, suggestion="各方比例之和应为100%",
            )  # fmt: skip
        n = None
        if pc := _PARTIES_COUNT.search(before):
            n = _CN_NUM[pc[1]]
        elif pl := _PARTIES_LIST.search(before):
            n = len(re.split(r"[、和与及]", pl[1]))
        if n is not None and n != len(terms):
            yield issue.finding(
                "arithmetic.shares", "分担比例与分担方数量不符", "警告",
                f"列出{n}个分担方，比例“{m.group()}”却有{len(terms)}项", where,
                numbers={"分担方": n, "比例项数": len(terms)},
                suggestion=f"比例应有{n}项，与各分担方一一对应",
            )  # fmt: skip
        # percentages stated with the ratio: "按5:3:2的比例…，即中央50%、省30%、县20%"
        s_end = next((i for i in range(m.end(), len(text)) if text[i] in _SENTENCE_END), len(text))
        stated = [float(x) for x in re.findall(r"(\d+(?:\.\d+)?)\s*[%％]", text[m.end() : s_end])]
        if not pct and len(stated) == len(terms) and sum(terms) > 0:
            expect = [t / sum(terms) * 100 for t in terms]
            if any(abs(e - s) > 0.5 for e, s in zip(expect, stated, strict=True)):
                yield issue.finding(
                    "arithmetic.shares", "比例与百分比不一致", "警告",
                    f"比例“{m.group()}”折合{'、'.join(f'{e:.3g}%' for e in expect)}，"
                    f"文中为{'、'.join(f'{s:g}%' for s in stated)}",
                    _sub(span, m.start(), s_end),
                    numbers={"比例": terms, "折合": expect, "文中": stated},
                )  # fmt: skip
