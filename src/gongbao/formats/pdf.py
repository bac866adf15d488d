"""PDF input: the text layer of each page (pypdfium2); pages without one go to OCR."""

from __future__ import annotations

from gongbao.errors import InputError
from gongbao.formats import Extracted, join_pages


def _open(data: bytes, source: str):
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        detail = str(exc)
        if "password" in detail.lower():
            raise InputError(
                "PDF 已加密，需要密码才能读取；请提供未加密的文件 (encrypted PDF)", source
            ) from None
        raise InputError(f"PDF 文件已损坏或不完整，无法读取 (damaged PDF: {detail})", source) from None
    if len(pdf) == 0:
        raise InputError("PDF 没有任何页面 (PDF has no pages)", source)
    return pdf


def page_texts(pdf) -> list[str]:
    """The text layer of every page, lines separated by \\n."""
    out = []
    for page in pdf:
        text = page.get_textpage().get_text_range()
        out.append(text.replace("\r\n", "\n").replace("\r", "\n"))
    return out


def extract_pdf(data: bytes, source: str) -> Extracted:
    pdf = _open(data, source)
    pages = page_texts(pdf)
    if not any(p.strip() for p in pages):
        raise InputError("PDF 没有文字层（可能是扫描件），且无法进行文字识别 (no text layer)", source)
    text, starts = join_pages(pages)
    return Extracted(text, "pdf", "pdf", starts, {"pages": len(pages)})
