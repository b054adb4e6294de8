"""Shared fixtures: the fixture folder, its manifest and ground truth (camelot's tests/conftest.py style)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

# every test session starts with an empty cache of its own (read cold; nothing written into .cache)
os.environ["BUDGETLIB_CACHE_DIR"] = tempfile.mkdtemp(prefix="budgetlib-test-cache-")

from budgetlib.config import PROJ_ROOT

TESTS = Path(__file__).resolve().parent
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
