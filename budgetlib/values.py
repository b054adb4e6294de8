"""Target values of indicators (实施周期指标值, 年度指标值): comparator, number, unit and kind.

``parse_value("≥95%")`` → ``Value(comparator="≥", number=95.0, measure_unit="%", kind="percent")``.
The printed text is never changed; this only reads it.  Kinds: percent, quantity, money, duration
(``10个工作日``, ``3个月``), date (``2024年``, ``12月``, ``2024年12月31日前``: a point in time, not a
length), approximate (``约95%``, ``95%左右``; comparator ``≈``), tolerance (``±5%``; comparator ``±``),
qualitative (words: 优良, 按规定支付, 举办…不少于1场) and unparsed (starts like a number but does not
read as one, such as ``大于90%w``, or is empty).  Full-width signs (``－5%``) read as their ASCII forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("percent", "quantity", "money", "duration", "date", "approximate", "tolerance", "qualitative", "unparsed")

# longest first, so 大于等于 wins over 大于 and >= over >
_PREFIX = {
    "≥": "≥", "≧": "≥", ">=": "≥", "＞=": "≥", "＞＝": "≥", "=>": "≥", "大于等于": "≥", "大于或等于": "≥",
    "不低于": "≥", "不少于": "≥", "不小于": "≥", "至少": "≥", "达到": "≥", "高于等于": "≥",
    "≤": "≤", "≦": "≤", "<=": "≤", "＜=": "≤", "＜＝": "≤", "=<": "≤", "小于等于": "≤", "小于或等于": "≤",
    "不高于": "≤", "不超过": "≤", "不多于": "≤", "不大于": "≤", "至多": "≤", "最多": "≤", "控制在": "≤",
    ">": ">", "＞": ">", "大于": ">", "高于": ">", "超过": ">", "多于": ">",
    "<": "<", "＜": "<", "小于": "<", "低于": "<", "少于": "<",
    "=": "=", "＝": "=", "等于": "=",
}
_SUFFIX = {"及以上": "≥", "以上": "≥", "及以下": "≤", "以下": "≤", "以内": "≤", "之内": "≤",
           "之前": "≤", "以前": "≤", "前": "≤"}
_APPROX_PREFIX = re.compile(r"^(?:大约|约为|约|近|接近)")
_APPROX_SUFFIX = re.compile(r"(?:左右|上下)$")
_TOLERANCE = re.compile(r"^(?:±|\+/-|\+-|正负)")
# a point in time: 2024年, 2024年12月, 12月, 12月31日, 2024-12-31, 2024.12 (not 3个月, 1年 or 30日)
_DATE = re.compile(r"(?:(?:19|20)\d{2}年(?:(?:0?[1-9]|1[0-2])月(?:(?:0?[1-9]|[12]\d|3[01])日)?)?(?:底|末|初)?"
                   r"|(?:0?[1-9]|1[0-2])月(?:(?:0?[1-9]|[12]\d|3[01])日)?(?:底|末|初)?"
                   r"|(?:19|20)\d{2}[-./](?:0?[1-9]|1[0-2])(?:[-./](?:0?[1-9]|[12]\d|3[01]))?)")
_FULLWIDTH = str.maketrans({"－": "-", "＋": "+", "．": ".", "％": "%", **{chr(0xFF10 + i): str(i) for i in range(10)}})
_PREFIX_RE = re.compile("|".join(re.escape(k) for k in sorted(_PREFIX, key=len, reverse=True)))
_SUFFIX_RE = re.compile("(" + "|".join(re.escape(k) for k in sorted(_SUFFIX, key=len, reverse=True)) + ")$")
_NUMBER_RE = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")

_TIME = ["个工作日", "工作日", "个小时", "小时", "分钟", "个月", "天", "日", "周", "月", "年", "秒"]
_MONEY = ["亿元", "万元", "元"]
_COUNT = [
    "人次", "户次", "场次", "个", "次", "人", "场", "份", "户", "家", "所", "件", "项", "宗", "辆", "台", "套",
    "条", "篇", "期", "座", "处", "间", "张", "册", "本", "名", "位", "组", "批", "分", "平方米", "㎡",
    "公里", "千米", "米", "吨", "公斤", "千克", "棵", "株", "亩", "公顷", "盏", "块", "栋", "幢", "类", "届",
    "门", "所次", "期次", "课时", "学时", "床", "岗", "部", "轮", "页", "种", "支", "把", "只", "头",
]
_TOKEN = "|".join(re.escape(t) for t in sorted(_TIME + _MONEY + _COUNT, key=len, reverse=True))
_UNIT_RE = re.compile(rf"(?:%|‰|(?:{_TOKEN})(?:/(?:{_TOKEN}))?)")


@dataclass(frozen=True)
class Value:
    comparator: str | None
    number: float | None
    measure_unit: str | None
    kind: str


def _kind(unit: str) -> str:
    if unit in ("%", "‰"):
        return "percent"
    head = unit.split("/")[0]
    if any(head.endswith(m) for m in _MONEY):
        return "money"
    if head in _TIME:
        return "duration"
    return "quantity"


def parse_value(text: str) -> Value:
    """Read a printed target value; see the module docstring."""
    s = re.sub(r"\s+", "", text or "").translate(_FULLWIDTH)
    if not s:
        return Value(None, None, None, "unparsed")
    if m := _TOLERANCE.match(s):
        inner = parse_value(s[m.end():])
        if inner.number is not None and inner.kind not in ("unparsed", "qualitative"):
            return Value("±", inner.number, inner.measure_unit, "tolerance")
        return Value("±", None, None, "unparsed")
    approx = _APPROX_PREFIX.match(s) or _APPROX_SUFFIX.search(s)
    if approx:
        inner = parse_value(s[approx.end():] if approx.start() == 0 else s[:approx.start()])
        if inner.number is not None and inner.kind not in ("unparsed", "qualitative"):
            return Value("≈", inner.number, inner.measure_unit, "approximate")
        if approx.start() == 0 and inner.kind == "qualitative":
            return inner  # 近三年…: words
        return Value("≈", None, None, "unparsed")
    comparator = None
    m = _PREFIX_RE.match(s)
    if m:
        comparator = _PREFIX[m.group(0)]
        s = s[m.end():]
    elif not s[0].isdigit() and s[0] not in "+-":
        return Value(None, None, None, "qualitative")  # words, or prose that happens to hold a number
    m = _SUFFIX_RE.search(s)
    if m and comparator is None:
        comparator = _SUFFIX[m.group(1)]
        s = s[: m.start()]
    if _DATE.fullmatch(s):
        year = re.fullmatch(r"((?:19|20)\d{2})年", s)
        month = re.fullmatch(r"(\d{1,2})月", s)
        number = float((year or month).group(1)) if (year or month) else None
        return Value(comparator, number, "年" if year else "月" if month else None, "date")
    num = _NUMBER_RE.match(s)
    if num is None:
        return Value(comparator, None, None, "unparsed")
    number = float(num.group(0).replace(",", ""))
    rest = s[num.end():]
    if not rest:
        return Value(comparator, number, None, "quantity")
    if _UNIT_RE.fullmatch(rest):
        return Value(comparator, number, rest, _kind(rest))
    return Value(comparator, number, None, "unparsed")


__all__ = ["KINDS", "Value", "parse_value"]
