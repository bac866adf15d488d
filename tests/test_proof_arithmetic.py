"""Proofreading, arithmetic checks: totals against their parts (prose, headings over sub-items, tables) and
shares that should make 100%."""

from __future__ import annotations

import pytest

from gongbao.parse import parse_text
from gongbao.proof.core import Finding, check

from conftest import SAMPLE_FILES, parsed, raw_snippet

#: the cover notice of a made-up document, so that a snippet parses as the main text of one
HEADER = [
    "某县人民政府",
    "关于印发某实施方案的通知",
    "某政发〔2023〕3号",
    "各乡、镇人民政府，县直各有关单位：",
    "《某实施方案》已经县政府同意，现印发给你们，请认真贯彻执行。",
    "某县人民政府",
    "2023年2月7日",
    "（此件公开发布）",
    "某实施方案",
]


def in_document(body: str) -> str:
    return "\n".join(HEADER) + "\n" + body


def numbered(raw: str) -> str:
    """A ``raw_snippet`` after the made-up cover notice, keeping the sample's line numbers (the notice takes
    the place of the snippet's first blank lines)."""
    assert raw.startswith("\n" * len(HEADER))
    return in_document(raw[len(HEADER) :])


def snippet_document(name: str, start: int, end: int) -> str:
    return numbered(raw_snippet(name, start, end))


def arithmetic(text: str, which: str = "arithmetic") -> list[Finding]:
    return check(parse_text(text), [which])


# ---------------------------------------------------------------------------------------------------------
# arithmetic.total — the real errors of the samples
# ---------------------------------------------------------------------------------------------------------


def test_hazard_count_that_does_not_add_up():
    # jishan-2022-02.txt 1917: 隐患点42处，其中崩塌36处、滑坡1处，泥石流1处，地裂缝3处 (= 41)
    text = snippet_document("jishan-2022-02.txt", 1913, 1919)
    [f] = arithmetic(text, "arithmetic.total")
    assert (f.line_start, f.severity, f.kind) == (1917, "错误", "合计与分项不符")
    assert f.numbers["总数"] == "42处" and f.numbers["分项合计"] == "41处" and f.numbers["差额"] == "1处"
    assert f.suggestion.startswith("合计应为41处")
    assert "崩塌36处" in f.message and "地裂缝3处" in f.message


def test_fund_total_over_its_three_headings():
    # pingshun-2023-03.txt 3069–3152: "计划统筹整合财政涉农资金26355.1333万元。重点投入…三大方面", then
    # (一) 17180.5701万元, (二) 8492.7632万元, (三) 711.8万元 = 26385.1333万元 (each adds up on its own)
    text = snippet_document("pingshun-2023-03.txt", 3069, 3152)
    [f] = arithmetic(text, "arithmetic.total")
    assert (f.line_start, f.severity) == (3081, "错误")
    assert f.numbers["总数"] == "26355.1333万元" and f.numbers["分项合计"] == "26385.1333万元"
    assert f.numbers["差额"] == "30万元" and f.suggestion.startswith("合计应为26385.1333万元")


def test_samples_report_exactly_the_real_errors():
    found = {
        (name, f.line_start, f.severity) for name in SAMPLE_FILES for f in check(parsed(name), ["arithmetic"])
    }
    assert found == {
        ("jishan-2022-02.txt", 1917, "错误"),  # 隐患点42处 over 41
        ("pingshun-2023-03.txt", 3081, "错误"),  # 26355.1333万元 over 26385.1333
        ("pingshun-2023-04.txt", 123, "警告"),  # 27383.9465万元 over items summing to 27383.9453
    }


# ---------------------------------------------------------------------------------------------------------
# arithmetic.total — real text that adds up, or must not be compared
# ---------------------------------------------------------------------------------------------------------


def test_rounded_sub_totals_are_no_error_but_the_finer_total_is_checked_against_the_items():
    # pingshun-2023-04.txt 121–137: 27383.9465万元 over 14857.81 + 9065.48 + 3460.66 (= 27383.95): the
    # sub-totals are rounded to 2 decimals (14857.81 is over 19 items summing to 14857.8053), so the three
    # agree with the total; the 29 items themselves sum to 27383.9453, 12元 off a total given to the 元
    [f] = arithmetic(snippet_document("pingshun-2023-04.txt", 121, 137))
    assert (f.line_start, f.severity, f.kind) == (123, "警告", "合计与明细不符")
    assert f.numbers == {
        "总数": "27383.9465万元",
        "小计合计": "27383.95万元",
        "明细合计": "27383.9453万元",
        "差额": "0.0012万元",
    }
    # the sub-totals alone, or a total no finer than them, are within rounding
    lead = "全县计划统筹整合财政涉农资金{}万元，重点投入以下三个方面。"
    items = [
        "（一）产业。投入资金14857.81万元。",
        "（二）基础设施。投入资金9065.48万元。",
        "（三）其他。投入资金3460.66万元。",
    ]
    for total in ("27383.9465", "27383.95"):
        body = "\n".join(["一、资金投向", lead.format(total), *items, "二、工作措施", "加强管理。"])
        assert arithmetic(in_document(body)) == []


def test_road_plan_adds_up_by_its_own_convention():
    # yangcheng-2022-03.txt 3636–3652: counts and money add up year by year; the mileage leaves out the
    # 村道安防工程 in both the five-year total and the 2022 total (the yearly mileages sum to 399.76)
    assert arithmetic(snippet_document("yangcheng-2022-03.txt", 3632, 3652)) == []


def test_other_sample_breakdowns_that_add_up():
    cases = [
        ("jishan-2022-02.txt", 103, 103),  # 22607户 = 5349 + 17258; 至少4522户 and 突破45214户 are bounds
        ("jishan-2022-02.txt", 1456, 1460),  # 65.8万亩 = 35.3 + 30.5; 1400余台 is approximate
        ("pingshun-2023-01.txt", 1207, 1216),  # 881台 = 203 + 678; 拖拉机配套农具达到1705台 is another fact
        ("pingshun-2023-01.txt", 2967, 2977),  # 供应总量中，… 73.626598公顷 over five land uses
        ("pingshun-2023-03.txt", 1294, 1296),  # 10.68千米 = 7.43 + 2.7 + 0.43 + 0.12
        ("pingshun-2023-03.txt", 3145, 3152),  # 711.8万元, with "创业致富带头人等培训" (等 inside a name)
        ("yangcheng-2022-03.txt", 391, 393),  # 73项 = 10 + 6 + 29 + 28
        ("yangcheng-2022-03.txt", 2667, 2667),  # 100、200、200万元，共计500万元; then "追加奖励" is no part
        ("yangcheng-2022-03.txt", 3747, 3749),  # two totals (新增9.3万亩、改造提升3万亩) with their parts
    ]
    for name, start, end in cases:
        assert arithmetic(snippet_document(name, start, end)) == [], (name, start)


def test_table_total_row():
    # yangcheng-2022-03.txt 3860–3880: a 合计 row under village rows that lost their merged 乡镇 cell
    lines = raw_snippet("yangcheng-2022-03.txt", 3860, 3880)
    assert arithmetic(numbered(lines)) == []
    wrong = lines.replace("22000.15\t3900", "22100.15\t3900")
    [f] = arithmetic(numbered(wrong), "arithmetic.total")
    assert (f.kind, f.severity, f.line_end) == ("表格合计与明细不符", "错误", 3880)
    assert f.numbers == {"合计行": "22100.15", "明细合计": "22000.15", "行数": 17}
    wrong = lines.replace("3426.00\t1500", "3426.00\t1550")
    [f] = arithmetic(numbered(wrong), "arithmetic.total")
    assert f.numbers["明细合计"] == "3950" and "高效节水" in f.message


def test_table_total_row_on_top():
    table = "\n".join(
        [
            "乡镇\t任务面积（亩）\t资金（万元）",
            "合计\t3000\t150",
            "凤城镇\t1000\t50",
            "北留镇\t1500\t75",
            "润城镇\t400\t25",
        ]
    )
    [f] = arithmetic(in_document(table), "arithmetic.total")
    assert f.numbers["合计行"] == "3000" and f.numbers["明细合计"] == "2900"


# ---------------------------------------------------------------------------------------------------------
# arithmetic.total — constructed cases
# ---------------------------------------------------------------------------------------------------------

FLAGGED = [
    "全县现有地质灾害隐患点58处，其中滑坡21处、崩塌30处、泥石流5处、地面塌陷3处。",
    "全县共有贫困村50个。其中，深度贫困村10个、一般贫困村38个、插花村3个。",
    "截至目前，全县共登记市场主体22617户，其中企业5349户、个体工商户17258户。",
    "项目总投资3.5亿元，其中建安工程费2.8亿元，设备购置费0.9亿元，其他费用0.2亿元。",
    "总投资3361万元，其中自然村通硬化路360万元、建制村通双车道260万元、乡镇公路2317万元、县乡公路426万元。",
    "项目总投资500万元（其中中央资金300万元、省级资金100万元、县级配套200万元），建设期2年。",
    "计划造林1.5万亩，其中人工造林1万亩、封山育林0.5万亩、退化林修复0.3万亩。",
    "补助标准为每亩200元，其中中央补助150元、省级补助40元、县级补助20元。",
    "对在沪深交易所首发上市的企业，分别给予100万元、200万元、300万元奖励，共计500万元。",
    "全县共有规上企业85家，实现产值120亿元，其中：工业企业60家、产值100亿元；服务业企业24家、产值20亿元。",
    "各乡镇共组建应急队伍15支600人，其中专业队伍3支120人、半专业队伍12支470人。",
    "当前，全县市场主体共有22607户，其中：企业5349户，占23.7%；个体工商户17268户，占76.3%。",
    # a budget report: the total's reference (年初预算数) and the changes (减收, 增收) are no parts
    "1-6月，全县一般公共预算收入累计完成18650万元，完成年初预算数42000万元的44.4%，比上年减收860万元，下降4.4%。"
    "其中：税收收入7320万元，比上年增收1150万元，增长18.6%；非税收入11340万元，比上年减收2010万元，下降15.1%。",
    "一般公共预算收入完成5.23亿元，同比增长8.2%。其中：税收收入3.86亿元，增长5.1%；非税收入1.47亿元。",
]

NOT_FLAGGED = [
    # a partial list: the remainder is too large to be a slip
    "全县共有中小学校45所，其中高中2所、初中12所。",
    "全年共计召开会议12次，其中常务会议8次、全体会议2次。",
    "累计争取上级资金3.2亿元，其中2021年1.1亿元、2022年1.3亿元。",
    "一般公共预算支出完成25.6亿元，其中：教育支出4.5亿元，社会保障和就业支出5.2亿元，农林水支出13.8亿元。",
    "各乡镇共组建应急队伍600人，其中专业队伍120人、半专业队伍460人。",
    # a budget report: references (年初预算), changes (增收, 减收) and the next statement (完成…支出) are no parts
    "1-6月，全县一般公共预算收入累计完成18650万元，完成年初预算数42000万元的44.4%，比上年减收860万元，下降4.4%。"
    "其中：税收收入7320万元，比上年增收1150万元，增长18.6%；非税收入11330万元，比上年减收2010万元，下降15.1%。",
    "全县完成政府性基金收入1250万元，占年初预算2600万元的48.1%，其中国有土地使用权出让收入1120万元，城市基础设施"
    "配套费收入52万元，污水处理费收入78万元；完成政府性基金支出3870万元，占年初预算5200万元的74.4%。",
    # changes are no parts
    "市场主体共有22607户，其中：企业5349户，增长1200户，个体工商户17258户，增长3000户。",
    # one item only
    "全县户籍人口30.2万人，其中农业人口24.1万人。",
    # rounding: a total in 亿元 over parts in 万元; parts to 0.1亿元; rounded population figures
    "项目总投资1.2亿元，其中申请中央资金6000万元、省级资金3000万元、县级配套2950万元。",
    "全县完成地区生产总值45.6亿元，同比增长6.2%；其中，第一产业增加值5.1亿元，第二产业18.3亿元，第三产业22.1亿元。",
    "项目总投资3.5亿元，其中建安工程费2.8亿元，设备购置费0.6亿元，其他费用0.2亿元。",
    "全县总人口30万人，其中城镇人口12万人，农村人口17万人。",
    "2022年估算投资34844万元，其中，A 2381万元；B 5778万元；C 4463万元；D 18561万元；E 3399.47万元；F 262万元。",
    # approximate totals and items, ranges
    "到2025年，全县新增就业岗位5000个以上，其中返乡创业2000个、灵活就业3500个。",
    "全县有各类农机具1400余台，其中拖拉机889台、收割机511台。",
    "夏季全县降水量250~290毫米，其中6月份降水量40~60毫米，7月份降水量120~160毫米。",
    # lists that say they are partial
    "全县共有隐患点60处，其中崩塌30处、滑坡20处等。",
    # a breakdown in brackets, nested breakdowns, compound totals
    "下达资金1000万元，其中：第一批600万元（其中中央资金400万元），第二批400万元。",
    "全县有耕地57万亩、林地80万亩，其中基本农田45万亩。",
    "全县耕地面积57万亩，其中水浇地23万亩，旱地34万亩，森林面积85.6万亩。",
    # not totals: a value per year, rewards per case, sums over years
    "县财政每年安排500万元，2021—2023年分别为500万元、600万元、700万元。",
    "2021年至2025年，每年安排资金500万元，共计2500万元。",
    "对新认定的国家级、省级、市级龙头企业，分别给予50万元、30万元、10万元奖励，每家企业累计奖励不超过80万元。",
    "新敷设输水主管线1条长度5.24km，支管线3条共33.95km。",
    "各乡镇共同推进3个示范村、5个重点村建设。",
    "共威胁49户537人，威胁财产848.3万元，其中城镇居民12户。",
    "共建成村级光伏电站25座，总装机容量12.5兆瓦，其中：A村3座、B村5座。",
    # 文号 and titles carry numbers that are no amounts
    "根据《关于下达2023年资金500万元的通知》（某财农〔2023〕56号），安排资金300万元，其中A项目100万元、B项目200万元。",
]


@pytest.mark.parametrize("body", FLAGGED)
def test_constructed_totals_flagged(body):
    findings = arithmetic(in_document(body), "arithmetic.total")
    assert len(findings) == 1 and findings[0].suggestion.startswith("合计应为")


@pytest.mark.parametrize("body", NOT_FLAGGED)
def test_constructed_totals_not_flagged(body):
    assert arithmetic(in_document(body), "arithmetic.total") == []


def test_severity_follows_the_kind_of_difference():
    sev = {
        body: arithmetic(in_document(body), "arithmetic.total")[0].severity
        for body in (
            "全县现有地质灾害隐患点58处，其中滑坡21处、崩塌30处、泥石流5处、地面塌陷3处。",  # one digit off
            "各乡镇共组建应急队伍600人，其中专业队伍120人、半专业队伍470人。",  # a small remainder
            "全县共有企业50家，其中规上企业20家，高新技术企业43家。",  # parts exceed the whole
        )
    }
    assert list(sev.values()) == ["错误", "警告", "警告"]


def test_heading_total_needs_as_many_parts_as_announced():
    body = "\n".join(
        [
            "一、资金安排",
            "全年安排资金1000万元，重点投入以下两个方面。",
            "（一）产业项目。安排资金600万元。",
            "（二）基础设施。安排资金500万元。",
            "二、工作要求",
            "各单位要加强资金管理。",
        ]
    )
    [f] = arithmetic(in_document(body), "arithmetic.total")
    assert f.numbers["分项合计"] == "1100万元" and "产业项目" in f.message
    # three sub-items for "两个方面": which two is not known, nothing is compared
    three = body.replace("二、工作要求", "（三）其他。安排资金100万元。\n二、工作要求")
    assert arithmetic(in_document(three), "arithmetic.total") == []


# ---------------------------------------------------------------------------------------------------------
# arithmetic.shares
# ---------------------------------------------------------------------------------------------------------


def test_real_shares_that_add_up():
    # jishan-2022-02.txt 1219: 每亩保费40元，市财政补贴30%（每亩12元），县财政补贴50%（每亩20元），自缴20%（每亩8元）
    assert arithmetic(snippet_document("jishan-2022-02.txt", 1215, 1219), "arithmetic.shares") == []
    # pingshun-2023-03.txt 8831–8838: 50%用于…；30%用于…； / page break / 20%用于…
    assert arithmetic(snippet_document("pingshun-2023-03.txt", 8829, 8845), "arithmetic.shares") == []
    # pingshun-2023-01.txt 3373: caps per hospital class (分别不得超过总费用的30%、20%、15%) are no shares
    assert arithmetic(snippet_document("pingshun-2023-01.txt", 3371, 3379), "arithmetic.shares") == []


def test_premium_shares_and_amounts():
    # jishan-2022-02.txt 1219 with the county's amount altered: 40元的50% is 20元, not 21元
    text = snippet_document("jishan-2022-02.txt", 1215, 1219).replace("每亩20元", "每亩21元")
    [f] = arithmetic(text, "arithmetic.shares")
    assert (f.kind, f.severity, f.line_start) == ("分担金额与比例不符", "错误", 1219)
    assert f.numbers["应为"] == "20元" and f.suggestion.startswith("应为20元")
    # and with the farmers' share altered: 30 + 50 + 10 = 90%
    text = snippet_document("jishan-2022-02.txt", 1215, 1219).replace("自缴20%", "自缴10%")
    kinds = {f.kind: f for f in arithmetic(text, "arithmetic.shares")}
    assert kinds["分担比例之和不为100%"].severity == "警告"
    assert kinds["分担比例之和不为100%"].numbers == {"比例": [30.0, 50.0, 10.0], "合计": 90.0}


SHARES_FLAGGED = [
    ("保费每亩40元，其中中央财政补贴35%，省级财政补贴25%，县级财政补贴10%，农户自缴20%。", "警告"),
    ("管护补助按照以下比例分配：50%用于经济补偿；30%用于统一管护；30%用于设施建设。", "错误"),
    ("资金按照中央财政40%、省级财政30%、市县财政20%的比例分担。", "警告"),
    ("中央、省、县分别承担50%、30%、30%。", "错误"),
    ("一般农户中央补贴40%、省级补贴30%、县级补贴30%；脱贫户中央补贴50%、省级补贴30%、县级补贴30%。", "错误"),
    ("公益林专职管护员补助5500元/人/年，包括70%的基础补助和20%的绩效。", "警告"),
    ("补助资金由中央、省、县按5:3的比例分担。", "警告"),
    ("运行补贴资金由市县两级按照2:3:5的比例承担。", "警告"),
    ("资金按照50%:30%:10%的比例分担。", "错误"),
]

SHARES_NOT_FLAGGED = [
    "保费每亩40元，其中中央财政补贴35%，省级财政补贴25%，县级财政补贴10%，农户自缴30%。",
    "资金按照中央财政40%、省级财政30%、市县财政30%的比例分担。",
    "中央、省、县分别承担50%、30%、20%。",
    "一般农户中央补贴40%、省级补贴30%、县级补贴30%；脱贫户中央补贴50%、省级补贴30%、县级补贴20%。",
    "县级财政配套资金，其中70%用于各乡（镇）开展秸秆综合利用工作；30%用于县级统筹使用。",
    "资金由省、市、县按5:3:2的比例分担，即省级50%、市级30%、县级20%。",
    "运行补贴资金由市县两级按照2:8的比例承担。",
    # subsidies that need not cover the whole cost; caps; targets; rates per case
    "对购买农机具的，中央财政补贴30%，省级财政补贴10%。",
    "对脱贫户省级补贴70%以上，县级财政补贴不低于20%。",
    "县级财政按照总投资20%的标准给予补贴，市级财政补贴10%。",
    "特困人员在一类、二类、三类医疗机构目录外费用分别不得超过总费用的30%、20%、15%。",
    "对低保对象按70%的比例给予救助，对特困人员按80%的比例给予救助。",
    "中医诊疗人次占总诊疗人次的35%以上，中药饮片处方占处方总数不低于5%。",
    "资金的60%用于产业发展，其余用于基础设施建设。",
    "在1:1000的规划图上标明保护范围，招聘人员男女比为1:1。",
]


@pytest.mark.parametrize(("body", "severity"), SHARES_FLAGGED)
def test_constructed_shares_flagged(body, severity):
    findings = arithmetic(in_document(body), "arithmetic.shares")
    assert [f.severity for f in findings] == [severity]


@pytest.mark.parametrize("body", SHARES_NOT_FLAGGED)
def test_constructed_shares_not_flagged(body):
    assert arithmetic(in_document(body), "arithmetic.shares") == []


def test_ratio_against_the_percentages_given_with_it():
    body = "资金由省、市、县按5:3:2的比例分担，即省级50%、市级20%、县级30%。"
    [f] = arithmetic(in_document(body), "arithmetic.shares")
    assert f.kind == "比例与百分比不一致" and f.numbers["文中"] == [50.0, 20.0, 30.0]
