"""Shared fixtures: the fixture folder, its manifest and ground truth (camelot's tests/conftest.py style)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

# every test session starts with an empty cache of its own (read cold; nothing written into .cache)
os.environ["BUDGETLIB_CACHE_DIR"] = tempfile.mkdtemp(prefix="budgetlib-test-cache-")

from budgetlib.config import PROJ_ROOT

TESTS = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _sigint_left_as_it_was():
    """A test (or a library it runs in-process: a notebook client, a cluster) that leaves SIGINT changed would
    change it for every command the later tests start: it is put back, and the test is named."""
    import signal
    import warnings

    before = signal.getsignal(signal.SIGINT)
    yield
    if signal.getsignal(signal.SIGINT) is not before:
        signal.signal(signal.SIGINT, before)
        warnings.warn("this test left SIGINT's handler changed (put back)", stacklevel=1)
FIXTURES = TESTS / "fixtures"
DATA = TESTS / "data"


def load_truth(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def manifest() -> dict[str, dict]:
    return json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def bad_dir() -> Path:
    return FIXTURES / "bad"


@pytest.fixture(scope="session")
def sample_pdf() -> Path:
    return PROJ_ROOT / "data" / "raw" / "jinhua_performance_targets.pdf"


@pytest.fixture(scope="session")
def real_pdfs() -> list[Path]:
    folder = PROJ_ROOT.parent / "shared" / "real-pdfs"
    pdfs = sorted(folder.glob("*.pdf"))
    if not pdfs:
        pytest.skip(f"no real PDFs at {folder}")
    return pdfs


# -- reports, shared by the report's tests and the browser's (each run costs half a minute) -------------------


@dataclass
class Report:
    root: Path  # --out
    processed: Path
    run: subprocess.CompletedProcess

    @property
    def out(self) -> Path:
        """This run's folder (``--archive``: ``root/latest``)."""
        return (self.root / "latest").resolve() if (self.root / "latest").exists() else self.root


def run_cli(*args: str | Path, timeout: float = 900, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "budgetlib", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, **kwargs)


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory) -> Report:
    """``budgetlib report --archive`` over the bundled sample, as cron would run it (stderr not a terminal)."""
    from budgetlib.config import NOTEBOOKS_DIR

    root, processed = tmp_path_factory.mktemp("reports"), tmp_path_factory.mktemp("processed")
    before = {p: p.read_bytes() for p in NOTEBOOKS_DIR.iterdir()}
    run = run_cli("report", "--archive", "--out", root, "--processed", processed, "-p", "top_projects", "12")
    assert run.returncode == 0, run.stderr
    assert {p: p.read_bytes() for p in NOTEBOOKS_DIR.iterdir()} == before  # sources never written
    return Report(root, processed, run)


@pytest.fixture(scope="session")
def hostile_report(tmp_path_factory) -> Report:
    """The report of a corpus whose every name field is hostile (``tests/hostile.py``); one department's
    charts left out, so that its name reaches the note that says so."""
    from hostile import make_corpus

    raw = tmp_path_factory.mktemp("hostile_raw")
    make_corpus(raw)
    root, processed = tmp_path_factory.mktemp("hostile_reports"), tmp_path_factory.mktemp("hostile_processed")
    run = run_cli("report", "--input", raw, "--out", root, "--processed", processed, "-p", "max_departments", "1")
    assert run.returncode == 0, run.stderr
    return Report(root, processed, run)
