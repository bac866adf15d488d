"""Stage 0 for every input format: bytes → the page-aware text the rest of the pipeline reads.

Plain text is decoded (:mod:`gongbao.text.decode`); PDF (text layer, or OCR for scanned pages), OFD
and saved 政府信息公开 HTML pages are turned into the same kind of text by their modules here. The
format is detected from the content (magic bytes, markup), not from the file name. After this stage
there is one pipeline: repair, segmentation, metadata.
"""

from __future__ import annotations

import bisect
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongbao.errors import InputError
from gongbao.parse.models import ParseWarning
from gongbao.text.decode import decode_bytes

SUFFIXES = (".txt", ".pdf", ".ofd", ".html", ".htm")


@dataclass
class Extracted:
    text: str  # what the pipeline reads; its lines are the "raw lines" every span refers to
    encoding: str  # the text encoding, or how the text was obtained: "pdf", "pdf+ocr", "ofd", "html/utf-8"
    format: str  # txt | pdf | ofd | html
    page_starts: list[int] = field(default_factory=list)  # 1-based line where each page begins
    meta: dict[str, Any] = field(default_factory=dict)  # page metadata (HTML), document info (PDF/OFD)
    warnings: list[ParseWarning] = field(default_factory=list)  # e.g. OCR lines read with low confidence

    def record(self) -> tuple[str, str | None, str | None]:
        """(format, page_starts, meta) as stored in the ``sources`` table (JSON; extraction warnings go
        into meta under ``extraction_warnings``), so a stored source can be parsed again as it was."""
        meta = dict(self.meta)
        if self.warnings:
            meta["extraction_warnings"] = [[w.code, w.message, w.line] for w in self.warnings]
        return (
            self.format,
            json.dumps(self.page_starts) if self.page_starts else None,
            json.dumps(meta, ensure_ascii=False) if meta else None,
        )

    @classmethod
    def from_record(cls, text: str, encoding: str, fmt: str, page_starts: str | None, meta: str | None):
        """The inverse of :meth:`record`."""
        info = json.loads(meta) if meta else {}
        warnings = [ParseWarning(c, m, ln) for c, m, ln in info.pop("extraction_warnings", [])]
        return cls(text, encoding, fmt, json.loads(page_starts) if page_starts else [], info, warnings)

    def page_of(self, line: int) -> int | None:
        """The 1-based page of a raw line (None for plain text)."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, line))


def join_pages(pages: list[str]) -> tuple[str, list[int]]:
    """Pages' text joined into one text, and the line where each page starts."""
    starts, lines = [], []
    for page in pages:
        starts.append(len(lines) + 1)
        lines.extend(page.rstrip("\n").split("\n") if page.strip() else [""])
    return "\n".join(lines), starts


_HTML = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<meta|<body|<!--)", re.I)


def detect(data: bytes, source: str | None = None) -> str:
    """txt | pdf | ofd | html, from the content."""
    head = data[:1024]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            raise InputError("文件以 ZIP 开头但已损坏，无法作为 OFD 读取 (damaged zip/OFD)", source) from None
        if any(n.rsplit("/", 1)[-1].upper() == "OFD.XML" for n in names):
            return "ofd"
        raise InputError("这是 ZIP 文件，但不是 OFD 版式文件（缺少 OFD.xml）(zip, not OFD)", source)
    stripped = head.lstrip(b"\xef\xbb\xbf")
    if _HTML.match(stripped) or (b"<html" in head.lower() and b"</" in data[:65536]):
        return "html"
    return "txt"


#: Called after each scanned page is read by OCR: (pages done, pages to read). OCR takes seconds a page.
OcrProgress = Callable[[int, int], None]


def extract(
    data: bytes, source: str, source_url: str | None = None, on_ocr: OcrProgress | None = None
) -> Extracted:
    """The text of one input file, whatever its format; InputError (with a Chinese message) if unusable.
    ``source_url``: where a saved web page came from, when the page itself does not say; ``on_ocr``: a
    progress callback for the pages of a scanned PDF."""
    kind = detect(data, source)
    if kind == "pdf":
        from gongbao.formats.pdf import extract_pdf

        return extract_pdf(data, source, on_ocr)
    if kind == "ofd":
        from gongbao.formats.ofd import extract_ofd

        return extract_ofd(data, source)
    if kind == "html":
        from gongbao.formats.html import extract_html

        return extract_html(data, source, source_url=source_url)
    text, encoding = decode_bytes(data, source)
    return Extracted(text, encoding, "txt")


def annotate(result: Any, ext: Extracted) -> Any:
    """Record on a ParseResult what only the format knows: each document's pages, the page metadata,
    extraction warnings (e.g. low-confidence OCR lines)."""
    result.format, result.meta = ext.format, ext.meta
    for d in result.documents:
        if ext.page_starts:
            d.extra["pages"] = [ext.page_of(d.line_start), ext.page_of(d.line_end)]
            # the page of every field's provenance span (文号 → 1, 成文日期 → 3 …)
            d.extra["field_pages"] = {k: ext.page_of(span[0]) for k, span in d.sources.items() if span}
        if ext.meta.get("url"):
            d.extra["url"] = ext.meta["url"]
    for w in ext.warnings:
        doc = next((d for d in result.documents if w.line and d.line_start <= w.line <= d.line_end), None)
        if doc is not None:
            w.doc_no = w.doc_no or doc.doc_no
            doc.warnings.append(w)
        result.warnings.append(w)
    return result


def read(path: str | Path, source_url: str | None = None, on_ocr: OcrProgress | None = None) -> Extracted:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取文件 ({exc.strerror or exc})", str(p)) from None
    return extract(data, str(p), source_url, on_ocr)
