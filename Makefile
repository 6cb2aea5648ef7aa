# wsslib: every target creates (or reuses) the local virtual environment .venv and installs what it needs.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
RUN    ?= runs/demo

.PHONY: help venv demo test nbtest lab docs browser clean
help:
	@echo "make demo   set everything up and run the main job (synthetic world -> $(RUN))"
	@echo "make test   set everything up and run all tests (sync/clean checks, then pytest: its docs build runs every notebook once)"
	@echo "make nbtest run the notebooks alone, with nbdev-test"
	@echo "make lab    open the notebooks in JupyterLab"
	@echo "make docs   build the documentation site into _docs/"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(VENV)/bin/wsslib demo --out $(RUN)

browser:
	@bash tools/ensure_chromium.sh

test: venv browser
	bash tools/check_sync.sh $(VENV)
	HF_HUB_OFFLINE=1 $(PY) -m pytest -q tests --durations=15

# The notebooks alone (make test already executes each once, in tests/test_docs.py's site build)
nbtest: venv
	HF_HUB_OFFLINE=1 $(VENV)/bin/nbdev-test --n-workers 2 --timing

lab: venv
	$(VENV)/bin/jupyter lab nbs $(if $(filter 0,$(shell id -u)),--allow-root,)

docs: venv
	$(PY) tools/build_docs.py

clean:
	rm -rf _docs _proc .pytest_cache
