"""Make gazette-like PDFs from text, for tests, OCR fixtures and benchmarks.

Every raw line of the text becomes one printed line (blank lines included), ``lines_per_page`` lines on an
A4 page, in Noto Sans CJK SC (read from the system's ``.ttc`` collection by fpdf2). Each page carries
a running header and a page number like a printed 政府公报, so both the position-based furniture removal
of :mod:`gongbao.formats.pdf` and the text-based one of the repair stage get exercised:

    ┌──────────────────────────────────────┐
    │ 平顺县人民政府公报 2023年第4期        │  running header (alternating sides), rule
    │ ──────────────────────────────────── │
    │ line 1                               │
    │ …                                    │  ``lines_per_page`` body lines
    │ line 40                              │
    │                 — 3 —                │  page number
    └──────────────────────────────────────┘

A line too wide for the column is set in a smaller font so that it stays one line; a tab becomes a gap
of three ems (what a table cell or a TOC leader looks like to an extractor). Characters missing from
Noto Sans CJK (``₂``) are set in DejaVu Sans. fpdf2 is a development dependency; it is imported lazily.

>>> pdf = text_to_pdf("平顺县人民政府公报\\n2023 第4期\\n\\n关于某事的通知", None)
>>> pdf[:5]
b'%PDF-'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

#: Where the fonts are looked for (Debian/Ubuntu ``fonts-noto-cjk``, ``fonts-dejavu-core``).
LINES_PER_PAGE = 40  # body lines on an A4 page
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
CJK_COLLECTION_INDEX = 2  # JP, KR, SC, TC, HK: the simplified-Chinese face of the collection
FALLBACK_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)

PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
MARGIN_X = 70.0
HEADER_BASELINE = 50.0  # from the top edge
RULE_Y = 58.0
BODY_TOP = 90.0  # baseline of the first body line
BODY_BOTTOM = 762.0  # baseline of the last body line
FOOTER_BASELINE = 802.0
HEADER_SIZE = 9.0
TAB_EMS = 3.0

_NAME = re.compile(r"([\u4e00-\u9fff]{2,20}公报)")
_ISSUE = re.compile(r"((?:19|20)\d\d)\s*年?\s*第\s*(\d{1,3})\s*期")
_RUNNING = re.compile(r"^\s*(\d{1,2})\s*/\s*((?:19|20)\d\d)\s*([\u4e00-\u9fff]{2,20}公报)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def default_header(text: str) -> str:
    """A running header for ``text``: the gazette's name and issue, from its masthead or, failing that,
    from a running header left in the text ("1 / 2023 平顺县人民政府公报").

    >>> default_header("\\n平顺县人民政府公报\\nPINGSHUNXIAN\\n2023 第4期\\n")
    '平顺县人民政府公报 2023年第4期'
    >>> default_header("…\\n3 / 2023 平顺县人民政府公报 县政府文件\\n…")
    '平顺县人民政府公报 2023年第3期'
    """
    head = "\n".join(text.split("\n", 120)[:120])
    name = m.group(1) if (m := _NAME.search(head)) else None
    issue = f" {m.group(1)}年第{m.group(2)}期" if (m := _ISSUE.search(head)) else ""
    if name is None or not issue:
        for line in text.split("\n"):
            if m := _RUNNING.match(line):
                name, issue = name or m.group(3), issue or f" {m.group(2)}年第{m.group(1)}期"
                break
    return (name or "人民政府公报") + issue


def _find(candidates: tuple[str, ...], what: str) -> str:
    for c in candidates:
        if Path(c).is_file():
            return c
    raise FileNotFoundError(f"找不到字体 {what}（已查找：{', '.join(candidates)}）；请安装 fonts-noto-cjk")


@cache
def _fallback_font() -> str | None:
    return next((f for f in FALLBACK_FONTS if Path(f).is_file()), None)


def _runs(line: str, cjk: set[int], fallback: set[int] | None) -> list[tuple[str, str]]:
    """Split a line into (font, text) runs: Noto CJK wherever it has the glyph, else DejaVu."""
    runs: list[tuple[str, str]] = []
    for ch in line:
        face = "fallback" if fallback and ord(ch) not in cjk and ord(ch) in fallback else "cjk"
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + ch)
        else:
            runs.append((face, ch))
    return runs


def text_to_pdf(
    text: str,
    path: str | Path | None = None,
    *,
    lines_per_page: int = LINES_PER_PAGE,
    font_size: float = 10.5,
    header: str | Callable[[int], str] | None = "auto",
    page_numbers: bool = True,
    title: str | None = None,
    font: str | Path | None = None,
    font_index: int = 0,
) -> bytes:
    """Lay ``text`` out as an A4 gazette PDF, one raw line per printed line; return the bytes (and write
    them to ``path`` if given).

    ``header``: ``"auto"`` (the gazette's name and issue found in the text, see :func:`default_header`),
    a fixed string, a function of the 1-based page number, or None for no header. ``font``: another
    font file for the text (``font_index`` picks a face of a collection) instead of Noto Sans CJK SC.
    """
    from fpdf import FPDF

    fallback_path = _fallback_font()
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN_X, BODY_TOP, MARGIN_X)
    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))  # reproducible bytes
    if font is None:
        font, font_index = _find(CJK_FONTS, "Noto Sans CJK"), CJK_COLLECTION_INDEX
    pdf.add_font("cjk", fname=str(font), collection_font_number=font_index)
    cjk = set(pdf.fonts["cjk"].cmap)
    # fontTools recomputes every glyph's bounds when saving the subset: half the run time, and the
    # collection's own bounding box is valid for the subset
    pdf.fonts["cjk"].ttfont.recalcBBoxes = False
    fallback = None
    if fallback_path:
        pdf.add_font("fallback", fname=fallback_path)
        fallback = set(pdf.fonts["fallback"].cmap)
    if header == "auto":
        header = default_header(text)
    pdf.set_title(title or (header if isinstance(header, str) else "") or "公报")
    pdf.set_creator("gongbao.formats.pdfgen")

    lines = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    width = PAGE_W - 2 * MARGIN_X
    pitch = (BODY_BOTTOM - BODY_TOP) / max(lines_per_page - 1, 1)

    def measure(segments: list[list[tuple[str, str]]], size: float) -> float:
        w = 0.0
        for face, run in (r for seg in segments for r in seg):
            pdf.set_font(face, size=size)
            w += pdf.get_string_width(run)
        return w + TAB_EMS * size * (len(segments) - 1)

    def furniture(page: int) -> None:
        head = header(page) if callable(header) else header
        if head:
            pdf.set_font("cjk", size=HEADER_SIZE)
            w = pdf.get_string_width(head)
            x = MARGIN_X if page % 2 == 0 else PAGE_W - MARGIN_X - w  # even pages left, odd pages right
            pdf.text(x, HEADER_BASELINE, head)
            pdf.set_line_width(0.6)
            pdf.line(MARGIN_X, RULE_Y, PAGE_W - MARGIN_X, RULE_Y)
        if page_numbers:
            label = f"— {page} —"
            pdf.set_font("cjk", size=HEADER_SIZE)
            pdf.text((PAGE_W - pdf.get_string_width(label)) / 2, FOOTER_BASELINE, label)

    for i, line in enumerate(lines):
        slot = i % lines_per_page
        if slot == 0:
            pdf.add_page()
            furniture(pdf.page_no())
        line = line.rstrip()
        if not line.strip():
            continue
        segments = [_runs(seg, cjk, fallback) for seg in line.split("\t")]
        size = font_size
        natural = measure(segments, size)
        if natural > width:
            size = font_size * width / natural * 0.999
        x, y = MARGIN_X, BODY_TOP + slot * pitch
        for k, seg in enumerate(segments):
            if k:
                x += TAB_EMS * size
            for face, run in seg:
                pdf.set_font(face, size=size)
                pdf.text(x, y, run)
                x += pdf.get_string_width(run)
    if pdf.page_no() == 0:
        pdf.add_page()
        furniture(1)
    data = bytes(pdf.output())
    if path is not None:
        Path(path).write_bytes(data)
    return data
