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

.PHONY: help venv html consolecheck test pytest clean

help:
	@echo "make html          build the site into $(BUILDDIR)/html (creates $(VENV) if needed)"
	@echo "make test          run the test suite and check every console block"
	@echo "make consolecheck  check every console block: $(BUILDDIR)/consolecheck/output.txt"
	@echo "make clean         remove $(BUILDDIR)"

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

clean:
	rm -rf $(BUILDDIR)
