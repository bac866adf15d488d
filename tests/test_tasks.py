"""The task ledger: units in every form, deadlines in every form, the samples' task lists, exports."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from gongbao.tasks.deadlines import add_working_days, find_deadline, find_schedule, find_target
from gongbao.tasks.export import to_csv, to_ics, to_xlsx
from gongbao.tasks.extract import _units_of, extract_tasks, parse_units

from conftest import parsed

SIGNED = dt.date(2023, 9, 22)


def doc(name: str, doc_no: str):
    return next(d for d in parsed(name).documents if d.doc_no == doc_no)


@pytest.mark.parametrize(
    ("text", "county", "lead", "support"),
    [
        # yangcheng-2022-03.txt line 117
        (
            "2.清理设置非必要条件排斥潜在竞争者行为。(责任单位:县行政审批局、县市场监管局、县发改局、县财政局)",
            "阳城县",
            ["县行政审批服务管理局", "县市场监督管理局", "县发展和改革局", "县财政局"],
            [],
        ),
        # jishan-2022-02.txt: "(牵头单位:县住建局;配合单位:县行政审批局、县税务局)"
        (
            "办理不动产登记。(牵头单位:县住建局;配合单位:县行政审批局、县税务局)",
            "稷山县",
            ["县住房和城乡建设管理局"],
            ["县行政审批服务管理局", "县税务局"],
        ),
        # pingshun-2023-03.txt lines 3631-3633: a label broken over two lines
        (
            "（责任单位：县工业发展服务中心，配合\n单位：市生态环境局平顺分局、县工信局）",
            "平顺县",
            ["县工业发展服务中心"],
            ["市生态环境局平顺分局", "县工业和信息化局"],
        ),
        # jishan-2022-02.txt: "（县金融办、县小企业发展促进中心按职责分工负责）"
        (
            "构建上市挂牌梯队。（县金融办、县小企业发展促进中心按职责分工负责）",
            "稷山县",
            ["县金融办", "县小企业发展促进中心"],
            [],
        ),
        # yangcheng-2022-03.txt line 3230: square brackets, names without 县
        (
            "3.强化惠企政策靠前发力。[审批局、财政局、税务局负责]",
            "阳城县",
            ["县行政审批服务管理局", "县财政局", "县税务局"],
            [],
        ),
        # yangcheng-2022-03.txt line 3296: "〔农业农村局牵头,供销社、科技局配合〕"
        (
            "25.拓展服务领域。〔农业农村局牵头,供销社、科技局配合〕",
            "阳城县",
            ["县农业农村局"],
            ["供销社", "县科技局"],
        ),
        # pingshun-2023-04.txt line 1689: generic units are kept as written
        (
            "（八）扎实开展扶贫济困送温暖活动。(责任单位:各乡镇政府、各帮扶单位)",
            "平顺县",
            ["各乡镇政府", "各帮扶单位"],
            [],
        ),
        # pingshun-2023-01.txt lines 3765-3769: units in running text
        (
            "（一）集中缴费期开始前，县民政、乡村振兴等部门负责于8月底前提供救助对象名单",
            "平顺县",
            ["县民政局", "县乡村振兴局"],
            [],
        ),
    ],
)
def test_unit_forms(text, county, lead, support):
    found = _units_of(text, county)
    assert found is not None and (found[0], found[1]) == (lead, support)


def test_names_with_he_are_not_split():
    assert parse_units("责任单位：县发展改革和科学技术局、县卫生健康和体育局", "平顺县")[0] == [
        "县发展改革和科学技术局",
        "县卫生健康和体育局",
    ]
    assert parse_units("按规定负责", "平顺县") is None


@pytest.mark.parametrize(
    ("text", "date", "kind"),
    [
        ("2023年10月底前完成", "2023-10-31", "absolute"),
        ("8月20日前上报", "2023-08-20", "absolute"),  # year of the document
        ("年底前全部完成", "2023-12-31", "absolute"),
        ("2025年底前建成", "2025-12-31", "absolute"),
        ("三季度末前完成", "2023-09-30", "absolute"),
        ("上半年完成摸底", "2023-06-30", "absolute"),
        ("第一阶段:工作部署(2023年11月5日前)", "2023-11-05", "phase"),  # pingshun-2023-04.txt line 872
        ("（二）组织实施阶段（2023年9月—2025年12月）", "2025-12-31", "phase"),  # pingshun-2023-03.txt
        ("自印发之日起1个月内上报", "2023-10-22", "relative"),
        ("自印发之日起30日内", "2023-10-22", "relative"),
        ("接到补助资金后一年内完成", None, "event"),  # pingshun-2023-04.txt line 153
        ("建设单位应在约定交房日期六十日前", None, "event"),  # yangcheng-2022-03.txt line 1378
        ("15个工作日内办结", None, "event"),
        ("到2025年，水土保持率达到66.11%", "2025-12-31", "horizon"),
    ],
)
def test_deadline_forms(text, date, kind):
    d = find_deadline(text, SIGNED)
    assert (d.date, d.kind) == (date, kind)


def test_as_of_is_not_a_deadline():
    assert (
        find_deadline("3.截至2023年12月31日,年龄在18周岁以上", SIGNED) is None
    )  # pingshun-2023-04.txt line 848


def test_working_days_skip_the_national_day_holiday():
    # signed Friday 2023-09-22: working days 25, 26, 27, 28 September; 29 September … 6 October are the
    # 中秋/国庆 holidays; Saturday 7 and Sunday 8 October are working days; then 9, 10, 11, 12 October
    d = find_deadline("自印发之日起10个工作日内", SIGNED)
    assert d.date == "2023-10-12"
    assert add_working_days(dt.date(2023, 9, 28), 1)[0] == dt.date(2023, 10, 7)
    day, note = add_working_days(dt.date(2030, 1, 4), 1)  # beyond the calendar: weekends only, and said so
    assert day == dt.date(2030, 1, 7) and "尚未收录" in note


@pytest.mark.parametrize(
    ("text", "rrule"),
    [
        ("每月10日、25日前报送", "FREQ=MONTHLY;BYMONTHDAY=10,25"),
        ("每季度首月5日前报送上季度情况", "FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=5"),
        ("每半年开展一次扶贫(帮扶)项目资产清查", "FREQ=MONTHLY;INTERVAL=6"),  # pingshun-2023-04.txt
        ("每年三月底前完成收益分配", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=-1"),
        ("每月底前将推进情况报送", "FREQ=MONTHLY;BYMONTHDAY=-1"),  # jishan-2022-02.txt
        ("每周一报送", "FREQ=WEEKLY;BYDAY=MO"),
    ],
)
def test_schedules(text, rrule):
    assert find_schedule(text).rrule == rrule


def test_targets():
    t = find_target("到2025年，水土保持率达到66.11%")
    assert (t.year, t.value, t.unit) == (2025, 66.11, "%")
    t = find_target("2022年新增市场主体4522户")
    assert (t.year, t.value, t.unit) == (2022, 4522, "户")
    assert find_target("农村道路建设项目6058万元") is None  # a budget, not a target


def test_every_reform_item_of_yangcheng_16_is_a_task():
    tasks = [
        t
        for t in extract_tasks(doc("yangcheng-2022-03.txt", "阳政发〔2022〕16号"), "阳城县")
        if t.kind == "task"
    ]
    assert [t.clause for t in tasks] == [f"{n}." for n in range(1, 120)]
    assert tasks[4].lead_units == []  # 5.开展市场主体法律顾问服务试点。(我县不涉及)
    assert tasks[116].lead_units == ["县行政审批服务管理局", "县政府信息中心", "县工业和信息化局", "县科技局"]


def test_every_item_of_yangcheng_78_is_a_task_with_units():
    tasks = [
        t
        for t in extract_tasks(doc("yangcheng-2022-03.txt", "阳政办发〔2022〕78号"), "阳城县")
        if t.kind == "task"
    ]
    assert [t.clause.split()[-1] for t in tasks] == [f"{n}." for n in range(1, 66)]
    assert tasks[3].lead_units == ["中国人民银行阳城县支行", "银保监组"]
    heading_only = next(t for t in tasks if t.clause.endswith("(六) 24."))  # "(六)节能环保服务" names no unit
    assert heading_only.clause == "三、 (六) 24."


def test_ledger_through_the_store(sample_conn):
    from gongbao.store.tasks import list_tasks

    fagai = list_tasks(sample_conn, agency="县发改局", county="阳城县", kinds=("task",))
    assert fagai and all("县发展和改革局" in t["lead_units"] + t["support_units"] for t in fagai)
    overdue = list_tasks(sample_conn, overdue_as_of="2023-01-01")
    assert overdue and all(t["deadline"] < "2023-01-01" for t in overdue)
    one = list_tasks(sample_conn, doc="平政办发〔2023〕41号")
    assert {t["deadline"] for t in one} >= {"2023-11-05", "2023-11-20", "2023-11-30", "2023-12-10"}


def test_exports_open(sample_conn):
    from openpyxl import load_workbook

    from gongbao.store.tasks import list_tasks

    rows = list_tasks(sample_conn, county="阳城县")
    wb = load_workbook(io.BytesIO(to_xlsx(rows)))
    ws = wb.active
    assert [c.value for c in ws[1]] == [
        "序号",
        "任务内容",
        "牵头单位",
        "配合单位",
        "完成时限",
        "来源文件",
        "条款",
        "状态",
    ]
    assert ws.freeze_panes == "A2" and ws.max_row == len(rows) + 1 and ws["B2"].alignment.wrap_text
    per_agency = load_workbook(io.BytesIO(to_xlsx(rows, by_agency=True)))
    assert len(per_agency.sheetnames) > 5 and "县发展和改革局" in per_agency.sheetnames
    assert to_csv(rows).startswith("\ufeff序号".encode())
    from icalendar import Calendar

    cal = Calendar.from_ical(to_ics(list_tasks(sample_conn)))
    events = cal.walk("VEVENT")
    assert events and any("RRULE" in e for e in events)


def test_tasks_command(sample_db, tmp_path):
    from typer.testing import CliRunner

    from gongbao.cli import app

    runner = CliRunner()
    r = runner.invoke(
        app, ["tasks", "--db", str(sample_db), "--doc", "阳政发〔2022〕16号", "--no-duties", "-f", "json"]
    )
    assert r.exit_code == 0 and len(json.loads(r.stdout)) == 119
    out = tmp_path / "台账.xlsx"
    r = runner.invoke(
        app,
        [
            "tasks",
            "--db",
            str(sample_db),
            "--agency",
            "县发改局",
            "-f",
            "xlsx",
            "-o",
            str(out),
            "--by-agency",
        ],
    )
    assert r.exit_code == 0 and out.stat().st_size > 0
    assert runner.invoke(app, ["tasks", "--db", str(sample_db), "-f", "xlsx"]).exit_code == 2
    assert runner.invoke(app, ["tasks", "--db", str(sample_db), "--due-before", "2023-13-01"]).exit_code == 2
