"""Self-verification: the table's own arithmetic, numbering and grammar as a checksum of how its pages
were cut into rows.

A page can be read more than one way (camelot's cells, the PDF's own ruling lines, text positions with
rows cut at white space or anchored on their amounts).  Each reading of the document is scored by its
violations; a published table carries small defects of its own (a 0.01 gap), so the score is a cost, not
a gate: the reading with the fewest and smallest violations wins.  A violation that an independent
reading of the same page shares is the table's own; one that no other reading confirms, on a page no
reading reads cleanly, is an ``extraction_doubt``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..model import Finding, Row

# violations that a wrong cut makes (and a published table seldom does), with their weights
WEIGHTS = {
    "amount_unparsed": 2.0,  # two amounts in one cell: rows fused
    "seq_gap": 1.0,  # indicator numbers jump: a row's items cut or joined
    # numbers that begin again at 1: two rows' items joined, or groups as real exports print them (the table's
    # own where every reading shares them): it weighs readings against each other but asks for none
    "seq_restart": 0.5,
    "indicator_unparsed": 1.0,
    "missing_terminator": 0.5,
    # a blank goal is a common defect of the table itself: it weighs less than one line of misplaced text
    # (MISFIT), so no cut moves another row's lines into it
    "missing_goal": 0.05,
    "missing_indicators": 0.05,
    "sum_mismatch": 1.0,  # more than a rounding gap
}
SMALL_GAP = Decimal("0.05")  # a sum this close is a rounding defect of the table, not a wrong cut
GRAMMAR = 2.0  # a row that breaks the table's grammar (see ``grammar``)
# rows anchored on amounts under an assumed alignment: per line height that the text blocks sit away from
# it (a tie-breaker: the alignment the page was printed with fits within a fraction of a line)
MISFIT = 0.1


def _gap(f: Finding) -> Decimal:
    try:
        return abs(Decimal(f.expected) - Decimal(f.actual))
    except ArithmeticError:
        return Decimal(1)


# what a piece of an item carries: a code joined to a type (1-产出指标) or a value's label
_ITEM_MARK = re.compile(r"\d+\s*[-－—–]\s*[\u4e00-\u9fff]|指\s*标\s*值")


def foreign(f: Finding) -> bool:
    """An unparsed 绩效指标 cell that holds no piece of the grammar at all (``详见项目绩效目标申报表``): the
    table's own text, which no other cut of the page turns into items."""
    return f.check == "indicator_unparsed" and not _ITEM_MARK.search(f.actual or "")


def suspect(f: Finding) -> bool:
    """Whether a finding could come from a wrong cut (and so asks for another reading)."""
    if f.check == "sum_mismatch":
        return _gap(f) > SMALL_GAP
    return f.check in WEIGHTS and f.check not in QUIET and not foreign(f)


# violations that weigh readings against each other but do not by themselves ask for another reading
QUIET = {"seq_restart"}
# violations that are flagged as findings of their row anyway (a project without 绩效目标 is named as such):
# they steer the choice of reading but do not on their own make a page doubtful
NAMED = {"missing_goal", "missing_indicators", "missing_terminator"}
# violations of a row's structure (its items, their numbering, one amount per cell): what a wrong column split
# makes as readily as a wrong row cut
STRUCTURAL = {"seq_gap", "indicator_unparsed", "amount_unparsed"}


def needs_independent(f: Finding) -> bool:
    """Whether only a reading of the other family (lattice against text) can confirm a violation: a broken
    item or numbering (the text readings share their columns), or a unit's or 合计's sum (a stray line that
    turns a unit into a project in one text reading does so in all of them).  A row's own 总计 against its
    sources depends on its line of amounts alone, which every reading shares."""
    return f.check in STRUCTURAL or f.rule in ("sum_mismatch.units", "sum_mismatch.projects")


def doubtful(f: Finding) -> bool:
    """Whether a violation, unconfirmed by the other readings, puts the page's rows in doubt: one that would
    otherwise pass for the table's own (a sum that does not add up, numbering that jumps, two amounts in
    one cell, an item that does not parse)."""
    return suspect(f) and f.check not in NAMED


def weight(f: Finding) -> float:
    if f.check == "sum_mismatch" and not suspect(f):
        return 0.25
    if foreign(f):
        return WEIGHTS["missing_indicators"]
    return WEIGHTS.get(f.check, 0.0)


def row_grammar(r: Row) -> list[str]:
    """Why a row is one no table prints: a unit or project named 合计, amounts without a name."""
    out = []
    if r.kind != "total" and re.match(r"^\s*[合总]\s*计", r.name):
        out.append(f"{r.name[:20]!r} begins with 合计 but is not the 合计 row")
    if not r.name and any(r.amount_texts.values()):
        out.append("a row with amounts and no name")
    return out


def grammar(rows: list[Row]) -> list[tuple[int, str]]:
    """(page, reason) for rows that no table prints (``row_grammar``)."""
    return [(r.page, why) for r in rows for why in row_grammar(r)]


def score(rows: list[Row], findings: list[Finding]) -> float:
    return sum(weight(f) for f in findings) + GRAMMAR * len(grammar(rows))


def key(f: Finding) -> tuple:
    """What makes two readings' violations the same one."""
    return (f.check, f.unit, f.project, f.seq, f.field, f.actual)


def suspect_pages(rows: list[Row], findings: list[Finding]) -> set[int]:
    """Pages whose rows carry violations that a wrong cut could make (with the page after each: a row's
    end, or a unit's projects, may be cut there)."""
    pages = {f.page for f in findings if suspect(f)} | {p for p, _ in grammar(rows)}
    unbalanced = {(f.page, f.unit) for f in findings if f.rule == "sum_mismatch.projects" and suspect(f)}
    inside = False
    for r in rows:  # a unit its projects do not add up to: a wrong cut may be anywhere among its projects
        if r.kind in ("unit", "total"):
            inside = (r.page, r.name) in unbalanced
        if inside:
            pages.add(r.page)
    if any(f.check == "sum_mismatch" and f.unit == "合计" and suspect(f) for f in findings):
        # a 合计 that its units do not add up to: a unit misread (as a project, or its amounts) on its page;
        # every unit's page, not every page (a wrong cut elsewhere shows as its unit's own mismatch)
        pages |= {r.page for r in rows if r.kind in ("unit", "total")}
    return pages | {p + 1 for p in pages}


__all__ = ["GRAMMAR", "MISFIT", "NAMED", "SMALL_GAP", "STRUCTURAL", "doubtful", "foreign", "grammar", "key",
           "needs_independent", "row_grammar", "score", "suspect", "suspect_pages", "weight"]
