"""Parse gazette text into documents: the public surface of the parse stage.

>>> from gongbao.parse import parse_text
>>> r = parse_text("平顺县人民政府\\n关于印发某办法的通知\\n平政发〔2023〕3号\\n各乡、镇人民政府：\\n"
...                "《某办法》已经县政府同意，现印发给你们。\\n平顺县人民政府\\n2023年2月7日\\n（此件公开发布）\\n"
...                "某办法\\n第一条 为了规范管理，制定本办法。\\n第二条 本办法自印发之日起施行。")
>>> d = r.documents[0]
>>> d.doc_no, d.issuer, d.doc_type, d.signed_date, d.publicity, d.main_text["title"], d.effective_date
('平政发〔2023〕3号', '平顺县人民政府', '通知', '2023-02-07', '主动公开', '某办法', '2023-02-07')
"""

from __future__ import annotations

from pathlib import Path

from gongbao.errors import NotAGazetteError
from gongbao.parse.gazette import cross_check_toc, parse_gazette
from gongbao.parse.metadata import apply_web_meta, build_document
from gongbao.parse.models import Document, Gazette, ParseResult, ParseWarning
from gongbao.parse.segment import find_documents
from gongbao.parse.webmeta import parse_web_meta
from gongbao.text.repair import RepairedText, repair

__all__ = ["parse_text", "parse_file", "parse_repaired", "ParseResult", "Document", "Gazette", "ParseWarning"]


def parse_repaired(rep: RepairedText, strict: bool = True) -> ParseResult:
    """Segment repaired text into a gazette and its documents."""
    lines = rep.lines
    spans = find_documents(lines)
    if not spans and strict:
        detail = (
            "文本中没有中文"
            if not any("\u4e00" <= ch <= "\u9fff" for ln in lines for ch in ln.text)
            else "未找到标题、文号或落款日期"
        )
        raise NotAGazetteError(rep.source, detail)
    front = lines[: spans[0].start] if spans else lines
    documents = [build_document(lines, s) for s in spans]
    if len(documents) == 1 and (meta := parse_web_meta(front)):
        apply_web_meta(documents[0], meta)
    gazette = parse_gazette(front, rep.furniture, bool(documents))
    warnings: list[ParseWarning] = []
    if gazette is not None:
        warnings.extend(cross_check_toc(gazette, documents))
    seen: dict[str, Document] = {}
    for d in documents:
        if d.doc_no and d.doc_no in seen:
            warnings.append(
                ParseWarning("duplicate_doc_no", f"文号{d.doc_no}出现在两个文件中", d.line_start, d.doc_no)
            )
        elif d.doc_no:
            seen[d.doc_no] = d
        warnings.extend(d.warnings)
    return ParseResult(
        source=rep.source, encoding=rep.encoding, gazette=gazette, documents=documents, warnings=warnings
    )


def parse_text(
    text: str, source: str = "<text>", encoding: str = "utf-8", strict: bool = True
) -> ParseResult:
    """Repair and parse ``text``. With ``strict`` (default), text with no document raises NotAGazetteError."""
    return parse_repaired(repair(text, source=source, encoding=encoding), strict=strict)


def parse_file(
    path: str | Path, strict: bool = True, source_url: str | None = None, on_ocr=None
) -> ParseResult:
    """Read one file of any supported format (text in any encoding, PDF, OFD, saved HTML), repair and parse."""
    from gongbao.formats import annotate, read

    ext = read(path, source_url, on_ocr)
    return annotate(parse_text(ext.text, source=str(path), encoding=ext.encoding, strict=strict), ext)
