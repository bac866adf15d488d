"""Deadlines, recurring schedules and targets in the words of a task.

    >>> d = find_deadline("2023年10月底前完成清查。", dt.date(2023, 7, 1))
    >>> d.date, d.kind
    ('2023-10-31', 'absolute')
    >>> find_deadline("自印发之日起1个月内上报。", dt.date(2023, 7, 14)).date
    '2023-08-14'
    >>> find_schedule("每月10日、25日前报送进展情况").rrule
    'FREQ=MONTHLY;BYMONTHDAY=10,25'

Forms understood:
  absolute   2023年10月底前 · 8月20日前 (year of the document) · 年底前 · 上半年 · 三季度末 · (2023年11月5日前)
             · 2022年6月—7月 (the end of a phase) · 2025年底前
  relative   印发之日起1个月内 / 30日内 / 15个工作日内 (from the signing date; 工作日 follow the official holiday
             calendar) · 接到补助资金后一年内, 交房日期六十日前 (from an event: no date, the rule is kept)
  recurring  每月10日、25日 · 每月底前 · 每季度首月5日前 · 每半年 · 每年三月底前 · 每周 · 每年 …
  target     到2025年，水土保持率达到66.11% · 新增市场主体4522户
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from gongbao.parse.dates import add_months, add_years
from gongbao.text.numerals import to_int

N = r"(?:\d{1,4}|[一二三四五六七八九十两百]{1,4})"


@dataclass
class Deadline:
    kind: (
        str  # "absolute" | "relative" | "event" | "phase" | "horizon" (到2025年: the year an aim is set for)
    )
    date: str | None  # ISO date when it can be computed
    text: str  # the words as printed
    note: str | None = None  # why there is no date, or how it was computed


@dataclass
class Schedule:
    text: str
    rrule: str  # RFC 5545 recurrence rule
    description: str  # in Chinese


@dataclass
class Target:
    text: str
    year: int | None
    value: float
    unit: str | None


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _num(s: str | None) -> int | None:
    return to_int(s) if s else None


_PERIOD_END = {"上半年": 6, "下半年": 12, "一季度": 3, "二季度": 6, "三季度": 9, "四季度": 12}
_ABS = re.compile(
    rf"(?:(?P<y>20\d\d)\s*年)?\s*(?P<m>{N})\s*月\s*(?:(?P<d>{N})\s*日|(?P<end>底|末|下旬|中旬|上旬))?\s*(?P<before>前|之前|以前|完成|截止)"
)
_YEAR_END = re.compile(
    r"(?P<y>20\d\d)\s*年\s*(?:年)?(?:底|末|内)(?:前)?|(?<![\d月一二三四五六七八九十两半])(?:年底前|年底|年内|年末前|年末)"
)
_PERIOD = re.compile(
    r"(?:(?P<y>20\d\d)\s*年\s*)?(?:第)?(?P<p>上半年|下半年|[一二三四]季度)(?:末|底)?(?:前|完成)?"
)
_PHASE = re.compile(
    rf"[（(]\s*(?:(?P<y1>20\d\d)\s*年)?\s*(?P<m1>{N})\s*月(?:\s*(?P<d1>{N})\s*日)?(?:\s*[—\-－至到~～]\s*(?:(?P<y2>20\d\d)\s*年)?\s*(?P<m2>{N})\s*月(?:\s*(?P<d2>{N})\s*日)?)?\s*(?:底|前|之前)?\s*[）)]"
)
_BY_YEAR = re.compile(r"(?<!截)(?:到|至|于)\s*(?P<y>20\d\d)\s*年(?:底|末)?(?:前)?")
_RELATIVE = re.compile(
    rf"(?P<anchor>(?:自|从)?\s*(?P<event>[^，。；、\s]{{2,14}}?)(?:之日起|之日|起|后))\s*(?P<n>{N})\s*(?:个)?\s*(?P<unit>工作日|日|天|周|个月|月|年)(?:内|以内|之内)"
)
_BARE_WITHIN = re.compile(rf"(?P<n>{N})\s*(?:个)?\s*(?P<unit>工作日|日|天)(?:内|以内|之内)")
_BEFORE_EVENT = re.compile(
    rf"(?P<event>[^，。；、\s\d（）()年月]{{2,10}}?)(?P<n>{N})\s*(?:个)?\s*(?P<unit>工作日|日|天|个月)前"
)
#: Anchors that mean "the document itself": its signing/publication date is known.
_SELF_ANCHORS = ("印发", "发布", "公布", "下发", "施行", "实施", "本通知", "本方案", "本办法")


def add_working_days(start: dt.date, n: int) -> tuple[dt.date, str | None]:
    """``start`` + ``n`` working days on the official calendar (chinese_calendar). Beyond the calendar's
    years only weekends are skipped, and the note says so."""
    import chinese_calendar

    day, note = start, None
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        try:
            working = chinese_calendar.is_workday(day)
        except NotImplementedError:
            working = day.weekday() < 5
            note = f"{day.year}年的法定节假日安排尚未收录，按周末计算工作日"
        counted += working
    return day, note


def _shift(start: dt.date, n: int, unit: str) -> tuple[dt.date, str | None]:
    if unit == "工作日":
        return add_working_days(start, n)
    if unit in ("日", "天"):
        return start + dt.timedelta(days=n), None
    if unit == "周":
        return start + dt.timedelta(weeks=n), None
    if unit in ("个月", "月"):
        return add_months(start, n), None
    return add_years(start, n), None


def _trim_event(event: str) -> str:
    """The event itself, without the words before it: "补助资金应在接到补助资金" → 接到补助资金."""
    return re.split(r"应在|应于|在|于|约定|按照|按|的", event)[-1] or event


def find_deadline(text: str, signed: dt.date | None) -> Deadline | None:
    """The first deadline stated in ``text``; ``signed`` is the document's date (year and anchor)."""
    year = signed.year if signed else None
    found: list[tuple[int, Deadline]] = []
    for m in _PHASE.finditer(text):
        y = int(m.group("y2") or m.group("y1") or 0) or year
        month = _num(m.group("m2") or m.group("m1"))
        day = _num(m.group("d2") or m.group("d1"))
        if y and month and 1 <= month <= 12:
            date = dt.date(y, month, day) if day else _last_day(y, month)
            found.append((m.start(), Deadline("phase", date.isoformat(), m.group(0))))
    for m in _ABS.finditer(text):
        if text[max(0, m.start() - 2) : m.start()] in ("截至", "截止"):
            continue  # "截至2023年12月31日": as of, not by
        y = int(m.group("y")) if m.group("y") else year
        month, day = _num(m.group("m")), _num(m.group("d"))
        if not y or not month or not 1 <= month <= 12:
            continue
        try:
            if day:
                date = dt.date(y, month, day)
            else:
                date = {"上旬": dt.date(y, month, 10), "中旬": dt.date(y, month, 20)}.get(
                    m.group("end") or "", _last_day(y, month)
                )
        except ValueError:
            continue
        note = None if m.group("y") else f"年份按文件成文年份{y}年推定"
        found.append((m.start(), Deadline("absolute", date.isoformat(), m.group(0).strip(), note)))
    for m in _PERIOD.finditer(text):
        y = int(m.group("y")) if m.group("y") else year
        if y:
            found.append(
                (
                    m.start(),
                    Deadline("absolute", _last_day(y, _PERIOD_END[m.group("p")]).isoformat(), m.group(0)),
                )
            )
    for m in _YEAR_END.finditer(text):
        y = int(m.group("y")) if m.group("y") else year
        if y:
            implied = None if m.group("y") else "年份按文件成文年份推定；“年底”也常指每年年底"
            found.append(
                (m.start(), Deadline("absolute", dt.date(y, 12, 31).isoformat(), m.group(0), implied))
            )
    for m in _RELATIVE.finditer(text):
        n, unit, event = _num(m.group("n")), m.group("unit"), m.group("event")
        if not n:
            continue
        if any(a in event for a in _SELF_ANCHORS) and signed:
            date, note = _shift(signed, n, unit)
            found.append(
                (
                    m.start(),
                    Deadline("relative", date.isoformat(), m.group(0).strip(), note or "自成文日期起算"),
                )
            )
        else:
            short = _trim_event(event)
            words = text[m.start("event") + event.rfind(short) : m.end()]
            found.append((m.start(), Deadline("event", None, words, f"自“{short}”起算，日期取决于该事件")))
    for m in _BEFORE_EVENT.finditer(text):
        event = _trim_event(m.group("event"))
        words = text[m.end("event") - len(event) : m.end()]
        found.append((m.start(), Deadline("event", None, words, f"在“{event}”之前，日期取决于该事件")))
    if not found:
        for m in _BARE_WITHIN.finditer(text):
            found.append(
                (m.start(), Deadline("event", None, m.group(0), "起算日未写明（通常为收到申请或通知之日）"))
            )
    if not found:
        for m in _BY_YEAR.finditer(text):
            found.append(
                (
                    m.start(),
                    Deadline(
                        "horizon",
                        dt.date(int(m.group("y")), 12, 31).isoformat(),
                        m.group(0),
                        "“到某年”：目标年份的年底",
                    ),
                )
            )
    if not found:
        return None
    dated = [f for f in found if f[1].date]  # a computable date wins over an event-dependent one
    return min(dated or found, key=lambda x: x[0])[1]


_WEEKDAYS = {"一": "MO", "二": "TU", "三": "WE", "四": "TH", "五": "FR", "六": "SA", "日": "SU", "天": "SU"}
_EVERY = re.compile(r"每(?P<unit>个工作日|工作日|日|天|周|旬|月|季度|季|半年|年)")


def find_schedule(text: str) -> Schedule | None:
    """A recurring duty: 每月10日、25日 · 每季度首月5日前 · 每半年 · 每年三月底前 · 每周一 …"""
    m = _EVERY.search(text)
    if not m:
        return None
    unit = m.group("unit")
    rest = text[m.end() : m.end() + 24]
    clause = re.split(r"[，。；,;]", text[m.start() :])[0]
    if unit in ("日", "天", "工作日", "个工作日"):
        return Schedule(clause, "FREQ=DAILY" + (";BYDAY=MO,TU,WE,TH,FR" if "工作日" in unit else ""), "每天")
    if unit == "周":
        wd = re.match(r"[星期周]*(?P<d>[一二三四五六日天])", rest)
        day = f";BYDAY={_WEEKDAYS[wd.group('d')]}" if wd else ""
        return Schedule(clause, "FREQ=WEEKLY" + day, "每周" + (f"星期{wd.group('d')}" if wd else ""))
    if unit == "旬":
        return Schedule(clause, "FREQ=MONTHLY;BYMONTHDAY=10,20,-1", "每旬末")
    if unit == "月":
        days = re.match(rf"\s*(?P<days>{N}\s*日(?:\s*[、和及]\s*{N}\s*日)*)", rest)
        if days:
            nums = [str(_num(x)) for x in re.findall(N, days.group("days"))]
            return Schedule(clause, f"FREQ=MONTHLY;BYMONTHDAY={','.join(nums)}", f"每月{'、'.join(nums)}日")
        if re.match(r"\s*(?:底|末)", rest):
            return Schedule(clause, "FREQ=MONTHLY;BYMONTHDAY=-1", "每月月底")
        return Schedule(clause, "FREQ=MONTHLY", "每月")
    if unit in ("季度", "季"):
        first = re.match(rf"\s*(?:首月|第一个月)\s*(?P<d>{N})\s*日", rest)
        if first:
            return Schedule(
                clause,
                f"FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY={_num(first.group('d'))}",
                f"每季度首月{_num(first.group('d'))}日",
            )
        if re.match(r"\s*(?:末|底|结束后)", rest):
            return Schedule(clause, "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1", "每季度末")
        return Schedule(clause, "FREQ=MONTHLY;INTERVAL=3", "每季度")
    if unit == "半年":
        return Schedule(clause, "FREQ=MONTHLY;INTERVAL=6", "每半年")
    month = re.match(rf"\s*(?P<m>{N})\s*月\s*(?:(?P<d>{N})\s*日|(?P<end>底|末))?", rest)
    if month and (mo := _num(month.group("m"))) and 1 <= mo <= 12:
        day = _num(month.group("d")) if month.group("d") else -1
        return Schedule(
            clause,
            f"FREQ=YEARLY;BYMONTH={mo};BYMONTHDAY={day}",
            f"每年{mo}月" + (f"{day}日" if day > 0 else "底"),
        )
    return Schedule(clause, "FREQ=YEARLY", "每年")


_TARGET_BY = re.compile(
    r"(?:到|至)\s*(?P<y>20\d\d)\s*年(?:底|末)?\s*[，,]?\s*(?P<what>[^。；，,]{2,30}?)(?:达到|达|提高到|提升到|增长到|控制在|稳定在|不低于|保持在|超过)\s*"
    r"(?P<v>\d+(?:\.\d+)?)\s*(?P<u>%|％|个百分点|万户|户|家|个|万元|亿元|万亩|亩|公里|千米|人次|人|所|座|处|项|吨|万吨)?"
)
_TARGET_NEW = re.compile(
    r"(?P<what>(?:新增|新建|培育|建成|创建|打造|完成)[^0-9，。；,;]{1,14}?)\s*(?P<v>\d+(?:\.\d+)?)\s*(?P<u>万户|户|家|个|万亩|亩|公里|千米|人次|人|所|座|处|项|吨|万吨)"
)


def find_target(text: str) -> Target | None:
    """A quantitative target: "到2025年，水土保持率达到66.11%", "新增市场主体4522户"."""
    m = _TARGET_BY.search(text)
    if m:
        return Target(
            m.group(0),
            int(m.group("y")),
            float(m.group("v")),
            (m.group("u") or "").replace("％", "%") or None,
        )
    m = _TARGET_NEW.search(text)
    if m:
        year = re.search(r"(20\d\d)\s*年", text[: m.start()])
        return Target(m.group(0), int(year.group(1)) if year else None, float(m.group("v")), m.group("u"))
    return None
