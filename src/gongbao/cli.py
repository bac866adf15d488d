"""The ``gongbao`` command line: a thin layer over the library.

Exit codes: 0 ok, 1 input error (bad file, not a gazette), 2 usage error.
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gongbao.errors import GongbaoError, InputError
from gongbao.formats import SUFFIXES
from gongbao.parse import ParseResult, parse_file
from gongbao.store.db import DEFAULT_DB

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


def iter_inputs(paths: list[Path], suffixes: tuple[str, ...] = SUFFIXES) -> Iterator[Path]:
    """Files named on the command line, and the matching files inside named directories (sorted)."""
    for p in paths:
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes)
        else:
            yield p


class _FileProgress:
    """A progress display on stderr: one bar over the files (when there are several) and, while a
    scanned PDF is read, one over its pages (OCR takes seconds a page)."""

    def __init__(self, verb: str, files: int):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("[bold]{task.fields[verb]}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.files = self.progress.add_task("", total=files, verb=verb, visible=files > 1)
        self.pages = None

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)

    def file(self, path: Path) -> None:
        self.progress.update(self.files, description=path.name)
        self.name = path.name

    def ocr(self, done: int, total: int) -> None:
        """The ``on_ocr`` callback of gongbao.formats.extract."""
        if self.pages is None:
            self.pages = self.progress.add_task("", total=total, verb="识别扫描页")
        self.progress.update(self.pages, completed=done, total=total, description=self.name, visible=True)

    def done(self) -> None:
        self.progress.advance(self.files)
        if self.pages is not None:
            self.progress.update(self.pages, visible=False, completed=0)


def _parse_one(path: Path, source_url: str | None = None, on_ocr=None) -> ParseResult | None:
    try:
        if not path.exists():
            raise InputError("文件不存在 (no such file)", str(path))
        return parse_file(path, source_url=source_url, on_ocr=on_ocr)
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


SourceUrlOption = Annotated[
    str | None, typer.Option("--source-url", help="网页的原始地址（保存的网页中没有写明时）")
]


@app.command()
def parse(
    files: Annotated[
        list[Path], typer.Argument(help="公报文件：.txt、.pdf、.ofd、.html（可为目录）", show_default=False)
    ],
    format: Annotated[
        ParseFormat, typer.Option("--format", "-f", help="输出格式：json、jsonl 或 text")
    ] = ParseFormat.json,
    parts: Annotated[bool, typer.Option("--parts/--no-parts", help="是否输出各部分正文与条款树")] = True,
    source_url: SourceUrlOption = None,
) -> None:
    """解析公报（文本、PDF、扫描件、OFD、政府信息公开网页），输出刊期、目录、文件元数据与条款结构。"""
    inputs = list(iter_inputs(files))
    if not inputs:
        _err("没有找到可解析的文件（.txt、.pdf、.ofd、.html）")
        raise typer.Exit(1)
    failed = 0
    results = []
    for path in inputs:
        with _FileProgress("解析", 1) as progress:
            progress.file(path)
            r = _parse_one(path, source_url, progress.ocr)
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


DbOption = Annotated[Path, typer.Option("--db", help="SQLite 数据库文件")]


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(help="公报文件或目录（.txt、.pdf、.ofd、.html）", show_default=False),
    ],
    db: DbOption = Path(DEFAULT_DB),
    source_url: SourceUrlOption = None,
) -> None:
    """把公报导入数据库：每个文件一个事务，重复导入不变，同一期的更正版替换旧版。"""
    from gongbao.store.db import connect
    from gongbao.store.ingest import ingest_file

    inputs = list(iter_inputs(paths))
    if not inputs:
        _err("没有找到可导入的文件（.txt、.pdf、.ofd、.html）")
        raise typer.Exit(1)
    conn = _connect(connect, db)
    reports = []
    with _FileProgress("导入", len(inputs)) as progress:
        for path in inputs:
            progress.file(path)
            report = ingest_file(conn, path, source_url, progress.ocr)
            reports.append(report)
            if report.error:
                _err(report.error)
            progress.done()
    labels = {"added": "新增", "replaced": "替换", "unchanged": "未变", "failed": "失败"}
    for r in reports:
        detail = (
            f"{r.gazette or '单篇文件'}，{r.documents} 件文件，{r.warnings} 条警告"
            if r.status in ("added", "replaced")
            else ""
        )
        typer.echo(f"{labels[r.status]}  {r.path}  {detail}".rstrip())
    from gongbao.store.query import stats

    s = stats(conn)
    counts = {k: sum(1 for r in reports if r.status == k) for k in labels}
    typer.echo(
        f"完成：新增 {counts['added']}、替换 {counts['replaced']}、未变 {counts['unchanged']}、失败 {counts['failed']} 个文件。"
        f"数据库 {db} 现有公报 {s['gazettes']} 期、文件 {s['documents']} 件、警告 {s['warnings']} 条。"
    )
    if counts["failed"]:
        raise typer.Exit(1)


def _connect(connect, db: Path, **kwargs):
    try:
        return connect(db, **kwargs)
    except GongbaoError as exc:
        _err(str(exc))
        raise typer.Exit(1) from None


class SearchFormat(StrEnum):
    json = "json"
    text = "text"


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="检索词或文号，如“重污染天气”“平政办发〔2023〕39号”")],
    db: DbOption = Path(DEFAULT_DB),
    county: Annotated[str | None, typer.Option(help="县，如 平顺县")] = None,
    issuer: Annotated[str | None, typer.Option(help="发文机关")] = None,
    doc_type: Annotated[str | None, typer.Option("--doc-type", help="文种，如 通知、意见、批复")] = None,
    kind: Annotated[str | None, typer.Option(help="正文类别，如 办法、实施方案、应急预案")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="成文日期起（YYYY[-MM[-DD]]）")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="成文日期止（YYYY[-MM[-DD]]）")] = None,
    gazette: Annotated[int | None, typer.Option(help="公报期次编号（见 /api/gazettes）")] = None,
    publicity: Annotated[str | None, typer.Option(help="公开方式：主动公开、依申请公开")] = None,
    validity: Annotated[
        str | None, typer.Option(help="有效性（以今天为准）：现行有效、已废止、部分废止、已失效、尚未施行")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=100, help="返回条数")] = 10,
    format: Annotated[
        SearchFormat, typer.Option("--format", "-f", help="输出格式：json 或 text")
    ] = SearchFormat.text,
) -> None:
    """全文检索数据库中的文件（中文分词、BM25 排序、文号直达）。"""
    from gongbao.store.db import connect
    from gongbao.store.query import Filters
    from gongbao.store.query import search as run_search

    conn = _connect(connect, db, create=False, readonly=True)
    filters = Filters(county, issuer, doc_type, kind, date_from, date_to, gazette, publicity, validity)
    try:
        result = run_search(conn, query, filters, per_page=limit)
    except GongbaoError as exc:
        _err(str(exc))
        raise typer.Exit(exc.exit_code) from None
    if format is SearchFormat.json:
        keys = (
            "id",
            "doc_no",
            "title",
            "issuer",
            "signed_date",
            "doc_type",
            "kind",
            "county",
            "gazette",
            "score",
            "snippet",
            "url",
        )
        typer.echo(
            json.dumps([{k: getattr(h, k) for k in keys} for h in result.hits], ensure_ascii=False, indent=2)
        )
        return
    if not result.hits:
        typer.echo("没有找到匹配的文件。")
        return
    typer.echo(f"共 {result.total} 件，显示前 {len(result.hits)} 件：")
    for n, h in enumerate(result.hits, 1):
        snippet = re.sub(r"</?mark>", "", html.unescape(h.snippet))
        typer.echo(
            f"{n:>2}. {h.title}\n    {h.doc_no or '无文号'} · {h.issuer or ''} · {h.signed_date or ''} · 得分 {h.score:g}\n    {snippet}"
        )


class OutFormat(StrEnum):
    text = "text"
    json = "json"


def _read_db(db: Path):
    from gongbao.store.db import connect

    return _connect(connect, db, create=False, readonly=True)


def _run_or_exit(fn, *args):
    try:
        return fn(*args)
    except typer.Exit:
        raise
    except GongbaoError as exc:
        _err(str(exc))
        raise typer.Exit(exc.exit_code) from None


@app.command()
def status(
    doc: Annotated[str, typer.Argument(help="文号（任意写法）或文件编号")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="以哪一天为准（YYYY-MM-DD，默认今天）")] = None,
    db: DbOption = Path(DEFAULT_DB),
    format: Annotated[
        OutFormat, typer.Option("--format", "-f", help="输出格式：text 或 json")
    ] = OutFormat.text,
) -> None:
    """文件在某日的效力：现行有效、已废止（被谁、何时）、部分废止、已失效、尚未施行或未知。"""
    from gongbao.store.links import status as get_status

    result = _run_or_exit(get_status, _read_db(db), doc, as_of)
    if format is OutFormat.json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    subject = result["document"] or result["external"] or {}
    name = f"{subject.get('doc_no') or ''} {subject.get('title') or ''}".strip()
    where = "" if result["document"] else "（库外文件，仅见于引用）"
    typer.echo(
        f"{name}{where}\n截至 {result['as_of']}：{result['status']}"
        + (f"（{result['since']}起）" if result["since"] and result["status"] != "现行有效" else "")
    )
    typer.echo(f"  {result['explanation']}")
    if result["by"]:
        typer.echo(
            f"  依据：{result['by']['doc_no'] or ''}《{result['by']['title']}》第{result['by']['line_start']}行"
        )


@app.command()
def links(
    doc: Annotated[str, typer.Argument(help="文号（任意写法）或文件编号")],
    db: DbOption = Path(DEFAULT_DB),
    format: Annotated[
        OutFormat, typer.Option("--format", "-f", help="输出格式：text 或 json")
    ] = OutFormat.text,
) -> None:
    """文件的引用关系：它引用了谁（依据、废止……）、谁引用了它，附原文位置。"""
    from gongbao.store.links import links as get_links

    result = _run_or_exit(get_links, _read_db(db), doc)
    if format is OutFormat.json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    subject = result["document"] or result["external"] or {}
    typer.echo(f"{subject.get('doc_no') or ''} {subject.get('title') or ''}".strip())

    def show(label: str, items: list[dict], other: str) -> None:
        typer.echo(f"{label}（{len(items)}）：")
        for c in items:
            target = c.get(other)
            name = (
                f"{target['doc_no'] or ''}《{target['title']}》"
                if target
                else (c["doc_no"] or f"《{c['title']}》")
            )
            typer.echo(f"  [{c['relation']}] {name}  第{c['span']['line_start']}行")

    show("引用", result["cites"], "target")
    show("被引用", result["cited_by"], "source")


@app.command()
def agencies(
    db: DbOption = Path(DEFAULT_DB),
    county: Annotated[str | None, typer.Option(help="只看一个县，如 平顺县")] = None,
    propose: Annotated[bool, typer.Option("--propose", help="列出待审核的别名建议（简称 → 全称）")] = False,
    format: Annotated[
        OutFormat, typer.Option("--format", "-f", help="输出格式：text 或 json")
    ] = OutFormat.text,
) -> None:
    """机关单位：按县归并的规范名称、别名和提到它的文件数；或待审核的别名建议。"""
    from gongbao.store.agencies import list_agencies, proposals

    conn = _read_db(db)
    rows = proposals(conn, county) if propose else list_agencies(conn, county)
    if format is OutFormat.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif propose:
        for p in rows:
            typer.echo(f"{p['county']}  {p['alias']} → {p['of']}  （相似度 {p['score']}）")
        typer.echo(f"共 {len(rows)} 条建议；确认后加入 src/gongbao/data/agencies.json 的 aliases。")
    else:
        for a in rows:
            also = f"  也写作：{'、'.join(a['aliases'])}" if a["aliases"] else ""
            typer.echo(
                f"{a['county'] or ''}  {a['name']}{'' if a['known'] else '（未收录）'}  {a['documents']} 件文件{also}"
            )


class TaskFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    ics = "ics"


@app.command()
def tasks(
    db: DbOption = Path(DEFAULT_DB),
    agency: Annotated[str | None, typer.Option(help="单位（任意写法，如 县发改局）")] = None,
    doc: Annotated[str | None, typer.Option(help="来源文件：文号（任意写法）、编号或标题")] = None,
    county: Annotated[str | None, typer.Option(help="县，如 阳城县")] = None,
    due_before: Annotated[
        str | None, typer.Option("--due-before", help="完成时限不晚于（YYYY-MM-DD）")
    ] = None,
    overdue_as_of: Annotated[
        str | None, typer.Option("--overdue-as-of", help="截至该日已到期（YYYY-MM-DD）")
    ] = None,
    duties: Annotated[bool, typer.Option("--duties/--no-duties", help="是否包括成员单位职责")] = True,
    by_agency: Annotated[bool, typer.Option("--by-agency", help="XLSX：每个牵头单位一张工作表")] = False,
    format: Annotated[
        TaskFormat, typer.Option("--format", "-f", help="输出格式：text、json、csv、xlsx、ics")
    ] = TaskFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件（xlsx 必须指定）")] = None,
) -> None:
    """督办台账：从文件中提取的任务、牵头与配合单位、完成时限、周期要求和目标，可导出 Excel 与日历。"""
    from gongbao.store.tasks import list_tasks
    from gongbao.tasks import export

    kinds = ("task", "duty", "target") if duties else ("task", "target")
    rows = _run_or_exit(
        lambda: list_tasks(
            _read_db(db),
            agency=agency,
            doc=doc,
            county=county,
            due_before=due_before,
            overdue_as_of=overdue_as_of,
            kinds=kinds,
        )
    )
    if format is TaskFormat.text and output is None:
        for n, t in enumerate(rows, 1):
            when = (
                t["deadline"]
                or (t["schedule"] or {}).get("description")
                or t["deadline_text"]
                or "无明确时限"
            )
            units = "、".join(t["lead_units"]) or "未注明单位"
            typer.echo(
                f"{n:>3}. [{t['state']}] {when}  {units}\n     {t['doc_no'] or '无文号'} {t['clause']}  {t['text'][:70]}"
            )
        typer.echo(f"共 {len(rows)} 项。")
        return
    if format is TaskFormat.xlsx and output is None:
        _err("XLSX 是二进制文件，请用 --output 指定文件名，如 --output 督办台账.xlsx")
        raise typer.Exit(2)
    data = {
        TaskFormat.json: lambda: json.dumps(rows, ensure_ascii=False, indent=2).encode("utf-8"),
        TaskFormat.csv: lambda: export.to_csv(rows),
        TaskFormat.xlsx: lambda: export.to_xlsx(rows, by_agency=by_agency),
        TaskFormat.ics: lambda: export.to_ics(rows),
        TaskFormat.text: lambda: "\n".join(
            f"{t['doc_no'] or ''}\t{t['clause']}\t{t['text']}" for t in rows
        ).encode("utf-8"),
    }[format]()
    if output:
        output.write_bytes(data)
        typer.echo(f"已写入 {output}（{len(rows)} 项）", err=True)
    else:
        sys.stdout.buffer.write(data)


rules_app = typer.Typer(
    help="政策计算规则：列出、查看、测试规则书。",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(rules_app, name="rules")


@rules_app.command("list")
def rules_list() -> None:
    """列出全部计算规则：编号、名称、来源文件。"""
    from gongbao.rules.book import bundled_rules

    rules = _run_or_exit(bundled_rules)
    for r in rules.values():
        typer.echo(f"{r.id:<36} {r.title}  〔{r.doc_no}〕")
    typer.echo(f"共 {len(rules)} 条规则。")


def _yes_no(value: object) -> object:
    return ("是" if value else "否") if isinstance(value, bool) else value


@rules_app.command("show")
def rules_show(
    rule: Annotated[str, typer.Argument(help="规则编号（gongbao rules list 查看）")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """查看一条规则：输入项、结果、资格条件、参数及其出处、原文歧义。"""
    from gongbao.rules.book import INPUT_TYPES, get_rule

    r = _run_or_exit(get_rule, rule).to_dict()
    if as_json:
        typer.echo(json.dumps(r, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{r['title']}（{r['id']}）\n来源：{r['document']['doc_no']}《{r['document']['title']}》")
    if r["summary"]:
        typer.echo(r["summary"])
    if r["effective"]:
        typer.echo(f"有效期：{r['effective']['text']}")
    typer.echo("\n输入：")
    for i in r["inputs"]:
        allowed = "、".join(i["values"]) if i["values"] else (i["unit"] or INPUT_TYPES[i["type"]])
        typer.echo(
            f"  {i['name']:<20} {i['label']}（{allowed}）"
            + ("" if i["required"] else f" 默认 {_yes_no(i['default'])}")
        )
    typer.echo("结果：")
    for o in r["outputs"]:
        typer.echo(f"  {o['name']:<20} {o['label']} {o['unit']}  〔{o['source']['clause']}〕")
    for title, items in (("资格条件", r["eligibility"]), ("参数", r["parameters"])):
        if items:
            typer.echo(f"{title}：")
            for c in items:
                value = f" = {c['value']}" if "value" in c else ""
                typer.echo(f"  {c['label']}{value}  〔{c['source']['clause']}〕")
    for a in r["ambiguities"]:
        typer.echo(f"原文歧义（{a['source']['clause']}）：{a['problem']}\n  采用：{a['reading']}")


@rules_app.command("test")
def rules_test(
    files: Annotated[list[Path] | None, typer.Argument(help="规则书 YAML（默认：全部内置规则书）")] = None,
    db: Annotated[Path | None, typer.Option(help="核对出处用的数据库（默认 gongbao.db，若存在）")] = None,
) -> None:
    """运行规则书中的测试用例，并在数据库中核对每条出处的条款与引文。"""
    from gongbao.rules.book import bundled_paths, load_rules
    from gongbao.rules.check import run_tests, verify_sources

    rules = _run_or_exit(load_rules, files or bundled_paths())
    total, failures = 0, []
    for r in rules.values():
        n, f = run_tests(r)
        total += n
        failures += [str(x) for x in f]
    db = db or (Path(DEFAULT_DB) if Path(DEFAULT_DB).exists() else None)
    checked = ""
    if db is not None:
        conn = _read_db(db)
        problems = [p for r in rules.values() for p in verify_sources(r, conn)]
        failures += problems
        checked = f"；出处已在 {db} 中核对"
    else:
        checked = "；未核对出处（没有数据库，先运行 gongbao ingest）"
    for f in failures:
        typer.echo(f"✗ {f}", err=True)
    typer.echo(f"{len(rules)} 条规则，{total} 个用例，{len(failures)} 个问题{checked}。")
    if failures:
        raise typer.Exit(1)


@rules_app.command("docs")
def rules_docs() -> None:
    """生成 docs/rules.md（每条规则的输入、结果与出处）。"""
    from gongbao.rules.book import bundled_rules
    from gongbao.rules.docs import render_markdown

    sys.stdout.write(render_markdown(_run_or_exit(bundled_rules)))


def _case(input_file: Path | None, sets: list[str]) -> dict:
    case: dict = {}
    if input_file is not None:
        data = sys.stdin.buffer.read() if str(input_file) == "-" else None
        if data is None:
            if not input_file.exists():
                raise InputError("文件不存在 (no such file)", str(input_file))
            data = input_file.read_bytes()
        from gongbao.text.decode import decode_bytes

        text, _ = decode_bytes(data, str(input_file))
        try:
            case = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"不是有效的 JSON：{exc.msg}（第 {exc.lineno} 行）", str(input_file)) from None
        if not isinstance(case, dict):
            raise InputError('JSON 应为对象，如 {"age": 80}', str(input_file))
    for item in sets:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise GongbaoError(f"--set 的写法是 名称=值，收到「{item}」")
        case[key.strip()] = value.strip()
    return case


def _print_result(res: dict) -> None:
    doc = res["document"]
    typer.echo(f"{res['title']}（{doc['doc_no']}《{doc['title']}》）")
    typer.echo("结论：" + ("符合条件" if res["eligible"] else "不符合条件"))
    for c in res["failed"]:
        typer.echo(f"  ✗ {c['label']}：{c['detail']}  〔{c['source']['doc_no']} {c['source']['clause']}〕")
    if res["eligible"]:
        for o in res["outputs"].values():
            typer.echo(f"  {o['label']}：{o['text']}")
            for part, v in (o.get("split") or {}).items():
                typer.echo(f"    其中 {part}：{v}")
        typer.echo("计算过程：")
        for n, s in enumerate(res["steps"], 1):
            src = s["source"]
            typer.echo(f"  {n}. {s['text']}" + (f"  〔{src['doc_no']} {src['clause']}〕" if src else ""))
    for a in res["ambiguities"]:
        typer.echo(
            f"注意：原文存在歧义（{a['source']['clause']}）：{a['problem']} 本结果采用：{a['reading']}"
        )
    for note in res["notes"]:
        typer.echo(f"说明：{note}")


@app.command()
def calc(
    rule: Annotated[str, typer.Argument(help="规则编号（gongbao rules list 查看）")],
    input_file: Annotated[
        Path | None, typer.Option("--input", "-i", help="JSON 输入文件，- 表示标准输入")
    ] = None,
    sets: Annotated[list[str] | None, typer.Option("--set", "-s", help="输入项 名称=值，可重复")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="申请日期（YYYY-MM-DD），核对有效期")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    batch: Annotated[
        Path | None, typer.Option("--batch", help="批量计算：CSV 或 XLSX 表格，每行一个对象")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="批量结果写入的 CSV 或 XLSX")] = None,
) -> None:
    """按政策规则计算：是否符合条件、金额，以及逐条引用原文条款的计算过程。"""
    import datetime as dt

    from gongbao.rules.book import get_rule

    r = _run_or_exit(get_rule, rule)
    if batch is not None:
        _calc_batch(r, batch, output)
        return
    when = None
    if as_of:
        try:
            when = dt.date.fromisoformat(as_of)
        except ValueError:
            _err(f"--as-of 应为 YYYY-MM-DD，收到「{as_of}」")
            raise typer.Exit(2) from None
    case = _run_or_exit(_case, input_file, sets or [])
    res = _run_or_exit(r.evaluate, case, when)
    if as_json:
        typer.echo(json.dumps(res, ensure_ascii=False, indent=2))
    else:
        _print_result(res)


def _calc_batch(rule, batch: Path, output: Path | None) -> None:
    from rich.progress import track

    from gongbao.rules.batch import BatchSummary, evaluate_rows, read_table, result_columns, write_table

    if output is None:
        _err("批量计算需要 --output 指定结果文件（.csv 或 .xlsx）")
        raise typer.Exit(2)
    header, rows = _run_or_exit(read_table, batch)
    summary = BatchSummary()
    results = evaluate_rows(rule, header, rows, summary)
    if len(rows) > 5000:
        results = track(results, total=len(rows), description="计算中…", console=None, transient=True)
    write_table(output, header + result_columns(rule), results)
    typer.echo(
        f"已写入 {output}：{summary.rows} 行，符合条件 {summary.eligible} 行，输入有误 {summary.refused} 行。",
        err=True,
    )
    if summary.refused:
        raise typer.Exit(1)


plans_app = typer.Typer(
    help="应急预案：列出、查看、测试预案模型。",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(plans_app, name="plans")


@plans_app.command("list")
def plans_list() -> None:
    """列出全部应急预案模型：编号、名称、来源文件。"""
    from gongbao.plans.model import bundled_plans

    plans = _run_or_exit(bundled_plans)
    for p in plans.values():
        typer.echo(f"{p.id:<32} {p.county} {p.title}  〔{p.doc_no}〕")
    typer.echo(f"共 {len(plans)} 个预案。")


@plans_app.command("show")
def plans_show(plan: Annotated[str, typer.Argument(help="预案编号或文号")]) -> None:
    """查看一个预案模型（JSON）：事实项、分级、响应级别、工作组、缺失的标准。"""
    from gongbao.plans.model import get_plan

    typer.echo(json.dumps(_run_or_exit(get_plan, plan).to_dict(), ensure_ascii=False, indent=2))


@plans_app.command("test")
def plans_test(
    files: Annotated[list[Path] | None, typer.Argument(help="预案 YAML（默认：全部内置预案）")] = None,
    db: Annotated[Path | None, typer.Option(help="核对出处用的数据库（默认 gongbao.db，若存在）")] = None,
) -> None:
    """运行预案模型中的测试用例，并在数据库中核对每条出处。"""
    from gongbao.plans.model import bundled_plan_paths, load_plans, run_plan_tests
    from gongbao.rules.check import verify

    plans = _run_or_exit(load_plans, files or bundled_plan_paths())
    total, failures = 0, []
    for p in plans.values():
        n, f = run_plan_tests(p)
        total, failures = total + n, failures + f
    db = db or (Path(DEFAULT_DB) if Path(DEFAULT_DB).exists() else None)
    if db is not None:
        conn = _read_db(db)
        failures += [x for p in plans.values() for x in verify(p.id, p.sources(), conn)]
    for f in failures:
        typer.echo(f"✗ {f}", err=True)
    checked = f"；出处已在 {db} 中核对" if db else "；未核对出处（没有数据库）"
    typer.echo(f"{len(plans)} 个预案，{total} 个用例，{len(failures)} 个问题{checked}。")
    if failures:
        raise typer.Exit(1)


@plans_app.command("docs")
def plans_docs() -> None:
    """生成 docs/plans.md（每个预案的事实项、分级与响应条件）。"""
    from gongbao.plans.docs import render_markdown
    from gongbao.plans.model import bundled_plans

    sys.stdout.write(render_markdown(_run_or_exit(bundled_plans)))


class RespondFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
def respond(
    plan: Annotated[str, typer.Argument(help="预案编号或文号（gongbao plans list 查看）")],
    facts: Annotated[
        Path | None, typer.Option("--facts", "-f", help="事实 JSON 文件，- 表示标准输入")
    ] = None,
    sets: Annotated[list[str] | None, typer.Option("--set", "-s", help="事实项 名称=值，可重复")] = None,
    at: Annotated[str | None, typer.Option("--at", help="事发时间，如 2024-03-05T14:20（默认现在）")] = None,
    format: Annotated[RespondFormat, typer.Option("--format", help="text 或 json")] = RespondFormat.text,
) -> None:
    """应急响应：按预案判定事件等级、响应级别、启动人，列出带截止时刻的报告检查单、工作组和升级时点。"""
    import datetime as dt

    from gongbao.plans.model import get_plan

    p = _run_or_exit(get_plan, plan)
    when = None
    if at:
        try:
            when = dt.datetime.fromisoformat(at.replace(" ", "T"))
        except ValueError:
            _err(f"--at 应为 YYYY-MM-DDTHH:MM，收到「{at}」")
            raise typer.Exit(2) from None
    case = _run_or_exit(_case, facts, sets or [])
    res = _run_or_exit(p.respond, case, when)
    if format is RespondFormat.json:
        typer.echo(json.dumps(res, ensure_ascii=False, indent=2))
        return
    from gongbao.plans.report import render_text

    typer.echo(render_text(res))


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"


@app.command("check")
def check_cmd(
    paths: Annotated[list[Path] | None, typer.Argument(help="公报文本文件或目录")] = None,
    db: Annotated[Path | None, typer.Option(help="检查数据库中已入库的全部公报")] = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="只运行某类检查，如 arithmetic、numbering")
    ] = None,
    format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="text、json 或 html")
    ] = CheckFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件")] = None,
) -> None:
    """公报校对：合计与分项、编号、目录与标题、数量与列举、电话、附件、引用标题、重复文字等问题。"""
    from gongbao.proof.core import check
    from gongbao.proof.report import check_source, render_html, render_text

    if not paths and db is None:
        _err("请指定要检查的公报文件，或用 --db 检查数据库中的公报")
        raise typer.Exit(2)
    reports: list[tuple[str, list]] = []
    failed = False
    for path in iter_inputs(paths or []):
        result = _parse_one(path)
        if result is None:
            failed = True
            continue
        reports.append((str(path), check(result, only)))
    if db is not None:
        conn = _read_db(db)
        for (sid,) in conn.execute("SELECT id FROM sources ORDER BY id").fetchall():
            src, findings = check_source(conn, sid)
            reports.append(
                (
                    src["path"],
                    [f for f in findings if not only or f.check.split(".")[0] in only or f.check in only],
                )
            )
    if format is CheckFormat.json:
        data = json.dumps(
            [{"source": s, "findings": [f.to_dict() for f in fs]} for s, fs in reports],
            ensure_ascii=False,
            indent=2,
        )
    elif format is CheckFormat.html:
        data = render_html(reports)
    else:
        data = "\n\n".join(render_text(s, fs) for s, fs in reports)
    if output:
        output.write_text(data, encoding="utf-8")
        typer.echo(f"已写入 {output}（{sum(len(fs) for _, fs in reports)} 处）", err=True)
    else:
        typer.echo(data)
    if failed:
        raise typer.Exit(1)


@app.command()
def serve(
    db: DbOption = Path(DEFAULT_DB),
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
) -> None:
    """启动网页界面与 JSON API（只读）。"""
    import uvicorn

    from gongbao.serve.app import create_app
    from gongbao.store.db import connect

    _connect(connect, db, create=False, readonly=True).close()
    typer.echo(f"gongbao 已启动：http://{host}:{port}/  （API 文档：http://{host}:{port}/docs）", err=True)
    uvicorn.run(create_app(db), host=host, port=port, log_level="warning")


def main() -> None:  # console-script entry point
    try:
        app()
    except KeyboardInterrupt:
        _err("已中断")
        sys.exit(130)


if __name__ == "__main__":
    main()
