"""The formula primitives a rulebook is built from, compiled to small node objects.

Each node has two evaluators: ``value(env)`` (the fast path, used in batch mode) and
``explain(env, ctx)`` which returns the value together with a Chinese description and records a step
(with its source clause) for every labelled node. Both paths share the arithmetic in ``_apply`` so
they cannot disagree.

A formula in YAML is a number, a quantity string (``500万元``, ``6‰``), a name (an input, a parameter
or an earlier output) or a mapping with exactly one operator key plus optional ``label``, ``clause``,
``quote``, ``document``, ``unit``, ``note`` and ``ambiguity``. See docs/rulebooks.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from gongbao.rules.quantity import Quantity, fmt

ZERO = Decimal(0)
PURE = ("", "%", "‰")


@dataclass(frozen=True)
class Source:
    doc_no: str
    clause: str
    quote: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"doc_no": self.doc_no, "clause": self.clause, "quote": self.quote}


@dataclass
class Context:
    """What one explained evaluation collects: steps with sources, and ambiguities it touched."""

    steps: list[dict[str, Any]] = field(default_factory=list)
    ambiguities: list[str] = field(default_factory=list)

    def step(self, text: str, source: Source | None) -> None:
        self.steps.append({"text": text, "source": source.to_dict() if source else None})

    def touch(self, ambiguity: str | None) -> None:
        if ambiguity and ambiguity not in self.ambiguities:
            self.ambiguities.append(ambiguity)


class Node:
    label: str | None = None
    source: Source | None = None
    ambiguity: str | None = None
    unit: str = ""

    def value(self, env: dict[str, Any]) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _explain(self, env: dict[str, Any], ctx: Context) -> tuple[Any, str]:  # pragma: no cover
        raise NotImplementedError

    def py(self, g: Codegen) -> str:
        """A Python expression computing ``value(env)``; the default calls this node itself."""
        return f"{g.bind(self.value)}(env)"

    def explain(self, env: dict[str, Any], ctx: Context) -> tuple[Any, str]:
        ctx.touch(self.ambiguity)
        v, desc = self._explain(env, ctx)
        if self.label:
            shown = fmt(v, self.unit)
            same = desc.endswith(shown) or desc.endswith(f"→ {fmt(v)}")
            ctx.step(f"{self.label}：{desc}" + ("" if same else f" = {shown}"), self.source)
            return v, f"{self.label} {shown}"
        return v, desc


# --------------------------------------------------------------------------------------------------
# leaves


class Const(Node):
    def __init__(self, q: Quantity):
        self.v, self.unit, self.text = q.value, q.unit, q.text

    def value(self, env):
        return self.v

    def py(self, g):
        return g.bind(self.v)

    def _explain(self, env, ctx):
        return self.v, self.text


class Ref(Node):
    """An input, a parameter or an earlier output, by name."""

    def __init__(self, name: str, title: str, unit: str, display: str | None = None):
        self.name, self.title, self.unit, self.display = name, title, unit, display

    def value(self, env):
        return env[self.name]

    def py(self, g):
        return f"env[{self.name!r}]"

    def _explain(self, env, ctx):
        v = env[self.name]
        return v, f"{self.title} {self.display or fmt(v, self.unit)}"


# --------------------------------------------------------------------------------------------------
# arithmetic


def _unit_mul(a: str, b: str) -> str:
    if a in PURE:
        return b if b not in PURE else ""
    if b in PURE:
        return a
    if a.endswith("/" + b):
        return a[: -len(b) - 1]
    if b.endswith("/" + a):
        return b[: -len(a) - 1]
    return ""


def _paren(desc: str) -> str:
    return f"（{desc}）" if any(s in desc for s in (" + ", " − ")) else desc


@dataclass
class Op:
    """One operator: its arity check, the arithmetic, the result unit and the Chinese wording."""

    fn: Callable[..., Any]
    words: Callable[[list[str], list[Any], Any], str]
    unit: Callable[[list[str]], str] = lambda us: next((u for u in us if u not in PURE), us[0] if us else "")


def _sum(*xs):
    return sum(xs, ZERO)


def _prod(*xs):
    out = Decimal(1)
    for x in xs:
        out *= x
    return out


def _pick(word: str):
    def words(descs, vals, result):
        return f"{word}（{'，'.join(descs)}）→ {fmt(result)}" if len(descs) > 1 else descs[0]

    return words


def _cap_words(descs, vals, result):
    return f"{descs[0]}，最高不超过{descs[1]}" + ("（已封顶）" if vals[0] > vals[1] else "")


def _floor_words(descs, vals, result):
    return f"{descs[0]}，最低不少于{descs[1]}" + ("（按保底）" if vals[0] < vals[1] else "")


def _mul_unit(us):
    out = us[0]
    for u in us[1:]:
        out = _unit_mul(out, u)
    return out


OPS: dict[str, Op] = {
    "value": Op(lambda x: x, lambda d, v, r: d[0]),  # identity: a place for a label or an ambiguity
    "add": Op(_sum, lambda d, v, r: " + ".join(d)),
    "sub": Op(lambda a, *bs: a - _sum(*bs), lambda d, v, r: " − ".join(_paren(x) for x in d)),
    "mul": Op(_prod, lambda d, v, r: " × ".join(_paren(x) for x in d), _mul_unit),
    "div": Op(lambda a, b: a / b, lambda d, v, r: f"{_paren(d[0])} ÷ {_paren(d[1])}"),
    "min": Op(lambda *xs: min(xs), _pick("取较低者")),
    "max": Op(lambda *xs: max(xs), _pick("取较高者")),
    "highest": Op(lambda *xs: max(xs), _pick("就高不就低，取最高一项")),
    "rate": Op(lambda base, rate: base * rate, lambda d, v, r: f"{_paren(d[0])} × {d[1]}", _mul_unit),
    "per_unit": Op(lambda n, amount: n * amount, lambda d, v, r: f"{d[0]} × {d[1]}", _mul_unit),
    "cap": Op(lambda v, m: min(v, m), _cap_words),
    "floor": Op(lambda v, m: max(v, m), _floor_words),
    "deduct": Op(
        lambda v, d: max(v - d, ZERO),
        lambda d, v, r: f"{_paren(d[0])} 扣除 {d[1]}" + ("（不足扣除，按 0 计）" if v[0] < v[1] else ""),
    ),
    "top_up": Op(
        lambda target, existing: max(target - existing, ZERO),
        lambda d, v, r: (
            f"补齐差额、不叠加：{d[0]} − {d[1]}" + ("（已达标准，无需补差）" if v[0] <= v[1] else "")
        ),
    ),
}
# operand names for the keyword form of each operator ({rate: {base: …, rate: …}})
OPERANDS: dict[str, tuple[str, ...]] = {
    "rate": ("base", "rate"),
    "per_unit": ("count", "amount"),
    "cap": ("value", "max"),
    "floor": ("value", "min"),
    "deduct": ("value", "deductible"),
    "top_up": ("target", "existing"),
    "div": ("dividend", "divisor"),
}


INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "rate": "*", "per_unit": "*"}
PICK = {"min": "min", "max": "max", "highest": "max", "cap": "min", "floor": "max"}


class Apply(Node):
    def __init__(self, name: str, args: list[Node]):
        self.name, self.op, self.args = name, OPS[name], args
        self.unit = self.op.unit([a.unit for a in args])

    def value(self, env):
        return self.op.fn(*[a.value(env) for a in self.args])

    def py(self, g):
        args = [a.py(g) for a in self.args]
        if len(args) == 1:  # value, or a one-operand add/min/max/highest
            return args[0]
        if self.name in INFIX:
            return "(" + f" {INFIX[self.name]} ".join(args) + ")"
        if self.name in ("deduct", "top_up"):
            return f"max({args[0]} - {args[1]}, {g.bind(ZERO)})"
        return f"{PICK[self.name]}({', '.join(args)})"

    def _explain(self, env, ctx):
        pairs = [a.explain(env, ctx) for a in self.args]
        vals = [p[0] for p in pairs]
        result = self.op.fn(*vals)
        return result, self.op.words([p[1] for p in pairs], vals, result)


class Round(Node):
    MODES = {
        "down": (ROUND_DOWN, "舍去"),
        "half_up": (ROUND_HALF_UP, "四舍五入"),
        "floor": (ROUND_FLOOR, "向下"),
    }

    def __init__(self, arg: Node, to: Decimal, mode: str, unit_word: str):
        self.arg, self.to, self.unit = arg, to, arg.unit
        self.rounding, self.word = self.MODES[mode]
        self.unit_word = unit_word

    def value(self, env):
        return (self.arg.value(env) / self.to).quantize(Decimal(1), self.rounding) * self.to

    def _explain(self, env, ctx):
        v, desc = self.arg.explain(env, ctx)
        r = (v / self.to).quantize(Decimal(1), self.rounding) * self.to
        return r, f"{desc}，{self.word}取整到{self.unit_word}" + ("" if r == v else f" → {fmt(r, self.unit)}")


# --------------------------------------------------------------------------------------------------
# tiers, progressive segments and steps


@dataclass
class Bracket:
    start: Quantity
    result: Node
    label: str


class Tiers(Node):
    """Pick the bracket the figure falls in. ``boundary: lower`` (default) is the usual
    "以上包括本数，以下不包括本数": a bracket applies from its threshold inclusive."""

    def __init__(self, of: Node, brackets: list[Bracket], below: Node, inclusive: bool):
        self.of, self.brackets, self.below, self.inclusive = of, brackets, below, inclusive
        self.starts = [b.start.value for b in brackets]
        self.unit = next((b.result.unit for b in brackets if b.result.unit), "")

    def _index(self, x: Decimal) -> int:
        idx = -1
        for i, s in enumerate(self.starts):
            if x > s or (self.inclusive and x == s):
                idx = i
        return idx

    def value(self, env):
        i = self._index(self.of.value(env))
        return (self.brackets[i].result if i >= 0 else self.below).value(env)

    def py(self, g):
        x, op = g.temp(), ">=" if self.inclusive else ">"
        out = self.below.py(g)
        for b in self.brackets:  # ascending, so the highest bracket is tested first
            out = f"({b.result.py(g)} if {x} {op} {g.bind(b.start.value)} else {out})"
        return f"({x} := {self.of.py(g)}, {out})[1]"

    def _explain(self, env, ctx):
        x, desc = self.of.explain(env, ctx)
        i = self._index(x)
        if i < 0:
            v, d = self.below.explain(env, ctx)
            first = self.brackets[0]
            return v, f"{desc}，未达到最低档（{first.label}）→ {d}"
        v, d = self.brackets[i].result.explain(env, ctx)
        return v, f"{desc}，属于「{self.brackets[i].label}」档 → {d}"


class Progressive(Node):
    """Segment-by-segment rates (分段累进): each rate applies to the part of the figure in its segment."""

    def __init__(self, of: Node, starts: list[Quantity], rates: list[Node]):
        self.of, self.starts, self.rates = of, starts, rates
        self.unit = of.unit

    def _segments(self, x: Decimal):
        for i, s in enumerate(self.starts):
            lo = s.value
            hi = self.starts[i + 1].value if i + 1 < len(self.starts) else None
            if x > lo:
                yield i, (min(x, hi) if hi is not None else x) - lo

    def value(self, env):
        x = self.of.value(env)
        return _sum(*(part * self.rates[i].value(env) for i, part in self._segments(x)))

    def _explain(self, env, ctx):
        x, desc = self.of.explain(env, ctx)
        total, pieces = ZERO, []
        for i, part in self._segments(x):
            r, rd = self.rates[i].explain(env, ctx)
            total += part * r
            pieces.append(f"{self.starts[i].text}以上部分 {fmt(part, self.unit)} × {rd}")
        return total, f"{desc}，分段计算：" + ("；".join(pieces) if pieces else "未超过起付线") + (
            f"，合计 {fmt(total, self.unit)}"
        )


class Steps(Node):
    """ "每上一个台阶递增": ``base`` at the first step, plus ``increment`` for every further step reached."""

    def __init__(self, of: Node, starts: list[Quantity], base: Node, increment: Node, inclusive: bool):
        self.of, self.starts, self.base, self.increment = of, starts, base, increment
        self.inclusive = inclusive
        self.unit = base.unit

    def _count(self, x: Decimal) -> int:
        return sum(1 for s in self.starts if x > s.value or (self.inclusive and x == s.value))

    def value(self, env):
        n = self._count(self.of.value(env))
        return self.base.value(env) + self.increment.value(env) * (n - 1) if n else ZERO

    def _explain(self, env, ctx):
        x, desc = self.of.explain(env, ctx)
        n = self._count(x)
        if not n:
            return ZERO, f"{desc}，未达到第一个台阶（{self.starts[0].text}）→ 0"
        b, bd = self.base.explain(env, ctx)
        inc, incd = self.increment.explain(env, ctx)
        v = b + inc * (n - 1)
        return v, f"{desc}，达到第 {n} 个台阶（{self.starts[n - 1].text}）：{bd} + {incd} × {n - 1}"


class Lookup(Node):
    def __init__(self, key: Ref, table: dict[str, Node], default: Node | None):
        self.key, self.table, self.default = key, table, default
        self.unit = next((n.unit for n in table.values() if n.unit), "")

    def value(self, env):
        k = env[self.key.name]
        return (self.table.get(k) or self.default).value(env)

    def _explain(self, env, ctx):
        k = env[self.key.name]
        v, d = (self.table.get(k) or self.default).explain(env, ctx)
        return v, f"{self.key.title}为「{k}」→ {d}"


class If(Node):
    def __init__(self, when: Node, then: Node, otherwise: Node):
        self.when, self.then, self.otherwise = when, then, otherwise
        self.unit = then.unit or otherwise.unit

    def value(self, env):
        return (self.then if self.when.value(env) else self.otherwise).value(env)

    def py(self, g):
        return f"({self.then.py(g)} if {self.when.py(g)} else {self.otherwise.py(g)})"

    def _explain(self, env, ctx):
        c, cd = self.when.explain(env, ctx)
        v, d = (self.then if c else self.otherwise).explain(env, ctx)
        return v, f"{'符合' if c else '不符合'}（{cd}）→ {d}"


# --------------------------------------------------------------------------------------------------
# conditions


CMP: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "eq": (lambda a, b: a == b, "等于"),
    "ne": (lambda a, b: a != b, "不等于"),
    "gt": (lambda a, b: a > b, "大于"),
    "ge": (lambda a, b: a >= b, "不低于"),
    "lt": (lambda a, b: a < b, "小于"),
    "le": (lambda a, b: a <= b, "不超过"),
}


class Compare(Node):
    def __init__(self, op: str, a: Node, b: Node):
        self.fn, self.word = CMP[op]
        self.symbol = {"eq": "==", "ne": "!=", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}[op]
        self.a, self.b = a, b

    def value(self, env):
        return self.fn(self.a.value(env), self.b.value(env))

    def py(self, g):
        return f"({self.a.py(g)} {self.symbol} {self.b.py(g)})"

    def _explain(self, env, ctx):
        (va, da), (vb, db) = self.a.explain(env, ctx), self.b.explain(env, ctx)
        v = self.fn(va, vb)
        if isinstance(self.b, Text):  # an enum input against one of its values
            if self.word == "等于":
                return v, f"{self.a.title}为「{va}」" + ("" if v else f"，不是「{vb}」")
            return v, f"{self.a.title}为「{va}」（要求不是「{vb}」）"
        return v, f"{da} {self.word} {db}"


class In(Node):
    def __init__(self, a: Ref, options: list[str]):
        self.a, self.options = a, frozenset(options)
        self.text = "、".join(options)

    def value(self, env):
        return env[self.a.name] in self.options

    def py(self, g):
        return f"({self.a.py(g)} in {g.bind(self.options)})"

    def _explain(self, env, ctx):
        v = env[self.a.name]
        return v in self.options, f"{self.a.title}「{v}」属于（{self.text}）"


class Text(Node):
    """An enum value on the right-hand side of eq/ne."""

    def __init__(self, text: str):
        self.text = text

    def value(self, env):
        return self.text

    def py(self, g):
        return repr(self.text)

    def _explain(self, env, ctx):
        return self.text, f"「{self.text}」"


class Logic(Node):
    def __init__(self, kind: str, args: list[Node]):
        self.kind, self.args = kind, args

    def value(self, env):
        if self.kind == "all":
            for a in self.args:
                if not a.value(env):
                    return False
            return True
        if self.kind == "any":
            for a in self.args:
                if a.value(env):
                    return True
            return False
        return not self.args[0].value(env)

    def py(self, g):
        if self.kind == "not":
            return f"(not {self.args[0].py(g)})"
        joiner = " and " if self.kind == "all" else " or "
        return f"bool({joiner.join(a.py(g) for a in self.args)})"

    def _explain(self, env, ctx):
        pairs = [a.explain(env, ctx) for a in self.args]
        if self.kind == "not":
            return not pairs[0][0], f"并非（{pairs[0][1]}）"
        v = all(p[0] for p in pairs) if self.kind == "all" else any(p[0] for p in pairs)
        joiner = "，且" if self.kind == "all" else "，或"
        if self.kind == "any" and v:  # say what matched, not every alternative that did not
            pairs = [p for p in pairs if p[0]]
        return v, joiner.join(f"{d} {'✓' if x else '✗'}" for x, d in pairs)


class BoolRef(Ref):
    def _explain(self, env, ctx):
        v = env[self.name]
        return v, f"{self.title}：{'是' if v else '否'}"


class Codegen:
    """Compiles a rule's formulas into one Python function for batch mode.

    Only node types with an exact inline translation are inlined; any other node is called through its
    own ``value`` method, so both paths share the same arithmetic. Constants and helpers live in the
    function's namespace, never in the source text, and all names are validated identifiers.
    """

    def __init__(self) -> None:
        self.ns: dict[str, Any] = {}
        self.n = 0

    def bind(self, obj: Any) -> str:
        name = f"_k{len(self.ns)}"
        self.ns[name] = obj
        return name

    def temp(self) -> str:
        self.n += 1
        return f"_t{self.n}"

    def function(
        self, outputs: list[tuple[str, Node]], tests: list[Node]
    ) -> Callable[[dict[str, Any]], bool]:
        lines = ["def _rule(env):"]
        lines += [f"    env[{name!r}] = {node.py(self)}" for name, node in outputs]
        lines.append("    return " + (" and ".join(f"bool({t.py(self)})" for t in tests) or "True"))
        exec(compile("\n".join(lines), "<rule>", "exec"), self.ns)  # noqa: S102 - generated from validated nodes
        return self.ns["_rule"]
