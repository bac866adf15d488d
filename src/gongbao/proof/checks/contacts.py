"""Contacts: the same unit given different telephone numbers in one issue.

Emergency plans end with 应急通讯录 / 联络表 tables ("县应急管理局	0356-4222123"), and texts write
"县应急管理局值班电话：4222123". Within one issue the same unit's duty line should be the same everywhere.

Units are compared under one name per body: 县应急局 = 县应急管理局 (the county's agency list, see
:mod:`gongbao.link.agencies`), 国网阳城供电公司 = 县供电公司, 移动公司 = 中国移动阳城分公司; numbers with or without
the area code ("0356-4222056" = "4222056"). Mobile numbers belong to people, fax lines are not phone lines, and a
unit given two numbers in one document has several lines: none of these is compared.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from gongbao.link.agencies import canonical, mentions
from gongbao.parse.models import Document, Part
from gongbao.proof.checks.references import county_of
from gongbao.proof.core import Finding, Issue, Span, checker

CJK = r"\u4e00-\u9fff"

#: A telephone number: "0356-4222056", "(0356)4239334", "（0356）4239334", "4222056", "18635617707".
PHONE = re.compile(
    r"(?<![\d\-—－])(?:(?:[（(]\s*(?P<area1>0\d{2,3})\s*[)）]|(?P<area2>0\d{2,3})\s*[-—－–])\s*)?"
    r"(?P<local>\d{7,8})(?![\d\-—－])|(?<!\d)(?P<mobile>1[3-9]\d{9})(?!\d)"
)
_CELL_PHONE = re.compile(rf"^\s*(?:{PHONE.pattern})\s*$")
#: Words that say a table or a paragraph lists telephone numbers.
_CONTACT_CONTEXT = re.compile(r"电\s*话|通讯录|通信录|联络表|联络方式|联系方式|联系表|传\s*真")
#: Columns that make a table a list of people, whose numbers are theirs, not their unit's.
_PERSON_COLUMN = re.compile(r"姓\s*名|联系人|职\s*务|负责人|责任人|值班员|带班")
#: A label before a number in running text: "值班电话：", "联系电话为", "（电话：".
_LABEL = re.compile(
    r"^\s*[（(，,]?\s*(?P<label>(?:24小时)?(?:应急)?(?:值班|办公|联系|咨询|服务)?(?:电话|传真))(?:号码)?\s*(?:为|是)?\s*[:：]?\s*"
)
_UNIT_SUFFIX = re.compile(
    r"(?:局|委|办|院|队|司|部|站|所|室|处|中心|会|镇|乡|街道|政府|厂|社|行|组|团|馆|台|公司|集团|大队|支队|分局)$"
)


@dataclass
class _Entry:
    doc: Document
    span: Span
    unit: str  # as printed
    key: str  # one name per body
    number: str  # local digits
    area: str | None
    kind: str  # duty | office | generic | fax | mobile


def _kind(label: str) -> str:
    t = re.sub(r"\s+", "", label)
    if "传真" in t:
        return "fax"
    if "手机" in t or "移动电话" in t:
        return "mobile"
    if "办公" in t:
        return "office"
    if "值班" in t or "应急" in t or "24小时" in t:
        return "duty"
    return "generic"


_CARRIERS = (
    ("中国移动", re.compile(r"移动(?:公司|通信|分公司)|^中国移动")),
    ("中国联通", re.compile(r"联通|联合网络通信")),
    ("中国电信", re.compile(r"电信|^中国电(?![力网建科子影气视能])")),
    ("中国铁塔", re.compile(r"铁塔")),
    ("供电公司", re.compile(r"供电(?:支|分)?公司|电力公司|供电局")),
)


def unit_key(name: str, county: str | None) -> str:
    """One name per body: "县应急局" and "阳城县应急管理局" → 县应急管理局; "中国移动阳城分公司" → 中国移动."""
    n = re.sub(r"\s+", "", name)
    for key, rx in _CARRIERS:
        if rx.search(n):
            return key
    n = re.sub(r"(?:总)?值班室$", "", n)
    n = re.sub(r"交警队$", "交警大队", n)
    m = re.fullmatch(rf"([{CJK}]{{1,5}}[乡镇])(?:人民)?政府", n)
    if m:
        return m.group(1)
    if county and n.startswith(county) and len(n) > len(county):
        n = "县" + n[len(county) :]
    return canonical(n, county)[0]


def _is_unit(cell: str) -> bool:
    c = re.sub(r"\s+", "", cell)
    if len(c) < 2 or not re.search(rf"[{CJK}]", c) or len(c) > 30 or re.fullmatch(r"[\d.、]+", c):
        return False
    return len(c) >= 4 or bool(_UNIT_SUFFIX.search(c))


#: A row of a table printed with spaces instead of tabs: "县应急管理局  0356-4222123  凤城镇  4222788".
_SPACE_ROW = re.compile(
    rf"^\s*(?:\d{{1,3}}\s+)?(?:[{CJK}（）()]{{2,30}}\s+(?:{PHONE.pattern})\s*(?:\d{{1,3}}\s+)?)+$"
)


def _cells(text: str) -> list[tuple[int, str]]:
    """(offset, text) of the cells of a table row: tab-separated, or space-separated when there is no tab."""
    out = []
    if "\t" in text:
        pos = 0
        for c in text.split("\t"):
            out.append((pos, c))
            pos += len(c) + 1
    else:
        out = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", text)]
    return out


def _is_row(text: str) -> bool:
    return "\t" in text or bool(_SPACE_ROW.match(text))


def _part_entries(doc: Document, part: Part, county: str | None) -> list[_Entry]:
    out: list[_Entry] = []
    lines = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"[^\n]+", part.text)]
    i = 0
    while i < len(lines):
        if not _is_row(lines[i][2]):
            i += 1
            continue
        j = i
        while j < len(lines) and _is_row(lines[j][2]):
            j += 1
        out.extend(_table(doc, part, lines, i, j, county))
        i = j
    out.extend(_inline(doc, part, county))
    return out


def _table(doc: Document, part: Part, lines, i: int, j: int, county: str | None) -> list[_Entry]:
    """A table: maybe a header row naming the columns, then rows of (unit, number) pairs."""
    first = lines[i][2]
    has_header = not PHONE.search(first) and "\t" in first
    header = [re.sub(r"\s+", "", c) for _, c in _cells(first)] if has_header else []
    before = " ".join(t for _, _, t in lines[max(0, i - 3) : i])
    if not _CONTACT_CONTEXT.search(" ".join(header) + " " + before):
        return []
    if _PERSON_COLUMN.search(" ".join(header) + " " + lines[i - 1][2] if i else " ".join(header)):
        return []
    out: list[_Entry] = []
    for s, _, text in lines[i + (1 if has_header else 0) : j]:
        cells = _cells(text)
        unit_idx: int | None = None
        for k, (off, cell) in enumerate(cells):
            m = _CELL_PHONE.match(cell)
            if not m:
                if _is_unit(cell):
                    unit_idx = k
                continue
            if unit_idx is None:
                continue
            label = header[k] if k < len(header) else ""
            kind = "mobile" if m.group("mobile") else _kind(label) if label else "generic"
            unit = cells[unit_idx][1].strip()
            a = s + cells[unit_idx][0]
            out.append(
                _Entry(
                    doc,
                    Span(doc, part, a, s + off + len(cell)),
                    unit,
                    unit_key(unit, county),
                    m.group("local") or m.group("mobile"),
                    m.group("area1") or m.group("area2"),
                    kind,
                )  # fmt: skip
            )
            unit_idx = None
    return out


def _inline(doc: Document, part: Part, county: str | None) -> list[_Entry]:
    """ "县应急管理局值班电话：0356-4222123", "县民政局（电话：4226629）" in running text."""
    if not _CONTACT_CONTEXT.search(part.text):
        return []
    out: list[_Entry] = []
    pi = doc.parts.index(part)
    for mention in mentions(doc, county):
        if mention.part != pi:
            continue
        rest = part.text[mention.end : mention.end + 40]
        lab = _LABEL.match(rest)
        if not lab:
            continue
        m = PHONE.match(rest, lab.end())
        if not m or m.group("mobile"):
            continue
        lead = part.text[max(0, mention.start - 4) : mention.start]
        if re.search(r"设在|位于|设于", lead):
            continue  # "办公室设在县住建局，电话…": the office's number, not the agency's
        out.append(
            _inline_entry(doc, part, mention.start, mention.end + m.end(), mention.name, m, lab, county)
        )
    # "联系单位：县民政局，联系电话：4226629"
    for u in _UNIT_THEN_PHONE.finditer(part.text):
        m = PHONE.match(part.text, u.start("phone"))
        if m and not m.group("mobile"):
            out.append(
                _inline_entry(doc, part, u.start("unit"), u.end("phone"), u.group("unit"), m, u, county)
            )
    return out


_UNIT_THEN_PHONE = re.compile(
    rf"(?:联系|责任|牵头|受理|咨询)单位\s*[:：]\s*(?P<unit>[{CJK}（）()]{{3,30}}?)\s*[，,；;]\s*"
    rf"(?P<label>(?:联系|值班|咨询|办公)?电话)\s*[:：]\s*(?P<phone>{PHONE.pattern})"
)


def _inline_entry(doc, part, start, end, unit, m, lab, county) -> _Entry:
    return _Entry(
        doc, Span(doc, part, start, end), unit, unit_key(unit, county), m.group("local"),
        m.group("area1") or m.group("area2"), _kind(lab.group("label")),
    )  # fmt: skip


def entries(issue: Issue) -> list[_Entry]:
    county = county_of(issue)
    out: list[_Entry] = []
    for doc in issue.documents:
        for part in doc.parts:
            out.extend(_part_entries(doc, part, county))
    return out


def _comparable(es: list[_Entry]) -> list[_Entry]:
    """The entries of one unit that name the same kind of line."""
    es = [e for e in es if e.kind not in ("fax", "mobile")]
    kinds = {e.kind for e in es}
    if {"office", "duty"} <= kinds:
        # the unit has an office line and a duty line: compare like with like, the larger kind only
        main = max(("office", "duty"), key=lambda k: sum(e.kind == k for e in es))
        es = [e for e in es if e.kind == main]
    return es


@checker("contacts.phone")
def phone(issue: Issue) -> Iterator[Finding]:
    """The same unit with different telephone numbers in two documents of the issue."""
    all_entries = entries(issue)
    areas = [e.area for e in all_entries if e.area]
    home = max(set(areas), key=areas.count) if areas else None
    by_unit: dict[str, list[_Entry]] = defaultdict(list)
    for e in all_entries:
        by_unit[e.key].append(e)
    order = {id(d): i for i, d in enumerate(issue.documents)}
    units: dict[str, dict[tuple[str, str], list[_Entry]]] = {}
    for key, es in by_unit.items():
        numbers: dict[tuple[str, str], list[_Entry]] = defaultdict(list)
        for e in _comparable(es):
            numbers[(e.area or home or "", e.number)].append(e)
        per_doc: dict[int, set] = defaultdict(set)
        for n, group in numbers.items():
            for e in group:
                per_doc[id(e.doc)].add(n)
        if numbers and all(len(v) == 1 for v in per_doc.values()):
            units[key] = numbers  # (a document giving a unit two numbers lists several lines: left out)
    odd = _unlike_tables(units)
    found: list[Finding] = []
    for key, numbers in units.items():
        if len(numbers) < 2:
            continue

        def weight(item):
            n, group = item
            return (-len({id(e.doc) for e in group}), min(order[id(e.doc)] for e in group))

        ranked = sorted(numbers.items(), key=weight)
        (ref_n, ref_group), rest = ranked[0], ranked[1:]
        tie = len({id(e.doc) for e in ref_group}) == len({id(e.doc) for e in rest[0][1]})
        for n, group in rest:
            if all((id(x.doc), id(y.doc)) in odd for x in group for y in ref_group):
                continue
            e = min(group, key=lambda x: (order[id(x.doc)], x.span.start))
            found.append(_finding(issue, key, e, n, group, ref_n, ref_group, tie, home))
    found.sort(key=lambda f: f.line_start)
    yield from found


def _unlike_tables(units: dict[str, dict[tuple[str, str], list[_Entry]]]) -> set[tuple[int, int]]:
    """Pairs of documents whose lists disagree on most units they share: not the same kind of line
    (office numbers in one, duty numbers in the other), so their differences say nothing."""
    shared: dict[tuple[int, int], list[bool]] = defaultdict(list)
    for numbers in units.values():
        doc_number = {id(e.doc): n for n, g in numbers.items() for e in g}
        for a, na in doc_number.items():
            for b, nb in doc_number.items():
                if a != b:
                    shared[(a, b)].append(na == nb)
    return {pair for pair, same in shared.items() if len(same) >= 4 and same.count(False) > len(same) / 2}


def _show(n: tuple[str, str], home: str | None) -> str:
    area, local = n
    return local if not area or area == home else f"{area}-{local}"


def _docs(group: list[_Entry]) -> str:
    names: list[str] = []
    for e in sorted(group, key=lambda x: x.span.lines[0]):
        name = e.doc.doc_no or f"《{e.doc.title}》"
        if name not in names:
            names.append(name)
    return "、".join(names)


def _near(a: str, b: str) -> str:
    """ "数字顺序颠倒" when the numbers differ by two swapped digits, "仅一位数字不同" when by one digit."""
    if len(a) != len(b):
        return ""
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        return "（仅一位数字不同）"
    if len(diff) == 2 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
        return "（两位数字顺序颠倒）"
    return ""


def _finding(issue, key, e, n, group, ref_n, ref_group, tie, home) -> Finding:
    here, there = _show(n, home), _show(ref_n, home)
    aka = sorted({x.unit for x in group + ref_group} - {e.unit})
    name = f"“{e.unit}”" + (f"（另处写作“{'”“'.join(aka)}”）" if aka else "")
    message = (
        f"{name}的电话在{_docs(group)}中为{here}，在{_docs(ref_group)}中为{there}，"
        f"同一单位号码不一致{_near(n[1], ref_n[1])}"
    )
    if tie:
        suggestion = f"核实“{e.unit}”的正确号码（{here}或{there}），全期统一"
    else:
        count = len({id(x.doc) for x in ref_group})
        suggestion = f"应为“{there}”（本期另{count}份文件均为此号），请核实"
    numbers = {
        x.doc.doc_no or x.doc.title: _show(nn, home) for nn, g in ((n, group), (ref_n, ref_group)) for x in g
    }
    return issue.finding(
        "contacts.phone", "同一单位电话不一致", "警告", message, e.span,
        numbers=numbers, suggestion=suggestion,
        related=sorted({x.doc.doc_no or x.doc.title for x in ref_group}),
    )  # fmt: skip
