"""A district, not a document: compilations of several departments, budget years, the same table given
twice with other bytes."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal

import pandas as pd
import pytest
from conftest import FIXTURES
from truth import differences

from budgetlib import ExtractSettings, extract, read_pdf

CORPUS = FIXTURES / "corpus"


def _gaps(truth: dict) -> int:
    """sum_mismatch findings the truth's own arithmetic makes (its planted 0.01 gaps)."""
    rows, n = truth["rows"], 0
    units = [i for i, r in enumerate(rows) if r["kind"] == "unit"]
    for k, i in enumerate(units):
        end = units[k + 1] if k + 1 < len(units) else len(rows)
        for f in ("total", "fiscal", "special_account", "other"):
            parts = sum((Decimal(r[f] or 0) for r in rows[i + 1:end]), Decimal(0))
            n += Decimal(rows[i][f] or 0) != parts
    for f in ("total", "fiscal", "special_account", "other"):
        n += Decimal(rows[0][f] or 0) != sum((Decimal(rows[i][f] or 0) for i in units), Decimal(0))
    return n


def test_a_compilation_gives_each_table_its_own_department():
    truths = json.loads((CORPUS / "compilation_2024.json").read_text(encoding="utf-8"))
    doc = read_pdf(CORPUS / "compilation_2024.pdf")
    assert doc.departments == [t["department"] for t in truths]
    for truth in truths:
        part = copy.copy(doc)
        part.rows = [r for r in doc.rows if r.department == truth["department"]]
        part.department = truth["department"]
        assert differences(part, truth, truth["pages"]) == []
    # each 合计 is summed over its own table's units only
    sums = [f for f in doc.findings if f.check == "sum_mismatch"]
    assert len(sums) == sum(_gaps(t) for t in truths)
    assert not [f for f in doc.findings if f.check == "extraction_doubt"]
    tables = extract([CORPUS / "compilation_2024.pdf"]).tables()
    by_dept = tables["units"].groupby("department")["unit"].agg(list)
    assert sorted(by_dept.index) == sorted(t["department"] for t in truths)
    assert all(units.count("合计") == 1 for units in by_dept)


def test_the_budget_year_from_the_title_then_path_then_setting(tmp_path, sample_pdf):
    assert (read_pdf(CORPUS / "compilation_2024.pdf").year, read_pdf(CORPUS / "compilation_2024.pdf").year_from
            ) == (2024, "title")
    folder = tmp_path / "荔湾区" / "2021"
    folder.mkdir(parents=True)
    shutil.copy(sample_pdf, folder / "jinhua.pdf")
    doc = read_pdf(folder / "jinhua.pdf")
    assert (doc.year, doc.year_from) == (2021, "path")
    doc = read_pdf(sample_pdf, ExtractSettings(year=2020))
    assert (doc.year, doc.year_from) == (2020, "setting")
    assert read_pdf(sample_pdf).year is None
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "budgetlib", "extract", str(tmp_path / "荔湾区"), "--out", str(out),
                          "--year", "2019"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    projects = pd.read_csv(out / "projects.csv", encoding="utf-8-sig")
    assert set(projects["year"]) == {2021}  # the path wins over --year
    sources = pd.read_csv(out / "sources.csv", encoding="utf-8-sig")
    assert sources.loc[0, "year_from"] == "path"


def test_the_same_table_with_other_bytes_is_read_once():
    a, b = CORPUS / "minzheng_2023.pdf", CORPUS / "minzheng_2023_reexport.pdf"
    assert a.read_bytes() != b.read_bytes()
    result = extract([a, b])
    assert [d.source for d in result.documents] == [a.name]
    assert [s.reason for s in result.skipped] == [f"{b.name}: same table as {a.name} (department, year and every "
                                                  "row the same): skipped"]
    sources = result.sources()
    assert sources.set_index("source").loc[b.name, "status"] == "skipped"


# -- cache and Dask --------------------------------------------------------------------------------------


def _inputs(sample_pdf):
    return [sample_pdf, CORPUS / "compilation_2024.pdf", CORPUS / "minzheng_2023.pdf"]


def _read_fresh(paths, settings=None) -> list[str]:
    """The sources a batch reads (not from the cache); the batch runs to its end."""
    from budgetlib import pool
    from budgetlib.batch import gather

    batch, failures = pool.start(paths, settings or ExtractSettings(workers=1))
    fresh = [source for i, (_, source) in enumerate(batch.jobs) if i not in batch.hits]
    gather(batch, failures)
    return fresh


def test_a_rerun_reads_only_new_or_changed_files(tmp_path, monkeypatch, sample_pdf):
    from budgetlib import config

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    first = extract(_inputs(sample_pdf))
    changed = tmp_path / "in"
    changed.mkdir()
    shutil.copy(CORPUS / "minzheng_2023.pdf", changed / "renamed_2023.pdf")  # same bytes and year, another name
    (changed / "new.pdf").write_bytes(sample_pdf.read_bytes() + b"\n%")  # other bytes: read again
    assert _read_fresh([sample_pdf, CORPUS / "compilation_2024.pdf", changed]) == ["new.pdf"]
    again = extract([sample_pdf, CORPUS / "compilation_2024.pdf", changed / "renamed_2023.pdf"])
    renamed = [d for d in again.documents if d.source == "renamed_2023.pdf"]
    assert renamed and all(f.source == "renamed_2023.pdf" for f in renamed[0].findings)
    for name in ("projects", "units", "indicators", "findings"):
        want = first.tables()[name].assign(source=lambda df: df["source"].replace("minzheng_2023.pdf",
                                                                                  "renamed_2023.pdf"))
        pd.testing.assert_frame_equal(again.tables()[name], want.astype(again.tables()[name].dtypes))
    assert _read_fresh([sample_pdf], ExtractSettings(workers=1, cache=False)) == [sample_pdf.name]
    assert _read_fresh([sample_pdf], ExtractSettings(workers=1, lang="en")) == [sample_pdf.name]  # other settings
    assert _read_fresh([sample_pdf], ExtractSettings(workers=1, lang="en")) == []


def test_a_dask_cluster_reads_the_same_tables(sample_pdf, monkeypatch):
    from distributed import LocalCluster

    local = extract(_inputs(sample_pdf), ExtractSettings(cache=False))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = extract(_inputs(sample_pdf), ExtractSettings(cache=False), scheduler=cluster.scheduler_address)
        # a few files in flight at a time (here: one per worker thread), never the whole corpus's bytes
        from budgetlib import pool

        jobs = [(str(p), f"{k}/{p.name}") for k in range(3) for p in _inputs(sample_pdf)]
        monkeypatch.setattr(pool.DaskReaders, "PER_THREAD", 1)
        monkeypatch.setattr(pool.DaskReaders, "MIN_IN_FLIGHT", 1)
        readers = pool.DaskReaders(jobs, ExtractSettings(cache=False), cluster.scheduler_address)
        in_flight, sources = [], []
        for doc in readers:
            in_flight.append(len(readers.futures))
            sources.append(doc.source)
    assert [d.source for d in remote.documents] == [d.source for d in local.documents]
    for name, df in local.tables().items():
        pd.testing.assert_frame_equal(remote.tables()[name], df)
    assert readers.window == 2 and max(in_flight) <= 2 and sources == [s for _, s in jobs]


def test_no_scheduler_is_one_line_and_exit_1(tmp_path, sample_pdf):
    run = subprocess.run([sys.executable, "-m", "budgetlib", "extract", str(sample_pdf), "--out", str(tmp_path),
                          "--no-cache", "--scheduler", "tcp://127.0.0.1:9"], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1].startswith("budgetlib extract: no Dask scheduler at tcp://127.0.0.1:9")
    assert "Traceback" not in run.stderr


# -- year over year --------------------------------------------------------------------------------------


def test_diff_of_two_years_lists_every_change(tmp_path):
    """The 2024 table is the 2023 one with known changes (tools/make_corpus.py next_year): one amount up by
    10.00, one project renamed, one target raised, one project dropped, one added — and the unit and 合计
    totals that move with them."""
    want = json.loads((CORPUS / "chengguan_changes.json").read_text(encoding="utf-8"))
    out = tmp_path / "diff"
    run = subprocess.run([sys.executable, "-m", "budgetlib", "diff", str(CORPUS / "chengguan_2023.pdf"),
                          str(CORPUS / "chengguan_2024.pdf"), "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    got = pd.read_csv(out / "changes.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(got.columns) == ["change", "unit", "project", "old_project", "indicator", "field", "old", "new",
                                 "amount_unit"]
    cols = list(got.columns)
    unit = json.loads((CORPUS / "chengguan_2023.json").read_text(encoding="utf-8"))[0]["amount_unit"]
    for w in want:  # amounts are in the unit their tables print
        w.setdefault("amount_unit", unit if w["change"] in ("amount_changed", "removed", "added") else "")
    expected = pd.DataFrame([{c: (w.get(c) or "") for c in cols} for w in want])
    key = lambda df: sorted(map(tuple, df[cols].to_numpy().tolist()))  # noqa: E731
    assert key(got) == key(expected)
    # extracted folders compare as the PDFs do
    for year in (2023, 2024):
        extract([CORPUS / f"chengguan_{year}.pdf"]).write(tmp_path / str(year))
    from budgetlib.diff import diff

    assert key(diff(tmp_path / "2023", tmp_path / "2024")) == key(expected)


def test_diff_refuses_two_departments(tmp_path):
    run = subprocess.run([sys.executable, "-m", "budgetlib", "diff", str(CORPUS / "chengguan_2023.pdf"),
                          str(CORPUS / "minzheng_2023.pdf"), "--out", str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.startswith("budgetlib diff: not the same department")


def test_outputs_up_to_date_are_not_written_again(tmp_path, monkeypatch, sample_pdf):
    from budgetlib import config

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    out = tmp_path / "out"
    extract([sample_pdf]).write(out)
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    extract([sample_pdf]).write(out)  # the same documents, library and formats: nothing written
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    (out / "projects.csv").write_text("edited by hand", encoding="utf-8")  # a touched output: all written again
    extract([sample_pdf]).write(out)
    assert (out / "projects.csv").read_text(encoding="utf-8-sig").startswith("project_id,")
    extract([sample_pdf], ExtractSettings(lang="en")).write(out)  # other settings: written again
    assert "add up to" in (out / "findings.csv").read_text(encoding="utf-8-sig")


# -- memory: documents on disk, tables written in chunks ---------------------------------------------------


def _spooled(paths, settings, out=None):
    from budgetlib import pool
    from budgetlib.batch import gather

    batch, failures = pool.start(paths, settings)
    return gather(batch, failures, spool=True, out=out)


def test_a_spooled_batch_writes_what_one_in_memory_writes(tmp_path, monkeypatch, sample_pdf):
    """The command line keeps documents on disk (in the cache, else a temporary file) and writes the tables
    a few documents at a time, while the workers read; the files are those of the whole tables written at
    once, byte for byte (CSV) and frame for frame (Parquet, in row groups)."""
    import pyarrow.parquet as pq

    from budgetlib import batch, config
    from budgetlib.output import read_table, write_table
    from budgetlib.spool import Spool

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    inputs = _inputs(sample_pdf)
    whole = extract(inputs, ExtractSettings(cache=False))
    expected = tmp_path / "whole"
    for name, df in {**whole.tables(), **whole.review()}.items():
        write_table(df, expected, name)
    monkeypatch.setattr(batch, "CHUNK_INDICATORS", 50)  # a chunk per document: three
    for settings, streamed in ((ExtractSettings(cache=False), False), (ExtractSettings(), False),
                               (ExtractSettings(cache=False), True)):  # on file, in the cache; written as read
        out = tmp_path / f"spooled-{settings.cache}-{streamed}"
        spooled = _spooled(inputs, settings, (out, ("csv", "parquet")) if streamed else None)
        assert isinstance(spooled.documents, Spool) and len(spooled.documents) == 3
        assert [d.source for d in spooled.documents] == [d.source for d in whole.documents]
        assert spooled.documents[1].rows == whole.documents[1].rows
        assert (out / "projects.csv").exists() == streamed
        spooled.write(out)
        assert pq.ParquetFile(out / "indicators.parquet").num_row_groups == 3
        for name in ("projects", "units", "indicators", "findings", "review_indicators", "review_projects"):
            assert (out / f"{name}.csv").read_bytes() == (expected / f"{name}.csv").read_bytes(), name
            pd.testing.assert_frame_equal(read_table(out, name), read_table(expected, name))
        pd.testing.assert_frame_equal(spooled.sources(), whole.sources())
        assert not [p for p in out.iterdir() if p.name.endswith(".part")]
        spooled.documents.close()


def test_a_batch_does_not_keep_the_documents_it_handed_on(sample_pdf):
    """Neither the cache's hits nor the workers' results stay in the batch once gathered: a corpus is held
    one document at a time (the memory benchmark measures the rest)."""
    import gc
    import weakref

    from budgetlib import pool

    batch, _ = pool.start(_inputs(sample_pdf), ExtractSettings(cache=False, workers=1))
    refs = [weakref.ref(doc) for doc in batch]
    gc.collect()
    assert len(refs) == 3 and all(r() is None for r in refs)


def test_a_batch_stopped_while_writing_leaves_the_folder_as_it_was(tmp_path, monkeypatch, sample_pdf):
    """Tables written while the documents come are put in place only at the end: a batch stopped half-way
    (Ctrl-C, a crash) leaves the earlier outputs untouched and no part files."""
    from budgetlib import batch
    from budgetlib.batch import gather

    monkeypatch.setattr(batch, "CHUNK_INDICATORS", 1)  # the document's tables are written before the stop
    out = tmp_path / "out"
    first = extract([sample_pdf], ExtractSettings(cache=False))
    first.write(out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def readers():
        yield from first.documents
        raise KeyboardInterrupt

    parts = []
    real_add = batch._Writer.add

    def add(self, doc):  # what the folder holds once a document's tables are written, before the stop
        real_add(self, doc)
        parts.extend(p.name for p in out.iterdir() if p.name.endswith(".part"))

    monkeypatch.setattr(batch._Writer, "add", add)
    with pytest.raises(KeyboardInterrupt):
        gather(readers(), [], spool=True, out=(out, ("csv", "parquet")))
    assert parts  # the tables were being written
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_rerun_with_a_bad_file_leaves_outputs_up_to_date_untouched(tmp_path, sample_pdf):
    """A file that fails is read again on every run (failures are not cached), so the command line writes the
    tables while it reads; when they come out the same as the files there, those files are left untouched."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample_pdf, folder / sample_pdf.name)
    (folder / "bad.pdf").write_bytes(b"not a pdf")
    out = tmp_path / "out"
    env = {**os.environ, "BUDGETLIB_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "budgetlib", "extract", str(folder), "--out", str(out), "--no-progress"]
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 1 and "bad.pdf: not a PDF" in first.stderr
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    again = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 1 and "(1 of them from the cache)" in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name != ".budgetlib-outputs.json"} == \
        {k: v for k, v in before.items() if k != ".budgetlib-outputs.json"}
