"""Proofreading: enumeration.count (stated count vs items listed) and repeats.page_break (text printed twice)."""

from __future__ import annotations

import pytest

from gongbao.parse import parse_text
from gongbao.proof.core import check

from conftest import SAMPLE_FILES, parsed, raw_lines, raw_snippet

#: a cover notice and the title of an issued text, so that a snippet parses as the body of a document
HEAD = [
    "某县人民政府办公室",
    "关于印发测试工作方案的通知",
    "",
    "某政办发〔2022〕99号",
    "",
    "各乡（镇）人民政府，县直各有关单位：",
    "",
    "现将《测试工作方案》印发给你们，请认真贯彻执行。",
    "",
    "某县人民政府办公室",
    "",
    "2022年6月1日",
    "（此件公开发布）",
    "",
    "测试工作方案",
    "",
]


def wrap(name: str, start: int, end: int) -> str:
    """Lines ``start``..``end`` of a sample as the body of a document, keeping their line numbers."""
    assert start - 1 >= len(HEAD)
    return "\n".join(HEAD + raw_snippet(name, start, end).split("\n")[len(HEAD) :])


def body(*paragraphs: str) -> str:
    """Hand-written paragraphs as the body of a document."""
    return "\n".join(HEAD + [p for para in paragraphs for p in (para, "")])


def findings(text: str, family: str):
    return check(parse_text(text), [family])


# --------------------------------------------------------------------------------------------------
# enumeration.count: found in the samples


def test_four_teams_three_listed():
    # jishan-2022-02.txt 1097-1103: "县住建局组织好四支应急队伍：" then 1、2、3、
    (f,) = findings(wrap("jishan-2022-02.txt", 1095, 1105), "enumeration")
    assert (f.check, f.severity, f.line_start) == ("enumeration.count", "错误", 1097)
    assert f.numbers == {"所称数量": 4, "所列项数": 3}
    assert "三支" in f.suggestion


def test_nine_task_forces_eight_units():
    # jishan-2022-02.txt 1383: "成立9个工作专班，分别由县农业农村局、…、县市场局具体负责"
    (f,) = findings(wrap("jishan-2022-02.txt", 1381, 1384), "enumeration")
    assert (f.severity, f.line_start) == ("警告", 1383)
    assert f.numbers == {"所称数量": 9, "所列项数": 8}
    assert "县市场局" in f.message and "具体负责" not in f.message


def test_slogan_two_sites_two_areas_lists_one_area():
    # pingshun-2023-03.txt 5238-5240: “两场两区”（危险废物处置场、垃圾填埋场、矿山开采区）
    (f,) = findings(wrap("pingshun-2023-03.txt", 5236, 5242), "enumeration")
    assert f.line_start == 5238 and "“区”" in f.message


# --------------------------------------------------------------------------------------------------
# enumeration.count: constructed errors


@pytest.mark.parametrize(
    ("text", "stated", "listed"),
    [
        # a list closed by 等 longer than its count
        (
            "指挥部下设综合协调组、抢险救援组、医疗救护组、后勤保障组、新闻宣传组、专家组、善后处置组、"
            "调查评估组等7个工作组。",
            7,
            8,
        ),
        # count, 即, list
        (
            "县指挥部下设8个应急工作组，即综合协调组、应急处置组、治安维护组、监测预警组、应急保障组、"
            "宣传报道组、专家组。",
            8,
            7,
        ),
        # count, colon, items numbered inline
        ("为此采取三项措施：一是加强组织领导；二是强化督查考核。", 3, 2),
        # a quoted slogan and its own list
        ("落实“五项制度”（即日报告制度、整改制度、对接制度、专家参与制度）。", 5, 4),
        # list, count (no 等)
        ("围绕大气、水、土壤、噪声三大污染防治攻坚任务。", 3, 4),
    ],
)
def test_constructed_mismatches(text, stated, listed):
    (f,) = findings(body(text), "enumeration")
    assert f.numbers == {"所称数量": stated, "所列项数": listed}


def test_count_with_numbered_items_below():
    text = body(
        "一、工作机制",
        "成立3个工作专班：",
        "1.农业工作专班。负责农业市场主体培育。",
        "2.工业工作专班。负责工业市场主体培育。",
        "二、工作要求",
        "各专班要按月报送工作进展。",
    )
    (f,) = findings(text, "enumeration")
    assert f.numbers == {"所称数量": 3, "所列项数": 2} and f.severity == "错误"


# --------------------------------------------------------------------------------------------------
# enumeration.count: counts that agree, and lists that are not meant to be complete


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("jishan-2022-02.txt", 678, 746),  # 工作专班下设5个工作组。（一）…（五）
        ("jishan-2022-02.txt", 1506, 1509),  # 白辛庄、…、路村庄等20个…村: 等 = among others
        ("jishan-2022-02.txt", 1632, 1635),  # …专家组等9个工作组 (nine named)
        ("jishan-2022-02.txt", 2535, 2546),  # 无需办理7项, 包括…新建、扩建、改建建设工程…审批 (seven)
        ("pingshun-2023-04.txt", 1153, 1156),  # 下设9个应急工作组:…
        ("yangcheng-2022-03.txt", 3751, 3754),  # …灌溉和排水…科技服务和管护利用等八个方面
        ("yangcheng-2022-03.txt", 1777, 1782),  # 预警级别分为:一级、二级、三级、四级 (names of levels)
        ("yangcheng-2022-03.txt", 2823, 2826),  # 下设8个应急工作组,即…
        ("pingshun-2023-03.txt", 9723, 9860),  # 下设6个职能机构（…）：（1）…（6）
        ("pingshun-2023-03.txt", 1432, 1437),  # 增强“四个意识”、坚定“四个自信”、做到“两个维护”
        ("jishan-2022-02.txt", 1458, 1461),  # 合作社34个、…合作社有14个 (quantities)
    ],
)
def test_sample_counts_not_flagged(name, start, end):
    assert findings(wrap(name, start, end), "enumeration") == []


@pytest.mark.parametrize(
    "text",
    [
        "重点支持种植、养殖、加工等5个方面。",  # 等 with fewer items: among others
        "主要包括财政资金、社会资本、金融信贷等。",  # no count
        "中医诊疗设备包括针灸、火罐、推拿、牵引等4类以上。",  # approximate
        "全县共有农业社会化服务公司2个、农机专业合作社34个、农机大户84个。",  # quantities
        "规模较大、经营规范、服务优质的合作社有14个。",  # the list qualifies a noun
        "应急响应分为四级：一级、二级、三级和四级。",
        "突发环境事件分为特别重大、重大、较大和一般四个等级。",
        "重点在田块整治、土壤改良、灌溉和排水、田间道路、农田防护与生态环境保护、农田输配电、"
        "科技服务和管护利用等八个方面加大建设力度。",  # 和 inside items: 7 to 10
        "分别建立“四清单”（任务清单、责任清单、措施清单和结果清单）。",
        "对照任务逐项进行“六定”（定目标、定任务、定措施、定进度、定责任、定标准）。",
        "用途变更为“一住两公”（住宅、公共管理与公共服务）用地的地块。",
    ],
)
def test_constructed_not_flagged(text):
    assert findings(body(text), "enumeration") == []


def test_one_short_after_etc_is_only_a_hint():
    (f,) = findings(body("完成汇能、川汇、冀电等四家企业的光伏发电项目。"), "enumeration")
    assert f.severity == "提示"


# --------------------------------------------------------------------------------------------------
# repeats.page_break: found in the samples


@pytest.mark.parametrize(
    ("name", "start", "end", "line", "severity", "unit"),
    [
        ("pingshun-2023-01.txt", 870, 884, 880, "错误", "同等条件下"),  # 同等条件下，同等条件下，
        ("pingshun-2023-03.txt", 563, 575, 569, "错误", "强化生态环境空间管控"),  # across a line wrap
        ("pingshun-2023-03.txt", 7300, 7304, 7302, "错误", "社会参与"),  # 社会参与、社会参与、
        ("pingshun-2023-03.txt", 5824, 5830, 5826, "警告", "专项"),  # 安排专\n项专项资金
        ("pingshun-2023-03.txt", 9770, 9774, 9772, "警告", "案件"),  # 火灾案件案件侦破
    ],
)
def test_doubled_phrases(name, start, end, line, severity, unit):
    (f,) = findings(wrap(name, start, end), "repeats")
    assert (f.check, f.line_start, f.severity) == ("repeats.page_break", line, severity)
    assert f.numbers["重复内容"].strip("，、") == unit
    assert unit + unit not in f.suggestion.replace("，", "").replace("、", "")


def _with_lines(name: str, upto: int, extra: list[str], rest_from: int, rest_to: int) -> str:
    lines = raw_lines(name)
    return "\n".join(HEAD + lines[len(HEAD) : upto] + extra + lines[rest_from - 1 : rest_to])


def test_line_printed_again_after_page_break():
    # pingshun-2023-01.txt 81-82: "经营管理工作，并对县级储备粮的数量、质量、储" / " 存安全负责。" (a page break);
    # here line 81 is printed again at the top of the next page
    text = _with_lines(
        "pingshun-2023-01.txt", 81, [" 经营管理工作，并对县级储备粮的数量、质量、储", "存安全负责。"], 83, 120
    )
    (f,) = findings(text, "repeats")
    assert (f.line_start, f.line_end) == (81, 82)
    assert "第81行与第82行" in f.message


def test_paragraph_cut_at_page_end_and_printed_again():
    # pingshun-2023-01.txt 100-103 (第九条): its first two lines printed again before the rest
    lines = raw_lines("pingshun-2023-01.txt")
    text = "\n".join(HEAD + lines[len(HEAD) : 102] + lines[98:102] + lines[102:120])
    (f,) = findings(text, "repeats")
    assert f.line_start == 100 and "第九条" in f.message


def test_paragraph_printed_twice():
    (f,) = findings(
        body(
            "第三条 县财政局负责县级储备粮的贷款利息、管理费用等财政补贴。",
            "第三条 县财政局负责县级储备粮的贷款利息、管理费用等财政补贴。",
            "第四条 本办法自发布之日起施行。",
        ),
        "repeats",
    )
    assert f.severity == "警告" and "段落" in f.message


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("各乡（镇）、各乡（镇）要高度重视，抓好落实。", "各乡（镇）"),  # the last item runs on
        ("加强统筹协调，加强统筹协调，确保任务按期完成。", "加强统筹协调"),
        ("统筹县、乡、乡、村各级力量。", "乡"),
    ],
)
def test_constructed_repetition_flagged(text, unit):
    fs = findings(body(text), "repeats")
    assert [f.numbers["重复内容"].strip("，、") for f in fs] == [unit]


# --------------------------------------------------------------------------------------------------
# repeats.page_break: legitimate repetition


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("jishan-2022-02.txt", 1626, 1630),  # 武警稷山县中队中队长、县消防救援大队大队长
        ("pingshun-2023-03.txt", 9221, 9225),  # 特别重大森林火灾、重大森林火灾、较大森林火灾
        ("pingshun-2023-03.txt", 8921, 8925),  # 出勤情况、巡山情况、巡山日志
        ("pingshun-2023-03.txt", 1270, 1320),  # table rows with the same content
        ("pingshun-2023-03.txt", 1075, 1130),  # table cells joined: 危岩清理…等危岩清理…等
        ("pingshun-2023-04.txt", 1061, 1065),  # 《山西省气象条例》《山西省气象灾害防御条例》
        ("yangcheng-2022-03.txt", 2665, 2668),  # 分别给予100万元、200万元、200万元奖励
        ("yangcheng-2022-03.txt", 3260, 3263),  # 科技企业孵化器、科技企业孵化器载体
        ("yangcheng-2022-03.txt", 327, 341),  # (责任单位:…) after each numbered item
        ("pingshun-2023-04.txt", 1280, 1306),  # the same reporting duty under each response level
        ("jishan-2022-02.txt", 1925, 1931),  # heading 冬季(1~2月) then 冬季(1~2月)全县降水量…
    ],
)
def test_sample_repetition_not_flagged(name, start, end):
    assert findings(wrap(name, start, end), "repeats") == []


@pytest.mark.parametrize(
    "text",
    [
        "推动形成清清爽爽的同志关系、规规矩矩的上下级关系。",  # reduplication
        "层层压实责任，人人都是安全员、处处都是安全岗。",
        "成员：各乡(镇)乡(镇)长，县公安局交警大队大队长。",  # titles on a unit name
        "充分应用信用信息共享平台，加强信用监管。",  # looks doubled across words
        "“账实相符”、“账账相符”、“账卡相符”。",
        "邀请县财政局、县财政局局长参加。",  # the office and its head
        "突发事件分为特别重大、重大、较大和一般四级。",
        "分别给予100万元、100万元、200万元奖励。",
    ],
)
def test_constructed_repetition_not_flagged(text):
    assert findings(body(text), "repeats") == []


# --------------------------------------------------------------------------------------------------
# the five samples: exactly the findings judged real


def test_findings_on_samples():
    got = {
        (name, f.check, f.line_start)
        for name in SAMPLE_FILES
        for f in check(parsed(name), ["enumeration", "repeats"])
    }
    assert got == {
        ("jishan-2022-02.txt", "enumeration.count", 1097),
        ("jishan-2022-02.txt", "enumeration.count", 1383),
        ("pingshun-2023-03.txt", "enumeration.count", 5238),
        ("pingshun-2023-01.txt", "repeats.page_break", 880),
        ("pingshun-2023-03.txt", "repeats.page_break", 569),
        ("pingshun-2023-03.txt", "repeats.page_break", 5826),
        ("pingshun-2023-03.txt", "repeats.page_break", 7302),
        ("pingshun-2023-03.txt", "repeats.page_break", 9772),
    }
