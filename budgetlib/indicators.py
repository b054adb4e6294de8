"""The 绩效指标 cell: ``1、1-产出指标；11-数量指标；名称；实施周期指标值:100%；年度指标值:100%。2、…``.

``parse_indicators`` splits the cell into its numbered items and reads each one into codes, names and the
two target values, exactly as printed (outer white space stripped).  An item that does not follow the
pattern is kept whole in ``raw`` with ``parsed=False``, never dropped.

The grammar is the one real exports print, not one producer's:

- an item's number ``1、`` ``1.`` ``1，`` (``1.1－产出指标`` is item 1 of level-1 code 1), numbering that
  restarts at 1 inside a cell (groups of items) included;
- codes joined to their names by ``-`` ``－`` ``—`` ``–``; the fields of an item separated by ``；`` ``;``
  ``，`` or ``,`` (``1－产出指标，11－数量指标，名称；实施周期指标值：…，年度指标值：…``);
- an item closed by ``。``, ``；`` or ``;`` before the next one (or by nothing: ``missing_terminator``);
- a field the grammar has no place for, printed as ``标签：内容`` between the name and the values
  (``培训人数；指标值说明：按实际培训人数统计；实施周期指标值…``), is kept apart in ``extra``, never inside
  the indicator's name (the checks flag it).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from itertools import pairwise

from .values import Value, parse_value

_SEP = "[；;]"
_FIELD = "[；;，,]"  # between the fields of an item
_DASH = "[-－—–]"
_NUMBER = "[、,，.．]"  # after an item's number


def _spaced(label: str) -> str:
    """A printed label: a producer may set a gap (read as a space) between any two of its characters."""
    return r"\s*".join(map(re.escape, label))


_PERIOD, _ANNUAL = _spaced("实施周期指标值"), _spaced("年度指标值")
_COLON = "[:：]"
# an item starts at the beginning or after the previous item's 。 (or ；/; in exports that close items so)
# with "N、" and a "D-" code
_START = re.compile(rf"(?:^|(?<=[。.;；]))\s*(\d+)\s*{_NUMBER}\s*(?=\d+\s*{_DASH})")
_ITEM = re.compile(
    rf"\s*(?P<seq>\d+)\s*{_NUMBER}\s*(?P<l1c>\d+)\s*{_DASH}\s*(?P<l1>[^；;，,]*?)\s*{_FIELD}"
    rf"\s*(?P<l2c>\d+)\s*{_DASH}\s*(?P<l2>[^；;，,]*?)\s*{_FIELD}"
    rf"(?P<name>.*?)[；;，,。]?\s*{_PERIOD}\s*{_COLON}?(?P<period>.*?)\s*[；;，,。.]?\s*"
    rf"{_ANNUAL}\s*{_COLON}?(?P<annual>.*?)[。.；;]?\s*",
    re.S,
)
# a field with a label of its own inside the name part (指标值说明：…, 计算方法：…)
_EXTRA = re.compile(rf"{_SEP}\s*(?P<label>[\u4e00-\u9fff（）()]{{2,12}}){_COLON}")


@dataclass(frozen=True)
class Indicator:
    """One indicator of a project, whatever the layout printed it as: an item of a 绩效指标 cell (the
    seed's list, with codes), a row of a form or of an indicator list (names in columns, no codes)."""

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
    extra: str = ""  # fields the item prints that the grammar has no place for (指标值说明：…)
    weight: str = ""  # 分值 / 权重 as printed, where the layout prints one
    scoring: str = ""  # 评分标准, where printed
    note: str = ""  # 备注 / 是否核心 …, where printed

    @property
    def annual(self) -> Value:
        return parse_value(self.annual_value or "")

    @property
    def period(self) -> Value:
        return parse_value(self.period_value or "")


_UNCLOSED = _ANNUAL + rf"\s*[:：][^。;；]*?({{n}})\s*{_NUMBER}\s*\d+\s*{_DASH}\s*[^；;。，,]{{{{1,12}}}}指标\s*{_FIELD}"


def split_items(text: str) -> list[str]:
    """Cut the cell at every item number ("N、" followed by a level-1 code), and where an item is not
    closed (``…年度指标值:优良2、1-产出指标；…``) before the number that continues the sequence or
    begins a new group, followed by a whole level-1 code and name; ``unclosed`` tells such items apart."""
    starts = [m.start() for m in _START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    bounds = [*starts, len(text)]
    items = [text[a:b] for a, b in pairwise(bounds) if text[a:b].strip()]
    out: list[str] = []
    for item in items:
        while True:
            seq = re.match(rf"\s*(\d+)\s*{_NUMBER}", item)
            m = re.search(_UNCLOSED.format(n=f"{int(seq.group(1)) + 1}|1"), item) if seq else None
            if m is None:
                out.append(item)
                break
            out.append(item[: m.start(1)])
            item = item[m.start(1):]
    return out


def unclosed(item: str) -> bool:
    """Whether an item's text ends without the 。 (or ；) that closes it."""
    return not item.rstrip().endswith(("。", ".", "；", ";"))


def parse_item(chunk: str) -> Indicator:
    m = _ITEM.fullmatch(chunk)
    if m is None:
        seq = re.match(rf"\s*(\d+)\s*{_NUMBER}", chunk)
        return Indicator(int(seq.group(1)) if seq else None, None, None, None, None, None, None, None,
                         raw=chunk.strip(), parsed=False)
    name, extra = m["name"].strip(), ""
    if (field := _EXTRA.search(name)) is not None:
        name, extra = name[:field.start()].strip(), name[field.start() + 1:].strip()
    return Indicator(
        seq=int(m["seq"]),
        level1_code=int(m["l1c"]),
        level1=m["l1"].strip(),
        level2_code=int(m["l2c"]),
        level2=m["l2"].strip(),
        indicator=name,
        period_value=m["period"].strip(),
        annual_value=m["annual"].strip(),
        raw=chunk.strip(),
        extra=extra,
    )


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> tuple[Indicator, ...]:
    return tuple(parse_item(chunk) for chunk in split_items(text))


def parse_indicators(text: str) -> list[Indicator]:
    """All items of one 绩效指标 cell, in printed order (a cell read again is not parsed again)."""
    if not text or not text.strip():
        return []
    return list(_parsed(text))


def numbering_breaks(seqs: list[int | None]) -> list[tuple[int, int]]:
    """(position, expected number) of every item whose number neither continues the one before nor begins
    a new group at 1 (``1、2、3、1、2`` is two groups, as real exports print them; ``1、2、4`` and ``1、2、2``
    break)."""
    out = []
    previous = 0
    for n, seq in enumerate(seqs, start=1):
        if seq is None:
            continue
        if seq not in (previous + 1, 1):
            out.append((n, previous + 1))
        previous = seq
    return out


def restarts(seqs: list[int | None]) -> list[int]:
    """Positions (from 1) of the items that begin a group again at 1 after the first."""
    return [n for n, seq in enumerate(seqs, start=1) if seq == 1 and n > 1]


__all__ = ["Indicator", "numbering_breaks", "parse_indicators", "parse_item", "restarts", "split_items", "unclosed"]
