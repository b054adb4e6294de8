"""The main job: the numbered notebooks run in order by papermill, then HTML through nbconvert.

Each notebook runs in a fresh kernel of this very environment (a kernelspec written under
``config.CACHE_DIR`` that points at ``sys.executable`` and is put first on ``JUPYTER_PATH``), with the
working directory fixed to the project root.  The executed notebooks and their HTML go to the
reports folder; the sources in ``notebooks/`` are never written.  The first failing notebook stops
the run with a ``ReportError`` naming the notebook and the cell; its executed copy is kept.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import config
from .exceptions import BudgetlibError, OutputError
from .output import atomic_path

KERNEL_NAME = "budgetlib-env"


class ReportError(BudgetlibError):
    """A notebook of the report failed."""


@dataclass
class ReportResult:
    notebooks: list[Path] = field(default_factory=list)  # executed copies
    html: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def notebooks(folder: Path | None = None) -> list[Path]:
    """The report's notebooks, in order: ``NN_name.ipynb``."""
    folder = folder or config.NOTEBOOKS_DIR
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def ensure_kernel() -> str:
    """A kernelspec for this interpreter, first on JUPYTER_PATH; returns its name."""
    root = config.CACHE_DIR / "jupyter"
    spec_dir = root / "kernels" / KERNEL_NAME
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--log-level=ERROR"],
            "display_name": "budgetlib (this environment)", "language": "python",
            "env": {"PYTHONHASHSEED": "0"}}
    path = spec_dir / "kernel.json"
    if not path.exists() or json.loads(path.read_text(encoding="utf-8")) != spec:
        spec_dir.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    paths = os.environ.get("JUPYTER_PATH", "").split(os.pathsep)
    if str(root) not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(root), *[p for p in paths if p]])
    return KERNEL_NAME


def to_html(executed: list[Path], out_dir: Path, show_code: bool) -> list[Path]:
    """One HTML per executed notebook and ``report.html`` with all of them, images embedded."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", exclude_input=not show_code, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    written = []
    combined = None
    for k, nb_path in enumerate(executed, start=1):
        nb = nbformat.read(nb_path, as_version=4)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": nb_path.stem}})
        target = out_dir / f"{nb_path.stem}.html"
        with atomic_path(target) as tmp:
            tmp.write_text(body, encoding="utf-8")
        written.append(target)
        for j, cell in enumerate(nb.cells):  # cell ids must stay unique in the combined report
            cell.id = f"nb{k}-{j}"
        if combined is None:
            combined = nb
        else:
            combined.cells.extend(nb.cells)
    if combined is not None:
        body, _ = exporter.from_notebook_node(combined, resources={"metadata": {"name": "预算绩效目标报告"}})
        target = out_dir / "report.html"
        with atomic_path(target) as tmp:
            tmp.write_text(body, encoding="utf-8")
        written.insert(0, target)
    return written


def run_report(input_dir: Path | None = None, out_dir: Path | None = None, processed_dir: Path | None = None,
               parameters: dict[str, object] | None = None, show_code: bool = False, progress: bool = False,
               echo: Callable[[str], None] = lambda _: None, notebooks_dir: Path | None = None) -> ReportResult:
    """Run every notebook in order; write executed copies and HTML to ``out_dir``."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    out_dir = Path(out_dir or config.REPORTS_DIR)
    inputs = (Path(input_dir or config.RAW_DIR),)
    try:
        config.check_output_dir(out_dir, inputs)
        config.check_output_dir(processed_dir or config.PROCESSED_DIR, inputs)
    except OutputError as exc:
        raise ReportError(str(exc)) from None
    out_dir.mkdir(parents=True, exist_ok=True)
    params: dict[str, object] = {
        "input_dir": str(Path(input_dir or config.RAW_DIR).resolve()),
        "processed_dir": str(Path(processed_dir or config.PROCESSED_DIR).resolve()),
        **(parameters or {}),
    }
    kernel = ensure_kernel()
    result = ReportResult()
    sources = notebooks(notebooks_dir)
    if not sources:
        raise ReportError(f"no notebooks (NN_name.ipynb) in {notebooks_dir or config.NOTEBOOKS_DIR}")
    declared = {nb: set(pm.inspect_notebook(str(nb))) for nb in sources}
    unknown = set(parameters or {}) - set().union(*declared.values())
    if unknown:
        raise ReportError(f"no notebook has the parameter(s) {', '.join(sorted(unknown))}; "
                          f"they have: {', '.join(sorted(set().union(*declared.values())))}")
    for i, nb in enumerate(sources, start=1):
        target = out_dir / nb.name
        echo(f"[{i}/{len(sources)}] {nb.name}")
        start = time.perf_counter()
        try:
            pm.execute_notebook(str(nb), str(target), kernel_name=kernel,
                                parameters={k: v for k, v in params.items() if k in declared[nb]},
                                cwd=str(config.PROJ_ROOT), progress_bar=progress, log_output=False,
                                request_save_on_cell_execute=False)
        except PapermillExecutionError as exc:
            raise ReportError(f"{nb.name} failed in cell {exc.exec_count} ({exc.ename}: {exc.evalue}); "
                              f"the executed notebook is kept at {target}") from None
        result.seconds[nb.name] = time.perf_counter() - start
        result.notebooks.append(target)
    start = time.perf_counter()
    result.html = to_html(result.notebooks, out_dir, show_code)
    result.seconds["html"] = time.perf_counter() - start
    return result


__all__ = ["ReportError", "ReportResult", "ensure_kernel", "notebooks", "run_report", "to_html"]
