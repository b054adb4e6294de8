"""On Dask a file's time limit runs from when its reading starts on a worker, and a reading past it is
really stopped (``budgetlib.isolate``): a real ``LocalCluster``, real child processes."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from pathlib import Path

import cloudpickle
import pytest
from conftest import FIXTURES

from budgetlib import ExtractSettings, pool, read_pdf
from budgetlib.pool import Failure

# the worker's child process, with a reader that never ends on ``stuck.pdf`` (a file that takes forever)
_CHILD = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from budgetlib import isolate, pool
    real = pool._read_one

    def reading(path, settings, source, data=None):
        if source == "stuck.pdf":
            Path({marker!r}).write_text(str(os.getpid()))
            time.sleep(3600)
        return real(path, settings, source, data)

    pool._read_one = reading
    isolate.main()
""")


def _use_child(command: list[str]) -> None:
    """On each worker: start reading children with ``command`` (this test's child)."""
    from budgetlib import isolate

    isolate.CHILD = command


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return True


def test_on_dask_a_stuck_file_is_stopped_and_the_files_behind_it_are_read(tmp_path, sample_pdf):
    from distributed import Client, LocalCluster

    shutil.copy(sample_pdf, tmp_path / "stuck.pdf")
    marker = tmp_path / "stuck-pid"
    child = tmp_path / "child.py"
    child.write_text(_CHILD.format(marker=str(marker)))
    other = FIXTURES / "reportlab_split_rows.pdf"
    jobs = [(str(tmp_path / "stuck.pdf"), "stuck.pdf"), (str(sample_pdf), sample_pdf.name), (str(other), other.name)]
    settings = ExtractSettings(cache=False, timeout=10, timeout_per_page=0)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        # one worker thread: the second and third files wait behind the stuck one, far longer than 10 s all told
        with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            client.run(_use_child, [sys.executable, str(child)])
            items = list(pool.DaskReaders(jobs, settings, cluster.scheduler_address))
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    stuck, *read = items
    assert isinstance(stuck, Failure)
    assert stuck.reason.startswith(f"{jobs[0][0]}: took longer than 10 s (its time limit")
    assert [type(d).__name__ for d in read] == ["Document", "Document"], [getattr(d, "reason", "") for d in read]
    for doc, (path, _) in zip(read, jobs[1:]):
        assert doc.rows == read_pdf(path).rows
    assert not _alive(int(marker.read_text())), "the stuck reading was left running"


@pytest.mark.parametrize("outcome", ["document", "failure"])
def test_outcomes_cross_as_data(outcome, sample_pdf):
    from budgetlib import isolate

    item = read_pdf(sample_pdf) if outcome == "document" else Failure("a.pdf", "/x/a.pdf", "/x/a.pdf: not a PDF")
    back = isolate.outcome(isolate.encode(item))
    assert type(back) is type(item) and back == item
