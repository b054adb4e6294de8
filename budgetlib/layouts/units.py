"""Which rows of a 项目支出绩效目标表 without goal and indicators are units (资金使用单位), and which are
projects whose goal and indicators were left blank: the table's own arithmetic decides, in time linear in
its rows.

Structure alone says that a unit is followed by its projects, but a blank project followed by projects
looks the same, so the units are the set of candidates whose amounts best equal the sums of the rows under
them: a gap of up to 0.05 costs a quarter of a real mismatch per column, a candidate read as a project
without goal and indicators a little more than a unit 0.01 off in two columns (real tables print such
gaps; a blank project is a defect), rows above the first unit more still.  Where the arithmetic ties (no
amounts, or a unit printed with 0.00 and no projects), a candidate is therefore read as a unit.

Each table of a compilation is decided on its own (a 合计 row opens each table, or closes each when the
document prints it last), so one department's rows never balance another's.  Sums come from prefix sums
over the table's rows in cents, never added again; the predecessors a unit is weighed against are the
few candidates just above it and those whose 总计 the rows in between add up to exactly (a unit followed
by many blank projects), so the work grows linearly with the rows.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..amounts import AMOUNT_FIELDS
from ..model import Row

NEAR = 24  # a unit is weighed against this many candidates just above it (blank projects between them)
FAR = 8  # and against at most this many farther ones whose 总计 the rows in between add up to
SMALL_GAP = 5  # cents: a rounding gap of the table (0.01 … 0.05), not a wrong reading
ORPHAN = 2.0  # the cost of a row above the first unit of a table
# the cost of reading a candidate as a project without goal and indicators (a defect of the table): more than
# a unit 0.01 off its projects in two columns (0.5: real tables print such gaps), less than a real mismatch
PROJECT = 0.6
FIELDS = len(AMOUNT_FIELDS)


@dataclass
class Work:
    """What the arithmetic did: transitions weighed (for a test that the work stays linear)."""

    transitions: int = 0
    tables: int = 0


def tables_of(rows: Sequence[Row]) -> list[tuple[int | None, list[int]]]:
    """(index of the 合计 row or None, indices of the other rows) of each table in ``rows``: 合计 opens each
    table, or closes each when the document prints it last (its last row is a 合计 and its first is not)."""
    totals = [i for i, r in enumerate(rows) if r.kind == "total"]
    if not totals:
        return [(None, list(range(len(rows))))] if rows else []
    out: list[tuple[int | None, list[int]]] = []
    if rows[-1].kind == "total" and rows[0].kind != "total":  # 合计 printed after its table's rows
        start = 0
        for t in totals:
            out.append((t, list(range(start, t))))
            start = t + 1
        return out
    if totals[0] > 0:  # rows before the first 合计 (a table whose 合计 row was not printed)
        out.append((None, list(range(totals[0]))))
    for k, t in enumerate(totals):
        end = totals[k + 1] if k + 1 < len(totals) else len(rows)
        out.append((t, list(range(t + 1, end))))
    return out


def cents(row: Row) -> tuple[int, ...]:
    return tuple(int(row.amounts[f] * 100) if row.amounts.get(f) is not None else 0 for f in AMOUNT_FIELDS)


def gap_cost(gap: int, tol: int = 0) -> float:
    """What a sum off by ``gap`` cents costs: nothing within the tolerance, a quarter for a rounding gap of
    the table (up to 0.05), one for a real mismatch — the weights self-verification gives the findings."""
    gap = abs(gap)
    return 0.0 if gap <= tol else 0.25 if gap <= SMALL_GAP else 1.0


def mismatch(printed: Sequence[int], added: Sequence[int], tol: int = 0) -> float:
    return sum(gap_cost(p - a, tol) for p, a in zip(printed, added))


class Sums:
    """Prefix sums of a run of rows in cents: the sum of any stretch in O(1)."""

    def __init__(self, amounts: Sequence[Sequence[int]]) -> None:
        self.prefix = [[0] * (len(amounts) + 1) for _ in range(FIELDS)]
        for f in range(FIELDS):
            acc, column = 0, self.prefix[f]
            for k, a in enumerate(amounts):
                acc += a[f]
                column[k + 1] = acc

    def __call__(self, f: int, position: int) -> int:
        """The sum of field ``f`` over the rows before ``position``."""
        return self.prefix[f][position]


@dataclass
class Problem:
    """A stretch of a table whose candidates are to be settled: the candidates' positions (sorted) and
    amounts, prefix sums over the stretch's rows (``prefix(f, position)``), where it ends, whether its first
    row is a unit already (a stretch between two settled units) and, for a whole table, its 合计's amounts."""

    positions: list[int]
    amounts: list[tuple[int, ...]]
    prefix: Callable[[int, int], int]
    end: int
    start: int = 0  # position of the stretch's first row (rows above the first unit cost ORPHAN each)
    fixed_start: bool = False  # the candidate at ``start`` is a unit (it must be positions[0])
    total: tuple[int, ...] | None = None  # a whole table's 合计: "no units" is a reading too


def settle(p: Problem, work: Work) -> tuple[set[int], float]:
    """The candidates (by index into ``p.positions``) read as units, and the reading's cost."""
    n = len(p.positions)
    if n == 0:
        return set(), 0.0

    def cost(k: int, end: int) -> float:
        pos = p.positions[k]
        return mismatch(p.amounts[k], [p.prefix(f, end) - p.prefix(f, pos + 1) for f in range(FIELDS)])

    far = _far(p)
    # best[k]: (cost, candidates read as projects, previous unit) of the best reading in which candidate k is
    # a unit and every row above it is settled
    best: list[tuple[float, int, int]] = []
    for k, pos in enumerate(p.positions):
        if p.fixed_start:
            option = (0.0, 0, -1) if k == 0 else (float("inf"), k, -1)
        else:
            option = (ORPHAN * (pos - p.start), k, -1)
        for j in {*range(max(0, k - NEAR), k), *far.get(k, ())}:
            work.transitions += 1
            between = k - j - 1  # candidates read as projects of unit j
            option = min(option, (best[j][0] + cost(j, pos) + PROJECT * between, best[j][1] + between, j),
                         key=_rank)
        best.append(option)
    finals = []
    for k in range(n):
        work.transitions += 1
        finals.append((best[k][0] + cost(k, p.end) + PROJECT * (n - k - 1), best[k][1] + n - k - 1, k))
    if p.total is not None and not p.fixed_start:  # no units: 合计 is the sum of the projects
        added = [p.prefix(f, p.end) - p.prefix(f, p.start) for f in range(FIELDS)]
        finals.append((mismatch(p.total, added) + PROJECT * n, n, -1))
    total_cost, _, k = min(finals, key=_rank)
    chosen: set[int] = set()
    while k >= 0:
        chosen.add(k)
        k = best[k][2]
    return chosen, total_cost


def _rank(option: tuple[float, int, int]) -> tuple[float, int, int]:
    # least cost; then fewest candidates read as projects (a unit without projects rather than a project
    # without goal and indicators); then the nearest predecessor
    return round(option[0], 6), option[1], -option[2]


def _far(p: Problem) -> dict[int, list[int]]:
    """For each candidate (by index), the earlier candidates under which the rows up to it add up to their
    总计 exactly or within a rounding gap (a unit followed by more blank projects than ``NEAR``)."""
    at: dict[int, list[int]] = defaultdict(list)  # sum of 总计 before a candidate → candidate indices
    for k, pos in enumerate(p.positions):
        at[p.prefix(0, pos)].append(k)
    out: dict[int, list[int]] = defaultdict(list)
    for j, pos in enumerate(p.positions):
        own = p.amounts[j][0]
        if own == 0:
            continue
        base = p.prefix(0, pos + 1) + own
        found: list[int] = []
        for gap in range(-SMALL_GAP, SMALL_GAP + 1):
            ks = at.get(base + gap, [])
            found += ks[bisect_right(ks, j):][:FAR]
        for k in sorted(set(found))[:FAR]:
            if k - j > NEAR:
                out[k].append(j)
    return out


def choose_units(rows: list[Row], log: list[str], work: Work | None = None) -> None:
    """Set ``kind`` of every candidate row (``kind == "unit"``: no goal and no indicators) to unit or project,
    table by table; the decisions that are not the plain structural ones are logged with their page."""
    work = work if work is not None else Work()
    for total, body in tables_of(rows):
        work.tables += 1
        table = [rows[i] for i in body]
        positions = [t for t, r in enumerate(table) if r.kind == "unit"]
        sums = Sums([cents(r) for r in table])
        problem = Problem(positions, [cents(table[t]) for t in positions], sums, len(table),
                          total=cents(rows[total]) if total is not None else None)
        chosen, _ = settle(problem, work)
        explain(table, positions, chosen, log)


def explain(table: list[Row], positions: list[int], chosen: set[int], log: list[str]) -> None:
    """Set the candidates' kinds as ``settle`` chose them, logging what structure alone would not say."""
    for k, pos in enumerate(positions):
        row = table[pos]
        followed = pos + 1 < len(table) and table[pos + 1].kind == "project"
        if k not in chosen:
            row.kind = "project"
            why = "the amounts of the rows under it add up without it" if followed else "no projects follow it"
            log.append(f"page {row.page}: {row.name!r} has no goal or indicators; read as a project ({why})")
        elif not followed:
            log.append(f"page {row.page}: {row.name!r} read as a unit without projects (no goal or indicators, "
                       "and the amounts agree)")


__all__ = ["FAR", "NEAR", "PROJECT", "Problem", "Sums", "Work", "cents", "choose_units", "explain", "gap_cost",
           "mismatch", "settle", "tables_of"]
