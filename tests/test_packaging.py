"""The install stays in step: environment.yml mirrors pyproject.toml; the public API is what it says."""

from __future__ import annotations

import re
import tomllib

import yaml

import budgetlib
from budgetlib.config import PROJ_ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower()


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    env = yaml.safe_load((PROJ_ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {_name(d) for d in conda + pip}
    required = {_name(d) for d in project["dependencies"]} | {_name(d) for d in project["optional-dependencies"]["lab"]}
    assert required <= listed, required - listed
    assert any(p.startswith("-e .") for p in pip)
    pins = {_name(d): d for d in project["dependencies"] if "==" in d}
    for name, pin in pins.items():  # exact pins are repeated exactly
        assert any(d.replace(" ", "") == pin.split("#")[0].strip().replace(" ", "") for d in conda + pip), name


def test_public_api():
    for name in budgetlib.__all__:
        assert hasattr(budgetlib, name), name
    assert callable(budgetlib.read_pdf) and callable(budgetlib.extract)


def test_read_pdf_is_a_function_of_the_bytes(sample_pdf):
    a = budgetlib.read_pdf(sample_pdf.read_bytes(), source=sample_pdf.name)
    b = budgetlib.read_pdf(sample_pdf)
    assert [(r.project_id, r.name, r.amounts, r.goal, r.indicators) for r in a.rows] == \
           [(r.project_id, r.name, r.amounts, r.goal, r.indicators) for r in b.rows]
    assert a.findings == b.findings
