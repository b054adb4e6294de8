"""Amounts as printed (``4,125.06``, blank, ``-``) to exact decimals."""

from __future__ import annotations

import re
from decimal import Decimal

AMOUNT_FIELDS = ("total", "fiscal", "special_account", "other")
AMOUNT_LABELS = {"total": "总计", "fiscal": "财政拨款", "special_account": "财政专户拨款", "other": "其他资金"}
_EMPTY = {"", "-", "—", "－", "--", "——"}
_AMOUNT_RE = re.compile(r"[-－]?\s*(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?")


class AmountError(ValueError):
    """The text of an amount cell is not a number."""


def parse_amount(text: str | None) -> Decimal | None:
    """``"4,125.06"`` → ``Decimal("4125.06")``; blank or a dash → ``None``; anything else raises."""
    s = re.sub(r"\s+", "", text or "")
    if s in _EMPTY:
        return None
    if not _AMOUNT_RE.fullmatch(s):
        raise AmountError(f"not an amount: {text!r}")
    return Decimal(s.replace(",", "").replace("，", "").replace("－", "-"))


def looks_like_amount(text: str | None) -> bool:
    s = re.sub(r"\s+", "", text or "")
    return bool(s) and bool(_AMOUNT_RE.fullmatch(s))


def fmt(value: Decimal | None) -> str:
    return "空" if value is None else f"{value:,.2f}"


__all__ = ["AMOUNT_FIELDS", "AMOUNT_LABELS", "AmountError", "fmt", "looks_like_amount", "parse_amount"]
