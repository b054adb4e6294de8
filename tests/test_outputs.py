"""Output errors and interruptions on the command line: one line naming the folder and the reason, an exit
status of its own (README: exit statuses), no traceback, and the files in --out as they were.  Real file
systems where it matters: a tiny tmpfs (full disk, read-only) mounted in a user and mount namespace of its
own (``unshare -rm``, no root needed where the kernel allows it), real processes for the lock and the
signals."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from budgetlib import config

SAMPLE = config.PROJ_ROOT / "data" / "raw" / "jinhua_performance_targets.pdf"
CLI = [sys.executable, "-m", "budgetlib"]


def _env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ)  # the session's cache (tests/conftest.py): the sample is read once for all


def _extract(out: Path, tmp_path: Path, *more: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "extract", str(SAMPLE), "--out", str(out), "--no-progress", "--workers", "1", *more],
                          capture_output=True, text=True, env=_env(tmp_path), timeout=600)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != ".budgetlib.lock"}


def test_out_under_a_regular_file_is_one_line_and_exit_4(tmp_path):
    (tmp_path / "report.txt").write_text("a file")
    run = _extract(tmp_path / "report.txt" / "out", tmp_path)
    assert run.returncode == 4
    assert run.stderr.strip().splitlines() == [
        f"budgetlib extract: {tmp_path / 'report.txt' / 'out'}: cannot write the outputs there: "
        f"{tmp_path / 'report.txt'} is a file, not a folder"]
    run = _extract(tmp_path / "report.txt", tmp_path)  # --out a file itself
    assert run.returncode == 4 and run.stderr.strip().splitlines() == [
        f"budgetlib extract: {tmp_path / 'report.txt'}: cannot write the outputs there: it is a file, not a folder"]
    assert (tmp_path / "report.txt").read_text() == "a file"
    run = subprocess.run([*CLI, "diff", str(SAMPLE), str(SAMPLE), "--out", str(tmp_path / "report.txt" / "d")],
                         capture_output=True, text=True, env=_env(tmp_path), timeout=600)
    assert run.returncode == 4 and len(run.stderr.strip().splitlines()) == 1 and "is a file" in run.stderr


def _without_root() -> list[str]:
    """A command prefix under which the folder's mode stops us: none for a user; for root (who writes
    anywhere), a user namespace where we are a user who owns the files (``unshare --map-user``)."""
    if os.geteuid() != 0:
        return []
    prefix = ["unshare", "--user", "--map-user=1000", "--map-group=1000"]
    if shutil.which("unshare") is None or subprocess.run([*prefix, "true"], capture_output=True).returncode:
        pytest.skip("running as root, and no user namespace to run as a user")
    return prefix


def test_a_folder_without_permission_is_one_line_and_exit_4(tmp_path):
    out = tmp_path / "locked"
    first = _extract(out, tmp_path)
    assert first.returncode == 0, first.stderr
    before = _files(out)
    out.chmod(0o555)
    try:
        run = subprocess.run([*_without_root(), *CLI, "extract", str(SAMPLE), "--out", str(out), "--no-progress",
                              "--workers", "1", "--lang", "en"], capture_output=True, text=True, env=_env(tmp_path),
                             timeout=600)
    finally:
        out.chmod(0o755)
    assert run.returncode == 4, run.stderr
    assert run.stderr.strip().splitlines() == [
        f"budgetlib extract: {out}: cannot write the outputs there: no permission to write there"]
    assert _files(out) == before


def _namespaces_work() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


tmpfs = pytest.mark.skipif(not _namespaces_work(), reason="no user and mount namespaces here (unshare -rm)")

# run inside ``unshare -rm``: a tmpfs of the size asked, the runs asked, and what the folder holds after each
_IN_NAMESPACE = textwrap.dedent("""
    import json, os, subprocess, sys
    mount, size, steps = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", mount], check=True)
    out, report = os.path.join(mount, "out"), []
    for step in steps:
        if step[0] == "fill":  # leave this many bytes free
            st = os.statvfs(mount)
            with open(os.path.join(mount, "filler"), "ab") as fh:
                fh.write(b"0" * max(0, st.f_bavail * st.f_frsize - step[1]))
        elif step[0] == "readonly":
            subprocess.run(["mount", "-o", "remount,ro", mount], check=True)
        else:
            run = subprocess.run(step[1], capture_output=True, text=True)
            files = {n: open(os.path.join(out, n), "rb").read().hex() for n in sorted(os.listdir(out))
                     if n != ".budgetlib.lock"} if os.path.isdir(out) else None
            report.append({"code": run.returncode, "stderr": run.stderr, "files": files})
    print(json.dumps(report))
""")


def _in_tmpfs(tmp_path: Path, size: str, steps: list) -> list[dict]:
    mount = tmp_path / "mnt"
    mount.mkdir()
    script = tmp_path / "steps.py"
    script.write_text(_IN_NAMESPACE)
    run = subprocess.run(["unshare", "-rm", sys.executable, str(script), str(mount), size, json.dumps(steps)],
                         capture_output=True, text=True, env=_env(tmp_path), timeout=900)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _cmd(out: str, *more: str) -> list[str]:
    return [*CLI, "extract", str(SAMPLE), "--out", out, "--no-progress", "--workers", "1", *more]


@tmpfs
def test_a_full_disk_is_one_line_and_exit_4_and_leaves_the_outputs_as_they_were(tmp_path):
    out = str(tmp_path / "mnt" / "out")
    first, mid_write, at_start = _in_tmpfs(tmp_path, "1m", [
        ["run", _cmd(out)],
        ["fill", 48 * 1024],  # room for the check, not for the tables: the disk fills while they are written
        ["run", _cmd(out, "--lang", "en")],  # other findings: every table written again
        ["fill", 0],
        ["run", _cmd(out, "--lang", "en")],  # no room at all: said before a file is read
    ])
    assert first["code"] == 0, first["stderr"]
    for run in (mid_write, at_start):
        assert run["code"] == 4
        assert run["stderr"].strip().splitlines() == [
            f"budgetlib extract: {out}: cannot write the outputs there: no space left on the disk"]
        assert run["files"] == first["files"]  # as they were: no table half-written, no part file


@tmpfs
def test_a_read_only_file_system_is_one_line_and_exit_4(tmp_path):
    out = str(tmp_path / "mnt" / "out")
    first, again = _in_tmpfs(tmp_path, "4m", [["run", _cmd(out)], ["readonly"], ["run", _cmd(out, "--lang", "en")]])
    assert first["code"] == 0, first["stderr"]
    assert again["code"] == 4
    assert again["stderr"].strip().splitlines() == [
        f"budgetlib extract: {out}: cannot write the outputs there: the file system is read-only"]
    assert again["files"] == first["files"]


def test_a_second_run_on_the_same_folder_is_refused_while_the_first_writes(tmp_path):
    out = tmp_path / "out"
    first = _extract(out, tmp_path)
    assert first.returncode == 0, first.stderr
    before = _files(out)
    holder = subprocess.Popen(  # another run, holding the folder's lock (as extract does while it reads)
        [sys.executable, "-c", "import sys; from budgetlib import outdir\n"
                               f"with outdir.lock({str(out)!r}):\n    print('held', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=_env(tmp_path))
    try:
        assert holder.stdout.readline().strip() == "held"
        second = _extract(out, tmp_path, "--lang", "en")
        assert second.returncode == 4
        assert second.stderr.strip().splitlines() == [
            f"budgetlib extract: {out}: cannot write the outputs there: another budgetlib run is writing there (it "
            f"holds {out / '.budgetlib.lock'}); run again when it has ended, or choose another --out"]
        assert _files(out) == before
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    third = _extract(out, tmp_path, "--lang", "en")  # the first run has ended: the folder is free again
    assert third.returncode == 0, third.stderr
    assert "add up to" in (out / "findings.csv").read_text(encoding="utf-8-sig")


# a reader that hangs once it has started (a file that takes long), so that the signal comes mid-run
_SLOW = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from budgetlib import pool
    started = Path(sys.argv[1])

    def slow(*args, **kwargs):
        started.write_text(str(os.getpid()))
        time.sleep(600)

    pool.read_pdf = slow  # the workers are forked: they run it
    from budgetlib.cli import main
    main(sys.argv[2:])
""")


@pytest.mark.parametrize("sig, code, said", [(signal.SIGINT, 130, "interrupted"),
                                             (signal.SIGTERM, 143, "stopped (SIGTERM)")])
def test_a_signal_mid_run_exits_with_its_status_and_leaves_the_outputs(tmp_path, sig, code, said):
    out = tmp_path / "out"
    first = _extract(out, tmp_path)
    assert first.returncode == 0, first.stderr
    before = _files(out)
    started = tmp_path / "started"
    script = tmp_path / "slow.py"
    script.write_text(_SLOW)
    run = subprocess.Popen([sys.executable, str(script), str(started), "extract", str(SAMPLE), "--out", str(out),
                            "--no-cache", "--workers", "1", "--no-progress"],
                           stderr=subprocess.PIPE, text=True, env=_env(tmp_path), preexec_fn=_signals_as_a_shell_gives)
    try:
        deadline = time.monotonic() + 300
        while not started.exists() and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert started.exists(), "the reader never started"
        run.send_signal(sig)
        stderr = run.communicate(timeout=120)[1]
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == code
    assert stderr.strip().splitlines() == [f"budgetlib extract: {said}; the files in {out} are as they were"]
    assert _files(out) == before
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]
    worker = int(started.read_text())
    deadline = time.monotonic() + 60
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(worker), "a reader was left running"


def _signals_as_a_shell_gives() -> None:
    """In the child, SIGINT as a terminal's shell gives a command (not whatever the test session inherited or
    a library it ran left: a process that starts with SIGINT ignored keeps it ignored, and never stops)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (not yet reaped by its parent, which has gone) is not running
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return True
