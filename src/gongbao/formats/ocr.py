"""OCR for pages without a text layer (scanned gazettes), offline.

RapidOCR (``rapidocr-onnxruntime``) runs the PP-OCRv4 detection and recognition models that ship
inside the package, on onnxruntime's CPU provider: nothing is downloaded, no network is needed.

The PDF reader renders a page (:func:`render_page`) and calls :func:`ocr_page`, which returns the
page's text lines in reading order, each with its recognition confidence. Lines below
:data:`LOW_CONFIDENCE` should be reported (:func:`low_confidence_warnings`) so a person checks them
against the scan.

How a page is read:

* the image is turned to grey (a scanned gazette is black print; colour only slows the models);
* text boxes are detected on a copy scaled down to at most :data:`DET_MAX_SIDE` pixels (detection
  needs far fewer pixels than recognition, and its cost grows with the area);
* each box is cut out of the full-resolution image (deskewed by its own quadrilateral) and recognised;
* boxes are put in reading order: the page's tilt is estimated from the long boxes, the boxes' centres
  are rotated back, and boxes whose centres lie within half a line height of each other form one line,
  read left to right (a gap wider than :data:`GAP_EMS` character heights becomes a space);
* two systematic misreadings are undone (:func:`tidy`): a 文号's year brackets, always 〔〕 in print,
  and a "一" read for a dash between digits;
* specks: a box whose text is one or two characters read with a confidence below :data:`MIN_SPECK_SCORE`
  is dropped as dust.

The defaults (:data:`DEFAULT_DPI`, :data:`DET_MAX_SIDE`, :data:`LOW_CONFIDENCE`) were chosen by
measurement on generated scans (``bench/formats.py``): see the notes at each constant.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from typing import Any

import numpy as np

from gongbao import patterns as P
from gongbao.errors import InputError
from gongbao.parse.models import ParseWarning

#: Render resolution for OCR. Measured on simulated 200-dpi scans of the samples in 10.5 pt print
#: (bench/formats.py --dpi): see DPI_NOTES.
DEFAULT_DPI = 200
#: Detection runs on the page scaled to at most this many pixels on its longer side.
DET_MAX_SIDE = 1600
#: Lines read with a lower confidence (the minimum over the line's boxes) are flagged for checking.
LOW_CONFIDENCE = 0.7
#: A one- or two-character box below this confidence is taken for dust and dropped.
MIN_SPECK_SCORE = 0.5
#: Two boxes of one line further apart than this many line heights are joined with a space.
GAP_EMS = 1.0

OcrLine = tuple[str, float]

_lock = threading.Lock()
_engine: Any = None


def _get_engine():
    """The RapidOCR engine, created once (loading the models takes about half a second)."""
    global _engine
    with _lock:
        if _engine is None:
            try:
                from rapidocr_onnxruntime import RapidOCR

                _engine = RapidOCR()
            except Exception as exc:  # missing package, missing or damaged model file
                raise InputError(
                    f"无法进行文字识别：OCR 组件（rapidocr-onnxruntime）不可用 (OCR engine unavailable: {exc})"
                ) from None
        return _engine


def render_page(page, dpi: int = DEFAULT_DPI):
    """A pypdfium2 page rendered to a greyscale PIL image at ``dpi`` (what :func:`ocr_page` reads)."""
    return page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")


def _gray(image) -> np.ndarray:
    """A uint8 H×W grey array from a PIL image (any mode) or a numpy array (H×W, H×W×1, H×W×3 RGB,
    H×W×4 RGBA; the channel order hardly matters for black print)."""
    if hasattr(image, "convert") and hasattr(image, "mode"):  # PIL
        if image.mode in ("RGBA", "LA", "PA", "P"):
            from PIL import Image

            rgba = image.convert("RGBA")
            bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            image = Image.alpha_composite(bg, rgba)
        return np.asarray(image.convert("L"), dtype=np.uint8)
    a = np.asarray(image)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    if a.ndim == 3 and a.shape[2] == 4:  # composite on white
        alpha = a[:, :, 3:4].astype(np.float32) / 255.0
        a = a[:, :, :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)
    if a.ndim == 3 and a.shape[2] == 3:
        a = a[:, :, 0] * 0.299 + a[:, :, 1] * 0.587 + a[:, :, 2] * 0.114
    if a.ndim != 2:
        raise ValueError(f"not an image: array of shape {np.asarray(image).shape}")
    if a.dtype != np.uint8:
        a = np.clip(a, 0, 255).astype(np.uint8)
    return a


def _detect(engine, bgr: np.ndarray) -> np.ndarray:
    import cv2

    h, w = bgr.shape[:2]
    scale = min(1.0, DET_MAX_SIDE / max(h, w))
    small = bgr if scale >= 1.0 else cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    boxes, _ = engine.text_det(small)
    if boxes is None or len(boxes) == 0:
        return np.zeros((0, 4, 2), np.float32)
    boxes = np.asarray(boxes, np.float32) / scale
    boxes[..., 0] = np.clip(boxes[..., 0], 0, w - 1)
    boxes[..., 1] = np.clip(boxes[..., 1], 0, h - 1)
    return boxes


def _tilt(boxes: np.ndarray) -> float:
    """The page's tilt (radians, clockwise positive in image coordinates): the median slope of the
    long boxes' top and bottom edges (points: top-left, top-right, bottom-right, bottom-left)."""
    dx = (boxes[:, 1, 0] - boxes[:, 0, 0]) + (boxes[:, 2, 0] - boxes[:, 3, 0])
    dy = (boxes[:, 1, 1] - boxes[:, 0, 1]) + (boxes[:, 2, 1] - boxes[:, 3, 1])
    height = np.linalg.norm(boxes[:, 3] - boxes[:, 0], axis=1) + np.linalg.norm(
        boxes[:, 2] - boxes[:, 1], axis=1
    )
    long_ = np.hypot(dx, dy) > 4 * height
    return float(np.median(np.arctan2(dy[long_], dx[long_]))) if long_.any() else 0.0


def layout(boxes: np.ndarray) -> list[list[np.ndarray]]:
    """Detected boxes → lines in reading order (top to bottom), each a list of segments (left to
    right), each segment a quadrilateral to recognise.

    Boxes are taken into the page's own frame (rotated back by the page's tilt); boxes whose centres
    lie within half a line height of each other form one line; boxes of a line that overlap or are
    closer than :data:`GAP_EMS` line heights merge into one segment (the detector often cuts a line at
    brackets, sometimes into overlapping pieces that would be read twice); what stays apart — table
    cells, a TOC entry's page number — is a separate segment, joined with a space after recognition.
    """
    if len(boxes) == 0:
        return []
    tilt = _tilt(boxes)
    cos, sin = math.cos(tilt), math.sin(tilt)
    to_page = np.array([[cos, -sin], [sin, cos]], np.float32)  # row vectors: p @ to_page rotates by -tilt
    flat = boxes.reshape(-1, 2) @ to_page
    rects = []  # (x0, y0, x1, y1) in the page frame
    for quad in flat.reshape(-1, 4, 2):
        x0, y0 = quad.min(axis=0)
        x1, y1 = quad.max(axis=0)
        rects.append((float(x0), float(y0), float(x1), float(y1)))
    rects.sort(key=lambda r: (r[1] + r[3]) / 2)
    lines: list[list[tuple[float, float, float, float]]] = []
    for r in rects:
        if lines:
            last = lines[-1]
            centre = sum((b[1] + b[3]) / 2 for b in last) / len(last)
            height = min(min(b[3] - b[1] for b in last), r[3] - r[1])
            if abs((r[1] + r[3]) / 2 - centre) < 0.5 * height:
                last.append(r)
                continue
        lines.append([r])
    out = []
    back = to_page.T  # rotates by +tilt
    for line in lines:
        line.sort(key=lambda b: b[0])
        segments = [list(line[0])]
        for x0, y0, x1, y1 in line[1:]:
            seg = segments[-1]
            if x0 - seg[2] < GAP_EMS * min(seg[3] - seg[1], y1 - y0):
                seg[:] = [min(seg[0], x0), min(seg[1], y0), max(seg[2], x1), max(seg[3], y1)]
            else:
                segments.append([x0, y0, x1, y1])
        out.append(
            [
                (np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32) @ back).astype(np.float32)
                for x0, y0, x1, y1 in segments
            ]
        )
    return out


# The brackets of a 文号's year are 六角括号 〔〕 (GB/T 9704); OCR reads them as [ ] （ ） 【 】, often a
# mismatched pair, and sometimes loses one of them. Only a year after a CJK character and before "N号",
# with at least one bracket, is touched (a year without brackets could be part of the serial).
_OPEN, _CLOSE = f"[{re.escape(P.YEAR_OPEN)}]", f"[{re.escape(P.YEAR_CLOSE)}]"
_DOC_NO_YEAR = re.compile(
    rf"(?<=[\u4e00-\u9fff])\s*(?:{_OPEN}\s*((?:19|20)\d\d)\s*{_CLOSE}?|((?:19|20)\d\d)\s*{_CLOSE})\s*(?=\d{{1,4}}\s*号)"
)
# A CJK "一" between numbers is a dash misread: "2023一2035年", "2016年一2020年" are printed with "—";
# so is one after a year at the end of a line ("…2022一" continued on the next line).
_DASH = re.compile(r"(?<=\d)(一{1,2})(?=\d)|(?<=\d年)(一{1,2})(?=\d{4})|(?<=\d{4})(一{1,2})$")


def tidy(text: str) -> str:
    """Undo two systematic misreadings: a 文号's year brackets (→ 〔〕) and "一" for a dash between
    digits (→ "—").

    >>> tidy("平政发[2023）67号")
    '平政发〔2023〕67号'
    >>> tidy("平政办发2023）45号")
    '平政办发〔2023〕45号'
    >>> tidy("规划（2023一2035年）")
    '规划（2023—2035年）'
    """
    text = _DOC_NO_YEAR.sub(lambda m: f"〔{m.group(1) or m.group(2)}〕", text)
    return _DASH.sub(lambda m: "—" * len(m.group(0)), text)


def _is_speck(text: str, score: float) -> bool:
    return len(text.strip()) <= 2 and score < MIN_SPECK_SCORE


def ocr_page(image) -> list[OcrLine]:
    """The text lines of a page image (PIL image or numpy array), in reading order, each with its
    confidence (0–1: the least probable character's probability). An empty list when the page shows
    no text."""
    import cv2

    engine = _get_engine()
    gray = _gray(image)
    if gray.size == 0 or min(gray.shape) < 8:
        return []
    bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    h, w = gray.shape
    lines = layout(_detect(engine, bgr))
    quads = [q for line in lines for q in line]
    if not quads:
        return []
    for q in quads:
        q[:, 0] = np.clip(q[:, 0], 0, w - 1)
        q[:, 1] = np.clip(q[:, 1], 0, h - 1)
    results, _ = engine.text_rec(
        engine.get_crop_img_list(bgr, quads), True
    )  # True: per-character probabilities
    read = iter(results)
    out: list[OcrLine] = []
    for line in lines:
        parts = []
        for _ in line:
            r = next(read)
            text, score = str(r[0]).strip(), _confidence(r)
            if text and not _is_speck(text, score):
                parts.append((text, score))
        if parts:
            out.append((tidy(" ".join(t for t, _ in parts)), round(min(c for _, c in parts), 4)))
    return out


def _confidence(result) -> float:
    """A segment's confidence: the probability of its least probable letter, digit or ideograph.

    Not the mean (RapidOCR's score): one misread character in a line of forty barely moves a mean.
    Punctuation is left out: its misreadings are width variants (，/,) and bracket shapes that the
    parser takes alike, and it is where the models are least sure even when right.
    """
    if len(result) < 3 or not result[2] or len(result[2]) < 5:
        return float(result[1])
    text, probs = str(result[0]), result[2][4]
    words = [p for ch, p in zip(text, probs, strict=False) if unicodedata.category(ch)[0] in "LN"]
    if words:
        return float(min(words))
    return float(np.mean(probs)) if len(probs) else float(result[1])


def low_confidence_warnings(
    lines: list[OcrLine], first_line: int, page: int | None = None, threshold: float = LOW_CONFIDENCE
) -> list[ParseWarning]:
    """One ``ocr_low_confidence`` warning per line read with a confidence below ``threshold``;
    ``first_line`` is the raw line (1-based, in the extracted text) of ``lines[0]``."""
    where = f"第{page}页" if page is not None else ""
    return [
        ParseWarning(
            "ocr_low_confidence",
            f"{where}文字识别置信度低（{score:.2f}），请对照原件核对：{text}",
            first_line + i,
        )
        for i, (text, score) in enumerate(lines)
        if score < threshold
    ]
