"""Bad input: one clear line naming the file and the reason, non-zero exit, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from budgetlib import (
    DamagedPDFError,
    EmptyFileError,
    EncryptedPDFError,
    ExtractSettings,
    NotAPDFError,
    NoTextLayerError,
    TableNotFoundError,
    read_pdf,
)

BAD = {
    "empty.pdf": (EmptyFileError, "empty"),
    "not_a_pdf.pdf": (NotAPDFError, "not a PDF"),
    "truncated.pdf": (DamagedPDFError, "truncated"),
    "damaged.pdf": (DamagedPDFError, "cannot be read"),
    "encrypted.pdf": (EncryptedPDFError, "encrypted"),
    "scanned.pdf": (NoTextLayerError, "scanned"),  # with OCR off (--ocr never); read by OCR otherwise
}


def cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "budgetlib", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


@pytest.mark.parametrize("name", sorted(BAD))
def test_read_pdf_raises_named_error(bad_dir, name):
    error, words = BAD[name]
    with pytest.raises(error) as info:
        read_pdf(bad_dir / name, ExtractSettings(ocr="never"))
    assert name in str(info.value) and words in str(info.value)


@pytest.mark.parametrize("name", sorted(BAD))
def test_cli_one_line_no_traceback(bad_dir, tmp_path, name):
    run = cli("extract", bad_dir / name, "--out", tmp_path / "out", "--ocr", "never")
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert name in lines[0] and BAD[name][1] in lines[0]
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()


def test_missing_file(tmp_path):
    run = cli("extract", tmp_path / "nope.pdf", "--out", tmp_path / "out")
    assert run.returncode == 1
    assert run.stderr.strip() == f"{tmp_path / 'nope.pdf'}: no such file or folder"


def test_real_disclosures_yield_no_rows_and_no_crash(real_pdfs):
    for pdf in real_pdfs:
        with pytest.raises(TableNotFoundError) as info:
            read_pdf(pdf)
        assert pdf.name in str(info.value)


def test_batch_keeps_good_files(bad_dir, sample_pdf, real_pdfs, tmp_path):
    out = tmp_path / "out"
    run = cli("extract", sample_pdf, *sorted(bad_dir.glob("*.pdf")), real_pdfs[0], "--out", out, "--workers", "2",
              "--ocr", "never")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    reasons = [line for line in run.stderr.splitlines() if ".pdf:" in line]
    assert len(reasons) == len(BAD) + 1
    projects = pd.read_csv(out / "projects.csv", encoding="utf-8-sig")
    assert len(projects) == 54
    sources = pd.read_csv(out / "sources.csv", encoding="utf-8-sig")
    assert sorted(sources["status"]) == ["error"] * (len(BAD) + 1) + ["ok"]


def test_owner_password_only_is_read(fixtures_dir):
    """Encrypted with an empty user password (only an owner password, made by qpdf): readers open it."""
    assert fixtures_dir.joinpath("owner_password_only.pdf").read_bytes().count(b"/Encrypt") >= 1
    assert len(read_pdf(fixtures_dir / "owner_password_only.pdf").projects) == 54


def test_crash_while_writing_leaves_no_half_file(sample_pdf, tmp_path, monkeypatch):
    from budgetlib import extract

    out = tmp_path / "out"
    result = extract([sample_pdf], ExtractSettings(cache=False))  # no cache: no up-to-date stamp, always written
    result.write(out)
    before = (out / "projects.parquet").read_bytes()

    import pyarrow.parquet as pq

    written = pq.ParquetWriter.write_table

    def boom(self, table, *args, **kwargs):  # the first row group goes to disk, then the disk is full
        written(self, table, *args, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", boom)
    with pytest.raises(OSError, match="disk full"):
        result.write(out)
    assert (out / "projects.parquet").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]


def test_bytes_input_errors_name_the_document():
    with pytest.raises(NotAPDFError, match=r"^x\.pdf: not a PDF"):
        read_pdf(b"hello", source="x.pdf")
