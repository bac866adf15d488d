"""Emergency plans: durations, grading and response at boundaries, timed checklists, escalation,
conflicts between plans, every bundled plan's own cases and citations, CLI, API and the web page."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from gongbao.plans.docs import render_markdown
from gongbao.plans.model import (
    _PlanCompiler,
    bundled_plans,
    conflicts,
    next_daily,
    parse_daily,
    parse_duration,
    run_plan_tests,
)
from gongbao.rules.book import RulebookError, RuleInputError, _Loader
from gongbao.rules.check import verify

from conftest import ROOT

PLANS = bundled_plans()
AT = dt.datetime(2024, 3, 5, 14, 20)

PLAN = """
document: 测政办发〔2024〕1号
title: 测试县森林火灾应急预案
plan: {id: %s, title: 森林火灾, county: 测试县}
facts:
  deaths: {label: 死亡人数, type: integer, default: 0}
  burned: {label: 受害森林面积, type: number, unit: 公顷, default: 0, measure: 受害森林面积}
grades:
  - {id: 较大, label: 较大森林火灾, when: {any: [{ge: [burned, %s]}, {ge: [deaths, 3]}]}, clause: "1.3", quote: 较大}
  - {id: 一般, label: 一般森林火灾, when: {any: [{gt: [burned, 0]}, {ge: [deaths, 1]}]}, clause: "1.3", quote: 一般}
responses:
  - {id: Ⅲ级, label: Ⅲ级响应, when: {eq: [grade, 较大]}, activated_by: 指挥长, report_every: 2小时, clause: "4.1", quote: Ⅲ级}
  - {id: Ⅳ级, label: Ⅳ级响应, when: {eq: [grade, 一般]}, activated_by: 办公室主任, clause: "4.1", quote: Ⅳ级}
reports:
  - {who: 乡镇, to: 县指挥部办公室, within: 30分钟, clause: "3.1", quote: 30分钟内}
  - {who: 县指挥部办公室, to: 市指挥部, within: 1小时, levels: [Ⅲ级], clause: "3.1", quote: 1小时内}
  - {who: 县指挥部办公室, to: 县委, within: 立即, when: {ge: [deaths, 1]}, clause: "3.1", quote: 立即}
groups:
  - {name: 扑救组, lead: 县林业局, clause: "2.2", quote: 扑救组}
  - {name: 医疗组, lead: 县卫健局, levels: [Ⅲ级], clause: "2.2", quote: 医疗组}
escalations:
  - {after: 6小时, condition: 仍未得到有效控制, action: 升级为Ⅲ级响应, levels: [Ⅳ级], clause: "4.2", quote: 6小时}
"""


def plan(ident: str = "t", threshold: str = "100"):
    import yaml

    return _PlanCompiler("t.yaml").plan(yaml.load(PLAN % (ident, threshold), Loader=_Loader))


@pytest.mark.parametrize(
    "text,minutes",
    [
        ("立即", 0),
        ("第一时间", 0),
        ("半小时", 30),
        ("30分钟内", 30),
        ("1小时", 60),
        ("2小时以内", 120),
        ("两小时", 120),
        ("1天", 1440),
    ],
)
def test_durations(text, minutes):
    assert parse_duration(text) == dt.timedelta(minutes=minutes)


def test_daily_clock_deadlines():
    times = parse_daily("每日9时前、14时前")
    assert times == [dt.time(9), dt.time(14)]
    assert next_daily(dt.datetime(2024, 3, 5, 10, 0), times) == dt.datetime(2024, 3, 5, 14, 0)
    assert next_daily(dt.datetime(2024, 3, 5, 14, 1), times) == dt.datetime(2024, 3, 6, 9, 0)
    assert parse_daily("2小时内") == []


def test_unknown_duration_stays_text():
    assert parse_duration("按国家规定时限") is None


@pytest.mark.parametrize(
    "facts,grade,level,who",
    [
        ({}, None, None, None),
        ({"burned": "0.1"}, "一般", "Ⅳ级", "办公室主任"),
        ({"burned": "99.9"}, "一般", "Ⅳ级", "办公室主任"),
        ({"burned": 100}, "较大", "Ⅲ级", "指挥长"),  # 以上包括本数
        ({"deaths": 3}, "较大", "Ⅲ级", "指挥长"),
    ],
)
def test_grade_and_level_at_boundaries(facts, grade, level, who):
    res = plan().respond(facts, AT)
    assert (res["grade"] or {}).get("id") == grade
    assert (res["level"] or {}).get("id") == level
    assert (res["level"] or {}).get("activated_by") == who


def test_checklist_has_absolute_deadlines_for_the_level():
    res = plan().respond({"burned": 120, "deaths": 1}, AT)
    due = {(c["to"], c["due"]) for c in res["checklist"]}
    assert ("县委", "2024-03-05T14:20") in due  # 立即
    assert ("县指挥部办公室", "2024-03-05T14:50") in due  # 30分钟
    assert ("市指挥部", "2024-03-05T15:20") in due  # Ⅲ级 only
    follow = next(c for c in res["checklist"] if c["repeat"] == "2小时")
    assert follow["due"] == "2024-03-05T16:20"
    assert [c["due"] for c in res["checklist"]] == sorted(c["due"] for c in res["checklist"])
    assert {g["name"] for g in res["groups"]} == {"扑救组", "医疗组"}
    assert res["escalations"] == []  # the 6-hour escalation is for Ⅳ级


def test_lower_level_gets_its_escalation_time_and_fewer_groups():
    res = plan().respond({"burned": 5}, AT)
    assert [e["at"] for e in res["escalations"]] == ["2024-03-05T20:20"]
    assert {g["name"] for g in res["groups"]} == {"扑救组"}
    assert all(c["to"] != "市指挥部" for c in res["checklist"])


def test_invalid_facts_are_listed():
    with pytest.raises(RuleInputError) as exc:
        plan().respond({"deaths": -1, "burned": "很多", "wind": 5}, AT)
    assert len(exc.value.problems) == 3


def test_conflicting_thresholds_between_plans_of_a_county_are_reported():
    a, b = plan("a", "100"), plan("b", "50")
    found = conflicts(a, {"a": a, "b": b})
    assert (
        found
        and found[0]["measure"] == "受害森林面积"
        and "≥100" in found[0]["this"]
        and "≥50" in found[0]["other"]
    )
    assert conflicts(a, {"a": a, "c": plan("c", "100")}) == []


def test_unknown_levels_are_refused():
    import yaml

    bad = PLAN.replace('levels: [Ⅲ级], clause: "2.2"', 'levels: [Ⅴ级], clause: "2.2"')
    with pytest.raises(RulebookError, match="未定义的响应级别"):
        _PlanCompiler("t.yaml").plan(yaml.load(bad % ("t", "100"), Loader=_Loader))


# --------------------------------------------------------------------------------------------------
# the bundled plans


@pytest.mark.parametrize("plan_id", sorted(PLANS))
def test_plan_cases(plan_id):
    n, failures = run_plan_tests(PLANS[plan_id])
    assert n >= 5, f"{plan_id} has only {n} cases"
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("plan_id", sorted(PLANS))
def test_plan_sources_are_in_the_documents(plan_id, sample_conn):
    p = PLANS[plan_id]
    assert verify(p.id, p.sources(), sample_conn) == []


def test_docs_plans_md_is_current():
    committed = (ROOT / "docs" / "plans.md").read_text(encoding="utf-8")
    assert committed == render_markdown(PLANS), "run: gongbao plans docs > docs/plans.md"


def test_power_outage_plan_at_its_boundaries():
    # yangcheng-2022-03.txt 4.3.1–4.3.3 of 阳政办发〔2022〕71号: 20% / 40% / 60% of county load shed
    p = PLANS["yangcheng-power-outage"]
    levels = [
        (p.respond({"county_load_shed": x}, AT)["level"] or {}).get("id") for x in (19.9, 20, 39.9, 40, 60)
    ]
    assert levels == [None, "Ⅲ级", "Ⅲ级", "Ⅱ级", "Ⅰ级"]


def test_the_two_yangcheng_grid_plans_disagree_and_say_so():
    # 阳政办发〔2022〕71号 4.3.1: Ⅲ级 from 20% county load shed; 阳政办发〔2022〕76号 4.2.3 (5): Ⅲ级 from 40%
    res = PLANS["yangcheng-power-outage"].respond({"county_load_shed": 45}, AT)
    found = {c["measure"]: c for c in res["conflicts"]}
    assert found["阳城县电网减供负荷比例"]["plan"] == "yangcheng-energy-supply"
    assert "Ⅲ级 ≥20%" in found["阳城县电网减供负荷比例"]["this"]
    assert "Ⅲ级 ≥40%" in found["阳城县电网减供负荷比例"]["other"]


# --------------------------------------------------------------------------------------------------
# CLI, API, web


def test_cli_respond(tmp_path):
    from typer.testing import CliRunner

    from gongbao.cli import app

    r = CliRunner().invoke(
        app, ["respond", "yangcheng-power-outage", "--set", "county_load_shed=65", "--at", "2024-03-05T14:20"]
    )
    assert r.exit_code == 0, r.output
    assert (
        "Ⅰ级响应" in r.stdout
        and "县指挥部指挥长" in r.stdout
        and "〔阳政办发〔2022〕71号 4.3.3〕" in r.stdout
    )
    facts = tmp_path / "facts.json"
    facts.write_text('{"县电网减供负荷比例": "25%"}', encoding="utf-8")
    r = CliRunner().invoke(
        app, ["respond", "阳政办发〔2022〕71号", "--facts", str(facts), "--format", "json"]
    )
    assert json.loads(r.stdout)["level"]["id"] == "Ⅲ级"
    r = CliRunner().invoke(app, ["respond", "yangcheng-power-outage", "--set", "county_load_shed=150"])
    assert r.exit_code == 1 and "不能大于" in r.output
    r = CliRunner().invoke(app, ["respond", "yangcheng-power-outage", "--at", "下午"])
    assert r.exit_code == 2


def test_api_and_page(sample_db):
    from fastapi.testclient import TestClient

    from gongbao.serve.app import create_app

    client = TestClient(create_app(sample_db), raise_server_exceptions=False)
    r = client.post(
        "/api/plans/yangcheng-power-outage/respond?at=2024-03-05T14:20", json={"county_load_shed": 45}
    )
    assert r.status_code == 200 and r.json()["level"]["id"] == "Ⅱ级"
    assert all(c["source"]["url"].startswith("/doc/") for c in r.json()["checklist"])
    assert client.post("/api/plans/yangcheng-power-outage/respond", json={"x": 1}).status_code == 422
    assert client.post("/api/plans/nope/respond", json={}).status_code == 404
    html = client.get(
        "/respond/yangcheng-power-outage",
        params={"calc": 1, "county_load_shed": "45", "at": "2024-03-05T14:20"},
    ).text
    assert "Ⅱ级响应" in html and "检查单" in html
    assert "yangcheng-power-outage" in client.get("/respond").text
