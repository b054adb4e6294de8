"""The main job: real papermill on a real kernel over the sample, real HTML."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from budgetlib.config import NOTEBOOKS_DIR, PROJ_ROOT
from budgetlib.report import ReportError, notebooks, run_report

sys.path.insert(0, str(PROJ_ROOT / "tools"))
from sync_notebooks import build


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    processed = tmp_path_factory.mktemp("processed")
    before = {p: p.read_bytes() for p in NOTEBOOKS_DIR.iterdir()}
    run = subprocess.run([sys.executable, "-m", "budgetlib", "report", "--out", str(out), "--processed",
                          str(processed), "-p", "top_projects", "12"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert {p: p.read_bytes() for p in NOTEBOOKS_DIR.iterdir()} == before  # sources never written
    return out, processed, run


def test_html_has_charts_and_chinese(report):
    out, _, _ = report
    html = (out / "report.html").read_text(encoding="utf-8")
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(images) >= 4
    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)
    for name in ("广州市荔湾区人民政府金花街道办事处", "金花街道综合保障中心", "环卫保洁类经费", "sum_mismatch"):
        assert name in html
    assert "import budgetlib" not in re.sub(r"<[^>]+>", "", html)  # code hidden by default
    for nb in notebooks():
        assert (out / nb.name).exists() and (out / f"{nb.stem}.html").exists()


def test_no_missing_glyphs_and_no_errors(report):
    out, _, _ = report
    for nb in notebooks():
        executed = nbformat.read(out / nb.name, as_version=4)
        for cell in executed.cells:
            for output in cell.get("outputs", []):
                text = output.get("text", "") if output.get("output_type") == "stream" else ""
                assert "Glyph" not in text and "missing from font" not in text, text
                assert output.get("output_type") != "error"


def test_parameters_reach_the_notebooks(report):
    out, processed, _ = report
    executed = nbformat.read(out / "04_charts.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "top_projects = 12" in injected[0].source
    assert str(processed) in injected[0].source
    for name in ("projects", "units", "indicators", "findings", "keywords_by_unit", "word_counts"):
        assert (processed / f"{name}.parquet").exists()


@pytest.mark.parametrize("nb", notebooks(), ids=lambda p: p.name)
def test_notebook_hygiene(nb: Path):
    data = json.loads(nb.read_text(encoding="utf-8"))
    code = [c for c in data["cells"] if c["cell_type"] == "code"]
    assert not any(c.get("outputs") for c in code)
    assert sum("parameters" in c["metadata"].get("tags", []) for c in code) == 1
    stored = nbformat.reads(nb.read_text(encoding="utf-8"), as_version=4)
    assert stored == build(nb.with_suffix(".py")), "run tools/sync_notebooks.py: the .ipynb and .py differ"
    source = "".join("".join(c["source"]) for c in code)
    assert "os.chdir" not in source and "Path.cwd" not in source and "../data" not in source


def test_failing_notebook_names_notebook_and_cell(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("x = 1")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("y = x + 1"), nbformat.v4.new_code_cell("1 / 0")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "01_fails.ipynb")
    nbformat.write(nb, folder / "02_never_runs.ipynb")
    with pytest.raises(ReportError) as info:
        run_report(out_dir=tmp_path / "out", processed_dir=tmp_path / "p", notebooks_dir=folder)
    message = str(info.value)
    assert "01_fails.ipynb" in message and "cell 3" in message and "ZeroDivisionError" in message
    assert (tmp_path / "out" / "01_fails.ipynb").exists()
    assert not (tmp_path / "out" / "02_never_runs.ipynb").exists()


def test_unknown_parameter_is_refused(tmp_path):
    run = subprocess.run([sys.executable, "-m", "budgetlib", "report", "--out", str(tmp_path), "-p", "nope", "1"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "nope" in run.stderr and "Traceback" not in run.stderr


def test_show_code_flag_keeps_the_code(report, tmp_path):
    from budgetlib.report import to_html

    out, _, _ = report
    (html,) = [p for p in to_html([out / "01_extract.ipynb"], tmp_path, show_code=True) if p.name == "report.html"]
    assert "import budgetlib" in re.sub(r"<[^>]+>", "", html.read_text(encoding="utf-8"))


# -- a corpus: several departments and years ------------------------------------------------------------


def _images(cell) -> int:
    return sum("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def _cell(executed, text: str):
    return next(c for c in executed.cells if c.cell_type == "code" and text in c.source)


@pytest.fixture(scope="module")
def corpus_report(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    for pdf in [PROJ_ROOT / "data" / "raw" / "jinhua_performance_targets.pdf",
                *sorted((PROJ_ROOT / "tests" / "fixtures" / "corpus").glob("*.pdf"))]:
        (raw / pdf.name).write_bytes(pdf.read_bytes())
    out, processed = tmp_path_factory.mktemp("corpus_reports"), tmp_path_factory.mktemp("corpus_processed")
    run_report(raw, out, processed)
    return raw, out, processed


def test_corpus_report_by_department_and_year(corpus_report):
    import budgetlib
    from budgetlib import corpus

    _, out, processed = corpus_report
    tables = budgetlib.load_processed(processed)
    parts = list(corpus.by_department(tables))
    # six tables: five departments (a compilation gives two), one of them in two years; the re-export is skipped
    assert len(parts) == 6
    assert all(p["units"]["department"].nunique() == 1 and p["units"]["year"].nunique(dropna=False) == 1
               for _, p in parts)
    charts = nbformat.read(out / "04_charts.ipynb", as_version=4)
    assert _images(_cell(charts, "charts.spending_by_unit")) == len(parts)  # one chart per department and year
    html = (out / "06_corpus.html").read_text(encoding="utf-8")
    for name, _ in parts:
        assert name.split("（")[0] in html
    assert "广州市荔湾区城市管理和综合执法局：2023 → 2024 年的变化" in html
    assert "社区微改造新增项目" in html and "renamed" in html
    executed = nbformat.read(out / "06_corpus.ipynb", as_version=4)
    assert _images(_cell(executed, "charts.spending_by_department")) == 1


def test_the_department_parameter_narrows_the_report(corpus_report, tmp_path):
    raw, _, _ = corpus_report
    out = tmp_path / "out"
    run_report(raw, out, tmp_path / "processed", {"department": "广州市荔湾区民政局"})
    charts = nbformat.read(out / "04_charts.ipynb", as_version=4)
    assert _images(_cell(charts, "charts.spending_by_unit")) == 1
    html = (out / "06_corpus.html").read_text(encoding="utf-8")
    overview = re.sub(r"<[^>]+>", "", html.split("各部门的问题")[0])
    assert "广州市荔湾区民政局" in overview and "金花街道办事处" not in overview


def test_a_large_corpus_charts_its_largest_departments(corpus_report, tmp_path):
    raw, _, _ = corpus_report
    out = tmp_path / "out"
    run_report(raw, out, tmp_path / "processed", {"max_departments": 2})
    charts = nbformat.read(out / "04_charts.ipynb", as_version=4)
    assert _images(_cell(charts, "charts.spending_by_unit")) == 2
    html = (out / "04_charts.html").read_text(encoding="utf-8")
    assert "另有 4 个部门（年度）未画图" in html
