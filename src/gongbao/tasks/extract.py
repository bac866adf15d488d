"""Tasks from a document: each numbered item that assigns work, its units, deadline, schedule and target.

Reads: a parsed :class:`~gongbao.parse.models.Document` (its article trees) and its county. Writes:
:class:`Task` objects with the clause they come from.

An item is a task when its own text names who is responsible — "（责任单位：县行政审批局、县发改局）",
"牵头单位：…；配合单位：…", "（县委组织部、县人社局按职责分工负责）", "[审批局、财政局负责]" — or when most
items of its list do (so "5.开展市场主体法律顾问服务试点。（我县不涉及）" stays in its list), or when it has a
deadline. An item without units inherits those of the heading above it ("（一）现代金融（金融业专班负责）").
A paragraph "县公安局：负责…" in a list of duties is a task of that unit (kind "duty").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from gongbao.link.agencies import canonical
from gongbao.parse.models import Document, OutlineNode
from gongbao.tasks.deadlines import find_deadline, find_schedule, find_target

#: A bracketed note at the end of an item: "（责任单位：…）", "[…负责]", "（…按职责分工负责）".
_BRACKET = re.compile(
    r"[（(\[［【〔](?P<body>[^（()）\[\]［］【】〔〕]{2,200}?(?:[（(][^（()）]{0,12}[）)][^（()）\[\]［］【】〔〕]{0,120}?)*)[）)\]］】〕]"
)
_ROLES = "牵头单位|责任单位|配合单位|参与单位|协助单位|协办单位|主办单位|实施单位|牵头部门|责任部门|配合部门|责任主体"
#: A role label inside such a note or in running text: "牵头单位：县发改局", "配合单位:…".
_ROLE_LABEL = re.compile(rf"(?P<role>{_ROLES})\s*[:：]\s*(?P<list>[^；;。）)\]］】\n]+)")
_LABEL_SPLIT = re.compile(rf"({_ROLES})\s*[:：]")
_SUPPORT_LABELS = ("配合单位", "参与单位", "协助单位", "协办单位", "配合部门")
#: A role word ending a segment: "县发改局牵头", "县财政局配合", "…按职责分工负责".
_ROLE_SUFFIX = re.compile(
    r"(?:按照?职责分工|分别|共同|具体)?(?P<word>牵头负责|牵头|配合|协助|参与|负责|落实)$"
)
#: A duty paragraph: "县公安局：负责组织事故现场治安警戒…".
_DUTY = re.compile(
    r"^(?P<unit>(?:县|市|省)?[\u4e00-\u9fff（）()]{2,20}?(?:局|委员会|委|办公室|办|中心|公司|大队|指挥部|政府|部))\s*[:：]\s*(?P<text>(?:负责|承担|协助|配合|做好)[^\n]{4,})"
)
#: Units named as the subject of 负责/牵头 in running text.
_SUBJECT = re.compile(
    r"(?:由)?(?P<units>(?:县|市)[\u4e00-\u9fff]{1,14}?(?:局|委|办|中心|公司|大队|政府)(?:[、和及](?:县|市)?[\u4e00-\u9fff]{1,14}?(?:局|委|办|中心|公司|大队|政府))*)"
    r"(?:等部门|等单位)?(?:牵头)?负责"
)
#: "县民政、乡村振兴等部门负责": short names followed by 等部门.
_SUBJECT_DEPTS = re.compile(
    r"(?P<units>(?:县|市)[\u4e00-\u9fff]{1,10}?(?:、[\u4e00-\u9fff]{2,10}?)*)(?:等部门|等单位)(?:牵头)?负责"
)
_GENERIC_UNITS = re.compile(
    r"^(?:各乡[（(]?镇[）)]?(?:人民政府)?|各乡镇(?:人民政府)?|县直各有关单位|各相关单位|各有关部门|县直相关部门|.{2,12}专班)$"
)
_LEAD = {"牵头", "牵头负责", "负责", "落实"}
_ITEM_KINDS = ("一、", "（一）", "1.", "（1）", "①", "条")
#: Headings of sections that state aims, not work: a date there is a horizon, not a deadline.
_GOAL_HEADING = re.compile(
    r"指导思想|总体要求|基本原则|工作原则|工作目标|发展目标|主要目标|总体目标|目标任务|重要意义"
)
#: How the name of a unit ends ("县人行", "供销社", "开发区", "银保监组", "金融业专班" …).
_UNIT_END = re.compile(
    r"(?:局|委|办|中心|公司|队|行|社|区|会|组|室|站|所|院|部|政府|专班|镇|乡|单位|部门|机构)(?:[（(][^）)]*[）)])?$"
)


@dataclass
class Task:
    kind: str  # "task" | "duty" | "target" (a quantitative aim with no unit named)
    clause: str  # "三、（一）4." — the markers down to the item
    node_id: str  # stable outline id: "p3/pp1/n4"
    part: int
    text: str
    lead_units: list[str] = field(default_factory=list)  # canonical names where known
    support_units: list[str] = field(default_factory=list)
    units_as_printed: list[str] = field(default_factory=list)
    inherited_units: bool = False
    deadline: str | None = None  # ISO date
    deadline_text: str | None = None
    deadline_kind: str | None = None  # absolute | relative | event | phase
    deadline_note: str | None = None
    schedule: dict | None = None  # {"text", "rrule", "description"}
    target: dict | None = None  # {"text", "year", "value", "unit"}
    line_start: int = 0
    line_end: int = 0


def unit_name(raw: str, county: str | None) -> str:
    """A unit as the ledger names it: canonical where the agency is known ("发改局" in 阳城 → 县发展和改革局)."""
    name = re.sub(r"\s+", "", raw).strip("、，,：:")
    if _GENERIC_UNITS.match(name):
        return name
    canon, known = canonical(name, county)
    if known:
        return canon
    bare = name[1:] if name.startswith("县") else name
    for alt in ("县" + bare, "县" + bare + "局"):  # "发改局", "县民政", "乡村振兴" (…等部门)
        alt_canon, alt_known = canonical(alt, county)
        if alt_known:
            return alt_canon
    return canon


def parse_units(body: str, county: str | None) -> tuple[list[str], list[str], list[str]] | None:
    """(lead, support, as printed) from a units note, or None when the note names no unit."""
    lead: list[str] = []
    support: list[str] = []
    printed: list[str] = []
    body = re.sub(r"\s+", "", body)  # a label or a name broken over two lines: "配合\n单位"
    pieces = _LABEL_SPLIT.split(body)
    segments: list[tuple[str, str]] = []  # (text, role word)
    if len(pieces) > 1:
        # "牵头单位：县住建局，配合单位：市生态环境局平顺分局": each label governs the text up to the next one
        for role, text in zip(pieces[1::2], pieces[2::2], strict=True):
            segments.append((text.strip("，,；; "), "配合" if role in _SUPPORT_LABELS else "负责"))
    else:
        for seg in re.split(r"[；;，,]", body):
            seg = seg.strip()
            m = _ROLE_SUFFIX.search(seg)
            if not m:
                return None if not segments else None
            segments.append((seg[: m.start()], m.group("word")))
    for text, word in segments:
        for raw in _split_units(text):
            raw = raw.strip()
            if len(raw) < 2:
                continue
            if not _UNIT_END.search(raw):
                return None  # not a list of units ("按规定负责" and the like)
            printed.append(raw)
            (lead if word in _LEAD else support).append(unit_name(raw, county))
    return (lead, support, printed) if printed else None


def _split_units(text: str) -> list[str]:
    """Split a list of units on 、 (and on 和/及/与 only between complete names: "县发展改革和科学技术局" stays whole)."""
    out: list[str] = []
    for piece in re.split(r"[、，,]", text):
        parts = re.split(r"(?<=[局委办室心司队行社区会组站所院部府])(?:和|及|与)", piece)
        out.extend(parts if all(_UNIT_END.search(p.strip()) for p in parts) else [piece])
    return out


def _units_of(
    text: str, county: str | None, free_text: bool = True
) -> tuple[list[str], list[str], list[str]] | None:
    found = None
    for m in _BRACKET.finditer(text):
        units = parse_units(m.group("body"), county)
        if units:
            found = units if found is None else tuple(a + b for a, b in zip(found, units, strict=True))
    if found is None:
        labelled = [m for m in _ROLE_LABEL.finditer(text)]
        if labelled:
            found = parse_units("；".join(m.group(0) for m in labelled), county)
    if found is None and free_text:
        # in running text: "县民政、乡村振兴等部门负责于8月底前…", "由县医保中心负责…"
        matches = [m for m in (_SUBJECT.search(text), _SUBJECT_DEPTS.search(text)) if m]
        m = min(matches, key=lambda m: m.start()) if matches else None
        if m:
            names = [n for n in _split_units(m.group("units")) if len(n) >= 2]
            if names:
                found = ([unit_name(n, county) for n in names], [], names)
    return found


def _walk(nodes: list[OutlineNode], path: tuple[OutlineNode, ...] = ()):
    for n in nodes:
        yield n, path
        yield from _walk(n.children, (*path, n))


def _is_heading_only(node: OutlineNode) -> bool:
    return bool(node.children) and len(node.text.split("\n")[0]) <= 40 and "\n" not in node.text.strip()


def extract_tasks(doc: Document, county: str | None) -> list[Task]:
    signed = dt.date.fromisoformat(doc.signed_date) if doc.signed_date else None
    tasks: list[Task] = []
    for pi, part in enumerate(doc.parts):
        info: dict[int, tuple] = {}
        for node, path in _walk(part.outline):
            if node.kind != "preamble":
                # units named in running text count only for short numbered items, not whole sections
                free = node.kind in _ITEM_KINDS and len(node.text) < 400
                info[id(node)] = (_units_of(node.text, county, free), path)
        # lists where most items name their units: every item of them is a task
        listy: set[int] = set()
        for siblings in [part.outline] + [n.children for n, _ in _walk(part.outline)]:
            groups: dict[str, list[OutlineNode]] = {}
            for c in siblings:
                if c.kind not in ("preamble", "条"):  # a regulation's articles are rules, not a work list
                    groups.setdefault(c.kind, []).append(c)
            for items in groups.values():
                if len(items) >= 2 and sum(1 for c in items if info[id(c)][0]) * 2 >= len(items):
                    listy.update(id(c) for c in items)
        for node, path in _walk(part.outline):
            if node.kind == "preamble":
                continue
            tasks.extend(_duties(node, path, pi, county))
            phases = _phases(node, path, pi, county, signed)
            if phases:
                tasks.extend(phases)  # "第一阶段:工作部署(2023年11月5日前)" … each phase is a task
                continue
            units, _ = info[id(node)]
            deadline = find_deadline(node.text, signed)
            if _is_heading_only(node) and not deadline:
                continue  # "（一）现代金融（金融业专班负责）": its items are the tasks
            target = find_target(node.text)
            goal = bool(_GOAL_HEADING.search(node.heading or node.text.split("\n")[0][:20]))
            dated = (
                deadline
                and not node.children
                and deadline.kind != "horizon"
                and not goal
                and not deadline.note
            )
            if not (units or id(node) in listy or dated or (target and not node.children)):
                continue
            inherited = False
            if not units:
                parent_units = next(
                    (info[id(p)][0] for p in reversed(path) if id(p) in info and info[id(p)][0]), None
                )
                if parent_units:
                    units, inherited = parent_units, True
            lead, support, printed = units or ([], [], [])
            schedule = find_schedule(node.text)
            if schedule and deadline and deadline.text in schedule.text:
                deadline = None  # "每年3月底前": a recurring date, not a one-off deadline
            tasks.append(
                Task(
                    kind="task" if (units or id(node) in listy or dated) else "target",
                    clause=" ".join(p.marker for p in (*path, node) if p.marker),
                    node_id=node.id,
                    part=pi,
                    text=node.text,
                    lead_units=_dedupe(lead),
                    support_units=_dedupe(support),
                    units_as_printed=printed,
                    inherited_units=inherited,
                    deadline=deadline.date if deadline else None,
                    deadline_text=deadline.text if deadline else None,
                    deadline_kind=deadline.kind if deadline else None,
                    deadline_note=deadline.note if deadline else None,
                    schedule=schedule.__dict__ if schedule else None,
                    target=target.__dict__ if target else None,
                    line_start=node.line_start,
                    line_end=node.line_end,
                )
            )
    return tasks


_PHASE_START = re.compile(r"^第[一二三四五六七八九十]+阶段|^[一二三四五六七八九十]+是|^\S{2,8}阶段[（(:：]")


def _phases(
    node: OutlineNode, path: tuple[OutlineNode, ...], pi: int, county: str | None, signed: dt.date | None
) -> list[Task]:
    """Stages written as paragraphs of one item, each with its own date: one task per stage."""
    paras = node.text.split("\n")
    starts = [i for i, p in enumerate(paras) if i > 0 and _PHASE_START.match(p.strip())]
    if len(starts) < 2:
        return []
    out = []
    for k, i in enumerate(starts):
        body = "\n".join(paras[i : starts[k + 1] if k + 1 < len(starts) else len(paras)])
        deadline = find_deadline(body, signed)
        if deadline is None:
            continue
        units = _units_of(body, county) or ([], [], [])
        out.append(
            Task(
                kind="task",
                clause=" ".join(p.marker for p in (*path, node) if p.marker) + f" {paras[i].strip()[:5]}",
                node_id=node.id,
                part=pi,
                text=body,
                lead_units=units[0],
                support_units=units[1],
                units_as_printed=units[2],
                deadline=deadline.date,
                deadline_text=deadline.text,
                deadline_kind=deadline.kind,
                deadline_note=deadline.note,
                line_start=node.line_start,
                line_end=node.line_end,
            )
        )
    return out if len(out) >= 2 else []


def _duties(node: OutlineNode, path: tuple[OutlineNode, ...], pi: int, county: str | None) -> list[Task]:
    """ "县公安局：负责…" paragraphs under a node: the standing duties of each unit."""
    out = []
    for para in node.text.split("\n")[1:]:
        m = _DUTY.match(para.strip())
        if not m:
            continue
        unit = unit_name(m.group("unit"), county)
        out.append(
            Task(
                kind="duty",
                clause=" ".join(p.marker for p in (*path, node) if p.marker),
                node_id=node.id,
                part=pi,
                text=para.strip(),
                lead_units=[unit],
                units_as_printed=[m.group("unit")],
                schedule=(s.__dict__ if (s := find_schedule(para)) else None),
                line_start=node.line_start,
                line_end=node.line_end,
            )
        )
    return out


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
