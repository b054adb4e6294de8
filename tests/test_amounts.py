"""Amounts as printed: two numbers in one cell are never read as one; the same digits in 元 and in 万元 are
two tables, not one table twice."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from conftest import FIXTURES, load_truth

from budgetlib import read_pdf
from budgetlib.amounts import AmountError, parse_amount
from budgetlib.batch import gather, table_key


@pytest.mark.parametrize(("text", "value"), [
    ("4,125.06", "4125.06"), ("4,125. 06", "4125.06"), ("1,234 ,567.89", "1234567.89"), ("1,234\n.56", "1234.56"),
    ("- 5.00", "-5.00"), ("1\u2009234\u2009567.89", "1234567.89"), ("1\u00a0234", "1234"), ("", None), (" - ", None),
])
def test_one_number_cut_by_white_space_is_read(text, value):
    assert parse_amount(text) == (None if value is None else Decimal(value))


@pytest.mark.parametrize("text", ["1234 5678", "12 345", "12.50 30.00", "3,402.46 1,234.56", "1 234.56",
                                  "1234\n5678", "1\u2009234 5678"])
def test_two_numbers_in_one_cell_stay_unread(text):
    with pytest.raises(AmountError):
        parse_amount(text)


def test_two_numbers_in_a_printed_cell_are_flagged_not_joined():
    truth = load_truth("edge/two_numbers_in_a_cell.json")
    [printed] = [r["printed"]["total"] for r in truth["rows"] if r.get("printed")]  # as the fixture drew it
    doc = read_pdf(FIXTURES / "edge" / "two_numbers_in_a_cell.pdf")
    [row] = [r for r in doc.rows if r.name == "办公场地租赁费"]
    assert row.amounts["total"] is None and row.amount_texts["total"] == printed
    [finding] = [f for f in doc.findings if f.check == "amount_unparsed"]
    assert (finding.project, finding.field, finding.actual) == ("办公场地租赁费", "total", row.amount_texts["total"])


def test_the_same_digits_in_another_unit_are_another_table():
    doc = read_pdf(FIXTURES / "diff" / "other_2023.pdf")
    in_yuan = dataclasses.replace(doc, amount_unit="元", source="yuan.pdf", sha256="0" * 64)
    assert table_key(in_yuan) != table_key(doc)
    result = gather([doc, in_yuan], [])
    assert [d.source for d in result.documents] == [doc.source, "yuan.pdf"] and result.skipped == []
    again = dataclasses.replace(doc, source="copy.pdf", sha256="1" * 64)  # the same table, other bytes: skipped
    assert [s.source for s in gather([doc, again], []).skipped] == ["copy.pdf"]
