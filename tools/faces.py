"""The type faces the fixture generators draw with, and their metrics (the fidelity harness's font axis).

Each face is a Debian font.  LibreOffice (Calc, Writer) picks it by its family name; reportlab embeds
TrueType outlines only, so the Noto CJK faces (CFF outlines in an OpenType collection) are given to it as
a TrueType copy: the face cut down to the characters the harness prints, its cubic outlines turned
quadratic (fontTools' cu2qu), every metric kept (the FontBBox too).  The copy is made once and kept in
``.cache/fonts`` (a few seconds).

| face | family | em box and declared metrics (em) |
|---|---|---|
| sans | WenQuanYi Micro Hei | ascent 0.94, descent −0.24 (hhea) |
| serif | AR PL UMing CN | 0.90 / −0.15: close to SimSun's 0.86 / −0.14 |
| noto-sans | Noto Sans CJK SC | ascent 1.16, descent −0.29, FontBBox −1.05 … 1.81 |
| noto-serif | Noto Serif CJK SC | ascent 1.15, descent −0.29, FontBBox −1.05 … 1.81 |

LibreOffice writes ``/Ascent 0 /Descent 0`` for the Noto faces it embeds, so a reader that falls back to
the FontBBox puts every character a line below its glyph (``budgetlib/read/glyphs.py``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "fonts"

# face → (family name for LibreOffice, font file, index of the face in a collection)
FACES: dict[str, tuple[str, str, int]] = {
    "sans": ("WenQuanYi Micro Hei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    "serif": ("AR PL UMing CN", "/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    "noto-sans": ("Noto Sans CJK SC", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", -1),
    "noto-serif": ("Noto Serif CJK SC", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", -1),
}


def family(face: str) -> str:
    return FACES[face][0]


def _index(path: str, name: str) -> int:
    """The face named ``name`` in the collection at ``path``."""
    from fontTools.ttLib import TTCollection

    for i, font in enumerate(TTCollection(path).fonts):
        if font["name"].getDebugName(1) == name:
            return i
    raise LookupError(f"{name} not in {path}")


def _printed() -> str:
    """Every character the harness may print: the ground truths' text, the header, the page's furniture."""
    text = "".join((ROOT / "tests" / "data" / n).read_text(encoding="utf-8")
                   for n in ("jinhua_truth.json", "other_truth.json"))
    text += "项目支出绩效目标表（含转移支付项目）部门名称：单位：万元总计财政拨款专户其他资金使用第页共人民政府"
    text += "".join(chr(c) for c in range(0x20, 0x7f)) + "　，。；：、（）《》“”‘’≥≤≧≦％—－±≈"
    return "".join(sorted(set(text) - set("\n\r\t")))


def reportlab_font(face: str) -> tuple[str, int]:
    """A TrueType file of ``face`` that reportlab can embed, and the index of the face in it."""
    _, path, index = FACES[face]
    if index >= 0:
        return path, index
    chars = _printed()
    key = hashlib.sha256(f"{path}:{FACES[face][0]}:{chars}".encode()).hexdigest()[:12]
    out = CACHE / f"{face}-{key}.ttf"
    if not out.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp")
        _truetype_subset(path, _index(path, FACES[face][0]), chars, tmp)
        tmp.replace(out)
    return str(out), 0


def _truetype_subset(path: str, index: int, chars: str, out: Path) -> None:
    """The face at ``index`` of ``path`` cut down to ``chars``, with quadratic (TrueType) outlines."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(path, fontNumber=index)
    box = [getattr(font["head"], k) for k in ("xMin", "yMin", "xMax", "yMax")]
    options = subset.Options()
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = ["*"]
    sub = subset.Subsetter(options)
    sub.populate(text=chars)
    sub.subset(font)
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(None)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    for tag in ("CFF ", "VORG", "GSUB", "GPOS"):
        if tag in font:
            del font[tag]
    font["glyf"], font["loca"] = glyf, newTable("loca")
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for k in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
              "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, k, 1 if k == "maxZones" else 0)
    maxp.numGlyphs = len(order)
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(str(out))
    font = TTFont(str(out), recalcBBoxes=False)  # the FontBBox back to the face's (saving made it the subset's)
    for k, v in zip(("xMin", "yMin", "xMax", "yMax"), box):
        setattr(font["head"], k, v)
    font.save(str(out))


def metrics(face: str) -> dict[str, float]:
    """The face's declared metrics in em: hhea ascent and descent, the FontBBox's bottom and top."""
    from fontTools.ttLib import TTFont

    _, path, index = FACES[face]
    font = TTFont(path, fontNumber=index if index >= 0 else _index(path, FACES[face][0]), lazy=True)
    em = font["head"].unitsPerEm
    return {"ascent": font["hhea"].ascent / em, "descent": font["hhea"].descent / em,
            "bbox_bottom": font["head"].yMin / em, "bbox_top": font["head"].yMax / em}


if __name__ == "__main__":
    print(json.dumps({f: metrics(f) for f in FACES}, indent=1))
    for f in FACES:
        print(f, reportlab_font(f))
