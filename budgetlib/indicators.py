"""The 绩效指标 cell: ``1、1-产出指标；11-数量指标；名称；实施周期指标值:100%；年度指标值:100%。2、…``.

``parse_indicators`` splits the cell into its numbered items and reads each one into codes,
names and the two target values, exactly as printed (outer white space stripped).  An item that
does not follow the pattern is kept whole in ``raw`` with ``parsed=False``, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from .values import Value, parse_value

_SEP = "[；;]"


def _spaced(label: str) -> str:
    """A printed label: a producer may set a gap (read as a space) between any two of its characters."""
    return r"\s*".join(map(re.escape, label))


_PERIOD, _ANNUAL = _spaced("实施周期指标值"), _spaced("年度指标值")
_COLON = "[:：]"
# an item starts at the beginning or after the previous item's 。 with "N、" and a "D-" code
_START = re.compile(r"(?:^|(?<=[。.]))\s*(\d+)\s*[、,，.]\s*(?=\d+\s*[-－—])")
_ITEM = re.compile(
    rf"\s*(?P<seq>\d+)\s*[、,，.]\s*(?P<l1c>\d+)\s*[-－—]\s*(?P<l1>[^；;]*?)\s*{_SEP}"
    rf"\s*(?P<l2c>\d+)\s*[-－—]\s*(?P<l2>[^；;]*?)\s*{_SEP}"
    rf"(?P<name>.*?){_SEP}\s*{_PERIOD}\s*{_COLON}(?P<period>.*?){_SEP}"
    rf"\s*{_ANNUAL}\s*{_COLON}(?P<annual>.*?)[。.]?\s*",
    re.S,
)


@dataclass(frozen=True)
class Indicator:
    seq: int | None
    level1_code: int | None
    level1: str | None
    level2_code: int | None
    level2: str | None
    indicator: str | None
    period_value: str | None
    annual_value: str | None
    raw: str
    parsed: bool = True

    @property
    def annual(self) -> Value:
        return parse_value(self.annual_value or "")

    @property
    def period(self) -> Value:
        return parse_value(self.period_value or "")


_UNCLOSED = _ANNUAL + r"\s*[:：][^。]*?({n})\s*、\s*\d+\s*[-－—]\s*[^；;。]{{1,12}}指标\s*[；;]"


def split_items(text: str) -> list[str]:
    """Cut the cell at every item number ("N、" followed by a level-1 code), and where an item is not
    closed by 。 (``…年度指标值:优良2、1-产出指标；…``) before the number that continues the sequence,
    followed by a whole level-1 code and name; ``unclosed`` tells such items apart."""
    starts = [m.start() for m in _START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    bounds = [*starts, len(text)]
    items = [text[a:b] for a, b in pairwise(bounds) if text[a:b].strip()]
    out: list[str] = []
    for item in items:
        while True:
            seq = re.match(r"\s*(\d+)\s*[、,，.]", item)
            m = re.search(_UNCLOSED.format(n=int(seq.group(1)) + 1), item) if seq else None
            if m is None:
                out.append(item)
                break
            out.append(item[: m.start(1)])
            item = item[m.start(1):]
    return out


def unclosed(item: str) -> bool:
    """Whether an item's text ends without the 。 that closes it."""
    return not item.rstrip().endswith(("。", "."))


def parse_item(chunk: str) -> Indicator:
    m = _ITEM.fullmatch(chunk)
    if m is None:
        seq = re.match(r"\s*(\d+)\s*、", chunk)
        return Indicator(int(seq.group(1)) if seq else None, None, None, None, None, None, None, None,
                         raw=chunk.strip(), parsed=False)
    return Indicator(
        seq=int(m["seq"]),
        level1_code=int(m["l1c"]),
        level1=m["l1"].strip(),
        level2_code=int(m["l2c"]),
        level2=m["l2"].strip(),
        indicator=m["name"].strip(),
        period_value=m["period"].strip(),
        annual_value=m["annual"].strip(),
        raw=chunk.strip(),
    )


def parse_indicators(text: str) -> list[Indicator]:
    """All items of one 绩效指标 cell, in printed order."""
    if not text or not text.strip():
        return []
    return [parse_item(chunk) for chunk in split_items(text)]


__all__ = ["Indicator", "parse_indicators", "parse_item", "split_items", "unclosed"]
