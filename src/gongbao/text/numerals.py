"""Chinese numerals to integers (第二十三条 → 23, 二〇二三年 → 2023), via cn2an.

cn2an is imported lazily: it takes a few hundred milliseconds to load and many inputs never need it.
"""

from __future__ import annotations

from functools import lru_cache

_DIGIT = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


@lru_cache(maxsize=4096)
def to_int(text: str) -> int | None:
    """Convert "23", "二十三", "十", "两", "二〇二三" (digit by digit) to an int; None if not a number.

    >>> [to_int(s) for s in ("23", "二十三", "十", "两", "二〇二三", "百零五", "abc")]
    [23, 23, 10, 2, 2023, 105, None]
    """
    s = text.strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if all(ch in _DIGIT for ch in s) and len(s) > 1:  # 二〇二三: positional digits, no 十/百
        return int("".join(str(_DIGIT[ch]) for ch in s))
    if s in _DIGIT:
        return _DIGIT[s]
    import cn2an

    try:
        value = cn2an.cn2an(s.replace("两", "二"), "smart")
    except (ValueError, KeyError, TypeError, IndexError):
        if s[0] in "百千" and len(s) > 1:  # "百零五" written without the leading 一
            return to_int("一" + s)
        return None
    return int(value) if float(value).is_integer() else None
