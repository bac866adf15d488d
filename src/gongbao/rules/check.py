"""Checking rulebooks: their own test cases, and that every cited clause and quote is in the document.

``run_tests`` needs nothing but the rulebook. ``verify_sources`` needs a database with the cited
documents ingested: it finds each source's clause in the document's article tree and requires the
quote (whitespace and punctuation variants ignored) inside that clause.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gongbao.rules.book import Rule, RuleInputError
from gongbao.rules.engine import Source
from gongbao.rules.quantity import parse_quantity
from gongbao.store import query as Q
from gongbao.text.repair import squeeze


@dataclass
class TestFailure:
    rule: str
    case: str
    problem: str

    def __str__(self) -> str:
        return f"{self.rule} ·「{self.case}」：{self.problem}"


def run_tests(rule: Rule) -> tuple[int, list[TestFailure]]:
    """Run the rule's YAML test cases: (number run, failures)."""
    failures: list[TestFailure] = []
    for case in rule.tests:
        name = str(case["name"])
        failures += [TestFailure(rule.id, name, p) for p in _run_case(rule, case)]
    return len(rule.tests), failures


def _run_case(rule: Rule, case: dict[str, Any]) -> Iterator[str]:
    as_of = case.get("as_of")
    if as_of is not None and not isinstance(as_of, dt.date):
        as_of = dt.date.fromisoformat(str(as_of))
    try:
        result = rule.evaluate(case["input"] or {}, as_of=as_of)
    except RuleInputError as exc:
        if "error" not in case:
            yield f"输入被拒绝：{exc}"
            return
        for field in case["error"]:
            if not any(f"({field})" in p or f"「{field}」" in p for p in exc.problems):
                yield f"预期报告「{field}」的问题，实际：{'；'.join(exc.problems)}"
        return
    if "error" in case:
        yield f"预期输入被拒绝（{case['error']}），实际计算成功"
        return
    for key, want in (case.get("expect") or {}).items():
        if key == "eligible":
            if result["eligible"] != want:
                why = "；".join(f["label"] for f in result["failed"])
                yield f"eligible 预期 {want}，实际 {result['eligible']}" + (
                    f"（未通过：{why}）" if why else ""
                )
        elif key == "failed":
            got = sorted(f["id"] for f in result["failed"])
            if got != sorted(want):
                yield f"未通过条件预期 {sorted(want)}，实际 {got}"
        elif key == "ambiguities":
            got = sorted(a["id"] for a in result["ambiguities"])
            if got != sorted(want):
                yield f"歧义提示预期 {sorted(want)}，实际 {got}"
        else:
            got = _output(result, key)
            if got is _MISSING:
                yield f"没有结果「{key}」"
            elif not _same(got, want):
                yield f"{key} 预期 {want}，实际 {got}"


_MISSING = object()


def _output(result: dict[str, Any], key: str) -> Any:
    name, _, part = key.partition(".")
    item = result["outputs"].get(name)
    if item is None:
        return _MISSING
    if part:
        return item.get("split", {}).get(part, _MISSING)
    return item["value"]


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want
    return Decimal(str(got)) == parse_quantity(want).value


# --------------------------------------------------------------------------------------------------
# sources


def sources(rule: Rule) -> Iterator[tuple[str, Source]]:
    """Every (what, source) the rule cites."""
    for p in rule.parameters.values():
        yield f"参数 {p.name}", p.source
    for c in rule.eligibility:
        yield f"条件 {c.id}", c.source
    for o in rule.outputs.values():
        yield f"结果 {o.name}", o.source
        if o.split_source:
            yield f"分担 {o.name}", o.split_source
        yield from ((f"结果 {o.name} 的步骤", s) for s in node_sources(o.node))
    for a in rule.ambiguities.values():
        yield f"歧义 {a.id}", a.source
    if rule.effective:
        yield "有效期", rule.effective.source


def node_sources(node: Any) -> Iterator[Source]:
    seen = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if getattr(n, "source", None) is not None and n is not node:
            yield n.source
        for v in vars(n).values():
            items = v if isinstance(v, list | tuple) else v.values() if isinstance(v, dict) else [v]
            for x in items:
                if hasattr(x, "explain"):
                    stack.append(x)
                elif hasattr(x, "result"):  # a tier bracket
                    stack.append(x.result)


@dataclass
class Located:
    document_id: int
    part_seq: int
    node_key: str | None
    line_start: int
    line_end: int

    @property
    def url(self) -> str:
        anchor = f"#n-{self.part_seq}-{self.node_key}" if self.node_key else f"#part-{self.part_seq}"
        return f"/doc/{self.document_id}{anchor}"


def _subtree_text(node: dict[str, Any]) -> str:
    return node["text"] + "".join(_subtree_text(c) for c in node["children"])


def _find_path(
    nodes: list[dict[str, Any]], markers: list[str], anywhere: bool = True
) -> Iterator[dict[str, Any]]:
    """Nodes reached by following the marker chain; its first marker may be at any depth (a clause may
    omit its chapter), the following ones are children in turn."""
    for n in nodes:
        if n["marker"] and squeeze(n["marker"]) == markers[0]:
            if len(markers) == 1:
                yield n
            else:
                yield from _find_path(n["children"], markers[1:], anywhere=False)
        if anywhere:
            yield from _find_path(n["children"], markers)


def _all_nodes(nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for n in nodes:
        yield n
        yield from _all_nodes(n["children"])


WHOLE_DOCUMENT = ("通知", "正文", "全文")


def locate(doc: dict[str, Any], source: Source) -> Located | None:
    """Where ``source`` is in ``doc`` (a :func:`gongbao.store.query.get_document` result).

    The clause is a chain of printed markers (``第三条``, ``一、 （二）``); the quote must be inside the
    clause's text, its sub-items included. The clause ``通知``/``正文``/``全文`` matches the quote in
    any paragraph of the document.
    """
    quote = squeeze(source.quote or "")
    markers = [squeeze(m) for m in source.clause.split()]
    whole = source.clause in WHOLE_DOCUMENT
    for seq, part in enumerate(doc["parts"]):
        candidates = _all_nodes(part["outline"]) if whole else _find_path(part["outline"], markers)
        for n in candidates:
            if quote in squeeze(n["text"] if whole else _subtree_text(n)):
                return Located(doc["id"], seq, n["id"], n["line_start"], n["line_end"])
    return None


def verify_sources(rule: Rule, conn: sqlite3.Connection) -> list[str]:
    """Problems with the rule's citations against the documents in ``conn`` (empty: all found)."""
    return verify(rule.id, sources(rule), conn)


def verify(ident: str, cited: Iterable[tuple[str, Source]], conn: sqlite3.Connection) -> list[str]:
    """Problems with the citations ``(what, source)`` of rule or plan ``ident`` (empty: all found)."""
    problems = []
    docs: dict[str, dict[str, Any] | None] = {}
    for what, src in cited:
        if src.doc_no not in docs:
            doc_id = Q.lookup_doc_no(conn, src.doc_no)
            docs[src.doc_no] = Q.get_document(conn, doc_id) if doc_id else None
        doc = docs[src.doc_no]
        if doc is None:
            problems.append(f"{ident} {what}：数据库中没有 {src.doc_no}")
        elif locate(doc, src) is None:
            problems.append(
                f"{ident} {what}：在 {src.doc_no} 中找不到「{src.clause}」"
                + (f"里的引文「{src.quote}」" if src.quote else "")
            )
    return problems


def annotate_sources(conn: sqlite3.Connection, obj: Any) -> Any:
    """Add ``url``, ``line_start`` and ``line_end`` to every ``source`` dict inside ``obj`` (in place):
    the clause on the document page, when the document is in the database."""
    docs: dict[str, dict[str, Any] | None] = {}

    def doc_of(doc_no: str) -> dict[str, Any] | None:
        if doc_no not in docs:
            doc_id = Q.lookup_doc_no(conn, doc_no)
            docs[doc_no] = Q.get_document(conn, doc_id) if doc_id else None
        return docs[doc_no]

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            src = x.get("source")
            if isinstance(src, dict) and src.get("doc_no") and "url" not in src:
                doc = doc_of(src["doc_no"])
                loc = locate(doc, Source(src["doc_no"], src["clause"], src.get("quote"))) if doc else None
                src["url"] = loc.url if loc else (f"/doc/{doc['id']}" if doc else None)
                src["line_start"], src["line_end"] = (loc.line_start, loc.line_end) if loc else (None, None)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(obj)
    return obj
