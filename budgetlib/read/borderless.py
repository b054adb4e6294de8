"""Tables without ruling lines (or without rules between their rows): camelot stream inside an area and
columns found from the text positions, its lines grouped into rows by the white space between them."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

from ..settings import ExtractSettings
from .glyphs import placed_chars
from .grid import PageTable, quiet_read
from .pdf import excerpt

_PAGE_NO = re.compile(r"^\s*(第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?|-?\s*\d+\s*-?|\d+\s*/\s*\d+)\s*$")


def borderless_table(path: Path, page: int, settings: ExtractSettings,
                     previous: PageTable | None = None) -> PageTable | None:
    """The page's table read from text positions (``_borderless``); of a long document, from an excerpt of the
    page alone (``pdf.excerpt``: pdfplumber walks the page tree up to the page it opens)."""
    src, local = excerpt(path, [page])
    table = _borderless(src, local[page], settings, previous)
    return replace(table, page=page) if table is not None else None


def _borderless(path: Path, page: int, settings: ExtractSettings,
                previous: PageTable | None = None) -> PageTable | None:
    """A table without ruling lines, read by camelot stream inside an area and columns found from the
    text positions: the area starts at the header row; a column boundary is the widest vertical strip
    between two header labels that no text below the header crosses.  Stream gives one row per text
    line; ``group_lines`` or ``anchor_rows`` then join lines into table rows.

    A page without the header (the title rows printed on the first page only) continues ``previous``,
    the text-position table of the page before: its columns are reused, from the top of the page.
    """
    import pdfplumber  # only borderless pages need word positions
    from pdfplumber.utils import extract_words

    with pdfplumber.open(str(path), pages=[page]) as pdf:
        p = pdf.pages[0]
        height = float(p.height)
        chars = placed_chars(p.chars)  # where camelot sees them: each glyph's em box on its baseline
        words = extract_words(chars, keep_blank_chars=True, x_tolerance=1.5)  # labels such as 总  计 stay whole
        fine = extract_words(chars, x_tolerance=0.5)  # cell texts apart even where a column gap is narrow
    labels, top, head_bottom = _header_band(words)
    if len(labels) < 3:
        return _continuation(path, page, settings, previous, words, height)
    furniture = _page_furniture(words, head_bottom)
    body = [w for w in words if w["top"] > head_bottom and id(w) not in furniture]
    labels_and_wraps = [w for w in words if top <= w["top"] <= head_bottom]
    if not body:
        return None
    left = min(w["x0"] for w in body + labels) - 1
    right = max(w["x1"] for w in body + labels) + 1
    bottom = max(w["bottom"] for w in body) + 0.5
    fine_furniture = {id(w) for w in fine if any(abs(w["top"] - f["top"]) < 0.5 and f["x0"] - 0.5 <= w["x0"]
                                                  and w["x1"] <= f["x1"] + 0.5 for f in furniture.values())}
    body_fine = [w for w in fine if w["top"] > head_bottom and id(w) not in fine_furniture]
    spans = [(w["x0"], w["x1"]) for w in body_fine]
    strips = []
    for a, b in pairwise(labels):
        free = _free_strips(a["x1"], b["x0"], spans)
        if free:
            strips.append(max(free, key=lambda s: s[1] - s[0]))
    columns = _boundaries(strips, body_fine)
    # the area starts just above the header, below the line above it (camelot takes a text whose centre
    # lies within 2 pt of the area, so the 部门名称 line must not reach into it)
    above = max((w["bottom"] for w in words if w["bottom"] <= top + 0.5), default=top - 2)
    area_top = max(above, top - 2)
    read = _stream(path, page, settings, (left, area_top, right, bottom), columns, body + labels_and_wraps, height)
    if read is None:
        return None
    cells, ys = read
    # the header's lines (a label wrapped over two lines) become one header row
    n_head = sum(1 for top_y, _ in ys if top_y > height - head_bottom - 0.5)
    if n_head > 1:
        joined = ["\n".join(row[c] for row in cells[:n_head] if row[c].strip()) for c in range(len(cells[0]))]
        cells = [joined, *cells[n_head:]]
        ys = [(ys[0][0], min(y[1] for y in ys[:n_head])), *ys[n_head:]]
    return PageTable(page, "stream", cells, ys, columns=(left, *columns, right))


def _boundaries(strips: list[tuple[float, float]], words: list[dict]) -> list[float]:
    """Where in each free strip between two columns the boundary goes.  The page shows only some of the
    table's text: a wider line on the next page (read with these boundaries) may reach further into the
    strip.  An edge that the text is aligned to does not move: a boundary goes just right of a column whose
    lines end at one x (right-aligned amounts), just left of one whose lines start at one x (left-aligned
    text), and in the middle where neither or both hold."""
    cuts = [(lo + hi) / 2 for lo, hi in strips]
    lines: list[dict[float, list[float]]] = [{} for _ in range(len(cuts) + 1)]
    for w in words:  # each column's lines: (x0, x1) per text line
        c = sum(1 for x in cuts if (w["x0"] + w["x1"]) / 2 > x)
        line = lines[c].setdefault(round(w["top"]), [w["x0"], w["x1"]])
        line[0], line[1] = min(line[0], w["x0"]), max(line[1], w["x1"])

    def fixed(c: int, side: int) -> bool:  # the column's lines share their left (0) or right (1) edge
        xs = [ln[side] for ln in lines[c].values()]
        other = [ln[1 - side] for ln in lines[c].values()]
        return len(xs) >= 3 and max(xs) - min(xs) < 1.0 and max(other) - min(other) > 3.0

    out = []
    for i, (lo, hi) in enumerate(strips):
        margin = min(1.5, (hi - lo) / 2)
        right_edge, left_edge = fixed(i, 1), fixed(i + 1, 0)
        if right_edge and not left_edge:
            out.append(lo + margin)
        elif left_edge and not right_edge:
            out.append(hi - margin)
        else:
            out.append(cuts[i])
    return out


def _continuation(path: Path, page: int, settings: ExtractSettings, previous: PageTable | None,
                  words: list[dict], height: float) -> PageTable | None:
    """A page of rows only, read with the columns of the page before (no header to find them from)."""
    if previous is None or len(previous.columns) < 4 or not words:
        return None
    left, *columns, right = previous.columns
    furniture = _page_furniture(words, -1.0)
    body = [w for w in words if id(w) not in furniture and w["x1"] > left and w["x0"] < right]
    if not body:
        return None
    top = min(w["top"] for w in body) - 0.5
    bottom = max(w["bottom"] for w in body) + 0.5
    read = _stream(path, page, settings, (left, top, right, bottom), columns, body, height)
    if read is None or not read[0] or len(read[0][0]) != previous.n_cols:
        return None
    return PageTable(page, "stream", *read, columns=previous.columns)


def _stream(path: Path, page: int, settings: ExtractSettings, box: tuple[float, float, float, float],
            columns: list[float], words: list[dict], height: float
            ) -> tuple[list[list[str]], list[tuple[float, float]]] | None:
    """camelot stream inside ``box`` (left, top, right, bottom; pdfplumber's y, from the top) with the
    column boundaries given: its cells, and where each row's text is (from ``words``)."""
    left, top, right, bottom = box
    area = f"{left:.1f},{height - top:.1f},{right:.1f},{height - bottom:.1f}"
    tables = quiet_read(path, [page], settings, flavor="stream", table_areas=[area],
                         columns=[",".join(f"{x:.1f}" for x in columns)], split_text=True, row_tol=2)
    if not tables:
        return None
    t = tables[0]
    return _cells(t), [_text_extent(band, words, height) for band in t.rows]


def _cells(table) -> list[list[str]]:
    """The table's cell texts as printed.  camelot's ``df`` strips every cell, and a stream cell is one line:
    a space printed where a line wraps (``≥`` then ``96%`` on the next line, the value ``≥ 96%``) would be
    lost; only the line's end is cut here."""
    return [[cell.text.rstrip("\r\n") for cell in row] for row in table.cells]


def _page_furniture(words: list[dict], head_bottom: float) -> dict[int, dict]:
    """Page numbers under the table (第 3 页, - 3 -, 3/9): alone on the page's lowest line, set apart from
    the text above by more than a line.  A number alone on its line inside the table (a unit's 总计
    centred beside its two-line name) is data, not a page number."""
    below = [w for w in words if w["top"] > head_bottom]
    if not below:
        return {}
    lowest = max(below, key=lambda w: w["top"])
    line = [w for w in below if w["bottom"] > lowest["top"] and w["top"] < lowest["bottom"]]
    text = " ".join(w["text"] for w in sorted(line, key=lambda w: w["x0"]))
    if not _PAGE_NO.match(text):
        return {}
    rest = [w for w in below if w not in line]
    heights = sorted(w["bottom"] - w["top"] for w in rest) or [10.0]
    gap = lowest["top"] - max((w["bottom"] for w in rest), default=head_bottom)
    return {id(w): w for w in line} if gap > 1.2 * heights[len(heights) // 2] else {}


_HEADER_WORDS = ("项目名称", "总计", "财政拨款", "财政专户", "其他资金", "绩效目标", "绩效指标")
# what the rest of a wrapped header label is made of (``单位）`` under ``项目名称（资金使用``); a project name
# right under the header (a sheet without padding) is not
LABEL_CHARS = set("项目名称（资金使用单位）()单位名称预算总计合计财政拨款专户管理其他绩效目标指标万元千")


def _text_extent(band: tuple[float, float], words: list[dict], height: float) -> tuple[float, float]:
    """(top, bottom) in PDF points of the text camelot put in the row spanning ``band``; camelot's own
    row bounds are midpoints between lines, not where the text is."""
    hi, lo = band
    inside = [w for w in words if lo <= height - (w["top"] + w["bottom"]) / 2 <= hi]
    if not inside:
        return (hi, lo)
    return (max(height - w["top"] for w in inside), min(height - w["bottom"] for w in inside))


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _header_band(words: list[dict]) -> tuple[list[dict], float, float]:
    """The header row: its label words left to right, and its top and bottom (pdfplumber's y, from the top).

    Label words that overlap vertically form a line; the header is the line with the most distinct column
    labels (the title, which also says 绩效目标, is a line of its own).  Text wrapped onto a further
    line of a label (``（资金使用单位）``) belongs to the header too.
    """
    cands = sorted((w for w in words if any(_flat(w["text"]).startswith(k) or
                                            (k in _flat(w["text"]) and len(_flat(w["text"])) <= 16)
                                            for k in _HEADER_WORDS)), key=lambda w: w["top"])
    groups: list[list[dict]] = []
    for w in cands:
        if groups and w["top"] < max(g["bottom"] for g in groups[-1]):
            groups[-1].append(w)
        else:
            groups.append([w])
    if not groups:
        return [], 0.0, 0.0

    def distinct(ws: list[dict]) -> int:
        return len({k for w in ws for k in _HEADER_WORDS if k in _flat(w["text"])})

    best = max(groups, key=distinct)
    line = sorted(w["bottom"] - w["top"] for w in best)[len(best) // 2]
    # labels aligned to the bottom (or top) of a header whose labels wrap differently sit on other lines:
    # nearby label words that name a column not yet found belong to the header too
    found = {k for w in best for k in _HEADER_WORDS if k in _flat(w["text"])}
    b_top, b_bottom = min(w["top"] for w in best), max(w["bottom"] for w in best)
    for g in groups:
        if g is best or (min(abs(w["top"] - b_top) for w in g) > 3 * line and \
                min(abs(w["bottom"] - b_bottom) for w in g) > 3 * line):
            continue
        for w in g:
            new = {k for k in _HEADER_WORDS if k in _flat(w["text"])} - found
            if new and not any(w["x0"] < b["x1"] and w["x1"] > b["x0"] for b in best):
                best = [*best, w]
                found |= new
    labels = sorted(best, key=lambda w: w["x0"])
    top, bottom = min(w["top"] for w in best), max(w["bottom"] for w in best)
    for w in sorted(words, key=lambda w: w["top"]):  # one pass: the band only grows downwards
        if w["top"] > bottom + 0.8 * line:
            break
        text = _flat(w["text"])
        if (w["bottom"] > bottom and top < w["top"] and text and len(text) <= 12
                and not re.search(r"\d", text) and text not in ("合计", "总计") and set(text) <= LABEL_CHARS
                and any(w["x0"] < lab["x1"] and w["x1"] > lab["x0"] for lab in labels)):
            bottom = w["bottom"]
    return labels, top, bottom


def _free_strips(lo: float, hi: float, spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sub-intervals of (lo, hi) that no span covers: one sweep over the spans in order (n log n, not the
    square of the words on the page)."""
    strips, edge = [], lo
    for a, b in sorted(sp for sp in spans if sp[1] > lo and sp[0] < hi):
        if a > edge:
            strips.append((edge, min(a, hi)))
        edge = max(edge, b)
        if edge >= hi:
            break
    if edge < hi:
        strips.append((edge, hi))
    return strips


def _split_threshold(gaps: list[float]) -> float | None:
    """The gap size that best separates the white space between lines of a cell from the (larger)
    white space between rows: two-class split of the gaps (Otsu), or None when they are all alike."""
    values = sorted(gaps)
    if len(values) < 2 or values[-1] - values[0] < 1.0:
        return None
    best, cut = -1.0, None
    for i in range(1, len(values)):
        low, high = values[:i], values[i:]
        m_low, m_high = sum(low) / len(low), sum(high) / len(high)
        score = len(low) * len(high) * (m_high - m_low) ** 2
        if score > best:
            best, cut = score, (values[i - 1] + values[i]) / 2
    small = [g for g in values if cut is not None and g < cut]
    if cut is None or not small or cut < 1.5 * (sum(small) / len(small)) + 0.5:
        return None
    return cut


def group_lines(table: PageTable, anchor_col: int | None, row_gap: float) -> PageTable:
    """Join stream lines into table rows.

    Rows are padded, lines inside a cell are not: a new row starts at a band of white space (across all
    columns) clearly wider than the space between the lines of a cell, or where a line carries an
    amount in ``anchor_col`` (总计) while the row being built already has one.  ``row_gap`` (in points) is
    the least white space taken as a row boundary when the gaps do not separate by themselves.
    """
    if not table.cells:
        return table
    order = range(len(table.cells))
    # white space above each line: from the lowest text bottom so far down to this line's top
    floor = table.rows_y[0][1]
    gaps = [0.0]
    for i in order[1:]:
        top, bottom = table.rows_y[i]
        gaps.append(floor - top)
        floor = min(floor, bottom)
    cut = _split_threshold([g for g in gaps[1:] if g > 0])
    limit = cut if cut is not None else max(row_gap, 0.1)
    groups: list[list[int]] = [[0]]
    for i in order[1:]:
        has_anchor = anchor_col is not None and table.cells[i][anchor_col].strip() != ""
        group_anchor = anchor_col is not None and any(table.cells[j][anchor_col].strip() for j in groups[-1])
        if gaps[i] > limit or (has_anchor and group_anchor):
            groups.append([i])
        else:
            groups[-1].append(i)
    cells = [["\n".join(table.cells[j][c] for j in g if table.cells[j][c].strip()) for c in range(table.n_cols)]
             for g in groups]
    ys = [(table.rows_y[g[0]][0], min(table.rows_y[j][1] for j in g)) for g in groups]
    misfit = alignment_misfit(table, groups, [anchor_col] if anchor_col is not None else [])
    return PageTable(table.page, table.flavor, cells, ys, table.columns, table.grouping, misfit)


def alignment_misfit(table: PageTable, groups: list[list[int]], amount_cols: list[int]) -> float:
    """How far, in line heights, a cut's text blocks sit from their row's line of amounts under the one
    vertical alignment (top, middle or bottom) that fits the page best: near zero for the cut the page was
    printed with, large where a block took lines of the row above or below."""
    n = len(table.cells)
    if not n or not amount_cols:
        return 0.0
    pitch = sorted(t - b for t, b in table.rows_y)[n // 2] or 1.0
    refs = {"top": lambda t, b: t, "middle": lambda t, b: (t + b) / 2, "bottom": lambda t, b: b}
    totals = dict.fromkeys(refs, 0.0)
    for g in groups:
        anchors = [j for j in g if any(_AMOUNT.match(table.cells[j][c]) for c in amount_cols)]
        if len(anchors) != 1:
            continue
        a_top, a_bottom = table.rows_y[anchors[0]]
        for c in range(table.n_cols):
            lines = [j for j in g if table.cells[j][c].strip()]
            if not lines or c in amount_cols:
                continue
            top, bottom = table.rows_y[lines[0]][0], table.rows_y[lines[-1]][1]
            for name, ref in refs.items():
                totals[name] += abs(ref(top, bottom) - ref(a_top, a_bottom))
    return min(totals.values()) / pitch


_AMOUNT = re.compile(r"^\s*-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?\s*$")


def anchor_rows(table: PageTable, amount_cols: list[int], name_col: int | None, valign: str) -> PageTable:
    """Join stream lines into table rows anchored on the rows' amounts: where the white space between two
    rows is no wider than between two lines of a cell, each row still has exactly one line of amounts.
    Each other column's lines are cut into one block per anchor, in order, so that each block sits where
    the cells' vertical alignment puts it: its top, centre or bottom level with its anchor's.  Lines above
    the first anchor (or below the last) that fit no anchor form a row without amounts: the rest of a row
    split across the page break.
    """
    n = len(table.cells)
    anchors = [i for i in range(n) if any(_AMOUNT.match(table.cells[i][c]) for c in amount_cols
                                          if c < len(table.cells[i]))]
    if not anchors:
        return table
    tops = [table.rows_y[i][0] for i in range(n)]
    bottoms = [table.rows_y[i][1] for i in range(n)]
    pitch = sorted(t - b for t, b in zip(tops, bottoms))[n // 2] or 1.0

    def ref(top: float, bottom: float) -> float:
        return top if valign == "top" else bottom if valign == "bottom" else (top + bottom) / 2

    a_ref = [ref(tops[i], bottoms[i]) for i in anchors]
    last_top = tops[anchors[-1]]
    # a cell's text lies inside its row: below the amounts of the row above, above those of the row below
    a_band = [(tops[i], bottoms[i]) for i in anchors]
    m = len(anchors)
    blocks: dict[int, list[list[int]]] = {}  # column → lines per slot (prefix, anchors…, suffix)
    misfit = 0.0
    for c in range(table.n_cols):
        if c in amount_cols:
            continue
        lines = [i for i in range(n) if table.cells[i][c].strip()]
        blocks[c], cost = _cut(lines, tops, bottoms, a_ref, a_band, ref, pitch, must_fill=c == name_col,
                               last_top=last_top)
        misfit += cost / pitch
    rows: list[list[str]] = []
    ys: list[tuple[float, float]] = []
    for slot in range(m + 2):
        members = {c: blocks[c][slot] for c in blocks}
        anchor = anchors[slot - 1] if 1 <= slot <= m else None
        if anchor is None and not any(members.values()):
            continue
        cells = []
        for c in range(table.n_cols):
            if c in amount_cols:
                cells.append(table.cells[anchor][c] if anchor is not None else "")
            else:
                cells.append("\n".join(table.cells[i][c] for i in members[c]))
        used = [i for ls in members.values() for i in ls] + ([anchor] if anchor is not None else [])
        rows.append(cells)
        ys.append((max(tops[i] for i in used), min(bottoms[i] for i in used)))
    return PageTable(table.page, table.flavor, rows, ys, table.columns, table.grouping, misfit)


def _cut(lines: list[int], tops: list[float], bottoms: list[float], a_ref: list[float],
         a_band: list[tuple[float, float]], ref, pitch: float, must_fill: bool,
         last_top: float | None = None) -> tuple[list[list[int]], float]:
    """A column's lines (top to bottom) cut into m + 2 contiguous blocks: before the first anchor, one per
    anchor, after the last.  Dynamic programming over the cut points: a block costs the distance of its
    reference point from its anchor's, plus any white space inside it wider than a line; an empty block
    costs nothing (a unit has no goal), except in the name column; a block before or after the anchors
    costs a line's height.  A block may not reach the amounts of the rows above or below its own (by more
    than half a line: text crossing a rule).  The last anchor's block may also sit level with its top
    (``last_top``): a row that a page break splits is printed from its top, whatever the alignment."""
    m = len(a_ref)
    k = len(lines)
    empty_cost = 4 * pitch if must_fill else 0.0
    inf = float("inf")
    slack = 0.5 * pitch  # text crossing a rule (rows too small) reaches into the next row by part of a line

    wide = [0.0]  # wide[j]: white space wider than a line between lines[:j+1] (prefix sums)
    for j in range(k - 1):
        wide.append(wide[-1] + max(0.0, bottoms[lines[j]] - tops[lines[j + 1]] - 0.6 * pitch))

    def cost(slot: int, a: int, b: int) -> float:  # lines[a:b] in slot
        if a == b:
            return empty_cost if 1 <= slot <= m else 0.0
        top, bottom = tops[lines[a]], bottoms[lines[b - 1]]
        inner = wide[b - 1] - wide[a]
        # slot s holds anchor s - 1 (0-based); the anchors above and below it bound the block
        above = slot - 2 if slot >= 2 else None
        below = slot if slot <= m - 1 else None
        if above is not None and top > a_band[above][1] + slack:
            return inf
        if below is not None and bottom < a_band[below][0] - slack:
            return inf
        if slot == 0 or slot == m + 1:
            return pitch + inner * 4
        off = abs(ref(top, bottom) - a_ref[slot - 1])
        if slot == m and last_top is not None:
            off = min(off, abs(top - last_top))
        return off + inner * 4

    # best[s][j]: least cost of slots 0..s holding lines[:j]
    best = [[inf] * (k + 1) for _ in range(m + 2)]
    back = [[0] * (k + 1) for _ in range(m + 2)]
    for j in range(k + 1):
        best[0][j] = cost(0, 0, j)
    for s in range(1, m + 2):
        for j in range(k + 1):
            for i in range(j + 1):
                if best[s - 1][i] == inf:
                    continue
                v = best[s - 1][i] + cost(s, i, j)
                if v < best[s][j]:
                    best[s][j], back[s][j] = v, i
    out: list[list[int]] = []
    j = k
    for s in range(m + 1, -1, -1):
        i = back[s][j] if s else 0
        out.append(lines[i:j])
        j = i
    return out[::-1], best[m + 1][k]


__all__ = ["LABEL_CHARS", "alignment_misfit", "anchor_rows", "borderless_table", "group_lines"]
