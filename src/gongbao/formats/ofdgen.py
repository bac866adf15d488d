"""Write a minimal valid OFD (GB/T 33190-2016) from text: for tests and benchmarks.

The package holds what a reader needs and nothing more::

    OFD.xml                              entry: DocInfo and the DocRoot
    Doc_0/Document.xml                   CommonData (page area, PublicRes, templates) and the page list
    Doc_0/PublicRes.xml                  the fonts, referenced by ID from every TextObject
    Doc_0/Tpls/Tpl_0/Content.xml         optional template page: running header and page number
    Doc_0/Pages/Page_N/Content.xml       one Layer of TextObjects, one per printed line (or per character)

Text is laid out like a printed 公文: A4 (210×297 mm), 16 pt (≈5.6 mm) characters, ``chars_per_line``
full-width characters to a line (0: no limit); a longer input line is hard-wrapped, as a printed paragraph is; a tab
starts a new table cell a few characters further on. Input lines become page lines in order; blank input
lines are dropped (a printed page has no "empty lines", only space).
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

NS = "http://www.ofdspec.org/2016"
PAGE_W, PAGE_H = 210.0, 297.0  # mm, A4
MARGIN_LEFT, MARGIN_TOP = 28.0, 37.0


def _width(ch: str) -> float:
    """Advance of a character in em: full-width CJK 1, ASCII and other narrow characters ½."""
    return 0.5 if ord(ch) < 0x1100 or 0xFF61 <= ord(ch) <= 0xFFDC else 1.0


def _fmt(x: float) -> str:
    return f"{x:.3f}".rstrip("0").rstrip(".") or "0"


def wrap(line: str, chars_per_line: int) -> list[str]:
    """Hard-wrap one line to ``chars_per_line`` em (0: never); tabs and their cells stay on the line."""
    if "\t" in line or chars_per_line <= 0:
        return [line]
    out, cur, w = [], "", 0.0
    for ch in line:
        cw = _width(ch)
        if w + cw > chars_per_line and cur:
            out.append(cur)
            cur, w = "", 0.0
        cur += ch
        w += cw
    if cur:
        out.append(cur)
    return out or [""]


def paginate(text: str, chars_per_line: int = 28, lines_per_page: int = 22) -> list[list[str]]:
    """``text`` laid out as pages of printed lines. A form feed (\\f) forces a new page."""
    pages: list[list[str]] = []
    for chunk in text.split("\f"):
        lines = [p for raw in chunk.split("\n") if raw.strip() for p in wrap(raw.strip(), chars_per_line)]
        for i in range(0, max(len(lines), 1), lines_per_page):
            pages.append(lines[i : i + lines_per_page])
    return pages


@dataclass
class _Ids:
    n: int = 0

    def next(self) -> int:
        self.n += 1
        return self.n


def _text_objects(
    ids: _Ids, line: str, x0: float, baseline: float, size: float, font: int, per_char: bool
) -> list[str]:
    """TextObjects for one printed line starting at ``x0``; cells after tabs start 3 em after the last."""
    objs: list[str] = []
    x = x0
    for k, cell in enumerate(line.split("\t")):
        if k:
            x += 3 * size
        cell = cell.rstrip()
        if not cell:
            continue
        runs = [(c, i) for i, c in enumerate(cell)] if per_char else [(cell, 0)]
        offsets, acc = [], 0.0
        for ch in cell:
            offsets.append(acc)
            acc += _width(ch) * size
        for run, i in runs:
            if per_char and run == " ":
                continue
            rx = x + offsets[i]
            adv = [_width(ch) * size for ch in run]
            width = sum(adv)
            top = baseline - size
            # TextCode positions are relative to the Boundary's origin; the baseline sits one em down
            delta = ""
            if len(run) > 1:
                steps = adv[:-1]
                delta = (
                    f' DeltaX="g {len(steps)} {_fmt(steps[0])}"'
                    if len(set(steps)) == 1
                    else f' DeltaX="{" ".join(_fmt(s) for s in steps)}"'
                )
            objs.append(
                f'<ofd:TextObject ID="{ids.next()}" Boundary="{_fmt(rx)} {_fmt(top)} {_fmt(width)} {_fmt(size * 1.2)}"'
                f' Font="{font}" Size="{_fmt(size)}"><ofd:FillColor Value="0 0 0"/>'
                f'<ofd:TextCode X="0" Y="{_fmt(size)}"{delta}>{escape(run)}</ofd:TextCode></ofd:TextObject>'
            )
        x += acc
    return objs


def _page_xml(body: str, template: int | None = None) -> str:
    tpl = f'<ofd:Template TemplateID="{template}" ZOrder="Background"/>' if template is not None else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page xmlns:ofd="{NS}">{tpl}'
        f"<ofd:Content>{body}</ofd:Content></ofd:Page>"
    )


def make_ofd(
    text: str | list[list[str]],
    *,
    title: str | None = None,
    chars_per_line: int = 28,
    lines_per_page: int = 22,
    header: str | None = None,
    page_numbers: bool = False,
    per_char: bool = False,
    template: bool = True,
    shuffle: bool = False,
) -> bytes:
    """An OFD package (bytes) printing ``text`` (or pre-made pages of lines).

    ``header``: a running header printed on every page; ``page_numbers``: "- N -" at the foot of every
    page — both on a template page when ``template`` (as OFD producers do), else on the page itself.
    ``per_char``: one TextObject per character, as many producers write them. ``shuffle``: write each
    page's objects in reverse order, so a reader must sort by position, not trust the file order.
    """
    pages = paginate(text, chars_per_line, lines_per_page) if isinstance(text, str) else text
    ids = _Ids()
    size = 5.6  # 16 pt ≈ 5.64 mm
    pitch = size * 1.6
    font_song, font_hei = ids.next(), ids.next()
    files: dict[str, str] = {}
    tpl_id = None
    furniture_on_pages = bool(header or page_numbers) and not template
    if (header or page_numbers) and template:
        tpl_id = ids.next()
        layer = ids.next()
        objs = []
        if header:
            objs += _text_objects(ids, header, MARGIN_LEFT, 20.0, 4.2, font_song, per_char)
        # the page number differs per page: it goes on the page (templates hold only what repeats)
        files["Doc_0/Tpls/Tpl_0/Content.xml"] = _page_xml(
            f'<ofd:Layer ID="{layer}" Type="Background">{"".join(objs)}</ofd:Layer>'
        )
    page_entries = []
    for n, lines in enumerate(pages):
        pid = ids.next()
        layer = ids.next()
        objs = []
        if furniture_on_pages and header:
            objs += _text_objects(ids, header, MARGIN_LEFT, 20.0, 4.2, font_song, per_char)
        for i, line in enumerate(lines):
            objs += _text_objects(
                ids, line, MARGIN_LEFT, MARGIN_TOP + (i + 1) * pitch, size, font_song, per_char
            )
        if page_numbers:
            objs += _text_objects(ids, f"- {n + 1} -", PAGE_W / 2 - 6, PAGE_H - 18, 4.9, font_hei, per_char)
        if shuffle:
            objs.reverse()
        files[f"Doc_0/Pages/Page_{n}/Content.xml"] = _page_xml(
            f'<ofd:Layer ID="{layer}">{"".join(objs)}</ofd:Layer>', tpl_id
        )
        page_entries.append(f'<ofd:Page ID="{pid}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
    files["Doc_0/PublicRes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
        f'<ofd:Font ID="{font_song}" FontName="宋体" FamilyName="宋体"/>'
        f'<ofd:Font ID="{font_hei}" FontName="黑体" FamilyName="黑体"/>'
        "</ofd:Fonts></ofd:Res>"
    )
    tpl_decl = (
        f'<ofd:TemplatePage ID="{tpl_id}" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if tpl_id is not None else ""
    )
    files["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        f"<ofd:MaxUnitID>{ids.n}</ofd:MaxUnitID>"
        f"<ofd:PageArea><ofd:PhysicalBox>0 0 {_fmt(PAGE_W)} {_fmt(PAGE_H)}</ofd:PhysicalBox></ofd:PageArea>"
        f"<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>{tpl_decl}</ofd:CommonData>"
        f"<ofd:Pages>{''.join(page_entries)}</ofd:Pages></ofd:Document>"
    )
    info = f"<ofd:DocID>{uuid.uuid4().hex}</ofd:DocID>"
    if title:
        info += f"<ofd:Title>{escape(title)}</ofd:Title>"
    info += "<ofd:CreationDate>2024-01-01</ofd:CreationDate><ofd:Creator>gongbao.ofdgen</ofd:Creator>"
    ofd_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType={quoteattr("OFD")}>'
        f"<ofd:DocBody><ofd:DocInfo>{info}</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
        "</ofd:DocBody></ofd:OFD>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", ofd_xml)
        for name in sorted(files, key=_natural):
            zf.writestr(name, files[name])
    return buf.getvalue()


def _natural(name: str) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name))
