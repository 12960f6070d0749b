# The course site. `make html` builds it (creating .venv first when needed),
# `make test` runs every check. Override SPHINXOPTS for extra flags, e.g.
#   make html SPHINXOPTS="-W --keep-going -n -j 2"

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
STAMP       := $(VENV)/.installed
SPHINXOPTS  ?= -W --keep-going -n
SPHINXBUILD := $(BIN)/sphinx-build
BUILDDIR    := _build
# One doctree cache for every builder, so checks reuse what html has read.
DOCTREES    := $(BUILDDIR)/doctrees
PYTEST_ARGS ?=
# `make livehtml`: the live preview, on this machine only.
LIVEHTML_HOST := 127.0.0.1
LIVEHTML_PORT ?= 8000
# The diagram library the site serves itself (never from a CDN): see README.md.
MERMAID_VERSION ?= 11.12.1
MERMAID_DIR     := _static/mermaid

.PHONY: help venv html consolecheck test pytest clean mermaid
.PHONY: linkcheck livehtml

help:
	@echo "make html          build the site into $(BUILDDIR)/html (creates $(VENV) if needed)"
	@echo "make test          run the test suite and check every console block"
	@echo "make consolecheck  check every console block: $(BUILDDIR)/consolecheck/output.txt"
	@echo "make livehtml      preview at http://$(LIVEHTML_HOST):$(LIVEHTML_PORT)/, rebuilt on each save"
	@echo "make linkcheck     check every web link (needs the internet): $(BUILDDIR)/linkcheck/output.txt"
	@echo "make clean         remove $(BUILDDIR)"
	@echo "make mermaid       vendor npm mermaid@$(MERMAID_VERSION) into $(MERMAID_DIR) (needs npm)"

# The virtual environment, made anew when requirements.txt is newer than it.
$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

venv: $(STAMP)

html: $(STAMP)
	$(SPHINXBUILD) -b html -d $(DOCTREES) $(SPHINXOPTS) . $(BUILDDIR)/html

consolecheck: $(STAMP)
	$(SPHINXBUILD) -b consolecheck -d $(DOCTREES) $(SPHINXOPTS) . $(BUILDDIR)/consolecheck

pytest: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: pytest consolecheck

# Every external link; settings in conf.py's "Link checking" block. Not part of
# `make test`: it needs the internet (CI runs it weekly).
linkcheck: $(STAMP)
	$(SPHINXBUILD) -b linkcheck -d $(DOCTREES) $(SPHINXOPTS) . $(BUILDDIR)/linkcheck

# Serve the site and rebuild it on each save, data table and diagrams included.
# Warnings are shown, not fatal, so a half-edited lesson still previews.
livehtml: $(STAMP)
	$(BIN)/sphinx-autobuild -b html -d $(BUILDDIR)/doctrees-livehtml -n --keep-going \
		--host $(LIVEHTML_HOST) --port $(LIVEHTML_PORT) \
		--watch clusters.toml --watch diagrams \
		--ignore tests --ignore test-results --re-ignore '__pycache__|\.pyc$$' \
		. $(BUILDDIR)/livehtml

clean:
	rm -rf $(BUILDDIR)

# Refresh the vendored classic (non-module) mermaid build and its manifest.
# The classic build is one file and loads from file:// too; the ES module
# build would need its 73 chunk files and a web server.
mermaid:
	rm -rf $(BUILDDIR)/mermaid-pack && mkdir -p $(BUILDDIR)/mermaid-pack $(MERMAID_DIR)
	cd $(BUILDDIR)/mermaid-pack && npm pack --silent mermaid@$(MERMAID_VERSION) >/dev/null
	tar -xzf $(BUILDDIR)/mermaid-pack/mermaid-$(MERMAID_VERSION).tgz -C $(BUILDDIR)/mermaid-pack \
		package/dist/mermaid.min.js package/LICENSE
	cp $(BUILDDIR)/mermaid-pack/package/dist/mermaid.min.js $(MERMAID_DIR)/mermaid.min.js
	cp $(BUILDDIR)/mermaid-pack/package/LICENSE $(MERMAID_DIR)/LICENSE
	printf '{\n  "package": "mermaid",\n  "version": "%s",\n  "file": "mermaid.min.js",\n  "sha256": "%s"\n}\n' \
		'$(MERMAID_VERSION)' "$$(sha256sum $(MERMAID_DIR)/mermaid.min.js | cut -d' ' -f1)" \
		> $(MERMAID_DIR)/manifest.json
	rm -rf $(BUILDDIR)/mermaid-pack
	@cat $(MERMAID_DIR)/manifest.json
