"""Batch mode for 免申即享: evaluate one rule over a table of profiles (CSV or XLSX).

Reads: a table whose header names the rule's inputs (English names or the Chinese labels; extra
columns such as 姓名 or 身份证号 are carried through untouched). Writes: the same rows followed by
是否符合, 未通过条件, each output (and each payer's share), and 输入问题 for rows that were refused.
A refused row never gets an amount.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongbao.errors import InputError
from gongbao.rules.book import Rule
from gongbao.rules.quantity import as_json_number
from gongbao.text.decode import decode_bytes


@dataclass
class BatchSummary:
    rows: int = 0
    eligible: int = 0
    refused: int = 0


def read_table(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Header and rows of a CSV (any encoding Excel writes) or XLSX file."""
    if not path.exists():
        raise InputError("文件不存在 (no such file)", str(path))
    data = path.read_bytes()
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            raise InputError(f"无法读取 Excel 文件：{exc}", str(path)) from None
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        rows = [r for r in rows if any(c not in (None, "") for c in r)]
        if not rows:
            raise InputError("表格为空", str(path))
        header = [str(c).strip() if c is not None else "" for c in rows[0]]
        return header, [dict(zip(header, r, strict=False)) for r in rows[1:]]
    text, _ = decode_bytes(data, str(path))
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    return header, list(reader)


def evaluate_rows(
    rule: Rule, header: list[str], rows: Iterable[dict[str, Any]], summary: BatchSummary
) -> Iterator[dict[str, Any]]:
    """Each row with its result columns added (fast path, no explanations)."""
    names, _ = rule.names_of(header)  # other columns are carried through untouched
    pairs = list(names.items())
    columns = {
        key: _column(rule, key)
        for o in rule.outputs.values()
        for key in (o.name, *(f"{o.name}.{p}" for p in o.split))
    }
    for row in rows:
        summary.rows += 1
        env, problems = rule.coerce_named({name: row.get(h) for h, name in pairs})
        out = dict(row)
        if problems:
            summary.refused += 1
            out.update({"是否符合": "", "未通过条件": "", "输入问题": "；".join(problems)})
            yield out
            continue
        eligible, amounts = rule.fast(env)
        summary.eligible += eligible
        failed = "" if eligible else "、".join(c.label for c in rule.eligibility if not c.test.value(env))
        out.update({"是否符合": "是" if eligible else "否", "未通过条件": failed, "输入问题": ""})
        for key, v in amounts.items():
            out[columns[key]] = v if isinstance(v, bool) else as_json_number(v)
        yield out


def _column(rule: Rule, key: str) -> str:
    name, _, part = key.partition(".")
    o = rule.outputs[name]
    label = f"{o.label}（{o.unit}）" if o.unit else o.label
    return f"{label}·{part}承担" if part else label


def result_columns(rule: Rule) -> list[str]:
    cols = ["是否符合", "未通过条件"]
    for o in rule.outputs.values():
        cols.append(_column(rule, o.name))
        cols += [_column(rule, f"{o.name}.{p}") for p in o.split]
    return cols + ["输入问题"]


def write_table(path: Path, header: list[str], rows: Iterable[dict[str, Any]]) -> None:
    """CSV (UTF-8 with BOM, opens in Excel) or XLSX, by the file's suffix; written atomically."""
    tmp = path.with_name(path.name + ".part")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("计算结果")
        ws.freeze_panes = "A2"
        bold = Font(bold=True)
        from openpyxl.cell import WriteOnlyCell

        cells = []
        for h in header:
            c = WriteOnlyCell(ws, value=h)
            c.font = bold
            cells.append(c)
        ws.append(cells)
        for r in rows:
            ws.append([r.get(h) for h in header])
        wb.save(tmp)
    else:
        with tmp.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
            w.writeheader()
            w.writerows(rows)
    tmp.replace(path)
