"""Target values of indicators (实施周期指标值, 年度指标值, 指标值): comparator, number, unit and kind.

``parse_value("≥95%")`` → ``Value(comparator="≥", number=95.0, measure_unit="%", kind="percent")``.
The printed text is never changed; this only reads it.  The vocabulary (comparators before and after a
value, units by kind, multipliers, qualifier words, Chinese numerals) is data:
``resources/values.toml``.  A value reads as ``[comparator] core [qualifier] [(note)] [comparator]``:

- kinds: percent, quantity, money, duration (``10个工作日``, ``3个月``), date (``2024年``, ``12月``,
  ``2024年12月31日前``: a point in time), range (``90%-95%``: ``number`` the lower bound, ``upper`` the
  upper), approximate (``约95%``, ``95%左右``; comparator ``≈``), tolerance (``±5%``; comparator ``±``),
  qualitative (words: 优良, 全覆盖, 长期, 不低于上年, ``≤《…收费标准》建议律师费`` — a comparator before
  words is kept: ``≤``) and unparsed (starts like a number and does not read as one, such as ``大于90%w``
  or ``》90%``, or is empty);
- ``number`` is the number as printed; a multiplier stays with the unit (``≥10亿条`` → 10, ``亿条``;
  ``≥0.36万`` → 0.36, ``万``), as ``万元`` always has;
- a unit may be a rate (``次/季度``, ``元/㎡/月``) or a counted noun (``≥60个断面`` → ``个断面``), a unit
  in brackets (``≥99（%）``) is the unit, a trailing note in brackets (``≥98%（含）``, ``2项（2项基础服务）``)
  and a qualifier word (``100%完成``) are left out of the number, not out of the printed text;
- full-width digits and signs read as ASCII ones (``－5%``, ``９５％``); comparators ≧ ≦ ﹤ ＜ ＞ and words
  (不低于, 不超过, 控制在 …, and 以上, 以内, 前 … after the value) read as ≥ ≤ > < =.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass

from .config import RESOURCES_DIR

KINDS = ("percent", "quantity", "money", "duration", "date", "range", "approximate", "tolerance", "qualitative",
         "unparsed")


@dataclass(frozen=True)
class Value:
    comparator: str | None
    number: float | None
    measure_unit: str | None
    kind: str
    upper: float | None = None  # a range's upper bound (``number`` is its lower)


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class _Vocabulary:
    """The compiled vocabulary of ``resources/values.toml``."""

    def __init__(self, data: dict) -> None:
        self.prefix: dict[str, str] = data["prefix"]
        self.suffix: dict[str, str] = data["suffix"]
        self.prefix_re = re.compile(_alternation(list(self.prefix)))
        self.suffix_re = re.compile(f"(?:{_alternation(list(self.suffix))})$")
        self.approx_prefix = re.compile(f"^(?:{_alternation(data['approximate']['prefix'])})")
        self.approx_suffix = re.compile(f"(?:{_alternation(data['approximate']['suffix'])})$")
        self.tolerance = re.compile(f"^(?:{_alternation(data['tolerance']['prefix'])})")
        self.qualifier = re.compile(f"(?:{_alternation(data['qualifier']['words'])})$")
        units = data["unit"]
        self.kind_of: dict[str, str] = {}
        for kind, words in (("percent", units["percent"]), ("money", units["money"]), ("duration", units["time"]),
                            ("quantity", units["count"] + units["latin"])):
            for w in words:
                self.kind_of.setdefault(w, kind)
        token = rf"(?:{_alternation(list(self.kind_of))}|[\u4e00-\u9fff]{{1,6}})"
        self.unit = re.compile(rf"(?P<mult>{_alternation(data['multiplier']['words'])})?"
                               rf"(?P<unit>{token}(?:/{token})*)")
        self.bracketed_unit = re.compile(rf"[（(](?P<unit>{_alternation(list(self.kind_of))})[）)]")
        self.numerals: dict[str, int] = data["numerals"]
        self.chinese_number = re.compile(f"[{''.join(self.numerals)}]{{1,3}}")

    def kind(self, unit: str, mult: str | None) -> str:
        head = unit.split("/")[0]
        kind = self.kind_of.get(head)
        if kind is None:  # a counted noun (个断面), or a known token with words after it (元每立方米)
            kind = next((k for w, k in sorted(self.kind_of.items(), key=lambda i: -len(i[0])) if head.startswith(w)
                         and k in ("money", "percent")), "quantity")
        return "quantity" if mult and kind == "duration" else kind


@functools.cache
def vocabulary() -> _Vocabulary:
    with open(RESOURCES_DIR / "values.toml", "rb") as fh:
        return _Vocabulary(tomllib.load(fh))


# a point in time: 2024年, 2024年12月, 12月, 12月31日, 2024-12-31, 2024.12 (not 3个月, 1年 or 30日)
_DATE = re.compile(r"(?:(?:19|20)\d{2}年(?:(?:0?[1-9]|1[0-2])月(?:(?:0?[1-9]|[12]\d|3[01])日)?)?(?:底|末|初|年底|年末)?"
                   r"|(?:0?[1-9]|1[0-2])月(?:(?:0?[1-9]|[12]\d|3[01])日)?(?:底|末|初|份)?"
                   r"|(?:19|20)\d{2}[-./](?:0?[1-9]|1[0-2])(?:[-./](?:0?[1-9]|[12]\d|3[01]))?)")
_FULLWIDTH = str.maketrans({"－": "-", "＋": "+", "．": ".", "％": "%", "～": "~", "﹪": "%",
                            **{chr(0xFF10 + i): str(i) for i in range(10)}})
_NUMBER_RE = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_NOTE = re.compile(r"[（(][^（）()]*[）)]$")
_PRODUCT = re.compile(r"[*×xX](\d+(?:\.\d+)?)")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _chinese(text: str, numerals: dict[str, int]) -> int | None:
    """一 … 九十九 as a number (十五, 二十, 两), else None."""
    digits = [numerals[c] for c in text]
    if len(digits) == 1:
        return digits[0]
    if len(digits) == 2 and digits[0] == 10:
        return 10 + digits[1]
    if len(digits) == 2 and digits[1] == 10:
        return digits[0] * 10
    if len(digits) == 3 and digits[1] == 10:
        return digits[0] * 10 + digits[2]
    return None


def _measure(rest: str, voc: _Vocabulary) -> tuple[str | None, str] | None:
    """(unit, kind) of what follows a number (``""`` → no unit), or None when it is not a unit."""
    if not rest:
        return None, "quantity"
    if m := voc.bracketed_unit.fullmatch(rest):
        return m["unit"], voc.kind(m["unit"], None)
    if m := voc.unit.fullmatch(rest):
        unit = f"{m['mult'] or ''}{m['unit']}"
        return unit, voc.kind(m["unit"], m["mult"])
    if m := re.fullmatch(rf"{voc.unit.pattern}?", rest):  # a multiplier alone (≤0.36万)
        return (rest, "quantity") if m["mult"] else None
    return None


def _trimmed(rest: str, voc: _Vocabulary, comparator: str | None) -> tuple[str, str | None]:
    """What follows a number without a trailing note in brackets, qualifier word or comparator word (the
    comparator taken when none was printed before the value)."""
    while True:
        before = rest
        note = _NOTE.search(rest)
        if note and not (voc.bracketed_unit.fullmatch(note.group(0)) and re.search(r"\d$", rest[:note.start()])):
            rest = rest[:note.start()]  # a note (含, 2项基础服务), not a unit in brackets (≥99（%）)
        rest = voc.qualifier.sub("", rest) if rest != "" else rest
        if m := voc.suffix_re.search(rest):
            if comparator is None:
                comparator = voc.suffix[m.group(0)]
            rest = rest[:m.start()]
        if rest == before:
            return rest, comparator


@functools.lru_cache(maxsize=8192)
def parse_value(text: str) -> Value:
    """Read a printed target value; see the module docstring."""
    voc = vocabulary()
    s = re.sub(r"\s+", "", text or "").translate(_FULLWIDTH)
    if not s:
        return Value(None, None, None, "unparsed")
    if m := voc.tolerance.match(s):
        inner = parse_value(s[m.end():])
        if inner.number is not None and inner.kind not in ("unparsed", "qualitative"):
            return Value("±", inner.number, inner.measure_unit, "tolerance")
        return Value("±", None, None, "unparsed")
    approx = voc.approx_prefix.match(s) or voc.approx_suffix.search(s)
    if approx:
        inner = parse_value(s[approx.end():] if approx.start() == 0 else s[:approx.start()])
        if inner.number is not None and inner.kind not in ("unparsed", "qualitative"):
            return Value("≈", inner.number, inner.measure_unit, "approximate")
        if inner.kind == "qualitative" or not inner.number:
            return Value(None, None, None, "qualitative")  # 近三年…, 接近国家标准: words
        return Value("≈", None, None, "unparsed")
    comparator = None
    if m := voc.prefix_re.match(s):
        comparator = voc.prefix[m.group(0)]
        s = s[m.end():]
        if not s:  # a comparator and nothing to compare: words (不超) read as such, a sign alone is malformed
            return Value(comparator, None, None, "qualitative" if _HAN.match(m.group(0)) else "unparsed")
    if not (s[0].isdigit() or s[0] in "+-"):
        if (m := voc.chinese_number.match(s)) and (n := _chinese(m.group(0), voc.numerals)) is not None:
            unit = _trimmed(s[m.end():], voc, comparator)[0]
            if unit in voc.kind_of:
                return Value(comparator, float(n), unit, voc.kind(unit, None))  # 至少一次, 两场
        if comparator is None and not s[0].isalnum() and s[0] not in "《“\"‘'（(【[" and re.search(r"\d", s[:3]):
            return Value(None, None, None, "unparsed")  # an unknown sign before a number (》90%)
        return Value(comparator, None, None, "qualitative")  # words, or a comparator before words
    core, comparator = _trimmed(s, voc, comparator)
    if _DATE.fullmatch(core):
        year = re.fullmatch(r"((?:19|20)\d{2})年", core)
        month = re.fullmatch(r"(\d{1,2})月", core)
        number = float((year or month).group(1)) if (year or month) else None
        return Value(comparator, number, "年" if year else "月" if month else None, "date")
    num = _NUMBER_RE.match(core)
    if num is None:
        return Value(comparator, None, None, "unparsed")
    number, rest = _number(num.group(0)), core[num.end():]
    if (product := _PRODUCT.match(rest)) is not None:  # 7*24, 1*1km: a size, not one number
        measured = _measure(rest[product.end():], voc)
        if measured is not None:
            return Value(comparator, None, measured[0], "quantity")
    for k, ch in enumerate(rest):  # a range: 90%-95%, 3-5个, 10~20天
        if ch in "-~—–至到" and (high := _NUMBER_RE.match(rest[k + 1:])) and high.group(0)[0] not in "+-":
            first, second = _measure(rest[:k], voc), _measure(rest[k + 1 + high.end():], voc)
            if first is None or second is None or (first[0] and second[0] and first[0] != second[0]) \
                    or _number(high.group(0)) < number:
                return Value(comparator, number, None, "unparsed")
            unit = second[0] if second[0] else first[0]
            return Value(comparator, number, unit, "range", _number(high.group(0)))
    measured = _measure(rest, voc)
    if measured is not None:
        return Value(comparator, number, measured[0], measured[1])
    if _HAN.search(rest) and not re.match(r"[A-Za-z%‰]*[A-Za-z]", rest):
        return Value(comparator, None, None, "qualitative")  # prose that begins with a number (2026年年底完成…)
    return Value(comparator, number, None, "unparsed")


__all__ = ["KINDS", "Value", "parse_value", "vocabulary"]
