"""Indicator frameworks (项目支出绩效指标体系) as data (``resources/frameworks.toml``): which level-2 types
belong under which level-1 type, and the codes a table prints for them.

``detect`` picks the framework a table follows from its indicators' names and codes (the older
财预〔2015〕88号 one, with 成本指标 under 产出指标, or 财预〔2021〕101号, with 成本指标 at level 1);
``Judge.problems`` says why one indicator's (level-1, level-2) pair does not fit it.
"""

from __future__ import annotations

import functools
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .config import RESOURCES_DIR
from .messages import say

Pair = tuple[int | None, str | None, int | None, str | None]  # level-1 code, name, level-2 code, name


def norm(name: str | None) -> str:
    """A type's name without white space and without the suffix 指标 (经济效益指标 = 经济效益)."""
    s = "".join((name or "").split())
    return s[:-2] if s.endswith("指标") and len(s) > 2 else s


@dataclass(frozen=True)
class Framework:
    id: str
    short: str
    title: str
    note: str
    codes: str  # "fixed" (the framework's own numbers) or "table" (each table numbers the types itself)
    level1: dict[str, int | None]  # normalised name → code
    level2: dict[str, tuple[int | None, str]]  # normalised name → (code, normalised level-1 name)
    names: dict[str, str] = field(default_factory=dict)  # normalised → as the framework writes it

    def fits(self, l1: str | None, l2: str | None) -> bool:
        """Whether the names form a pair of this framework (level-2 under its own level-1)."""
        entry = self.level2.get(norm(l2))
        return entry is not None and entry[1] == norm(l1)

    def label(self, name: str) -> str:
        return self.names.get(name, name)


@functools.cache
def frameworks() -> tuple[Framework, ...]:
    """Every framework of the data file, the default first."""
    with open(RESOURCES_DIR / "frameworks.toml", "rb") as fh:
        data = tomllib.load(fh)
    out = []
    for fw in data["framework"]:
        level1: dict[str, int | None] = {}
        level2: dict[str, tuple[int | None, str]] = {}
        names: dict[str, str] = {}
        for l1 in fw["level1"]:
            key = norm(l1["name"])
            level1[key] = l1.get("code")
            names[key] = l1["name"]
            for code, name in l1["level2"]:
                level2[norm(name)] = (code or None, key)
                names[norm(name)] = name
        if fw["codes"] not in ("fixed", "table"):
            raise ValueError(f"frameworks.toml: {fw['id']}: codes must be fixed or table, got {fw['codes']!r}")
        out.append(Framework(fw["id"], fw["short"], fw["title"], fw["note"].replace("\n", ""), fw["codes"],
                             level1, level2, names))
    return tuple(out)


def by_id(framework_id: str) -> Framework:
    for fw in frameworks():
        if fw.id == framework_id:
            return fw
    raise KeyError(f"no framework {framework_id!r}; known: {', '.join(f.id for f in frameworks())}")


def _score(fw: Framework, pairs: list[Pair]) -> tuple[int, int]:
    """How many pairs fit by their names; then how many also carry the framework's own codes."""
    names = codes = 0
    for l1c, l1, l2c, l2 in pairs:
        if fw.fits(l1, l2):
            names += 1
            codes += fw.codes == "fixed" and (l1c, l2c) == (fw.level1.get(norm(l1)), fw.level2[norm(l2)][0])
    return names, codes


def detect(pairs: Iterable[Pair]) -> Framework:
    """The framework most of the pairs fit by their names (成本指标 at level 1 or under 产出指标 …), then by
    codes where a framework fixes them; the first (default) one when none fits better."""
    pairs = list(pairs)
    best = frameworks()[0]
    best_score = _score(best, pairs)
    for fw in frameworks()[1:]:
        score = _score(fw, pairs)
        if score > best_score:
            best, best_score = fw, score
    return best


def _majority(pairs: list[tuple[int | None, str | None]]) -> dict[int, str]:
    counts: dict[int, Counter[str]] = {}
    for code, name in pairs:
        if code is not None and name:
            counts.setdefault(code, Counter())[norm(name)] += 1
    return {code: c.most_common(1)[0][0] for code, c in counts.items() if c.most_common(1)[0][1] * 2 > c.total()}


class Judge:
    """Judges a table's indicator types against its framework.  For a framework without numbers of its own,
    a code means what it means in most of the table's indicators (a code with no clear majority is not
    judged)."""

    def __init__(self, framework: Framework, pairs: Iterable[Pair] = (), lang: str = "zh") -> None:
        self.fw, self.lang = framework, lang
        if framework.codes == "fixed":
            self.l1_codes = {c: n for n, c in framework.level1.items() if c is not None}
            self.l2_codes = {c: n for n, (c, _) in framework.level2.items() if c is not None}
            where = say("taxonomy.where_framework", lang, framework=framework.short)
        else:
            pairs = list(pairs)
            self.l1_codes = _majority([(p[0], p[1]) for p in pairs])
            self.l2_codes = _majority([(p[2], p[3]) for p in pairs])
            where = say("taxonomy.where_table", lang)
        self.where = where

    def problems(self, l1_code: int | None, l1: str | None, l2_code: int | None, l2: str | None) -> list[str]:
        """Why a pair does not fit, in the judge's language; empty when it fits."""
        fw, lang, out = self.fw, self.lang, []
        n1, n2 = norm(l1), norm(l2)
        if n1 not in fw.level1:
            out.append(say("taxonomy.level1_unknown", lang, code=l1_code, printed=l1, framework=fw.short))
        elif l1_code in self.l1_codes and self.l1_codes[l1_code] != n1:
            out.append(say("taxonomy.level1_code", lang, code=l1_code, expected=fw.label(self.l1_codes[l1_code]),
                           printed=l1, where=self.where))
        if n2 not in fw.level2:
            out.append(say("taxonomy.level2_unknown", lang, code=l2_code, printed=l2, framework=fw.short))
            return out
        if l2_code in self.l2_codes and self.l2_codes[l2_code] != n2:
            out.append(say("taxonomy.level2_code", lang, code=l2_code, expected=fw.label(self.l2_codes[l2_code]),
                           printed=l2, where=self.where))
        parent = fw.level2[n2][1]
        if n1 in fw.level1 and parent != n1:
            code = fw.level1[parent] or next((c for c, n in self.l1_codes.items() if n == parent), None)
            out.append(say("taxonomy.parent", lang, code=l2_code, printed=l2, l1code=l1_code, l1=l1,
                           parent=f"{code}-{fw.label(parent)}" if code else fw.label(parent)))
        return out


def taxonomy_problems(l1_code: int | None, l1: str | None, l2_code: int | None, l2: str | None,
                      framework: Framework | None = None, lang: str = "zh") -> list[str]:
    """Why one pair does not fit ``framework`` (default: the first); for a table-numbered framework use
    a ``Judge`` built from all of the table's pairs."""
    return Judge(framework or frameworks()[0], [(l1_code, l1, l2_code, l2)], lang).problems(l1_code, l1, l2_code, l2)


__all__ = ["Framework", "Judge", "by_id", "detect", "frameworks", "norm", "taxonomy_problems"]
