# MarketSync: `make demo` starts everything on the built-in sandbox; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo run test bench lint messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m marketsync demo

run: $(STAMP)
	$(PY) -m marketsync run

test: $(STAMP)
	$(PY) -m pytest -q

# stock_push.py takes about 80 minutes: Ozon, WB and YM at their real rate limits, 10,000 then 100,000 items
# (`.venv/bin/python benchmarks/stock_push.py --systems ym --items 10000` for a quick look).
bench: $(STAMP)
	$(PY) benchmarks/run.py
	$(PY) benchmarks/tables.py
	$(PY) benchmarks/stock_levels.py
	$(PY) benchmarks/log_table.py
	$(PY) benchmarks/stock_pages.py
	$(PY) benchmarks/stock_push.py
	$(PY) benchmarks/notification_latency.py
	$(PY) benchmarks/event_detection.py
	$(PY) benchmarks/hub_import.py
	$(PY) benchmarks/publish_cards.py

# The 400-line cap per module, and the import contract naming every page and task module, are unit tests, so
# CI's `make test` enforces them too.
lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(PY) -m pytest -q -p no:cacheprovider tests/unit/test_module_size.py tests/unit/test_layers_contract.py
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy src/marketsync

# Extract every page string (babel.cfg) into var/messages.pot and merge it into the ru and en catalogs: new strings
# arrive empty for a translator, translations are kept, and a vanished string stays as an obsolete `#~` entry.
# No fuzzy matching: a guessed translation of a similar string would be shown to sellers as if it were right.
LOCALES_DIR := src/marketsync/web/locales
messages: $(STAMP)
	@mkdir -p var
	$(VENV)/bin/pybabel -q extract -F babel.cfg --add-location=file --no-wrap --project=MarketSync --version=0.1 \
		--msgid-bugs-address=team@marketsync.local -o var/messages.pot .
	$(VENV)/bin/pybabel -q update -i var/messages.pot -d $(LOCALES_DIR) --no-fuzzy-matching --no-wrap \
		--ignore-pot-creation-date

clean:
	rm -rf var .pytest_cache
