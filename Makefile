# The two commands of the README:  make run  (set up, import the seeds, serve)  and  make test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The settings default to production (DEBUG off); these local targets ask for development
# mode. `make run DEBUG=0` (with SECRET_KEY and ALLOWED_HOSTS) tries production settings.
export DEBUG ?= 1

.PHONY: run setup test test-postgres browser js map-js check lint fuzz clean eval bench-datasette

run: $(VENV)/.runtime map-js
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_seeds
	$(BIN)/python manage.py create_demo_curator
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

setup: $(VENV)/.runtime

$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ; } || \
		echo "chromium is not installed: the browser tests will be skipped (apt-get install chromium)"

# TimelineJS from the npm registry, for the test that renders our TimelineJS export in Chromium.
js:
	@if [ -d tests_js/node_modules/@knight-lab ]; then :; \
	elif command -v npm >/dev/null; then npm ci --prefix tests_js --no-audit --no-fund --loglevel=error; \
	else echo "npm is not installed: the TimelineJS browser test will be skipped"; fi

# The map's libraries from the npm registry (assets/map/package.json, pinned by its lock file), copied
# into static/vendor/map/ (not committed): Leaflet, leaflet.markercluster, topojson-client and
# world-atlas's Natural Earth borders, the offline basemap; the source maps and Leaflet's images too, which
# collectstatic's manifest storage follows from the files. Without npm the pages say the map is not built.
MAP_VENDOR := static/vendor/map
map-js: $(MAP_VENDOR)/.built
$(MAP_VENDOR)/.built: assets/map/package.json assets/map/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix assets/map --no-audit --no-fund --loglevel=error && \
		mkdir -p $(MAP_VENDOR) && M=assets/map/node_modules && \
		cp $$M/leaflet/dist/leaflet.js $$M/leaflet/dist/leaflet.js.map $$M/leaflet/dist/leaflet.css \
		   $$M/leaflet.markercluster/dist/leaflet.markercluster.js $$M/leaflet.markercluster/dist/leaflet.markercluster.js.map \
		   $$M/leaflet.markercluster/dist/MarkerCluster.css $$M/leaflet.markercluster/dist/MarkerCluster.Default.css \
		   $$M/topojson-client/dist/topojson-client.min.js $$M/world-atlas/countries-50m.json $(MAP_VENDOR)/ && \
		cp -r $$M/leaflet/dist/images $(MAP_VENDOR)/ && \
		cp $$M/leaflet/LICENSE $(MAP_VENDOR)/LICENSE.leaflet && cp $$M/leaflet.markercluster/MIT-LICENCE.txt $(MAP_VENDOR)/LICENSE.markercluster && \
		cp $$M/topojson-client/LICENSE $(MAP_VENDOR)/LICENSE.topojson-client && cp $$M/world-atlas/LICENSE $(MAP_VENDOR)/LICENSE.world-atlas && \
		touch $@; \
	else echo "npm is not installed: the map page will say that its libraries are not built"; fi

test: $(VENV)/.dev browser js map-js
	$(BIN)/python -m pytest

# The same suite on PostgreSQL (the database named in DATABASE_URL; pytest creates test_<name>).
test-postgres: $(VENV)/.dev browser js map-js
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest

# The extractor on the dev set's real articles, scored by the dev set's own evaluate.py (DEVSET=path).
DEVSET ?= ../shared/devset
eval: $(VENV)/.runtime
	$(BIN)/python bench/devset.py --devset $(DEVSET)

# The nightly fuzz run (not in `make test`): schemathesis with a random seed, over 5,000 requests,
# against a live gunicorn on SQLite, then on PostgreSQL (PG_DB, default conflictdb_fuzz). bench/fuzz.sh.
fuzz: $(VENV)/.dev
	bash bench/fuzz.sh sqlite
	bash bench/fuzz.sh postgres

# ruff (pinned in requirements-dev.txt, configured in ruff.toml): the lint rules, then the format.
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(VENV)/.dev
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles test-artifacts $(MAP_VENDOR) assets/map/node_modules

# Datasette in a virtual environment of its own, outside the project's, for bench/peer.py (issue 19):
#   make bench-datasette DATASETTE_VENV=/work/bench19/dsenv
DATASETTE_VENV ?= ../bench-datasette
bench-datasette:
	test -x $(DATASETTE_VENV)/bin/datasette || { $(PYTHON) -m venv $(DATASETTE_VENV) && \
		$(DATASETTE_VENV)/bin/pip install --quiet datasette==0.65.5; }
