"""Policy calculators: the engine's primitives, strict loading, input checks, and every bundled rulebook
(its own YAML test cases, and its citations checked against the sample gazettes)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongbao.rules.batch import BatchSummary, evaluate_rows, read_table, result_columns, write_table
from gongbao.rules.book import RulebookError, RuleInputError, bundled_rules, load_rulebook
from gongbao.rules.check import locate, run_tests, verify_sources
from gongbao.rules.docs import render_markdown
from gongbao.rules.engine import Source
from gongbao.rules.quantity import as_json_number, fmt, parse_quantity
from gongbao.store import query as Q

from conftest import ROOT

RULES = bundled_rules()


def book(body: str, header: str = "document: 测发〔2023〕1号\ntitle: 测试办法\n") -> dict:
    return {r.id: r for r in load_rulebook("test.yaml", header + body)}


ONE_INPUT = """
rules:
  - id: t
    title: 测试
    inputs:
      x: {label: 投资额, type: money}
    outputs:
      y:
        label: 结果
        clause: 第一条
        quote: 测试
        formula: %s
"""


def calc(formula: str, **inputs) -> Decimal:
    rule = book(ONE_INPUT % formula)["t"]
    res = rule.evaluate(inputs)
    fast = rule.fast(rule.validate(inputs))[1]["y"]
    assert Decimal(str(res["outputs"]["y"]["value"])) == fast  # both paths agree
    return fast


# --------------------------------------------------------------------------------------------------
# quantities


@pytest.mark.parametrize(
    "text,value,unit",
    [
        ("500万元", Decimal(5_000_000), "元"),
        ("3亿元", Decimal(300_000_000), "元"),
        ("1.5亿元", Decimal(150_000_000), "元"),
        ("15元/亩", Decimal(15), "元/亩"),
        ("6‰", Decimal("0.006"), "‰"),
        ("50%", Decimal("0.5"), "%"),
        ("1,200", Decimal(1200), ""),
        (300, Decimal(300), ""),
        (0.1, Decimal("0.1"), ""),
    ],
)
def test_quantities(text, value, unit):
    q = parse_quantity(text)
    assert (q.value, q.unit) == (value, unit)


@pytest.mark.parametrize("bad", ["abc", "万元", True, None, "3亿亿元"])
def test_bad_quantities_are_refused(bad):
    with pytest.raises(ValueError):
        parse_quantity(bad)


def test_money_is_shown_in_yuan_and_wan():
    assert fmt(Decimal(5_000_000), "元") == "5,000,000 元（500万元）"
    assert fmt(Decimal("0.03"), "%") == "3%"
    assert fmt(True) == "是"


# --------------------------------------------------------------------------------------------------
# primitives


TIERS = """
          tiers:
            of: x
            brackets:
              - {from: 3亿元, value: 1200万元}
              - {from: 5亿元, value: 3000万元}
              - {from: 10亿元, value: 5000万元}
            %s"""


@pytest.mark.parametrize(
    "x,award",
    [
        ("299999999", 0),
        ("3亿元", 12_000_000),  # 以上包括本数
        ("499999999", 12_000_000),
        ("5亿元", 30_000_000),
        ("10亿元", 50_000_000),
        ("20亿元", 50_000_000),
    ],
)
def test_tiers_include_the_lower_bound(x, award):
    assert calc(TIERS % "", x=x) == award


def test_tiers_with_exclusive_thresholds_and_a_below_value():
    f = TIERS % "boundary: upper\n            below: 1"
    assert calc(f, x="3亿元") == 1
    assert calc(f, x="300000001") == 12_000_000


def test_tiers_must_ascend_and_units_must_match():
    with pytest.raises(RulebookError, match="严格递增"):
        book(ONE_INPUT % "{tiers: {of: x, brackets: [{from: 5亿元, value: 1}, {from: 3亿元, value: 2}]}}")
    with pytest.raises(RulebookError, match="单位"):
        book(ONE_INPUT % "{tiers: {of: x, brackets: [{from: 5亩, value: 1}]}}")


def test_cap_floor_rate_deduct_top_up():
    assert calc("{cap: {value: {rate: {base: x, rate: 6‰}}, max: 500万元}}", x="1亿元") == 600_000
    assert calc("{cap: {value: {rate: {base: x, rate: 6‰}}, max: 500万元}}", x="10亿元") == 5_000_000
    assert calc("{floor: {value: {rate: {base: x, rate: 1%}}, min: 100}}", x=1000) == 100
    assert calc("{deduct: {value: x, deductible: 1000}}", x=800) == 0
    assert calc("{deduct: {value: x, deductible: 1000}}", x=1800) == 800
    assert calc("{top_up: {target: 3000, existing: x}}", x=1000) == 2000
    assert calc("{top_up: {target: 3000, existing: x}}", x=5000) == 0  # 补齐差额、不叠加


def test_progressive_segments():
    f = "{progressive: {of: x, brackets: [{from: 1000, rate: 50%}, {from: 10000, rate: 70%}]}}"
    assert calc(f, x=500) == 0
    assert calc(f, x=10000) == 4500
    assert calc(f, x=20000) == 4500 + 7000


@pytest.mark.parametrize("x,award", [("9999", 0), ("1亿元", 50_000), ("5亿元", 100_000), ("12亿元", 200_000)])
def test_steps_increment_per_step_reached(x, award):
    f = "{steps: {of: x, thresholds: [1亿元, 5亿元, 8亿元, 10亿元], base: 5万元, increment: 5万元}}"
    assert calc(f, x=x) == award


def test_truncate_and_round():
    assert calc("{truncate: {mul: [x, 0.5]}}", x=1001) == 500
    assert calc("{round: {value: {mul: [x, 0.5]}, to: 1, mode: half_up}}", x=1001) == 501


def test_highest_lookup_and_split():
    rule = book(
        """
rules:
  - id: t
    title: 测试
    inputs:
      kind: {label: 类别, type: enum, values: [甲, 乙]}
      n: {label: 亩数, type: number, unit: 亩}
    parameters:
      a: {label: 甲类标准, value: 15元/亩, clause: 第一条, quote: 每亩15元}
      b: {label: 乙类标准, value: 10元/亩, clause: 第一条, quote: 每亩10元}
    outputs:
      per_mu:
        label: 每亩标准
        formula: {lookup: {key: kind, table: {甲: a, 乙: b}}}
        clause: 第一条
      total:
        label: 补偿
        formula: {per_unit: {count: n, amount: per_mu}}
        clause: 第一条
        split: {parts: {县级: 50%, 乡镇: 30%, 村: 20%}, clause: 第二条, quote: 按5:3:2分配}
"""
    )["t"]
    res = rule.evaluate({"kind": "甲", "n": "100亩"})
    assert res["outputs"]["total"]["value"] == 1500
    assert res["outputs"]["total"]["split"] == {"县级": 750, "乡镇": 450, "村": 300}
    assert res["outputs"]["total"]["unit"] == "元"
    assert any("分担" in s["text"] for s in res["steps"])


def test_value_carries_a_label_and_an_ambiguity():
    rule = book(
        """
ambiguities:
  - {id: rate-unclear, clause: 第一条, quote: 按比例, problem: 比例不明, reading: 按原值}
rules:
  - id: t
    title: 测试
    inputs:
      x: {label: 投资额, type: money}
    outputs:
      y:
        label: 结果
        clause: 第一条
        formula: {value: x, label: 计算基数, ambiguity: rate-unclear}
        split: {parts: {乡镇: 70%, 县级: 30%}, verb: 分配, clause: 第二条, quote: 七三分配}
"""
    )["t"]
    res = rule.evaluate({"x": 1000})
    assert res["outputs"]["y"]["value"] == 1000 and rule.fast(rule.validate({"x": 1000}))[1]["y"] == 1000
    assert [a["id"] for a in res["ambiguities"]] == ["rate-unclear"]
    assert res["steps"][0]["text"].startswith("计算基数：")
    assert "乡镇分配 70% 即 700 元" in res["steps"][-1]["text"]


def test_explanations_cite_every_labelled_step():
    rule = book(
        ONE_INPUT % "{cap: {value: {rate: {base: x, rate: 6‰}}, max: 500万元}, label: 奖励, clause: 第二条}"
    )["t"]
    res = rule.evaluate({"x": "10亿元"})
    texts = [s["text"] for s in res["steps"]]
    assert "（已封顶）" in texts[0] and "6‰" in texts[0]
    assert [s["source"]["clause"] for s in res["steps"]] == ["第二条", "第一条"]


# --------------------------------------------------------------------------------------------------
# strict loading


@pytest.mark.parametrize(
    "formula,message",
    [
        ("z", "未定义的名称"),
        ("{add: [x, 1], mul: [x, 2]}", "恰好有一个运算符"),
        ("{frobnicate: [x]}", "未知的运算符"),
        ("{cap: {value: x}}", "缺少"),
        ("{sub: [x, 1, 2]}", "需要 2 个参数"),
    ],
)
def test_malformed_formulas_are_refused_with_file_and_line(formula, message):
    with pytest.raises(RulebookError, match=message) as exc:
        book(ONE_INPUT % formula)
    assert str(exc.value).startswith("test.yaml:")


def test_unsourced_literal_numbers_are_refused():
    unsourced = ONE_INPUT.replace("        quote: 测试\n", "") % "{mul: [x, 0.06]}"
    with pytest.raises(RulebookError, match="没有出处"):
        book(unsourced)


def test_duplicate_and_unknown_keys_are_refused():
    with pytest.raises(RulebookError, match="重复的键") as exc:
        book("rules: []\nrules: []\n")
    assert "test.yaml:4" in str(exc.value)
    with pytest.raises(RulebookError, match="未知的键"):
        book(ONE_INPUT % "x" + "    colour: red\n")


def test_shares_must_add_up_unless_declared():
    body = ONE_INPUT % "x" + "        split: {parts: {市级: 50%, 县级: 60%}, clause: 第一条, quote: 各承担}\n"
    with pytest.raises(RulebookError, match="110%"):
        book(body)


def test_enum_values_in_conditions_are_checked():
    body = """
rules:
  - id: t
    title: 测试
    inputs:
      kind: {label: 类别, type: enum, values: [甲, 乙]}
    outputs:
      y: {label: 是否甲类, formula: {eq: [kind, 丙]}, clause: 第一条}
"""
    with pytest.raises(RulebookError, match="不是「类别」的选项"):
        book(body)


# --------------------------------------------------------------------------------------------------
# input checks


def test_every_input_problem_is_listed():
    rule = RULES["pingshun-living-allowance"]
    with pytest.raises(RuleInputError) as exc:
        rule.evaluate({"monitoring": "部分", "months": "1.5", "colour": "red", "tekun": "也许"})
    problems = exc.value.problems
    assert len(problems) == 5
    joined = "；".join(problems)
    for word in ("colour", "monitoring", "months", "age", "tekun"):
        assert word in joined


def test_negative_money_is_refused():
    rule = book(ONE_INPUT % "x")["t"]
    with pytest.raises(RuleInputError, match="不能为负数"):
        rule.evaluate({"x": -5})
    with pytest.raises(RuleInputError, match="应为金额"):
        rule.evaluate({"x": "很多"})
    with pytest.raises(RuleInputError, match="单位"):
        rule.evaluate({"x": "5亩"})


def test_chinese_labels_are_accepted_as_keys():
    rule = RULES["pingshun-living-allowance"]
    assert rule.evaluate({"年龄（周岁）": 80, "脱贫户": "是"})["outputs"]["monthly"]["value"] == 100


# --------------------------------------------------------------------------------------------------
# the bundled rulebooks


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rulebook_cases(rule_id):
    rule = RULES[rule_id]
    n, failures = run_tests(rule)
    assert n >= 3, f"{rule_id} has only {n} test cases"
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rulebook_sources_are_in_the_documents(rule_id, sample_conn):
    assert verify_sources(RULES[rule_id], sample_conn) == []


def test_a_wrong_quote_is_caught(sample_conn):
    doc = Q.get_document(sample_conn, Q.lookup_doc_no(sample_conn, "平政办发〔2023〕35号"))
    # pingshun-2023-03.txt 10801–10803: "1、特困供养人员：每人每月发放 300元的生\n\n活补助。"
    found = locate(doc, Source("平政办发〔2023〕35号", "一、 1、", "每人每月发放300元的生活补助"))
    assert found is not None and (found.line_start, found.line_end) == (10801, 10803)
    assert locate(doc, Source("平政办发〔2023〕35号", "一、 1、", "每人每月发放400元的生活补助")) is None
    assert locate(doc, Source("平政办发〔2023〕35号", "一、 3、", "每人每月发放300元的生活补助")) is None


def test_docs_rules_md_is_current():
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_markdown(RULES), "run: gongbao rules docs > docs/rules.md"


def _cases(rule):
    fields = {}
    for name, spec in rule.inputs.items():
        if spec.type == "enum":
            fields[name] = st.sampled_from(spec.values)
        elif spec.type == "boolean":
            fields[name] = st.booleans()
        else:
            lo = spec.minimum if spec.minimum is not None else Decimal(0)
            hi = spec.maximum if spec.maximum is not None else Decimal(2_000_000_000)
            places = 0 if spec.type == "integer" else 2
            fields[name] = st.decimals(lo, max(lo, hi), places=places, allow_nan=False, allow_infinity=False)
    return st.fixed_dictionaries(fields)


@pytest.mark.parametrize("rule_id", sorted(RULES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fast_path_equals_explained_path(rule_id, data):
    rule = RULES[rule_id]
    case = data.draw(_cases(rule))
    res = rule.evaluate(case, as_of=None)
    eligible, amounts = rule.fast(rule.validate(case))
    assert eligible == res["eligible"]
    for key, v in amounts.items():
        name, _, part = key.partition(".")
        shown = res["outputs"][name]["split"][part] if part else res["outputs"][name]["value"]
        assert (shown is v) if isinstance(v, bool) else shown == as_json_number(v)


# --------------------------------------------------------------------------------------------------
# batch mode


def test_batch_keeps_extra_columns_and_refuses_bad_rows(tmp_path: Path):
    rule = RULES["pingshun-living-allowance"]
    src = tmp_path / "cases.csv"
    src.write_text(
        "姓名,年龄（周岁）,tuopin,tekun\n张三,80,是,否\n李四,abc,是,否\n王五,60,否,是\n", encoding="gbk"
    )
    header, rows = read_table(src)
    summary = BatchSummary()
    out = tmp_path / "out.csv"
    write_table(out, header + result_columns(rule), evaluate_rows(rule, header, rows, summary))
    assert (summary.rows, summary.eligible, summary.refused) == (3, 2, 1)
    got = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert [r["姓名"] for r in got] == ["张三", "李四", "王五"]
    assert got[0]["每月补助（元/月）"] == "100" and got[2]["补助合计（元）"] == "3600"
    assert got[1]["每月补助（元/月）"] == "" and "age" in got[1]["输入问题"]


def test_batch_xlsx_round_trip(tmp_path: Path):
    rule = RULES["pingshun-living-allowance"]
    header = ["age", "tekun"]
    summary = BatchSummary()
    out = tmp_path / "out.xlsx"
    rows = [{"age": 70, "tekun": True}, {"age": 70, "tekun": False}]
    write_table(out, header + result_columns(rule), evaluate_rows(rule, header, rows, summary))
    header2, rows2 = read_table(out)
    assert rows2[0]["是否符合"] == "是" and rows2[1]["是否符合"] == "否"
    assert rows2[1]["未通过条件"] == "属于补助对象（符合四种情形之一）"


def test_effective_period_is_checked_when_a_date_is_given():
    rule = RULES["pingshun-living-allowance"]
    inside = rule.evaluate({"age": 60, "tekun": True}, as_of=dt.date(2023, 12, 31))
    after = rule.evaluate({"age": 60, "tekun": True}, as_of=dt.date(2024, 1, 1))
    assert inside["eligible"] and not after["eligible"]
    assert after["outputs"]["monthly"]["value"] == 0
    assert json.dumps(after, ensure_ascii=False)  # JSON-ready


# --------------------------------------------------------------------------------------------------
# CLI and API


def test_cli_calc_explains_and_cites():
    from typer.testing import CliRunner

    from gongbao.cli import app

    r = CliRunner().invoke(
        app, ["calc", "pingshun-living-allowance", "--set", "age=80", "--set", "脱贫户=是"]
    )
    assert r.exit_code == 0, r.output
    assert "符合条件" in r.stdout and "每月补助：100 元/月" in r.stdout
    assert "〔平政办发〔2023〕35号 一、 4、〕" in r.stdout  # the step cites its clause

    r = CliRunner().invoke(
        app,
        ["calc", "pingshun-living-allowance", "--input", "-", "--json"],
        input='{"age": 80, "tekun": true}',
    )
    assert r.exit_code == 0 and json.loads(r.stdout)["outputs"]["total"]["value"] == 3600


@pytest.mark.parametrize(
    "args,stdin,message",
    [
        (["calc", "no-such-rule"], None, "没有编号为「no-such-rule」的规则"),
        (["calc", "pingshun-living-allowance", "--set", "age"], None, "名称=值"),
        (["calc", "pingshun-living-allowance", "--input", "-"], "{not json", "不是有效的 JSON"),
        (["calc", "pingshun-living-allowance", "--input", "-"], "[1, 2]", "JSON 应为对象"),
        (["calc", "pingshun-living-allowance", "--set", "age=-1", "--set", "x=1"], None, "未知输入项「x」"),
        (["calc", "pingshun-living-allowance", "--set", "age=1", "--as-of", "昨天"], None, "YYYY-MM-DD"),
    ],
)
def test_cli_calc_bad_input_is_a_clear_error(args, stdin, message):
    from typer.testing import CliRunner

    from gongbao.cli import app

    r = CliRunner().invoke(app, args, input=stdin)
    assert r.exit_code in (1, 2), r.output
    assert message in r.output and "Traceback" not in r.output


def test_cli_batch_and_rules_commands(tmp_path: Path):
    from typer.testing import CliRunner

    from gongbao.cli import app

    cases = tmp_path / "cases.csv"
    cases.write_text("age,tekun\n80,是\n-5,否\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    r = CliRunner().invoke(
        app, ["calc", "pingshun-living-allowance", "--batch", str(cases), "--output", str(out)]
    )
    assert r.exit_code == 1 and "输入有误 1 行" in r.output  # the bad row is reported, the good one computed
    assert out.exists() and "3600" in out.read_text(encoding="utf-8-sig")
    r = CliRunner().invoke(app, ["rules", "list"])
    assert r.exit_code == 0 and "pingshun-living-allowance" in r.stdout
    r = CliRunner().invoke(app, ["rules", "show", "pingshun-living-allowance", "--json"])
    assert json.loads(r.stdout)["inputs"][0]["name"] == "tekun"


def test_api_calc_links_each_step_to_the_clause(sample_db):
    from fastapi.testclient import TestClient

    from gongbao.serve.app import create_app

    client = TestClient(create_app(sample_db), raise_server_exceptions=False)
    r = client.post("/api/rules/pingshun-living-allowance/calc", json={"age": 80, "tuopin": True})
    assert r.status_code == 200
    data = r.json()
    assert data["outputs"]["monthly"]["value"] == 100
    step = next(s for s in data["steps"] if s["source"]["clause"] == "一、 4、")
    assert step["source"]["url"].startswith("/doc/") and "#n-" in step["source"]["url"]
    page = client.get(step["source"]["url"].split("#")[0])
    assert step["source"]["url"].split("#")[1] in page.text  # the anchor exists on the document page

    r = client.post("/api/rules/pingshun-living-allowance/calc", json={"age": "老", "colour": 1})
    assert r.status_code == 422 and len(r.json()["error"]["problems"]) == 2
    assert client.post("/api/rules/nope/calc", json={}).status_code == 404
    assert (
        client.post(
            "/api/rules/pingshun-living-allowance/calc?as_of=2024-02-01", json={"age": 60, "tekun": True}
        ).json()["eligible"]
        is False
    )

    html = client.get("/rules/pingshun-living-allowance", params={"calc": 1, "age": 80, "tuopin": "是"}).text
    assert "符合条件" in html and "计算过程" in html and 'href="/doc/' in html
    html = client.get("/rules/pingshun-living-allowance", params={"calc": 1, "age": "abc"}).text
    assert "输入有误" in html and "年龄（周岁）" in html
    assert "pingshun-living-allowance" in client.get("/rules").text
