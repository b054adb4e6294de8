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
    "seq_gap": 1.0,  # indicator numbers restart or jump: a row's items cut or joined
    "indicator_unparsed": 1.0,
    "missing_terminator": 0.5,
    # a blank goal is a common defect of the table itself: it weighs less than one line of misplaced text
    # (MISFIT), so no cut moves another row's lines into it
    "missing_goal": 0.05,
    "missing_indicators": 0.05,
    "sum_mismatch": 1.0,  # more than a rounding gap
}
SMALL_GAP = Decimal("0.05")  # a sum this close is a rounding defect of the table, not a wrong cut
_GRAMMAR = 2.0  # a row that breaks the table's grammar (see ``grammar``)
# rows anchored on amounts under an assumed alignment: per line height that the text blocks sit away from
# it (a tie-breaker: the alignment the page was printed with fits within a fraction of a line)
MISFIT = 0.1


def _gap(f: Finding) -> Decimal:
    try:
        return abs(Decimal(f.expected) - Decimal(f.actual))
    except ArithmeticError:
        return Decimal(1)


def suspect(f: Finding) -> bool:
    """Whether a finding could come from a wrong cut (and so asks for another reading)."""
    if f.check == "sum_mismatch":
        return _gap(f) > SMALL_GAP
    return f.check in WEIGHTS


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
    return WEIGHTS.get(f.check, 0.0)


def grammar(rows: list[Row]) -> list[tuple[int, str]]:
    """(page, reason) for rows that no table prints: a unit or project named 合计, amounts without a
    name, a unit with a goal."""
    out = []
    for r in rows:
        if r.kind != "total" and re.match(r"^\s*[合总]\s*计", r.name):
            out.append((r.page, f"{r.name[:20]!r} begins with 合计 but is not the 合计 row"))
        if not r.name and any(r.amount_texts.values()):
            out.append((r.page, "a row with amounts and no name"))
    return out


def score(rows: list[Row], findings: list[Finding]) -> float:
    return sum(weight(f) for f in findings) + _GRAMMAR * len(grammar(rows))


def key(f: Finding) -> tuple:
    """What makes two readings' violations the same one."""
    return (f.check, f.unit, f.project, f.seq, f.field, f.actual)


def suspect_pages(rows: list[Row], findings: list[Finding]) -> set[int]:
    """Pages whose rows carry violations that a wrong cut could make (with the page after each: a row's
    end, or a unit's projects, may be cut there)."""
    pages = {f.page for f in findings if suspect(f)} | {p for p, _ in grammar(rows)}
    if any(f.check == "sum_mismatch" and f.unit == "合计" and suspect(f) for f in findings):
        pages |= {r.page for r in rows}
    return pages | {p + 1 for p in pages}


__all__ = ["MISFIT", "NAMED", "SMALL_GAP", "STRUCTURAL", "doubtful", "grammar", "key", "needs_independent", "score",
           "suspect", "suspect_pages", "weight"]
