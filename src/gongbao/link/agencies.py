"""Stage 3c — agencies: which bodies a document names, under their canonical names, and in what role.

Reads: a parsed document and its county. Writes: :class:`AgencyMention` objects.

Names are canonicalised per county with ``data/agencies.json`` ("县发改局" is 县发展改革和科学技术局 in 平顺
but 县发展和改革局 in 阳城). A name the data file does not know is kept as its own canonical name, and
:func:`propose_aliases` suggests which known name it may abbreviate, for a person to confirm.

Roles come from the lists the text gives: "（责任单位：县行政审批局、县发改局）", "牵头单位：…；配合单位：…",
"成员单位：…", "（县委组织部、县人社局按职责分工负责）".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from gongbao import patterns as P
from gongbao.parse.models import Document

ROLES = (
    "牵头单位",
    "责任单位",
    "配合单位",
    "协办单位",
    "主办单位",
    "成员单位",
    "实施单位",
    "监督单位",
    "组长单位",
)
#: A role label and the list of bodies after it, up to the end of the clause.
_ROLE_LIST = re.compile(
    r"(?P<role>牵头单位|责任单位|配合单位|协办单位|主办单位|成员单位|实施单位|监督单位|组长单位|牵头部门|责任部门|配合部门)"
    r"\s*[:：]\s*(?P<list>[^；;。）)\n]+)"
)
#: "（县委组织部、县人社局、县金融办按职责分工负责）": the bodies responsible for the item before it.
_SHARED_DUTY = re.compile(
    r"[（(](?P<list>[^（()）]{3,120}?)(?:按职责分工负责|按照职责分工负责|分别负责|负责)[）)]"
)
#: A body's name as written: "县发改局", "县行政审批服务管理局", "市生态环境局平顺分局", "国网平顺县供电公司".
_AGENCY = re.compile(
    rf"(?:国网|中国)?(?:[{P.CJK}]{{2,4}}(?:县|市|省))?(?:县|市|省)[{P.CJK}]{{1,14}}?"
    r"(?:委员会|办公室|办公厅|管委会|分公司|公司|中心|大队|支队|中队|分局|局|(?<!常)委|(?<![交代新兴申承督协经])办(?![法理事])"
    r"|武装部|人武部|宣传部|组织部|统战部|法院|检察院|工作站|服务站|指挥部)"
    rf"(?:[{P.CJK}]{{2,4}}分局)?"
)
#: Characters that do not occur in a body's name but glue words together: "县长抓好财政局", "县政府和市住建局".
_NOT_IN_NAME = set("的和与及由在对向是了把抓好设为按将从等并或级长要于按照")
_ROLE_OF = {"牵头部门": "牵头单位", "责任部门": "责任单位", "配合部门": "配合单位"}


@dataclass
class AgencyMention:
    name: str  # as printed
    canonical: str  # canonical name within the county
    known: bool  # the canonical name comes from the data file
    role: str | None
    part: int
    start: int
    end: int
    line: int


@cache
def _book() -> dict:
    return json.loads(resources.files("gongbao.data").joinpath("agencies.json").read_text(encoding="utf-8"))


@cache
def aliases(county: str | None) -> dict[str, str]:
    """alias → canonical name for ``county`` (common entries, overridden by the county's own)."""
    table: dict[str, str] = {}
    book = _book()
    for entry in [*book["common"], *book.get(county or "", [])]:
        table[entry["name"]] = entry["name"]
        for alias in entry.get("aliases", []):
            table[alias] = entry["name"]
    return table


def canonical(name: str, county: str | None) -> tuple[str, bool]:
    """(canonical name, known?) for a body's name as printed in ``county``."""
    n = "".join(name.split())
    if county and n.startswith(county):
        n = "县" + n[len(county) :]  # 平顺县林业局 → 县林业局
    table = aliases(county)
    if n in table:
        return table[n], True
    short = county[:-1] if county and len(county) > 2 else None
    if short and short in n:  # 国网平顺供电公司, 市生态环境局平顺分局
        alt = n.replace(short + "县", "县").replace(short, "县")
        if alt in table:
            return table[alt], True
    return n, False


def _clean(name: str) -> str | None:
    n = name.strip(" 、，,：:")
    # two names glued by a verb: "县人民政府批准县能源局" → 县能源局, "迎接省市卫生健康委" → 市卫生健康委
    cut = max((n.rfind(ch) for ch in "县市省"), default=-1)
    if (
        cut >= 2
        and not n.startswith(("国网", "中国"))
        and not re.search(r"(?:县|市|省)[^县市省]{0,4}(?:分局|分公司)$", n)
    ):
        n = n[cut:]
    if len(n) < 3 or any(ch in _NOT_IN_NAME for ch in n[1:]):
        return None
    return n


def mentions(doc: Document, county: str | None) -> list[AgencyMention]:
    """Every body named in ``doc`` (role lists first, then names anywhere), canonicalised for ``county``."""
    return [m for pi, part in enumerate(doc.parts) for m in _part_mentions(pi, part, county)]


def _part_mentions(pi: int, part, county: str | None) -> list[AgencyMention]:
    text = part.text
    out: list[AgencyMention] = []
    claimed: list[tuple[int, int]] = []

    def add(name: str, start: int, role: str | None) -> None:
        n = _clean(name)
        if n is None:
            return
        start += name.find(n)
        canon, known = canonical(n, county)
        out.append(AgencyMention(n, canon, known, role, pi, start, start + len(n), part.raw_line_at(start)))
        claimed.append((start, start + len(n)))

    for m in _ROLE_LIST.finditer(text):
        _add_list(m.group("list"), m.start("list"), _ROLE_OF.get(m.group("role"), m.group("role")), add)
    for m in _SHARED_DUTY.finditer(text):
        if _AGENCY.search(m.group("list")) and "单位" not in m.group("list")[:6]:
            _add_list(m.group("list"), m.start("list"), "责任单位", add)
    for m in _AGENCY.finditer(text):
        if not any(a <= m.start() < b for a, b in claimed):
            add(m.group(0), m.start(), None)
    return out


def _add_list(items: str, offset: int, role: str, add) -> None:
    pos = 0
    for piece in re.split(r"[、，,]", items):
        start = items.find(piece, pos)
        pos = start + len(piece)
        m = _AGENCY.search(piece)
        if m:
            add(m.group(0), offset + start + m.start(), role)


def propose_aliases(names: list[str], county: str | None) -> list[tuple[str, str, float]]:
    """Likely (unknown short name, known full name, score) pairs: the short name's characters appear in order
    in the full name, with the same first and last character ("县发改局" ~ "县发展改革和科学技术局")."""
    known = sorted(set(aliases(county).values()))
    proposals = []
    for short in sorted(set(names)):
        if short in aliases(county):
            continue
        best = None
        for full in known:
            if len(full) <= len(short) or short[0] != full[0] or short[-1] != full[-1]:
                continue
            it = iter(full)
            if all(ch in it for ch in short):
                score = round(len(short) / len(full) + (0.2 if short[1:3] == full[1:3] else 0), 2)
                if best is None or score > best[2]:
                    best = (short, full, score)
        if best:
            proposals.append(best)
    return sorted(proposals, key=lambda p: -p[2])
