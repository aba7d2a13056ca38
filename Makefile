# The two commands of the README: `make run` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
FLASK = $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-lowest setup setup-test wheel-check bench clean translations

## Set up everything and serve the LMS with the shipped courses and demo accounts (SQLite),
## with the background worker beside the web server.
run: setup instance/lms.cfg
	$(FLASK) lms db upgrade
	$(FLASK) lms import-pack --shipped
	$(FLASK) lms load-demo
	$(FLASK) lms credits seed-defaults
	@echo "Serving on http://$(HOST):$(PORT) with a background worker  (Ctrl+C stops both)"
	HOST=$(HOST) PORT=$(PORT) bash scripts/serve-with-worker.sh $(FLASK)

## Set up the test environment and run the whole suite (browser tests included), on
## every core: PYTEST_WORKERS=0 runs it in one process (e.g. to debug with -x --pdb).
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL = $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder)
test: setup-test
	bash scripts/ensure-chromium.sh
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project definition or the catalogs change.
$(VENV)/.installed: $(VENV)/bin/python pyproject.toml setup.py $(wildcard lms/translations/*/LC_MESSAGES/*.po)
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/bin/python pyproject.toml setup.py $(wildcard lms/translations/*/LC_MESSAGES/*.po)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

# A secret key generated once per checkout; never committed (instance/ is ignored).
instance/lms.cfg:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print('SECRET_KEY = ' + repr(secrets.token_urlsafe(48)))" > $@

## The non-browser suite on SQLite with every dependency at the lowest version
## pyproject.toml allows (scripts/lowest_constraints.py): lower bounds stay true.
## The long end-to-end walks are left to `make test` (they add minutes, not API surface).
LOWEST_VENV ?= .venv-lowest
LOWEST_SKIP = tests/test_hostile_input.py tests/quizzes/test_blind_learner.py \
	tests/exports/test_streaming.py tests/exports/test_api_schemathesis.py tests/test_quickstart.py
test-lowest:
	$(PYTHON) -m venv $(LOWEST_VENV)
	$(LOWEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PYTHON) scripts/lowest_constraints.py > $(LOWEST_VENV)/constraints.txt
	$(LOWEST_VENV)/bin/python -m pip install --quiet -c $(LOWEST_VENV)/constraints.txt -e ".[test,postgresql,redis]"
	$(LOWEST_VENV)/bin/python -m pip freeze --exclude-editable | grep -iE '^(flask|sqlalchemy|wtforms|flask-wtf|alembic)=' 
	$(LOWEST_VENV)/bin/python -m pytest -m "not browser" $(addprefix --ignore=,$(LOWEST_SKIP)) \
		$(PYTEST_PARALLEL) $(PYTEST_ARGS)

## Build the wheel, install it in a fresh venv outside the checkout and smoke-test it.
wheel-check: setup-test
	bash scripts/wheel-check.sh
## Quiz engine under load: gunicorn 2/4 workers on SQLite and PostgreSQL (bench/README.md).
bench: setup-test
	$(BIN)/python bench/quiz_submit.py $(BENCH_ARGS)

## Refresh the translation catalogs after changing UI strings.
translations: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -o lms/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python scripts/fill_english_catalog.py

clean:
	rm -rf $(VENV) build dist *.egg-info
