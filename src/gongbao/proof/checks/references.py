"""References between documents: cited titles that do not match the cited 文号, 机关代字 that do not match the
issuer named in the cited title, and thresholds that two documents of one issue set differently.

``references.citation_title``
  * a 文号 of a document printed in this issue, cited with a 《title》 that is not that document's title;
  * a 《title》 that is exactly the title of a document of this issue, cited with another 文号 of the same
    series and year;
  * a 《title》 cited without 文号 that is almost, but not exactly, the title of another document of this issue;
  * one 文号 cited with two different titles in the issue (the cited document is not printed here).
``references.citation_issuer``
  the 机关代字 of a cited 文号 belongs to one place ("晋政发" 山西省) while the cited title names another as its
  issuer ("晋城市人民政府关于…").
``crossdoc.threshold``
  two documents of the issue tie the same measured subject at the same level (Ⅰ级响应, 较大事件, 红色预警)
  to different numbers: "阳城县电网减供负荷20%以上40%以下" for Ⅲ级 in one emergency plan, "40%以上60%以下"
  in another.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from importlib import resources

from gongbao.link.citations import Citation, core_title, extract, title_key
from gongbao.parse.docno import parse_doc_no
from gongbao.parse.models import Document
from gongbao.proof.core import Finding, Issue, Span, checker

CJK = r"\u4e00-\u9fff"


# --------------------------------------------------------------------------------------------------
# shared helpers


def county_of(issue: Issue) -> str | None:
    """The county (or city district) whose gazette this is: "阳城县人民政府公报" → 阳城县."""
    names = [issue.result.gazette.name if issue.result.gazette else None]
    names += [d.issuer for d in issue.documents]
    for n in names:
        m = re.match(rf"^([{CJK}]{{1,6}}?(?:县|区|旗|市))人民政府", n or "")
        if m:
            return m.group(1)
    return None


def _span(doc: Document, c: Citation) -> Span:
    return Span(doc, doc.parts[c.part], c.start, c.end)


_ISSUER_HEAD = re.compile(
    rf"^(?:中共)?[{CJK}\s]{{2,40}}?(?:人民政府|办公厅|办公室|委员会|政府|局|厅|部|委|院|中心|会)(?=关于)"
)
#: Parenthesised qualifiers that a citation may leave out: "（试行）", "（简版）", "（修订）".
_QUALIFIER = re.compile(r"[（(](?:试行|暂行|修订|修订版|简版|征求意见稿|草案)[）)]")


#: A trailing period of validity: "（2021—2025年）", "(2021-2035)".
_YEARS = re.compile(r"[（(]\s*\d{4}\s*[—\-–~～至]+\s*\d{2,4}\s*年?\s*[)）]$")


def _norm(title: str) -> str:
    """A title reduced to the text it names: no issuer, no 关于印发…的通知 wrapper, no （试行）."""
    t = _QUALIFIER.sub("", title.replace("〈", "《").replace("〉", "》"))
    t = _YEARS.sub("", t.strip())
    t = _ISSUER_HEAD.sub("", re.sub(r"\s+", "", t))
    t = core_title(t)
    t = re.sub(r"^关于", "", t)
    t = re.sub(r"(?:的通知|的决定|的批复|的函)$", "", t)
    return title_key(t)


def _doc_names(doc: Document) -> set[str]:
    names = {doc.title, core_title(doc.title)}
    names.update(p.title for p in doc.parts if p.title)
    names.update(doc.extra.get("issued_titles", []))
    names.update(a.title for a in doc.attachments)
    if doc.extra.get("toc_title"):
        names.add(doc.extra["toc_title"])
    return {n for n in (_norm(x) for x in names if x) if n}


def _same(a: str, names: set[str]) -> bool:
    return a in names or any(
        a and n and (a.endswith(n) or n.endswith(a)) and abs(len(a) - len(n)) <= 8 for n in names
    )


def _region(text: str) -> str | None:
    """The place a title starts with: "晋城市人民政府关于…" → 晋城市, "中共阳城县委…" → 阳城县."""
    m = re.match(rf"^(?:中共)?([{CJK}]{{2,6}}?(?:省|市|县|区))(?![级域内外直属])", text)
    if not m or re.search(r"关于|印发|转发|[的和与及对在]", m.group(1)):
        return None
    return m.group(1)


def _digits(s: str) -> list[str]:
    return re.findall(r"\d+", s)


# --------------------------------------------------------------------------------------------------
# references.citation_title


@checker("references.citation_title")
def citation_title(issue: Issue) -> Iterator[Finding]:
    """A cited title that does not match the cited document (printed in this issue, or cited elsewhere)."""
    docs = issue.documents
    by_no = {d.doc_no: d for d in docs if d.doc_no}
    names = {id(d): _doc_names(d) for d in docs}
    cites = [(d, c) for d in docs for c in extract(d) if c.within is None or c.doc_no]
    external: dict[str, list[tuple[Document, Citation]]] = defaultdict(list)
    for d, c in cites:
        if not c.title or c.kind not in ("doc_no", "title"):
            continue
        key = _norm(c.title)
        target = by_no.get(c.doc_no) if c.doc_no else None
        if target is not None and target is not d:
            if not _same(key, names[id(target)]):
                other = next((o for o in docs if o is not target and key in names[id(o)]), None)
                if other is not None and other.doc_no:
                    fix = f"文号应为“{other.doc_no}”（《{c.title}》是本期刊登的{other.doc_no}）"
                else:
                    fix = f"应为《{target.title}》，或核对文号"
                yield issue.finding(
                    "references.citation_title", "引用标题与被引文件不符", "警告",
                    f"引用“{c.doc_no}”时写作《{c.title}》，而本期刊登的{c.doc_no}标题为《{target.title}》，"
                    "文号与标题必有一处有误",
                    _span(d, c), numbers={"引用标题": c.title, "原标题": target.title}, related=[c.doc_no],
                    suggestion=fix,
                )  # fmt: skip
            continue
        if c.doc_no:
            external[c.doc_no].append((d, c))
        if c.relation in ("废止", "部分废止") or c.replaces:
            continue  # an old edition repealed: its title may well be the new one's
        others = [o for o in docs if o is not d and o.doc_no]
        if c.doc_no:
            cited = parse_doc_no(c.doc_no)
            for o in others:
                p = o.doc_no_parts or {}
                if (
                    key in names[id(o)]
                    and cited
                    and (cited.prefix, cited.year) == (p.get("prefix"), p.get("year"))
                ):
                    yield issue.finding(
                        "references.citation_title", "引用文号与标题不符", "警告",
                        f"《{c.title}》是本期刊登的{o.doc_no}，此处文号却写作“{c.doc_no}”",
                        _span(d, c), numbers={"引用文号": c.doc_no, "本期文号": o.doc_no}, related=[o.doc_no],
                        suggestion=f"文号应为“{o.doc_no}”",
                    )  # fmt: skip
            continue
        near = _near_title(key, others, names)
        if near is not None:
            o, name = near
            sev = "警告" if _changed(key, name) <= 2 else "提示"
            yield issue.finding(
                "references.citation_title", "引用标题与本期文件标题不一致", sev,
                f"《{c.title}》与本期刊登的{o.doc_no}《{o.title}》仅有个别字不同，请核对引用标题",
                _span(d, c), numbers={"引用标题": c.title, "本期标题": o.title}, related=[o.doc_no],
                suggestion=f"如指{o.doc_no}，应为《{_printed_name(o, name)}》",
            )  # fmt: skip
    yield from _same_doc_no_different_titles(issue, external)
    yield from _variant_titles(issue, cites, names)


def _printed_name(doc: Document, key: str) -> str:
    for t in [*(p.title for p in doc.parts if p.title), *doc.extra.get("issued_titles", []), doc.title]:
        if t and _norm(t) == key:
            return t
    return doc.title


def _near_title(key: str, others: list[Document], names: dict[int, set[str]]) -> tuple[Document, str] | None:
    """Another document whose title differs from ``key`` by a few characters, not by place, year or kind."""
    if len(key) < 8:
        return None
    best: tuple[float, Document, str] | None = None
    for o in others:
        for n in names[id(o)]:
            if n == key or _same(key, {n}):
                return None  # it cites that document correctly
            if _digits(n) != _digits(key) or _region(n) != _region(key):
                continue
            r = SequenceMatcher(None, key, n).ratio()
            if r >= 0.88 and (best is None or r > best[0]):
                best = (r, o, n)
    if best is None:
        return None
    if _only_qualifier_diff(key, best[2]):
        return None
    return best[1], best[2]


#: Words whose presence or absence makes another document, not a misquoted one: editions, kinds of text.
_DIFFERENT_DOC = re.compile(
    r"暂行|试行|修订|补充|实施|细则|意见|办法|方案|规划|计划|预案|规定|通知|决定|年|期"
)


def _changed(a: str, b: str) -> int:
    """How many characters are inserted, deleted or replaced between two titles."""
    return sum(
        max(i2 - i1, j2 - j1)
        for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b).get_opcodes()
        if op != "equal"
    )


def _only_qualifier_diff(a: str, b: str) -> bool:
    """The titles differ only by words that name a different text (暂行 edition, 实施方案 of a 规划 …)."""
    diff = ""
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b).get_opcodes():
        if op != "equal":
            diff += a[i1:i2] + b[j1:j2]
    return bool(_DIFFERENT_DOC.search(diff))


def _same_doc_no_different_titles(
    issue: Issue, external: dict[str, list[tuple[Document, Citation]]]
) -> Iterator[Finding]:
    """One 文号 cited with two titles that name different texts."""
    for no, uses in external.items():
        groups: dict[str, list[tuple[Document, Citation]]] = defaultdict(list)
        for d, c in uses:
            k = _norm(c.title or "")
            match = next((g for g in groups if g == k or _same(k, {g}) or k in g or g in k), None)
            groups[match or k].append((d, c))
        if len(groups) < 2:
            continue
        collective = [bool(_COLLECTIVE.search(g)) for g in groups]
        if any(collective) and not all(collective):
            continue  # "关于印发…等六个办法的通知" and one of the six, both under the notice's 文号

        # the reference reading: not a slip that names a text of the citing document itself, then the most
        # frequent, then the first printed
        def rank(kv: tuple[str, list[tuple[Document, Citation]]]) -> tuple[bool, int, int]:
            k, us = kv
            return (any(_contains_own(k, d) for d, _ in us), -len(us), _first_line(us))

        ranked = sorted(groups.items(), key=rank)
        ref_key, ref_uses = ranked[0]
        for k, us in ranked:
            if k == ref_key:
                continue
            d, c = us[0]
            ref_title = ref_uses[0][1].title
            own = next((n for n in _own_names(d) if n in k and n not in ref_key), None)
            why = f"；此处标题含本文件自身名称“{own}”，疑为误写" if own else ""
            yield issue.finding(
                "references.citation_title", "同一文号引用标题不一致", "警告",
                f"“{no}”此处引作《{c.title}》，本期另处（{_where(ref_uses)}）引作《{ref_title}》，"
                f"两者不是同一标题{why}",
                _span(d, c), numbers={"此处标题": c.title, "另处标题": ref_title}, related=[no],
                suggestion=f"核对后统一为原文件标题（另处为《{ref_title}》）",
            )  # fmt: skip


#: A notice issuing several texts: "…等四项政策措施", "…等六个办法", "X和Y".
_COLLECTIVE = re.compile(r"等[一二三四五六七八九十两\d]+[项个部件份]|[和及与、]")


#: Words a citation drops or adds by slip without naming another text: "总体预案" for "总体应急预案",
#: "突发公共事件" for "突发事件", "县政府" for "县人民政府".
_SLIP_WORDS = {"应急", "公共", "人民"}


def _slip(a: str, b: str) -> bool:
    """``b`` is ``a`` with one slip word inserted (or the reverse)."""
    if len(a) > len(b):
        a, b = b, a
    ops = [o for o in SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if o[0] != "equal"]
    return len(ops) == 1 and ops[0][0] == "insert" and b[ops[0][3] : ops[0][4]] in _SLIP_WORDS


def _variant_titles(
    issue: Issue, cites: list[tuple[Document, Citation]], names: dict[int, set[str]]
) -> Iterator[Finding]:
    """One local document (same place) cited under two titles that differ by a slip word."""
    own = set().union(*names.values()) if names else set()
    uses: dict[str, list[tuple[Document, Citation]]] = defaultdict(list)
    for d, c in cites:
        if c.title and c.kind == "title":
            k = _norm(c.title)
            if _region(k) and k not in own:
                uses[k].append((d, c))
    keys = sorted(uses)
    links = {k: {o for o in keys if o != k and _region(o) == _region(k) and _slip(k, o)} for k in keys}
    for k in keys:
        if not links[k]:
            continue
        # the reading to keep: linked to most variants, then cited most often, then printed first
        group = {k} | links[k]
        ref = min(group, key=lambda x: (-len(links[x]), -len(uses[x]), _first_line(uses[x])))
        if k == ref or ref not in links[k]:
            continue
        d, c = min(uses[k], key=lambda u: u[1].line_start)
        ref_title = uses[ref][0][1].title
        yield issue.finding(
            "references.citation_title", "同一文件引用标题不一致", "提示",
            f"《{c.title}》与本期另处（{_where(uses[ref])}）所引《{ref_title}》应为同一文件，标题写法不一",
            _span(d, c), numbers={"此处标题": c.title, "另处标题": ref_title},
            suggestion=f"核对原文件标题后统一（另处为《{ref_title}》）",
        )  # fmt: skip


def _first_line(uses: list[tuple[Document, Citation]]) -> int:
    return min(c.line_start for _, c in uses)


def _where(uses: list[tuple[Document, Citation]]) -> str:
    return "、".join(sorted({f"{d.doc_no or d.title}第{c.line_start}行" for d, c in uses}))


def _own_names(doc: Document) -> list[str]:
    return sorted((n for n in _doc_names(doc) if len(n) >= 6), key=len, reverse=True)


def _contains_own(key: str, doc: Document) -> bool:
    return any(n in key for n in _own_names(doc))


# --------------------------------------------------------------------------------------------------
# references.citation_issuer


@cache
def _prefix_table() -> dict:
    raw = resources.files("gongbao.data").joinpath("issuer_prefixes.json").read_text(encoding="utf-8")
    return json.loads(raw)


_LEVEL_RANK = {"national": 0, "province": 1, "city": 2, "county": 3}


def _prefix_region(prefix: str) -> tuple[str, str, str] | None:
    """(code, place, level) of the region a 机关代字 starts with: "晋市政办发" → ("晋市", "晋城市", "city")."""
    t = _prefix_table()
    if any(prefix == code for code, _, _ in t["exact"]):
        return None
    regions = sorted(t["regions"], key=lambda r: -len(r[0]))
    return next(((c, n, lv) for c, n, lv in regions if prefix.startswith(c)), None)


def _level_of(place: str) -> str:
    return {"省": "province", "市": "city"}.get(place[-1], "county")


@checker("references.citation_issuer")
def citation_issuer(issue: Issue) -> Iterator[Finding]:
    """The 文号's 机关代字 and the issuer named in the cited title are of different places."""
    t = _prefix_table()
    for d in issue.documents:
        for c in extract(d):
            if c.kind != "doc_no" or not c.title or not c.doc_no:
                continue
            dn = parse_doc_no(c.doc_no)
            region = _prefix_region(dn.prefix) if dn else None
            place = _region(c.title.strip())
            if not region or not place:
                continue
            code, pname, plevel = region
            if _same_place(place, pname):
                continue
            tlevel = _level_of(place)
            higher = _LEVEL_RANK[tlevel] < _LEVEL_RANK[plevel]
            own = next((cd for cd, n, _ in t["regions"] if _same_place(place, n)), None)
            fix = f"{own}{dn.prefix[len(code) :]}〔{dn.year}〕{dn.serial}号" if own else None
            if higher:  # a 山西省 text with a 晋城市 文号: maybe the city forwarded it
                sev, why = "提示", f"如为{pname}转发{place}文件，请写明转发文件标题；否则"
            else:
                sev, why = "警告", ""
            suggestion = f"{why}核对文号或标题" + (f"（{place}文件的文号应为“{fix}”）" if fix else "")
            yield issue.finding(
                "references.citation_issuer", "引用文号与发文机关不符", sev,
                f"《{c.title}》是{place}的文件，所注文号“{c.doc_no}”的机关代字“{code}”却属于{pname}",
                _span(d, c), numbers={"文号": c.doc_no, "机关代字所属": pname, "标题所属": place},
                related=[c.doc_no], suggestion=suggestion,
            )  # fmt: skip


def _same_place(a: str, b: str) -> bool:
    return a == b or a.rstrip("省市县区") == b.rstrip("省市县区")


# --------------------------------------------------------------------------------------------------
# crossdoc.threshold

_ROMAN = {
    "Ⅰ": 1,
    "Ⅱ": 2,
    "Ⅲ": 3,
    "Ⅳ": 4,
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
}
_ROMAN.update({"1": 1, "2": 2, "3": 3, "4": 4})
_GRADE = {"特别重大": 1, "重大": 2, "较大": 3, "一般": 4}
_COLOUR = {"红色": 1, "橙色": 2, "黄色": 3, "蓝色": 4}
_RESPONSE_NAME = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ"}
_GRADE_NAME = {v: k for k, v in _GRADE.items()}
_COLOUR_NAME = {v: k for k, v in _COLOUR.items()}

_LEVEL = re.compile(
    r"(?P<resp>IV|III|II|I|[ⅠⅡⅢⅣ一二三四1234])\s*级\s*(?:应急)?响应"
    r"|(?P<grade>特别重大|(?<!特别)重大|较大|一般)(?![以及和、或]|以上|以下)"
    rf"(?=[{CJK}（()）]{{0,14}}?(?:事件|事故|灾害|灾情|火灾|险情|疫情|污染|停电))"
    r"|(?P<colour>红色|橙色|黄色|蓝色)\s*(?:预警|等级)"
)
_LEVEL_LIST = re.compile(r"(?:IV|III|II|I|[ⅠⅡⅢⅣ一二三四])\s*级[、和及与至到—\-~～]")

_NUM = r"\d+(?:\.\d+)?"
_UNIT = (
    r"(?:%|％|‰|万元|亿元|元|万人|人|户|公顷|亩|平方米|平方公里|千米|公里|米|毫米|mm|兆瓦|千瓦|万千瓦|MW|"
    r"小时|天|日|个月|吨|万吨|立方米|m³|℃|家|座|处|次|头|只|微克/立方米|μg/m³)"
)
_RANGE = re.compile(
    rf"(?P<a>{_NUM})\s*(?P<ua>{_UNIT})?\s*(?:\(含\)|（含）)?\s*(?:以上|及以上|或以上)\s*[、，,至到]?\s*"
    rf"(?P<b>{_NUM})\s*(?P<ub>{_UNIT})\s*(?:\(不含\)|（不含）)?\s*(?:以下|以内|及以下|或以下)"
    rf"|(?P<a2>{_NUM})\s*(?P<ua2>{_UNIT})?\s*[—–\-~～至到]\s*(?P<b2>{_NUM})\s*(?P<ub2>{_UNIT})(?![\d/年月日])"
    rf"|(?:超过|超出|超|高于|大于|多于|不低于|不少于)\s*(?P<lo>{_NUM})\s*(?P<ulo>{_UNIT})\s*(?:以上)?"
    rf"|(?P<lo2>{_NUM})\s*(?P<ulo2>{_UNIT})\s*(?:\(含\)|（含）)?\s*(?:以上|及以上|或以上)"
    rf"|(?:低于|少于|小于|不足|不超过|不到)\s*(?P<hi>{_NUM})\s*(?P<uhi>{_UNIT})"
    rf"|(?P<hi2>{_NUM})\s*(?P<uhi2>{_UNIT})\s*(?:\(不含[^)）]*\)|（不含[^)）]*）)?\s*(?:以下|以内|及以下|或以下)"
)
_SCALE_UNIT = {"亿元": ("万元", 10000.0), "万人": ("人", 10000.0), "万吨": ("吨", 10000.0), "％": ("%", 1.0)}
#: Subjects that every kind of emergency grades by, with thresholds that differ between kinds of event
#: (a 较大 geological disaster and a 较大 production accident have different 直接经济损失 bands).
_GENERIC = re.compile(
    r"(?:死亡|失踪|重伤|轻伤|受伤|伤亡|中毒|遇险|被困|直接|间接|经济损失|损失|转移|安置|疏散|受灾|人员|人数|人口|"
    r"和|或|及|与|、|（|）|\(|\)|急性工业|包括|下同|的)+"
)


#: Steps of the response, whose deadlines are procedure, not the measure of an event.
_PROCEDURE = re.compile(r"报|到达|赶赴|抵达|完成|处置|启动|值班|会商|发布|通知|反馈|答复|办结")


@dataclass
class _Threshold:
    doc: Document
    span: Span
    scope: str | None  # 省 / 市 / 县 / 乡镇, when the sentence names one
    subject: str
    unit: str
    low: float | None
    high: float | None
    levels: tuple[tuple[str, int], ...]
    text: str  # the clause as printed


def _levels(text: str) -> list[tuple[str, int]]:
    out = []
    for m in _LEVEL.finditer(text):
        if m.group("resp"):
            out.append(("response", _ROMAN[m.group("resp")]))
        elif m.group("grade"):
            out.append(("grade", _GRADE[m.group("grade")]))
        else:
            out.append(("warning", _COLOUR[m.group("colour")]))
    return out


def _level_name(level: tuple[str, int]) -> str:
    scale, rank = level
    if scale == "response":
        return f"{_RESPONSE_NAME[rank]}级响应"
    if scale == "grade":
        return _GRADE_NAME[rank]
    return f"{_COLOUR_NAME[rank]}预警"


_ITEM = re.compile(
    r"^\s*(?:[（(]\s*\d{1,2}\s*[)）]|\d{1,2}\s*[.、．](?!\d)|[①-⑳]|[（(][一二三四五六七八九十]{1,3}[)）])"
)
_HEADING_NUM = re.compile(
    r"^\s*(?:\d+(?:\.\d+)*\.?|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）])\s*"
)
_CONDITION_LABEL = re.compile(r"^(?:启动|响应|分级|预警)?(?:条件|标准|情形)[:：]?$")


def _paragraphs(doc: Document) -> Iterator[tuple[Span, str]]:
    """Paragraphs of each part, a page-broken paragraph joined back to its start."""
    for part in doc.parts:
        pending: tuple[int, int] | None = None
        for m in re.finditer(r"[^\n]+", part.text):
            s, e = m.start(), m.end()
            line = m.group(0)
            if pending and _continues(part.text[pending[0] : pending[1]], line):
                pending = (pending[0], e)
            else:
                if pending:
                    yield Span(doc, part, *pending), part.text[pending[0] : pending[1]]
                pending = (s, e)
            if re.search(r"[。；;！？:：]\s*$", part.text[pending[0] : pending[1]]):
                yield Span(doc, part, *pending), part.text[pending[0] : pending[1]]
                pending = None
        if pending:
            yield Span(doc, part, *pending), part.text[pending[0] : pending[1]]


def _continues(before: str, line: str) -> bool:
    """``line`` carries on a paragraph broken at a page end ("…主要" / "煤炭经营企业最低库存…")."""
    if _ITEM.match(line) or _HEADING_NUM.match(line):
        return False
    return len(before) > 30 or bool(_ITEM.match(before))


def _context_setter(text: str) -> list[tuple[str, int]] | None:
    """Levels announced by a heading ("4.3.1 Ⅲ级响应") or an intro ("…之一时，启动Ⅲ级响应：")."""
    body = _HEADING_NUM.sub("", text).strip()
    if _LEVEL_LIST.search(body):
        return None  # "分为Ⅲ级、Ⅱ级、Ⅰ级": a list, not one level
    levels = _levels(body)
    if not levels or len({lv[0] for lv in levels}) != len(levels):
        return None
    short_heading = len(body) <= 30 and not re.search(r"[。；;，,]", body)
    intro = re.search(r"(?:下列|以下|如下)(?:情形|条件|情况)", body) and re.search(r"[:：。]\s*$", body)
    return levels if short_heading or intro else None


_SCOPES = (
    ("乡镇", r"乡\s*[（(]\s*镇\s*[)）]|乡镇|乡、镇"),
    ("省", r"全省|省级|省域|省电网|省内"),
    ("市", r"全市|市级|市域|市电网|市内|[{CJK}]{2,3}市"),
    ("县", r"全县|县级|县域|县电网|县内|本县|我县|[{CJK}]{2,3}县"),
)


def _scope(text: str, county: str | None) -> str | None:
    best: tuple[int, str] | None = None
    pats = [(name, rx.replace("{CJK}", CJK)) for name, rx in _SCOPES]
    if county:
        short = county[:-1] if len(county) > 2 else county
        pats.append(("县", re.escape(short)))
    for name, rx in pats:
        m = re.search(rx, text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None


def _subject(prefix: str, suffix: str, county: str | None) -> str:
    p = _ITEM.sub("", re.sub(r"\s+", "", prefix))
    p = re.sub(r"^.*?范围内", "", p)
    p = re.split(r"造成|导致|引起|引发的?|致使|使", p)[-1]
    if county:
        p = p.replace(county, "").replace(county[:-1], "") if len(county) > 2 else p.replace(county, "")
    p = re.sub(r"^(?:或者|或|以及|及|并且|且|和|同时|其中|当)+", "", p)
    p = re.sub(
        r"^(?:全县|全市|全省|县域|市域|省域|本县|我县|乡[（(]镇[)）]|乡镇|县级|市级|省级|县|市|省)+", "", p
    )
    p = re.sub(r"(?:达到|达|超过|超出|超|高于|低于|大于|小于|不足|为|在|约|占|累计|共计|共|时)+$", "", p)
    s = re.sub(r"\s+", "", suffix)
    s = re.split(r"的|，|,", s)[0]
    key = p + s
    key = re.sub(r"[（(][^（()）]*[)）]", "", key)
    return re.sub(r"[“”\"'、。；;，,：:！？]", "", key)


def _value(v: str | None, unit: str | None) -> tuple[float | None, str]:
    if v is None:
        return None, unit or ""
    u = unit or ""
    base, factor = _SCALE_UNIT.get(u, (u, 1.0))
    return float(v) * factor, base


def _thresholds(doc: Document, county: str | None) -> list[_Threshold]:
    out: list[_Threshold] = []
    context: list[tuple[str, int]] | None = None
    for span, text in _paragraphs(doc):
        setter = _context_setter(text)
        if setter:
            context = setter
            continue
        body = _HEADING_NUM.sub("", text).strip()
        is_item = bool(_ITEM.match(text))
        if not is_item:
            if _CONDITION_LABEL.match(body) or (len(body) <= 12 and re.search(r"条件|标准", body)):
                continue  # "4.3.1.1 启动条件": still the same level
            own = _levels(text)
            if not own or not _RANGE.search(text):
                context = None
                continue
        out.extend(_statements(span, text, context, county))
    return out


def _statements(
    span: Span, text: str, context: list[tuple[str, int]] | None, county: str | None
) -> list[_Threshold]:
    found: list[_Threshold] = []
    scope: str | None = None
    first = _RANGE.search(text)
    if not first:
        return found
    before = _levels(text[: first.start()])
    levels = before[-1:] or (context or [])
    if not levels:
        return found
    pos = 0
    for clause in re.split(r"(?<=[，,；;。：:])|(?=或者)|(?=或(?!以[上下]))", text):
        start = text.find(clause, pos)
        pos = start + len(clause)
        ranges = list(_RANGE.finditer(clause))
        sc = _scope(clause[: ranges[0].start()] if ranges else clause, county)
        scope = sc or scope
        if len(ranges) != 1 or re.search(r"(?:以上|以下|以内|[%％\d])\s*时(?!间)|其中|每|/", clause):
            continue  # conditional ("负荷20000兆瓦以上时减供负荷13%以上") or several quantities: skip
        m = ranges[0]
        g = m.groupdict()
        low, unit = _value(
            g["a"] or g["a2"] or g["lo"] or g["lo2"], g["ua"] or g["ua2"] or g["ulo"] or g["ulo2"]
        )
        high, unit2 = _value(
            g["b"] or g["b2"] or g["hi"] or g["hi2"], g["ub"] or g["ub2"] or g["uhi"] or g["uhi2"]
        )
        unit = unit2 if high is not None and (low is None or not unit) else unit
        subject = _subject(clause[: m.start()], clause[m.end() :], county)
        if len(subject) < 3 or _GENERIC.fullmatch(subject):
            continue
        if unit in ("小时", "天", "日", "个月") and _PROCEDURE.search(subject):
            continue  # "1小时内上报": a deadline of the procedure, each plan sets its own
        a = span.start + start
        found.append(
            _Threshold(
                span.doc,
                Span(span.doc, span.part, a, a + len(clause)),
                scope,
                subject,
                unit,
                low,
                high,
                tuple(levels),
                clause.strip(" ，,；;。"),
            )  # fmt: skip
        )
    return found


def _fmt(t: _Threshold) -> str:
    def n(x: float) -> str:
        return f"{x:g}"

    u = t.unit
    if t.low is not None and t.high is not None:
        return f"{n(t.low)}{u}至{n(t.high)}{u}"
    if t.low is not None:
        return f"{n(t.low)}{u}以上"
    return f"{n(t.high)}{u}以下" if t.high is not None else "?"


@checker("crossdoc.threshold")
def threshold(issue: Issue) -> Iterator[Finding]:
    """The same subject, scope and level bound to different numbers by two documents of the issue."""
    county = county_of(issue)
    index: dict[tuple, dict[int, list[_Threshold]]] = defaultdict(lambda: defaultdict(list))
    order = {id(d): i for i, d in enumerate(issue.documents)}
    found = [t for d in issue.documents for t in _thresholds(d, county)]
    canon = _subject_typos([t.subject for t in found])
    for t in found:
        t.subject = canon.get(t.subject, t.subject)
        for lv in t.levels:
            index[(t.scope, t.subject, t.unit, lv)][order[id(t.doc)]].append(t)
    # conflicts, gathered per pair of documents and scope: one finding lists every subject and level
    pairs: dict[tuple[int, int, str | None], list[tuple[tuple, _Threshold, _Threshold]]] = defaultdict(list)
    for key, per_doc in index.items():
        docs = sorted(per_doc)
        for i, a in enumerate(docs):
            for b in docs[i + 1 :]:
                if _MULTI_HAZARD.search(key[1]) and _event(issue.documents[a]) != _event(issue.documents[b]):
                    continue  # rainfall, wind, water level: each kind of emergency has its own bands
                va = {(t.low, t.high) for t in per_doc[a]}
                vb = {(t.low, t.high) for t in per_doc[b]}
                if va & vb or len(va) > 1 or len(vb) > 1:
                    continue
                pairs[(a, b, key[0])].append((key, per_doc[a][0], per_doc[b][0]))
    for (a, b, scope), items in sorted(pairs.items(), key=lambda kv: kv[0]):
        da, db = issue.documents[a], issue.documents[b]
        na, nb = da.doc_no or f"《{_short(da)}》", db.doc_no or f"《{_short(db)}》"
        seen: set[tuple[int, int]] = set()
        lines, parts, numbers = [], [], {}
        for key, ta, tb in sorted(items, key=lambda it: (it[0][3], it[2].span.start)):
            if (ta.span.start, tb.span.start) in seen:
                continue  # the same two clauses under a second level name (Ⅰ级 = 特别重大)
            seen.add((ta.span.start, tb.span.start))
            lv = _level_name(key[3])
            subj = f"{_SCOPE_NAME.get(scope or '', '')}{tb.subject}"
            parts.append(f"{lv}“{subj}”本文件为{_fmt(tb)}，{na}为{_fmt(ta)}")
            numbers[f"{lv}·{subj}"] = {nb: _fmt(tb), na: _fmt(ta)}
            lines.extend(tb.span.lines)
        if not parts:
            continue
        f = issue.finding(
            "crossdoc.threshold", "同一事项分级标准前后不一致", "警告",
            f"与本期{na}《{_short(da)}》对同一事项同一级别规定的数值不同：" + "；".join(parts),
            min(lines), db, numbers=numbers, related=[na],
            suggestion="核对两份文件的分级标准，统一数值，或写明两者适用范围的区别",
        )  # fmt: skip
        f.line_end = max(lines)
        yield f


#: Measurements that several kinds of emergency are graded by, each with its own bands (a flood plan and a
#: geological-disaster plan both grade by rainfall): compared only between plans for the same event.
_MULTI_HAZARD = re.compile(
    r"降雨|降水|雨量|降雪|积雪|风力|风速|气温|温度|能见度|AQI|空气质量指数|水位|流量|震级|烈度"
)


def _event(doc: Document) -> str:
    """What a plan is for: "阳城县大面积停电事件应急预案" → 大面积停电事件."""
    t = re.sub(r"\s+", "", _short(doc))
    t = re.sub(r"[（(][^（()）]*[)）]$", "", t)
    t = re.sub(rf"^[{CJK}]{{2,6}}?(?:省|市|县|区)", "", t)
    return re.sub(r"(?:专项)?(?:应急)?(?:预案|方案|办法)$", "", t)


_SCOPE_NAME = {"县": "县级", "市": "市级", "省": "省级", "乡镇": "乡（镇）"}


def _subject_typos(subjects: list[str]) -> dict[str, str]:
    """Subjects that are another one with a stray character ("供用电用户停电" for "供电用户停电"), mapped to it."""
    count: dict[str, int] = defaultdict(int)
    for x in subjects:
        count[x] += 1
    out = {}
    for x in count:
        for y in count:
            if len(x) == len(y) + 1 and len(y) >= 4 and count[y] >= count[x]:
                ops = [
                    o for o in SequenceMatcher(None, y, x, autojunk=False).get_opcodes() if o[0] != "equal"
                ]
                if len(ops) == 1 and ops[0][0] == "insert":
                    out[x] = y
    return out


def _short(doc: Document) -> str:
    main = next((p.title for p in doc.parts if p.role == "main_text" and p.title), None)
    return main or doc.title
