"""Every bundled sample, end to end, against hand-labelled expectations (tests/fixtures/*.json).

The fixtures were labelled by reading the raw text, not by running the parser.
"""

from __future__ import annotations

import pytest

from conftest import SAMPLE_FILES, parsed

FIELDS = ("doc_no", "issuer", "title", "doc_type", "signed_date", "publicity", "line_start")


def test_the_corpus_is_the_five_labelled_issues(expected_documents):
    assert SAMPLE_FILES == sorted(expected_documents)
    assert sum(len(v) for v in expected_documents.values()) == 80


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_document_list(name, expected_documents):
    got = parsed(name).documents
    want = expected_documents[name]
    assert [(d.doc_no, d.title) for d in got] == [(e["doc_no"], e["title"]) for e in want]
    for d, e in zip(got, want, strict=True):
        assert {f: getattr(d, f) for f in FIELDS} == {f: e[f] for f in FIELDS}, e["title"]


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_main_texts_and_attachments(name, expected_documents):
    for d, e in zip(parsed(name).documents, expected_documents[name], strict=True):
        assert [p.title for p in d.parts if p.role == "main_text"] == e["main_texts"], e["title"]
        if e["main_texts"]:
            assert d.main_text["title"] == e["main_texts"][0]
        else:
            assert d.main_text is None
        assert [(a.title, a.only_online) for a in d.attachments] == [
            (a["title"], a["only_online"]) for a in e["attachments"]
        ], e["title"]


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_gazette(name, expected_gazettes):
    g = parsed(name).gazette
    e = expected_gazettes[name]
    assert g is not None
    assert (g.name, g.year, g.issue, g.total_issue, g.published) == (
        e["name"],
        e["year"],
        e["issue"],
        e["total_issue"],
        e["published"],
    )
    assert [(t.section, t.title, t.doc_no, t.page) for t in g.toc] == [
        (t["section"], t["title"], t["doc_no"], t["page"]) for t in e["toc"]
    ]


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_documents_cover_the_text_in_order(name):
    docs = parsed(name).documents
    for a, b in zip(docs, docs[1:], strict=False):
        assert a.line_start <= a.line_end < b.line_start
    for d in docs:
        assert d.parts and d.parts[0].role == "notice" and d.parts[0].line_start == d.line_start
        for p, q in zip(d.parts, d.parts[1:], strict=False):
            assert p.line_end < q.line_start


def test_every_document_has_provenance_for_its_fields():
    for name in SAMPLE_FILES:
        for d in parsed(name).documents:
            lo, hi = d.sources["title"]
            assert d.line_start <= lo <= hi <= d.line_end
            if d.doc_no:
                assert hi < d.sources["doc_no"][0] or lo > d.sources["doc_no"][1]
            if d.doc_no:
                lo, hi = d.sources["doc_no"]
                assert d.line_start <= lo <= hi <= d.line_end
            if d.signed_date:
                lo, _ = d.sources["signed_date"]
                assert d.line_start <= lo <= d.line_end
