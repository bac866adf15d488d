"""Proofreading (公报校对): small, separate checkers over a parsed gazette, one list of findings.

A checker is a function ``(issue: Issue) -> Iterable[Finding]`` registered with :func:`checker`. It
reads the parsed documents (their parts, article trees and raw-line maps) and reports what an editor
should fix, with the lines and numbers involved and a suggested correction when the text implies one.
Checkers live in ``gongbao.proof.checks``; adding one is adding a module there.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from gongbao.parse.models import Document, OutlineNode, ParseResult, Part

SEVERITIES = ("错误", "警告", "提示")  # error: certainly wrong; warning: probably; hint: worth a look


@dataclass
class Finding:
    check: str  # registry name, e.g. "arithmetic.total"
    kind: str  # Chinese: 合计与分项不符
    severity: str  # 错误 | 警告 | 提示
    message: str  # Chinese, says what is wrong and where
    line_start: int  # raw lines of the gazette file
    line_end: int
    doc_no: str | None = None
    title: str | None = None
    numbers: dict[str, Any] = field(default_factory=dict)  # the values compared
    suggestion: str | None = None  # the correction the text implies, if any
    related: list[str] = field(default_factory=list)  # other documents involved (文号 or title)
    source: str = ""  # the gazette file

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Span:
    """A piece of document text with the way back to raw lines."""

    doc: Document
    part: Part
    start: int  # offsets in part.text
    end: int

    @property
    def text(self) -> str:
        return self.part.text[self.start : self.end]

    @property
    def lines(self) -> tuple[int, int]:
        return self.part.raw_line_at(self.start), self.part.raw_line_at(max(self.start, self.end - 1))


@dataclass
class Issue:
    """One parsed gazette issue, as checkers see it."""

    result: ParseResult

    @property
    def documents(self) -> list[Document]:
        return self.result.documents

    def finding(self, check: str, kind: str, severity: str, message: str, where: Span | Document | int,
                doc: Document | None = None, **extra: Any) -> Finding:  # fmt: skip
        """A finding located at a span, a document (its first line) or a raw line number."""
        if isinstance(where, Span):
            (a, b), doc = where.lines, where.doc
        elif isinstance(where, Document):
            a, b, doc = where.line_start, where.line_start, where
        else:
            a = b = where
        return Finding(
            check=check, kind=kind, severity=severity, message=message, line_start=a, line_end=b,
            doc_no=doc.doc_no if doc else None, title=doc.title if doc else None,
            source=self.result.source, **extra,
        )  # fmt: skip

    def paragraphs(self) -> Iterator[Span]:
        """Every paragraph (a line of repaired text) of every part of every document."""
        for doc in self.documents:
            for part in doc.parts:
                for m in re.finditer(r"[^\n]+", part.text):
                    yield Span(doc, part, m.start(), m.end())

    def nodes(self) -> Iterator[tuple[Document, Part, OutlineNode]]:
        def walk(nodes: list[OutlineNode]) -> Iterator[OutlineNode]:
            for n in nodes:
                yield n
                yield from walk(n.children)

        for doc in self.documents:
            for part in doc.parts:
                for n in walk(part.outline):
                    yield doc, part, n


Checker = Callable[[Issue], Iterable[Finding]]
CHECKERS: dict[str, Checker] = {}


def checker(name: str) -> Callable[[Checker], Checker]:
    def register(fn: Checker) -> Checker:
        CHECKERS[name] = fn
        return fn

    return register


def load_checkers() -> dict[str, Checker]:
    """Import every module of ``gongbao.proof.checks`` (each registers its checkers)."""
    from gongbao.proof import checks

    for mod in pkgutil.iter_modules(checks.__path__):
        importlib.import_module(f"{checks.__name__}.{mod.name}")
    return CHECKERS


def check(result: ParseResult, only: Iterable[str] | None = None) -> list[Finding]:
    """All findings for one parsed gazette, in file order."""
    issue = Issue(result)
    wanted = set(only) if only else None
    findings: list[Finding] = []
    for name, fn in sorted(load_checkers().items()):
        if wanted is None or name in wanted or name.split(".")[0] in wanted:
            findings.extend(fn(issue))
    findings.sort(key=lambda f: (f.line_start, SEVERITIES.index(f.severity), f.check))
    return findings
