"""Proofreading, structure checks: outline numbering, 目录, notice vs main title, 文号 order, attachments;
the check command, its report formats and the report page."""

from __future__ import annotations

import json

from gongbao.parse import parse_text
from gongbao.proof.core import check

from conftest import SAMPLES, parsed


def found(name: str, family: str) -> list[tuple[str | None, int, str]]:
    return [(f.doc_no, f.line_start, f.severity) for f in check(parsed(name), [family])]


def test_real_numbering_errors_are_reported():
    # pingshun-2023-04.txt 870 and 890: two sections both numbered "六、" in 平政办发〔2023〕41号
    assert ("平政办发〔2023〕41号", 890, "警告") in found("pingshun-2023-04.txt", "numbering.outline")
    # pingshun-2023-03.txt 3069 "四、整合资金投向" is followed by 3154 "六、工作措施": 五、 is missing
    # jishan-2022-02.txt 1510 "五、项目实施流程" follows 三、 (no 四、)
    assert ("平政发〔2023〕56号", 3154, "警告") in found("pingshun-2023-03.txt", "numbering.outline")
    assert ("稷政办发〔2022〕21号", 1510, "警告") in found("jishan-2022-02.txt", "numbering.outline")


def test_numbering_false_alarms_are_filtered():
    flagged = {line for _, line, _ in found("pingshun-2023-03.txt", "numbering.outline")}
    assert (
        831 not in flagged and 979 not in flagged
    )  # pingshun-2023-03.txt 829–833: a table row repeated on a new page
    assert 545 not in flagged  # 277 "2“十四五”规划思路" is printed; the parser did not take it as a heading
    assert (
        7111 not in flagged and 7209 not in flagged
    )  # 平政办发〔2023〕24号: the main list resumes after a 专栏 box
    # yangcheng-2022-03.txt 2092–2106: a two-column contact table numbered 1–26
    assert all(line != 2104 for _, line, _ in found("yangcheng-2022-03.txt", "numbering.outline"))
    # jishan-2022-02.txt 839: "□大型设备…" is ③ whose glyph was lost in extraction
    assert all(line != 841 for _, line, _ in found("jishan-2022-02.txt", "numbering.outline"))


def test_titles_between_notice_and_main_text():
    findings = {f.doc_no: f for f in check(parsed("jishan-2022-02.txt"), ["consistency.title"])}
    # jishan-2022-02.txt: the notice says “推进行”, the main text “推行” (稷政办发〔2022〕15号)
    typo = findings["稷政办发〔2022〕15号"]
    assert typo.severity == "警告" and "推进行" in typo.message and typo.suggestion
    # 〈…〉 inside a 《…》 title is the same title (稷政办发〔2022〕19号)
    assert "稷政办发〔2022〕19号" not in findings
    # only a leading 关于 differs: a hint, not a warning (稷政办发〔2022〕24号)
    assert findings["稷政办发〔2022〕24号"].severity == "提示"
    # 平政办发〔2023〕17号 names four plans in one phrase ("…稳定、…提升和…行动计划"): not comparable
    assert all(
        f.doc_no != "平政办发〔2023〕17号"
        for f in check(parsed("pingshun-2023-03.txt"), ["consistency.title"])
    )


def test_toc_and_doc_no_order():
    toc = check(parsed("pingshun-2023-04.txt"), ["consistency.toc"])
    assert [(f.doc_no, f.severity) for f in toc] == [
        ("平政办发〔2023〕41号", "警告")
    ]  # "工作方案" vs "工作实施方案"
    order = check(parsed("pingshun-2023-04.txt"), ["numbering.doc_no_order"])
    assert ("平政办发〔2023〕45号", "提示") in [
        (f.doc_no, f.severity) for f in order
    ]  # 45号 signed before 44号


NOTICE = """平顺县人民政府办公室
关于印发平顺县测试工作方案的通知
平政办发〔2023〕99号
各乡（镇）人民政府，县直各有关单位：
现将《平顺县测试工作方案》印发给你们，请认真贯彻执行。
附件：{attachment}
平顺县人民政府办公室
2023年5月6日
（此件公开发布）
平顺县测试工作方案
一、工作目标
做好测试工作。
"""


def test_attachment_announced_but_not_printed():
    missing = check(parse_text(NOTICE.format(attachment="测试任务分解表")), ["references.attachments"])
    assert [f.kind for f in missing] == ["附件未刊登"]
    online = check(
        parse_text(NOTICE.format(attachment="测试任务分解表（见网络版）")), ["references.attachments"]
    )
    assert online == []


def test_check_command_formats(tmp_path):
    from typer.testing import CliRunner

    from gongbao.cli import app

    path = str(SAMPLES / "pingshun-2023-04.txt")
    r = CliRunner().invoke(app, ["check", path, "--only", "numbering"])
    assert r.exit_code == 0 and "编号重复" in r.stdout
    r = CliRunner().invoke(app, ["check", path, "--format", "json"])
    data = json.loads(r.stdout)
    assert data[0]["findings"] and {"check", "kind", "severity", "line_start", "doc_no", "numbers"} <= set(
        data[0]["findings"][0]
    )
    out = tmp_path / "report.html"
    r = CliRunner().invoke(app, ["check", path, "--format", "html", "--output", str(out)])
    assert r.exit_code == 0 and "<table>" in out.read_text(encoding="utf-8")
    assert CliRunner().invoke(app, ["check"]).exit_code == 2
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    r = CliRunner().invoke(app, ["check", str(bad)])
    assert r.exit_code == 1 and "Traceback" not in r.output


def test_report_page_and_api(sample_db):
    from fastapi.testclient import TestClient

    from gongbao.serve.app import create_app

    client = TestClient(create_app(sample_db), raise_server_exceptions=False)
    gazette = next(g for g in client.get("/api/gazettes").json() if g["issue"] == 4 and g["year"] == 2023)
    data = client.get(f"/api/gazettes/{gazette['id']}/check").json()
    assert any(
        f["doc_no"] == "平政办发〔2023〕41号" and f["check"] == "numbering.outline" for f in data["findings"]
    )
    html = client.get(f"/gazette/{gazette['id']}/check").text
    assert "校对报告" in html and "编号重复" in html and "/source/" in html
    assert client.get("/gazette/99999/check").status_code == 404
