"""Input formats: throughput of each, and OCR accuracy on simulated scans, side by side with plain text.

Run with ``make bench`` (about 10 minutes on two cores, nearly all of it OCR), or
``python bench/formats.py [--pages N] [--dpi 100,150,200,300] [--sweep-pages N]``.

The corpus is the five bundled samples, long lines wrapped as print wraps them
(:func:`gongbao.formats.scan.wrap_for_print`), each in every format from the same text:

  * txt                — the text as UTF-8;
  * pdf (text layer)   — typeset by :mod:`gongbao.formats.pdfgen` (A4, 40 lines a page, running header,
                         page numbers);
  * ofd                — :mod:`gongbao.formats.ofdgen` (one printed line per line, header and page numbers);
  * html               — the text as a saved article page (``<p>`` per line);
  * pdf (scanned)      — the text PDF's pages that carry the documents' heads (title, 文号, signature
                         date) rendered at 200 dpi, tilted by up to 0.8°, noised and JPEG-compressed
                         (:mod:`gongbao.formats.scan`), then read back by OCR.

Throughput: wall time of ``extract`` + ``parse_text`` (best of 3 rounds; one round for OCR), as pages per
second, where a page is a printed page of the text PDF (the same unit for every format), and as a multiple
of plain text's time per page.

Accuracy of the scanned route:
  * character accuracy of every OCR'd page against the text printed on it (the text layer of the page it
    was scanned from; whitespace ignored);
  * documents found with the exact 文号 and signed date, against the plain-text parse of the whole sample
    (and, to tell page selection from OCR, against the plain-text parse of the same pages);
  * low-confidence flags: for several thresholds, how many lines are flagged, and the precision and
    recall of "flagged" for "read wrong" (a line is wrong when it matches no printed line of its page).

``--dpi``: render-resolution sweep — character accuracy, wrong lines and seconds per page for each
resolution, on ``--sweep-pages`` scanned pages per sample (calls :func:`gongbao.formats.ocr.render_page`
and :func:`~gongbao.formats.ocr.ocr_page` directly).
"""

from __future__ import annotations

import argparse
import html
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import pypdfium2 as pdfium  # noqa: E402

from gongbao.formats import extract  # noqa: E402
from gongbao.formats import ocr as ocr_mod  # noqa: E402
from gongbao.formats.ofdgen import make_ofd  # noqa: E402
from gongbao.formats.pdfgen import LINES_PER_PAGE  # noqa: E402
from gongbao.formats.scan import char_accuracy, fold, scan_pdf, text_pdf, wrap_for_print  # noqa: E402
from gongbao.parse import parse_text  # noqa: E402

FILES = sorted((ROOT / "samples" / "gazettes").glob("*.txt"))
ROUNDS = 3
SCAN_DPI = 200
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass
class Sample:
    name: str
    text: str
    pdf: bytes
    pages: int
    truth: list[str]  # the text layer of every page of the text PDF
    docs: dict[str, str | None] = field(default_factory=dict)  # 文号 → signed date (plain text, whole sample)
    selected: list[int] = field(default_factory=list)  # 0-based pages scanned
    scan: bytes = b""


def build(max_pages: int | None) -> list[Sample]:
    samples = []
    for seed, f in enumerate(FILES):
        text = wrap_for_print(f.read_text(encoding="utf-8"))
        pdf = text_pdf(text, wrap=False)
        doc = pdfium.PdfDocument(pdf)
        truth = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
        s = Sample(f.name, text, pdf, len(doc), truth)
        doc.close()
        plain = parse_text(text, f.name)
        pages: set[int] = set()
        for d in plain.documents:
            if not d.doc_no:
                continue
            s.docs[d.doc_no] = d.signed_date
            head = [d.line_start] + [d.sources[k][1] for k in ("title", "doc_no") if k in d.sources]
            pages.update(range((d.line_start - 1) // LINES_PER_PAGE, (max(head) - 1) // LINES_PER_PAGE + 1))
            if "signed_date" in d.sources:
                pages.add((d.sources["signed_date"][0] - 1) // LINES_PER_PAGE)
        s.selected = sorted(p for p in pages if p < s.pages)[:max_pages]
        s.scan = scan_pdf(pdf, dpi=SCAN_DPI, seed=seed, pages=s.selected)
        samples.append(s)
    return samples


def as_html(name: str, text: str) -> bytes:
    body = "\n".join(f"<p>{html.escape(ln)}</p>" for ln in text.split("\n") if ln.strip())
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(name)}</title></head>'
        f'<body><div class="nav">首页 &gt; 政府信息公开</div><div class="article">{body}</div>'
        '<div class="footer">版权所有</div></body></html>'
    ).encode()


def timed(inputs: list[tuple[bytes, str]], rounds: int) -> tuple[float, list]:
    best, results = float("inf"), []
    for _ in range(rounds):
        out = []
        t0 = time.perf_counter()
        for data, source in inputs:
            ext = extract(data, source)
            out.append((ext, parse_text(ext.text, source, ext.encoding, strict=False)))
        best = min(best, time.perf_counter() - t0)
        results = out
    return best, results


def throughput(samples: list[Sample], scanned_pages: int) -> dict[str, list]:
    pages = sum(s.pages for s in samples)
    inputs: dict[str, list[tuple[bytes, str]]] = {
        "txt": [(s.text.encode("utf-8"), s.name) for s in samples],
        "pdf (text layer)": [(s.pdf, s.name.replace(".txt", ".pdf")) for s in samples],
        "ofd": [
            (make_ofd(s.text, chars_per_line=0, page_numbers=True), s.name.replace(".txt", ".ofd"))
            for s in samples
        ],
        "html": [(as_html(s.name, s.text), s.name.replace(".txt", ".html")) for s in samples],
    }
    timed(inputs["txt"][:1], 1)  # warm-up: imports, caches
    rows, results = [], {}
    for fmt, items in inputs.items():
        t, results[fmt] = timed(items, ROUNDS)
        rows.append((fmt, pages, sum(len(d) for d, _ in items) / 1e6, t))
    ocr_mod._get_engine()
    t, results["scan"] = timed([(s.scan, s.name.replace(".txt", "-scan.pdf")) for s in samples], 1)
    rows.append(("pdf (scanned, OCR)", scanned_pages, sum(len(s.scan) for s in samples) / 1e6, t))
    base = rows[0][3] / rows[0][1]
    print(
        f"\nThroughput: extract + parse, wall time, best of {ROUNDS} (OCR: one round); a page = a printed page"
    )
    print(f"{'format':<20}{'pages':>7}{'MB in':>9}{'s':>10}{'pages/s':>10}{'s/page':>10}{'× txt':>10}")
    for fmt, n, mb, t in rows:
        print(f"{fmt:<20}{n:>7}{mb:>9.2f}{t:>10.3f}{n / t:>10.1f}{t / n:>10.4f}{t / n / base:>10.1f}")
    return results


def _page_texts(ext) -> list[str]:
    lines = ext.text.split("\n")
    bounds = [*ext.page_starts, len(lines) + 1]
    return ["\n".join(lines[a - 1 : b - 1]) for a, b in zip(bounds, bounds[1:], strict=False)]


def _words(s: str) -> str:
    """Letters, digits and ideographs only (folded): what a misreading that matters changes."""
    return "".join(ch for ch in fold(s) if unicodedata.category(ch)[0] in "LN")


def flag_table(records: list[tuple[str, float, bool, bool]]) -> None:
    """records: (text, confidence, read wrong?, a letter/digit/ideograph read wrong?) per OCR line."""
    n = len(records)
    wrong = sum(r[2] for r in records)
    wrong_w = sum(r[3] for r in records)
    print(
        f"\nLow-confidence flags: {n} OCR lines; {wrong} ({wrong / n:.1%}) differ from the printed line, "
        f"{wrong_w} ({wrong_w / n:.1%}) in a letter, digit or ideograph (not only punctuation)"
    )
    print(
        f"{'threshold':>10}{'flagged':>9}{'share':>8}{'precision':>11}{'recall':>8}{'prec. (any)':>13}{'recall (any)':>14}"
    )
    for t in THRESHOLDS:
        flagged = [r for r in records if r[1] < t]
        hit_w, hit = sum(r[3] for r in flagged), sum(r[2] for r in flagged)
        k = max(len(flagged), 1)
        print(
            f"{t:>10.2f}{len(flagged):>9}{len(flagged) / n:>8.1%}{hit_w / k:>11.1%}{hit_w / max(wrong_w, 1):>8.1%}"
            f"{hit / k:>13.1%}{hit / max(wrong, 1):>14.1%}"
        )
    print(
        f"(ocr.LOW_CONFIDENCE = {ocr_mod.LOW_CONFIDENCE}; precision/recall: of flagged lines for misread ones)"
    )


def accuracy(samples: list[Sample], results: list, ocr_calls: list[list[tuple[str, float]]]) -> None:
    print(f"\nScanned route ({SCAN_DPI}-dpi simulated scans, rendered for OCR at {ocr_mod.DEFAULT_DPI} dpi)")
    print(f"{'sample':<24}{'pages':>6}{'char acc':>10}{'docs':>6}{'found':>7}{'plain, same pages':>19}")
    tot_docs = tot_found = tot_plain = 0
    chars = errs = 0.0
    records: list[tuple[str, float, bool, bool]] = []
    call = 0
    for s, (ext, result) in zip(samples, results, strict=True):
        pages = _page_texts(ext)
        acc_num = acc_den = 0.0
        for k, page_no in enumerate(s.selected):
            ref = s.truth[page_no]
            n = len(fold(ref))
            acc_num += char_accuracy(ref, pages[k] if k < len(pages) else "") * n
            acc_den += n
            if call < len(ocr_calls):
                printed = {fold(ln) for ln in ref.splitlines()}
                printed_w = {_words(ln) for ln in ref.splitlines()}
                records += [
                    (t, c, fold(t) not in printed, _words(t) not in printed_w) for t, c in ocr_calls[call]
                ]
                call += 1
        chars += acc_den
        errs += acc_den - acc_num
        found = {d.doc_no: d.signed_date for d in result.documents if d.doc_no}
        lines = s.text.split("\n")
        subset = "\n".join(
            "\n".join(lines[p * LINES_PER_PAGE : (p + 1) * LINES_PER_PAGE]) for p in s.selected
        )
        plain = {
            d.doc_no: d.signed_date for d in parse_text(subset, s.name, strict=False).documents if d.doc_no
        }
        ok = sum(1 for no, date in s.docs.items() if found.get(no, "∅") == date)
        ok_plain = sum(1 for no, date in s.docs.items() if plain.get(no, "∅") == date)
        missing = [(no, date) for no, date in s.docs.items() if found.get(no, "∅") != date]
        extra = [(no, date) for no, date in found.items() if s.docs.get(no, "∅") != date]
        tot_docs, tot_found, tot_plain = tot_docs + len(s.docs), tot_found + ok, tot_plain + ok_plain
        print(
            f"{s.name:<24}{len(s.selected):>6}{acc_num / acc_den:>10.2%}{len(s.docs):>6}{ok:>7}{ok_plain:>19}"
        )
        if missing:
            print(f"{'':<4}missed: {missing}; the scan's parse has instead: {extra}")
    print(
        f"{'total':<24}{sum(len(s.selected) for s in samples):>6}{1 - errs / chars:>10.2%}"
        f"{tot_docs:>6}{tot_found:>7}{tot_plain:>19}"
    )
    print(
        f"documents with exact 文号 and signed date: {tot_found}/{tot_docs} = {tot_found / tot_docs:.1%} "
        f"(plain text of the same pages: {tot_plain / tot_docs:.1%})"
    )
    if records:
        flag_table(records)


def sweep(samples: list[Sample], dpis: list[int], per_sample: int) -> None:
    print(f"\nRender-resolution sweep: {per_sample} scanned pages per sample, OCR at each resolution")
    print(f"{'dpi':>5}{'pages':>7}{'char acc':>10}{'wrong lines':>13}{'s/page':>9}")
    pages = []
    for s in samples:
        doc = pdfium.PdfDocument(s.scan)
        step = max(1, len(s.selected) // per_sample)
        for k in list(range(len(s.selected)))[::step][:per_sample]:
            pages.append((doc[k], s.truth[s.selected[k]]))
    ocr_mod.ocr_page(ocr_mod.render_page(pages[0][0], 100))  # warm-up
    for dpi in dpis:
        num = den = 0.0
        wrong = lines = 0
        t = 0.0
        for page, ref in pages:
            t0 = time.perf_counter()
            got = ocr_mod.ocr_page(ocr_mod.render_page(page, dpi))
            t += time.perf_counter() - t0
            n = len(fold(ref))
            num += char_accuracy(ref, "\n".join(x for x, _ in got)) * n
            den += n
            printed = {fold(ln) for ln in ref.splitlines()}
            wrong += sum(fold(x) not in printed for x, _ in got)
            lines += len(got)
        print(
            f"{dpi:>5}{len(pages):>7}{num / den:>10.2%}{wrong / max(lines, 1):>13.1%}{t / len(pages):>9.2f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--pages", type=int, default=None, help="scan at most N pages per sample (default: all heads)"
    )
    ap.add_argument("--dpi", default="", help="render-resolution sweep, e.g. 100,150,200,300")
    ap.add_argument("--sweep-pages", type=int, default=3, help="pages per sample in the sweep")
    ap.add_argument("--no-throughput", action="store_true", help="only the sweep")
    args = ap.parse_args()

    t0 = time.perf_counter()
    samples = build(args.pages)
    scanned = sum(len(s.selected) for s in samples)
    print(
        f"{len(samples)} samples, {sum(s.pages for s in samples)} printed pages, {scanned} of them scanned "
        f"({sum(len(s.docs) for s in samples)} documents with a 文号); corpus built in {time.perf_counter() - t0:.0f} s"
    )
    if not args.no_throughput:
        calls: list[list[tuple[str, float]]] = []
        real = ocr_mod.ocr_page

        def recording(image):
            out = real(image)
            calls.append(out)
            return out

        ocr_mod.ocr_page = recording  # pdf.py imports it at call time: every OCR'd page is recorded
        try:
            results = throughput(samples, scanned)
        finally:
            ocr_mod.ocr_page = real
        accuracy(samples, results["scan"], calls)
    if args.dpi:
        sweep(samples, [int(x) for x in args.dpi.split(",")], args.sweep_pages)


if __name__ == "__main__":
    main()
