# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
HEP_PORT ?= 9060
HEP_AGENT_ID ?= 2001
TEST_WORKERS ?= auto  # pytest-xdist: one process per core

.PHONY: run test venv lint messages bench-query clean

$(VENV)/.installed: requirements/base.txt requirements/local.txt requirements/test.txt
	bash requirements/system.sh $(PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements/test.txt
	touch $@

venv: $(VENV)/.installed

run: venv
	mkdir -p var
	$(PY) manage.py migrate --noinput
	-command -v msgfmt >/dev/null && $(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) manage.py demo_setup
	$(PY) manage.py sensor_hep_key --tenant demo --id 1 --hep-id $(HEP_AGENT_ID)
	$(PY) manage.py hep_listen --address 127.0.0.1 --port $(HEP_PORT) & HEP=$$!; \
	  trap 'kill $$HEP 2>/dev/null' EXIT INT TERM; $(PY) manage.py runserver $(HOST)

test: venv
	mkdir -p var
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: venv
	$(PY) manage.py makemessages -l cs -l de --ignore=.venv --ignore=var --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

bench-query: venv
	$(PY) bench/query.py

clean:
	rm -rf var $(VENV)
