# Each target sets itself up: venv, pinned dependencies, database migrations.
VENV    := .venv
PY      := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask --app server
STAMP   := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PORT    ?= 5000
# one test process per core (pytest-xdist); TEST_WORKERS=0 runs them in this process
TEST_WORKERS ?= auto

.PHONY: run test bench lint setup

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*; touch $@

setup: $(STAMP)

run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT)/  (phone app: /app/, review: /review/, admin: /admin/, board: /board/)"
	PHOTO_WORKER=inline $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: $(STAMP)
	@scripts/ensure-chromium
	@scripts/ensure-postgres-note
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

bench: $(STAMP)
	@scripts/ensure-chromium
	$(PY) -m bench

# the JavaScript linter, pinned in package-lock.json; only `make lint` needs Node (tests do not)
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "make lint needs Node.js 18+ and npm: apt-get install nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint: $(STAMP) node_modules/.installed
	$(VENV)/bin/ruff check server sync tests bench
	node_modules/.bin/eslint pwa server/static
