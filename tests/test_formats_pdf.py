"""PDF input: text layer read by position, running headers dropped by geometry, OCR for pages without
text, clear errors for bad PDFs, and the PDF route giving the same documents as the text route.

The five sample gazettes are typeset once per session with ``gongbao.formats.pdfgen.text_to_pdf`` (each raw
line one printed line, 40 lines a page, a running header and a page number on every page).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from gongbao.cli import app
from gongbao.errors import InputError
from gongbao.formats import Extracted, annotate, detect, extract
from gongbao.formats.pdfgen import LINES_PER_PAGE, default_header, text_to_pdf
from gongbao.parse import ParseResult, parse_file, parse_text
from gongbao.text.repair import repair

from conftest import SAMPLE_FILES, SAMPLES, parsed, raw_lines


def _typeset(name: str, out: str) -> tuple[str, Path, Extracted]:
    """Typeset one sample and read it back (run in a worker process)."""
    path = Path(out) / name.replace(".txt", ".pdf")
    text_to_pdf((SAMPLES / name).read_text(encoding="utf-8"), path)
    return name, path, extract(path.read_bytes(), str(path))


@pytest.fixture(scope="session")
def sample_pdfs(tmp_path_factory) -> dict[str, tuple[Path, Extracted, ParseResult]]:
    """name → (the sample typeset as a PDF, what extract() reads from it, the PDF route's parse), made
    once per session; typesetting and reading run in worker processes (fpdf2 subsets fonts slowly)."""
    out = str(tmp_path_factory.mktemp("pdf"))
    names = sorted(SAMPLE_FILES, key=lambda n: -(SAMPLES / n).stat().st_size)  # largest first
    workers = min(len(names), os.cpu_count() or 1)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        done = list(pool.map(_typeset, names, [out] * len(names)))
    # the PDF route as parse_file() takes it (parse_file itself is run on one sample below)
    return {
        name: (path, ext, annotate(parse_text(ext.text, str(path), ext.encoding), ext))
        for name, path, ext in done
    }


@pytest.fixture(scope="session")
def notice_pdf(tmp_path_factory) -> Path:
    """One document as a one-page PDF: the notice of 平政办发〔2023〕39号, pingshun-2023-04.txt:425-437.
    (Real OCR of scanned pages through extract() is tested in test_formats_ocr.py.)"""
    path = tmp_path_factory.mktemp("notice") / "notice.pdf"
    text_to_pdf("\n".join(raw_lines("pingshun-2023-04.txt")[425 - 1 : 437]), path)
    return path


def _cells(line: str) -> str:
    """A line as the PDF shows it: empty table cells and a leading tab leave no trace on the page."""
    return re.sub(r"\t+", "\t", line.rstrip()).lstrip("\t")


def _printed(lines: list[str]) -> list[str]:
    return [_cells(x) for x in lines if x.strip()]


# --------------------------------------------------------------------------------------------------
# the PDF route gives the text route's documents


def _fields(d) -> dict:
    return {
        "doc_no": d.doc_no,
        "issuer": d.issuer,
        "title": d.title,
        "doc_type": d.doc_type,
        "signed_date": d.signed_date,
        "publicity": d.publicity,
        "main_text": (d.main_text or {}).get("title"),
        "main_titles": [p.title for p in d.parts if p.role == "main_text"],
        "attachments": [a.title for a in d.attachments],
        "recipients": d.recipients,
    }


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_pdf_route_yields_the_text_routes_documents(name, sample_pdfs):
    text_route = parsed(name)
    pdf_route = sample_pdfs[name][2]
    assert pdf_route.format == "pdf" and pdf_route.encoding == "pdf"
    assert [_fields(d) for d in pdf_route.documents] == [_fields(d) for d in text_route.documents]
    g, h = pdf_route.gazette, text_route.gazette
    assert (g.name, g.year, g.issue, len(g.toc)) == (h.name, h.year, h.issue, len(h.toc))
    # each document records its pages: raw line n of the sample is printed on page (n - 1) // 40 + 1
    for a, b in zip(text_route.documents, pdf_route.documents, strict=True):
        assert b.extra["pages"] == [
            (a.line_start - 1) // LINES_PER_PAGE + 1,
            (a.line_end - 1) // LINES_PER_PAGE + 1,
        ]


def test_parse_file_takes_the_pdf_route(sample_pdfs):
    path, _, via_fixture = sample_pdfs["pingshun-2023-04.txt"]
    r = parse_file(path)
    assert r.format == "pdf" and r.meta["pages"] == 47
    assert [_fields(d) for d in r.documents] == [_fields(d) for d in via_fixture.documents]
    pages = [d.extra["pages"] for d in r.documents]
    assert pages[0][0] >= 1 and pages[-1][1] <= r.meta["pages"]
    assert all(p[0] <= p[1] for p in pages)
    assert all(a[1] <= b[0] for a, b in zip(pages, pages[1:], strict=False))


# --------------------------------------------------------------------------------------------------
# the text layer: every printed line, in order, nothing added


def _pages(ext: Extracted) -> list[list[str]]:
    """The extracted text's lines, page by page (``Extracted.page_starts``)."""
    lines = ext.text.split("\n")
    bounds = [*ext.page_starts, len(lines) + 1]
    return [lines[a - 1 : b - 1] for a, b in zip(bounds, bounds[1:], strict=False)]


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_text_layer_gives_back_every_line_on_its_page(name, sample_pdfs):
    ext, source = sample_pdfs[name][1], raw_lines(name)
    header = default_header("\n".join(source))
    printed = len("\n".join(source).rstrip().split("\n"))  # trailing blank lines print nothing
    pages = _pages(ext)
    assert ext.meta["pages"] == len(pages) == -(-printed // LINES_PER_PAGE)
    assert ext.meta["running_headers"] == [header]
    for k, page in enumerate(pages):
        shown = [x for x in page if x.strip()]
        # the running header and the page number are found by position but left for the repair stage,
        # which recognises them by their text (and reads the gazette's name and issue from the header)
        assert shown[0] == header and shown[-1] == f"— {k + 1} —"
        # in between: every raw line printed on the page, in order, as printed
        assert shown[1:-1] == _printed(source[k * LINES_PER_PAGE : (k + 1) * LINES_PER_PAGE]), f"page {k + 1}"
    assert ext.page_of(ext.page_starts[2]) == 3 and ext.page_of(ext.page_starts[3] - 1) == 3
    removed = [f.text for f in repair(ext.text).furniture]
    assert removed.count(header) == len(pages)
    assert all(f"— {k} —" in removed for k in range(1, len(pages) + 1))


def test_spacing_is_the_pages_own():
    p4, js = raw_lines("pingshun-2023-04.txt"), raw_lines("jishan-2022-02.txt")
    lines = [
        p4[7 - 1],  # "PINGSHUNXIAN RENMIN ZHENGFU GONGBAO"
        p4[17 - 1],  # "委员 张文晓 王 林"
        p4[59 - 1],  # TOC entry: title, tab, "…3"
        p4[79 - 1],  # "--\t----"
        p4[533 - 1],  # SO₂ (₂ is not in Noto Sans CJK: set in DejaVu)
        js[634 - 1],  # " 副组长：付红安 县政协副主席、住建局局长" (leading space)
        "甲  乙   丙",  # several spaces: pdfium keeps one glyph, the gap gives the count back
        "联系人：吉𠮷祥",  # beyond the BMP: pdfium lists 𠮷 as two surrogates
        "平顺县人民政府关于印发平顺县2023年统筹整合使用财政涉农资金年底补充实施方案的通知",
    ]
    ext = extract(text_to_pdf("\n".join(lines), None, header=None, page_numbers=False), "spacing.pdf")
    assert ext.text.split("\n") == [x.rstrip() for x in lines]


def test_a_line_too_long_for_the_page_stays_one_line(sample_pdfs):
    source = raw_lines("jishan-2022-02.txt")
    long = source[2505 - 1]  # jishan-2022-02.txt:2505, a paragraph of 568 characters on one line
    assert len(long) > 500
    assert long.rstrip() in sample_pdfs["jishan-2022-02.txt"][1].text.split("\n")


# --------------------------------------------------------------------------------------------------
# page geometry: headers by position, text drawn out of order, fake bold


def test_running_headers_give_the_gazette_when_there_is_no_masthead(tmp_path):
    # pingshun-2023-04.txt:425-437, one notice; the issue is named only in the running header
    path = tmp_path / "notice.pdf"
    notice = "\n".join(raw_lines("pingshun-2023-04.txt")[425 - 1 : 437])
    text_to_pdf(notice, path, lines_per_page=8, header="平顺县人民政府公报 2023年第4期")
    r = parse_file(path)
    assert (r.gazette.name, r.gazette.year, r.gazette.issue) == ("平顺县人民政府公报", 2023, 4)
    assert [d.doc_no for d in r.documents] == ["平政办发〔2023〕39号"]
    assert r.documents[0].extra["pages"] == [1, 2]


def test_headers_are_dropped_by_position_even_when_the_text_does_not_look_like_one():
    body = [f"第{i}条 这是正文第{i}行。" for i in range(1, 121)]
    pdf = text_to_pdf(
        "\n".join(body), None, header=lambda page: f"内部资料 注意保存 ({page})", page_numbers=False
    )
    ext = extract(pdf, "h.pdf")
    assert ext.text.split("\n") == body  # the repair stage would not know this header: dropped here
    assert ext.meta["running_headers"] == [f"内部资料 注意保存 ({n})" for n in (1, 2, 3)]
    # a one-page PDF keeps its header: nothing recurs, so nothing is known to be furniture
    one = extract(text_to_pdf("第一条 正文。", None, header="内部资料 注意保存"), "one.pdf")
    assert one.text.split("\n")[0] == "内部资料 注意保存"
    assert "running_headers" not in one.meta


def test_body_lines_repeated_at_the_top_of_pages_are_kept():
    body = [("同一行文字" if i % LINES_PER_PAGE == 0 else f"正文{i}。") for i in range(3 * LINES_PER_PAGE)]
    ext = extract(text_to_pdf("\n".join(body), None, header=None), "r.pdf")
    assert ext.text.split("\n").count("同一行文字") == 3


def _fpdf(cjk: bool = True):
    """An fpdf2 document with one A4 page, for hand-made layouts: Noto Sans CJK SC 12 pt, or Helvetica
    (instant to load) where the text need not be Chinese."""
    from fpdf import FPDF

    from gongbao.formats.pdfgen import CJK_COLLECTION_INDEX, CJK_FONTS

    pdf = FPDF(unit="pt", format="A4")
    if cjk:
        font = next(f for f in CJK_FONTS if Path(f).is_file())
        pdf.add_font("cjk", fname=font, collection_font_number=CJK_COLLECTION_INDEX)
    pdf.set_font("cjk" if cjk else "helvetica", size=12)
    pdf.add_page()
    return pdf


def test_table_drawn_column_by_column_reads_row_by_row():
    pdf = _fpdf()
    rows = [("项目", "金额（万元）"), ("道路硬化", "120"), ("合计", "120")]
    for col, x in ((0, 80), (1, 300)):  # the producer writes the first column, then the second
        for r, row in enumerate(rows):
            pdf.text(x, 100 + 20 * r, row[col])
    ext = extract(bytes(pdf.output()), "table.pdf")
    assert ext.text.split("\n") == ["项目\t金额（万元）", "道路硬化\t120", "合计\t120"]


def test_bold_faked_by_overprinting_reads_once():
    # the samples' doubled titles ("平顺县平顺县…") come from an extractor that kept both prints;
    # pdfium drops the second print, so the PDF route reads the title once
    pdf = _fpdf()
    title = "平顺县人民政府关于印发实施方案的通知"
    pdf.text(80, 100, title)
    pdf.text(80.3, 100, title)  # the same run again, a third of a point to the right
    pdf.text(80, 130, "各乡、镇人民政府：")
    ext = extract(bytes(pdf.output()), "bold.pdf")
    assert ext.text.split("\n") == [title, "各乡、镇人民政府："]


# --------------------------------------------------------------------------------------------------
# pages without a text layer go to OCR


def _image_page_pdf(text_pages: list[str | None]) -> bytes:
    """A PDF whose pages are text (a string, ASCII) or a picture with no text layer (None), in order."""
    pdf = _fpdf(cjk=False)
    first = True
    for content in text_pages:
        if not first:
            pdf.add_page()
        first = False
        if content is None:
            img = Image.new("L", (595, 842), 255)
            ImageDraw.Draw(img).rectangle((80, 80, 500, 120), fill=0)
            pdf.image(img, x=0, y=0, w=595.28, h=841.89)
        else:
            for i, line in enumerate(content.split("\n")):
                pdf.text(80, 100 + 20 * i, line)
    return bytes(pdf.output())


SCANNED = [
    ("平顺县人民政府办公室", 0.99),
    ("关于做好保障困难群众温暖过冬工作的通知", 0.97),
    ("平政办发〔2023〕48号", 0.62),
    ("各乡、镇人民政府：", 0.95),
]


@pytest.fixture
def fake_ocr(monkeypatch):
    from gongbao.formats import ocr

    seen = []

    def ocr_page(image):
        seen.append(image.size)
        return list(SCANNED)

    monkeypatch.setattr(ocr, "ocr_page", ocr_page)
    return seen


def test_scanned_page_is_read_by_ocr_with_low_confidence_lines_reported(fake_ocr):
    ext = extract(_image_page_pdf(["Page one.", None]), "mixed.pdf")
    assert ext.encoding == "pdf+ocr" and ext.meta["ocr_pages"] == [2]
    lines = ext.text.split("\n")
    assert lines[: ext.page_starts[1] - 1] == ["Page one."]
    assert lines[ext.page_starts[1] - 1 :] == [t for t, _ in SCANNED]
    assert len(fake_ocr) == 1 and fake_ocr[0][0] > 1000  # rendered for OCR at 200 dpi, not 72
    (w,) = ext.warnings
    assert w.code == "ocr_low_confidence" and "0.62" in w.message and "第2页" in w.message
    assert lines[w.line - 1] == "平政办发〔2023〕48号"


def test_ocr_reports_its_progress_page_by_page(fake_ocr):
    calls = []
    extract(_image_page_pdf([None, "Page two.", None, None]), "scan.pdf", on_ocr=lambda *a: calls.append(a))
    assert calls == [(1, 3), (2, 3), (3, 3)]  # the text page needs no OCR


def test_running_headers_of_scanned_pages_are_dropped_by_recurrence(monkeypatch):
    from gongbao.formats import ocr

    # four scanned pages (text from pingshun-2023-04.txt lines 446-449 …): a header the repair stage
    # does not know ("县政府办公室文件") above the text and a page number below; a body line that recurs
    # on three pages, but inside the text, is kept
    def page(n: int, heading: str, header: str = "县政府办公室文件") -> list[tuple[str, float]]:
        body = [
            (heading, 0.99),
            ("本预案适用于我县行政区域内。", 0.97),
            ("各乡（镇）、各部门要高度重视。", 0.96),
        ]
        return [(header, 0.98), *body, (f"{heading[3:]}由县应急局负责。", 0.95), (f"— {n} —", 0.9)]

    pages = iter(
        [
            page(2, "1.4适用范围"),
            page(3, "1.5工作原则"),
            page(4, "2.1组织机构"),
            page(5, "2.2职责", "平顺县人民政府公报 2023年第4期"),
        ]
    )
    monkeypatch.setattr(ocr, "ocr_page", lambda image: next(pages))
    ext = extract(_image_page_pdf([None] * 4), "scan.pdf")
    lines = ext.text.split("\n")
    assert "县政府办公室文件" not in lines and ext.meta["running_headers"][0] == "县政府办公室文件"
    assert (
        lines.count("本预案适用于我县行政区域内。") == 4
        and lines.count("各乡（镇）、各部门要高度重视。") == 4
    )
    assert "工作原则由县应急局负责。" in lines  # the last text line, above the page number
    # what repair knows by its text stays for it (it reads the gazette's name from running headers)
    assert "平顺县人民政府公报 2023年第4期" in lines and lines.count("— 3 —") == 1


def test_ocr_warning_reaches_the_document(monkeypatch, tmp_path):
    from gongbao.formats import ocr

    scan = [
        *SCANNED,
        ("《方案》已经县政府同意，现印发给你们。", 0.93),
        ("平顺县人民政府办公室", 0.98),
        ("2023年12月20日", 0.5),
        ("（此件公开发布）", 0.96),
    ]
    monkeypatch.setattr(ocr, "ocr_page", lambda image: scan)
    path = tmp_path / "scan.pdf"
    path.write_bytes(_image_page_pdf([None]))
    r = parse_file(path)
    (d,) = r.documents
    assert d.doc_no == "平政办发〔2023〕48号" and d.signed_date == "2023-12-20"
    assert r.encoding == "pdf+ocr"
    assert sorted(w.line for w in d.warnings if w.code == "ocr_low_confidence") == [3, 7]
    assert d.extra["pages"] == [1, 1]


def test_a_scan_with_a_stamped_page_number_is_still_ocrd(fake_ocr):
    pdf = _fpdf(cjk=False)
    pdf.image(Image.new("L", (595, 842), 255), x=0, y=0, w=595.28, h=841.89)
    pdf.text(290, 820, "- 3 -")  # a text layer of five characters over a full-page picture
    ext = extract(bytes(pdf.output()), "stamped.pdf")
    assert ext.meta["ocr_pages"] == [1] and ext.text.split("\n") == [t for t, _ in SCANNED]


def test_ocr_unavailable_keeps_the_text_pages(monkeypatch):
    from gongbao.formats import ocr

    def broken(image):
        raise InputError("无法进行文字识别：OCR 组件不可用")

    monkeypatch.setattr(ocr, "ocr_page", broken)
    ext = extract(_image_page_pdf(["Page one.", None]), "mixed.pdf")
    assert ext.encoding == "pdf" and ext.text.split("\n")[0] == "Page one."
    (w,) = ext.warnings
    assert w.code == "ocr_unavailable" and "第2页" in w.message and w.line == ext.page_starts[1]
    with pytest.raises(
        InputError,
        match=r"^scan.pdf: PDF 是扫描件（没有文字层），未能识别文字 \(OCR failed\)：无法进行文字识别：OCR 组件不可用$",
    ):
        extract(_image_page_pdf([None]), "scan.pdf")


def test_ocr_failing_on_one_page_loses_only_that_page(monkeypatch):
    from gongbao.formats import ocr

    calls = []

    def flaky(image):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("onnxruntime exploded")
        return [("第三页 识别出的文字。", 0.99)]

    monkeypatch.setattr(ocr, "ocr_page", flaky)
    ext = extract(_image_page_pdf([None, "Page two.", None]), "flaky.pdf")
    assert [w.code for w in ext.warnings] == ["ocr_failed"]
    assert "第1页" in ext.warnings[0].message
    assert [x for x in ext.text.split("\n") if x] == ["Page two.", "第三页 识别出的文字。"]
    assert ext.meta["ocr_pages"] == [3]


# --------------------------------------------------------------------------------------------------
# bad input


def _pdf_with_objects(objects: list[bytes]) -> bytes:
    """A well-formed PDF (correct xref) made of ``objects`` (object 1 is the catalog)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _truncated() -> bytes:
    data = text_to_pdf("平顺县人民政府公报\n" * 100, None)
    return data[: len(data) // 2]


def _encrypted() -> bytes:
    pdf = _fpdf(cjk=False)
    pdf.text(80, 100, "Pingshun County Gazette")
    pdf.set_encryption(owner_password="owner", user_password="user")
    return bytes(pdf.output())


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_encrypted, "已加密"),
        (_truncated, "已损坏或不完整"),
        (
            lambda: _pdf_with_objects(
                [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
            ),
            "没有任何页面",
        ),
        (
            lambda: _pdf_with_objects(
                [
                    b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
                ]
            ),
            "空白",
        ),
        (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 4, "已损坏"),
    ],
    ids=["encrypted", "truncated", "zero-pages", "blank-page", "garbage"],
)
def test_bad_pdfs_raise_input_error(make, words):
    data = make()
    assert detect(data) == "pdf"
    with pytest.raises(InputError, match=words) as info:
        extract(data, "bad.pdf")
    assert str(info.value).startswith("bad.pdf: PDF")


def test_bad_pdf_in_a_batch_fails_alone_and_leaves_the_database_untouched(tmp_path, notice_pdf):
    from gongbao.store.db import connect
    from gongbao.store.ingest import ingest_file

    bad = tmp_path / "encrypted.pdf"
    bad.write_bytes(_encrypted())
    good = notice_pdf
    r = CliRunner().invoke(app, ["parse", str(bad), str(good), "--format", "jsonl", "--no-parts"])
    assert r.exit_code == 1
    assert "encrypted.pdf" in r.stderr and "已加密" in r.stderr and "Traceback" not in r.stderr
    (out,) = r.stdout.splitlines()
    assert '"format": "pdf"' in out and "平政办发〔2023〕39号" in out

    db = tmp_path / "g.db"
    conn = connect(db)
    report = ingest_file(conn, bad)
    assert report.status == "failed" and "已加密" in report.error
    assert conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 0
    conn.close()
    assert sqlite3.connect(db).execute("SELECT count(*) FROM documents").fetchone()[0] == 0


# --------------------------------------------------------------------------------------------------
# the generator


def test_text_to_pdf_lays_out_forty_lines_a_page_with_header_and_page_number(tmp_path):
    text = "\n".join(f"第{i}行" for i in range(1, 82))
    path = tmp_path / "g.pdf"
    data = text_to_pdf(text, path, header="稷山县人民政府公报 2022年第2期")
    assert path.read_bytes() == data and data.startswith(b"%PDF-")
    doc = pdfium.PdfDocument(data)
    assert len(doc) == 3
    assert [round(x) for x in doc[0].get_size()] == [595, 842]  # A4
    raw = doc[1].get_textpage().get_text_range()
    assert "稷山县人民政府公报 2022年第2期" in raw and "— 2 —" in raw and "第41行" in raw and "第80行" in raw
    assert "第81行" not in raw
    # the header is what a real gazette prints, so repair removes it from OCR'd (position-less) text too
    rep = repair(raw)
    assert {f.kind for f in rep.furniture} == {"running_header", "page_number"}
    doc.close()
