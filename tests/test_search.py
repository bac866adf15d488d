"""Search over the samples: the questions people ask find the right document near the top."""

from __future__ import annotations

import pytest

from gongbao.store.query import Filters, QueryError, make_snippet, search


def top(conn, q: str, n: int = 3, **filters) -> list[str | None]:
    return [h.doc_no or h.title for h in search(conn, q, Filters(**filters), per_page=n).hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("重污染天气应急预案", "平政办发〔2023〕39号"),
        ("招商引资奖励", "平政发〔2023〕54号"),
        ("温暖过冬", "平政办发〔2023〕48号"),
        ("封山禁火", "平顺县人民政府封山禁火令"),
        ("大面积停电", "阳政办发〔2022〕71号"),
        ("民爆", "阳政办发〔2022〕65号"),
        ("葡萄低温气象指数保险", "稷政办发〔2022〕18号"),
        ("森林生态效益补偿", "平政办发〔2023〕30号"),
        ("公共租赁住房补贴标准", "平政办发〔2023〕31号"),
        ("无劳动能力人员生活补助", "平政办发〔2023〕35号"),
        ("企业上市奖励", "阳政办发〔2022〕72号"),
        (
            "购贷销还",
            "平政发〔2023〕3号",
        ),  # split by a hard wrap in the raw text (pingshun-2023-01.txt 178-180)
    ],
)
def test_questions_find_the_right_document_first(sample_conn, query, expected):
    assert top(sample_conn, query, 1) == [expected]


@pytest.mark.parametrize(
    "variant",
    [
        "平政办发〔2023〕39号",
        "平政办发[2023]39号",
        "平政办发(2023)39号",
        "平政办发 2023 39号",
        "平政办发（2023）39号",
    ],
)
def test_doc_no_variants_go_straight_to_the_document(sample_conn, variant):
    r = search(sample_conn, variant)
    assert (
        r.mode == "doc_no" and r.hits[0].doc_no == "平政办发〔2023〕39号" and r.doc_no_match == r.hits[0].id
    )


def test_same_serial_in_two_series_is_not_confused(sample_conn):
    assert top(sample_conn, "稷政发〔2022〕14号", 1) == ["稷政发〔2022〕14号"]
    assert top(sample_conn, "稷政办发〔2022〕14号", 1) == ["稷政办发〔2022〕14号"]


def test_short_agency_names_match(sample_conn):
    hits = search(sample_conn, "发改局").hits
    assert hits and all("发改局" in h.snippet.replace("<mark>", "").replace("</mark>", "") for h in hits[:3])


def test_filters_and_facets(sample_conn):
    everything = search(sample_conn, None)
    assert everything.mode == "browse" and everything.total == 80
    facets = everything.facets
    assert {f["value"]: f["count"] for f in facets["county"]} == {"平顺县": 45, "稷山县": 18, "阳城县": 17}
    assert sum(f["count"] for f in facets["doc_type"]) == 80
    r = search(sample_conn, "应急预案", Filters(county="阳城县", kind="应急预案"))
    assert r.total >= 3 and all(h.county == "阳城县" and h.kind == "应急预案" for h in r.hits)
    r = search(sample_conn, None, Filters(date_from="2023-10", date_to="2023-10"))
    assert {h.signed_date[:7] for h in r.hits} == {"2023-10"}
    assert search(sample_conn, None, Filters(publicity="依申请公开")).total == 1
    assert search(sample_conn, None, Filters(doc_type="批复")).hits[0].doc_no == "平政发〔2023〕19号"


def test_pagination(sample_conn):
    p1 = search(sample_conn, None, page=1, per_page=30)
    p3 = search(sample_conn, None, page=3, per_page=30)
    assert len(p1.hits) == 30 and len(p3.hits) == 20
    assert not {h.id for h in p1.hits} & {h.id for h in p3.hits}


@pytest.mark.parametrize(
    "hostile",
    [
        '"',
        "NEAR(a b)",
        "AND OR NOT",
        "*",
        "^平顺",
        "title:通知",
        "'); DROP TABLE documents; --",
        "\x00\x07",
        "{ } [ ]",
    ],
)
def test_hostile_queries_are_just_text(sample_conn, hostile):
    r = search(sample_conn, hostile)  # never an FTS5 syntax error
    assert r.total >= 0
    assert search(sample_conn, None).total == 80


def test_bad_requests_are_refused_with_a_message(sample_conn):
    with pytest.raises(QueryError, match="过长"):
        search(sample_conn, "测" * 201)
    with pytest.raises(QueryError, match="日期"):
        search(sample_conn, None, Filters(date_from="2023/13/40"))
    with pytest.raises(QueryError):
        search(sample_conn, None, per_page=1000)


def test_snippets_mark_hits_and_escape_html():
    s = make_snippet("前言<script>alert(1)</script>，县级储备粮管理办法规定储备粮轮换。", ["储备粮"])
    assert "<script" not in s and "</script" not in s and "&lt;/script&gt;" in s
    assert s.count("<mark>储备粮</mark>") == 2
