"""Links between documents: citations with relations, repeals, validity as of a date, agencies."""

from __future__ import annotations

import pytest

from gongbao.link import extract
from gongbao.link.agencies import canonical, propose_aliases
from gongbao.link.prefixes import issuer_of
from gongbao.parse import parse_text
from gongbao.store import links as L
from gongbao.store.agencies import get_agency, list_agencies

from conftest import SAMPLES, parsed, raw_snippet


def doc(name: str, doc_no: str):
    return next(d for d in parsed(name).documents if d.doc_no == doc_no)


def repeals(d) -> list[tuple[str | None, str]]:
    return [(c.doc_no, c.relation) for c in extract(d) if c.relation in ("废止", "部分废止")]


def test_repeal_with_the_doc_no_on_the_next_line():
    # pingshun-2023-03.txt lines 9002-9006: the 文号 printed on its own line after the title, no brackets
    d = doc("pingshun-2023-03.txt", "平政办发〔2023〕30号")
    (c,) = [c for c in extract(d) if c.relation == "废止"]
    assert (c.doc_no, c.title, c.line_start, c.line_end) == (
        "平政办发〔2014〕84号",
        "平顺县森林生态效益补偿基金管理暂行办法",
        9004,
        9006,
    )
    assert not c.replaces


def test_every_repeal_statement_of_the_samples():
    found = {
        (d.doc_no, no, rel)
        for name in ("pingshun-2023-03.txt", "pingshun-2023-04.txt", "yangcheng-2022-03.txt")
        for d in parsed(name).documents
        for no, rel in repeals(d)
        if no
    }
    assert found == {
        ("平政办发〔2023〕30号", "平政办发〔2014〕84号", "废止"),
        ("平政办发〔2023〕34号", "平政办发〔2020〕10号", "废止"),
        (
            "平政办发〔2023〕39号",
            "平政办发〔2018〕61号",
            "废止",
        ),  # written 平政办发[2018]61号 in the main text
        ("平政办发〔2023〕40号", "平政办发〔2020〕4号", "废止"),
        ("平政办发〔2023〕44号", "平政办发〔2020〕24号", "废止"),
        ("阳政发〔2022〕17号", "阳政发〔2021〕19号", "废止"),  # "…不再执行"
        ("阳政办发〔2022〕64号", "阳政办发〔2019〕75号", "部分废止"),
        ("阳政办发〔2022〕78号", "阳政办发〔2021〕69号", "废止"),
    }


def test_partial_repeal_names_the_texts_inside():
    # yangcheng-2022-03.txt line 1534: "《…四项政策措施的通知》(阳政办发〔2019〕75 号)中《A》和《B》同时废止"
    cs = extract(doc("yangcheng-2022-03.txt", "阳政办发〔2022〕64号"))
    parent = next(i for i, c in enumerate(cs) if c.relation == "部分废止")
    inner = [c.title for c in cs if c.within == parent]
    assert inner == ["阳城县工业发展专项资金使用管理暂行办法", "关于规范和鼓励我县陶瓷产业发展壮大的实施方案"]


def test_a_revision_replaces_the_old_edition():
    # pingshun-2023-03.txt lines 9125-9127: "现将修订后的《平顺县森林草原火灾应急预案》印发给你们" + "…（平政办发〔2020〕10号）同时废止"
    cs = extract(doc("pingshun-2023-03.txt", "平政办发〔2023〕34号"))
    old = next(c for c in cs if c.doc_no == "平政办发〔2020〕10号")
    assert old.relation == "废止" and old.replaces


def test_own_title_and_issued_texts_are_not_citations():
    for name in ("pingshun-2023-03.txt", "pingshun-2023-04.txt", "jishan-2022-02.txt"):
        for d in parsed(name).documents:
            own = {d.title} | {p.title for p in d.parts if p.title}
            for c in extract(d):
                if c.title in own:
                    assert c.doc_no and c.doc_no != d.doc_no, (
                        d.doc_no,
                        c.title,
                    )  # only an older edition, by its 文号


@pytest.mark.parametrize(
    ("sentence", "relation", "doc_no"),
    [
        (
            "根据《山西省人民政府关于印发山西省城市地下管线管理办法的通知》（晋政发〔2021〕49号）精神，制定本方案。",
            "依据",
            "晋政发〔2021〕49号",
        ),
        (
            "为贯彻落实《长治市生态环境保护委员会办公室转发〈农村生活污水收集处理设施运行维护管理办法〉的通知》（长环委办发（2023）3号），特制定本办法。",
            "贯彻落实",
            "长环委办发〔2023〕3号",
        ),
        (
            "参照《阳城县“证照分离”改革事项清单》（阳政办发〔2021〕61号）执行。",
            "参照",
            "阳政办发〔2021〕61号",
        ),
        (
            "按照晋城市农业农村局《关于做好2022年农作物秸秆综合利用工作的通知》(晋市农发〔2022〕53号)要求。",
            "依据",
            "晋市农发〔2022〕53号",
        ),
        (
            "《阳城县人民政府关于印发某方案的通知》(阳政发〔2021〕19号)不再执行。",
            "废止",
            "阳政发〔2021〕19号",
        ),
        ("根据运政办发〔2022〕7号文件精神。", "依据", "运政办发〔2022〕7号"),
        ("依据《地质灾害防治条例》（国务院令第 394号）。", "依据", "国务院令第394号"),
        ("执行《烧碱、聚氯乙烯工业污染物排放标准》（GB 15581—2016）。", "其他", "GB 15581-2016"),
    ],
)
def test_relations_and_doc_no_variants(sentence, relation, doc_no):
    text = f"平顺县人民政府\n关于某事的通知\n平政发〔2023〕99号\n各乡、镇人民政府：\n{sentence}\n平顺县人民政府\n2023年12月1日\n"
    cs = extract(parse_text(text).documents[0])
    assert [(c.doc_no, c.relation) for c in cs if c.doc_no] == [(doc_no, relation)]


def test_a_doc_no_split_across_lines_and_a_standard():
    text = "平顺县人民政府\n关于某事的通知\n平政发〔2023〕99号\n各乡、镇人民政府：\n依据《某办法》（财农〔2021〕22\n号）和DB14/726-2019执行。\n平顺县人民政府\n2023年12月1日\n"
    cs = extract(parse_text(text).documents[0])
    assert [(c.kind, c.doc_no) for c in cs] == [
        ("doc_no", "财农〔2021〕22号"),
        ("standard", "DB 14/726-2019"),
    ]


def test_issuer_and_level_from_the_prefix():
    assert issuer_of("晋市农发") == ("晋城市农业农村局", "city")
    assert issuer_of("财农") == ("财政部", "national")
    assert issuer_of("平政办规") == ("平顺县人民政府办公室", "county")
    assert issuer_of("川府发") == (None, None)


def test_status_as_of_a_date(sample_conn):
    s = L.status(
        sample_conn, "平政办发[2018]61号", "2024-01-01"
    )  # not in the corpus: known only from the repeal
    assert (s["status"], s["since"], s["by"]["doc_no"], s["by"]["replaces"]) == (
        "已废止",
        "2023-10-23",
        "平政办发〔2023〕39号",
        True,
    )
    assert (
        L.status(sample_conn, "平政办发〔2018〕61号", "2023-10-01")["status"] == "未知"
    )  # before the repeal took effect
    assert L.status(sample_conn, "阳政办发〔2019〕75号", "2023-01-01")["status"] == "部分废止"
    order = "平顺县人民政府封山禁火令"  # in force 2023-10-01 … 2024-05-31 (pingshun-2023-03.txt line 10877)
    assert [
        L.status(sample_conn, order, day)["status"] for day in ("2023-09-30", "2024-03-01", "2024-06-01")
    ] == ["尚未施行", "现行有效", "已失效"]
    assert (
        L.status(sample_conn, "稷政发〔2022〕14号", "2026-12-01")["status"] == "现行有效"
    )  # 有效期5年 from 2022-06-17
    assert L.status(sample_conn, "稷政发〔2022〕14号", "2027-06-17")["status"] == "已失效"
    with pytest.raises(L.NotFoundError):
        L.status(sample_conn, "川府发〔2020〕1号")


def test_links_both_ways(sample_conn):
    out = L.links(sample_conn, "平政办发〔2023〕39号")
    assert [c["doc_no"] for c in out["repeals"]] == ["平政办发〔2018〕61号", "平政办发〔2018〕61号"]
    ext = L.links(sample_conn, "平政办发〔2020〕24号")
    assert ext["document"] is None and ext["external"]["issuer"] == "平顺县人民政府办公室"
    assert [c["source"]["doc_no"] for c in ext["repealed_by"]] == [
        "平政办发〔2023〕44号",
        "平政办发〔2023〕44号",
    ]


def test_citations_resolve_to_documents_ingested_later(tmp_path):
    from gongbao.store.db import connect
    from gongbao.store.ingest import ingest_file

    conn = connect(tmp_path / "a.db")
    citing = tmp_path / "citing.txt"
    citing.write_text(
        "平顺县人民政府\n关于某事的通知\n平政发〔2023〕99号\n各乡、镇人民政府：\n"
        "根据《平顺县人民政府关于做好2023年安全生产工作的通知》（平政发〔2023〕18号），现通知如下。\n"
        "《平顺县县级储备粮管理暂行办法》自本通知印发之日起废止。\n平顺县人民政府\n2023年12月1日\n",
        encoding="utf-8",
    )
    ingest_file(conn, citing)
    assert L.links(conn, "平政发〔2023〕99号")["cites"][0]["target"] is None
    ingest_file(conn, SAMPLES / "pingshun-2023-01.txt")
    cites = L.links(conn, "平政发〔2023〕99号")["cites"]
    assert [c["target"]["doc_no"] for c in cites] == [
        "平政发〔2023〕18号",
        "平政发〔2023〕3号",
    ]  # by 文号, then by title
    assert L.status(conn, "平政发〔2023〕3号", "2024-01-01")["status"] == "已废止"


def test_agencies_are_canonical_per_county(sample_conn):
    assert canonical("县发改局", "平顺县") == ("县发展改革和科学技术局", True)
    assert canonical("县发改局", "阳城县") == ("县发展和改革局", True)
    assert canonical("平顺县林业局", "平顺县") == ("县林业局", True)
    assert canonical("国网平顺供电公司", "平顺县") == ("国网平顺县供电公司", True)
    assert (
        canonical("县行政审批局", "平顺县")
        == canonical("县审批服务管理局", "平顺县")
        == ("县行政审批服务管理局", True)
    )
    assert propose_aliases(["县医保办"], "平顺县") == []
    assert propose_aliases(["县发展改革局"], "平顺县") == [("县发展改革局", "县发展改革和科学技术局", 0.75)]
    fagai = next(a for a in list_agencies(sample_conn, "平顺县") if a["name"] == "县发展改革和科学技术局")
    assert {"县发改局", "县发科局"} <= set(fagai["aliases"])
    agency = get_agency(sample_conn, fagai["id"])
    roles = {r for d in agency["documents"] for r in d["roles"]}
    assert "责任单位" in roles or "牵头单位" in roles


def test_roles_in_task_lists():
    # yangcheng-2022-03.txt line 117: "2.清理设置非必要条件排斥潜在竞争者行为。(责任单位:县行政审批局、县市场监管局、县发改局、县财政局)"
    from gongbao.link.agencies import mentions

    text = raw_snippet("yangcheng-2022-03.txt", 105, 118)
    d = parse_text(text).documents[0]
    roles = [(m.canonical, m.role) for m in mentions(d, "阳城县") if m.line == 117]
    assert roles == [
        ("县行政审批服务管理局", "责任单位"),
        ("县市场监督管理局", "责任单位"),
        ("县发展和改革局", "责任单位"),
        ("县财政局", "责任单位"),
    ]
