"""Edge cases that once read wrong without a word (tools/make_edge_fixtures.py plants them), and input that
must not be trusted: markup, formulas, crashing or stuck files, odd file names and output folders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES, load_truth
from truth import differences

import budgetlib
from budgetlib import ExtractSettings, pool, read_pdf
from budgetlib.amounts import AmountError, parse_amount
from budgetlib.output import _umask, excel_safe

EDGE = FIXTURES / "edge"
CASES = sorted(json.loads((EDGE / "manifest.json").read_text(encoding="utf-8")).items())
SAMPLE = Path(budgetlib.config.RAW_DIR) / "jinhua_performance_targets.pdf"


@pytest.fixture(scope="module")
def docs():
    return {name: read_pdf(EDGE / name) for name, _ in CASES}


@pytest.mark.parametrize(("name", "entry"), CASES, ids=[n for n, _ in CASES])
def test_every_field_of_every_row(docs, name, entry):
    assert differences(docs[name], load_truth(entry["truth"]), entry["pages"]) == []


@pytest.mark.parametrize(("name", "entry"), CASES, ids=[n for n, _ in CASES])
def test_planted_defects_are_found(docs, name, entry):
    got = {(f.check, f.unit, f.project, f.seq, f.field) for f in docs[name].findings}
    assert [p for p in entry["planted"] if tuple(p) not in got] == []


def test_blank_project_followed_by_a_project_is_not_a_unit(docs):
    doc = docs["defects.pdf"]
    row = next(r for r in doc.rows if r.name == "帮扶工作经费")
    assert row.kind == "project"
    assert next(r.unit for r in doc.rows if r.name == "街道事业单位业务经费") == "广州市荔湾区卫生健康局"


def test_unclosed_item_does_not_swallow_the_next(docs):
    row = next(r for r in docs["defects.pdf"].rows if r.name == "荔湾区第五次全国经济普查经费")
    assert [i.seq for i in row.indicators] == [1, 2, 3, 4]
    assert row.indicators[0].annual_value == "优良"


def test_dates_approximate_and_tolerance_values(docs):
    row = next(r for r in docs["defects.pdf"].rows if r.name == "办公场地租赁费")
    kinds = [(i.annual.kind, i.annual.comparator, i.annual.number) for i in row.indicators]
    assert kinds == [("date", None, 2024.0), ("date", None, 12.0), ("approximate", "≈", 95.0),
                     ("percent", None, -5.0)]
    assert row.indicators[3].period.kind == "tolerance" and row.indicators[3].period.comparator == "±"


def test_three_decimals_are_flagged_not_rounded(docs):
    with pytest.raises(AmountError, match="more than 2 decimals"):
        parse_amount("12.345", 2)  # the seed's tables print cents
    assert parse_amount("9.574090") == Decimal("9.57409")  # 北京's 万元 to the yuan's hundredth: exact
    with pytest.raises(AmountError, match="more than 6 decimals"):
        parse_amount("9.5740901")
    row = next(r for r in docs["defects.pdf"].rows if r.amount_texts["total"] == "8,862.095")
    assert row.amounts["total"] is None
    finding = next(f for f in docs["defects.pdf"].findings if f.actual == "8,862.095")
    assert finding.check == "amount_unparsed" and finding.rule == "amount_unparsed.decimals"
    assert "小数位数超过" in finding.message and "8,862.095" in finding.message


def test_no_unit_line_and_blank_department_are_not_guessed(docs):
    doc = docs["no_unit_no_department.pdf"]
    assert (doc.department, doc.amount_unit) == ("", "")
    assert budgetlib.extract([EDGE / "no_unit_no_department.pdf"]).projects["amount_unit"].isna().all() or \
        set(budgetlib.extract([EDGE / "no_unit_no_department.pdf"]).projects["amount_unit"]) == {""}


def test_charts_never_add_unknown_units_to_known_ones():
    from budgetlib.amounts import in_wan

    df = pd.DataFrame({"total": pd.array([Decimal("10000.00"), Decimal("1.00"), Decimal("5.00")],
                                         dtype=budgetlib.amounts.AMOUNT_DTYPE),
                       "amount_unit": ["元", "万元", ""]})
    assert in_wan(df)["total"].tolist() == [1.0, 1.0]  # 元 converted, the unknown unit left out


# -- untrusted text: Excel and HTML ------------------------------------------------------------------------


def test_formulas_are_text_in_csv_and_exact_in_parquet(tmp_path):
    result = budgetlib.extract([EDGE / "defects.pdf"])
    result.write(tmp_path)
    csv = pd.read_csv(tmp_path / "projects.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    goal = csv.loc[csv["project"].str.contains("人口监测经费"), "goal"].iloc[0]
    assert goal.startswith("'=HYPERLINK(")
    parquet = pd.read_parquet(tmp_path / "projects.parquet")
    assert parquet.loc[parquet["project"].str.contains("人口监测经费"), "goal"].iloc[0].startswith("=HYPERLINK(")
    assert budgetlib.load_processed(tmp_path)["projects"]["goal"].str.startswith("=HYPERLINK(").any()
    assert [excel_safe(v) for v in ("-5", "-5%", "+1", "@SUM(A1)", "-2+3", "合计")] == \
        ["-5", "-5%", "+1", "'@SUM(A1)", "'-2+3", "合计"]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.live: list[tuple[str, list]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img" and any(k.startswith("on") for k, _ in attrs):
            self.live.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def test_report_shows_markup_as_text(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(EDGE / "defects.pdf", raw / "defects.pdf")
    from budgetlib.report import run_report

    result = run_report(raw, tmp_path / "reports", tmp_path / "processed")
    hostile = json.loads((EDGE / "manifest.json").read_text(encoding="utf-8"))["defects.pdf"]["hostile_name"]
    for html in (result.html[0], tmp_path / "reports" / "02_clean.html"):
        parser = _Elements()
        parser.feed(html.read_text(encoding="utf-8"))
        assert parser.live == []
        assert any(hostile in t for t in parser.text)  # shown, as text


# -- the batch: crashed, stuck and oversized files -------------------------------------------------------


def _misbehave(path, settings, source=None, **kwargs):
    name = Path(path).name
    if name == "crash.pdf":
        os.kill(os.getpid(), 9)
    if name == "stuck.pdf":
        time.sleep(60)
    return read_pdf(path, settings, source=source, **kwargs)


def test_a_crashed_or_stuck_file_fails_alone(tmp_path, monkeypatch):
    for name in ("crash.pdf", "stuck.pdf", "good.pdf"):
        shutil.copy(SAMPLE, tmp_path / name)
    monkeypatch.setattr(pool, "read_pdf", _misbehave)  # workers are forked: they run the patched reader
    result = budgetlib.extract([tmp_path], ExtractSettings(workers=2, timeout=8, timeout_per_page=0, cache=False))
    assert [d.source for d in result.documents] == ["good.pdf"]
    reasons = {f.source: f.reason for f in result.failures}
    assert "crashed" in reasons["crash.pdf"]
    assert "took longer than 8 s" in reasons["stuck.pdf"]


def test_the_time_limit_grows_with_the_pages():
    settings = ExtractSettings(timeout=30, timeout_per_page=2)
    assert pool.page_count(str(SAMPLE)) == 9
    assert settings.time_limit(pool.page_count(str(SAMPLE))) == 48
    assert ExtractSettings(timeout=0).time_limit(140) is None  # no limit
    assert pool.page_count(str(SAMPLE.parent / "missing.pdf")) == 0


def test_oversized_file_is_refused(tmp_path):
    result = budgetlib.extract([SAMPLE], ExtractSettings(max_file_mb=0.01))
    assert result.documents == [] and "larger than the limit" in result.failures[0].reason


def test_batch_statuses_with_two_workers(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "a.pdf")
    shutil.copy(SAMPLE, tmp_path / "a_again.pdf")
    shutil.copytree(FIXTURES / "bad", tmp_path / "bad")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "budgetlib", "extract", str(tmp_path), "--out", str(out),
                           "--workers", "2", "--ocr", "never"], capture_output=True, text=True)
    assert proc.returncode == 1
    sources = pd.read_csv(out / "sources.csv", encoding="utf-8-sig", keep_default_na=False)
    status = dict(zip(sources["source"], sources["status"]))
    assert status["a.pdf"] == "ok" and status["a_again.pdf"] == "skipped"
    assert {status[f"bad/{n}"] for n in ("empty.pdf", "not_a_pdf.pdf", "truncated.pdf", "encrypted.pdf",
                                         "damaged.pdf", "scanned.pdf")} == {"error"}
    assert "Traceback" not in proc.stderr
    assert oct(os.stat(out / "projects.csv").st_mode & 0o777) == oct(0o666 & ~_umask())


# -- files and folders -------------------------------------------------------------------------------------


def test_upper_case_extension_in_subfolders_and_unique_sources(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y" / "z").mkdir(parents=True)
    shutil.copy(SAMPLE, tmp_path / "x" / "A.PDF")
    shutil.copy(FIXTURES / "reportlab_split_rows.pdf", tmp_path / "y" / "z" / "A.PDF")
    result = budgetlib.extract([tmp_path])
    assert sorted(d.source for d in result.documents) == ["x/A.PDF", "y/z/A.PDF"]
    units = result.tables()["units"]
    assert units.groupby("source").size().to_dict() == {"x/A.PDF": 5, "y/z/A.PDF": 4}


def test_folder_without_pdfs_says_so(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    proc = subprocess.run([sys.executable, "-m", "budgetlib", "extract", str(tmp_path), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [f"{tmp_path}: the folder holds no PDF (searched its subfolders "
                                                "too, for *.pdf in any case)"]


def test_stale_parquet_of_an_earlier_run_is_removed(tmp_path):
    budgetlib.extract([SAMPLE]).write(tmp_path)
    budgetlib.extract([FIXTURES / "reportlab_split_rows.pdf"]).write(tmp_path, ("csv",))
    assert not (tmp_path / "projects.parquet").exists()
    assert set(budgetlib.load_processed(tmp_path)["projects"]["source"]) == {"reportlab_split_rows.pdf"}


@pytest.mark.parametrize("where", [budgetlib.config.NOTEBOOKS_DIR, budgetlib.config.RAW_DIR,
                                   budgetlib.config.RAW_DIR / "sub"])
def test_outputs_never_over_notebooks_or_raw(where, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "budgetlib", "extract", str(SAMPLE), "--out", str(where)],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "refusing to write outputs" in proc.stderr
    assert not (where / "projects.csv").exists()
    proc = subprocess.run([sys.executable, "-m", "budgetlib", "report", "--out", str(where)], capture_output=True,
                          text=True)
    assert proc.returncode == 1 and "refusing to write outputs" in proc.stderr


def test_bytes_after_eof_are_not_truncation(tmp_path):
    data = SAMPLE.read_bytes() + b"\n" + b"%" * 5000 + b"\n"
    (tmp_path / "trailing.pdf").write_bytes(data)
    assert len(read_pdf(tmp_path / "trailing.pdf").projects) == 54


def _row(kind: str, name: str, total: str | None = None, goal: str = ""):
    from budgetlib.model import Row

    amounts = {f: None for f in ("total", "fiscal", "special_account", "other")}
    amounts["total"] = Decimal(total) if total is not None else None
    return Row(kind=kind, name=name, unit="", page=1, amounts=amounts, amount_texts={}, goal=goal)


@pytest.mark.parametrize(("totals", "want"), [
    ((None,) * 7, ["total", "unit", "project", "unit", "project", "unit", "project"]),  # no amounts: structure
    (("6", "3", "1", "2", "2", "3", "3"), ["total", "unit", "project", "unit", "project", "unit", "project"]),
    (("6", "3", "1", "1", "1", "3", "3"), ["total", "unit", "project", "project", "project", "unit", "project"]),
])
def test_units_are_chosen_by_the_tables_arithmetic(totals, want):
    from budgetlib.layouts.units import choose_units

    kinds = ["total", "unit", "project", "unit", "project", "unit", "project"]
    rows = [_row(k, f"r{i}", t, goal="g" if k == "project" else "") for i, (k, t) in enumerate(zip(kinds, totals))]
    choose_units(rows, [])
    assert [r.kind for r in rows] == want


def test_unknown_tables_are_titles_not_contents_or_paragraphs():
    """A page that prints a 绩效目标表's title no layout claims is named (layout_unknown); a disclosure's list
    of tables (西安 司法局 p29: 表14 部门专项业务经费绩效目标表 …) and a paragraph that names the table (p26:
    …（详见公开报表中的绩效目标表）) are not."""
    from budgetlib.layouts import unknown_tables

    contents = "报表目录\n" + "\n".join(f"表{k} 部门综合预算表{k}" for k in range(1, 14))
    contents += "\n表14 部门专项业务经费绩效目标表"
    paragraph = "当年一般公共预算拨款0万元，国有资本经营预算拨款0万元（详见公开报表中的绩效目标表）。"
    title = "2026年某某专项资金绩效目标表\n指标 甲 乙"
    assert unknown_tables([contents, paragraph, title], set()) == [(3, "2026年某某专项资金绩效目标表")]
    assert unknown_tables([title], {1}) == []
