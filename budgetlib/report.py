"""The main job: the numbered notebooks run in order by papermill, then HTML through nbconvert.

Each notebook runs in a fresh kernel of this very interpreter (its kernelspec is held in memory: nothing is
written beside the package, which may be installed where the user cannot write), with the working
directory fixed to ``config.HOME``.  The executed notebooks, their HTML, ``report.html`` (a front page,
then every notebook) and ``budgetlib.xlsx`` go to the reports folder; the sources of the notebooks are
never written.  The first failing notebook stops the run with a ``ReportError`` naming the notebook and
the cell; its executed copy is kept.

The HTML loads nothing from other machines (``resources/report/templates/budgetlib``: nbconvert's lab
template without require.js, MathJax, mermaid and the widget manager, which it fetches from CDNs); the
interactive tables' library is inside the page.

A run leaves a stamp (``.budgetlib-report.json``): the inputs' bytes, the notebooks, the parameters and
budgetlib's code it was made from, the files it wrote and what it found.  A run whose stamp matches, with
those files untouched, does no work (``force`` runs anyway).  ``archive``: each run goes to a folder of its
own, ``OUT/YYYY-MM-DD`` (``OUT/YYYY-MM-DD_HHMMSS`` for a later run the same day; never over another run's
folder), built aside and put in place when complete; ``OUT/latest`` then points at it (a symbolic link
swapped atomically, or a copied folder where links are not allowed).  A failed run's folder is kept as
``…-failed`` and ``latest`` is left where it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import config
from .exceptions import BudgetlibError, OutputError

if TYPE_CHECKING:
    import nbformat
    import pandas as pd
    from nbconvert import HTMLExporter

    from .front import Section

KERNEL_NAME = "budgetlib-env"
STAMP = ".budgetlib-report.json"
LATEST = "latest"
TEMPLATES = config.RESOURCES_DIR / "report" / "templates"
DOUBT_CHECKS = ("extraction_doubt", "ocr_doubt")
_VERSIONED = ("itables", "nbconvert", "papermill", "pandas", "matplotlib", "openpyxl")  # they shape the output
_HEADING = re.compile(r"^(#{1,2})\s+(.+?)\s*#*\s*$")


class ReportError(BudgetlibError):
    """A notebook of the report failed, or the report cannot be run as asked."""


@dataclass
class RunSummary:
    """What a run found: files (read, could not be read, skipped), projects, indicators, the pages in
    doubt per file and the reasons files could not be read."""

    files: int = 0
    read: int = 0
    errors: int = 0
    skipped: int = 0
    projects: int = 0
    indicators: int = 0
    doubts: list[tuple[str, list[int]]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    targets: int = 0  # department-level targets (部门整体 tables)

    @property
    def doubt_pages(self) -> int:
        return sum(len(pages) for _, pages in self.doubts)

    @property
    def exit_status(self) -> int:
        """1 when a file could not be read, 3 when pages are in doubt, else 0 (``budgetlib extract``'s)."""
        return 1 if self.errors else 3 if self.doubts else 0

    def line(self) -> str:
        doubt = (f"{self.doubt_pages} page(s) in doubt in {len(self.doubts)} file(s)" if self.doubts
                 else "no page in doubt")
        skipped = f" ({self.skipped} skipped as duplicates)" if self.skipped else ""
        targets = f"{self.targets} department targets, " if self.targets else ""
        return (f"{self.files} file(s){skipped}, {self.projects} projects, {self.indicators} indicators, "
                f"{targets}{self.errors} error(s), {doubt}")


@dataclass
class ReportResult:
    notebooks: list[Path] = field(default_factory=list)  # executed copies
    html: list[Path] = field(default_factory=list)  # report.html first
    seconds: dict[str, float] = field(default_factory=dict)
    folder: Path | None = None  # where this run's report is (an archive folder with ``archive``)
    summary: RunSummary = field(default_factory=RunSummary)
    unchanged: bool = False  # the stamp matched: nothing was run, ``folder`` holds the report made before
    workbook: Path | None = None


def notebooks(folder: Path | None = None) -> list[Path]:
    """The report's notebooks, in order: ``NN_name.ipynb``."""
    folder = folder or config.NOTEBOOKS_DIR
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def copy_notebooks(target: Path, force: bool = False) -> list[Path]:
    """Copy the report's notebooks (``NN_name.ipynb``) to ``target`` for an analyst to edit (``budgetlib
    report --notebooks TARGET`` runs them); an existing file is never overwritten unless ``force``."""
    sources = notebooks()
    if not sources:
        raise ReportError(f"no notebooks (NN_name.ipynb) in {config.NOTEBOOKS_DIR}: the installation is incomplete")
    if target.exists() and not target.is_dir():
        raise ReportError(f"{target}: not a folder")
    clash = [target / nb.name for nb in sources if (target / nb.name).exists()]
    if clash and not force:
        raise ReportError(f"{target}: {', '.join(p.name for p in clash)} already there; nothing copied "
                          "(--force overwrites them)")
    written = []
    for nb in sources:
        with atomic_path(target / nb.name) as tmp:
            shutil.copyfile(nb, tmp)
        written.append(target / nb.name)
    return written


def kernel_manager() -> type:
    """The kernel manager papermill uses: this interpreter's kernel from a spec held in memory (no
    kernelspec file is written anywhere), shut down without the SIGINT that jupyter_client sends first —
    a kernel that receives it between two messages logs ``KeyboardInterrupt caught in kernel`` to the
    terminal of a run that succeeded."""
    return _kernel_manager_class()


_KERNEL_CLASS: list[type] = []


def _kernel_manager_class() -> type:
    if _KERNEL_CLASS:
        return _KERNEL_CLASS[0]
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class BudgetlibKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self) -> KernelSpec:
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--log-level=ERROR"],
                    display_name="budgetlib (this environment)", language="python",
                    env={"PYTHONHASHSEED": "0"}, interrupt_mode="signal")
            return self._kernel_spec

        async def _async_interrupt_kernel(self) -> None:
            if self.shutting_down:  # the shutdown request follows; an idle kernel needs no interrupt
                return
            await super()._async_interrupt_kernel()

    _KERNEL_CLASS.append(BudgetlibKernelManager)
    return BudgetlibKernelManager


def atomic_path(target: Path) -> contextlib.AbstractContextManager[Path]:
    """``output.atomic_path``, imported when first needed (``output`` loads pandas: a run with nothing to do
    does not)."""
    from .output import atomic_path as atomic

    return atomic(target)


# -- HTML -------------------------------------------------------------------------------------------------


def _exporter(show_code: bool) -> HTMLExporter:
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="budgetlib", extra_template_basedirs=[str(TEMPLATES)],
                        exclude_input=not show_code, exclude_input_prompt=True, exclude_output_prompt=True)


def _is_library(output: dict) -> bool:
    """An output of ``itables.init_notebook_mode``: the tables' library, or its dark-mode switch (known by
    how they start: a table's output never starts with a script, so no PDF text in a table can match)."""
    text = output.get("data", {}).get("text/html", "")
    text = ("".join(text) if isinstance(text, list) else text).lstrip()
    return ((text.startswith("<script>") and "function injectCSS(" in text[:200])
            or (text.startswith('<script type="module">') and "set_or_remove_dark_class" in text[:300]))


def _anchored(nb: nbformat.NotebookNode, stem: str) -> list[Section]:
    """Put an anchor before each heading (``#``, ``##``) of ``nb``'s Markdown cells; the sections."""
    from .front import Section

    sections: list[Section] = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = []
        for line in cell.source.splitlines():
            m = _HEADING.match(line)
            if m:
                anchor = f"nb-{stem}" if not sections else f"nb-{stem}-{len(sections)}"
                title = re.sub(r"[`*_]", "", m.group(2))
                sections.append(Section(anchor, title, len(m.group(1)), stem))
                lines += [f'<a id="{anchor}" class="budgetlib-anchor"></a>', ""]
            lines.append(line)
        cell.source = "\n".join(lines)
    return sections


def to_html(executed: list[Path], out_dir: Path, show_code: bool,
            front: Callable[[list[Section]], str] | None = None) -> list[Path]:
    """One HTML per executed notebook and ``report.html`` with all of them, images and the tables'
    library embedded; ``front(sections)`` (the table of contents' entries) gives the HTML that opens
    ``report.html``."""
    import nbformat

    from .notebook import itables_library_html

    exporter = _exporter(show_code)
    written = []
    cells: list[nbformat.NotebookNode] = []
    sections: list[Section] = []
    for k, nb_path in enumerate(executed, start=1):
        nb = nbformat.read(nb_path, as_version=4)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": nb_path.stem}})
        target = out_dir / f"{nb_path.stem}.html"
        with atomic_path(target) as tmp:
            tmp.write_text(body, encoding="utf-8")
        written.append(target)
        sections += _anchored(nb, nb_path.stem)
        for j, cell in enumerate(nb.cells):  # cell ids must stay unique in the combined report
            cell.id = f"nb{k}-{j}"
            if cell.cell_type == "code":  # the library once, first (below), not once per notebook
                cell.outputs = [o for o in cell.outputs if not _is_library(o)]
            cells.append(cell)
    if not executed:
        return written
    combined = nbformat.v4.new_notebook(metadata=nbformat.read(executed[0], as_version=4).metadata)
    first = nbformat.v4.new_code_cell("")
    first.id = "front"
    first.metadata["transient"] = {"remove_source": True}
    html = itables_library_html() + (front(sections) if front else "")
    first.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html})]
    combined.cells = [first, *cells]
    body, _ = exporter.from_notebook_node(combined, resources={"metadata": {"name": "预算绩效目标报告"}})
    target = out_dir / "report.html"
    with atomic_path(target) as tmp:
        tmp.write_text(body, encoding="utf-8")
    written.insert(0, target)
    return written


# -- what a run found --------------------------------------------------------------------------------------


def read_sources(processed: Path) -> pd.DataFrame | None:
    """``sources.csv`` of the processed folder (None when there is none)."""
    import pandas as pd

    path = processed / "sources.csv"
    if not path.exists():
        return None
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def summarise(tables: dict[str, pd.DataFrame], sources: pd.DataFrame | None) -> RunSummary:
    """The run's ``RunSummary`` from the processed tables and ``sources.csv``."""
    s = RunSummary(projects=len(tables.get("projects", ())), indicators=len(tables.get("indicators", ())),
                   targets=len(tables.get("department_targets", ())))
    if sources is not None and len(sources):
        status = sources["status"]
        s.files, s.read = len(sources), int(status.isin(["ok", "doubt"]).sum())
        s.errors, s.skipped = int((status == "error").sum()), int((status == "skipped").sum())
        s.failures = [r or src for src, r in zip(sources.loc[status == "error", "source"],
                                                 sources.loc[status == "error", "reason"])]
    findings = tables.get("findings")
    if findings is not None and len(findings):
        rows = findings[findings["check"].isin(DOUBT_CHECKS)]
        s.doubts = [(str(src), sorted({int(p) for p in g["page"].dropna()}))
                    for src, g in rows.groupby("source", sort=True)]
    return s


# -- the stamp: no work when nothing changed ----------------------------------------------------------------


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _library() -> str:
    """A digest of budgetlib's code and data files (the notebooks call it; the report is a function of it)."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in _VERSIONED:
        with contextlib.suppress(PackageNotFoundError):
            out[name] = version(name)
    return out


def stamp_of(input_dir: Path, sources: list[Path], params: dict[str, object], show_code: bool) -> dict:
    """What a report is a function of: the input PDFs' bytes (by path within the input folder), the
    notebooks, the parameters, ``show_code``, budgetlib's code and the versions of what renders it."""
    pdfs = sorted(p for p in input_dir.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file())
    return {"inputs": [[p.relative_to(input_dir).as_posix(), _sha256(p)] for p in pdfs],
            "notebooks": {nb.name: _sha256(nb) for nb in sources},
            "parameters": json.loads(json.dumps(params, sort_keys=True, default=str)), "show_code": show_code,
            "library": _library(), "versions": _versions(), "python": sys.version.split()[0]}


def _fingerprint(folder: Path) -> dict[str, list[int]]:
    """Size and modification time of each (visible) file directly in ``folder``."""
    out = {}
    if folder.is_dir():
        for p in sorted(folder.iterdir()):
            if p.is_file() and not p.name.startswith("."):
                st = p.stat()
                out[p.name] = [st.st_size, st.st_mtime_ns]
    return out


def _unchanged(folder: Path | None, stamp: dict, processed: Path) -> RunSummary | None:
    """The summary saved in ``folder`` when its stamp is ``stamp`` and neither its files nor the processed
    folder's have changed since; else None."""
    if folder is None:
        return None
    try:
        saved = json.loads((folder / STAMP).read_text(encoding="utf-8"))
        if (saved["stamp"] == stamp and saved["files"] == _fingerprint(folder)
                and saved["processed"] == _fingerprint(processed)):
            summary = saved["summary"]
            summary["doubts"] = [(s, list(p)) for s, p in summary["doubts"]]
            return RunSummary(**summary)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _save_stamp(folder: Path, stamp: dict, processed: Path, summary: RunSummary) -> None:
    record = {"stamp": stamp, "files": _fingerprint(folder), "processed": _fingerprint(processed),
              "summary": asdict(summary)}
    with atomic_path(folder / STAMP) as tmp:
        tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")


# -- archive folders -------------------------------------------------------------------------------------


def archive_name(root: Path, now: dt.datetime | None = None, suffix: str = "") -> Path:
    """A new folder for this run under ``root``, created (so that no other run takes it): ``YYYY-MM-DD``,
    or ``YYYY-MM-DD_HHMMSS`` when a run of the same day has it (``_2``, ``_3`` … after that); ``suffix``
    after the name (``-failed``)."""
    now = now or dt.datetime.now()
    names = [now.strftime("%Y-%m-%d") + suffix, now.strftime("%Y-%m-%d_%H%M%S") + suffix]
    names += [now.strftime("%Y-%m-%d_%H%M%S") + f"_{i}{suffix}" for i in range(2, 1000)]
    for name in names:
        with contextlib.suppress(FileExistsError):
            (root / name).mkdir()
            return root / name
    raise ReportError(f"{root}: no free name for this run's folder ({names[0]} … taken)")


def latest(root: Path) -> Path | None:
    """The folder ``root/latest`` points at (or is), if any."""
    link = root / LATEST
    return link.resolve() if link.exists() else None


def point_latest(root: Path, folder: Path) -> None:
    """``root/latest`` → ``folder``: a relative symbolic link swapped in atomically; where links cannot be
    made (or ``latest`` is a real folder), a copy of ``folder`` swapped in by renames."""
    link = root / LATEST
    tmp = root / f".{LATEST}.{os.getpid()}.tmp"
    try:
        if not (link.exists() and not link.is_symlink()):
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            tmp.symlink_to(folder.name, target_is_directory=True)
            os.replace(tmp, link)
            return
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
    copy = Path(tempfile.mkdtemp(prefix=f".{LATEST}.", dir=root))
    shutil.copytree(folder, copy, dirs_exist_ok=True)
    old = root / f".{LATEST}.old.{os.getpid()}"
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.exists():
        os.replace(link, old)
    os.replace(copy, link)
    shutil.rmtree(old, ignore_errors=True)


# -- the run -----------------------------------------------------------------------------------------------


def _declared(nb: Path) -> set[str]:
    """The parameters ``nb`` declares in its ``parameters`` cell (read as Python: the kernel is this
    interpreter's, whatever kernelspec the notebook names, or none)."""
    import nbformat
    from papermill.translators import PythonTranslator

    try:
        notebook = nbformat.read(nb, as_version=4)
    except (OSError, ValueError) as exc:  # nbformat's reading errors are ValueErrors
        raise ReportError(f"{nb}: cannot be read as a notebook ({str(exc).splitlines()[0]})") from None
    cell = next((c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    return {p.name for p in PythonTranslator.inspect(cell)} if cell is not None else set()


def _validate(sources: list[Path], parameters: dict[str, object]) -> dict[Path, set[str]]:
    declared = {nb: _declared(nb) for nb in sources}
    unknown = set(parameters) - set().union(*declared.values())
    if unknown:
        raise ReportError(f"no notebook has the parameter(s) {', '.join(sorted(unknown))}; "
                          f"they have: {', '.join(sorted(set().union(*declared.values())))}")
    return declared


def _execute(sources: list[Path], declared: dict[Path, set[str]], params: dict[str, object], folder: Path,
             result: ReportResult, progress: bool, echo: Callable[[str], None]) -> None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    for i, nb in enumerate(sources, start=1):
        target = folder / nb.name
        echo(f"[{i}/{len(sources)}] {nb.name}")
        start = time.perf_counter()
        try:
            pm.execute_notebook(str(nb), str(target), kernel_name=KERNEL_NAME, language="python",
                                parameters={k: v for k, v in params.items() if k in declared[nb]},
                                cwd=str(config.HOME), progress_bar=progress, log_output=False,
                                request_save_on_cell_execute=False, kernel_manager_class=kernel_manager())
        except PapermillExecutionError as exc:
            raise ReportError(f"{nb.name} failed in cell {exc.exec_count} ({exc.ename}: {exc.evalue}); "
                              f"the executed notebook is kept at {target}") from None
        result.seconds[nb.name] = time.perf_counter() - start
        result.notebooks.append(target)


def _finish(folder: Path, result: ReportResult, processed: Path, input_dir: Path, show_code: bool) -> None:
    """The workbook, the HTML (with the front page) and the summary of an executed run."""
    from . import front
    from .notebook import INTERACTIVE_ROWS
    from .workbook import WORKBOOK, tables_in, write_workbook

    start = time.perf_counter()
    tables = tables_in(processed)
    sources = tables.pop("sources", None)
    if sources is None:
        sources = read_sources(processed)
    result.workbook = write_workbook({**({"sources": sources} if sources is not None else {}), **tables},
                                     folder / WORKBOOK)
    result.seconds["xlsx"] = time.perf_counter() - start
    start = time.perf_counter()
    generated = dt.datetime.now().strftime("%Y-%m-%d %H:%M")

    def page(sections: list[Section]) -> str:
        return front.page(tables, sources, sections, generated=f"{generated}，输入 {input_dir}",
                          workbook=WORKBOOK, interactive_rows=INTERACTIVE_ROWS)

    result.html = to_html(result.notebooks, folder, show_code, front=page)
    result.seconds["html"] = time.perf_counter() - start
    result.summary = summarise(tables, sources)


def run_report(input_dir: Path | None = None, out_dir: Path | None = None, processed_dir: Path | None = None,
               parameters: dict[str, object] | None = None, show_code: bool = False, progress: bool = False,
               echo: Callable[[str], None] = lambda _: None, notebooks_dir: Path | None = None,
               archive: bool = False, force: bool = False) -> ReportResult:
    """Run every notebook in order; write executed copies, HTML and the workbook to ``out_dir`` (with
    ``archive``: to a new folder under it, then ``out_dir/latest``).  Nothing is run when the last run's
    stamp matches (``force``: run anyway)."""
    out_dir = Path(out_dir or config.REPORTS_DIR)
    input_dir = Path(input_dir or config.RAW_DIR)
    processed = Path(processed_dir or config.PROCESSED_DIR)
    try:
        config.check_output_dir(out_dir, (input_dir,))
        config.check_output_dir(processed, (input_dir,))
    except OutputError as exc:
        raise ReportError(str(exc)) from None
    if not input_dir.is_dir():
        raise ReportError(f"{input_dir}: no such folder (the PDFs to read)")
    if out_dir.exists() and not out_dir.is_dir():
        raise ReportError(f"{out_dir}: not a folder")
    sources = notebooks(notebooks_dir)
    if not sources:
        raise ReportError(f"no notebooks (NN_name.ipynb) in {notebooks_dir or config.NOTEBOOKS_DIR}")
    params: dict[str, object] = {"input_dir": str(input_dir.resolve()), "processed_dir": str(processed.resolve()),
                                 **(parameters or {})}
    stamp = stamp_of(input_dir, sources, params, show_code)
    previous = latest(out_dir) if archive else out_dir
    if not force and (found := _unchanged(previous, stamp, processed)) is not None:
        return ReportResult(folder=previous, summary=found, unchanged=True,
                            html=[previous / "report.html"], workbook=previous / "budgetlib.xlsx")
    declared = _validate(sources, parameters or {})
    try:
        return _run(sources, declared, params, stamp, input_dir, out_dir, processed, show_code, progress, echo, archive)
    except OSError as exc:  # a folder that cannot be made or written, a full disk: one line, no traceback
        raise ReportError(f"{exc.filename or out_dir}: {exc.strerror or exc}") from None


def _run(sources: list[Path], declared: dict[Path, set[str]], params: dict[str, object], stamp: dict,
         input_dir: Path, out_dir: Path, processed: Path, show_code: bool, progress: bool,
         echo: Callable[[str], None], archive: bool) -> ReportResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".run-", dir=out_dir)) if archive else out_dir
    result = ReportResult(folder=folder)
    try:
        _execute(sources, declared, params, folder, result, progress, echo)
        _finish(folder, result, processed, input_dir, show_code)
        _save_stamp(folder, stamp, processed, result.summary)
    except BaseException as exc:
        if archive:
            failed = _put(folder, archive_name(out_dir, suffix="-failed"))
            if isinstance(exc, ReportError):
                raise ReportError(str(exc).replace(str(folder), str(failed))) from None
        raise
    if archive:
        final = _put(folder, archive_name(out_dir))
        point_latest(out_dir, final)
        result.folder = final
        result.notebooks = [final / p.name for p in result.notebooks]
        result.html = [final / p.name for p in result.html]
        result.workbook = final / result.workbook.name if result.workbook else None
    return result


def _put(folder: Path, reserved: Path) -> Path:
    """Move the run's folder onto the empty folder reserved for it (nobody else takes the name), readable
    like any other folder (``mkdtemp`` makes it private)."""
    try:
        os.replace(folder, reserved)
    except OSError:  # where a folder cannot replace an empty one
        reserved.rmdir()
        os.rename(folder, reserved)
    os.chmod(reserved, 0o777 & ~_umask())
    return reserved


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = ["KERNEL_NAME", "ReportError", "ReportResult", "RunSummary", "archive_name", "copy_notebooks",
           "kernel_manager", "latest", "notebooks", "point_latest", "run_report", "stamp_of", "summarise", "to_html"]
