"""Quantities as the documents write them: ``500万元``, ``15元/亩``, ``6‰``, ``50%``.

Every amount is a :class:`~decimal.Decimal`. Money is always held in 元; ``万``/``亿`` are magnitudes
(``500万元`` → 5000000 元, ``10万亩`` → 100000 亩). Percentages and per-mille become fractions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

MAGNITUDE = {"": Decimal(1), "万": Decimal(10_000), "亿": Decimal(100_000_000)}
_QTY = re.compile(r"^(?P<num>[+-]?\d+(?:\.\d+)?)\s*(?P<mag>[万亿]?)\s*(?P<unit>[^\d\s万亿][^\d]*)?$")


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: str  # "元", "元/亩", "亩", "%" (a fraction written as percent), "‰", "" (pure number)
    text: str  # as written in the rulebook, for explanations


def parse_quantity(raw: object) -> Quantity:
    """``"500万元"`` → Quantity(5000000, "元"); ``"6‰"`` → Quantity(0.006, "‰"); ``3`` → Quantity(3, "").

    Raises ValueError with a Chinese message on anything else (booleans included).
    """
    if isinstance(raw, bool) or raw is None:
        raise ValueError(f"不是数量: {raw!r}")
    if isinstance(raw, int | float | Decimal):
        return Quantity(Decimal(str(raw)), "", _plain(Decimal(str(raw))))
    if not isinstance(raw, str):
        raise ValueError(f"不是数量: {raw!r}")
    text = raw.strip().replace(",", "").replace("，", "")
    m = _QTY.match(text)
    if not m:
        raise ValueError(f"无法识别的数量「{raw}」（应如 500万元、15元/亩、6‰、50%）")
    num = Decimal(m["num"]) * MAGNITUDE[m["mag"]]
    unit = (m["unit"] or "").strip()
    if unit in ("%", "％"):
        return Quantity(num / 100, "%", raw.strip())
    if unit == "‰":
        return Quantity(num / 1000, "‰", raw.strip())
    return Quantity(num, unit, raw.strip())


def to_decimal(raw: object) -> Decimal:
    """A plain number from YAML or user input (int, float, numeric string, or a quantity string)."""
    return parse_quantity(raw).value


def _plain(v: Decimal) -> str:
    if v == v.to_integral_value():
        return f"{int(v):,}"
    return f"{v.normalize():,f}"


def fmt(value: object, unit: str = "") -> str:
    """A value for an explanation: ``5,000,000 元（500万元）``, ``3%``, ``是``."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if not isinstance(value, Decimal):
        return str(value)
    if unit in ("%", "‰"):
        return _plain(value * (100 if unit == "%" else 1000)) + unit
    text = _plain(value)
    if unit == "元":
        for mag, word in ((MAGNITUDE["亿"], "亿"), (MAGNITUDE["万"], "万")):
            big = value / mag
            if abs(value) >= mag and big == big.quantize(Decimal("0.01")):
                return f"{text} 元（{_plain(big)}{word}元）"
    return f"{text} {unit}" if unit else text


def as_json_number(v: Decimal) -> int | float:
    return int(v) if v == v.to_integral_value() else float(v)
