"""Trust in what OCR read: ``ocr_doubt`` findings for every field on a scanned page that the table's
arithmetic, the format of an amount or the indicator grammar does not confirm, or that was read with low
confidence.  A sum that does not add up on a scanned page is not blamed on the table: the scan may have
been misread there."""

from __future__ import annotations

from ..amounts import AMOUNT_FIELDS, AMOUNT_LABELS
from ..messages import say
from ..model import Document, Finding, Row
from .ocr import LOW_CONFIDENCE, OcrPage

# the violations a misread character makes as readily as the table itself
_UNCONFIRMED = {"sum_mismatch", "amount_unparsed", "indicator_unparsed", "value_unparsed", "seq_gap",
                "missing_terminator", "period_annual_differ", "missing_goal", "missing_indicators"}
_FIELD_LABELS = {**AMOUNT_LABELS, "name": "名称", "goal": "绩效目标", "indicators": "绩效指标",
                 "annual_value": "年度指标值", "period_value": "实施周期指标值", "level2_code": "指标类型"}


def _flat(text: str) -> str:
    return "".join(text.split())


def _doubt(row_page: int, unit: str, project: str, project_id: str, seq: int | None, field: str, actual: str,
           source: str, lang: str, why: str) -> Finding:
    return Finding("ocr_doubt", "error", source, row_page, unit, project, seq,
                   say("ocr_doubt", lang, page=row_page, name=project or unit,
                       field=_FIELD_LABELS.get(field, field), why=why),
                   project_id=project_id, field=field, actual=actual, rule="ocr_doubt")


def _low(row: Row, ocr: OcrPage) -> list[tuple[str, str, float]]:
    """(field, text, confidence) of the row's cells read with low confidence."""
    out = []
    for text, conf in ocr.confidence.items():
        if conf >= LOW_CONFIDENCE or not _flat(text):
            continue
        flat = _flat(text)
        fields = [f for f in AMOUNT_FIELDS if _flat(row.amount_texts[f]) == flat]
        fields += [f for f, value in (("name", row.name), ("goal", row.goal), ("indicators", row.indicators_text))
                   if len(flat) >= 2 and flat in _flat(value)]
        out += [(f, text, conf) for f in fields[:1]]
    return out


def ocr_doubts(doc: Document, ocr: dict[int, OcrPage], lang: str) -> list[Finding]:
    """``doc.findings`` with an ``ocr_doubt`` for each unconfirmed or low-confidence field on a scanned page,
    and without the sums of those pages (they are doubts, not the table's own defects)."""
    out, seen = [], set()
    kept = []
    for f in doc.findings:
        if f.page in ocr and f.check in _UNCONFIRMED:
            key = (f.page, f.unit, f.project, f.seq, f.field)
            if key not in seen:
                seen.add(key)
                out.append(_doubt(f.page, f.unit, f.project, f.project_id, f.seq, f.field, f.actual, doc.source, lang,
                                  say("ocr_doubt_check", lang, check=f.check, message=f.message)))
            if f.check == "sum_mismatch":
                continue
        kept.append(f)
    for row in doc.rows:
        if row.page not in ocr:
            continue
        project = row.name if row.kind == "project" else ""
        for ind in row.indicators:  # ≥ read as 2 turns ≥90% into 290%: a rate above 100 % is not trusted
            for field, value in (("period_value", ind.period), ("annual_value", ind.annual)):
                if value.kind == "percent" and value.number is not None and value.number > 100:
                    key = (row.page, row.unit, project, ind.seq, field)
                    if key not in seen:
                        seen.add(key)
                        out.append(_doubt(row.page, row.unit, project, row.project_id, ind.seq, field,
                                          getattr(ind, field) or "", doc.source, lang,
                                          say("ocr_doubt_percent", lang, number=value.number)))
        for field, text, conf in _low(row, ocr[row.page]):
            key = (row.page, row.unit, project, None, field)
            if key not in seen:
                seen.add(key)
                out.append(_doubt(row.page, row.unit, project, row.project_id, None, field, text, doc.source, lang,
                                  say("ocr_doubt_low", lang, confidence=conf, text=text[:40])))
    return out + kept


__all__ = ["ocr_doubts"]
