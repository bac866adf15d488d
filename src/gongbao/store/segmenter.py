"""Chinese word segmentation for the full-text index (rjieba + gongbao's dictionary of government terms).

Documents are indexed in search mode (``cut_for_search``: "平顺县人民政府" → 平顺 平顺县 人民 政府 人民政府 …)
so that a query for either the long word or its parts matches; queries are cut in default mode.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import rjieba

#: Tokens worth indexing: CJK words, numbers, Latin words. Punctuation and spaces are dropped.
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")
#: Function words that carry no meaning in a query.
STOPWORDS = frozenset(
    "的 了 和 与 及 或 在 对 是 为 把 被 等 之 其 于 以 而 并 由 从 向 关于 有关 怎么 如何 什么 哪些 吗 呢".split()
)


@cache
def segmenter() -> rjieba.Jieba:
    jieba = rjieba.Jieba()
    text = resources.files("gongbao.data").joinpath("segment_dict.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, *freq = line.split()
        jieba.add_word(word, int(freq[0]) if freq else 200_000, None)
        if len(word) >= 4 and word[0] in "县市省" and word[-1] in "局委办":
            jieba.add_word(word[1:], 100_000, None)  # "县发改局" is also written "发改局"
    return jieba


def index_tokens(text: str) -> str:
    """Space-separated search-mode tokens of ``text``, for an FTS5 column."""
    return " ".join(t for t in segmenter().cut_for_search(text) if _WORDLIKE.search(t))


def query_tokens(query: str) -> list[str]:
    """The words of a user query (default mode, stopwords and punctuation removed, order kept, no repeats)."""
    seen: dict[str, None] = {}
    for t in segmenter().cut(query):
        t = t.strip()
        if t and _WORDLIKE.search(t) and t not in STOPWORDS:
            seen.setdefault(t, None)
    return list(seen)
