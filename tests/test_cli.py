"""The gongbao command: output formats, batches, and bad input (clear message, non-zero exit, no traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from gongbao.cli import app

from conftest import SAMPLES, raw_snippet

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_parse_one_file_prints_one_json_object():
    r = run("parse", str(SAMPLES / "pingshun-2023-04.txt"), "--no-parts")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert set(data) == {"source", "encoding", "format", "meta", "gazette", "documents", "warnings"}
    first = data["documents"][0]
    for key in (
        "doc_no",
        "doc_no_parts",
        "issuer",
        "title",
        "doc_type",
        "signed_date",
        "publicity",
        "recipients",
        "attachments",
        "main_text",
        "effective",
        "validity_period",
        "expires",
        "interpreter",
        "line_start",
        "line_end",
    ):
        assert key in first
    assert first["doc_no_parts"] == {"prefix": "平政发", "year": 2023, "serial": 58}


def test_several_files_make_an_array_and_jsonl_one_object_per_line(tmp_path):
    a, b = SAMPLES / "pingshun-2023-04.txt", SAMPLES / "jishan-2022-02.txt"
    r = run("parse", str(a), str(b), "--no-parts")
    assert [d["source"] for d in json.loads(r.stdout)] == [str(a), str(b)]
    r = run("parse", str(a), str(b), "--format", "jsonl", "--no-parts")
    assert len(r.stdout.strip().splitlines()) == 2


def test_text_summary():
    r = run("parse", str(SAMPLES / "yangcheng-2022-03.txt"), "--format", "text")
    assert r.exit_code == 0
    assert "阳城县人民政府公报 2022年第3期（总第5期）" in r.stdout
    assert "文件（17 件）" in r.stdout


def test_bad_files_in_a_batch_do_not_stop_the_others(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 10)
    prose = tmp_path / "prose.txt"
    prose.write_text("今天天气很好，我们去公园散步。\n", encoding="utf-8")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(raw_snippet("pingshun-2023-04.txt", 425, 437).encode("gb18030"))
    r = run(
        "parse",
        str(empty),
        str(binary),
        str(prose),
        str(gbk),
        str(tmp_path / "missing.txt"),
        "--format",
        "jsonl",
    )
    assert r.exit_code == 1
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(o["source"], o["encoding"]) for o in out] == [(str(gbk), "gb18030")]
    assert out[0]["documents"][0]["doc_no"] == "平政办发〔2023〕39号"
    for name, words in (
        (empty, "为空"),
        (binary, "PDF 文件已损坏"),
        (prose, "未找到公文"),
        ("missing.txt", "不存在"),
    ):
        assert str(name) in r.stderr and words in r.stderr
    assert "Traceback" not in r.stderr


def test_usage_errors_exit_2():
    assert run("parse", "--format", "xml", "x.txt").exit_code == 2
    assert run("nonsense").exit_code == 2


def test_console_script_is_installed_and_has_help():
    exe = Path(sys.executable).parent / "gongbao"
    out = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True).stdout
    assert "parse" in out
    out = subprocess.run([str(exe), "parse", "--help"], capture_output=True, text=True, check=True).stdout
    assert "--format" in out


def test_readme_documents_every_command():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        assert f"gongbao {command.name or command.callback.__name__}" in readme
    assert "make run" in readme and "make test" in readme
