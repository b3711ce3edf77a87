# Two environments: .venv (Python 3.11, web app + Celery worker) and .venv-ga (Python 3.9,
# the engine's scientific stack). Each is rebuilt when its requirements change.
PYTHON ?= python3
PYTHON_GA ?= $(shell p=$$(pyenv prefix 3.9 2>/dev/null) && echo $$p/bin/python || command -v python3.9 || echo python3)

.PHONY: demo test test-ga test-web bench venvs

venvs: .venv/.installed .venv-ga/.installed

.venv/.installed: requirements/base.txt requirements/dev.txt
	test -d .venv || $(PYTHON) -m venv .venv
	.venv/bin/pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	touch $@

.venv-ga/.installed: requirements/ga.txt requirements/ga-dev.txt
	test -d .venv-ga || $(PYTHON_GA) -m venv .venv-ga
	.venv-ga/bin/pip install --quiet --disable-pip-version-check -r requirements/ga-dev.txt
	touch $@

test: test-ga test-web

test-ga: .venv-ga/.installed
	.venv-ga/bin/python -m pytest -c tests/ga_runner/pytest.ini tests/ga_runner

test-web: .venv/.installed .venv-ga/.installed
	.venv/bin/python -m pytest tests --ignore=tests/ga_runner
