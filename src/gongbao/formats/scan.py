"""Simulated scans, for tests and benchmarks: a text PDF's pages as noisy, slightly skewed images.

A "scanned" gazette is a PDF whose pages are pictures: no text layer, so the PDF reader has to OCR them.
:func:`scan_pdf` renders each page of a text PDF (pypdfium2), greys the paper, tilts the page a little,
adds sensor noise, dust and a slight blur, and wraps the images into an image-only PDF (Pillow's PDF
writer, JPEG-compressed like most scanners' output). Everything is seeded, so a fixture is the same on
every run.

:func:`text_pdf` makes the text PDF to scan with :func:`gongbao.formats.pdfgen.text_to_pdf` (fpdf2, a
development dependency: this module is for tests and ``bench/``).
"""

from __future__ import annotations

import io
import time
import unicodedata
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

PRINT_WIDTH_EMS = 40.0  # pdfgen's column holds 43 em of 10.5 pt type; leave a little room
_EPOCH = time.gmtime(946684800)  # 2000-01-01: fixed PDF dates, the same bytes on every run


def _em(ch: str) -> float:
    """Printed width of a character in em: CJK and full-width forms 1, ASCII and other narrow ones 0.6
    (a little more than Noto's proportional Latin, to be safe), a tab 3 (pdfgen's cell gap)."""
    if ch == "\t":
        return 3.0
    return 0.6 if ord(ch) < 0x1100 or 0xFF61 <= ord(ch) <= 0xFFDC else 1.0


_OPENING = "（(〔[【《〈“‘"
_CLOSING = "）)〕]】》〉”’，,。.、；;：:！!？?"


def wrap_for_print(text: str, width: float = PRINT_WIDTH_EMS) -> str:
    """``text`` with every line wider than ``width`` em hard-wrapped, as a printed paragraph is.

    The samples hold some paragraphs as one long line; a text PDF sets such a line in a font small
    enough to fit the column (pdfgen), which on paper would be a few pixels high and unreadable on any
    scan. Wrapping keeps the print at body size. A break never falls inside a short run of Latin
    letters and digits (a year, a number), so "2023" is not split across lines, and, as in Chinese
    typesetting, no line ends with an opening bracket or starts with a closing mark.
    """
    out: list[str] = []
    for line in text.split("\n"):
        while sum(map(_em, line)) > width:
            used, cut = 0.0, 0
            while cut < len(line) and used + _em(line[cut]) <= width:
                used += _em(line[cut])
                cut += 1
            back = cut
            while back > 0 and line[back - 1].isascii() and line[back - 1].isalnum() and cut - back < 12:
                back -= 1
            if 0 < back < cut and line[back].isascii() and line[back].isalnum():
                cut = back
            if cut > 1 and line[cut - 1] in _OPENING:  # an opening bracket goes down with its word
                cut -= 1
            elif cut < len(line) and line[cut] in _CLOSING:  # a closing mark stays up (may overhang)
                cut += 1
            out.append(line[:cut].rstrip())
            line = line[cut:]
        out.append(line)
    return "\n".join(out)


def text_pdf(text: str, path: str | Path | None = None, *, wrap: bool = True) -> bytes:
    """A text PDF of ``text`` (:func:`gongbao.formats.pdfgen.text_to_pdf`), long lines wrapped first
    (:func:`wrap_for_print`) unless ``wrap`` is false."""
    from gongbao.formats.pdfgen import text_to_pdf

    return text_to_pdf(wrap_for_print(text) if wrap else text, path)


def degrade(
    image: Image.Image,
    rng: np.random.Generator,
    *,
    skew: float = 0.8,
    noise: float = 10.0,
    dust: float = 3e-4,
    blur: float = 0.6,
) -> Image.Image:
    """A clean greyscale page made to look scanned: grey paper, a tilt of up to ``skew`` degrees,
    Gaussian noise of ``noise`` grey levels, ``dust`` (fraction of pixels) black and white specks and a
    Gaussian blur of radius ``blur`` px."""
    img = image.convert("L")
    if skew:
        angle = float(rng.uniform(-skew, skew))
        img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    a = np.asarray(img, dtype=np.float32) * (float(rng.uniform(228, 245)) / 255.0)  # grey paper, black ink
    if noise:
        a += rng.normal(0.0, noise, a.shape).astype(np.float32)
    if dust:
        n = int(a.size * dust)
        ys, xs = rng.integers(0, a.shape[0], n), rng.integers(0, a.shape[1], n)
        a[ys, xs] = np.where(rng.random(n) < 0.7, 20.0, 255.0)
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    if blur:  # optics: softens the glyphs' edges and the noise alike
        img = img.filter(ImageFilter.GaussianBlur(blur))
    return img


def scan_pdf(
    pdf_data: bytes,
    path: str | Path | None = None,
    *,
    dpi: int = 200,
    seed: int = 0,
    pages: range | list[int] | None = None,
    quality: int = 70,
    **degrade_args,
) -> bytes:
    """An image-only PDF of ``pdf_data``'s pages (0-based ``pages``, default all), each rendered at
    ``dpi``, degraded (:func:`degrade`) and JPEG-compressed at ``quality``."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(pdf_data)
    rng = np.random.default_rng(seed)
    images = []
    for i in pages if pages is not None else range(len(src)):
        clean = src[i].render(scale=dpi / 72, grayscale=True).to_pil()
        images.append(degrade(clean, rng, **degrade_args))
    src.close()
    if not images:
        raise ValueError("no pages to scan")
    buf = io.BytesIO()
    images[0].save(
        buf,
        "PDF",
        resolution=float(dpi),
        save_all=True,
        append_images=images[1:],
        quality=quality,
        creationDate=_EPOCH,
        modDate=_EPOCH,
    )
    data = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions), one numpy row at a time."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    bs = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    steps = np.arange(len(b) + 1)
    prev = steps.copy()
    for i, ch in enumerate(a, 1):
        best = np.empty_like(prev)
        best[0] = i
        best[1:] = np.minimum(prev[1:] + 1, prev[:-1] + (bs != ord(ch)))  # deletion, substitution
        prev = np.minimum.accumulate(best - steps) + steps  # insertions run left to right
    return int(prev[-1])


def fold(text: str) -> str:
    """``text`` without whitespace and with full- and half-width forms folded together (NFKC: "，" and
    "," are one character in two widths, which print alike and which OCR cannot tell apart)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def char_accuracy(reference: str, hypothesis: str) -> float:
    """1 − (edit distance / reference length) over folded text (:func:`fold`): how much of the reference's
    text an OCR reading got right (1.0: every character)."""
    ref, hyp = fold(reference), fold(hypothesis)
    if not ref:
        return 1.0 if not hyp else 0.0
    return 1.0 - edit_distance(ref, hyp) / len(ref)
