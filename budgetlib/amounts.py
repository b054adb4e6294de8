"""Amounts as printed (``4,125.06``, blank, ``-``) to exact decimals, kept exact to the output files.

In tables amounts are ``AMOUNT_DTYPE`` (a decimal with six places, Arrow-backed; Parquet stores it as
decimal128), never floats: nothing is rounded between the cell and the file.  Six places, because 北京's
tables print 万元 to the yuan's hundredth (``9.574090`` 万元 is 95,740.90 元); a printed amount with more
than six decimals is not read (``amount_unparsed``) rather than rounded.  Written out (CSV, messages) an
amount shows two decimals, or as many as it has beyond them (``9.57409``): never fewer than it holds.
``in_wan`` converts amounts of tables in 元, 千元 or 亿元 to 万元 (as floats, for charts only).
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

import pandas as pd
import pyarrow as pa

AMOUNT_FIELDS = ("total", "fiscal", "special_account", "other")
AMOUNT_LABELS = {"total": "总计", "fiscal": "财政拨款", "special_account": "财政专户拨款", "other": "其他资金"}
_EMPTY = {"", "-", "—", "－", "--", "——"}
_AMOUNT_RE = re.compile(r"[-－]?\s*(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?")
PLACES = 6  # decimals an amount may print and the tables hold
AMOUNT_DTYPE = pd.ArrowDtype(pa.decimal128(24, PLACES))
# how many 万元 one of the table's units is; amounts of different units are never added unconverted
WAN_PER_UNIT = {"万元": Decimal(1), "元": Decimal("0.0001"), "千元": Decimal("0.1"), "亿元": Decimal(10000)}


class AmountError(ValueError):
    """The text of an amount cell is not a number."""


# thousands set apart by thin or no-break spaces (``1 234 567.89``): groups of three, nothing else
_SPACE_GROUPED = re.compile(r"[-－]?\d{1,3}(?:[\u2009\u202f\u00a0\u2007]\d{3})+(?:\.\d+)?")


def _two_numbers(text: str) -> bool:
    """Whether white space in ``text`` stands between two whole numbers (``1234 5678``, ``12.50 30.00``: the
    amounts of two rows in one cell), not inside one number that a line wrap or a gap cut
    (``4,125. 06``, ``1,234 ,567.89``, ``- 5.00``)."""
    parts = text.split()
    return any(_AMOUNT_RE.fullmatch(a) and _AMOUNT_RE.fullmatch(b) and b[0] not in "-－"
               for a, b in itertools.pairwise(parts))


def parse_amount(text: str | None, places: int = PLACES) -> Decimal | None:
    """``"4,125.06"`` → ``Decimal("4125.06")``; blank or a dash → ``None``; anything else raises — two
    numbers in one cell (``"1234 5678"``) included: they are never read as one; so does a number with more than
    ``places`` decimals (a layout's own: the seed's tables print cents, a third decimal is their misprint)."""
    text = (text or "").strip()
    if _SPACE_GROUPED.fullmatch(text):
        text = re.sub(r"\s", "", text)
    if _two_numbers(text):
        raise AmountError(f"holds two numbers: {text!r}")
    s = re.sub(r"\s+", "", text)
    if s in _EMPTY:
        return None
    if not _AMOUNT_RE.fullmatch(s):
        raise AmountError(f"is not a number: {text!r}")
    value = Decimal(s.replace(",", "").replace("，", "").replace("－", "-"))
    if value.as_tuple().exponent < -places:  # not rounded, flagged
        raise AmountError(f"has more than {places} decimals: {text!r}")
    return value


def looks_like_amount(text: str | None) -> bool:
    s = re.sub(r"\s+", "", text or "")
    return bool(s) and bool(_AMOUNT_RE.fullmatch(s))


def exact_text(value: Decimal, grouped: bool = False) -> str:
    """``value`` with two decimals, or as many as it holds beyond them (``9.57409``, ``675.97``, ``3.00``)."""
    places = max(2, -min(0, value.normalize().as_tuple().exponent)) if value.is_finite() else 2
    return f"{value:,.{places}f}" if grouped else f"{value:.{places}f}"


def format_amount(value: object) -> str:
    """An amount as written to CSV: exact (``exact_text``), no thousands separator; empty for a blank cell."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return exact_text(Decimal(value)) if not isinstance(value, float) else f"{value:.2f}"


def in_wan(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its amount columns as float 万元, converted by its ``amount_unit`` column; rows whose
    unit is not known (no 单位 line in the PDF) are left out, since adding them would mix units."""
    out = df[df["amount_unit"].isin(list(WAN_PER_UNIT))].copy() if "amount_unit" in df.columns else df.copy()
    factor = (out["amount_unit"].map(lambda u: float(WAN_PER_UNIT[u])).astype("float64")
              if "amount_unit" in out.columns else 1.0)
    for f in AMOUNT_FIELDS:
        if f in out.columns:
            out[f] = out[f].astype("float64") * factor
    return out


def fmt(value: Decimal | None) -> str:
    return "空" if value is None else exact_text(value, grouped=True)


__all__ = [
    "AMOUNT_DTYPE",
    "AMOUNT_FIELDS",
    "AMOUNT_LABELS",
    "PLACES",
    "WAN_PER_UNIT",
    "AmountError",
    "exact_text",
    "fmt",
    "format_amount",
    "in_wan",
    "looks_like_amount",
    "parse_amount",
]
