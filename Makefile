# The two commands of the README: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEV_ENV := DJANGO_DEBUG=true

.PHONY: run test setup messages lint

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv -v0

# Embedded default: SQLite in the project folder, Celery tasks in-process, Ba Chẽ demo data.
run: setup
	$(DEV_ENV) $(PY) manage.py migrate -v0
	$(DEV_ENV) $(PY) manage.py seed_ba_che --demo
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

messages: $(VENV)/.installed
	$(DEV_ENV) $(PY) manage.py makemessages -l vi --ignore=.venv --ignore=staticfiles --no-obsolete

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
