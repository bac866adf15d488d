"""OCR of scanned pages (gongbao.formats.ocr) and the simulated scans it is measured on (formats.scan).

The models run offline from the package; pages come back as lines in reading order with confidences;
a scanned PDF of sample pages goes through the one pipeline (extract → repair → parse) and yields the
documents' exact 文号 and signed dates.
"""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from gongbao.errors import InputError
from gongbao.formats import extract
from gongbao.formats import ocr as ocr_mod
from gongbao.formats.ocr import (
    LOW_CONFIDENCE,
    layout,
    low_confidence_warnings,
    ocr_page,
    render_page,
    tidy,
)
from gongbao.formats.scan import char_accuracy, scan_pdf, text_pdf, wrap_for_print
from gongbao.parse import parse_text

from conftest import raw_lines

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
pytestmark = pytest.mark.skipif(not Path(FONT).exists(), reason="fonts-noto-cjk not installed (make browser)")


def page_image(lines: list[tuple[int, int, str]], size=(1400, 600), px: int = 40, angle: float = 0.0):
    """A white page with ``(x, y, text)`` drawn in Noto Sans CJK SC at ``px`` pixels, tilted by ``angle``°."""
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, px, index=2)
    for x, y, text in lines:
        draw.text((x, y), text, font=font, fill=0)
    if angle:
        img = img.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    return img


# pingshun-2023-01.txt lines 1-13: the first document's head
HEAD = [
    (60, 30, "平顺县人民政府"),
    (60, 120, "关于印发平顺县县级储备粮管理暂行办法的通知"),
    (60, 210, "平政发〔2023〕3号"),
    (60, 300, "平顺县人民政府"),
    (60, 390, "2023年2月7日"),
]


@pytest.fixture(scope="module")
def head_image():
    return page_image(HEAD)


# --------------------------------------------------------------------------------------------------
# the engine: bundled models, no network


def test_models_ship_inside_the_package_and_no_network_is_used(monkeypatch, head_image):
    import rapidocr_onnxruntime
    import yaml

    package = Path(rapidocr_onnxruntime.__file__).parent
    config = yaml.safe_load((package / "config.yaml").read_text(encoding="utf-8"))
    for part in ("Det", "Rec"):
        model = package / config[part]["model_path"]
        assert model.is_file() and model.stat().st_size > 1_000_000, model

    def no_network(*args, **kwargs):
        raise AssertionError(f"OCR tried to use the network: {args}")

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(ocr_mod, "_engine", None)  # load the models again, offline
    lines = ocr_page(head_image)
    assert ocr_mod._engine is not None
    assert [t for t, _ in lines][-1] == "2023年2月7日"


def test_engine_missing_is_a_clear_input_error(monkeypatch, head_image):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("rapidocr_onnxruntime"):
            raise ImportError("No module named 'rapidocr_onnxruntime'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(ocr_mod, "_engine", None)
    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(InputError, match="无法进行文字识别"):
        ocr_page(head_image)


# --------------------------------------------------------------------------------------------------
# ocr_page: lines in reading order, image types


def test_a_page_is_read_line_by_line_in_order(head_image):
    lines = ocr_page(head_image)
    texts = [t for t, _ in lines]
    assert texts[0] == "平顺县人民政府"
    assert texts[1] == "关于印发平顺县县级储备粮管理暂行办法的通知"
    assert texts[2].replace("（", "〔").replace("）", "〕") == "平政发〔2023〕3号"  # brackets vary
    assert texts[3:] == ["平顺县人民政府", "2023年2月7日"]
    assert all(0.0 < c <= 1.0 for _, c in lines)


def test_boxes_on_one_line_are_merged_left_to_right_with_a_space_for_a_wide_gap():
    # a tilted page; two cells of one table row far apart, a heading and a body line
    img = page_image(
        [
            (60, 40, "第一条"),
            (700, 40, "县级储备粮"),
            (60, 150, "平顺县人民政府"),
            (60, 260, "确保县级储备粮储得进、管得好"),
        ],
        size=(1400, 400),
        angle=0.8,
    )
    texts = [t for t, _ in ocr_page(img)]
    assert texts == ["第一条 县级储备粮", "平顺县人民政府", "确保县级储备粮储得进、管得好"]


@pytest.mark.parametrize("kind", ["L", "RGB", "RGBA", "np-gray", "np-rgb", "np-rgba"])
def test_pil_images_and_numpy_arrays_are_accepted(kind):
    img = page_image([(40, 20, "平政发〔2023〕3号"), (40, 100, "2023年2月7日")], size=(700, 180))
    if kind in ("RGB", "RGBA"):
        img = img.convert(kind)
    elif kind == "np-gray":
        img = np.asarray(img)
    elif kind == "np-rgb":
        img = np.asarray(img.convert("RGB"))
    elif kind == "np-rgba":
        rgba = np.asarray(img.convert("RGBA")).copy()
        rgba[..., 3] = 255
        img = rgba
    texts = [t for t, _ in ocr_page(img)]
    assert texts[-1] == "2023年2月7日" and texts[0].endswith("3号")


def test_blank_and_tiny_images_give_no_lines():
    assert ocr_page(Image.new("L", (800, 1100), 255)) == []
    assert ocr_page(np.full((5, 5), 255, np.uint8)) == []
    with pytest.raises(ValueError):
        ocr_page(np.zeros((4, 4, 4, 4), np.uint8))


def _box(x0, y0, x1, y1, tilt=0.0):
    """A detected quadrilateral: tl, tr, br, bl, tilted by ``tilt`` radians about the origin."""
    pts = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    c, s = np.cos(tilt), np.sin(tilt)
    return pts @ np.array([[c, s], [-s, c]], np.float32)


def _rects(line, tilt):
    """The segments of a laid-out line, back in the page frame, rounded."""
    c, s = np.cos(-tilt), np.sin(-tilt)
    out = []
    for q in line:
        p = q @ np.array([[c, s], [-s, c]], np.float32)
        out.append(tuple(int(round(v)) for v in (*p.min(axis=0), *p.max(axis=0))))
    return out


def test_layout_orders_lines_and_merges_close_boxes_but_not_distant_ones():
    tilt = 0.02  # ~1.1°: the right end of a 1200-px line sits 24 px lower than its left end
    boxes = np.stack(
        [
            _box(700, 100, 1300, 140, tilt),  # line 2, a cell far right of …
            _box(60, 30, 1300, 70, tilt),  # line 1
            _box(60, 100, 260, 140, tilt),  # line 2, first cell, cut at a bracket into two pieces …
            _box(240, 102, 400, 138, tilt),  # … that overlap (read separately, "发" would come twice)
            _box(60, 170, 1300, 210, tilt),  # line 3
        ]
    )
    lines = layout(boxes)
    assert [_rects(line, tilt) for line in lines] == [
        [(60, 30, 1300, 70)],
        [(60, 100, 400, 140), (700, 100, 1300, 140)],
        [(60, 170, 1300, 210)],
    ]
    assert layout(np.zeros((0, 4, 2), np.float32)) == []


def test_render_page_is_a_grey_image_at_the_asked_resolution():
    pdf = pdfium.PdfDocument(text_pdf("平顺县人民政府\n平政发〔2023〕3号"))
    img = render_page(pdf[0], 100)
    w, h = pdf[0].get_size()
    assert img.mode == "L" and abs(img.size[0] - w * 100 / 72) <= 1 and abs(img.size[1] - h * 100 / 72) <= 1
    assert render_page(pdf[0]).size[0] == round(w * ocr_mod.DEFAULT_DPI / 72)


@pytest.mark.parametrize(
    "read, fixed",
    [
        ("平政发[2023）67号", "平政发〔2023〕67号"),  # mismatched brackets
        ("阳政办发【2022】81号", "阳政办发〔2022〕81号"),
        # the opening bracket lost (bench/formats.py, the scan of pingshun-2023-04.txt line 1385)
        ("平政办发2023）45号", "平政办发〔2023〕45号"),
        ("平政办发〔2023 45号", "平政办发〔2023〕45号"),  # the closing one lost
        ("规划（2023一2035年）", "规划（2023—2035年）"),  # 一 for a dash between numbers
        ("2016年一2020年", "2016年—2020年"),
        # left alone: no bracket at all, a date, a plain number range, a real 一
        ("平政发2023145号", "平政发2023145号"),
        ("2023年11月9日", "2023年11月9日"),
        ("第一条", "第一条"),
        ("一、总体要求", "一、总体要求"),
    ],
)
def test_tidy_undoes_systematic_misreadings_only(read, fixed):
    assert tidy(read) == fixed


# --------------------------------------------------------------------------------------------------
# low confidence


def test_a_damaged_line_is_read_with_low_confidence_and_flagged():
    img = np.asarray(
        page_image(HEAD[1:3] + [(60, 300, "各乡、镇人民政府，县直各有关单位：")], size=(1400, 400))
    )
    img = img.copy()
    img[330:360, 60:1100] = 255  # the lower part of the third line faded away (pingshun-2023-01.txt line 6)
    lines = ocr_page(img)
    assert (
        lines[0] == ("关于印发平顺县县级储备粮管理暂行办法的通知", lines[0][1])
        and lines[0][1] >= LOW_CONFIDENCE
    )
    assert lines[-1][0] != "各乡、镇人民政府，县直各有关单位：" and lines[-1][1] < LOW_CONFIDENCE
    warnings = low_confidence_warnings(lines, first_line=41, page=2)
    assert [w.line for w in warnings] == [40 + len(lines)]
    w = warnings[0]
    assert w.code == "ocr_low_confidence" and w.message.startswith("第2页文字识别置信度低")
    assert lines[-1][0] in w.message


# --------------------------------------------------------------------------------------------------
# simulated scans


def test_wrap_for_print_keeps_lines_and_numbers_whole():
    # pingshun-2023-04.txt line 1000 region: one paragraph per raw line
    long_line = (
        "产管护经费根据运营方案原则上从经营收益中列支，属于村集体的公益性资产管护经费，" * 2 + "2023年"
    )
    wrapped = wrap_for_print("标题\n" + long_line, width=40)
    parts = wrapped.split("\n")
    assert parts[0] == "标题" and "".join(parts[1:]) == long_line
    assert all(len(p) <= 40 for p in parts) and parts[-1].endswith("2023年") and "2023" in parts[-1]


@pytest.fixture(scope="session")
def scanned(tmp_path_factory):
    """Two printed pages with four documents' heads — yangcheng-2022-03.txt lines 2109-2137 (阳政办发〔2022〕67号
    and 71号) and 3410-3440 (79号 and 81号) — as a text PDF and as its simulated 200-dpi scan."""
    lines = raw_lines("yangcheng-2022-03.txt")
    text = "\n".join(lines[2108:2137] + lines[3409:3440])
    pdf = text_pdf(text)
    scan = scan_pdf(pdf, tmp_path_factory.mktemp("scan") / "scan.pdf", dpi=200, seed=3)
    return wrap_for_print(text), pdf, scan


def test_a_scan_has_the_pages_and_size_of_its_source_and_no_text_layer(scanned):
    _, pdf, scan = scanned
    src, img = pdfium.PdfDocument(pdf), pdfium.PdfDocument(scan)
    assert len(img) == len(src) == 2
    for a, b in zip(src, img, strict=True):
        assert all(abs(x - y) < 1.0 for x, y in zip(a.get_size(), b.get_size(), strict=True))
        assert b.get_textpage().count_chars() == 0
    assert scan_pdf(pdf, dpi=200, seed=3) == scan  # seeded: the same fixture on every run
    assert scan_pdf(pdf, dpi=200, seed=4) != scan


EXPECTED = {  # yangcheng-2022-03.txt lines 2111/2119, 2127/2135, 3414/3422, 3430/3438
    "阳政办发〔2022〕67号": "2022-08-12",
    "阳政办发〔2022〕71号": "2022-08-22",
    "阳政办发〔2022〕79号": "2022-09-05",
    "阳政办发〔2022〕81号": "2022-09-07",
}


def test_a_scanned_pdf_goes_through_the_one_pipeline(scanned):
    text, _, scan = scanned
    ext = extract(scan, "scan.pdf")
    assert ext.format == "pdf" and ext.encoding == "pdf+ocr"
    assert ext.meta.get("ocr_pages") == [1, 2] and len(ext.page_starts) == 2
    result = parse_text(ext.text, "scan.pdf", ext.encoding)
    found = {d.doc_no: d.signed_date for d in result.documents if d.doc_no}
    assert found == EXPECTED
    plain = parse_text(text, "plain.txt")  # the same printed text, as plain text
    assert {d.doc_no: d.signed_date for d in plain.documents if d.doc_no} == EXPECTED
    # and the OCR text is close to the printed text, character for character (widths folded: "，"/",")
    assert char_accuracy(text, ext.text) > 0.97
