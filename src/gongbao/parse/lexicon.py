"""Domain vocabulary read from data files: 文种, main-text kinds, issuer names.

Knowledge that grows lives in ``gongbao/data``; this module only reads it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from gongbao import patterns as P


@cache
def _data(name: str) -> dict:
    return json.loads(resources.files("gongbao.data").joinpath(name).read_text(encoding="utf-8"))


def doc_type_suffixes() -> list[tuple[str, str]]:
    return [tuple(p) for p in _data("doc_types.json")["doc_types"]]


def main_text_kinds() -> list[tuple[str, str]]:
    return [tuple(p) for p in _data("doc_types.json")["main_text_kinds"]]


#: Trailing qualifiers that follow the kind word: "（试行）", "(2021-2025)", "（修订）", "（简版）".
_TRAILING_PAREN = re.compile(r"(?:[（(][^（()）]{0,20}[）)]\s*)+$")


def strip_qualifiers(title: str) -> str:
    """Drop trailing parenthesised qualifiers and closing quotes: "办法（试行）》" → "办法"."""
    t = title.strip().rstrip("》”」 ")
    prev = None
    while prev != t:
        prev = t
        t = _TRAILING_PAREN.sub("", t).rstrip("》”」 ")
    return t


def doc_type_of(title: str) -> str | None:
    """The 文种 of a title: the last word, "紧急通知" → 通知; issuing titles that lost "的通知" → 通知.

    >>> doc_type_of("平顺县人民政府封山禁火令"), doc_type_of("关于加速优质企业上市工作的若干意见")
    ('令', '意见')
    >>> doc_type_of("关于实施市场主体倍增工程的实施方案"), doc_type_of("关于印发《创建》实施方案")
    ('实施方案', '通知')
    """
    t = strip_qualifiers(title)
    for suffix, canonical in doc_type_suffixes():
        if t.endswith(suffix):
            return canonical
    if re.search(r"关于(?:印发|转发|公布)", t):
        return "通知"
    return kind_of(t)


def kind_of(title: str) -> str | None:
    """The kind of an issued main text from its title: "…管理暂行办法（试行）" → 办法."""
    t = strip_qualifiers(title)
    for suffix, canonical in main_text_kinds():
        if t.endswith(suffix):
            return canonical
    return None


#: Names of issuing bodies: "平顺县人民政府办公室", "县发展改革和科学技术局", "中共平顺县委".
ISSUER_SUFFIX = (
    "人民政府办公室|人民政府办公厅|人民政府|政府办公室|办公室|办公厅|委员会|管理委员会|管委会|领导小组|指挥部|"
    "局|厅|委|办|院|部|署|总局|中心|公司|银行|分行|支行|大队|支队"
)
_ISSUER_ONLY = re.compile(rf"^(?:中共)?[{P.CJK}A-Za-z（）()]{{1,30}}?(?:{ISSUER_SUFFIX})$")


def split_issuer(title: str) -> tuple[str | None, str]:
    """Split a full title into (issuer, rest): the issuer is everything before "关于", else the
    longest leading name ending in an issuer suffix ("平顺县人民政府封山禁火令" → 平顺县人民政府).
    """
    i = title.find("关于")
    if i > 1:
        head = title[:i].strip()
        if _ISSUER_ONLY.match(head.replace(" ", "")) or len(head) <= 40:
            return head, title[i:]
    if i == 0:
        return None, title
    best = None
    for m in re.finditer(ISSUER_SUFFIX, title[:40]):
        head = title[: m.end()]
        if _ISSUER_ONLY.match(head) and m.end() < len(title):
            best = head
    return (best, title[len(best) :]) if best else (None, title)


def is_issuer_name(text: str) -> bool:
    """True for a line that is only an issuer's name (a signature): "平顺县人民政府办公室"."""
    t = "".join(text.split())
    return bool(_ISSUER_ONLY.match(t)) and len(t) <= 40
