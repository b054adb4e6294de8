"""The document read with one reading per page (an ``Assembly``), and another reading of one page weighed
(a ``Trial``) by folding and scoring again only the rows it touches.

Self-verification weighs many readings of a page against the rest of the document (``document.py``).
Rebuilding the whole document for each would cost the document's length per reading, and so grow with the
square of its pages.  An assembly keeps, for every page, the state of the fold after it (``stitch.Fold``),
the weight of every row's own violations and of every unit's sum; a trial folds from the page before the
one read another way until the fold is where the assembly's was, settles the units of the stretch between
the settled units around the rows that changed (``units.settle`` with the stretch's first unit fixed), and
scores the difference.  Page cuts, row records and row findings are made once (memoised per table and per
row text) however many readings ask for them.  A trial that changes a 合计 row is assembled whole.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from ..checks import _Collector, compare, row_findings
from ..layouts import Layout
from ..layouts.performance_targets import assign_units
from ..layouts.units import FIELDS, Problem, Sums, Work, cents, mismatch, settle, tables_of
from ..model import Finding, RawRow, Row
from . import verify
from .grid import PageTable
from .stitch import Fold, Parts

if TYPE_CHECKING:
    from .document import _Pages

# set by a test: every trial is checked against the whole document assembled with the same choice, and each
# that scores otherwise is kept here as (page, reading, the whole's score, the trial's)
CHECK_TRIALS = False
MISMATCHED: list[tuple[int, str, float, float]] = []
REACH = 1  # settled units beyond the nearest on either side of a trial's window that are settled again


def _key(raw: RawRow) -> tuple:
    return raw.page, tuple(raw.pages), tuple(sorted(raw.cells.items()))


def _text_table(tables: list[PageTable] | None) -> PageTable | None:
    return next((t for t in tables or [] if t.flavor == "stream"), None)


class Context:
    """What every reading of one document shares: the pages' readings, their cuts, the rows' records and
    their findings, each made once."""

    def __init__(self, pages: _Pages, layout: Layout, department: str, lang: str, tol: Decimal) -> None:
        self.pages, self.layout, self.department, self.lang, self.tol = pages, layout, department, lang, tol
        self.parts = Parts(layout, pages.settings.row_gap)
        self.tol_cents = int(tol * 100)
        self._records: dict[tuple, Row] = {}
        self._local: dict[tuple, tuple[float, list[Finding]]] = {}
        self.work = Work()
        self.trials = 0  # readings weighed
        self.wholes = 0  # whole documents assembled (the first, each switch, a trial that changes a 合计 row)
        self.forced = 0  # trials assembled whole: they change a 合计 row (or leave their table)

    def record(self, raw: RawRow) -> Row:
        """The row as printed (a fresh copy: settling changes its kind and unit)."""
        key = _key(raw)
        row = self._records.get(key)
        if row is None:
            row = self._records[key] = self.layout.record(raw)
        return dataclasses.replace(row)

    def local(self, raw: RawRow, row: Row) -> tuple[float, list[Finding]]:
        """The weight of a row's own violations (its findings and its grammar), and its findings."""
        key = (_key(raw), row.kind, row.unit)
        hit = self._local.get(key)
        if hit is None:
            found = row_findings(row, "", self.lang, self.tol)
            hit = (sum(verify.weight(f) for f in found) + verify.GRAMMAR * len(verify.row_grammar(row)), found)
            self._local[key] = hit
        return hit


def _fold(ctx: Context, choice: dict[int, str], start: int, fold: Fold, previous: PageTable | None,
          stop: Callable[[int, Fold, PageTable | None], bool] | None = None
          ) -> tuple[int | None, dict[int, float], dict[int, tuple], dict[int, PageTable | None]]:
    """Feed the pages from index ``start`` into ``fold`` with their readings in ``choice``; stop after a page
    for which ``stop`` says so (its index is returned; None: folded to the end and finished).  Returns the
    misfit, state after, and the text table before, of each page folded."""
    pages = ctx.pages.pages
    misfit: dict[int, float] = {}
    states: dict[int, tuple] = {}
    before: dict[int, PageTable | None] = {}
    for k in range(start, len(pages)):
        page = pages[k]
        before[page] = previous
        got = ctx.pages.reading(page, choice[page], previous) or []
        previous = _text_table(got) or previous
        misfit[page] = 0.0
        for t, table in enumerate(got):
            part = ctx.parts(table, fold.mapping, fold.width)
            if part.misfit is not None:
                misfit[page] += part.misfit
            fold.feed(part, last=k == len(pages) - 1 and t == len(got) - 1)
        states[page] = fold.state()
        if stop is not None and stop(k, fold, previous):
            return k, misfit, states, before
    fold.finish()
    return None, misfit, states, before


class Assembly:
    """The whole document read with ``choice`` (page → reading): its rows settled, scored by the checksum's
    violations plus the anchored cuts' misfit (``verify``)."""

    def __init__(self, ctx: Context, choice: dict[int, str]) -> None:
        self.ctx, self.choice = ctx, dict(choice)
        ctx.wholes += 1
        fold = Fold()
        _, self.misfit, self.states, self.before = _fold(ctx, self.choice, 0, fold, None)
        self.raw, self.log = fold.rows, fold.log
        self.after: dict[int, PageTable | None] = {}
        pages = ctx.pages.pages
        for k, page in enumerate(pages):  # the text table a page's reading hands on (what the next is read with)
            self.after[page] = self.before[pages[k + 1]] if k + 1 < len(pages) else None
        rows = [ctx.record(r) for r in self.raw]
        self.initial = [r.kind for r in rows]
        self.tables = []
        for total, body in tables_of(rows):
            lo, hi = (body[0], body[-1] + 1) if body else ((total or 0) + 1, (total or 0) + 1)
            table = rows[lo:hi]
            positions = [t for t, r in enumerate(table) if r.kind == "unit"]
            problem = Problem(positions, [cents(table[t]) for t in positions], Sums([cents(r) for r in table]),
                              len(table), total=cents(rows[total]) if total is not None else None)
            chosen, _ = settle(problem, ctx.work)
            for k, pos in enumerate(positions):
                if k not in chosen:
                    table[pos].kind = "project"
            self.tables.append((total, lo, hi))
        assign_units(rows, ctx.department)
        self.rows = rows
        self.local = [ctx.local(raw, row)[0] for raw, row in zip(self.raw, rows)]
        self.unit_w: dict[int, float] = {}
        self.table_sums: list[tuple[tuple[int, ...], tuple[int, ...], int, float]] = []  # units, body, n units, w
        self.sums: list[Sums] = []  # per table, over its body rows
        self.candidates: list[list[int]] = []  # per table, the rows without goal and indicators (before settling)
        self.units: list[list[int]] = []  # per table, the rows settled as units
        for total, lo, hi in self.tables:
            units = [i for i in range(lo, hi) if rows[i].kind == "unit"]
            ends = [*units[1:], hi]
            sums = Sums([cents(r) for r in rows[lo:hi]])
            self.sums.append(sums)
            self.candidates.append([i for i in range(lo, hi) if self.initial[i] == "unit"])
            self.units.append(units)
            for u, e in zip(units, ends):
                added = [sums(f, e - lo) - sums(f, u + 1 - lo) for f in range(FIELDS)]
                self.unit_w[u] = mismatch(cents(rows[u]), added, ctx.tol_cents)
            unit_sum = tuple(sum(cents(rows[u])[f] for u in units) for f in range(FIELDS))
            body_sum = tuple(sums(f, hi - lo) for f in range(FIELDS))
            weight = 0.0
            if total is not None:
                weight = mismatch(cents(rows[total]), unit_sum if units else _minus(body_sum, unit_sum), ctx.tol_cents)
            self.table_sums.append((unit_sum, body_sum, len(units), weight))
        self.checksum = sum(self.local) + sum(self.unit_w.values()) + sum(w for *_, w in self.table_sums)
        self.score = self.checksum + verify.MISFIT * sum(self.misfit.values()) if self.raw else float("inf")
        self.crossed = {p for r in self.raw if len(r.pages) > 1 for p in r.pages}
        self._findings: list[Finding] | None = None

    # --- what self-verification reads of a reading -------------------------------------------------------
    @property
    def findings(self) -> list[Finding]:
        """Every violation the checksum counts (the rows' own, the units' and the 合计's sums)."""
        if self._findings is None:
            out = [f for raw, row in zip(self.raw, self.rows) for f in self.ctx.local(raw, row)[1]]
            out += _sum_findings(self.ctx, self.rows, range(len(self.rows)), self.tables)
            self._findings = out
        return self._findings

    def findings_on(self, page: int) -> list[Finding]:
        return [f for f in self.findings if f.page == page]

    def content(self, page: int) -> list[tuple]:
        return [(r.name, r.goal, r.indicators_text) for r in self.rows if r.page == page]

    def rows_on(self, page: int) -> list[Row]:
        return [r for r in self.rows if r.page == page]

    def trial(self, page: int, name: str) -> Assembly | Trial:
        """The document with ``page`` read as ``name`` and every other page as here."""
        self.ctx.trials += 1
        trial = Trial(self, page, name)
        if trial.whole is not None:
            self.ctx.forced += 1
            return trial.whole
        if CHECK_TRIALS:
            whole = Assembly(self.ctx, trial.choice)
            self.ctx.wholes -= 1
            if abs(whole.score - trial.score) > 1e-6 or abs(whole.checksum - trial.checksum) > 1e-6:
                MISMATCHED.append((page, name, whole.score, trial.score))
        return trial

    def whole_assembly(self) -> Assembly:
        return self

    def units_log(self) -> list[str]:
        """What the arithmetic decided of the rows without goal and indicators, where structure alone would
        not say it (``units.explain``)."""
        out: list[str] = []
        for i, (kind, row) in enumerate(zip(self.initial, self.rows)):
            if kind != "unit":
                continue
            followed = i + 1 < len(self.rows) and self.rows[i + 1].kind == "project"
            if row.kind == "project":
                why = "the amounts of the rows under it add up without it" if followed else "no projects follow it"
                out.append(f"page {row.page}: {row.name!r} has no goal or indicators; read as a project ({why})")
            elif not followed:
                out.append(f"page {row.page}: {row.name!r} read as a unit without projects (no goal or indicators, "
                           "and the amounts agree)")
        return out


def _minus(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(x - y for x, y in zip(a, b))


def _sum_findings(ctx: Context, rows: list[Row], where: range, tables: list[tuple[int | None, int, int]]
                  ) -> list[Finding]:
    """The sum findings of the units (and 合计 rows) of ``tables`` that lie in ``where``."""
    c = _Collector("", ctx.lang)
    for total, lo, hi in tables:
        units = [i for i in range(lo, hi) if rows[i].kind == "unit"]
        for u, e in zip(units, [*units[1:], hi]):
            if u in where:
                members = [r for r in rows[u + 1:e] if r.kind == "project"]
                compare(c, rows[u], [sum(cents(r)[f] for r in members) for f in range(FIELDS)], len(members),
                        "projects", ctx.tol)
        if total is not None and total in where:
            parts = [rows[u] for u in units] or [r for r in rows[lo:hi] if r.kind == "project"]
            compare(c, rows[total], [sum(cents(r)[f] for r in parts) for f in range(FIELDS)], len(parts),
                    "units" if units else "projects", ctx.tol)
    return c.out


class Trial:
    """The assembly ``base`` with ``page`` read as ``name``: only the rows that change are folded, settled and
    scored again.  ``whole`` is a whole Assembly instead where the change reaches a 合计 row."""

    def __init__(self, base: Assembly, page: int, name: str) -> None:
        ctx = base.ctx
        self.base, self.page, self.name = base, page, name
        self.choice = {**base.choice, page: name}
        self.whole: Assembly | None = None
        pages = ctx.pages.pages
        k0 = pages.index(page)
        fold = Fold()
        if k0 > 0:
            fold.resume(base.raw, base.states[pages[k0 - 1]])
        n_before = len(fold.rows)
        a = max(n_before - 1, 0)

        def converged(k: int, f: Fold, previous: PageTable | None) -> bool:
            p = pages[k]
            return k + 1 < len(pages) and f.state() == base.states[p] and previous is base.after[p]

        stop, misfit, _, _ = _fold(ctx, self.choice, k0, fold, base.before[page], converged)
        if stop is not None:
            b = base.states[pages[stop]][0] - 1  # the window's last row: the base's (later pages may join to it)
            window = fold.rows[a:b]
            changed_pages = pages[k0:stop + 1]
        else:
            b = len(base.raw)
            window = fold.rows[a:]
            changed_pages = pages[k0:]
        self.a, self.b, self.raw_window = a, b, window
        self.log = fold.log
        records = [ctx.record(r) for r in window]
        if any(r.kind == "total" for r in records) or any(k == "total" for k in base.initial[a:b]) \
                or not base.tables:
            self.whole = Assembly(ctx, self.choice)
            return
        self.misfit_delta = sum(misfit.values()) - sum(base.misfit[p] for p in changed_pages)
        self._settle(records)
        if self.whole is not None:
            return
        self.score = base.score + self.delta + verify.MISFIT * self.misfit_delta
        self.checksum = base.checksum + self.delta
        self.crossed = (base.crossed - set(changed_pages)) | {p for r in window if len(r.pages) > 1 for p in r.pages}

    def _settle(self, records: list[Row]) -> None:
        """Settle the candidates between the settled units around the window, and score what changed.  The
        stretch is read through the base's prefix sums and the window's own: the work is the window's rows
        and the stretch's candidates, not the stretch's rows."""
        base, ctx, a, b = self.base, self.base.ctx, self.a, self.b
        t = next((k for k, (_, lo, hi) in enumerate(base.tables) if lo <= a < hi or (lo == hi == a)), None)
        if t is None or b > base.tables[t][2]:  # the window is not inside one table's body
            self.whole = Assembly(ctx, self.choice)
            return
        total, lo, hi = base.tables[t]
        units, cands, P = base.units[t], base.candidates[t], base.sums[t]
        # the settled units around the window may change too: the stretch begins one settled unit further up
        # and ends one further down (a unit next to a changed row may turn into a project, and back)
        i_s = bisect_left(units, a) - 1 - REACH
        i_s = i_s if i_s >= 0 else -1
        fixed = i_s >= 0
        s = units[i_s] if fixed else lo
        i_e = bisect_left(units, b) + REACH
        e = units[i_e] if i_e < len(units) else hi
        n_before, n_win = a - s, len(records)
        W = Sums([cents(r) for r in records])

        def prefix(f: int, x: int) -> int:  # the stretch's rows before position x, summed
            if x <= n_before:
                return P(f, s + x - lo) - P(f, s - lo)
            if x <= n_before + n_win:
                return P(f, a - lo) - P(f, s - lo) + W(f, x - n_before)
            return P(f, a - lo) - P(f, s - lo) + W(f, n_win) + P(f, b + x - n_before - n_win - lo) - P(f, b - lo)

        def at(x: int) -> tuple[str, int]:  # ("base", index) or ("window", index) of stretch position x
            if x < n_before:
                return "base", s + x
            if x < n_before + n_win:
                return "window", x - n_before
            return "base", b + x - n_before - n_win

        base_before = cands[bisect_left(cands, s):bisect_left(cands, a)]
        base_after = cands[bisect_left(cands, b):bisect_left(cands, e)]
        if fixed and (not base_before or base_before[0] != s):
            base_before = [s, *base_before]  # the unit the stretch starts with (a candidate too, by its cells)
        positions = [i - s for i in base_before]
        positions += [n_before + k for k, r in enumerate(records) if r.kind == "unit"]
        positions += [n_before + n_win + i - b for i in base_after]
        length = n_before + n_win + (e - b)

        def row_at(x: int) -> Row:
            where, i = at(x)
            return base.rows[i] if where == "base" else records[i]

        amounts = [cents(row_at(x)) for x in positions]
        problem = Problem(positions, amounts, prefix, length, fixed_start=fixed,
                          total=cents(base.rows[total]) if not fixed and s == lo and e == hi and total is not None
                          else None)
        chosen, _ = settle(problem, ctx.work)
        kinds = {x: ("unit" if k in chosen else "project") for k, x in enumerate(positions)}
        new_units = [x for x in positions if kinds[x] == "unit"]
        # the window's rows settled, with their units (the unit above; the department before a table's first)
        above = None
        for x in positions:
            if x < n_before and kinds[x] == "unit":
                above = row_at(x).name
        for k, row in enumerate(records):
            x = n_before + k
            if x in kinds:
                row.kind = kinds[x]
            if row.kind == "unit":
                above = row.name
                row.unit = above
            else:
                row.unit = above if above is not None else ctx.department
        # what changed: the rows' own violations (the window's, and candidates whose kind changed), the units'
        # sums, the 合计's
        delta = sum(ctx.local(raw, row)[0] for raw, row in zip(self.raw_window, records)) - sum(base.local[a:b])
        self.parts = {"window": delta}
        for x in positions:
            where, i = at(x)
            if where == "base" and kinds[x] != base.rows[i].kind:
                row = dataclasses.replace(base.rows[i], kind=kinds[x])
                delta += ctx.local(base.raw[i], row)[0] - base.local[i]
        self.parts["kinds"] = delta - self.parts["window"]
        old_units = units[bisect_left(units, s):bisect_left(units, e)]
        delta -= sum(base.unit_w[i] for i in old_units)
        mark = delta
        for u, end in zip(new_units, [*new_units[1:], length]):
            added = [prefix(f, end) - prefix(f, u + 1) for f in range(FIELDS)]
            delta += mismatch(cents(row_at(u)), added, ctx.tol_cents)
        self.parts["units"] = delta - mark
        mark = delta
        if total is not None:
            unit_sum, body_sum, n_units, old_total_w = base.table_sums[t]
            removed = [cents(base.rows[i]) for i in old_units]
            added_units = [cents(row_at(x)) for x in new_units]
            unit_sum = tuple(unit_sum[f] - sum(r[f] for r in removed) + sum(r[f] for r in added_units)
                             for f in range(FIELDS))
            body_sum = tuple(body_sum[f] - (P(f, b - lo) - P(f, a - lo)) + W(f, n_win) for f in range(FIELDS))
            n = n_units - len(old_units) + len(new_units)
            delta += mismatch(cents(base.rows[total]), unit_sum if n else _minus(body_sum, unit_sum),
                              ctx.tol_cents) - old_total_w
        self.parts["total"] = delta - mark
        self.delta = delta
        self.rows_window = records
        self._units = [(row_at(u), u, end) for u, end in zip(new_units, [*new_units[1:], length])]
        self._prefix = prefix

    # --- what self-verification reads of a reading -------------------------------------------------------
    def findings_on(self, page: int) -> list[Finding]:
        """The violations on ``page`` (whose rows lie in the window)."""
        out = [f for raw, row in zip(self.raw_window, self.rows_window) if row.page == page
               for f in self.ctx.local(raw, row)[1]]
        c = _Collector("", self.ctx.lang)
        for unit, u, end in self._units:
            if unit.page == page:
                added = [self._prefix(f, end) - self._prefix(f, u + 1) for f in range(FIELDS)]
                compare(c, unit, added, end - u - 1, "projects", self.ctx.tol)
        return out + c.out

    @property
    def ctx(self) -> Context:
        return self.base.ctx

    def content(self, page: int) -> list[tuple]:
        return [(r.name, r.goal, r.indicators_text) for r in self.rows_window if r.page == page]

    def rows_on(self, page: int) -> list[Row]:
        return [r for r in self.rows_window if r.page == page]

    def whole_assembly(self) -> Assembly:
        return Assembly(self.ctx, self.choice)


__all__ = ["CHECK_TRIALS", "MISMATCHED", "Assembly", "Context", "Trial"]
