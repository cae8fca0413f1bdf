# make run   — install everything, build the default index, start the app
# make test  — install everything, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8501
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install chromium index run test bench clean

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-build-isolation --no-deps -e .
	touch $(STAMP)

# Debian's Chromium for the browser tests (playwright cannot download browsers here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@chromium --version

index: install
	$(BIN)/qa index

run: index
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: install chromium index
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) index/*/ index/.tmp-* *.egg-info
