"""Packaging beyond pyproject.toml (which holds everything else): the report's notebooks.

They live at the top of the checkout (``notebooks/NN_*.ipynb``, paired with their py:percent scripts, where
JupyterLab and reviewers find them) and are shipped inside the package as ``budgetlib/notebooks/``, so that
an installed budgetlib (``pip install .``, not ``-e``) runs its report from any folder.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


class BuildPyWithNotebooks(build_py):
    """build_py, then the notebooks copied into the built package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "budgetlib" / "notebooks"
        self.mkpath(str(target))
        for notebook in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
            self.copy_file(str(notebook), str(target / notebook.name))


setup(cmdclass={"build_py": BuildPyWithNotebooks})
