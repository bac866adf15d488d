"""Stage 2a/2b: documents, parts and GB/T 9704 metadata, on real snippets and constructed edge cases."""

from __future__ import annotations

import pytest

from gongbao.errors import NotAGazetteError
from gongbao.parse import parse_text
from gongbao.parse.docno import normalize_doc_no
from gongbao.parse.lexicon import doc_type_of, kind_of, split_issuer
from gongbao.parse.metadata import split_recipients

from conftest import parsed, raw_snippet


def doc(name: str, doc_no: str):
    return next(d for d in parsed(name).documents if d.doc_no == doc_no)


def test_issuer_and_title_fused_on_one_line_with_spaces():
    # pingshun-2023-04.txt lines 81-95: "平顺县人民政府 关于印发平顺县 2023 年统筹整合使用财政 涉农资金…"
    r = parse_text(raw_snippet("pingshun-2023-04.txt", 81, 100))
    d = r.documents[0]
    assert d.title == "平顺县人民政府关于印发平顺县2023年统筹整合使用财政涉农资金年底补充实施方案的通知"
    assert (d.issuer, d.doc_no, d.doc_no_parts) == (
        "平顺县人民政府",
        "平政发〔2023〕58号",
        {"prefix": "平政发", "year": 2023, "serial": 58},
    )
    assert d.signed_date == "2023-10-12" and d.publicity == "主动公开"
    assert d.recipients == ["各乡、镇人民政府", "县直各有关单位"]
    assert d.main_text == {
        "title": "平顺县2023年统筹整合使用财政涉农资金年底补充实施方案",
        "kind": "实施方案",
        "line_start": 95,
    }


def test_order_without_doc_no_signed_at_the_end():
    # pingshun-2023-03.txt lines 10861-10979: 平顺县人民政府封山禁火令
    d = doc_by_title("pingshun-2023-03.txt", "平顺县人民政府封山禁火令")
    assert (d.doc_no, d.issuer, d.doc_type, d.signed_date, d.publicity) == (
        None,
        "平顺县人民政府",
        "令",
        "2023-10-01",
        None,
    )
    assert (d.line_start, d.line_end) == (10861, 10979)
    assert d.main_text is None
    assert [n.marker for n in d.parts[0].outline if n.kind == "一、"] == [
        "一、",
        "二、",
        "三、",
        "四、",
        "五、",
        "六、",
    ]


def doc_by_title(name: str, title: str):
    return next(d for d in parsed(name).documents if d.title == title)


def test_cover_notice_issuing_four_plans_is_one_document_with_four_parts():
    # pingshun-2023-03.txt lines 3505-5348 (平政办发〔2023〕17号); the four titles are at 3525, 3978, 4565, 5055
    d = doc("pingshun-2023-03.txt", "平政办发〔2023〕17号")
    mains = [p for p in d.parts if p.role == "main_text"]
    assert [p.line_start for p in mains] == [3525, 3978, 4565, 5055]
    assert all(p.kind == "计划" for p in mains)


def test_truncated_recipients_are_kept_and_reported():
    # pingshun-2023-03.txt line 10781: "各乡、镇人民政府，县直各相"
    d = doc("pingshun-2023-03.txt", "平政办发〔2023〕35号")
    assert d.recipients == ["各乡、镇人民政府", "县直各相"]
    assert any(w.code == "recipients_truncated" for w in d.warnings)


def test_main_text_published_only_online_is_reported():
    # yangcheng-2022-03.txt lines 2109-2123: "(详见阳城县人民政府门户网站)"
    d = doc("yangcheng-2022-03.txt", "阳政办发〔2022〕67号")
    assert d.main_text is None
    assert [w.code for w in d.warnings] == ["main_text_not_printed"]
    assert d.extra["issued_titles"] == [
        "阳城县石油天然气管道输送突发事件应急预案",
        "阳城县油气中断事件应急预案",
    ]


def test_effective_validity_and_interpreter():
    # jishan-2022-02.txt lines 517-519: "本办法自 2022 年 6 月 17 日起施行，有效期 5 年。" "本文件由县发改局负责解读。"
    d = doc("jishan-2022-02.txt", "稷政发〔2022〕14号")
    assert (d.effective, d.effective_date, d.validity_period, d.expires) == (
        "2022-06-17",
        "2022-06-17",
        "有效期5年",
        "2027-06-16",
    )
    assert d.extra["explainer"] == "县发改局"
    # pingshun-2023-01.txt lines 571-573: "本暂行办法自公布期三十日后施行。" (a garbled 之日起)
    d = doc("pingshun-2023-01.txt", "平政发〔2023〕3号")
    assert d.effective == "自公布期三十日后" and d.effective_date == "2023-03-09"
    assert d.interpreter == "县发展改革和科学技术局"
    # pingshun-2023-03.txt lines 10856-10860: "本制度自 2023年 1月 1日起执行，试行 1年，最终解释权归…所有"
    d = doc("pingshun-2023-03.txt", "平政办发〔2023〕35号")
    assert (d.effective, d.validity_period, d.expires) == ("2023-01-01", "试行1年", "2023-12-31")
    assert d.interpreter == "平顺县民政局和平顺县乡村振兴局"


def test_reply_addressed_to_one_bureau():
    # pingshun-2023-01.txt lines 2883-2919: a 批复
    d = doc("pingshun-2023-01.txt", "平政发〔2023〕19号")
    assert d.doc_type == "批复" and d.recipients == ["县发展改革和科学技术局"]


def test_single_document_copied_from_a_website():
    text = (
        "XX县人民政府办公室关于做好春季森林防火工作的通知\n"
        "各乡（镇）人民政府，县直各有关单位：\n"
        "为切实做好春季森林防火工作，现就有关事项通知如下：\n"
        "一、提高认识。\n二、落实责任。\n"
        "XX县人民政府办公室\n二〇二四年三月五日\n（此件公开发布）\n"
    )
    d = parse_text(text).documents
    assert len(d) == 1
    assert (d[0].doc_no, d[0].issuer, d[0].doc_type, d[0].signed_date, d[0].publicity) == (
        None,
        "XX县人民政府办公室",
        "通知",
        "2024-03-05",
        "主动公开",
    )
    assert parse_text(text).gazette is None


def test_formal_layout_with_banner_and_doc_no_above_the_title():
    text = (
        "晋城市人民政府办公室文件\n晋市政办〔2024〕12号\n"
        "晋城市人民政府办公室\n关于印发某某实施办法的通知\n"
        "各县（市、区）人民政府：\n《某某实施办法》已经市政府同意，现印发给你们，请认真贯彻执行。\n"
        "晋城市人民政府办公室\n2024年5月6日\n（此件公开发布）\n某某实施办法\n第一条 为了……，制定本办法。\n"
    )
    d = parse_text(text).documents[0]
    assert d.doc_no == "晋市政办〔2024〕12号"
    assert d.title == "晋城市人民政府办公室关于印发某某实施办法的通知"
    assert d.issuer == "晋城市人民政府办公室"
    assert d.main_text["title"] == "某某实施办法"


def test_text_without_any_document_is_refused():
    with pytest.raises(NotAGazetteError):
        parse_text("hello world\nthis is not a gazette\n")
    with pytest.raises(NotAGazetteError):
        parse_text("今天天气很好，我们去公园散步。\n晚上回家吃饭。\n")


@pytest.mark.parametrize(
    "variant",
    [
        "平政办发〔2023〕39号",
        "平政办发[2023]39号",
        "平政办发(2023)39号",
        "平政办发 2023 39号",
        "平政办发（2023）39 号",
        "平政办发【2023】39号",
    ],
)
def test_doc_no_variants(variant):
    assert normalize_doc_no(variant) == "平政办发〔2023〕39号"


def test_recipients_and_lexicon():
    assert split_recipients("各乡(镇)人民政府,开发区管委会,县直及驻阳各有关单位,各相关企业:") == [
        "各乡(镇)人民政府",
        "开发区管委会",
        "县直及驻阳各有关单位",
        "各相关企业",
    ]
    assert split_recipients("各县、乡级医疗机构：") == ["各县、乡级医疗机构"]
    assert doc_type_of("稷山县人民政府办公室关于进一步做好全县各类市场主体疫情防控工作的紧急通知") == "通知"
    assert kind_of("平顺县因病致贫重病患者医疗救助办法(试行)") == "办法"
    assert kind_of("阳城县全民科学素质行动规划纲要实施方案(2021—2025年)") == "实施方案"
    assert split_issuer("平顺县人民政府封山禁火令") == ("平顺县人民政府", "封山禁火令")


def test_document_copied_from_a_government_website_with_its_metadata_table():
    text = (
        "索引号：11140425MB1739XXXX/2023-00123\t主题分类：生态环境\n"
        "发文机关：平顺县人民政府办公室\t成文日期：2023年10月23日\n"
        "发文字号：平政办发〔2023〕39号\t发布日期：2023-10-25\n"
        "公开方式：主动公开\n"
        "关于印发平顺县重污染天气应急预案的通知\n"
        "各乡、镇人民政府，县直各有关单位：\n"
        "新修订的《平顺县重污染天气应急预案》已经县政府同意，现印发给你们，请认真贯彻执行。\n"
    )
    r = parse_text(text)
    assert len(r.documents) == 1
    d = r.documents[0]
    assert (d.doc_no, d.issuer, d.signed_date, d.publicity) == (
        "平政办发〔2023〕39号",
        "平顺县人民政府办公室",
        "2023-10-23",
        "主动公开",
    )
    assert d.title == "关于印发平顺县重污染天气应急预案的通知"
    assert d.sources["doc_no"] == [3, 3]
    assert d.extra["web_meta"]["发布日期"] == "2023-10-25"


def test_title_and_doc_no_on_one_line():
    text = (
        "沁源县人民政府关于调整县城区供热价格的通知（沁政发〔2023〕7号）\n"
        "各乡（镇）人民政府，县直各有关单位：\n"
        "经县人民政府研究，决定调整县城区供热价格，现将有关事项通知如下：\n"
        "一、居民供热价格每平方米每采暖期22元。\n"
        "沁源县人民政府\n2023年10月8日\n（此件公开发布）\n"
    )
    d = parse_text(text).documents[0]
    assert (d.doc_no, d.issuer, d.title, d.signed_date) == (
        "沁政发〔2023〕7号",
        "沁源县人民政府",
        "沁源县人民政府关于调整县城区供热价格的通知",
        "2023-10-08",
    )


def test_doc_no_in_brackets_with_signer_and_a_separator_line():
    text = (
        "沁源县人民政府文件\n★\n（沁政发〔2023〕8号）　签发人：王某\n"
        "沁源县人民政府\n关于同意设立某某中心的批复\n县民政局：\n你局请示收悉。经研究，同意设立。\n"
        "沁源县人民政府\n2023年10月9日\n（此件依申请公开）\n"
    )
    d = parse_text(text).documents[0]
    assert (d.doc_no, d.doc_type, d.publicity, d.recipients) == (
        "沁政发〔2023〕8号",
        "批复",
        "依申请公开",
        ["县民政局"],
    )


def test_joint_issuers_are_all_kept():
    text = (
        "中共沁源县委办公室 沁源县人民政府办公室\n关于印发某某工作方案的通知\n沁办发〔2023〕5号\n"
        "各乡（镇）党委、人民政府：\n《某某工作方案》已经县委、县政府同意，现印发给你们。\n"
        "中共沁源县委办公室　沁源县人民政府办公室\n2023年3月1日\n（此件公开发布）\n某某工作方案\n一、目标\n"
    )
    d = parse_text(text).documents[0]
    assert d.issuer == "中共沁源县委办公室、沁源县人民政府办公室"
    assert d.extra["issuers"] == d.extra["signatories"] == ["中共沁源县委办公室", "沁源县人民政府办公室"]
    assert d.title == "中共沁源县委办公室沁源县人民政府办公室关于印发某某工作方案的通知"
