"""Proofreading across documents: a unit's telephone numbers (contacts.phone), cited titles and 文号
(references.citation_title, references.citation_issuer), thresholds of two plans (crossdoc.threshold)."""

from __future__ import annotations

from gongbao.parse import parse_text
from gongbao.proof.checks.contacts import unit_key
from gongbao.proof.core import check

from conftest import parsed, raw_lines


def raw_docs(name: str, *ranges: tuple[int, int]) -> str:
    """The lines of ``ranges`` of a sample, every other line blanked: line numbers stay those of the file."""
    keep = lambda i: any(a <= i <= b for a, b in ranges)  # noqa: E731
    return "\n".join(line if keep(i) else "" for i, line in enumerate(raw_lines(name), 1))


DOC = """阳城县人民政府办公室
关于印发阳城县{title}的通知
阳政办发〔2022〕{n}号
各乡(镇)人民政府,县直各有关单位:
{notice}
阳城县人民政府办公室
2022年5月6日
(此件公开发布)
阳城县{title}
1 总则
{body}
"""


def gazette(*docs: tuple[str, str] | tuple[str, str, str]) -> str:
    """Documents 阳政办发〔2022〕90号, 91号 … each (title, body[, notice sentence])."""
    out = []
    for i, d in enumerate(docs):
        title, body = d[0], d[1]
        notice = d[2] if len(d) > 2 else f"现将《阳城县{title}》印发给你们,请认真贯彻执行。"
        out.append(DOC.format(n=90 + i, title=title, body=body, notice=notice))
    return "\n".join(out)


def run(text: str, family: str):
    return check(parse_text(text), [family])


# --------------------------------------------------------------------------------------------------
# contacts.phone


def test_unit_names_are_compared_under_one_name():
    assert unit_key("县应急局", "阳城县") == unit_key("阳城县应急管理局", "阳城县") == "县应急管理局"
    assert unit_key("国网阳城供电公司", "阳城县") == unit_key("县供电公司", "阳城县")
    assert unit_key("中国移动阳城分公司", "阳城县") == unit_key("移动公司", "阳城县")
    # "中国电阳城分公司" (yangcheng-2022-03.txt 2611) lost its 信: still the telecom operator
    assert unit_key("中国电阳城分公司", "阳城县") == unit_key("电信公司", "阳城县")
    assert unit_key("县交警队", "阳城县") == unit_key("县公安交警大队", "阳城县")
    assert unit_key("凤城镇人民政府", "阳城县") == "凤城镇"
    assert unit_key("县委值班室", "阳城县") == unit_key("县 委", "阳城县") != unit_key("县委办公室", "阳城县")


def test_contact_tables_of_four_emergency_plans():
    # yangcheng-2022-03.txt: the contact tables of 阳政办发〔2022〕52号 (1050-1074), 65号 (2092-2107),
    # 71号 (2607-2627) and 76号 (3175-3196)
    found = {(f.line_start, f.doc_no): f for f in check(parsed("yangcheng-2022-03.txt"), ["contacts"])}
    # 2098 "县应急局 4220425" where the three other tables give 县应急管理局 4222123
    f = found[(2098, "阳政办发〔2022〕65号")]
    assert "4220425" in f.message and f.suggestion.startswith("应为“4222123”")
    # 2611 "中国电阳城分公司 0356-6291273", 1057 and 2102 "电信公司 6921273": two digits swapped
    assert "顺序颠倒" in found[(2611, "阳政办发〔2022〕71号")].message
    # 1061 润城镇 4814601 vs 4814501; 1065 西河乡 4834101 vs 4834102; 3179 县总工会 4223751 vs 4600022
    assert {
        (1061, "阳政办发〔2022〕52号"),
        (1065, "阳政办发〔2022〕52号"),
        (3179, "阳政办发〔2022〕76号"),
    } <= set(found)
    # units with the same number everywhere, with or without 0356-: 县委宣传部 (1054, 2095, 2611, 3180)
    assert not any("宣传部" in f.message for f in found.values())
    assert all(f.severity == "警告" for f in found.values())


def test_two_real_tables_in_isolation():
    # 阳政办发〔2022〕65号 (lines 1536-2107) and 76号 (2707-3196) only: 县应急局 and 县总工会 differ
    text = raw_docs("yangcheng-2022-03.txt", (1536, 2107), (2707, 3196))
    found = {(f.line_start, f.doc_no) for f in run(text, "contacts")}
    assert (2098, "阳政办发〔2022〕65号") in found or (3183, "阳政办发〔2022〕76号") in found
    assert (2106, "阳政办发〔2022〕65号") in found or (3179, "阳政办发〔2022〕76号") in found


def test_same_numbers_written_differently_are_not_flagged():
    text = gazette(
        (
            "测试甲应急预案",
            "附录 应急联络表\n单位\t值班电话\t单位\t值班电话\n县应急局\t4222123\t凤城镇\t4223738",
        ),
        (
            "测试乙应急预案",
            "附录 应急通讯录\n单位名称\t值班电话\n阳城县应急管理局\t(0356)4222123\n凤城镇人民政府\t0356-4223738",
        ),
    )
    assert run(text, "contacts") == []


def test_other_kinds_of_line_and_people_are_not_flagged():
    text = gazette(
        # a fax line and a mobile are not the duty line
        (
            "测试甲应急预案",
            "附录 联络表\n单位\t值班电话\t传真\n县应急管理局\t4222123\t4222000\n铁塔公司\t13800000001",
        ),
        ("测试乙应急预案", "附录 联络表\n单位\t传真\n县应急管理局\t4229999\n铁塔公司\t13900000002"),
        # a list of people: their numbers, not their unit's
        ("测试丙应急预案", "附录 成员名单\n单位\t姓名\t职务\t电话\n县应急管理局\t张三\t局长\t4221111"),
        # a unit given two numbers in one document has several lines
        ("测试丁应急预案", "附录 联络表\n单位\t电话\n县公安局\t4233414\n县公安局\t4233000"),
        ("测试戊应急预案", "附录 联络表\n单位\t电话\n县公安局\t4233000"),
    )
    assert run(text, "contacts") == []


def test_amounts_in_a_table_are_not_phone_numbers():
    text = gazette(
        ("测试甲实施方案", "资金分配表\n单位\t金额（元）\n凤城镇\t4223738\n北留镇\t1250000"),
        ("测试乙实施方案", "资金分配表\n单位\t金额（元）\n凤城镇\t3000000"),
    )
    assert run(text, "contacts") == []


def test_numbers_in_running_text():
    text = gazette(
        ("测试甲应急预案", "县应急管理局值班电话：0356-4222123。"),
        ("测试乙应急预案", "县应急局值班电话：4222321。"),
        # "办公室设在县住建局，电话…" is the office's number
        ("测试丙应急预案", "指挥部办公室设在县应急管理局，电话4225555。"),
    )
    found = run(text, "contacts")
    assert len(found) == 1 and "4222321" in found[0].message and "4222123" in found[0].message


def test_space_separated_tables_and_contact_lines():
    text = gazette(
        ("测试甲应急预案", "附录 应急通讯录\n县应急管理局  0356-4222123  凤城镇  4222788"),
        ("测试乙实施方案", "（联系单位：县应急局，联系电话：4222132）"),
    )
    (f,) = run(text, "contacts")
    assert f.doc_no == "阳政办发〔2022〕91号" and "顺序颠倒" in f.message


def test_two_lists_of_different_lines_are_not_compared():
    # one document lists office numbers under "电话", the other duty numbers: they differ for most units
    units = ["县财政局", "县公安局", "县民政局", "县水务局", "县林业局"]
    a = "\n".join(f"{u}\t42200{i}1" for i, u in enumerate(units))
    b = "\n".join(f"{u}\t42300{i}2" for i, u in enumerate(units))
    text = gazette(
        ("测试甲应急预案", f"附录 联络表\n单位\t电话\n{a}"),
        ("测试乙应急预案", f"附录 通讯录\n单位\t值班电话\n{b}"),
    )
    assert run(text, "contacts") == []


# --------------------------------------------------------------------------------------------------
# references.citation_title


def test_one_doc_no_cited_with_two_titles():
    # yangcheng-2022-03.txt 1442: 阳政办发〔2019〕75号 cited as "…专项资金管理使用办法等四项政策措施的通知"
    # (the title of the citing 阳政办发〔2022〕64号 itself); 1534 repeals it as "…使用管理暂行办法等四项…"
    text = raw_docs("yangcheng-2022-03.txt", (1424, 1534))
    (f,) = run(text, "references.citation_title")
    assert (f.line_start, f.doc_no, f.severity) == (1442, "阳政办发〔2022〕64号", "警告")
    assert "自身名称" in f.message and "使用管理暂行办法" in f.suggestion


def test_one_local_document_cited_under_two_titles():
    # yangcheng-2022-03.txt 2149 《阳城县突发事件总体预案》 (no 应急) and 2165 《阳城县突发事件总体应急预案》;
    # 2729 《阳城县突发公共事件总体应急预案》 and 《晋城市突发公共事件总体应急预案》 (1562, 2149: 《晋城市突发事件总体应急预案》)
    found = [
        (f.line_start, f.severity, f.numbers["此处标题"])
        for f in check(parsed("yangcheng-2022-03.txt"), ["references.citation_title"])
        if f.kind == "同一文件引用标题不一致"
    ]
    assert found == [
        (2149, "提示", "阳城县突发事件总体预案"),
        (2729, "提示", "晋城市突发公共事件总体应急预案"),
        (2729, "提示", "阳城县突发公共事件总体应急预案"),
    ]


def test_the_samples_cite_titles_consistently_otherwise():
    # pingshun-2023-04.txt 1063 《山西省气象条例》 and 203 《山西省气象灾害防御条例》 are two regulations
    for name in (
        "jishan-2022-02.txt",
        "pingshun-2023-01.txt",
        "pingshun-2023-03.txt",
        "pingshun-2023-04.txt",
    ):
        assert check(parsed(name), ["references.citation_title"]) == []
    lines = [f.line_start for f in check(parsed("yangcheng-2022-03.txt"), ["references.citation_title"])]
    assert lines == [1442, 2149, 2729, 2729]


def test_a_document_of_the_issue_cited_with_another_title():
    text = gazette(
        ("测试甲管理办法", "第一条 为规范管理，制定本办法。"),
        ("测试乙实施方案", "按照《阳城县测试丙管理办法》（阳政办发〔2022〕90号）要求执行。"),
    )
    (f,) = run(text, "references.citation_title")
    assert f.doc_no == "阳政办发〔2022〕91号" and f.suggestion.startswith("应为《")


def test_a_document_of_the_issue_cited_with_another_serial():
    text = gazette(
        ("测试甲管理办法", "第一条 为规范管理，制定本办法。"),
        ("测试乙实施方案", "按照《阳城县测试甲管理办法》（阳政办发〔2022〕9号）要求执行。"),
    )
    (f,) = run(text, "references.citation_title")
    assert f.kind == "引用文号与标题不符" and "阳政办发〔2022〕90号" in f.suggestion


def test_a_title_almost_that_of_a_document_of_the_issue():
    text = gazette(
        ("森林草原火灾应急预案", "1.1 目的\n做好防火工作。"),
        ("测试乙实施方案", "落实《阳城县森林草原火災应急预案》要求。"),
    )
    (f,) = run(text, "references.citation_title")
    assert f.kind == "引用标题与本期文件标题不一致" and f.related == ["阳政办发〔2022〕90号"]


def test_right_citations_are_not_flagged():
    text = gazette(
        ("测试甲管理办法（试行）", "第一条 为规范管理，制定本办法。"),
        (
            "测试乙实施方案",
            # the notice title for the issued text, the text without （试行）, the issuer's name in front
            "按照《关于印发阳城县测试甲管理办法（试行）的通知》（阳政办发〔2022〕90号）、"
            "《阳城县测试甲管理办法》（阳政办发〔2022〕90号）和"
            "《阳城县人民政府办公室关于印发阳城县测试甲管理办法（试行）的通知》（阳政办发〔2022〕90号）执行。"
            # the city's plan of the same name, an earlier edition, another year's plan: other documents
            "依据《晋城市测试甲管理办法》、《阳城县测试甲管理暂行办法》和《阳城县2021年测试甲管理办法》。"
            # two local texts one word apart: the 资金 of a fund is not a slip
            "参照《阳城县林业补偿管理办法》和《阳城县林业补偿资金管理办法》。",
        ),
    )
    assert run(text, "references.citation_title") == []


# --------------------------------------------------------------------------------------------------
# references.citation_issuer


def test_doc_no_of_another_place_than_the_cited_issuer():
    # yangcheng-2022-03.txt 381: 《晋城市人民政府关于…》(晋政发〔2022〕16号): 晋政发 is 山西省人民政府's
    text = raw_docs("yangcheng-2022-03.txt", (375, 417))
    (f,) = run(text, "references.citation_issuer")
    assert (f.line_start, f.severity) == (381, "警告") and "晋市政发〔2022〕16号" in f.suggestion
    # yangcheng-2022-03.txt 3250: 《山西省…工作方案》(晋市政办发[2022]6号): maybe the city's forwarding
    found = {
        f.line_start: f.severity
        for f in check(parsed("yangcheng-2022-03.txt"), ["references.citation_issuer"])
    }
    assert found == {381: "警告", 3250: "提示"}


def test_matching_issuers_are_not_flagged():
    body = (
        "根据《中共阳城县委全面深化改革委员会办公室关于印发〈2022年度全面深化改革台账〉的通知》（阳县改办发〔2022〕1号）、"
        "《晋城市人民政府办公室关于印发某方案的通知》（晋市政办〔2022〕16号）、"
        "《关于印发山西省某方案的通知》（晋政办发〔2022〕34号）和《国务院办公厅关于某事的意见》（国办发〔2022〕3号）。"
    )
    assert run(gazette(("测试甲实施方案", body)), "references.citation_issuer") == []
    for name in (
        "jishan-2022-02.txt",
        "pingshun-2023-01.txt",
        "pingshun-2023-03.txt",
        "pingshun-2023-04.txt",
    ):
        assert check(parsed(name), ["references.citation_issuer"]) == []


# --------------------------------------------------------------------------------------------------
# crossdoc.threshold


def test_two_plans_grade_the_county_grid_differently():
    # yangcheng-2022-03.txt: 阳政办发〔2022〕71号 2320/2354/2396 "阳城县电网减供负荷20%以上40%以下" (Ⅲ级) …;
    # 76号 3049/2999/2955 "阳城电网范围内全县电网减供负荷40%以上60%以下" (Ⅲ级) …
    text = raw_docs("yangcheng-2022-03.txt", (2125, 2627), (2707, 3196))
    (f,) = run(text, "crossdoc")
    assert (f.doc_no, f.related, f.severity) == ("阳政办发〔2022〕76号", ["阳政办发〔2022〕71号"], "警告")
    assert f.numbers["Ⅲ级响应·县级电网减供负荷"] == {
        "阳政办发〔2022〕76号": "40%至60%",
        "阳政办发〔2022〕71号": "20%至40%",
    }
    assert f.numbers["Ⅰ级响应·县级电网减供负荷"] == {
        "阳政办发〔2022〕76号": "80%以上",
        "阳政办发〔2022〕71号": "60%以上",
    }
    # 2955 "或90%以上供用电用户停电" (a stray 用) is the 供电用户停电 of 2396 "或70%以上供电用户停电的"
    assert f.numbers["Ⅰ级响应·县级供电用户停电"] == {
        "阳政办发〔2022〕76号": "90%以上",
        "阳政办发〔2022〕71号": "70%以上",
    }
    # 76号's 晋城市 grid (2997 "全市电网减供负荷40%以上60%以下") is another subject than 71号's county grid
    assert not any("市级" in k for k in f.numbers)
    assert (f.line_start, f.line_end) == (2955, 3049)


def test_only_the_yangcheng_plans_disagree_in_the_samples():
    for name in (
        "jishan-2022-02.txt",
        "pingshun-2023-01.txt",
        "pingshun-2023-03.txt",
        "pingshun-2023-04.txt",
    ):
        assert check(parsed(name), ["crossdoc"]) == []
    assert len(check(parsed("yangcheng-2022-03.txt"), ["crossdoc"])) == 1


PLAN = """4 应急响应
4.1 Ⅰ级响应
当发生下列情形之一时,启动Ⅰ级响应:
(1){a}
(2)超出县级处置能力的。
4.2 Ⅱ级响应
当发生下列情形之一时,启动Ⅱ级响应:
(1){b}
4.3 响应终止
(1)减供负荷恢复80%以上。
"""


def test_constructed_disagreement_is_flagged():
    text = gazette(
        (
            "测试停电事件应急预案",
            PLAN.format(a="全县电网减供负荷60%以上。", b="全县电网减供负荷40%以上60%以下。"),
        ),
        (
            "测试能源供应应急预案",
            PLAN.format(a="阳城县电网减供负荷70%以上。", b="阳城县电网减供负荷40%以上60%以下。"),
        ),
    )
    (f,) = run(text, "crossdoc")
    assert list(f.numbers) == ["Ⅰ级响应·县级电网减供负荷"]


def test_agreeing_or_incomparable_thresholds_are_not_flagged():
    text = gazette(
        # the same bands in other words; the 响应终止 "恢复80%以上" of both is not a grade
        (
            "测试甲应急预案",
            PLAN.format(a="阳城县电网减供负荷60%以上。", b="县电网减供负荷40%以上、60%以下。"),
        ),
        (
            "测试乙应急预案",
            PLAN.format(a="全县电网减供负荷60%以上。", b="阳城电网范围内全县电网减供负荷40%—60%。"),
        ),
        # another scope: a township's grid
        (
            "测试丙应急预案",
            PLAN.format(a="乡(镇)电网减供负荷80%以上。", b="乡(镇)电网减供负荷60%以上80%以下。"),
        ),
        # a condition inside the clause ("负荷…以上时…")
        (
            "测试丁应急预案",
            PLAN.format(a="负荷5000兆瓦以上时减供负荷16%以上。", b="负荷5000兆瓦以上时减供负荷12%以上。"),
        ),
        # deaths: every kind of event has its own bands
        ("测试戊应急预案", PLAN.format(a="造成10人以上死亡。", b="造成3人以上10人以下死亡。")),
    )
    text += (
        gazette(
            # rainfall graded by a flood plan and by a geological-disaster plan
            ("防汛应急预案", PLAN.format(a="24小时降雨量达100毫米以上。", b="24小时降雨量达50毫米以上。")),
            ("地质灾害应急预案", PLAN.format(a="24小时降雨量达50毫米以上。", b="24小时降雨量达25毫米以上。")),
        )
        .replace("〔2022〕90号", "〔2022〕95号")
        .replace("〔2022〕91号", "〔2022〕96号")
    )
    assert run(text, "crossdoc") == []


def test_a_notice_and_one_of_the_texts_it_issued_share_a_doc_no():
    body = (
        "根据《关于印发山西省保障性住房建设管理办法等六个办法的通知》（晋政办发〔2012〕70号）和"
        "《山西省公共租赁住房管理办法》（晋政办发〔2012〕70号）执行。"
    )
    assert run(gazette(("测试甲实施方案", body)), "references.citation_title") == []
