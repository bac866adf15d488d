"""Plain data produced by the parse stage.

Field names are part of gongbao's public contract (JSON output, database columns, API): ``doc_no`` = 文号,
``issuer`` = 发文机关, ``title`` = 标题, ``doc_type`` = 文种, ``signed_date`` = 成文日期, ``publicity`` =
公开方式, ``recipients`` = 主送机关, ``attachments`` = 附件. Every line number is 1-based and refers to
the raw input text.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ParseWarning:
    """Something the parser noticed and could not (or should not) silently fix."""

    code: str  # machine-readable, e.g. "toc_missing_document"
    message: str  # Chinese, for people
    line: int | None = None
    doc_no: str | None = None


@dataclass
class DocNo:
    """A parsed 文号: prefix (机关代字) + year + serial."""

    prefix: str
    year: int
    serial: int

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.serial}号"


@dataclass
class OutlineNode:
    """A node of the article tree: a chapter, article or numbered item, with its text span."""

    id: str  # stable within the document: "ch2/art5", "p3/pp2/n1"
    kind: str  # "编" "章" "节" "条" "一、" "（一）" "1." "（1）" "①" "1.1" ...
    marker: str  # as printed: "第五条", "（三）", "2.1"
    number: int | None
    heading: str | None
    text: str
    line_start: int
    line_end: int
    children: list[OutlineNode] = field(default_factory=list)


@dataclass
class Part:
    """One part of a document: the cover notice, an issued main text, or a printed attachment."""

    role: str  # "notice" | "main_text" | "attachment"
    title: str | None
    kind: str | None  # for main texts: 办法 / 实施方案 / 应急预案 …
    line_start: int
    line_end: int
    text: str
    outline: list[OutlineNode] = field(default_factory=list)
    sources: list[tuple[int, int]] = field(
        default_factory=list
    )  # (offset in text, raw line) where raw lines begin

    def raw_line_at(self, offset: int) -> int:
        """The raw line (1-based) of the character at ``offset`` in ``text``."""
        i = bisect_right(self.sources, (offset, float("inf"))) - 1
        return self.sources[max(i, 0)][1] if self.sources else self.line_start


@dataclass
class Attachment:
    title: str
    only_online: bool  # "见网络版", "详见…网站": not printed in the gazette
    printed: bool = False  # its text follows in the gazette
    line: int | None = None


@dataclass
class Document:
    doc_no: str | None
    doc_no_parts: dict[str, Any] | None
    issuer: str | None
    title: str
    doc_type: str | None
    signed_date: str | None
    publicity: str | None
    recipients: list[str]
    attachments: list[Attachment]
    main_text: dict[str, Any] | None  # {title, kind, line_start} of the first issued text
    effective: str | None  # ISO date, or the rule as text: "自印发之日起", "自公布之日起30日后"
    effective_date: str | None  # derived ISO date when the rule can be resolved
    validity_period: str | None  # "有效期5年", "试行两年"
    expires: str | None  # derived ISO date: last day in force
    interpreter: str | None  # 本办法由…负责解释
    line_start: int
    line_end: int
    parts: list[Part] = field(default_factory=list)
    sources: dict[str, list[int]] = field(default_factory=dict)  # field → [line_start, line_end]
    warnings: list[ParseWarning] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # explainer (解读), issuers, toc_title …


@dataclass
class TocEntry:
    section: str | None
    title: str
    doc_no: str | None
    page: int | None
    line: int


@dataclass
class Gazette:
    name: str | None
    year: int | None
    issue: int | None
    total_issue: int | None
    published: str | None
    editorial_board: list[dict[str, Any]]
    toc: list[TocEntry]
    sponsor: str | None = None  # 主办单位
    line_start: int | None = None
    line_end: int | None = None


@dataclass
class ParseResult:
    source: str
    encoding: str
    gazette: Gazette | None
    documents: list[Document]
    warnings: list[ParseWarning]
    format: str = "txt"  # txt | pdf | ofd | html
    meta: dict[str, Any] = field(default_factory=dict)  # what the format adds: page metadata, PDF info

    def to_dict(self, parts: bool = True) -> dict[str, Any]:
        d = asdict(self)
        if not parts:
            for doc in d["documents"]:
                doc.pop("parts", None)
        return d
