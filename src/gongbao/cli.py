"""The ``gongbao`` command line: a thin layer over the library.

Exit codes: 0 ok, 1 input error (bad file, not a gazette), 2 usage error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gongbao.errors import GongbaoError, InputError
from gongbao.parse import ParseResult, parse_file

app = typer.Typer(
    help="gongbao 公报：解析县级政府公报，提取公文元数据、结构与引用。",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root() -> None:
    """gongbao 公报：解析县级政府公报，提取公文元数据、结构与引用。"""


class ParseFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"
    text = "text"


def _err(message: str) -> None:
    typer.echo(f"错误: {message}", err=True)


def iter_inputs(paths: list[Path], suffixes: tuple[str, ...] = (".txt",)) -> Iterator[Path]:
    """Files named on the command line, and the matching files inside named directories (sorted)."""
    for p in paths:
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes)
        else:
            yield p


def _parse_one(path: Path) -> ParseResult | None:
    try:
        if not path.exists():
            raise InputError("文件不存在 (no such file)", str(path))
        return parse_file(path)
    except GongbaoError as exc:
        _err(str(exc))
    except OSError as exc:
        _err(f"{path}: 无法读取 ({exc.strerror or exc})")
    return None


def format_summary(r: ParseResult) -> str:
    """A readable summary of one parsed file: the gazette, its 目录, the documents, the warnings."""
    out: list[str] = [f"== {r.source}  (编码 {r.encoding})"]
    g = r.gazette
    if g:
        issue = f"{g.year or '?'}年第{g.issue or '?'}期" + (
            f"（总第{g.total_issue}期）" if g.total_issue else ""
        )
        out.append(
            f"公报：{g.name or '（未标明）'} {issue}" + (f"  出版日期 {g.published}" if g.published else "")
        )
        if g.editorial_board:
            out.append(
                "编委会：" + "；".join(f"{b['role']} {'、'.join(b['names'])}" for b in g.editorial_board)
            )
        if g.toc:
            out.append(f"目录（{len(g.toc)} 条）：")
            section = None
            for e in g.toc:
                if e.section != section:
                    section = e.section
                    out.append(f"  【{section or '未分栏'}】")
                out.append(
                    f"    {e.page if e.page is not None else '-':>3}  {e.title}（{e.doc_no or '无文号'}）"
                )
    else:
        out.append("公报：无刊头与目录（单篇文件）")
    out.append(f"文件（{len(r.documents)} 件）：")
    for n, d in enumerate(r.documents, 1):
        out.append(
            f"  {n:>2}. {d.doc_no or '（无文号）'}  {d.doc_type or '?'}  {d.signed_date or '无日期'}  "
            f"{d.publicity or '未标注公开方式'}  第{d.line_start}-{d.line_end}行"
        )
        out.append(f"      {d.title}")
        for p in d.parts:
            if p.role != "notice":
                label = "正文" if p.role == "main_text" else "附件"
                out.append(
                    f"      {label}：{p.title or '（无标题）'}"
                    + (f"〔{p.kind}〕" if p.kind else "")
                    + f"  第{p.line_start}行起"
                )
        if d.attachments:
            out.append(
                "      附件："
                + "；".join(a.title + ("（仅网络版）" if a.only_online else "") for a in d.attachments)
            )
    if r.warnings:
        out.append(f"警告（{len(r.warnings)} 条）：")
        for w in r.warnings:
            out.append(f"  {'第' + str(w.line) + '行 ' if w.line else ''}{w.message}")
    return "\n".join(out)


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="公报文本文件（.txt，可为目录）", show_default=False)],
    format: Annotated[
        ParseFormat, typer.Option("--format", "-f", help="输出格式：json、jsonl 或 text")
    ] = ParseFormat.json,
    parts: Annotated[bool, typer.Option("--parts/--no-parts", help="是否输出各部分正文与条款树")] = True,
) -> None:
    """解析公报文本，输出每份公报的刊期、目录、文件元数据与条款结构。"""
    inputs = list(iter_inputs(files))
    if not inputs:
        _err("没有找到可解析的 .txt 文件")
        raise typer.Exit(1)
    failed = 0
    results = []
    for path in inputs:
        r = _parse_one(path)
        if r is None:
            failed += 1
            continue
        if format is ParseFormat.text:
            typer.echo(format_summary(r) + "\n")
        elif format is ParseFormat.jsonl:
            typer.echo(json.dumps(r.to_dict(parts=parts), ensure_ascii=False))
        else:
            results.append(r.to_dict(parts=parts))
    if format is ParseFormat.json and results:
        payload = results[0] if len(inputs) == 1 else results
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    if failed:
        raise typer.Exit(1)


def main() -> None:  # console-script entry point
    try:
        app()
    except KeyboardInterrupt:
        _err("已中断")
        sys.exit(130)


if __name__ == "__main__":
    main()
