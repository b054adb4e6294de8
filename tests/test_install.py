"""Installed as a package, not only as a checkout: a wheel built from this checkout, installed (not -e) into
a fresh venv, runs the report from another folder and writes nothing beside the package.

Nothing is downloaded: the wheel is built without build isolation (setuptools and wheel from this
environment), installed with ``--no-deps --no-index``, and the fresh venv sees this environment's
dependencies through a ``.pth`` line (their packages only: budgetlib itself, installed here in editable
mode, is not on that path, so the wheel's is the one imported), with ``JUPYTER_PATH`` naming where those
dependencies put their data files (nbconvert's templates), as they would be in the venv's own prefix.
About a minute: ``make test-install`` runs it (``.ci/run`` after ``make test``, which leaves it out to stay
within its time).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from budgetlib.config import PROJ_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.install]
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "budgetlib", "notebooks")


def _files(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def test_a_wheel_in_a_fresh_venv_runs_the_report_from_anywhere(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:  # a copy: the build writes build/ and *.egg-info beside the sources
        copy = shutil.copytree if (PROJ_ROOT / name).is_dir() else shutil.copy2
        copy(PROJ_ROOT / name, src / name, **({"ignore": shutil.ignore_patterns("__pycache__")}
                                               if (PROJ_ROOT / name).is_dir() else {}))
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                            "-q", "-w", str(tmp_path / "dist"), str(src)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "dist").glob("budgetlib-*.whl")

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(subprocess.check_output([str(python), "-c", purelib], text=True).strip())
    (site / "_budgetlib_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    install = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                             capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    packaged = sorted(p.name for p in (site / "budgetlib" / "notebooks").glob("*.ipynb"))
    assert packaged == sorted(p.name for p in (PROJ_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "raw").mkdir(parents=True)
    shutil.copy(PROJ_ROOT / "data" / "raw" / "jinhua_performance_targets.pdf", elsewhere / "raw")
    # the caches' default place: the user's cache folder (platformdirs: $XDG_CACHE_HOME/budgetlib here)
    env = {**os.environ, "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),
           "XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}
    env.pop("PYTHONPATH", None)
    env.pop("BUDGETLIB_CACHE_DIR", None)
    where = subprocess.check_output([str(python), "-c", "import budgetlib; print(budgetlib.__file__)"], cwd=elsewhere,
                                    env=env, text=True).strip()
    assert Path(where).is_relative_to(site)  # the wheel's, not this checkout's
    before = _files(site)
    budgetlib = env_dir / "bin" / "budgetlib"
    copied = subprocess.run([str(budgetlib), "notebooks", "mine"], cwd=elsewhere, env=env, capture_output=True,
                            text=True, timeout=120)
    assert copied.returncode == 0, copied.stderr
    assert sorted(p.name for p in (elsewhere / "mine").iterdir()) == packaged
    run = subprocess.run([str(budgetlib), "report", "--input", "raw", "--processed", "proc", "--out", "rep"],
                         cwd=elsewhere, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith("report: 1 file(s), 54 projects, 213 indicators")
    assert (elsewhere / "rep" / "report.html").exists() and (elsewhere / "rep" / "budgetlib.xlsx").exists()
    assert (elsewhere / "proc" / "projects.parquet").exists()
    assert _files(site) == before  # no kernelspec, cache or report written beside the package
    assert any((tmp_path / "xdg-cache" / "budgetlib").rglob("*.json"))  # the documents read, in the user's cache
    assert sorted(p.name for p in elsewhere.iterdir()) == ["mine", "proc", "raw", "rep"]
