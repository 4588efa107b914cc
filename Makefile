# The README's two commands: `make run` and `make test`. Every other target is
# a step they share. Set-up steps are file targets, so a second run is quick.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SASS_FLAGS := --load-path=node_modules --style=compressed --no-source-map \
	--quiet-deps --silence-deprecation=import --silence-deprecation=global-builtin

.PHONY: run test setup assets lint format migrate seed collectstatic clean lock

run: setup seed
	@echo "Serving on http://127.0.0.1:$(PORT) (HTTP and websockets, daphne). Ctrl-C stops."
	# No access log: its lines carry client addresses, and the anonymous
	# intelligence journey promises none are written anywhere.
	$(BIN)/daphne -b 127.0.0.1 -p $(PORT) --access-log /dev/null hertsreport.asgi:application

# Tests make their own databases, so `test` does not migrate the one in
# DATABASE_URL (which need not exist).
test: assets
	$(BIN)/pytest $(PYTEST_ARGS)

setup: assets migrate

assets: $(BIN)/.installed node_modules/.installed static/build/css/main.css static/build/.govuk-copied collectstatic

$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $@

# --ignore-scripts: no package we use needs an install script (sass's file
# watcher is optional and would try to compile native code).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

static/build/css/main.css: node_modules/.installed $(wildcard static/scss/*.scss)
	mkdir -p $(@D)
	node_modules/.bin/sass $(SASS_FLAGS) static/scss/main.scss $@

# Always with the manifest, so that a production-mode process (DEBUG off)
# finds the hashed names whichever mode ran the set-up.
# Only what pages load from GOV.UK Frontend: its script and its assets.
GOVUK_DIST := node_modules/govuk-frontend/dist/govuk
static/build/.govuk-copied: node_modules/.installed
	rm -rf static/build/govuk && mkdir -p static/build/govuk
	cp -r $(GOVUK_DIST)/assets $(GOVUK_DIST)/govuk-frontend.min.js static/build/govuk/
	touch $@

collectstatic: $(BIN)/.installed static/build/css/main.css static/build/.govuk-copied
	STATIC_MANIFEST=true $(BIN)/python manage.py collectstatic --noinput --clear --verbosity 0

migrate: $(BIN)/.installed
	$(BIN)/python manage.py migrate --noinput --verbosity 0

seed: migrate
	$(BIN)/python manage.py seed_demo

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: $(BIN)/.installed
	{ head -2 requirements.lock; $(BIN)/pip freeze --exclude-editable; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) node_modules staticfiles static/build
