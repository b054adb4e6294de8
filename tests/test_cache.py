"""The cache keeps documents as data (JSON from the model's own dataclasses), never as pickles; it is keyed
on the readers' versions too, and lives in the user's cache folder unless ``BUDGETLIB_CACHE_DIR`` moves it."""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import pickle
import subprocess
import sys
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURES

from budgetlib import ExtractSettings, cache, codec, config, read_pdf
from budgetlib.model import Document, Finding, RawRow, Row
from budgetlib.spool import Spool

PACKAGE = Path(cache.__file__).resolve().parent


def _every_field(value: object, where: str = "doc") -> dict[str, tuple[str, str]]:
    """Every field of every dataclass inside ``value``, by its path, as (type, exact text) — ``compare=False``
    fields included, and ``Decimal("1.10")`` told from ``Decimal("1.1")``."""
    out: dict[str, tuple[str, str]] = {}
    if dataclasses.is_dataclass(value):
        out[where] = (type(value).__name__, "")
        for f in dataclasses.fields(value):
            out.update(_every_field(getattr(value, f.name), f"{where}.{f.name}"))
    elif isinstance(value, list | tuple):
        out[where] = (type(value).__name__, str(len(value)))
        for i, v in enumerate(value):
            out.update(_every_field(v, f"{where}[{i}]"))
    elif isinstance(value, dict):
        out[where] = ("dict", repr(list(value)))
        for k, v in value.items():
            out.update(_every_field(v, f"{where}[{k!r}]"))
    else:
        out[where] = (type(value).__name__, repr(value))
    return out


@pytest.fixture(scope="module")
def docs(sample_pdf) -> list[Document]:
    """Real documents: the sample (findings, blank amounts, every kind of row) and a compilation of two
    departments (``department`` on each row)."""
    return [read_pdf(sample_pdf), read_pdf(FIXTURES / "corpus" / "compilation_2024.pdf")]


def test_a_read_document_comes_back_field_for_field(docs):
    for doc in docs:
        data = cache.dump(doc)
        json.loads(data)  # plain JSON
        back = cache.load(data)
        assert _every_field(back) == _every_field(doc)
        assert back == doc
    fields = _every_field(docs[0])
    # the documents exercise what the encoding must keep exactly: decimals, blanks, rules, nested indicators
    assert any(t[0] == "Decimal" for t in fields.values())
    assert any(k.endswith("amounts['other']") and t == ("NoneType", "None") for k, t in fields.items())
    assert any(k.endswith(".rule") and t[1] not in ("''", "") for k, t in fields.items())
    assert any(".indicators[0].annual_value" in k for k in fields)


@dataclass(frozen=True)
class _Target:  # a dataclass the model may gain: nested, frozen, with every kind of value
    name: str
    weight: Decimal | None
    codes: tuple[int, ...]
    shares: dict[str, Decimal]
    by_year: dict[int, list[str]]
    flag: bool = False
    note: str | Decimal | None = None  # members that look alike in JSON (text): tagged
    where: Path | None = None


@dataclass
class _LaterRow(Row):
    weight: Decimal | None = None
    targets: list[_Target] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    tag: typing.Literal["a", "b"] = "a"


@dataclass
class _LaterDocument(Document):
    layout_version: int | None = None
    departments_targets: dict[str, list[_Target]] = field(default_factory=dict)
    extra_rows: list[_LaterRow] = field(default_factory=list)
    raw: list[RawRow] = field(default_factory=list)
    computed: str = field(default="made", init=False)


def test_fields_added_to_the_model_later_round_trip_without_touching_the_encoding(docs):
    """Derived from the dataclasses' fields and type hints: a field or a dataclass added later comes back
    as it was, exactly."""
    doc = docs[0]
    target = _Target("培训人数", Decimal("0.10"), (1, 12), {"a": Decimal("1.00")}, {2024: ["x"]}, True, Decimal("7.0"),
                     Path("/tmp/x"))
    later = _LaterDocument(**{f.name: getattr(doc, f.name) for f in dataclasses.fields(doc)}, layout_version=2,
                           departments_targets={"卫生健康局": [target, dataclasses.replace(target, note="seven")]},
                           extra_rows=[_LaterRow(**{f.name: getattr(doc.rows[5], f.name)
                                                    for f in dataclasses.fields(Row)},
                                                 weight=Decimal("12.50"), targets=[target], scores=[1.0, 0.5],
                                                 tag="b")],
                           raw=[RawRow({"name": "x", "total": "1,234.56"}, 3, [3, 4])])
    object.__setattr__(later, "computed", "changed after init")
    back = codec.loads(codec.dumps(later), _LaterDocument)
    assert _every_field(back) == _every_field(later)
    assert type(back.departments_targets["卫生健康局"][0]) is _Target
    assert back.departments_targets["卫生健康局"][1].note == "seven"
    # stored before a field with a default existed: the default
    data = json.loads(codec.dumps(later))
    del data["data"]["layout_version"]
    assert codec.loads(json.dumps(data), _LaterDocument).layout_version is None


@pytest.mark.parametrize("bad", [
    b"", b"\x80\x04K\x01.", b"{}", b'{"format": "budgetlib-data", "version": 1, "type": "Document", "data": {}}',
])
def test_anything_but_a_document_is_no_document(bad):
    with pytest.raises(codec.CodecError):
        cache.load(bad)


def test_a_wrong_value_in_a_field_is_refused(docs):
    data = json.loads(cache.dump(docs[0]))
    data["data"]["rows"][0]["amounts"]["total"] = 103262.91  # a float where an exact decimal belongs
    with pytest.raises(codec.CodecError):
        cache.load(json.dumps(data).encode())
    data = json.loads(cache.dump(docs[0]))
    data["data"]["rows"][0]["surprise"] = "field"
    with pytest.raises(codec.CodecError):
        cache.load(json.dumps(data).encode())


class _Payload:
    """What a tampered cache entry would hold: unpickling it runs ``open(marker, "w")``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_planted_pickle_in_the_cache_is_never_run(tmp_path, sample_pdf):
    env = {**os.environ, "BUDGETLIB_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "budgetlib", "extract", str(sample_pdf), "--no-progress", "--workers", "1"]
    first = subprocess.run([*cmd, "--out", str(tmp_path / "first")], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    entries = sorted(p for p in (tmp_path / "cache" / "extract").rglob("*") if p.is_file())
    assert len(entries) == 1
    marker = tmp_path / "EXECUTED"
    payload = pickle.dumps(_Payload(marker))
    for entry in {entries[0], entries[0].with_suffix(".json"), entries[0].with_suffix(".pkl")}:
        entry.write_bytes(payload)  # the entry itself overwritten, and where pickles were kept before
    again = subprocess.run([*cmd, "--out", str(tmp_path / "again")], capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr
    assert not marker.exists()
    assert "from the cache" not in again.stderr  # the entry was no entry: the file was read again …
    for name in ("projects.csv", "indicators.csv", "findings.csv", "units.csv"):
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "first" / name).read_bytes()
    assert entries[0].suffix == ".json"
    assert cache.load(entries[0].read_bytes()).source == sample_pdf.name  # … and the entry written again


def test_the_key_holds_the_readers_versions_read_without_importing_them(monkeypatch):
    from importlib import metadata

    versions = cache.reader_versions()
    assert versions["camelot-py"] == metadata.version("camelot-py")
    assert {"pdfplumber", "pypdfium2", "rapidocr-onnxruntime", "numpy", "python"} <= versions.keys()
    settings = ExtractSettings()
    before = cache.key("0" * 64, "a.pdf", settings)
    monkeypatch.setattr(cache, "reader_versions", lambda: {**versions, "camelot-py": "9.9.9"})
    assert cache.key("0" * 64, "a.pdf", settings) != before
    code = ("import sys; from budgetlib import cache; cache.key('0' * 64, 'a.pdf', cache.ExtractSettings()); "
            "print(sorted(m for m in ('camelot', 'cv2', 'numpy', 'pdfplumber', 'pypdfium2', 'rapidocr_onnxruntime')"
            " if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_the_spool_keeps_documents_as_data(docs):
    spool = Spool()
    try:
        for doc in docs:
            spool.append(doc)  # no cache key: into the spool's own file
        assert [_every_field(d) for d in spool] == [_every_field(d) for d in docs]
        assert _every_field(spool[1]) == _every_field(docs[1])
    finally:
        spool.close()


def test_no_module_of_the_package_uses_pickle():
    """Stored or handed-on documents are data: no module imports pickle (or its kin)."""
    kin = {"pickle", "cPickle", "dill", "cloudpickle", "marshal", "shelve", "joblib"}
    found = []
    for module in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [f"{module.name}: {n}" for n in names if n.split(".")[0] in kin]
    assert found == []


# -- where the cache lives -----------------------------------------------------------------------------------


def test_the_cache_is_in_the_users_cache_folder_unless_moved(tmp_path, sample_pdf):
    env = {k: v for k, v in os.environ.items() if k != "BUDGETLIB_CACHE_DIR"}
    env.update(XDG_CACHE_HOME=str(tmp_path / "xdg"), HOME=str(tmp_path / "home"))
    where = "from budgetlib import config; print(config.CACHE_DIR)"
    run = subprocess.run([sys.executable, "-c", where], capture_output=True, text=True, env=env, check=True)
    assert Path(run.stdout.strip()) == tmp_path / "xdg" / "budgetlib"
    run = subprocess.run([sys.executable, "-c", where], capture_output=True, text=True, check=True,
                         env={**env, "BUDGETLIB_CACHE_DIR": str(tmp_path / "moved")})
    assert Path(run.stdout.strip()) == tmp_path / "moved"
    # an extract run writes its cache there, and nothing into the package or the checkout
    before = sorted(p for p in (config.PROJ_ROOT / ".cache").rglob("*")) if (config.PROJ_ROOT / ".cache").exists() \
        else []
    run = subprocess.run([sys.executable, "-m", "budgetlib", "extract", str(sample_pdf), "--out",
                          str(tmp_path / "out"), "--no-progress", "--workers", "1"], capture_output=True, text=True,
                         env=env)
    assert run.returncode == 0, run.stderr
    assert len(list((tmp_path / "xdg" / "budgetlib" / "extract").rglob("*.json"))) == 1
    after = sorted(p for p in (config.PROJ_ROOT / ".cache").rglob("*")) if (config.PROJ_ROOT / ".cache").exists() \
        else []
    assert after == before
    assert not (PACKAGE / ".cache").exists()


def test_findings_rule_kept_though_not_compared(docs):
    """``Finding.rule`` is not part of equality; the cache keeps it all the same (code reads it)."""
    finding = next(f for f in docs[0].findings if f.rule)
    back = codec.loads(codec.dumps(finding), Finding)
    assert back.rule == finding.rule and back == finding
