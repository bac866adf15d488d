"""PDF input: the text layer of each page (pypdfium2), read by position; pages without one go to OCR.

Each page becomes the lines a reader sees, top to bottom, built from pdfium's characters and their boxes
rather than from pdfium's own text dump:

* characters are grouped into runs (consecutive in the content stream, on one line, moving right) and
  runs into lines by height; a line's runs are ordered left to right, so text drawn out of order (table
  cells written column by column, a header drawn last) still reads in order. Bold faked by printing a
  run twice comes out once (pdfium drops the overprint), where the samples' extractor doubled it;
* spaces come only from the page: a space glyph (pdfium collapses runs of them; the gap restores the
  count), a gap of a quarter em or more between glyphs, a tab for a gap of 1.5 em or more (table cells,
  TOC page numbers) — never between the characters of ordinary CJK text;
* vertical gaps of whole line pitches become blank lines (at most three);
* running headers, footers and page numbers are found by position: a line in the top or bottom band
  (10 % of the page height) whose text, digits aside, recurs at the same height on several pages. Those
  the repair stage recognises by their text are left to it (it records them, and reads the gazette's
  name and issue from running headers); the others are dropped here. Repair's text-based removal is all
  there is for plain text and for OCR'd pages.

A page with no usable text layer (no characters, only a few over a full-page image, or mostly unmapped
glyphs) is rendered (:func:`gongbao.formats.ocr.render_page`) and read by
:func:`gongbao.formats.ocr.ocr_page`; lines read with low confidence become ``ocr_low_confidence``
warnings on their raw line, and the encoding becomes ``pdf+ocr``. When OCR cannot run, such pages are
reported (``ocr_unavailable``) and the rest of the file is still read; a PDF with no text at all is
then an InputError.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from gongbao.errors import InputError
from gongbao.formats import Extracted, join_pages
from gongbao.parse.models import ParseWarning

BAND = 0.10  # running headers and footers lie within this fraction of the page height from an edge
TAB_EMS = 1.5  # a gap this many ems wider than the line's usual spacing is a tab
SPACE_EMS = 0.25  # … this many ems, a space
MAX_BLANK_LINES = 3
#: pdfium is not thread-safe: every call into it (open, read, render, close) holds this lock; OCR of
#: a rendered page runs outside it.
_PDFIUM = threading.RLock()
MIN_TEXT_CHARS = 20  # fewer characters than this over a full-page image: a scan with a stamped page number


_ENCRYPT = re.compile(rb"/Encrypt\b")
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_NO_PAGES = re.compile(rb"/Count\s+0(?![0-9])")


def _open(data: bytes, source: str):
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        # pdfium's "last error" is process-wide and is not reset by a failure that sets none (a document
        # without pages), so the reason is judged from the bytes as well as from the error
        detail = str(exc)
        if _ENCRYPT.search(data):
            raise InputError(
                "PDF 已加密，需要密码才能读取；请提供未加密的文件 (encrypted PDF)", source
            ) from None
        if _NO_PAGES.search(data) and not _PAGE_OBJECT.search(data):
            raise InputError("PDF 没有任何页面 (PDF has no pages)", source) from None
        if "password" in detail.lower() or "success" in detail.lower():
            detail = "no valid document structure"
        raise InputError(f"PDF 文件已损坏或不完整，无法读取 (damaged PDF: {detail})", source) from None
    if len(pdf) == 0:
        pdf.close()
        raise InputError("PDF 没有任何页面 (PDF has no pages)", source)
    return pdf


# --------------------------------------------------------------------------------------------------
# characters → lines


#: A character as drawn: (text, left, right, middle, height) in PDF points, y up. ``middle`` is the
#: middle of pdfium's loose box (the font's ascent to descent), constant along a line of one font.
_Char = tuple[str, float, float, float, float]


@dataclass
class PdfLine:
    """One printed line of a page: its text and where it sits (PDF points, y up)."""

    text: str
    base: float
    top: float
    bottom: float
    em: float


@dataclass
class PdfPage:
    number: int  # 1-based
    bottom: float  # the page's visible box (media box ∩ crop box), PDF points
    top: float
    lines: list[PdfLine] = field(default_factory=list)
    chars: int = 0  # non-space characters in the text layer
    unmapped: int = 0  # characters pdfium could not map to Unicode (or mapped to private use)
    image_cover: float = 0.0  # the largest image's share of the page area
    objects: int = 0  # page objects (text, images, paths): none means a blank page
    ocr: list[tuple[str, float]] | None = None


def _is_cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uf900" <= ch <= "\uffef"


def _chars(textpage) -> tuple[list[_Char], int]:
    """The characters drawn on a page, in content-stream order, and how many could not be mapped."""
    import pypdfium2.raw as c

    raw = textpage.raw
    n = c.FPDFText_CountChars(raw)
    if n <= 0:
        return [], 0
    rect = c.FS_RECTF()
    # FPDFText_GetText would give all code points at once, but its indices can drift from the character
    # list; one call per character is safe and costs little
    unicode, box, generated = c.FPDFText_GetUnicode, c.FPDFText_GetLooseCharBox, c.FPDFText_IsGenerated
    out: list[_Char] = []
    append = out.append
    unmapped = 0
    high = 0  # pdfium lists a character beyond the BMP as two entries, its UTF-16 surrogates
    for i in range(n):
        u = unicode(raw, i)
        if 0xD800 <= u <= 0xDBFF:
            high = u
            continue
        if 0xDC00 <= u <= 0xDFFF and high:
            u, high = 0x10000 + ((high - 0xD800) << 10) + (u - 0xDC00), 0
        high = 0
        if u <= 0x20:
            if u in (0x0A, 0x0D) or generated(raw, i) == 1:  # pdfium's own spaces and line breaks
                continue
            if u not in (0x09, 0x20):
                unmapped += 1
                continue
            ch = " "
        elif 0xD800 <= u <= 0xF8FF or u in (0xFFFE, 0xFFFF):  # lone surrogates, private use, non-chars
            unmapped += 1
            if u <= 0xDFFF or u >= 0xFFFE:
                continue
            ch = chr(u)  # a private-use glyph is kept but counts against the text layer
        else:
            ch = chr(u)
        box(raw, i, rect)
        top, bottom = rect.top, rect.bottom
        append((ch, rect.left, rect.right, (top + bottom) / 2, max(top - bottom, 0.1)))
    # pdfium falls back to the character code where a font has no Unicode map: sample for that
    step = max(1, n // 64)
    errors = sum(c.FPDFText_HasUnicodeMapError(raw, i) == 1 for i in range(0, n, step))
    return out, unmapped + round(errors * step)


def _runs(chars: list[_Char]) -> list[list]:
    """Consecutive characters on one line, moving right: [middle, height, [chars]] each."""
    runs: list[list] = []
    mid = height = right = 0.0
    cur: list[_Char] = []
    for ch in chars:
        h = ch[4]
        if cur and abs(ch[3] - mid) <= 0.4 * (h if h > height else height) and ch[1] >= right - 0.3 * h:
            cur.append(ch)
        else:
            cur = [ch]
            mid, height = ch[3], ch[4]
            runs.append([mid, height, cur])
        right = ch[2]
    return runs


def _line_text(chars: list[_Char], em: float) -> str:
    """The characters of one line, left to right, with spaces and tabs where the page has gaps."""
    pairs = list(zip(chars, chars[1:], strict=False))
    gaps = [b[1] - a[2] for a, b in pairs if a[0] != " " and b[0] != " "]
    usual = max(0.0, median(gaps)) if len(gaps) >= 4 else 0.0  # justified text is spaced evenly
    tab, space = TAB_EMS * em, SPACE_EMS * em
    out = [chars[0][0]]
    for a, b in pairs:
        gap = b[1] - a[2]
        if a[0] == " ":
            width = a[2] - a[1]
            width = width if width > 0.05 * em else space
            if gap > 0.6 * width and b[0] != " ":
                out.append(" " * round(gap / width))  # pdfium keeps one of several spaces
        elif b[0] != " ":
            excess = gap - usual
            if excess >= tab:
                out.append("\t")
            elif excess >= space:
                out.append(" ")
        out.append(b[0])
    return "".join(out).rstrip()


def _lines(chars: list[_Char]) -> list[PdfLine]:
    """Characters grouped into lines, top to bottom."""
    groups: list[list[list]] = []
    for r in sorted(_runs(chars), key=lambda r: -r[0]):
        if groups and abs(groups[-1][0][0] - r[0]) <= 0.4 * max(groups[-1][0][1], r[1]):
            groups[-1].append(r)
        else:
            groups.append([r])
    lines = []
    for g in groups:
        g.sort(key=lambda r: r[2][0][1])
        cs = [ch for r in g for ch in r[2]]
        wide = [ch[2] - ch[1] for ch in cs if _is_cjk(ch[0])]
        em = median(wide) if wide else median(ch[4] for ch in cs) / 1.2
        text = _line_text(cs, max(em, 0.1))
        if text.strip():
            top = max(ch[3] + ch[4] / 2 for ch in cs)
            bottom = min(ch[3] - ch[4] / 2 for ch in cs)
            lines.append(PdfLine(text, median(r[0] for r in g), top, bottom, em))
    return lines


def _image_cover(page, box: tuple[float, float, float, float]) -> float:
    """The largest image's share of the page's area."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    x0, y0, x1, y1 = box
    area = max((x1 - x0) * (y1 - y0), 1.0)
    best = 0.0
    try:
        for obj in page.get_objects(filter=(c.FPDF_PAGEOBJ_IMAGE,)):
            left, bottom, right, top = obj.get_bounds()
            w = min(right, x1) - max(left, x0)
            h = min(top, y1) - max(bottom, y0)
            if w > 0 and h > 0:
                best = max(best, w * h / area)
    except pdfium.PdfiumError:  # an odd object only means we cannot tell; assume no image
        return best
    return best


def read_page(page, number: int) -> PdfPage:
    """The text layer of one page as positioned lines."""
    box = tuple(page.get_bbox())
    textpage = page.get_textpage()
    try:
        chars, unmapped = _chars(textpage)
    finally:
        textpage.close()
    import pypdfium2.raw as c

    out = PdfPage(number, box[1], box[3], _lines(chars), sum(1 for ch in chars if ch[0] != " "), unmapped)
    if out.chars < MIN_TEXT_CHARS:
        out.image_cover = _image_cover(page, box)
        out.objects = c.FPDFPage_CountObjects(page.raw)
    return out


def needs_ocr(p: PdfPage) -> bool:
    """No usable text layer: nothing but drawing, a page number over a scan, or glyphs without Unicode."""
    return (
        (p.chars == 0 and p.objects > 0)
        or (p.chars < MIN_TEXT_CHARS and p.image_cover >= 0.5)
        or p.unmapped > 0.5 * (p.chars + p.unmapped)
    )


# --------------------------------------------------------------------------------------------------
# page furniture by position

_DIGITS = re.compile(r"\d+")
_LETTER = re.compile(r"[^\W\d_]")  # a header has words; a page number has none (第…页 aside)


def _key(text: str) -> str:
    return _DIGITS.sub("#", "".join(text.split()))


def remove_furniture(pages: list[PdfPage]) -> list[str]:
    """Drop running headers, footers and page numbers from the pages' lines; return the distinct texts
    of the headers and footers found (page numbers aside).

    A line is furniture when it lies wholly in the top or bottom band of its page and its text, with
    digits replaced, recurs in the same band at the same height (±6 pt) on at least two pages (three
    when the PDF has more than four pages). One-page PDFs are left alone: nothing recurs.

    Furniture the repair stage recognises by its text ("平顺县人民政府公报 2023年第4期", "— 3 —") is left
    in place for it: repair removes it just the same and reads the gazette's name and issue from running
    headers when the issue has no masthead. Position removes the rest ("县政府文件", "内部资料").
    """
    from gongbao.text.repair import classify_furniture

    texts = [p for p in pages if p.lines]
    if len(texts) < 2:
        return []
    need = 2 if len(texts) <= 4 else 3
    seen: dict[tuple[str, str], list[tuple[PdfPage, PdfLine]]] = defaultdict(list)
    for p in texts:
        band = BAND * (p.top - p.bottom)
        for line in p.lines[:2]:
            if line.bottom >= p.top - band:
                seen[("top", _key(line.text))].append((p, line))
        for line in p.lines[-2:]:
            if line.top <= p.bottom + band:
                seen[("bottom", _key(line.text))].append((p, line))
    drop: set[int] = set()
    found: list[str] = []
    for hits in seen.values():
        mid = median(line.base for _, line in hits)
        steady = [(p, line) for p, line in hits if abs(line.base - mid) <= 6.0]
        if len({p.number for p, _ in steady}) >= need:
            for _, line in steady:
                if classify_furniture(line.text) not in ("running_header", "page_number"):
                    drop.add(id(line))
                if _LETTER.search(line.text) and line.text not in found:
                    found.append(line.text)
    if drop:
        for p in texts:
            p.lines = [line for line in p.lines if id(line) not in drop]
    return found[:20]


def remove_ocr_furniture(pages: list[PdfPage]) -> list[str]:
    """The same for OCR'd pages, which keep no positions. Candidates are a page's first two and last
    two lines with at least four letters (a header has words; page numbers are left to the repair
    stage); one whose text, digits aside, is among the first two (last two) of at least two OCR'd
    pages (three when more than four were OCR'd) is furniture when nothing but furniture lies between
    it and the page's edge. Lines repair recognises are left to it, as above."""
    from gongbao.text.repair import classify_furniture

    scanned = [p for p in pages if p.ocr]
    if len(scanned) < 2:
        return []
    need = 2 if len(scanned) <= 4 else 3

    def candidates(p: PdfPage, where: str) -> list[tuple[int, str]]:
        idx = (
            range(min(2, len(p.ocr)))
            if where == "top"
            else range(len(p.ocr) - 1, max(-1, len(p.ocr) - 3), -1)
        )
        return [(i, _key(p.ocr[i][0])) for i in idx]  # from the edge inwards

    seen: dict[tuple[str, str], set[int]] = defaultdict(set)
    for p in scanned:
        for where in ("top", "bottom"):
            for i, key in candidates(p, where):
                if len(_LETTER.findall(p.ocr[i][0])) >= 4:
                    seen[(where, key)].add(p.number)
    found: list[str] = []
    for p in scanned:
        drop: set[int] = set()
        for where in ("top", "bottom"):
            for i, key in candidates(p, where):
                text = p.ocr[i][0]
                known = classify_furniture(text) in ("running_header", "page_number")
                if len(seen.get((where, key), ())) >= need:
                    if text not in found:
                        found.append(text)
                    if not known:
                        drop.add(i)
                elif not known:
                    break  # body text: nothing further in is furniture
        p.ocr = [line for i, line in enumerate(p.ocr) if i not in drop]
    return found[:20]


def page_text(lines: list[PdfLine]) -> str:
    """The lines of a page as text, with blank lines where the page has empty line pitches."""
    if not lines:
        return ""
    steps = [a.base - b.base for a, b in zip(lines, lines[1:], strict=False) if a.base - b.base > 0.5]
    pitch = median(steps) if len(steps) >= 3 else None
    out = [lines[0].text]
    for a, b in zip(lines, lines[1:], strict=False):
        if pitch:
            out.extend([""] * min(MAX_BLANK_LINES, max(0, round((a.base - b.base) / pitch) - 1)))
        out.append(b.text)
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------
# OCR


def _ocr(pdf, pages: list[PdfPage], on_ocr=None) -> list[tuple[int, str, str]]:
    """OCR the pages that need it (their ``ocr`` is set); (page, code, reason) for pages left unread."""
    todo = [p for p in pages if needs_ocr(p)]
    if not todo:
        return []

    def unavailable(ps: list[PdfPage], why: object) -> list[tuple[int, str, str]]:
        return [(p.number, "ocr_unavailable", str(why)) for p in ps]

    try:
        from gongbao.formats import ocr
    except ImportError as exc:
        return unavailable(todo, exc)
    problems: list[tuple[int, str, str]] = []
    for k, p in enumerate(todo):
        with _PDFIUM:
            page = pdf[p.number - 1]
            image = ocr.render_page(page)
            page.close()
        try:
            lines = ocr.ocr_page(image)
        except InputError as exc:  # the OCR engine cannot run: no other page will do better
            return problems + unavailable(todo[k:], exc)
        except Exception as exc:  # noqa: BLE001 — one unreadable page must not lose the whole file
            problems.append((p.number, "ocr_failed", f"文字识别出错：{exc}"))
            continue
        cleaned = ((" ".join(str(t).splitlines()).rstrip(), float(conf)) for t, conf in lines)
        p.ocr = [(t, conf) for t, conf in cleaned if t.strip()]
        p.lines = []
        if on_ocr is not None:
            on_ocr(k + 1, len(todo))
    return problems


# --------------------------------------------------------------------------------------------------
# the stage

_PROBLEM = {
    "pdf_page_damaged": "第{}页已损坏，无法读取：{}",
    "ocr_unavailable": "第{}页没有文字层（扫描页），未能识别文字：{}",
    "ocr_failed": "第{}页没有文字层（扫描页），未能识别文字：{}",
}


def _meta(pdf) -> dict[str, Any]:
    meta: dict[str, Any] = {"pages": len(pdf)}
    try:
        info = pdf.get_metadata_dict(skip_empty=True)
    except Exception:  # noqa: BLE001 — metadata is optional
        info = {}
    for k in ("Title", "Author", "Subject", "Creator", "Producer", "CreationDate"):
        if info.get(k):
            meta[k.lower()] = info[k]
    return meta


def extract_pdf(data: bytes, source: str, on_ocr=None) -> Extracted:
    import pypdfium2 as pdfium

    with _PDFIUM:
        pdf = _open(data, source)
    try:
        pages: list[PdfPage] = []
        problems: list[tuple[int, str, str]] = []
        with _PDFIUM:
            for i in range(len(pdf)):
                try:
                    page = pdf[i]
                    pages.append(read_page(page, i + 1))
                    page.close()
                except pdfium.PdfiumError as exc:
                    problems.append((i + 1, "pdf_page_damaged", str(exc)))
        if not pages:
            raise InputError("PDF 文件已损坏，所有页面都无法读取 (damaged PDF: no readable page)", source)
        problems += _ocr(pdf, pages, on_ocr)
        problems.sort()
        headers = remove_furniture([p for p in pages if p.ocr is None])
        headers += [h for h in remove_ocr_furniture(pages) if h not in headers]
        texts = {
            p.number: "\n".join(t for t, _ in p.ocr) if p.ocr is not None else page_text(p.lines)
            for p in pages
        }
        if not any(t.strip() for t in texts.values()):
            why = next((why for _, code, why in problems if code != "pdf_page_damaged"), None)
            if why is not None:
                raise InputError(f"PDF 是扫描件（没有文字层），未能识别文字 (OCR failed)：{why}", source)
            if any(p.ocr is not None for p in pages):
                raise InputError(
                    "PDF 没有文字层，文字识别也未读出任何文字 (scanned PDF, OCR found no text)", source
                )
            raise InputError("PDF 中没有可读取的文字（页面是空白的）(no text in PDF)", source)
        text, starts = join_pages([texts.get(n, "") for n in range(1, len(pdf) + 1)])
        warnings = [
            ParseWarning(code, _PROBLEM[code].format(n, why), starts[n - 1]) for n, code, why in problems
        ]
        if any(p.ocr for p in pages):
            from gongbao.formats.ocr import low_confidence_warnings

            for p in pages:
                if p.ocr:
                    warnings.extend(low_confidence_warnings(p.ocr, starts[p.number - 1], p.number))
        with _PDFIUM:
            meta = _meta(pdf)
        ocr_pages = [p.number for p in pages if p.ocr is not None]
        if ocr_pages:
            meta["ocr_pages"] = ocr_pages
        if headers:
            meta["running_headers"] = headers
        return Extracted(text, "pdf+ocr" if ocr_pages else "pdf", "pdf", starts, meta, warnings)
    finally:
        with _PDFIUM:
            pdf.close()
