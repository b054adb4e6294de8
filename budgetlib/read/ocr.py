"""Scanned pages: the table read from the image, with every cell's confidence.

The page's image is rendered at its own resolution (150–300 dpi), turned level (the skew, up to a few
degrees, measured on the long ruling lines), and its ruling lines found with OpenCV (morphological
opening: long horizontal and vertical strokes).  RapidOCR (``rapidocr-onnxruntime``, whose Chinese
detection and recognition models ship inside its wheel: nothing is downloaded) finds and reads the text
lines; a line that crosses a vertical rule is cut at the rule and each part read again on its own.  Each
cell's text is its lines top to bottom (as camelot gives a ruled cell), with the lowest confidence of
its parts.  The result is a ``PageTable`` like any ruled page's, so stitching, parsing and the checks are
the same; the confidences go to the ``ocr_doubt`` findings (``document.py``).
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .grid import PageTable

log = logging.getLogger("budgetlib.extract")

MIN_DPI, MAX_DPI = 200, 300  # a 150-dpi scan is read enlarged to 200: small print reads better
# RapidOCR shrinks a larger image to this side before it looks for text lines, and reads the lines from the
# shrunk image (its default, 2000, reads an A4 page at 170 dpi and loses a character alone on its line):
# an A4 page at 200 dpi fits whole, a 300-dpi scan is read at about 200
MAX_SIDE = 2400
LOW_CONFIDENCE = 0.9  # a cell read with less is an ocr_doubt

# OCR cannot tell a full-width ； from ： in small print; where the indicator grammar fixes the separator
# (after a type's code and name, before 实施周期指标值 / 年度指标值) the grammar's is taken
_TYPE_THEN_COLON = re.compile(r"(\d+\s*[-－—]\s*[\u4e00-\u9fff]{2,9}?(?:指标|效益|影响|满意度))\s*[：:;；][.·:：'`]*"
                              r"(?=\s*\S)")
_COLON_THEN_VALUE = re.compile(r"[：:]\s*(?=(?:实施周期|年度)指标值)")
# a speck read as a quote or a dot right before 实施周期指标值 / 年度指标值, where the grammar has its ；
_MARK_THEN_VALUE = re.compile(r"[；;：:]?\s*[“”\"‘’'`.·]+\s*(?=(?:实施周期|年度)指标值)")


# an item's number and its level-1 code (one digit, then a level-1 type): ``。2：2-效益指标``, ``。3、.2-``,
# ``。62-效益指标`` (the 、 lost) and ``。3、1产出指标`` (the dash lost) are items 2, 3, 6 and 3
_ITEM = re.compile(r"(^|[。.]\s*)(\d{1,2}?)\s*[、，,：:.·]?\s*[.·]?\s*([1-4])\s*[-－—]?\s*"
                   r"(?=(?:产出|效益|满意度|成本)指标)")
# a speck inside a two-digit level-2 code: ``；1.1-数量指标``
_CODE_SPECK = re.compile(r"(?<=[；;])\s*(\d)\s*[.·,'`]\s*(\d)\s*(?=[-－—])")
# a level-2 code right after its level-1 type that lost its dash: ``1-产出指标；11数量指标；``
_CODE_DASH = re.compile(r"((?:产出|效益|满意度|成本)指标\s*[；;：:]\s*)([1-4]\d)\s*(?=[\u4e00-\u9fff])")
# a speck read as a mark at the start of a field, right after its ；
_FIELD_SPECK = re.compile(r"[；;]\s*[.·:：'`]+\s*(?=\S)")


_HALF_OPEN_WIDE_CLOSE = re.compile(r"\(([^()（）\n]{1,30})）")
_WIDE_OPEN_HALF_CLOSE = re.compile(r"（([^()（）\n]{1,30})\)")


def paired(text: str) -> str:
    """Brackets of one pair in one width: the closing one as wide as the opening one (which has a character on
    both sides, so ``widths`` could measure it; a closer ends a line as often as not)."""
    return _WIDE_OPEN_HALF_CLOSE.sub(r"（\1）", _HALF_OPEN_WIDE_CLOSE.sub(r"(\1)", text))


def repair(text: str) -> str:
    """``text`` with the separators the indicator grammar fixes: after a type's code and name
    (``1-产出指标：11-数量指标：`` → ``1-产出指标；11-数量指标；``), between an item's number and its
    level-1 code (``。2：2-效益指标`` → ``。2、2-效益指标``), between a level-2 code and its type
    (``1-产出指标；11数量指标`` → ``11-数量指标``), before a value (``满意度;“实施周期指标值`` →
    ``满意度；实施周期指标值``); a speck at a field's start or inside a level-2 code (``1.1-``) dropped;
    anything else as read."""
    text = _CODE_SPECK.sub(r"\1\2", _ITEM.sub(lambda m: f"{m.group(1)}{m.group(2)}、{m.group(3)}-", text))
    text = _CODE_DASH.sub(r"\1\2-", text)
    text = _MARK_THEN_VALUE.sub("；", text)
    return _FIELD_SPECK.sub("；", _COLON_THEN_VALUE.sub("；", _TYPE_THEN_COLON.sub(r"\1；", text)))


@dataclass
class OcrPage:
    page: int
    text: str  # every line of the page, top to bottom (for the title, 部门名称 and header)
    table: PageTable | None
    confidence: dict[str, float] = field(default_factory=dict)  # a cell's text → the lowest confidence in it
    dpi: float = 0.0
    angle: float = 0.0
    seconds: float = 0.0


# RapidOCR reads lines six at a time, each batch padded to its widest line: one at a time, the same lines
# cost 30 % less (measured on 241 lines of three scans: 19.3 CPU seconds against 13.5; the same text but for
# four lines, two of them better).  A line is still padded to 320 px at 48 px high, as the recogniser was
# trained: less, and 区) alone on its line is read β)
REC_BATCH = 1


@functools.cache
def engine():
    """One RapidOCR engine per process (its models load once), its ONNX Runtime sessions made again without
    spinning threads (``_calm``), reading one line at a time (``REC_BATCH``)."""
    from rapidocr_onnxruntime import RapidOCR

    ocr = RapidOCR(max_side_len=MAX_SIDE, rec_batch_num=REC_BATCH)
    for holder in (ocr.text_det.infer, ocr.text_rec.session):  # the angle classifier is never used
        holder.session = _calm(holder.session)
    return ocr


def _calm(session):
    """``session`` made again with the same model, providers and options (and its memory arena), but threads
    that wait for work asleep instead of spinning.  ONNX Runtime's threads spin by default: on a machine
    running anything else (another worker, another user) they took as much CPU again as the work and made
    recognition slower (measured on 2 cores: 14–17 CPU seconds for a dense page's lines against 8–9 with one
    thread); asleep, two threads cost about what one does and still share the work when the cores are free."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    old = session.get_session_options()
    options.log_severity_level = old.log_severity_level
    options.enable_cpu_mem_arena = True  # RapidOCR turns it off; on, a page's lines cost a tenth less
    options.graph_optimization_level = old.graph_optimization_level
    options.intra_op_num_threads, options.inter_op_num_threads = old.intra_op_num_threads, old.inter_op_num_threads
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return ort.InferenceSession(session._model_path, sess_options=options, providers=session.get_providers())


def _render(path: Path, page: int) -> tuple[np.ndarray, float, float]:
    """The page as a grey image at its scan's resolution (within 200–300 dpi); the dpi and the page height in
    points."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(str(path))
    p = doc[page - 1]
    width, height = p.get_size()
    dpi = 200.0
    for obj in p.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        px = obj.get_px_size()[0]
        left, _, right, _ = obj.get_bounds()
        if right - left > width / 2:
            dpi = px / (right - left) * 72
            break
    dpi = min(MAX_DPI, max(MIN_DPI, dpi))
    img = np.array(p.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
    return img, dpi, height


def _ink(gray: np.ndarray) -> np.ndarray:
    """The page's dark pixels (255), the paper 0 (Otsu's threshold)."""
    import cv2

    return cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]


def _skew(gray: np.ndarray) -> float:
    """The angle (degrees) of the page's long horizontal rules: the median of the angles of the lines fitted
    through each (its pixels: the dark runs at least a sixtieth of the page wide, which a rule turned by up
    to 4° still makes and text does not).  A hundredth of a degree, in a few hundredths of a second (a
    Hough transform of every dark pixel took seconds)."""
    import cv2

    w = gray.shape[1]
    runs = cv2.morphologyEx(_ink(gray), cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (w // 60, 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    angles = []
    for i in range(1, n):
        x, y, width, height, _ = stats[i]
        if width < w // 4:
            continue
        ys, xs = np.nonzero(labels[y:y + height, x:x + width] == i)
        vx, vy = cv2.fitLine(np.column_stack([xs, ys]).astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()[:2]
        angle = float(np.degrees(np.arctan2(vy, vx)))
        angle = angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle
        if abs(angle) < 5:
            angles.append(angle)
    return float(np.median(angles)) if angles else 0.0


def _level(gray: np.ndarray, angle: float) -> np.ndarray:
    import cv2

    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def _bounds(profile: np.ndarray, threshold: float) -> list[float]:
    """Centres of the runs of ``profile`` above ``threshold`` (a rule is a few pixels thick)."""
    out, start = [], None
    for i, v in enumerate(np.append(profile, 0)):
        if v >= threshold and start is None:
            start = i
        elif v < threshold and start is not None:
            out.append((start + i - 1) / 2)
            start = None
    return out


def _rules(gray: np.ndarray, page: tuple[int, int] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The page's dark pixels, and those of its long horizontal and vertical strokes (its ruling lines:
    morphological opening, a thirtieth of the page wide, a fortieth high); ``page``: (height, width) of the
    whole page when ``gray`` is a part of it."""
    import cv2

    h, w = page or gray.shape
    bw = _ink(gray)
    horizontal = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (w // 30, 1)))
    vertical = cv2.morphologyEx(bw, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, h // 40)))
    return bw, horizontal, vertical


def _grid(horizontal: np.ndarray, vertical: np.ndarray) -> tuple[list[float], list[float]]:
    """The y of every horizontal rule and the x of every vertical one, in pixels."""
    rows = (horizontal > 0).sum(axis=1)
    ys = _bounds(rows, 0.5 * rows.max()) if rows.max() else []
    if len(ys) < 2:
        return ys, []
    top, bottom = int(ys[0]), int(ys[-1])
    cols = (vertical[top:bottom + 1] > 0).sum(axis=0)
    xs = _bounds(cols, 0.5 * (bottom - top)) if bottom > top else []
    return ys, xs


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of the runs of True in a 1-d array, end exclusive."""
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.nonzero(d == 1)[0].tolist(), np.nonzero(d == -1)[0].tolist()))


# a text line's crop for the recogniser: this many em high (about what RapidOCR's detector gives a line), and
# this much of an em either side of its ink
CROP_HEIGHT, CROP_SIDE = 1.4, 0.3


def _cell_lines(bw: np.ndarray, rules: np.ndarray, ys: list[float], xs: list[float], first: int = 0,
                below: bool = True) -> list[tuple[int, int, int, int]]:
    """The text lines of a ruled table and of the page above and below it, as crops (x0, y0, x1, y1) for the
    recogniser, found from the ink itself (no detector: that was most of a page's time besides recognition,
    and it ran the lines of two cells together across the rule between them).  In each column, between two
    vertical rules, the rows that hold ink (not the rules' own) are runs: a text line each.  A run with less
    ink than a speck is a speck; one taller than 1.6 lines is lines run together (a speck or the blur between
    them) and is cut at its emptiest rows; a horizontal rule with ink right above and below it is crossed
    (text printed across a rule is one line).  Across a line in a cell, ink an em and a half from the rest
    that is no more than a speck is left out; above and below the table (a title, 部门名称 … 单位：万元), parts of
    a line two ems apart are read apart.  Without ``ys``, the whole of ``bw`` is one region; ``first``: only
    the first so many lines of each column and region; ``below``: the region under the table too."""
    import cv2

    rules = cv2.dilate(rules, np.ones((3, 3), np.uint8))  # and the blurred edges of the rules
    ink = (bw > 0) & (rules == 0)
    bands = []  # (x0, x1, y0, y1, ink, in a cell, region): a run of inked rows in one column (or outside the table)
    if len(ys) >= 2 and len(xs) >= 2:
        top, bottom = int(ys[0]), int(ys[-1]) + 1
        regions = [(int(xs[c]) + 1, int(xs[c + 1]), top, bottom, True) for c in range(len(xs) - 1)]
        regions += [(0, bw.shape[1], 0, max(0, top - 2), False)]
        if below:
            regions += [(0, bw.shape[1], min(bw.shape[0], bottom + 2), bw.shape[0], False)]
    else:
        regions = [(0, bw.shape[1], 0, bw.shape[0], False)]
    for region, (x0, x1, y0, y1, cell) in enumerate(regions):
        if x1 - x0 < 3 or y1 - y0 < 3:
            continue
        profile = ink[y0:y1, x0:x1].sum(axis=1)
        ruled = (rules[y0:y1, x0:x1] > 0).mean(axis=1) > 0.5
        for a, b in _runs(ruled):  # a rule with ink right above and below it: text printed across it
            if a > 0 and b < len(profile) and profile[a - 1] and profile[b]:
                profile[a:b] = np.maximum(profile[a:b], 1)
        bands += [(x0, x1, a + y0, b + y0, int(profile[a:b].sum()), cell, region) for a, b in _runs(profile > 0)]
    heights = sorted(b1 - b0 for _, _, b0, b1, n, cell, _ in bands if n >= 40 and (cell or len(regions) == 1))
    if not heights:
        return []
    em = heights[len(heights) // 2]
    speck = 0.08 * em * em
    out = []
    taken: dict[int, int] = {}
    for x0, x1, y0, y1, n, cell, region in bands:
        if n < speck or y1 - y0 < 0.25 * em:  # a speck; what is left of a rule
            continue
        if first and taken.get(region, 0) >= first:
            continue
        taken[region] = taken.get(region, 0) + 1
        pieces = [(y0, y1)]
        if y1 - y0 > 1.6 * em and cell:
            profile = ink[y0:y1, x0:x1].sum(axis=1)
            k = max(2, round((y1 - y0) / (1.25 * em)))
            cuts = []
            for j in range(1, k):
                mid = int(j * (y1 - y0) / k)
                lo, hi = max(1, mid - int(0.4 * em)), min(y1 - y0 - 1, mid + int(0.4 * em))
                cuts.append(lo + int(np.argmin(profile[lo:hi])) if hi > lo else mid)
            edges = [0, *cuts, y1 - y0]
            pieces = [(y0 + a, y0 + b) for a, b in itertools.pairwise(edges) if b > a]
        for a, b in pieces:
            cols = ink[a:b, x0:x1].sum(axis=0)
            runs = _runs(cols > 0)
            while len(runs) > 1 and _speck_at_end(ink[a:b, x0:x1], runs, em):
                runs = runs[:-1]
            groups: list[list[int]] = []
            for g0, g1 in runs:
                mass = int(cols[g0:g1].sum())
                if groups and g0 - groups[-1][1] < (1.5 if cell else 2.0) * max(em, b - a):
                    groups[-1][1], groups[-1][2] = g1, groups[-1][2] + mass
                else:
                    groups.append([g0, g1, mass])
            groups = [g for g in groups if g[2] >= speck]
            if groups and cell:
                groups = [[groups[0][0], groups[-1][1], 0]]
            line = max(em, b - a)
            mid, half = (a + b) / 2, max(CROP_HEIGHT * line / 2, (b - a) / 2 + 2)
            side = int(CROP_SIDE * line)
            out += [(max(x0, x0 + g0 - side), max(0, int(mid - half)), min(x1, x0 + g1 + side),
                     min(bw.shape[0], int(mid + half) + 1)) for g0, g1, _ in groups]
    return out


def _speck_at_end(ink: np.ndarray, runs: list[tuple[int, int]], em: float) -> bool:
    """Whether the last run of inked columns of a line is a speck of the scan: less ink than a 。 or ， (a
    twentieth of an em squared), less than 0.28 em wide and high (a ， is a third of an em high, a 。 as wide),
    more than a quarter of an em from the rest of the line (a 。 or ， that ends a line stands closer to the
    character before it: at most 0.24 em at 150 and 200 dpi, 0.34 at 300).  A line's first run is never
    taken for one: a ， that begins a line stands half an em from the character after it."""
    g0, g1 = runs[-1]
    rows = np.nonzero(ink[:, g0:g1].any(axis=1))[0]
    return (g0 - runs[-2][1] > 0.27 * em and ink[:, g0:g1].sum() < 0.045 * em * em
            and max(g1 - g0, rows[-1] - rows[0] + 1) < 0.28 * em)


# a speck of the scan read as a Latin mark between two characters that are not digits or letters: a budget
# table never prints one there (a real decimal point stands between digits)
_STRAY = re.compile(r"(?<=[^\x00-\x7f]|\))[.·'`,](?=[^\x00-\x7f]|\()")
# ... or at a line's edge: a Latin mark before the first Chinese character or quote of a line (Chinese
# text never starts a line with one) or a tick before its first digit (``'5.00``: an amount's cell that would
# not parse), a dot or tick after the last
_EDGE = re.compile(r"(?m)^[·'`.:](?=[\u4e00-\u9fff“‘（])|^[·'`:](?=\d)|(?<=[^\x00-\x7f])[·'`]$")
# ... or a colon after a cell of one line (a name: 合计：)
_ONE_LINE_COLON = re.compile(r"^([^\n]*[\u4e00-\u9fff])[:：]$")
_SPECK = re.compile(r"[\s。.,，、·'‘’`\-_:：;；]*")


# punctuation printed full width (an em wide) or half: the recogniser's choice between the two is a guess,
# the space the mark takes on the line is not
_WIDTH_PAIRS = {"(": "（", ")": "）", ":": "：", ";": "；", ",": "，", ">": "＞", "<": "＜"}
_WIDE = {v: k for k, v in _WIDTH_PAIRS.items()}


def _full(c: str) -> bool:
    return ord(c) > 0x2e80  # CJK and full-width forms take an em


def _em(chars: list[str], centres: list[float]) -> float | None:
    """The median step between two Chinese characters side by side on a line; None with fewer than three."""
    steps = sorted(centres[i + 1] - centres[i] for i in range(len(chars) - 1)
                   if "\u4e00" <= chars[i] <= "\u9fff" and "\u4e00" <= chars[i + 1] <= "\u9fff")
    return steps[len(steps) // 2] if len(steps) >= 3 else None


def widths(text: str, words: list[str], boxes: list, em: float | None = None) -> str:
    """``text`` with each bracket, colon, semicolon, comma and > < set full or half width by the room it takes on
    the line: the distance between its neighbours' centres less their own half widths, against the line's
    em (the median step between two Chinese characters; ``em`` for a line with too few to measure, the
    page's).  A mark at either end of the line, between two digits (``1,330.91``), or on a line without an em
    to measure it by is left as read."""
    if len(words) != len(text) or "".join(words) != text or len(boxes) != len(text):
        return text
    centres = [(b[0][0] + b[1][0]) / 2 for b in boxes]
    em = _em(list(text), centres) or em
    if not em:
        return text
    out = list(text)
    for i in range(1, len(text) - 1):
        c = text[i]
        if c not in _WIDTH_PAIRS and c not in _WIDE:
            continue
        before, after = out[i - 1], text[i + 1]
        if before.isdigit() and after.isdigit():
            continue
        room = centres[i + 1] - centres[i - 1] - em * ((0.5 if _full(before) else 0.25) +
                                                       (0.5 if _full(after) else 0.25))
        half = _WIDE.get(c, c)
        out[i] = _WIDTH_PAIRS[half] if room > 0.75 * em else half
    return "".join(out)


# what a comparator read by the recogniser is, by the bars printed under it (``_bars``): its character set has
# ≤ ≥ but not ≦ ≧, and in small print it may lose a bar altogether (≤ read as <)
_BARRED = {"<": "<≤≦", "＜": "＜≤≦", "≤": "≤≤≦", ">": ">≥≧", "＞": "＞≥≧", "≥": "≥≥≧"}


def _bars(img: np.ndarray, box: list) -> int:
    """How many bars are printed under the comparator in ``box`` (a character's box on the line): 0, 1 or 2.
    The glyph's rows, from its foot up, that are dark across at least 0.7 of its width are its bars: two
    runs of them, alike, with a clear row between, in the glyph's lower 0.4, or one run at least 0.3 of
    the glyph's height (two bars the blur ran together; one bar is 0.15–0.23 of it) are two; one run at
    the foot with a clear row above it is one (the arms of < > never fill a row at their foot)."""
    import cv2

    xs, ys = [p[0] for p in box], [p[1] for p in box]
    x0, x1, y0, y1 = int(min(xs)), int(max(xs)) + 1, max(0, int(min(ys))), int(max(ys)) + 1
    pad = 3
    crop = img[y0:y1, max(0, x0 - pad):x1 + pad]
    if crop.size == 0 or crop.shape[0] < 8:
        return 0
    ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    mid = (x1 - x0) / 2 + min(pad, x0)
    parts = [i for i in range(1, n) if stats[i][0] - 3 <= mid <= stats[i][0] + stats[i][2] + 3]
    if not parts:
        return 0
    main = max(parts, key=lambda i: stats[i][4])
    x, y, w, h, _ = stats[main]
    for i in parts:  # a bar apart from the glyph's other strokes (sharp print): as wide, flat
        _, by, bw, bh, _ = stats[i]
        if i != main and bw >= 0.5 * w and bh <= bw:
            y, h = min(y, by), max(y + h, by + bh) - min(y, by)
    if h < 8 or w < 3:
        return 0
    fill = (ink[y:y + h, x:x + w] > 0).mean(axis=1)[::-1]  # from the foot up
    runs: list[list[int]] = []
    for i, full in enumerate(fill >= 0.7):
        if full and runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        elif full:
            runs.append([i, i])
    if not runs or runs[0][0] > 1:
        return 0
    thick, end = runs[0][1] - runs[0][0] + 1, runs[0][1]
    if thick >= 0.3 * h:
        return 2
    if len(runs) >= 2:
        start, top = runs[1]
        if (top < 0.4 * h and abs((top - start + 1) - thick) <= 1 and fill[end + 1:start].min() <= 0.2
                and fill[start:top + 1].max() >= 0.85):
            return 2
    return 1 if fill[end + 1:end + 1 + max(2, h // 5)].min(initial=1.0) <= 0.3 else 0


def doubled(text: str, words: list[str], boxes: list, img: np.ndarray) -> str:
    """``text`` with each comparator as its bars say (``_bars``): ≤ printed with two bars is ≦, < with one
    is ≤; ``words`` and ``boxes``: the line's characters and their boxes."""
    if not any(c in _BARRED for c in text) or len(words) != len(text) or len(boxes) != len(text):
        return text
    return "".join(_BARRED[c][_bars(img, boxes[i])] if c in _BARRED else c for i, c in enumerate(text))


READ_SCORE = 0.5  # a line the recogniser reads with less is not taken as read (RapidOCR's own default)


def _boxes(img: np.ndarray) -> list[tuple[float, float, float, float, str, float]]:
    """Text lines found by RapidOCR's detector and read: (x0, y0, x1, y1, text, confidence) (``_finish``).
    No line is turned: a printed table's text stands upright (RapidOCR's angle classifier turned a whole line
    upside down and lost it)."""
    result, _ = engine()(np.dstack([img] * 3), use_cls=False, text_score=0.0, return_word_box=True)
    lines = []
    for box, text, score, *word in result or []:
        xs, ys = [pt[0] for pt in box], [pt[1] for pt in box]
        lines.append((min(xs), min(ys), max(xs), max(ys), text, float(score), word))
    return _finish(lines, img)


def _read_crops(img: np.ndarray, crops: list[tuple[int, int, int, int]]
                ) -> list[tuple[float, float, float, float, str, float]]:
    """The lines at ``crops`` (x0, y0, x1, y1) read by RapidOCR's recogniser, in batches (``_finish``).  A line
    read with less confidence than ``LOW_CONFIDENCE`` is read again from crops a little taller, shorter and
    wider, and the most confident reading kept: on a short line the recogniser's reading turns on a few
    pixels of margin (``区)`` alone on its line was read ``区`` at 0.76, ``区)`` at 0.85 from a taller crop)."""
    if not crops:
        return []
    ocr = engine()
    h, w = img.shape
    crops = list(crops)
    images = [np.dstack([img[y0:y1, x0:x1]] * 3) for x0, y0, x1, y1 in crops]
    read, _ = ocr.text_rec(images, True)
    again = []  # (line, crop): the other crops of the lines read with little confidence
    for i, (x0, y0, x1, y1) in enumerate(crops):
        if read[i][1] < LOW_CONFIDENCE:
            d = max(1, round(0.1 * (y1 - y0)))
            again += [(i, c) for c in ((x0, max(0, y0 - d), x1, min(h, y1 + d)), (x0, y0 + d, x1, y1 - d),
                                       (x0, y0, min(w, x1 + 4 * d), y1))]
    if again:
        more, _ = ocr.text_rec([np.dstack([img[y0:y1, x0:x1]] * 3) for _, (x0, y0, x1, y1) in again], True)
        for (i, crop), got in zip(again, more):
            if got[1] > read[i][1] + 0.05:
                read[i], crops[i] = got, crop
                images[i] = np.dstack([img[crop[1]:crop[3], crop[0]:crop[2]]] * 3)
    quads = [np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32) for x0, y0, x1, y1 in crops]
    read = ocr.cal_rec_boxes(images, quads, [list(r) for r in read])
    return _finish([(x0, y0, x1, y1, text, float(score), word)
                    for (x0, y0, x1, y1), (text, score, *word) in zip(crops, read)], img)


def _finish(lines: list[tuple], img: np.ndarray) -> list[tuple[float, float, float, float, str, float]]:
    """Lines read, (x0, y0, x1, y1, text, score, word boxes): a line of punctuation alone is a speck of the
    scan (a real 。 is read with the line it ends).  A line of text's size that the recogniser could not read
    (a score below ``READ_SCORE``) is kept with no text and its score, so that its cell is in doubt rather
    than silently short of a line.  A mark at either end of a line that the recogniser itself doubts is a
    speck (``SPECK_MARK``).  Marks that come full or half width are set by their room (``widths``);
    comparators by the bars printed under them (``doubled``)."""
    heights = sorted(y1 - y0 for _, y0, _, y1, text, score, _ in lines if score >= READ_SCORE and len(text) >= 3)
    em = heights[len(heights) // 2] if heights else 0.0
    read = []  # (line, text, score, characters, their boxes)
    for x0, y0, x1, y1, text, score, word in lines:
        chars, boxes = [], []
        if score < READ_SCORE:
            if not em or y1 - y0 < 0.7 * em or x1 - x0 < 1.5 * em:
                continue  # a speck, a smudge
            text = ""  # a line not read: its cell is in doubt (its confidence is this score)
        elif _SPECK.fullmatch(text):
            continue
        elif len(word) >= 2 and word[0]:
            chars, boxes = list(word[1]), list(word[0])
            confs = list(word[2]) if len(word) >= 3 and len(word[2]) == len(chars) else [1.0] * len(chars)
            if "".join(chars) == text:  # a mark at either end that the recogniser itself doubts: a speck
                while len(chars) > 1 and chars[-1] in _DOUBTED_MARKS and confs[-1] < SPECK_MARK:
                    chars, boxes, confs = chars[:-1], boxes[:-1], confs[:-1]
                while len(chars) > 1 and chars[0] in _DOUBTED_MARKS and confs[0] < SPECK_MARK:
                    chars, boxes, confs = chars[1:], boxes[1:], confs[1:]
                text = "".join(chars)
            else:
                confs = [1.0] * len(chars)
        read.append(((x0, y0, x1, y1), text, score, chars, boxes, confs))
    # the page's em, for a line with too few Chinese characters side by side to measure its own
    ems = sorted(e for *_, chars, boxes, _ in read if chars and len(chars) == len(boxes)
                 and (e := _em(chars, [(b[0][0] + b[1][0]) / 2 for b in boxes])))
    page_em = ems[len(ems) // 2] if ems else None
    out = []
    for (x0, y0, x1, y1), text, score, chars, boxes, confs in read:
        if chars and "".join(chars) == text:
            above = [t for (a0, b0, a1, b1), t, *_ in read if b1 <= y0 + 0.5 * em and y0 - b1 < 0.8 * em
                     and min(x1, a1) - max(x0, a0) > 0.5 * min(x1 - x0, a1 - a0)]
            for i in _unsure_comparators(chars, confs, above[-1] if above else ""):
                chars[i], score = "≥", min(score, confs[i])
            text = "".join(chars)
        if chars:
            crop = img[max(0, int(y0)):int(y1) + 1, max(0, int(x0)):int(x1) + 1]
            snapped = _snapped(chars, boxes, crop, max(0, int(x0)), page_em)
            text = doubled(widths(text, chars, snapped, page_em), chars, boxes, img)
        out.append((x0, y0, x1, y1, text, score))
    return out


def _snapped(chars: list[str], boxes: list, crop: np.ndarray, left: int, em: float | None = None) -> list:
    """The characters' boxes with each Chinese character's put where its ink is: between the blank columns of
    the line nearest to half an em either side of where the recogniser places it.  Its places come from its
    output steps (a fifth of an em apart at 200 dpi); two of them, off by a step each way, put a bracket
    between two characters half an em from where it is, and ``widths`` measured it wrong.  ``em``: the page's,
    for a line with too few Chinese characters side by side to measure its own."""
    if len(chars) != len(boxes) or not crop.size:
        return boxes
    centres = [(b[0][0] + b[1][0]) / 2 - left for b in boxes]
    em = _em(chars, centres) or em
    if not em:
        return boxes
    blank = np.nonzero((_ink(crop) > 0).sum(axis=0) == 0)[0]

    def nearest(target: float, lo: float, hi: float) -> float | None:
        found = blank[(blank >= lo) & (blank <= hi)]
        return float(found[np.argmin(np.abs(found - target))]) if len(found) else None

    out = []
    for ch, c, box in zip(chars, centres, boxes):
        a = nearest(c - em / 2, c - 0.8 * em, c - 0.2 * em) if "\u4e00" <= ch <= "\u9fff" else None
        b = nearest(c + em / 2, c + 0.2 * em, c + 0.8 * em) if a is not None else None
        if a is None or b is None:
            out.append(box)
            continue
        shift = (a + b) / 2 - c
        out.append([[p[0] + shift, p[1]] for p in box])
    return out


_VALUE_START = ("指标值:", "指标值：")
UNSURE_TWO = 0.8


def _unsure_comparators(chars: list[str], confs: list[float], before: str = "") -> list[int]:
    """Where a value begins (right after 指标值:, on this line or at the end of ``before``, the line above it)
    with a 2 the recogniser doubts, followed by a digit: a ≥ it could not read (``≥95%`` read ``295%`` with
    0.44–0.58 confidence; a printed 2 there is read with 0.99).  It is set to ≥ (``doubled`` then counts its
    bars: ≧), and the line takes that confidence, so that its cell is an ``ocr_doubt``."""
    out = []
    for i in range(len(chars) - 1):
        if (chars[i] == "2" and confs[i] < UNSURE_TWO and chars[i + 1].isdigit()
                and (before + "".join(chars[:i]))[-4:].endswith(_VALUE_START)):
            out.append(i)
    return out


# a speck at a line's end that the recogniser reads as one of these marks does so with little confidence (0.37
# measured; a printed 。 or ， at a line's end 0.54 and more; ； and ：, whose width it cannot tell, are not
# among them)
_DOUBTED_MARKS = set("，。、,.·'`°")
SPECK_MARK = 0.45


def _recognise(img: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> tuple[str, float]:
    """Read one cut of a text line again on its own (recognition only)."""
    crop = img[max(0, int(y0) - 2):int(y1) + 3, max(0, int(x0)):int(x1) + 1]
    if crop.size == 0 or crop.shape[1] < 4:
        return "", 1.0
    result, _ = engine()(np.dstack([crop] * 3), use_det=False, use_cls=False, use_rec=True)
    if not result:
        return "", 0.0
    text, score = result[0][0], float(result[0][1])
    return text, score


def read_page(path: Path, page: int) -> OcrPage:
    """One image page read by OCR: its text, and its table when it has ruling lines.  Inside a ruled table the
    lines, and those above and below it, are found from the ink (``_cell_lines``) and read in batches; a page
    without rules is read by RapidOCR's detector and recogniser."""
    import time

    start = time.perf_counter()
    raw, dpi, height_pt = _render(path, page)
    angle = _skew(raw)
    img = _level(raw, angle)
    bw, horizontal, vertical = _rules(img)
    ys, xs = _grid(horizontal, vertical)
    scale = dpi / 72
    ruled = len(ys) >= 2 and len(xs) >= 5
    if ruled:
        boxes = _read_crops(img, _cell_lines(bw, horizontal | vertical, ys, xs))
    else:
        boxes = _boxes(img)
    lines: list[tuple[float, float, str]] = [((b[1] + b[3]) / 2, b[0], b[4]) for b in boxes]
    lines.sort()
    text = _join_lines([(y, x, t) for y, x, t in lines])
    result = OcrPage(page, text, None, dpi=dpi, angle=angle)
    if ruled:
        result.table, result.confidence = _table(img, boxes, ys, xs, page, height_pt, scale)
    result.seconds = time.perf_counter() - start
    log.info("page %d: OCR at %.0f dpi, turned %.2f°, %d text lines, %s in %.1f s", page, dpi, angle, len(boxes),
             f"{len(ys) - 1} rows × {len(xs) - 1} columns" if result.table else "no ruled table", result.seconds)
    return result


def _join_lines(items: list[tuple[float, float, str]]) -> str:
    """Text pieces (y, x, text) as lines: pieces whose centres lie within a few pixels share a line."""
    out: list[list[tuple[float, float, str]]] = []
    for y, x, t in sorted(items):
        if out and abs(out[-1][0][0] - y) < 8:
            out[-1].append((y, x, t))
        else:
            out.append([(y, x, t)])
    return "\n".join(" ".join(t for _, _, t in sorted(line, key=lambda p: p[1])) for line in out)


def _table(img: np.ndarray, boxes: list, ys: list[float], xs: list[float], page: int, height_pt: float,
           scale: float) -> tuple[PageTable, dict[str, float]]:
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    pieces: dict[tuple[int, int], list[tuple[float, float, str, float]]] = {}
    for x0, y0, x1, y1, text, score in boxes:
        cy = (y0 + y1) / 2
        r = next((i for i in range(n_rows) if ys[i] <= cy < ys[i + 1]), None)
        if r is None:
            continue
        cuts = [x for x in xs if x0 + 3 < x < x1 - 3]
        if not cuts:
            c = next((i for i in range(n_cols) if xs[i] <= (x0 + x1) / 2 < xs[i + 1]), None)
            if c is not None:
                pieces.setdefault((r, c), []).append((cy, x0, text, score))
            continue
        edges = [x0, *cuts, x1]  # a line across a rule: each part read again on its own
        for a, b in itertools.pairwise(edges):
            part, s = _recognise(img, a + 2, y0, b - 2, y1)
            c = next((i for i in range(n_cols) if xs[i] <= (a + b) / 2 < xs[i + 1]), None)
            if part and c is not None:
                pieces.setdefault((r, c), []).append((cy, a, part, s))
    heights = sorted(b[3] - b[1] for b in boxes)
    em = heights[len(heights) // 2] / CROP_HEIGHT if heights else 0.0
    cells, confidence = [], {}
    for r in range(n_rows):
        row = []
        for c in range(n_cols):
            got = _openers(pieces.get((r, c), []), em)
            text = _STRAY.sub("", _join_lines([(y, x, t) for y, x, t, _ in got]))
            text = repair(paired(_ONE_LINE_COLON.sub(r"\1", _EDGE.sub("", text))))
            row.append(text)
            if got:
                confidence[text] = min(s for *_, s in got)
        cells.append(row)
    rows_y = [(height_pt - ys[i] / scale, height_pt - ys[i + 1] / scale) for i in range(n_rows)]
    return PageTable(page, "lattice", cells, rows_y), confidence


def _openers(lines: list[tuple[float, float, str, float]], em: float) -> list[tuple[float, float, str, float]]:
    """A cell's lines (y, x, text, confidence), with a bracket that opens a line (``widths`` cannot measure it:
    a bracket hugs the text it encloses, so only its outer side tells its width) set full or half width by
    where its ink begins against the cell's other lines: a full-width （ is drawn in the right half of its
    em, half an em in from where the line begins; a ( at its start.  (Every line's crop begins the same
    distance before its ink; the name column's lines are aligned to the left.)"""
    if len(lines) < 2 or not em:
        return lines
    out = []
    for i, (y, x, text, score) in enumerate(lines):
        if text[:1] in ("(", "（"):
            start = min(o[1] for j, o in enumerate(lines) if j != i)
            if x - start > 0.28 * em:
                text = "（" + text[1:]
            elif abs(x - start) < 0.15 * em:
                text = "(" + text[1:]
        out.append((y, x, text, score))
    return out


# a glance: the top of the page (the title, 部门名称, the header, the first lines of each column) at this dpi
GLANCE_TOP, GLANCE_LINES = 0.4, 3


def glance(path: Path, page: int) -> str:
    """The text of the top of a scanned page, read in part: enough for its title, 部门名称 and header, or the
    first lines of its columns (is the table on it, or does the page go on with another table?), at a
    fraction of a full reading.  The top of the page, turned level, its lines found from the ink like a full
    reading's (``_cell_lines``), and only the first few of each column and of the text above the table read
    (a recogniser's time is that of the lines it reads, at any resolution)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    p = doc[page - 1]
    height = p.get_size()[1]
    strip = p.render(scale=MIN_DPI / 72, grayscale=True, crop=(0, height * (1 - GLANCE_TOP), 0, 0))
    raw = np.array(strip.to_pil().convert("L"))
    doc.close()
    img = _level(raw, _skew(raw))
    full = (round(height * MIN_DPI / 72), raw.shape[1])
    bw, horizontal, vertical = _rules(img, full)
    ys, xs = _grid(horizontal, vertical)
    if len(xs) < 5:
        ys, xs = [], []
    crops = _cell_lines(bw, horizontal | vertical, ys, xs, first=GLANCE_LINES, below=False)
    return _join_lines([((b[1] + b[3]) / 2, b[0], b[4]) for b in _read_crops(img, crops)])


def image_pages(path: Path, texts: list[str], mode: str) -> list[int]:
    """The pages to read by OCR: ``auto``: those without text that hold an image; ``always``: every page;
    ``never``: none."""
    if mode == "never":
        return []
    if mode == "always":
        return list(range(1, len(texts) + 1))
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(str(path))
    return [i + 1 for i, t in enumerate(texts) if not t.strip()
            and any(True for _ in doc[i].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))]


__all__ = ["LOW_CONFIDENCE", "OcrPage", "doubled", "engine", "glance", "image_pages", "paired", "read_page", "repair",
           "widths"]
