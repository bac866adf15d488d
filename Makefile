# gongbao — every target installs what it needs first, so a fresh clone needs only `make run` / `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DB     ?= gongbao.db
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Debian packages the project needs: chromium drives the browser tests.
CHROMIUM ?= /usr/bin/chromium

.PHONY: install system browser run test bench lint clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## system: the Debian libraries OpenCV needs for OCR of scanned PDFs (libGL, GLib), with apt-get
system:
	@ldconfig -p | grep -q 'libGL\.so\.1 ' && ldconfig -p | grep -q 'libglib-2\.0\.so\.0 ' || { \
	  SUDO=$$(test "$$(id -u)" -eq 0 || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends libgl1 libglib2.0-0; }

## browser: Debian's chromium (Playwright tests) and the Noto CJK fonts (browser rendering, PDF test
## fixtures), with apt-get; run as root or with sudo
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
browser: system
	@test -x $(CHROMIUM) -a -f $(CJK_FONT) || { \
	  SUDO=$$(test "$$(id -u)" -eq 0 || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk; }

## run: a fresh database with the bundled gazettes, then the web UI (prints its URL)
run: install system
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(VENV)/bin/gongbao ingest samples/gazettes --db $(DB)
	$(VENV)/bin/gongbao serve --db $(DB) --host $(HOST) --port $(PORT)

## test: the whole test suite (browser tests included), then every rulebook's and plan's cases and citations
test: install browser
	$(VENV)/bin/pytest
	@tmp=$$(mktemp -d) && $(VENV)/bin/gongbao ingest samples/gazettes --db $$tmp/samples.db >/dev/null 2>&1 \
	  && $(VENV)/bin/gongbao rules test --db $$tmp/samples.db && $(VENV)/bin/gongbao plans test --db $$tmp/samples.db; \
	  rc=$$?; rm -rf $$tmp; exit $$rc

## bench: parse, search, calculator and input-format benchmarks against baselines measured in the same run
## (formats.py OCRs about a hundred simulated scanned pages: allow ten minutes or more)
bench: install browser
	$(PY) bench/parse.py
	$(PY) bench/search.py
	$(PY) bench/calc.py
	$(PY) bench/pdf_readers.py
	$(PY) bench/formats.py

lint: install
	$(VENV)/bin/ruff check src tests bench

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info src/*.egg-info
