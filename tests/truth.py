"""Compare what budgetlib read with the ground truth, field by field."""

from __future__ import annotations

from decimal import Decimal

from budgetlib.model import Document

AMOUNTS = ("total", "fiscal", "special_account", "other")
IND_FIELDS = ("seq", "level1_code", "level1", "level2_code", "level2", "indicator", "period_value",
              "annual_value")


def differences(doc: Document, truth: dict, pages: list[int]) -> list[str]:
    """Every field of every row that differs; empty when the read is exact."""
    diffs: list[str] = []
    if doc.department != truth["department"]:
        diffs.append(f"department {doc.department!r} != {truth['department']!r}")
    if len(doc.rows) != len(truth["rows"]):
        diffs.append(f"{len(doc.rows)} rows read, {len(truth['rows'])} expected")
    for i, (row, want, page) in enumerate(zip(doc.rows, truth["rows"], pages), start=1):
        where = f"row {i} ({want['name']})"
        got = {"kind": row.kind, "name": row.name, "unit": row.unit, "page": row.page, "goal": row.goal,
               "indicators_text": row.indicators_text}
        exp = {"kind": want["kind"], "name": want["name"], "unit": want["unit"], "page": page,
               "goal": want["goal"], "indicators_text": want["indicators_text"]}
        # some producers drop a space where they wrap a line (platypus does): the raw indicator text is
        # compared without white space; every parsed indicator field below is compared exactly
        got["indicators_text"] = "".join(got["indicators_text"].split())
        exp["indicators_text"] = "".join(exp["indicators_text"].split())
        for k in AMOUNTS:
            got[k] = row.amounts[k]
            exp[k] = None if want[k] is None else Decimal(want[k])
        diffs += [f"{where}: {k} {got[k]!r} != {exp[k]!r}" for k in exp if got[k] != exp[k]]
        if len(row.indicators) != len(want["indicators"]):
            diffs.append(f"{where}: {len(row.indicators)} indicators, {len(want['indicators'])} expected")
        for ind, wi in zip(row.indicators, want["indicators"]):
            for k in IND_FIELDS:
                g = getattr(ind, k)
                e = int(wi[k]) if k.endswith("code") and wi[k] is not None else wi[k]
                if g != e:
                    diffs.append(f"{where} indicator {wi['seq']}: {k} {g!r} != {e!r}")
    return diffs
