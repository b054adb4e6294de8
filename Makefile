# budgetlib — two commands on a fresh machine with Python 3.11+:  make report  &&  make test
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install report extract test test-install lint bench bench-real fidelity fixtures notebooks lab clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,lab]'
	$(BIN)/python -m ipykernel install --sys-prefix --name budgetlib --display-name "budgetlib (Python 3)" >/dev/null
	touch $@

install: $(STAMP)

## the main job: the notebooks over data/raw, HTML report and budgetlib.xlsx in reports/
report: install
	$(BIN)/budgetlib report

## only the extraction: data/raw → data/processed
extract: install
	$(BIN)/budgetlib extract data/raw --out data/processed --format csv --format parquet --format xlsx

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not install"

## the install test, apart (a minute): a wheel built from this checkout, installed into a fresh venv, runs the
## report from another folder; .ci/run runs it after make test
test-install: install
	$(BIN)/python -m pytest -m install

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: install
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_segment.py
	$(BIN)/python benchmarks/bench_corpus.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_ocr.py --out benchmarks/ocr_latest.md

## the real disclosures (needs ../shared/real-pdfs): every file read, and each layout against plain camelot
bench-real: install
	$(BIN)/python tools/real_files.py --out benchmarks/real_files_latest.md
	$(BIN)/python benchmarks/bench_forms.py
	$(BIN)/python benchmarks/bench_lists.py --repeat 1

## the generative fidelity harness: 200 seeded renderings × producers × settings (needs LibreOffice and the
## Debian CJK fonts; without soffice only the reportlab producers run); the table goes to benchmarks/
fidelity: install
	cd tools && ../$(BIN)/python fidelity.py run --n 200 --seed 0 --out ../benchmarks/fidelity_latest.md
	cd tools && ../$(BIN)/python fidelity_department.py run --n 40 --seed 0 --out ../benchmarks/fidelity_department_latest.md
	cd tools && ../$(BIN)/python fidelity_lists.py run --n 120 --seed 0 --out ../benchmarks/fidelity_lists_latest.md
	cd tools && ../$(BIN)/python fidelity_forms.py run --n 200 --seed 0 --out ../benchmarks/fidelity_forms_latest.md

## regenerate the sample and fixtures (needs LibreOffice and the Debian fonts named in tools/)
fixtures: install
	cd tools && ../$(BIN)/python make_fixtures.py && ../$(BIN)/python make_edge_fixtures.py

## write notebooks/NN_*.ipynb from their paired py:percent scripts (no outputs)
notebooks: install
	$(BIN)/python tools/sync_notebooks.py

lab: install
	$(BIN)/jupyter lab --notebook-dir=notebooks

clean:
	rm -rf $(VENV) data/processed/*.csv data/processed/*.parquet data/processed/*.xlsx reports/*.html reports/*.ipynb \
		reports/*.xlsx reports/.budgetlib-report.json
