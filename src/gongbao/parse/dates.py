"""Dates written the Chinese way: "2023年10月12日", "2023 年 10 月 12 日", "二〇二三年十月十二日"."""

from __future__ import annotations

import datetime as dt

from gongbao import patterns as P
from gongbao.text.numerals import to_int


def parse_date(text: str) -> dt.date | None:
    """The first valid date in ``text``, or None.

    >>> parse_date("2023 年 10 月 12 日"), parse_date("二〇二三年十月十二日"), parse_date("2023年2月30日")
    (datetime.date(2023, 10, 12), datetime.date(2023, 10, 12), None)
    """
    for rx in (P.DATE, P.DATE_CN):
        for m in rx.finditer(text):
            y, mo, d = (to_int(m.group(k)) for k in ("y", "m", "d"))
            if y and mo and d:
                try:
                    return dt.date(y, mo, d)
                except ValueError:
                    continue
    return None


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)
