"""Every target value classified as a budget reviewer reads it — measurable, graded, vague, unreadable or
unclassified — by the ordered rules of ``resources/review/value_classes.toml``, each with its reason."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass

from ..config import RESOURCES_DIR
from ..values import parse_value

CLASSES = ("measurable", "graded", "vague", "unreadable", "unclassified")
RULES_FILE = RESOURCES_DIR / "review" / "value_classes.toml"


@dataclass(frozen=True)
class Rule:
    cls: str
    reason: dict[str, str]
    kinds: tuple[str, ...] = ()
    unit: bool | None = None
    equals: frozenset[str] = frozenset()
    regex: re.Pattern[str] | None = None
    contains: tuple[str, ...] = ()
    point: str = ""  # the review point it raises (messages: review.<point>), if any

    def matches(self, text: str) -> bool:
        value = parse_value(text)
        if self.kinds and value.kind not in self.kinds:
            return False
        if self.unit is not None and (value.measure_unit is not None) != self.unit:
            return False
        if self.equals and text not in self.equals:
            return False
        if self.regex is not None and not self.regex.search(text):
            return False
        return not self.contains or any(w in text for w in self.contains)


@dataclass(frozen=True)
class Classified:
    cls: str
    reason: str
    point: str
    rule: int  # position of the rule in the data file, from 1


@functools.cache
def rules() -> tuple[Rule, ...]:
    with open(RULES_FILE, "rb") as fh:
        data = tomllib.load(fh)
    out = []
    for i, r in enumerate(data["rule"], start=1):
        if r["class"] not in CLASSES:
            raise ValueError(f"{RULES_FILE.name}: rule {i}: class must be one of {CLASSES}, got {r['class']!r}")
        out.append(Rule(r["class"], r["reason"], tuple(r.get("kinds", ())), r.get("unit"),
                        frozenset(r.get("equals", ())), re.compile(r["regex"]) if "regex" in r else None,
                        tuple(r.get("contains", ())), r.get("point", "")))
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def classify(value: str | None, lang: str = "zh") -> Classified:
    """The class of one printed target value, the reason in ``lang``, and the review point it raises."""
    text = "".join((value or "").split())
    if not text:
        return Classified("unreadable", {"zh": "指标值为空", "en": "no value"}[lang], "unreadable", 0)
    for n, rule in enumerate(rules(), start=1):
        if rule.matches(text):
            point = rule.point or ("unreadable" if rule.cls == "unreadable" else
                                   "unclassified" if rule.cls == "unclassified" else "")
            return Classified(rule.cls, rule.reason[lang], point, n)
    return Classified("unclassified", {"zh": "没有规则能归类", "en": "no rule classifies it"}[lang], "unclassified", 0)


__all__ = ["CLASSES", "Classified", "Rule", "classify", "rules"]
