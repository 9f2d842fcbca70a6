# The two commands of the README: `make demo` and `make test`. Needs Python 3.11+ as python3.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml package-lock.json | cksum | cut -d' ' -f1)

.PHONY: demo test install lint bench system

demo: $(STAMP)
	$(VENV)/bin/corridor demo

# Two worker processes (pytest-xdist), a test file each at a time: the machines have two cores.
test: $(STAMP) system
	$(VENV)/bin/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(VENV)/bin/python -m bench

install: $(STAMP)

# What the tests need from Debian: chromium for the browser tests, PostGIS for the deconfliction
# benchmark's cross-check (installed only when missing; needs root).
system:
	@missing=""; [ -x /usr/bin/chromium ] || missing="chromium"; \
	dpkg -s postgresql-15-postgis-3 >/dev/null 2>&1 || missing="$$missing postgresql-15-postgis-3"; \
	if [ -n "$$missing" ]; then apt-get update -q && apt-get install -y -q $$missing; fi

$(STAMP): pyproject.toml package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Corridor needs Python 3.11 or newer (set PYTHON=python3.11)")'
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -e '.[dev]'
	# The web pages' libraries (Leaflet, Natural Earth borders...), pinned by the lock file.
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -f $(VENV)/.installed-*
	touch $@
