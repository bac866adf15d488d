"""Emergency plans (应急预案) as data: grading, response levels, reporting deadlines, working groups.

One YAML file per plan in ``src/gongbao/data/plans/`` (format: docs/emergency-plans.md). Facts are
declared like rule inputs, and grade and response criteria are formulas of the rules engine, so the
boundary conventions ("以上包括本数", "不含3人") are written once, as comparisons, and tested.
:func:`Plan.respond` turns the facts of an incident and its time into the grade, the response level,
who activates it, a checklist of reports with absolute deadlines, the groups to mobilise and the next
escalation, each item with its clause.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from gongbao.rules import engine as E
from gongbao.rules.book import (
    Ambiguity,
    Effective,
    InputSpec,
    RulebookError,
    RuleInputError,
    UnknownRuleError,
    _Compiler,
    _json,
    _Map,
    _Name,
    coerce_inputs,
    read_yaml,
)
from gongbao.rules.check import node_sources

_DURATION = re.compile(
    r"^(?P<n>\d+(?:\.\d+)?|半|一|两|二|三|四|五|六|十|十二|二十四|四十八)\s*(?P<unit>分钟|小时|个小时|天|日|个工作日)$"
)
_CN = {"半": Decimal("0.5"), "一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "十": 10, "十二": 12,
       "二十四": 24, "四十八": 48}  # fmt: skip
IMMEDIATE = ("立即", "立刻", "马上", "迅速", "第一时间", "及时")


def parse_duration(text: Any) -> dt.timedelta | None:
    """``30分钟``, ``1小时``, ``半小时``, ``2天`` → timedelta; ``立即``/``第一时间`` → 0; None if not a duration."""
    t = str(text).strip()
    if t in IMMEDIATE:
        return dt.timedelta(0)
    t = t.removesuffix("以内").removesuffix("内")
    if t == "半小时":
        return dt.timedelta(minutes=30)
    m = _DURATION.match(t)
    if not m:
        return None
    n = Decimal(str(_CN.get(m["n"], m["n"])))
    minutes = {"分钟": 1, "小时": 60, "个小时": 60, "天": 1440, "日": 1440, "个工作日": 1440}[m["unit"]]
    return dt.timedelta(minutes=float(n * minutes))


_DAILY = re.compile(r"(\d{1,2})[时点:：](?:(\d{1,2})分?)?")


def parse_daily(text: str) -> list[dt.time]:
    """``每日9时前、14时前`` → [09:00, 14:00]: fixed clock times of a daily report (empty if not daily)."""
    if not str(text).startswith(("每日", "每天")):
        return []
    return sorted(dt.time(int(h), int(m or 0)) for h, m in _DAILY.findall(str(text)) if int(h) < 24)


def next_daily(after: dt.datetime, times: list[dt.time]) -> dt.datetime:
    """The first of the daily clock ``times`` at or after ``after``."""
    for day in (after.date(), after.date() + dt.timedelta(days=1)):
        for t in times:
            when = dt.datetime.combine(day, t)
            if when >= after:
                return when
    raise AssertionError("unreachable: times is not empty")


def _due(at: dt.datetime, delta: dt.timedelta | None) -> str | None:
    return (at + delta).isoformat(timespec="minutes") if delta is not None else None


@dataclass
class Level:
    """A grade (事件分级) or a response level (响应级别), highest first in the plan."""

    id: str
    label: str
    when: E.Node | None
    source: E.Source
    activated_by: str = ""
    procedure: str = ""
    report_every: dt.timedelta | None = None
    report_every_text: str = ""
    measures: list[dict[str, Any]] = field(default_factory=list)
    ambiguity: str | None = None


@dataclass
class Duty:
    """A report, notification or other timed action."""

    who: str
    to: str
    within_text: str
    within: dt.timedelta | None
    source: E.Source
    start: str = "incident"  # incident | response
    repeat_text: str = ""
    repeat: dt.timedelta | None = None
    content: str = ""
    levels: list[str] = field(default_factory=list)
    when: E.Node | None = None
    ambiguity: str | None = None
    daily: list[dt.time] = field(default_factory=list)  # 每日14时前: fixed clock times


@dataclass
class Group:
    name: str
    lead: str
    members: list[str]
    duties: str
    source: E.Source
    levels: list[str] = field(default_factory=list)


@dataclass
class Escalation:
    after_text: str
    after: dt.timedelta | None
    condition: str
    action: str
    source: E.Source
    levels: list[str] = field(default_factory=list)


@dataclass
class Plan:
    id: str
    title: str
    county: str
    summary: str
    doc_no: str
    doc_title: str
    path: str
    facts: dict[str, InputSpec]
    grades: list[Level]
    responses: list[Level]
    duties: list[Duty]
    groups: list[Group]
    escalations: list[Escalation]
    command: dict[str, Any]
    termination: dict[str, Any] | None
    warnings: list[dict[str, Any]]
    missing: list[dict[str, Any]]
    ambiguities: dict[str, Ambiguity]
    effective: Effective | None
    notes: list[str]
    tests: list[dict[str, Any]]
    measures: dict[str, str]  # fact name → shared measure key (for cross-plan comparison)

    # ---------------------------------------------------------------------------------------------

    def validate(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Typed facts (names or Chinese labels as keys); RuleInputError listing every problem."""
        env, problems = coerce_inputs(self.facts, raw, "事实项")
        if problems:
            raise RuleInputError(problems, self.id)
        return env

    def _level(self, levels: list[Level], env: dict[str, Any], ctx: E.Context) -> tuple[Level | None, str]:
        for lv in levels:
            if lv.when is None:
                continue
            ok, desc = lv.when.explain(env, ctx)
            if ok:
                ctx.touch(lv.ambiguity)
                return lv, desc
        return None, ""

    def respond(self, raw: Mapping[str, Any], at: dt.datetime | None = None) -> dict[str, Any]:
        """The response to an incident with these facts that happened at ``at`` (default now)."""
        env = self.validate(raw)
        at = (at or dt.datetime.now()).replace(second=0, microsecond=0)
        ctx = E.Context()
        grade, grade_why = self._level(self.grades, env, ctx)
        env["grade"] = grade.id if grade else "无"
        level, level_why = self._level(self.responses, env, ctx)
        lid = level.id if level else None

        def applies(levels: list[str], when: E.Node | None = None) -> bool:
            if levels and lid not in levels:
                return False
            return when is None or bool(when.value(env))

        checklist = []
        for d in self.duties:
            if not applies(d.levels, d.when):
                continue
            ctx.touch(d.ambiguity)
            due, next_repeat = _due(at, d.within), _due(at + (d.within or dt.timedelta(0)), d.repeat)
            if d.daily:
                first = next_daily(at, d.daily)
                due = first.isoformat(timespec="minutes")
                next_repeat = next_daily(first + dt.timedelta(minutes=1), d.daily).isoformat(
                    timespec="minutes"
                )
            checklist.append(
                {
                    "who": d.who,
                    "to": d.to,
                    "within": d.within_text,
                    "due": due,
                    "from": "事发" if d.start == "incident" else "启动响应",
                    "repeat": d.repeat_text or ("每日" if d.daily else None),
                    "next_repeat": next_repeat if d.repeat or d.daily else None,
                    "content": d.content,
                    "source": d.source.to_dict(),
                }
            )
        if level and level.report_every:
            checklist.append(
                {
                    "who": self.command.get("office") or "县指挥部办公室",
                    "to": self.command.get("headquarters") or "县指挥部",
                    "within": level.report_every_text,
                    "due": _due(at, level.report_every),
                    "from": "事发",
                    "repeat": level.report_every_text,
                    "next_repeat": _due(at, 2 * level.report_every),
                    "content": f"{level.label}期间续报",
                    "source": level.source.to_dict(),
                }
            )
        checklist.sort(key=lambda c: (c["due"] is None, c["due"] or ""))
        return {
            "plan": self.id,
            "title": self.title,
            "document": {"doc_no": self.doc_no, "title": self.doc_title},
            "at": at.isoformat(timespec="minutes"),
            "facts": {k: _json(v) for k, v in env.items() if k != "grade"},
            "grade": {
                "id": grade.id,
                "label": grade.label,
                "why": grade_why,
                "source": grade.source.to_dict(),
            }
            if grade
            else None,
            "level": {
                "id": level.id,
                "label": level.label,
                "why": level_why,
                "activated_by": level.activated_by,
                "procedure": level.procedure,
                "measures": level.measures,
                "source": level.source.to_dict(),
            }
            if level
            else None,
            "checklist": checklist,
            "groups": [
                {
                    "name": g.name,
                    "lead": g.lead,
                    "members": g.members,
                    "duties": g.duties,
                    "source": g.source.to_dict(),
                }
                for g in self.groups
                if applies(g.levels)
            ],
            "escalations": [
                {
                    "at": _due(at, e.after),
                    "after": e.after_text,
                    "condition": e.condition,
                    "action": e.action,
                    "source": e.source.to_dict(),
                }
                for e in self.escalations
                if applies(e.levels)
            ],
            "command": self.command,
            "termination": self.termination,
            "missing": self.missing,
            "ambiguities": [self.ambiguities[a].to_dict() for a in ctx.ambiguities],
            "notes": self.notes
            + ([] if grade or not self.grades else ["按所给事实未达到本预案的任何事件分级标准。"])
            + (
                []
                if level
                else ["按所给事实未达到县级应急响应启动条件；请继续监测，由事发单位、乡（镇）先期处置。"]
            ),
            "conflicts": conflicts(self),
        }

    def thresholds(self) -> dict[str, dict[str, list[tuple[str, str]]]]:
        """For each shared measure: the response levels' thresholds (op, value as text) on it."""
        out: dict[str, dict[str, list[tuple[str, str]]]] = {}
        level_of_grade: dict[str, str] = {}  # a response that starts at a grade: {eq: [grade, 较大]}
        for lv in self.responses:
            for name, op, value in _comparisons(lv.when):
                if name == "grade" and op == "==":
                    level_of_grade.setdefault(str(value), lv.id)
        pairs = [(lv.id, lv.when) for lv in self.responses]
        pairs += [(level_of_grade.get(g.id, g.id), g.when) for g in self.grades]
        for key, when in pairs:
            for name, op, value in _comparisons(when):
                if name in self.measures:
                    shown = E.fmt(value, self.facts[name].unit)
                    out.setdefault(self.measures[name], {}).setdefault(key, []).append((op, shown))
        return out

    def sources(self) -> Iterator[tuple[str, E.Source]]:
        for kind, levels in (("分级", self.grades), ("响应", self.responses)):
            for lv in levels:
                yield f"{kind} {lv.id}", lv.source
                if lv.when is not None:
                    yield from ((f"{kind} {lv.id} 的条件", src) for src in node_sources(lv.when))
                for m in lv.measures:
                    yield (
                        f"{kind} {lv.id} 措施",
                        E.Source(self.doc_no, m["source"]["clause"], m["source"]["quote"]),
                    )
        for d in self.duties:
            yield f"报告 {d.who}→{d.to}", d.source
        for g in self.groups:
            yield f"工作组 {g.name}", g.source
        for e in self.escalations:
            yield f"升级 {e.after_text}", e.source
        for a in self.ambiguities.values():
            yield f"歧义 {a.id}", a.source
        for what, items in (("指挥体系", [self.command]), ("终止", [self.termination] if self.termination else []),
                            ("预警", self.warnings), ("缺失", self.missing)):  # fmt: skip
            for item in items:
                if item and item.get("source"):
                    s = item["source"]
                    yield what, E.Source(s["doc_no"], s["clause"], s["quote"])
        if self.effective:
            yield "有效期", self.effective.source

    def to_dict(self) -> dict[str, Any]:
        def level(lv: Level) -> dict[str, Any]:
            return {"id": lv.id, "label": lv.label, "activated_by": lv.activated_by, "procedure": lv.procedure,
                    "report_every": lv.report_every_text or None, "source": lv.source.to_dict()}  # fmt: skip

        return {
            "id": self.id,
            "title": self.title,
            "county": self.county,
            "summary": self.summary,
            "document": {"doc_no": self.doc_no, "title": self.doc_title},
            "facts": [s.to_dict() for s in self.facts.values()],
            "grades": [level(g) for g in self.grades],
            "responses": [level(r) for r in self.responses],
            "warnings": self.warnings,
            "command": self.command,
            "groups": [
                {"name": g.name, "lead": g.lead, "members": g.members, "levels": g.levels}
                for g in self.groups
            ],
            "missing": self.missing,
            "ambiguities": [a.to_dict() for a in self.ambiguities.values()],
            "notes": self.notes,
        }


def _comparisons(node: Any) -> Iterator[tuple[str, str, Any]]:
    """(fact, op, threshold or option) for every comparison of a fact with a constant in ``node``."""
    if node is None:
        return
    if isinstance(node, E.Compare) and isinstance(node.a, E.Ref) and isinstance(node.b, E.Const | E.Text):
        yield node.a.name, node.symbol, node.b.v if isinstance(node.b, E.Const) else node.b.text
    for v in vars(node).values():
        for x in v if isinstance(v, list) else [v]:
            if isinstance(x, E.Node):
                yield from _comparisons(x)


def conflicts(plan: Plan, plans: Mapping[str, Plan] | None = None) -> list[dict[str, Any]]:
    """Other plans of the same county that set different response thresholds on the same measure."""
    plans = bundled_plans() if plans is None else plans
    mine = plan.thresholds()
    out = []
    for other in plans.values():
        if other.id == plan.id or other.county != plan.county:
            continue
        theirs = other.thresholds()
        for measure, levels in mine.items():
            if measure in theirs and theirs[measure] != levels:
                out.append(
                    {
                        "measure": measure,
                        "plan": other.id,
                        "document": other.doc_no,
                        "this": _describe(levels),
                        "other": _describe(theirs[measure]),
                        "message": f"{other.doc_no}《{other.doc_title}》对「{measure}」规定的响应条件不同："
                        f"本预案 {_describe(levels)}；该预案 {_describe(theirs[measure])}。请以指挥部研判为准。",
                    }
                )
    return out


def _describe(levels: dict[str, list[tuple[str, str]]]) -> str:
    words = {">=": "≥", ">": ">", "<": "<", "<=": "≤", "==": "=", "!=": "≠"}
    return "；".join(
        f"{lv} " + "、".join(f"{words[op]}{v}" for op, v in dict.fromkeys(items))
        for lv, items in levels.items()
    )


# --------------------------------------------------------------------------------------------------
# compiling


class _PlanCompiler(_Compiler):
    def plan(self, raw: Any) -> Plan:
        top = self.mapping(
            raw,
            raw,
            "预案",
            {"document", "title", "plan", "facts", "responses"},
            {"effective", "ambiguities", "notes", "grades", "reports", "groups", "escalations", "command",
             "termination", "warnings", "missing", "tests"},
        )  # fmt: skip
        self.doc_no = str(top["document"])
        for a in top.get("ambiguities") or []:
            a = self.mapping(a, top, "歧义", {"id", "clause", "quote", "problem", "reading"}, {"document"})
            self.ambiguities[a["id"]] = Ambiguity(
                a["id"], a["problem"], a["reading"], self.source(a, a, True)
            )
        meta = self.mapping(top["plan"], top, "plan", {"id", "title", "county"}, {"summary"})
        facts: dict[str, InputSpec] = {}
        measures: dict[str, str] = {}
        names: dict[str, _Name] = {}
        for name, spec in (top["facts"] or {}).items():
            if not isinstance(spec, dict):
                raise self.fail(top, f"事实项 {name} 应为映射")
            spec = _Map(spec)
            spec.line = getattr(top["facts"], "line", 0)
            if "measure" in spec:
                measures[name] = str(spec.pop("measure"))
            facts[name] = self.input(name, spec, top)
            f = facts[name]
            names[name] = _Name(
                "input", f.label, "元" if f.type == "money" else f.unit, f.type, values=f.values
            )
        grades = [self.level(g, names, "分级") for g in top.get("grades") or []]
        names["grade"] = _Name("input", "事件等级", "", "enum", values=[g.id for g in grades] + ["无"])
        responses = [self.level(r, names, "响应") for r in self.items(top["responses"], top, "responses")]
        level_ids = {r.id for r in responses}
        duties = [self.duty(d, names, level_ids) for d in top.get("reports") or []]
        groups = [self.group(g, level_ids) for g in top.get("groups") or []]
        escalations = [self.escalation(e, level_ids) for e in top.get("escalations") or []]
        return Plan(
            id=str(meta["id"]),
            title=str(meta["title"]),
            county=str(meta["county"]),
            summary=str(meta.get("summary") or ""),
            doc_no=self.doc_no,
            doc_title=str(top["title"]),
            path=self.path,
            facts=facts,
            grades=grades,
            responses=responses,
            duties=duties,
            groups=groups,
            escalations=escalations,
            command=self.free(top.get("command"), top, "指挥体系"),
            termination=self.free(top.get("termination"), top, "响应终止")
            if top.get("termination")
            else None,
            warnings=[self.free(w, top, "预警") for w in top.get("warnings") or []],
            missing=[self.free(m, top, "缺失的标准") for m in top.get("missing") or []],
            ambiguities=self.ambiguities,
            effective=self.effective(top.get("effective"), top),
            notes=[str(n) for n in top.get("notes") or []],
            tests=list(top.get("tests") or []),
            measures=measures,
        )

    def levels_of(self, raw: Any, where: Any, known: set[str]) -> list[str]:
        levels = [str(x) for x in raw or []]
        if unknown := [x for x in levels if x not in known]:
            raise self.fail(where, f"未定义的响应级别：{'、'.join(unknown)}")
        return levels

    def level(self, raw: Any, names: dict[str, _Name], what: str) -> Level:
        r = self.mapping(
            raw, raw, what, {"id", "label", "clause", "quote"},
            {"when", "activated_by", "procedure", "report_every", "measures", "document", "ambiguity"},
        )  # fmt: skip
        every = str(r.get("report_every") or "")
        delta = parse_duration(every) if every else None
        if every and delta is None:
            raise self.fail(r, f"无法识别的时长「{every}」（如 30分钟、1小时、半小时、2天）")
        return Level(
            id=str(r["id"]),
            label=str(r["label"]),
            when=self.node(r["when"], r, names, True) if r.get("when") is not None else None,
            source=self.source(r, r, True),
            activated_by=str(r.get("activated_by") or ""),
            procedure=str(r.get("procedure") or ""),
            report_every=delta,
            report_every_text=every,
            measures=[self.free(m, r, "响应措施") for m in r.get("measures") or []],
            ambiguity=self.ambiguity(r),
        )

    def duty(self, raw: Any, names: dict[str, _Name], levels: set[str]) -> Duty:
        d = self.mapping(
            raw, raw, "报告", {"who", "to", "within", "clause", "quote"},
            {"from", "repeat", "content", "levels", "when", "document", "ambiguity"},
        )  # fmt: skip
        within = parse_duration(d["within"])
        repeat = parse_duration(d["repeat"]) if d.get("repeat") else None
        if d.get("repeat") and not repeat:
            raise self.fail(d, f"无法识别的时长「{d['repeat']}」")
        start = d.get("from", "incident")
        if start not in ("incident", "response"):
            raise self.fail(d, "from 只能是 incident（事发）或 response（启动响应）")
        return Duty(
            who=str(d["who"]),
            to=str(d["to"]),
            within_text=str(d["within"]),
            within=within,
            source=self.source(d, d, True),
            start=start,
            repeat_text=str(d.get("repeat") or ""),
            repeat=repeat,
            content=str(d.get("content") or ""),
            levels=self.levels_of(d.get("levels"), d, levels),
            when=self.node(d["when"], d, names, True) if d.get("when") is not None else None,
            ambiguity=self.ambiguity(d),
            daily=parse_daily(d["within"]) if within is None else [],
        )

    def group(self, raw: Any, levels: set[str]) -> Group:
        g = self.mapping(
            raw,
            raw,
            "工作组",
            {"name", "lead", "clause", "quote"},
            {"members", "duties", "levels", "document"},
        )
        return Group(
            name=str(g["name"]),
            lead=str(g["lead"]),
            members=[str(m) for m in g.get("members") or []],
            duties=str(g.get("duties") or ""),
            source=self.source(g, g, True),
            levels=self.levels_of(g.get("levels"), g, levels),
        )

    def escalation(self, raw: Any, levels: set[str]) -> Escalation:
        e = self.mapping(
            raw, raw, "升级", {"after", "condition", "action", "clause", "quote"}, {"levels", "document"}
        )
        after = parse_duration(e["after"])
        if after is None:
            raise self.fail(e, f"无法识别的时长「{e['after']}」")
        return Escalation(
            str(e["after"]), after, str(e["condition"]), str(e["action"]), self.source(e, e, True),
            self.levels_of(e.get("levels"), e, levels),
        )  # fmt: skip

    def free(self, raw: Any, where: Any, what: str) -> dict[str, Any]:
        """A descriptive block (command structure, termination, warning level, missing criteria): any
        text fields plus a required source."""
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            raise self.fail(where, f"{what}应为映射")
        out = {k: v for k, v in raw.items() if k not in ("clause", "quote", "document")}
        out["source"] = self.source(raw, raw, True).to_dict()
        return out


def load_plan(path: str | Path, text: str | None = None) -> Plan:
    return _PlanCompiler(str(path)).plan(read_yaml(str(path), text))


def bundled_plan_paths() -> list[Path]:
    root = resources.files("gongbao.data").joinpath("plans")
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".yaml"))


def load_plans(paths: Iterable[str | Path]) -> dict[str, Plan]:
    plans: dict[str, Plan] = {}
    for path in paths:
        plan = load_plan(path)
        if plan.id in plans:
            raise RulebookError(f"预案编号「{plan.id}」与 {plans[plan.id].path} 重复", str(path))
        plans[plan.id] = plan
    return plans


@cache
def bundled_plans() -> dict[str, Plan]:
    return load_plans(bundled_plan_paths())


def get_plan(plan_id: str, plans: Mapping[str, Plan] | None = None) -> Plan:
    plans = bundled_plans() if plans is None else plans
    if plan_id in plans:
        return plans[plan_id]
    by_doc = [p for p in plans.values() if p.doc_no == plan_id]
    if by_doc:
        return by_doc[0]
    raise UnknownRuleError(
        f"没有编号为「{plan_id}」的应急预案；可用：{'、'.join(plans)}（gongbao plans list 查看全部）"
    )


# --------------------------------------------------------------------------------------------------
# test cases


def run_plan_tests(plan: Plan) -> tuple[int, list[str]]:
    failures = []
    for case in plan.tests:
        name = str(case.get("name"))
        failures += [f"{plan.id} ·「{name}」：{p}" for p in _run_case(plan, case)]
    return len(plan.tests), failures


def _run_case(plan: Plan, case: dict[str, Any]) -> Iterator[str]:
    at = case.get("at")
    at = dt.datetime.fromisoformat(str(at)) if at else dt.datetime(2024, 1, 1, 8, 0)
    try:
        res = plan.respond(case.get("facts") or {}, at)
    except RuleInputError as exc:
        if "error" not in case:
            yield f"事实被拒绝：{exc}"
        else:
            for f in case["error"]:
                if not any(f"({f})" in p or f"「{f}」" in p for p in exc.problems):
                    yield f"预期报告「{f}」的问题，实际：{'；'.join(exc.problems)}"
        return
    if "error" in case:
        yield "预期事实被拒绝，实际计算成功"
        return
    for key, want in (case.get("expect") or {}).items():
        if key in ("grade", "level"):
            got = (res[key] or {}).get("id")
            if got != (None if want in (None, "无") else str(want)):
                yield f"{key} 预期 {want}，实际 {got}"
        elif key == "activated_by":
            got = (res["level"] or {}).get("activated_by")
            if got != want:
                yield f"activated_by 预期 {want}，实际 {got}"
        elif key == "reports":  # each expected {to, due[, who]} must be in the checklist
            for item in want:
                if not any(all(str(c.get(k)) == str(v) for k, v in item.items()) for c in res["checklist"]):
                    yield f"检查单中没有 {item}"
        elif key == "groups":
            got = {g["name"] for g in res["groups"]}
            if missing := set(want) - got:
                yield f"缺少工作组 {sorted(missing)}"
        elif key == "escalations":
            for item in want:
                if not any(all(str(e.get(k)) == str(v) for k, v in item.items()) for e in res["escalations"]):
                    yield f"没有升级提示 {item}"
        elif key == "ambiguities":
            got = sorted(a["id"] for a in res["ambiguities"])
            if got != sorted(want):
                yield f"歧义提示预期 {sorted(want)}，实际 {got}"
        else:
            yield f"未知的 expect 键「{key}」"
