"""PDF text-layer readers compared on the five samples: accuracy against the source text and pages/s.

    python bench/pdf_readers.py            # pdfplumber is compared when importable:
    .venv/bin/pip install pdfplumber       # (not a gongbao dependency; install it to compare)

Each sample is typeset twice with :func:`gongbao.formats.pdfgen.text_to_pdf` (one raw line per printed line,
40 lines a page, running header and page number):

  * ``cff``: Noto Sans CJK SC as Debian ships it (CFF outlines) — what the tests use;
  * ``ttf``: the same font converted to TrueType outlines and subset to the samples' characters
    (fontTools, which fpdf2 already depends on). fpdf2 embeds CFF CJK fonts with an embedded Encoding
    CMap that pdfminer (pdfplumber) does not read, so on ``cff`` pdfplumber gets no text at all; ``ttf``
    gives it a fair test.

Readers: ``pypdfium2 get_text_range`` (pdfium's own text dump, the baseline), ``gongbao`` (the positional
reader in :mod:`gongbao.formats.pdf`: lines by position, geometry-based header removal) and, if installed,
``pdfplumber extract_text()``. Accuracy: running headers and page numbers are removed from every output
first (they are not in the source text), then

  * line similarity: 2·matched characters / all characters, lines aligned with difflib;
  * lines exact: share of the source's non-blank lines found verbatim.
"""

from __future__ import annotations

import difflib
import io
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import pypdfium2 as pdfium  # noqa: E402

from gongbao.formats import extract  # noqa: E402
from gongbao.formats.pdfgen import CJK_COLLECTION_INDEX, CJK_FONTS, _find, default_header, text_to_pdf  # noqa: E402

FILES = sorted((ROOT / "samples" / "gazettes").glob("*.txt"))
PAGE_NUMBER = re.compile(r"^—\s*\d+\s*—$")


def truetype_subset(chars: set[str], out: Path) -> Path:
    """Noto Sans CJK SC with TrueType outlines (cu2qu), subset to ``chars``."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.subset import Options, Subsetter
    from fontTools.ttLib import TTCollection, newTable

    font = TTCollection(_find(CJK_FONTS, "Noto Sans CJK")).fonts[CJK_COLLECTION_INDEX]
    opts = Options()
    opts.layout_features, opts.desubroutinize, opts.notdef_outline = [], True, True
    sub = Subsetter(opts)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    order, glyph_set, glyphs = font.getGlyphOrder(), font.getGlyphSet(), {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for k in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
              "maxSizeOfInstructions", "maxComponentElements"):  # fmt: skip
        setattr(maxp, k, 0)
    maxp.maxZones = 1
    maxp.compile(font)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font.sfntVersion = "\000\001\000\000"
    font.save(out)
    return out


def lines(text: str, header: str | None = None) -> list[str]:
    """Non-blank lines without running headers and page numbers."""
    all_ = [ln.rstrip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.strip()]
    return [ln for ln in all_ if not (PAGE_NUMBER.match(ln.strip()) or ln.strip() == header)]


def similarity(a: list[str], b: list[str]) -> tuple[float, float]:
    """(character similarity, share of a's lines matched verbatim) of two line lists."""
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    matched = 0
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            matched += sum(len(x) + 1 for x in a[i1:i2])
        elif op == "replace":
            x, y = "\n".join(a[i1:i2]), "\n".join(b[j1:j2])
            if len(x) * len(y) < 4e7:
                matched += sum(
                    m.size for m in difflib.SequenceMatcher(None, x, y, autojunk=False).get_matching_blocks()
                )
    total = sum(len(x) + 1 for x in a) + sum(len(x) + 1 for x in b)
    return 2 * matched / total, sum(m.size for m in sm.get_matching_blocks()) / max(len(a), 1)


def pdfium_dump(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def readers() -> dict:
    out = {
        "pypdfium2 get_text_range": pdfium_dump,
        "gongbao (pypdfium2, by position)": lambda d: extract(d, "x.pdf").text,
    }
    try:
        import pdfplumber
    except ImportError:
        print("pdfplumber is not installed: only pypdfium2 is measured (.venv/bin/pip install pdfplumber)")
        return out

    def plumber(data: bytes) -> str:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)

    out["pdfplumber extract_text()"] = plumber
    return out


def main() -> None:
    texts = {f.stem: f.read_text(encoding="utf-8") for f in FILES}
    with tempfile.TemporaryDirectory() as tmp:
        chars = set("".join(texts.values())) | set("— 0123456789年第期")
        ttf = truetype_subset(chars, Path(tmp) / "NotoSansSC-tt.ttf")
        flavours = {
            "cff": {n: text_to_pdf(t) for n, t in texts.items()},
            "ttf": {n: text_to_pdf(t, font=ttf) for n, t in texts.items()},
        }
    pages = {n: len(pdfium.PdfDocument(d)) for n, d in flavours["cff"].items()}
    total_pages = sum(pages.values())
    print(f"{len(texts)} samples, {total_pages} pages each way\n")
    print(f"{'fonts':<6}{'reader':<36}{'pages/s':>9}{'× dump':>8}{'similarity':>12}{'lines exact':>13}")
    for flavour, pdfs in flavours.items():
        base = None
        for label, read in readers().items():
            t = sim = exact = 0.0
            for name, data in pdfs.items():
                t0 = time.perf_counter()
                text = read(data)
                t += time.perf_counter() - t0
                s, e = similarity(lines(texts[name]), lines(text, default_header(texts[name])))
                sim, exact = sim + s * pages[name], exact + e * pages[name]
            base = base or t
            print(f"{flavour:<6}{label:<36}{total_pages / t:>9.1f}{base / t:>8.2f}{sim / total_pages:>12.4f}"
                  f"{exact / total_pages:>13.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
