"""The main job: real papermill on a real kernel over the sample, real HTML."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import nbformat
import pytest

from budgetlib.config import PROJ_ROOT
from budgetlib.report import ReportError, notebooks, run_report

sys.path.insert(0, str(PROJ_ROOT / "tools"))
from sync_notebooks import build


@pytest.fixture(scope="module")
def report(sample_report):
    return sample_report.out, sample_report.processed, sample_report.run


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
    run = subprocess.run([sys.executable, "-m", "budgetlib", "report", "--out", str(tmp_path), "--processed",
                          str(tmp_path / "p"), "-p", "nope", "1"], capture_output=True, text=True, timeout=120)
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


# -- a scheduled run: one line, an archive folder, latest, exit statuses, no work when nothing changed -------


def _only_extract(tmp_path: Path) -> Path:
    """The report's own notebooks, copied out by ``budgetlib notebooks``, with only 01_extract kept (what the
    exit status and the archive depend on, in seconds instead of half a minute)."""
    folder = tmp_path / "nbs"
    run = subprocess.run([sys.executable, "-m", "budgetlib", "notebooks", str(folder)], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in folder.iterdir()) == [nb.name for nb in notebooks()]
    for nb in folder.glob("*.ipynb"):
        if not nb.name.startswith("01_"):
            nb.unlink()
    return folder


def _report(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "budgetlib", "report", *map(str, args)], capture_output=True,
                          text=True, timeout=600, cwd=cwd)


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file()}


def test_a_scheduled_run_says_one_line_and_archives(report, sample_report):
    out, processed, run = report
    import budgetlib

    tables = budgetlib.load_processed(processed)
    (line,) = run.stderr.strip().splitlines()  # nothing else: no progress, no kernel noise
    assert line.startswith(f"report: 1 file(s), {len(tables['projects'])} projects, "
                           f"{len(tables['indicators'])} indicators, 0 error(s), no page in doubt → ")
    assert "KeyboardInterrupt" not in run.stderr and "Traceback" not in run.stderr
    day = out.name
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) and (sample_report.root / "latest").is_symlink()
    assert line.split(" → ")[1].startswith(str(sample_report.root / day / "report.html"))
    assert (out / "budgetlib.xlsx").exists()


def test_an_unchanged_rerun_does_no_work_and_keeps_the_report(report, sample_report):
    out, processed, _ = report
    before, folders = _files(out), sorted(p.name for p in sample_report.root.iterdir())
    run = _report("--archive", "--out", sample_report.root, "--processed", processed, "-p", "top_projects", "12")
    assert run.returncode == 0, run.stderr
    (line,) = run.stderr.strip().splitlines()
    assert line.startswith("report: unchanged since the last run") and str(out / "report.html") in line
    assert _files(out) == before and sorted(p.name for p in sample_report.root.iterdir()) == folders


def test_archive_folders_never_clobber_and_a_failed_run_leaves_latest(tmp_path):
    nbs = _only_extract(tmp_path)
    root, processed = tmp_path / "reports", tmp_path / "processed"
    first = _report("--archive", "--out", root, "--processed", processed, "--notebooks", nbs)
    assert first.returncode == 0, first.stderr
    day = (root / "latest").resolve()
    kept = _files(day)
    again = _report("--archive", "--force", "--out", root, "--processed", processed, "--notebooks", nbs)
    assert again.returncode == 0, again.stderr
    second = (root / "latest").resolve()
    assert second != day and second.name.startswith(day.name + "_") and _files(day) == kept
    failing = nbformat.v4.new_notebook()
    failing.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")]
    failing.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(failing, nbs / "02_fails.ipynb")
    failed = _report("--archive", "--out", root, "--processed", processed, "--notebooks", nbs)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    (line,) = failed.stderr.strip().splitlines()
    assert "02_fails.ipynb failed in cell 2 (ZeroDivisionError" in line and "-failed" in line
    (folder,) = [p for p in root.iterdir() if p.name.endswith("-failed")]
    assert (folder / "02_fails.ipynb").exists() and str(folder / "02_fails.ipynb") in line
    assert (root / "latest").resolve() == second and _files(day) == kept


def test_archive_names_and_the_latest_swap(tmp_path):
    import datetime as dt

    from budgetlib.report import archive_name, latest, point_latest

    now = dt.datetime(2026, 11, 30, 9, 5, 7)
    names = [archive_name(tmp_path, now).name for _ in range(3)]
    assert names == ["2026-11-30", "2026-11-30_090507", "2026-11-30_090507_2"]
    assert archive_name(tmp_path, now, suffix="-failed").name == "2026-11-30-failed"
    (tmp_path / "2026-11-30" / "report.html").write_text("one")
    (tmp_path / "2026-11-30_090507" / "report.html").write_text("two")
    point_latest(tmp_path, tmp_path / "2026-11-30")
    assert latest(tmp_path) == tmp_path / "2026-11-30" and (tmp_path / "latest").is_symlink()
    point_latest(tmp_path, tmp_path / "2026-11-30_090507")
    assert (tmp_path / "latest" / "report.html").read_text() == "two"
    assert (tmp_path / "2026-11-30" / "report.html").read_text() == "one"
    (tmp_path / "latest").unlink()
    (tmp_path / "latest").mkdir()  # a copied folder (where links are not allowed) is swapped by renames
    (tmp_path / "latest" / "stale.html").write_text("old")
    point_latest(tmp_path, tmp_path / "2026-11-30")
    assert sorted(p.name for p in (tmp_path / "latest").iterdir()) == ["report.html"]
    assert (tmp_path / "latest" / "report.html").read_text() == "one"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".latest")]


@pytest.mark.parametrize(("inputs", "status", "says"), [
    (["fidelity/doubt_blank_amounts_borderless.pdf"], 3, "doubt_blank_amounts_borderless.pdf: page(s) in doubt: 1"),
    (["bad/truncated.pdf", "../../data/raw/jinhua_performance_targets.pdf"], 1, "truncated.pdf"),
])
def test_the_exit_status_says_whether_to_look(tmp_path, inputs, status, says):
    from conftest import FIXTURES

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in inputs:
        (raw / Path(name).name).write_bytes((FIXTURES / name).read_bytes())
    run = _report("--input", raw, "--out", tmp_path / "out", "--processed", tmp_path / "p", "--notebooks",
                  _only_extract(tmp_path))
    assert run.returncode == status, run.stderr
    lines = run.stderr.strip().splitlines()
    assert any(says in ln for ln in lines[:-1]) and "Traceback" not in run.stderr
    assert lines[-1].startswith(f"report: {len(inputs)} file(s)")
    assert ("1 error(s)" in lines[-1]) == (status == 1) and ("in doubt in 1 file(s)" in lines[-1]) == (status == 3)


def test_notebooks_are_copied_out_but_never_over_an_analysts_edits(tmp_path):
    folder = _only_extract(tmp_path)
    (folder / "01_extract.ipynb").write_text("edited", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "budgetlib", "notebooks", str(folder)], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 1 and "01_extract.ipynb already there" in run.stderr and "Traceback" not in run.stderr
    assert (folder / "01_extract.ipynb").read_text(encoding="utf-8") == "edited"


def test_kernel_shutdown_sends_no_interrupt(tmp_path):
    """jupyter_client interrupts a kernel before asking it to shut down; a kernel that gets the SIGINT while
    it handles a message logs ``KeyboardInterrupt caught in kernel`` to the terminal of a run that succeeded.
    A real kernel records any SIGINT it gets in a file: budgetlib's manager sends none, the plain one does."""
    import asyncio

    from jupyter_client.manager import AsyncKernelManager

    from budgetlib.report import KERNEL_NAME, kernel_manager

    quiet = kernel_manager()

    class Plain(quiet):
        async def _async_interrupt_kernel(self) -> None:
            await AsyncKernelManager._async_interrupt_kernel(self)

    async def interrupted(cls: type, marker: Path) -> bool:
        km = cls(kernel_name=KERNEL_NAME)
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            await kc.execute_interactive(
                "import signal\n"
                f"signal.signal(signal.SIGINT, lambda *a: open({str(marker)!r}, 'w').write('SIGINT'))\n"
                "get_ipython().kernel.post_handler_hook = lambda: None  # keep this handler after the cell",
                timeout=60)
        finally:
            kc.stop_channels()
            await km.shutdown_kernel()
        return marker.exists()

    assert not asyncio.run(interrupted(quiet, tmp_path / "quiet"))
    assert asyncio.run(interrupted(Plain, tmp_path / "plain"))  # the test can tell


# -- what the HTML holds: nothing fetched, long tables interactive, a front page -------------------------------


def _dt_args(html: str) -> list[dict]:
    """The options of every interactive table on the page (itables writes them as JSON)."""
    return [json.loads(m) for m in re.findall(r"let dt_args = (\{.*?\});\n", html, flags=re.S)]


def test_no_html_loads_or_links_anything_outside(report, hostile_report):
    from hostile import elements

    for out in (report[0], hostile_report.out):
        pages = sorted(out.glob("*.html"))
        assert len(pages) == len(notebooks()) + 1
        for page in pages:
            found = elements(page)
            assert found.external == [], (page.name, found.external[:3])
            assert found.live == [], (page.name, found.live[:3])


def test_long_tables_are_interactive_with_every_row_and_short_ones_plain(report):
    import budgetlib

    out, processed, _ = report
    html = (out / "02_clean.html").read_text(encoding="utf-8")
    tables = _dt_args(html)
    indicators = budgetlib.load_processed(processed)["indicators"]
    (shown,) = [t for t in tables if t["caption"].startswith("绩效指标（")]
    rows = json.loads(shown["data_json"])
    assert len(rows) == len(indicators) > 30  # every row, none sampled away
    assert sorted(r[2] for r in rows) == sorted(indicators["project"])
    assert shown["column_filters"] == "footer" and shown["layout"]["topEnd"] == "search"
    assert not any(t["caption"].startswith("每个文件：部门") for t in tables)  # the one-line overview stays plain
    assert "每个文件：部门、印刷的合计" in html
    assert html.count("injectModule(") == 2  # the library once (its definition and its call), inside the page
    report_html = (out / "report.html").read_text(encoding="utf-8")
    assert report_html.count("injectModule(") == 2 and len(_dt_args(report_html)) >= len(tables)


def test_the_front_page_says_what_is_in_here_and_what_is_wrong(report):
    from decimal import Decimal

    import budgetlib

    out, processed, _ = report
    html = (out / "report.html").read_text(encoding="utf-8")
    tables = budgetlib.load_processed(processed)
    front = html[html.index('<div class="budgetlib-front">'):html.index("</div>", html.index('class="budgetlib-toc"'))]
    body = html[html.index('<div class="budgetlib-front">'):]
    assert body.index("各部门、各年度") < body.index("目录") < body.index("1 抽取")  # it opens the report
    units, findings, reviewed = tables["units"], tables["findings"], tables["review_indicators"]
    total = sum(units.loc[units["unit"] == "合计", "total"], Decimal(0))
    measurable = (reviewed["class"] == "measurable").mean()
    row = re.search(r"<tbody><tr>(.*?)</tr>", front).group(1)
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    assert cells == ["", units["department"].iloc[0], "", f"{total:,.2f}", "万元", str((units["unit"] != "合计").sum()),
                     str(len(tables["projects"])), str(len(tables["indicators"])), f"{measurable:.0%}",
                     *(str((findings["severity"] == s).sum()) for s in ("error", "warning", "info")), "1",
                     "项目列表（合计、单位、项目）"]
    assert "没有存疑的页" in front and 'href="budgetlib.xlsx"' in front
    anchors = re.findall(r'<a href="#([^"]+)">', front)
    assert len(anchors) >= 20 and all(f'id="{a}"' in html for a in anchors)
    assert anchors[0] == "nb-01_extract" and "nb-02_clean" in anchors


def test_the_front_page_reds_pages_in_doubt_and_reads_older_folders():
    """Built from tables alone: a page in doubt comes first and red; a table or column an older folder
    lacks (review tables, year) leaves its column out; a table another layout adds is counted."""
    import pandas as pd

    from budgetlib import front

    p = pd.DataFrame({"project_id": ["a-1", "b-1"], "source": ["a.pdf", "b.pdf"], "department": ["甲局", "<b>乙</b>局"],
                      "unit": ["甲局", "乙局"], "project": ["x", "y"], "total": [1, 2], "amount_unit": ["万元", "元"]})
    u = p.assign(unit="合计").drop(columns=["project_id", "project"])
    f = pd.DataFrame({"check": ["extraction_doubt"], "severity": ["error"], "source": ["b.pdf"], "page": [3],
                      "unit": [""], "project": [""], "project_id": [""]})
    targets = pd.DataFrame({"source": ["a.pdf"], "department": ["甲局"], "target": ["t"]})
    tables = {"projects": p, "units": u, "indicators": p.iloc[:0], "findings": f, "department_targets": targets}
    table = front.summary(tables)
    assert list(table["部门"]) == ["<b>乙</b>局", "甲局"]  # the one in doubt first
    assert table.loc[0, "存疑页"] == "b.pdf 第 3 页" and table.loc[1, "存疑页"] == ""
    assert "可衡量" not in table.columns and table["部门整体目标"].tolist() == [0, 1]
    html = front.page(tables, None, [])
    assert '<td class="text doubt">b.pdf 第 3 页</td>' in html and "&lt;b&gt;乙&lt;/b&gt;局" in html
    assert "<b>乙" not in html and 'class="alarm"' in html


def test_the_front_page_of_a_large_corpus_is_searchable():
    """More department-years than ``interactive_rows``: the summary is an interactive table, every row in it,
    the 合计 as printed (exactly, per amount unit)."""
    import pandas as pd

    from budgetlib import front

    n = 40
    p = pd.DataFrame({"project_id": [f"p-{i}" for i in range(n)], "source": [f"{i}.pdf" for i in range(n)],
                      "department": [f"局{i:02d}" for i in range(n)], "year": [2024] * n, "unit": ["u"] * n,
                      "project": ["x"] * n, "total": [Decimal("1234.5")] * n, "amount_unit": ["元"] * n})
    u = p.assign(unit="合计").drop(columns=["project_id", "project"])
    f = pd.DataFrame(columns=["check", "severity", "source", "page", "unit", "project", "project_id"])
    html = front.page({"projects": p, "units": u, "indicators": p.iloc[:0], "findings": f}, None, [],
                      interactive_rows=30)
    (table,) = _dt_args(html)
    rows = json.loads(table["data_json"])
    assert len(rows) == n and {r[1] for r in rows} == {f"局{i:02d}" for i in range(n)}
    assert {r[3] for r in rows} == {"1,234.50"} and {r[4] for r in rows} == {"元"}


def test_an_output_folder_that_cannot_be_made_is_one_line(tmp_path):
    (tmp_path / "a_file").write_text("x")
    run = _report("--out", tmp_path / "a_file" / "reports", "--processed", tmp_path / "p")
    assert run.returncode == 4 and "Traceback" not in run.stderr  # the outputs cannot be written there
    assert run.stderr.strip() == (f"budgetlib report: {tmp_path / 'a_file' / 'reports'}: cannot write the outputs "
                                  f"there: {tmp_path / 'a_file'} is a file, not a folder")


def test_only_the_library_is_taken_out_of_the_combined_report():
    """report.html holds the tables' library once: each notebook's copy is left out, and a table whose text
    reads like the library's code is not."""
    import pandas as pd

    from budgetlib.notebook import interactive_html, itables_library_html
    from budgetlib.report import _is_library

    table = interactive_html(pd.DataFrame({"project": ["<script>\nfunction injectCSS(", "set_or_remove_dark_class"]}),
                             "injectModule(")
    assert not _is_library({"data": {"text/html": table}})
    assert _is_library({"data": {"text/html": itables_library_html()}})
