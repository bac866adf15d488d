"""Rulebooks: one YAML file per policy document, compiled into executable :class:`Rule` objects.

Loading is strict. Unknown keys, duplicate keys, undefined names, operands of the wrong kind,
unsourced parameters and shares that do not add up are refused with the file and line, so a typo in
a rulebook can never turn into a silently wrong amount. The format is described in docs/rulebooks.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from gongbao.errors import GongbaoError, InputError
from gongbao.rules import engine as E
from gongbao.rules.quantity import Quantity, as_json_number, fmt, parse_quantity

META = {"label", "clause", "quote", "document", "unit", "note", "ambiguity"}
INPUT_TYPES = {
    "money": "金额（元）",
    "number": "数值",
    "integer": "整数",
    "boolean": "是/否",
    "enum": "选项",
}
TRUE = {"true", "是", "yes", "y", "1", "有", "√"}
FALSE = {"false", "否", "no", "n", "0", "无", "×"}


class RulebookError(GongbaoError):
    """A rulebook file is malformed."""


class RuleInputError(InputError):
    """A case cannot be evaluated; ``problems`` lists every reason."""

    def __init__(self, problems: list[str], source: str | None = None):
        self.problems = problems
        super().__init__("输入有误：" + "；".join(problems), source)


class UnknownRuleError(GongbaoError):
    pass


# --------------------------------------------------------------------------------------------------
# YAML with line numbers and without duplicate keys


class _Map(dict):
    line = 0


class _List(list):
    line = 0


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available: ~10× faster
    pass


def _map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    out = _Map()
    out.line = node.start_mark.line + 1
    for k_node, v_node in node.value:
        key = loader.construct_object(k_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"重复的键「{key}」(duplicate key)", k_node.start_mark
            )
        out[key] = loader.construct_object(v_node, deep=True)
    return out


def _seq(loader: _Loader, node: yaml.SequenceNode) -> _List:
    out = _List(loader.construct_object(n, deep=True) for n in node.value)
    out.line = node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _seq)


# --------------------------------------------------------------------------------------------------
# the compiled model


def _zero(v: Any) -> Any:
    """What an ineligible case gets instead of ``v``: 0, or 否 for a yes/no output."""
    return False if isinstance(v, bool) else E.ZERO


def _json(v: Any) -> Any:
    return as_json_number(v) if isinstance(v, Decimal) and not isinstance(v, bool) else v


@dataclass
class InputSpec:
    name: str
    label: str
    type: str
    unit: str = ""
    values: list[str] = field(default_factory=list)
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    default: Any = None
    help: str = ""

    @property
    def required(self) -> bool:
        return self.default is None

    def describe_type(self) -> str:
        if self.type == "enum":
            return "选项：" + "、".join(self.values)
        return INPUT_TYPES[self.type] if self.type != "number" or not self.unit else f"数值（{self.unit}）"

    def __post_init__(self) -> None:
        if self.type == "boolean":
            self._options: dict[Any, Any] = {True: True, False: False}
            self._options |= {t: True for t in TRUE} | {f: False for f in FALSE}
        else:
            self._options = {v: v for v in self.values}

    def coerce(self, raw: Any) -> tuple[Any, str | None]:
        """The typed value, or None and a Chinese problem description."""
        if self._options:
            try:  # exact option text: the common case in batch mode
                v = self._options.get(raw)
            except TypeError:  # unhashable
                v = None
            if v is not None:
                return v, None
            key = raw if isinstance(raw, bool) else str(raw).strip()
            v = self._options.get(key if self.type == "enum" or isinstance(key, bool) else key.lower())
            if v is not None:
                return v, None
            if self.type == "boolean":
                return None, f"{self.title}应为 是/否，收到「{raw}」"
            return None, f"{self.title}只能是：{'、'.join(self.values)}，收到「{raw}」"
        if isinstance(raw, bool):
            return None, f"{self.title}应为{self.describe_type()}，收到「{raw}」"
        try:  # plain numbers first: the common case in batch mode
            v = Decimal(raw if isinstance(raw, str) else str(raw))
            if not v.is_finite():
                raise InvalidOperation
            if self.unit in ("%", "‰"):  # a bare 70 in a percentage field means 70%
                v /= 100 if self.unit == "%" else 1000
        except (InvalidOperation, ValueError, TypeError):
            try:
                q = parse_quantity(raw)
            except ValueError:
                return None, f"{self.title}应为{self.describe_type()}，收到「{raw}」"
            if q.unit not in ("", self.unit):
                return None, f"{self.title}的单位应为{self.unit or '无单位'}，收到「{raw}」"
            v = q.value
        if self.type == "integer" and v != v.to_integral_value():
            return None, f"{self.title}应为整数，收到「{raw}」"
        if self.minimum is not None and v < self.minimum:
            return None, (
                f"{self.title}不能为负数，收到「{raw}」"
                if self.minimum == 0
                else f"{self.title}不能小于 {fmt(self.minimum, self.unit)}，收到「{raw}」"
            )
        if self.maximum is not None and v > self.maximum:
            return None, f"{self.title}不能大于 {fmt(self.maximum, self.unit)}，收到「{raw}」"
        return v, None

    @property
    def title(self) -> str:
        return f"「{self.label}」({self.name})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "unit": self.unit,
            "values": self.values,
            "min": as_json_number(self.minimum) if self.minimum is not None else None,
            "max": as_json_number(self.maximum) if self.maximum is not None else None,
            "default": as_json_number(self.default) if isinstance(self.default, Decimal) else self.default,
            "required": self.required,
            "help": self.help,
        }


def names_of(
    specs: Mapping[str, InputSpec], keys: Iterable[Any], word: str = "输入项"
) -> tuple[dict[Any, str], list[str]]:
    """Input names for the given keys (names or Chinese labels), and a problem per unknown key."""
    names, problems = {}, []
    for key in keys:
        name = (
            key if key in specs else next((n for n, s in specs.items() if s.label == str(key).strip()), None)
        )
        if name is None:
            problems.append(f"未知{word}「{key}」（可用：{'、'.join(specs)}）")
        else:
            names[key] = name
    return names, problems


def coerce_inputs(
    specs: Mapping[str, InputSpec], raw: Mapping[str, Any], word: str = "输入项"
) -> tuple[dict[str, Any], list[str]]:
    """Typed inputs (by name; Chinese labels accepted as keys) and the list of every problem."""
    names, problems = names_of(specs, raw, word)
    env, more = coerce_named(specs, {name: raw[key] for key, name in names.items()})
    return env, problems + more


def coerce_named(
    specs: Mapping[str, InputSpec], given: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Typed inputs from values keyed by input name; missing inputs take their defaults."""
    env: dict[str, Any] = {}
    problems: list[str] = []
    for name, spec in specs.items():
        value = given.get(name)
        if spec._options and isinstance(value, str) and value in spec._options:  # fast path: exact option
            env[name] = spec._options[value]
            continue
        if value is None or value == "" or (isinstance(value, str) and not value.strip()):
            if spec.required:
                problems.append(f"缺少{spec.title}：{spec.describe_type()}")
            else:
                env[name] = spec.default  # typed when the rulebook was loaded
            continue
        typed, problem = spec.coerce(value)
        if problem:
            problems.append(problem)
        else:
            env[name] = typed
    return env, problems


@dataclass
class Parameter:
    name: str
    label: str
    quantity: Quantity
    source: E.Source
    note: str = ""


@dataclass
class Condition:
    id: str
    label: str
    test: E.Node
    source: E.Source
    ambiguity: str | None = None


@dataclass
class Output:
    name: str
    label: str
    unit: str
    node: E.Node
    source: E.Source
    split: dict[str, Decimal] = field(default_factory=dict)
    split_source: E.Source | None = None
    split_ambiguity: str | None = None
    split_verb: str = "承担"
    note: str = ""


@dataclass
class Ambiguity:
    id: str
    problem: str
    reading: str
    source: E.Source

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "problem": self.problem,
            "reading": self.reading,
            "source": self.source.to_dict(),
        }


@dataclass
class Effective:
    start: dt.date | None
    end: dt.date | None
    source: E.Source
    note: str = ""

    def text(self) -> str:
        a = self.start.isoformat() if self.start else "发布之日"
        b = self.end.isoformat() if self.end else "长期"
        return f"{a} 至 {b}" + (f"（{self.note}）" if self.note else "")


@dataclass
class Rule:
    id: str
    title: str
    summary: str
    doc_no: str
    doc_title: str
    path: str
    inputs: dict[str, InputSpec]
    parameters: dict[str, Parameter]
    eligibility: list[Condition]
    outputs: dict[str, Output]
    ambiguities: dict[str, Ambiguity]  # every ambiguity of the book, by id
    always: list[str]  # ambiguities reported on every evaluation
    effective: Effective | None
    notes: list[str]
    tests: list[dict[str, Any]]
    line: int = 0

    def __post_init__(self) -> None:
        self._env = {name: p.quantity.value for name, p in self.parameters.items()}
        self._fast = E.Codegen().function(
            [(name, o.node.arg) for name, o in self.outputs.items()], [c.test for c in self.eligibility]
        )

    # ---------------------------------------------------------------------------------------------
    # inputs

    def names_of(self, keys: Iterable[Any]) -> tuple[dict[Any, str], list[str]]:
        return names_of(self.inputs, keys)

    def coerce(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        return coerce_inputs(self.inputs, raw)

    def coerce_named(self, given: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        return coerce_named(self.inputs, given)

    def validate(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        env, problems = self.coerce(raw)
        if problems:
            raise RuleInputError(problems, self.id)
        return env

    # ---------------------------------------------------------------------------------------------
    # evaluation

    def fast(self, env: dict[str, Any]) -> tuple[bool, dict[str, Decimal]]:
        """Eligibility and amounts for already-typed inputs, without explanations (batch mode)."""
        env.update(self._env)
        eligible = self._fast(env)
        out: dict[str, Decimal] = {}
        for name, o in self.outputs.items():
            v = out[name] = env[name] if eligible else _zero(env[name])
            for part, share in o.split.items():
                out[f"{name}.{part}"] = v * share
        return eligible, out

    def evaluate(self, raw: Mapping[str, Any], as_of: dt.date | None = None) -> dict[str, Any]:
        """Eligibility, amounts and a step-by-step explanation citing each clause."""
        env = self.validate(raw)
        inputs = {k: _json(v) for k, v in env.items()}
        env.update(self._env)
        ctx = E.Context()
        for name, o in self.outputs.items():
            env[name], _ = o.node.explain(env, ctx)
        checks = []
        for c in self.eligibility:
            ok, desc = c.test.explain(env, ctx)
            ctx.touch(c.ambiguity)
            checks.append(
                {
                    "id": c.id,
                    "label": c.label,
                    "passed": bool(ok),
                    "detail": desc,
                    "source": c.source.to_dict(),
                }
            )
        notes = list(self.notes)
        if self.effective:
            period = self.effective
            if as_of is None:
                notes.append(f"政策有效期 {period.text()}；未给出申请日期，未核对是否在有效期内。")
            else:
                inside = (period.start is None or as_of >= period.start) and (
                    period.end is None or as_of <= period.end
                )
                checks.append(
                    {
                        "id": "effective",
                        "label": "在政策有效期内",
                        "passed": inside,
                        "detail": f"申请日期 {as_of.isoformat()}，有效期 {period.text()}",
                        "source": period.source.to_dict(),
                    }
                )
        eligible = all(c["passed"] for c in checks)
        outputs: dict[str, Any] = {}
        for name, o in self.outputs.items():
            v = env[name] if eligible else _zero(env[name])
            item: dict[str, Any] = {
                "label": o.label,
                "value": _json(v),
                "unit": o.unit,
                "text": fmt(v, o.unit),
            }
            if o.split:
                ctx.touch(o.split_ambiguity)
                item["split"] = {part: as_json_number(v * share) for part, share in o.split.items()}
                if eligible:
                    ctx.step(
                        f"{o.label}分担："
                        + "，".join(
                            f"{part}{o.split_verb} {fmt(share, '%')} 即 {fmt(v * share, o.unit)}"
                            for part, share in o.split.items()
                        ),
                        o.split_source,
                    )
            outputs[name] = item
        for a in self.always:
            ctx.touch(a)
        return {
            "rule": self.id,
            "title": self.title,
            "document": {"doc_no": self.doc_no, "title": self.doc_title},
            "eligible": eligible,
            "checks": checks,
            "failed": [c for c in checks if not c["passed"]],
            "outputs": outputs,
            "steps": ctx.steps if eligible else [],
            "ambiguities": [self.ambiguities[a].to_dict() for a in ctx.ambiguities],
            "notes": notes,
            "inputs": inputs,
            "as_of": as_of.isoformat() if as_of else None,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "document": {"doc_no": self.doc_no, "title": self.doc_title},
            "inputs": [s.to_dict() for s in self.inputs.values()],
            "outputs": [
                {
                    "name": o.name,
                    "label": o.label,
                    "unit": o.unit,
                    "split": {k: as_json_number(v) for k, v in o.split.items()},
                    "source": o.source.to_dict(),
                }
                for o in self.outputs.values()
            ],
            "eligibility": [
                {"id": c.id, "label": c.label, "source": c.source.to_dict()} for c in self.eligibility
            ],
            "parameters": [
                {"name": p.name, "label": p.label, "value": p.quantity.text, "source": p.source.to_dict()}
                for p in self.parameters.values()
            ],
            "ambiguities": [a.to_dict() for a in self.ambiguities.values()],
            "effective": {
                "from": self.effective.start.isoformat() if self.effective.start else None,
                "to": self.effective.end.isoformat() if self.effective.end else None,
                "text": self.effective.text(),
                "source": self.effective.source.to_dict(),
            }
            if self.effective
            else None,
            "notes": self.notes,
        }


# --------------------------------------------------------------------------------------------------
# compiling YAML into rules


@dataclass
class _Name:
    kind: str  # input | parameter | output
    title: str
    unit: str
    type: str = "number"  # for inputs: the input type
    display: str | None = None
    values: list[str] = field(default_factory=list)


class _Compiler:
    """Compiles one rulebook file. Every error names the file and line."""

    def __init__(self, path: str):
        self.path = path
        self.doc_no = ""
        self.ambiguities: dict[str, Ambiguity] = {}

    # -- helpers ----------------------------------------------------------------------------------

    def fail(self, where: Any, message: str) -> RulebookError:
        line = getattr(where, "line", 0)
        return RulebookError(message, f"{self.path}:{line}" if line else self.path)

    def mapping(self, raw: Any, where: Any, what: str, required: set[str], optional: set[str]) -> _Map:
        if not isinstance(raw, dict):
            raise self.fail(where, f"{what}应为映射 (mapping expected)")
        keys = set(raw)
        if missing := required - keys:
            raise self.fail(raw, f"{what}缺少：{'、'.join(sorted(missing))}")
        if unknown := keys - required - optional:
            raise self.fail(raw, f"{what}有未知的键：{'、'.join(sorted(map(str, unknown)))}")
        return raw

    def source(self, raw: Mapping[str, Any], where: Any, need_quote: bool = False) -> E.Source:
        clause = raw.get("clause")
        quote = raw.get("quote")
        if not isinstance(clause, str) or not clause.strip():
            raise self.fail(where, "缺少出处条款 clause")
        if need_quote and (not isinstance(quote, str) or not quote.strip()):
            raise self.fail(where, "缺少原文引文 quote")
        return E.Source(
            str(raw.get("document") or self.doc_no), clause.strip(), quote.strip() if quote else None
        )

    def date(self, raw: Any, where: Any) -> dt.date | None:
        if raw is None:
            return None
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw))
        except ValueError:
            raise self.fail(where, f"日期格式应为 YYYY-MM-DD，收到「{raw}」") from None

    def quantity(self, raw: Any, where: Any) -> Quantity:
        try:
            return parse_quantity(raw)
        except ValueError as exc:
            raise self.fail(where, str(exc)) from None

    # -- formulas ---------------------------------------------------------------------------------

    def node(self, raw: Any, where: Any, names: dict[str, _Name], sourced: bool) -> E.Node:
        """Compile one formula. ``sourced``: an enclosing node carries a quote (literals need one)."""
        if isinstance(raw, bool) or raw is None:
            raise self.fail(where, f"公式中不能出现「{raw}」")
        if isinstance(raw, str) and raw in names:
            n = names[raw]
            cls = E.BoolRef if n.type == "boolean" else E.Ref
            return cls(raw, n.title, n.unit, n.display)
        if isinstance(raw, int | float | str):
            if isinstance(raw, str) and not raw[:1].isdigit() and raw[:1] not in "+-.":
                raise self.fail(where, f"未定义的名称「{raw}」")
            q = self.quantity(raw, where)
            if q.value not in (0, 1) and not sourced:
                raise self.fail(
                    where, f"数字「{raw}」没有出处：请定义为参数，或在所在公式节点写明 clause 和 quote"
                )
            return E.Const(q)
        if not isinstance(raw, dict):
            raise self.fail(where, f"无法识别的公式：{raw!r}")
        ops = [k for k in raw if k not in META]
        if len(ops) != 1:
            raise self.fail(raw, f"公式节点必须恰好有一个运算符，收到：{'、'.join(map(str, ops)) or '无'}")
        op = ops[0]
        sourced = sourced or bool(raw.get("quote"))
        node = self.operator(op, raw[op], raw, names, sourced)
        if raw.get("label"):
            node.label = str(raw["label"])
        if raw.get("clause"):
            node.source = self.source(raw, raw)
        if raw.get("unit") is not None:
            node.unit = str(raw["unit"])
        node.ambiguity = self.ambiguity(raw)
        return node

    def args(self, op: str, body: Any, where: Any, names, sourced, arity: int | None) -> list[E.Node]:
        if isinstance(body, dict) and op in E.OPERANDS:
            operands = E.OPERANDS[op]
            self.mapping(body, where, f"运算 {op}", set(operands), set())
            body = [body[k] for k in operands]
        if not isinstance(body, list) or not body:
            raise self.fail(where, f"运算 {op} 的参数应为列表")
        if arity is not None and len(body) != arity:
            raise self.fail(where, f"运算 {op} 需要 {arity} 个参数，收到 {len(body)} 个")
        return [self.node(b, where, names, sourced) for b in body]

    def operator(self, op: str, body: Any, where: _Map, names: dict[str, _Name], sourced: bool) -> E.Node:
        if op == "value":
            return E.Apply(op, [self.node(body, where, names, sourced)])
        if op in E.OPS:
            arity = 2 if op in E.OPERANDS or op == "sub" else None
            return E.Apply(op, self.args(op, body, where, names, sourced, arity))
        if op in ("round", "truncate"):
            if op == "truncate":
                body = {"value": body, "to": 1, "mode": "down"}
            spec = self.mapping(body, where, "取整 round", {"value"}, {"to", "mode"})
            mode = spec.get("mode", "half_up")
            if mode not in E.Round.MODES:
                raise self.fail(where, f"取整方式只能是 {'、'.join(E.Round.MODES)}")
            to = self.quantity(spec.get("to", 1), where).value
            word = {Decimal(1): "元", Decimal("0.1"): "角", Decimal("0.01"): "分"}.get(to, fmt(to))
            return E.Round(self.node(spec["value"], where, names, sourced), to, mode, word)
        if op == "tiers":
            spec = self.mapping(body, where, "分档 tiers", {"of", "brackets"}, {"below", "boundary"})
            of = self.node(spec["of"], where, names, sourced)
            inclusive = self.boundary(spec, where)
            starts, results, labels = [], [], []
            for b in self.items(spec["brackets"], where, "brackets"):
                b = self.mapping(b, where, "分档", {"from", "value"}, {"label"})
                starts.append(self.threshold(b["from"], b, of))
                results.append(self.node(b["value"], b, names, True))
                labels.append(b.get("label"))
            self.ascending(starts, where)
            below = self.node(spec.get("below", 0), where, names, True)
            brackets = [
                E.Bracket(s, r, lbl or self.bracket_label(starts, i, inclusive))
                for i, (s, r, lbl) in enumerate(zip(starts, results, labels, strict=True))
            ]
            return E.Tiers(of, brackets, below, inclusive)
        if op == "progressive":
            spec = self.mapping(body, where, "分段累进 progressive", {"of", "brackets"}, set())
            of = self.node(spec["of"], where, names, sourced)
            starts, rates = [], []
            for b in self.items(spec["brackets"], where, "brackets"):
                b = self.mapping(b, where, "分段", {"from", "rate"}, set())
                starts.append(self.threshold(b["from"], b, of))
                rates.append(self.node(b["rate"], b, names, True))
            self.ascending(starts, where)
            return E.Progressive(of, starts, rates)
        if op == "steps":
            spec = self.mapping(
                body, where, "台阶 steps", {"of", "thresholds", "base", "increment"}, {"boundary"}
            )
            of = self.node(spec["of"], where, names, sourced)
            starts = [
                self.threshold(t, where, of) for t in self.items(spec["thresholds"], where, "thresholds")
            ]
            self.ascending(starts, where)
            return E.Steps(
                of,
                starts,
                self.node(spec["base"], where, names, True),
                self.node(spec["increment"], where, names, True),
                self.boundary(spec, where),
            )
        if op == "lookup":
            spec = self.mapping(body, where, "查表 lookup", {"key", "table"}, {"default"})
            key = spec["key"]
            if key not in names or names[key].type != "enum":
                raise self.fail(where, f"查表的键「{key}」应为选项型输入")
            table_raw = self.mapping(
                spec["table"], where, "查表 table", set(), set(map(str, spec["table"] or {}))
            )
            values = names[key].values
            unknown = [k for k in table_raw if k not in values]
            if unknown:
                raise self.fail(table_raw, f"查表中有不在选项内的值：{'、'.join(unknown)}")
            if "default" not in spec and (missing := [v for v in values if v not in table_raw]):
                raise self.fail(table_raw, f"查表缺少选项：{'、'.join(missing)}（或写 default）")
            table = {k: self.node(v, table_raw, names, True) for k, v in table_raw.items()}
            default = self.node(spec["default"], where, names, True) if "default" in spec else None
            return E.Lookup(E.Ref(key, names[key].title, ""), table, default)
        if op == "if":
            spec = self.mapping(body, where, "条件 if", {"when", "then", "else"}, set())
            return E.If(
                self.node(spec["when"], where, names, sourced),
                self.node(spec["then"], where, names, sourced),
                self.node(spec["else"], where, names, sourced),
            )
        if op in ("all", "any"):
            return E.Logic(op, [self.node(b, where, names, sourced) for b in self.items(body, where, op)])
        if op == "not":
            return E.Logic("not", [self.node(body, where, names, sourced)])
        if op in E.CMP:
            if not isinstance(body, list) or len(body) != 2:
                raise self.fail(where, f"比较 {op} 需要两个参数 [左, 右]")
            left = self.node(body[0], where, names, sourced)
            if isinstance(left, E.Ref) and names[left.name].type == "enum":
                if op not in ("eq", "ne"):
                    raise self.fail(where, f"选项型输入只能用 eq/ne/in 比较，不能用 {op}")
                return E.Compare(op, left, E.Text(self.option(body[1], left.name, names, where)))
            return E.Compare(op, left, self.node(body[1], where, names, sourced))
        if op == "in":
            if not isinstance(body, list) or len(body) != 2 or not isinstance(body[1], list):
                raise self.fail(where, "in 的写法：[选项型输入, [值1, 值2]]")
            name = body[0]
            if name not in names or names[name].type != "enum":
                raise self.fail(where, f"in 的左边「{name}」应为选项型输入")
            return E.In(
                E.Ref(name, names[name].title, ""), [self.option(v, name, names, where) for v in body[1]]
            )
        raise self.fail(where, f"未知的运算符「{op}」")

    def option(self, value: Any, name: str, names: dict[str, _Name], where: Any) -> str:
        if str(value) not in names[name].values:
            raise self.fail(
                where, f"「{value}」不是「{names[name].title}」的选项（{'、'.join(names[name].values)}）"
            )
        return str(value)

    def items(self, raw: Any, where: Any, what: str) -> list[Any]:
        if not isinstance(raw, list) or not raw:
            raise self.fail(where, f"{what} 应为非空列表")
        return raw

    def boundary(self, spec: Mapping[str, Any], where: Any) -> bool:
        b = spec.get("boundary", "lower")
        if b not in ("lower", "upper"):
            raise self.fail(where, "boundary 只能是 lower（以上包括本数）或 upper（以上不包括本数）")
        return b == "lower"

    def threshold(self, raw: Any, where: Any, of: E.Node) -> Quantity:
        q = self.quantity(raw, where)
        if q.unit and of.unit and q.unit != of.unit:
            raise self.fail(where, f"档位「{q.text}」的单位与被分档的量（{of.unit}）不一致")
        return q

    def ascending(self, starts: list[Quantity], where: Any) -> None:
        if any(b.value <= a.value for a, b in zip(starts, starts[1:], strict=False)):
            raise self.fail(where, "档位起点必须严格递增")

    @staticmethod
    def bracket_label(starts: list[Quantity], i: int, inclusive: bool) -> str:
        lo = starts[i].text + ("（含）以上" if inclusive else "以上（不含）")
        if i + 1 < len(starts):
            hi = starts[i + 1].text + ("（不含）" if inclusive else "（含）")
            return f"{lo}、{hi}以下"
        return lo

    # -- the file ---------------------------------------------------------------------------------

    def book(self, raw: Any) -> list[Rule]:
        top = self.mapping(
            raw, raw, "规则书", {"document", "title", "rules"}, {"effective", "ambiguities", "notes"}
        )
        self.doc_no = str(top["document"])
        for a in top.get("ambiguities") or []:
            a = self.mapping(a, top, "歧义", {"id", "clause", "quote", "problem", "reading"}, {"document"})
            if a["id"] in self.ambiguities:
                raise self.fail(a, f"歧义编号重复「{a['id']}」")
            self.ambiguities[a["id"]] = Ambiguity(
                a["id"], a["problem"], a["reading"], self.source(a, a, True)
            )
        effective = self.effective(top.get("effective"), top)
        notes = [str(n) for n in top.get("notes") or []]
        return [
            self.rule(r, str(top["title"]), effective, notes) for r in self.items(top["rules"], top, "rules")
        ]

    def effective(self, raw: Any, where: Any) -> Effective | None:
        if raw is None:
            return None
        e = self.mapping(raw, where, "有效期", {"clause", "quote"}, {"from", "to", "note", "document"})
        return Effective(
            self.date(e.get("from"), e),
            self.date(e.get("to"), e),
            self.source(e, e, True),
            str(e.get("note") or ""),
        )

    def rule(self, raw: Any, doc_title: str, effective: Effective | None, notes: list[str]) -> Rule:
        r = self.mapping(
            raw,
            raw,
            "规则",
            {"id", "title", "inputs", "outputs"},
            {"summary", "parameters", "eligibility", "tests", "ambiguities", "notes", "effective"},
        )
        rid = str(r["id"])
        names: dict[str, _Name] = {}
        inputs: dict[str, InputSpec] = {}
        for name, spec in (r["inputs"] or {}).items():
            inputs[name] = self.input(name, spec, r)
            i = inputs[name]
            names[name] = _Name(
                "input", i.label, "元" if i.type == "money" else i.unit, i.type, values=i.values
            )
        params: dict[str, Parameter] = {}
        for name, spec in (r.get("parameters") or {}).items():
            self.fresh(name, names, r)
            p = self.mapping(
                spec, r, f"参数 {name}", {"value", "label", "clause", "quote"}, {"note", "document"}
            )
            q = self.quantity(p["value"], p)
            params[name] = Parameter(
                name, str(p["label"]), q, self.source(p, p, True), str(p.get("note") or "")
            )
            names[name] = _Name("parameter", str(p["label"]), q.unit, display=q.text)
        outputs: dict[str, Output] = {}
        for name, spec in self.mapping(r["outputs"], r, "outputs", set(), set(r["outputs"] or {})).items():
            self.fresh(name, names, r)
            o = self.mapping(
                spec,
                r,
                f"结果 {name}",
                {"label", "formula", "clause"},
                {"quote", "unit", "split", "note", "document"},
            )
            node = self.node(o["formula"], o, names, bool(o.get("quote")))
            unit = str(o.get("unit") or node.unit or "")
            node = _Named(node, str(o["label"]), self.source(o, o), unit)
            outputs[name] = Output(
                name,
                str(o["label"]),
                unit,
                node,
                node.source,
                note=str(o.get("note") or ""),
                **self.split(o.get("split"), o),
            )
            names[name] = _Name("output", str(o["label"]), unit)
        conditions = []
        for c in r.get("eligibility") or []:
            c = self.mapping(
                c,
                r,
                "资格条件",
                {"id", "label", "test", "clause"},
                {"quote", "document", "note", "ambiguity"},
            )
            test = self.node(c["test"], c, names, bool(c.get("quote")))
            conditions.append(
                Condition(str(c["id"]), str(c["label"]), test, self.source(c, c), self.ambiguity(c))
            )
        if len({c.id for c in conditions}) != len(conditions):
            raise self.fail(r, "资格条件编号重复")
        always = [str(a) for a in r.get("ambiguities") or []]
        for a in always:
            if a not in self.ambiguities:
                raise self.fail(r, f"未声明的歧义「{a}」")
        rule = Rule(
            id=rid,
            title=str(r["title"]),
            summary=str(r.get("summary") or ""),
            doc_no=self.doc_no,
            doc_title=doc_title,
            path=self.path,
            inputs=inputs,
            parameters=params,
            eligibility=conditions,
            outputs=outputs,
            ambiguities=self.ambiguities,
            always=always,
            effective=self.effective(r.get("effective"), r) or effective,
            notes=notes + [str(n) for n in r.get("notes") or []],
            tests=list(r.get("tests") or []),
            line=getattr(r, "line", 0),
        )
        for t in rule.tests:
            self.mapping(t, r, "测试用例", {"name", "input"}, {"expect", "error", "as_of"})
        return rule

    def fresh(self, name: Any, names: dict[str, _Name], where: Any) -> None:
        if not isinstance(name, str) or not name.isidentifier():
            raise self.fail(where, f"名称「{name}」应为英文标识符")
        if name in names:
            raise self.fail(where, f"名称「{name}」重复定义")

    def input(self, name: Any, spec: Any, where: Any) -> InputSpec:
        self.fresh(name, {}, where)
        s = self.mapping(
            spec,
            where,
            f"输入 {name}",
            {"label", "type"},
            {"unit", "values", "min", "max", "default", "help"},
        )
        kind = s["type"]
        if kind not in INPUT_TYPES:
            raise self.fail(s, f"输入类型只能是 {'、'.join(INPUT_TYPES)}")
        values = [str(v) for v in s.get("values") or []]
        if (kind == "enum") != bool(values):
            raise self.fail(s, "选项型输入 (enum) 必须且只有它可以列出 values")
        minimum = s.get("min", 0 if kind in ("money", "integer") else None)
        spec_obj = InputSpec(
            name=name,
            label=str(s["label"]),
            type=kind,
            unit="元" if kind == "money" else str(s.get("unit") or ""),
            values=values,
            minimum=self.bound(minimum, s),
            maximum=self.bound(s.get("max"), s),
            help=str(s.get("help") or ""),
        )
        if "default" in s:
            typed, problem = spec_obj.coerce(s["default"])
            if problem:
                raise self.fail(s, f"默认值有误：{problem}")
            spec_obj.default = typed
        return spec_obj

    def ambiguity(self, raw: Mapping[str, Any]) -> str | None:
        a = raw.get("ambiguity")
        if a is not None and a not in self.ambiguities:
            raise self.fail(raw, f"未声明的歧义「{a}」")
        return a

    def bound(self, raw: Any, where: Mapping[str, Any]) -> Decimal | None:
        """An input's min/max; for a percentage input a bare number is a percentage (``max: 100``)."""
        if raw is None:
            return None
        q = self.quantity(raw, where)
        scale = {"%": 100, "‰": 1000}.get(str(where.get("unit") or ""), 1) if q.unit == "" else 1
        return q.value / scale

    def split(self, raw: Any, where: Any) -> dict[str, Any]:
        """Output fields for a ``split`` of the amount among payers (or uses)."""
        if raw is None:
            return {}
        s = self.mapping(
            raw, where, "分担 split", {"parts", "clause", "quote"}, {"document", "ambiguity", "verb"}
        )
        parts = {str(k): self.quantity(v, s).value for k, v in s["parts"].items()}
        total = sum(parts.values(), Decimal(0))
        if total != 1 and not s.get("ambiguity"):
            raise self.fail(s, f"分担比例合计为 {fmt(total, '%')}，不是 100%；若原文如此，请声明 ambiguity")
        return {
            "split": parts,
            "split_source": self.source(s, s, True),
            "split_ambiguity": self.ambiguity(s),
            "split_verb": str(s.get("verb") or "承担"),
        }


class _Named(E.Node):
    """An output: records one step with the output's own clause."""

    def __init__(self, arg: E.Node, label: str, source: E.Source, unit: str):
        self.arg, self.label, self.source, self.unit = arg, label, source, unit

    def value(self, env):
        return self.arg.value(env)

    def _explain(self, env, ctx):
        return self.arg.explain(env, ctx)


# --------------------------------------------------------------------------------------------------
# loading


def read_yaml(path: str, text: str | None = None) -> Any:
    """A rulebook or plan file as data (line numbers kept, duplicate keys refused)."""
    try:
        return yaml.load(text if text is not None else Path(path).read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RulebookError(
            f"YAML 格式错误：{exc.problem}", f"{path}:{mark.line + 1}" if mark else path
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulebookError(f"无法读取文件：{exc}", path) from None


def load_rulebook(path: str | Path, text: str | None = None) -> list[Rule]:
    """The rules of one YAML rulebook file; RulebookError (with file:line) if it is malformed."""
    return _Compiler(str(path)).book(read_yaml(str(path), text))


def bundled_paths() -> list[Path]:
    root = resources.files("gongbao.data").joinpath("rules")
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".yaml"))


def load_rules(paths: Iterable[str | Path]) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for path in paths:
        for rule in load_rulebook(path):
            if rule.id in rules:
                raise RulebookError(
                    f"规则编号「{rule.id}」与 {rules[rule.id].path} 重复", f"{path}:{rule.line}"
                )
            rules[rule.id] = rule
    return rules


@cache
def bundled_rules() -> dict[str, Rule]:
    """All rules of the rulebooks shipped with gongbao, by id (loaded once)."""
    return load_rules(bundled_paths())


def get_rule(rule_id: str, rules: Mapping[str, Rule] | None = None) -> Rule:
    rules = bundled_rules() if rules is None else rules
    if rule_id in rules:
        return rules[rule_id]
    close = [r for r in rules if rule_id.lower() in r.lower()] or list(rules)[:8]
    raise UnknownRuleError(
        f"没有编号为「{rule_id}」的规则；可用：{'、'.join(close)}（gongbao rules list 查看全部）"
    )
