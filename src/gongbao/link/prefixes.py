"""Who issued a cited document, and at what level, from the 机关代字 of its 文号 (data/issuer_prefixes.json).

>>> issuer_of("晋政办发"), issuer_of("长政发"), issuer_of("国办发"), issuer_of("阳发")
(('山西省人民政府办公厅', 'province'), ('长治市人民政府', 'city'), ('国务院办公厅', 'national'), ('中共阳城县委', 'county'))
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

LEVELS = {"national": "国家", "province": "省", "city": "市", "county": "县"}


@cache
def _table() -> dict:
    return json.loads(
        resources.files("gongbao.data").joinpath("issuer_prefixes.json").read_text(encoding="utf-8")
    )


def issuer_of(prefix: str | None) -> tuple[str | None, str | None]:
    """(issuing body, level) for a 机关代字 such as "晋政办发" or an order prefix such as "国务院令"; Nones if unknown."""
    if not prefix:
        return None, None
    t = _table()
    for code, issuer, level in t["exact"]:
        if prefix == code:
            return issuer, level
    region = next(
        ((code, name, level) for code, name, level in t["regions"] if prefix.startswith(code)), None
    )
    if region is None:
        return None, None
    code, name, level = region
    rest = prefix[len(code) :]
    for body, high, low in t["bodies"]:
        if rest == body:
            template = high if level in ("national", "province") else low
            return template.format(region=name), level
    return None, level
