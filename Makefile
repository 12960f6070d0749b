# The course site. `make html` builds it (creating .venv first when needed),
# `make test` runs every check. Override SPHINXOPTS for extra flags, e.g.
#   make html SPHINXOPTS="-W --keep-going -n -j 2"

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
STAMP       := $(VENV)/.installed
# `make lock`: pip-tools, in a venv of its own, compiles requirements.txt.
LOCK_VENV   := $(VENV)/lock
LOCK_ARGS   ?=
SPHINXOPTS  ?= -W --keep-going -n
SPHINXBUILD := $(BIN)/sphinx-build
BUILDDIR    := _build
# One doctree cache for every builder, so checks reuse what html has read.
DOCTREES    := $(BUILDDIR)/doctrees
PYTEST_ARGS ?=
# pytest-xdist: `make test` and `make check` run pytest on every core (auto), each test
# file on one worker (its module fixtures run once), the files that run lessons in the
# sandbox first, in the order tests/conftest.py gives (not xdist's, by number of tests).
# PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadgroup --no-loadscope-reorder
# `make check`: the fast tests: the table's and the extension's (tests/ext), and the
# teachers' pages' (their examples built); none that needs a system tool (the lessonrun
# sandbox, a browser), the wheel or the benchmark: `make test` runs those.
CHECK_TESTS := tests/ext tests/site/test_doc_examples.py tests/site/test_teachers_page.py \
	tests/site/test_reuse_page.py
CHECK_DESELECT := -m "not package and not needs_tools" --deselect tests/ext/test_bench.py
# `make bench`: options of benchmarks/bench.py, e.g. BENCH_ARGS="--quick" or "-P 50 --runs 5".
BENCH_ARGS  ?=
# `make migrate PAGE=lesson.rst`: options of `hpccourse migrate`, e.g. MIGRATE_ARGS=--write.
PAGE        ?=
MIGRATE_ARGS ?=
# `make lessonrun`: how pip installs the lesson's packages. offline (a wheelhouse of
# stand-ins, no network; what `make test` runs) or resolve (also resolve each install
# against PyPI for the cluster's Python, to find pins with no wheel; needs the internet).
LESSONRUN_PIP ?= offline
# `make lessonrun LESSONRUN_UNSANDBOXED=1`: run with no kernel sandbox, where the kernel
# refuses namespaces (some CI containers). Only for lessons you trust.
LESSONRUN_UNSANDBOXED ?= 0
# `make livehtml`: the live preview, on this machine only.
LIVEHTML_HOST := 127.0.0.1
LIVEHTML_PORT ?= 8000
# The diagram library the site serves itself (never from a CDN): see teachers.rst.
MERMAID_VERSION ?= 11.12.1
MERMAID_DIR     := _ext/hpccourse/html/static/mermaid
# `make diagrams`: the vendored mermaid draws diagrams/NAME.mmd into NAME.svg in chromium,
# ahead of the build (pages inline the committed SVG). DIAGRAMS_ARGS=--all redraws all.
DIAGRAMS_ARGS   ?=
RENDER_DIAGRAMS := env PYTHONPATH=_ext $(BIN)/python -m hpccourse.html.diagramrender diagrams \
	--mermaid $(MERMAID_DIR)/mermaid.min.js
# Quality gates (`make lint`). axe-core is vendored for the browser tests like
# mermaid; vnu.jar (30 MB) is fetched into .venv at test time, never committed
# (its version and checksums are pinned in tools/htmlcheck.py).
AXE_VERSION     ?= 4.14.1
AXE_DIR         := tests/site/browser/vendor
STATIC_GATES    := spelling rstlint ruff htmlcheck
# System tools (Java, npm, chromium, Enchant, ...): tools/systools.py. A check whose
# tool is missing is skipped with one line (failed under CI=true) and appends that
# line here; `make test` and `make lint` empty it first and print it last.
SKIP_LOG        := $(CURDIR)/$(BUILDDIR)/skipped.txt
export SKIP_LOG
# `make test`, `make check` and `make lint` print one line per gate (tools/gate.py): each
# gate's own output goes to $(BUILDDIR)/gates/NAME.log and is printed whole only when the
# gate fails. A gate's own target (`make spelling`) shows all of its output.
GATE ?=
gate = $(if $(GATE),@$(PYTHON) tools/gate.py $(1) --log $(BUILDDIR)/gates --,)
test check lint: GATE = 1

.PHONY: help venv lock html consolecheck lessonrun check test pytest clean mermaid verify-vendor
.PHONY: linkcheck livehtml bench migrate diagrams wheels-record
.PHONY: lint spelling rstlint ruff htmlcheck vnu axe axe-core doctor skiplog-reset html-clean

help:
	@echo "make html          build the site into $(BUILDDIR)/html (creates $(VENV) if needed)"
	@echo "make check         before each commit: html -W, every console block, the fast tests"
	@echo "make test          everything: the static gates and the whole test suite, on every core"
	@echo "make lint          run every quality gate below; fails when any fails"
	@echo "make doctor        list the system tools the checks use: found?, version, how to install"
	@echo "make spelling      spell-check the site's prose (en_US + spelling_wordlist.txt)"
	@echo "make rstlint       sphinx-lint every .rst file (tools/rstlint.py)"
	@echo "make ruff          ruff lint and format check of the Python code"
	@echo "make htmlcheck     validate every built page with the Nu Html Checker (Java)"
	@echo "make axe           accessibility check (axe-core) of every page in chromium"
	@echo "make vnu           fetch the pinned vnu.jar into $(VENV) (needs npm)"
	@echo "make axe-core      vendor npm axe-core@$(AXE_VERSION) into $(AXE_DIR) (needs npm)"
	@echo "make consolecheck  check every console block: $(BUILDDIR)/consolecheck/output.txt"
	@echo "make lessonrun     run every exercise per cluster in a sandbox: $(BUILDDIR)/lessonrun/output.txt"
	@echo "                   (LESSONRUN_PIP=resolve also resolves the real packages on PyPI)"
	@echo "make livehtml      preview at http://$(LIVEHTML_HOST):$(LIVEHTML_PORT)/, rebuilt on each save"
	@echo "make wheels-record ask PyPI which pinned packages have wheels for each cluster's Python:"
	@echo "                   wheels.lock.json (make test checks every pin against it, offline)"
	@echo "make linkcheck     check every web link (needs the internet): $(BUILDDIR)/linkcheck/output.txt"
	@echo "make bench         time the directive, consolecheck and rebuilds on a synthetic course:"
	@echo "                   $(BUILDDIR)/bench/results.json (BENCH_ARGS=--quick for a short run)"
	@echo "make migrate PAGE=FILE  propose cluster-commands steps for a page's hand-written"
	@echo "                   cluster tabs (MIGRATE_ARGS=--write saves them; see teachers.rst)"
	@echo "make clean         remove $(BUILDDIR)"
	@echo "make diagrams      render each diagrams/NAME.mmd that changed into diagrams/NAME.svg (chromium)"
	@echo "make mermaid       vendor npm mermaid@$(MERMAID_VERSION) into $(MERMAID_DIR) (needs npm)"
	@echo "make verify-vendor check the vendored npm files against the npm registry (needs npm)"
	@echo "make venv          create or update $(VENV): requirements.txt (hash-checked), then hpccourse editable"
	@echo "make lock          re-lock requirements.txt from requirements.in and pyproject.toml (needs PyPI)"

# The virtual environment, brought up to date when requirements.txt or pyproject.toml is
# newer than it: first the pinned third-party packages, each file checked against its
# hash, then this repository's package (sphinx-hpccourse, from _ext/) editable, without
# dependencies (they are all in the lock) and built with the pinned setuptools.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

venv: $(STAMP)

# Re-lock requirements.txt from requirements.in and the package's dependencies in
# pyproject.toml, with every file's hash (needs PyPI). Pins are kept unless
# LOCK_ARGS="--upgrade" (or "--upgrade-package NAME"). pip-tools gets a venv of its own,
# installed from hashes (tools/lock-requirements.txt; its .in says how to move it).
lock:
	test -x $(LOCK_VENV)/bin/python || $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps \
		-r tools/lock-requirements.txt
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet \
		--generate-hashes --allow-unsafe --strip-extras --extra spelling \
		--no-emit-index-url --no-emit-find-links $(LOCK_ARGS) \
		-o requirements.txt pyproject.toml requirements.in

html: $(STAMP)
	$(call gate,html) $(SPHINXBUILD) -b html -d $(DOCTREES) $(SPHINXOPTS) . $(BUILDDIR)/html

consolecheck: $(STAMP)
	$(call gate,consolecheck) $(SPHINXBUILD) -b consolecheck -d $(DOCTREES) $(SPHINXOPTS) . $(BUILDDIR)/consolecheck

# Run the lesson's exercises for real, once per cluster, each in a temporary sandbox.
# Its sandbox, module system and scheduler are system tools (tools/systools.py): one
# missing skips the run with its install line (exit 3), or fails it under CI=true.
lessonrun: $(STAMP)
	@status=0; $(PYTHON) tools/systools.py require lessonrun bubblewrap lmod slurm munge \
		|| status=$$?; \
	if [ $$status -eq 3 ]; then exit 0; elif [ $$status -ne 0 ]; then exit $$status; fi; \
	echo "$(SPHINXBUILD) -b lessonrun ..."; \
	$(SPHINXBUILD) -b lessonrun -d $(DOCTREES) $(SPHINXOPTS) -D lessonrun_pip=$(LESSONRUN_PIP) \
		-D lessonrun_unsandboxed=$(LESSONRUN_UNSANDBOXED) \
		. $(BUILDDIR)/lessonrun

pytest: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# What a teacher runs before each commit: the site warning-free, every console block,
# and the fast tests (CHECK_TESTS); lessonrun and the browser are left to `make test`.
# One sphinx-build: the html build runs consolecheck too (hpccourse_consolecheck), with the
# same $(BUILDDIR)/consolecheck/output.txt, checking only the pages it read again.
check: $(STAMP)
	$(call gate,html+consolecheck) $(SPHINXBUILD) -b html -D hpccourse_consolecheck=1 \
		-d $(DOCTREES) $(SPHINXOPTS) . $(BUILDDIR)/html
	$(BIN)/python -m pytest -q $(PYTEST_PARALLEL) $(CHECK_DESELECT) $(CHECK_TESTS) $(PYTEST_ARGS)

# The whole gate. The site is built afresh once (no page kept from an older extension):
# the static gates check it, and pytest's site tests reuse it (--site-build) and run
# consolecheck and lessonrun over it, and the browser tests, axe's gate among them.
# Last, what was skipped for want of a system tool (`make doctor` says how to install it).
test: skiplog-reset html-clean html $(STATIC_GATES)
	$(BIN)/python -m pytest -q $(PYTEST_PARALLEL) --site-build $(BUILDDIR) $(PYTEST_ARGS) tests
	@$(PYTHON) tools/systools.py summary

# Make builds `html` once per run: after this, it builds every page anew.
html-clean:
	rm -rf $(BUILDDIR)/html $(DOCTREES)

lint: skiplog-reset $(STATIC_GATES) axe
	@$(PYTHON) tools/systools.py summary

skiplog-reset:
	@mkdir -p $(BUILDDIR) && rm -f $(SKIP_LOG)

# Every system tool the checks use: found or missing, version, checks, how to install.
# Needs python3 only (no .venv), so it works on a fresh machine.
doctor:
	@$(PYTHON) tools/systools.py doctor

# Own doctrees: the spelling builder reads pages without smart quotes.
spelling: $(STAMP)
	$(call gate,spelling) $(BIN)/python tools/spellcheck.py -d $(BUILDDIR)/doctrees-spelling $(SPHINXOPTS) \
		. $(BUILDDIR)/spelling

rstlint: $(STAMP)
	$(call gate,rstlint) $(BIN)/python tools/rstlint.py

# Paths and rules: [tool.ruff] in pyproject.toml.
ruff: $(STAMP)
	$(call gate,ruff) $(BIN)/ruff check
	$(call gate,ruff-format) $(BIN)/ruff format --check

vnu: $(STAMP)
	$(call gate,vnu) $(BIN)/python tools/htmlcheck.py --fetch

htmlcheck: html vnu
	$(call gate,htmlcheck) $(BIN)/python tools/htmlcheck.py $(BUILDDIR)/html

axe: $(STAMP)
	$(BIN)/python -m pytest tests/site/browser/test_accessibility.py $(PYTEST_ARGS)

# Which pins of the lessons' steps have a wheel for which cluster Python (pip asks the
# index, wheels only; needs the internet): wheels.lock.json, which `make test` checks
# offline (tests/site/test_wheel_record.py). The weekly workflow runs it too.
wheels-record: $(STAMP)
	PYTHONPATH=_ext $(BIN)/python -m hpccourse.lessonrun.wheelrecord clusters.toml wheels.lock.json \
		--refresh

# Every external link; settings in conf.py's "Link checking" block. Not part of
# `make test`: it needs the internet (CI runs it weekly).
linkcheck: $(STAMP)
	$(SPHINXBUILD) -b linkcheck -d $(DOCTREES) $(SPHINXOPTS) . $(BUILDDIR)/linkcheck

# Serve the site and rebuild it on each save, data table and diagrams included.
# Warnings are shown, not fatal, so a half-edited lesson still previews; each page
# shows the build's problems in a banner above its last good output. hpccourse.preview
# is sphinx-autobuild with a warm builder (a one-page edit shows within a second);
# it draws diagrams before a rebuild only when a .mmd changed.
livehtml: $(STAMP)
	$(BIN)/python -m hpccourse.preview -b html -d $(BUILDDIR)/doctrees-livehtml \
		-n --keep-going -D hpccourse_live=1 \
		--host $(LIVEHTML_HOST) --port $(LIVEHTML_PORT) \
		--watch clusters.toml --watch diagrams --pre-build "$(RENDER_DIAGRAMS) --keep-going" \
		--pre-build-when '\.mmd$$' \
		--ignore tests --ignore test-results --re-ignore '__pycache__|\.pyc$$' \
		. $(BUILDDIR)/livehtml

# `hpccourse migrate` (hpccourse/migrate/): prints the proposal; MIGRATE_ARGS=--write saves it.
migrate: $(STAMP)
	@test -n "$(PAGE)" || { echo "usage: make migrate PAGE=lesson.rst [MIGRATE_ARGS=--write]"; exit 2; }
	$(BIN)/hpccourse migrate $(PAGE) $(MIGRATE_ARGS)

# Not part of `make test`: several minutes, and timings are printed, never asserted.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --out $(BUILDDIR)/bench/results.json $(BENCH_ARGS)

clean:
	rm -rf $(BUILDDIR)

# Refresh the vendored classic (non-module) mermaid build and its manifest.
# The classic build is one file and loads from file:// too; the ES module
# build would need its 73 chunk files and a web server.
mermaid:
	tools/vendor-npm mermaid $(MERMAID_VERSION) dist/mermaid.min.js $(MERMAID_DIR)

# Only missing or stale SVGs are drawn; with none, no browser starts (livehtml runs this
# before each rebuild). Commit the SVGs with their .mmd.
diagrams: $(STAMP)
	$(RENDER_DIAGRAMS) $(DIAGRAMS_ARGS)

# Refresh the vendored axe-core (accessibility engine the browser tests inject).
axe-core:
	tools/vendor-npm axe-core $(AXE_VERSION) axe.min.js $(AXE_DIR)

# Fetch every vendored npm file's version again and check it against the integrity the
# registry publishes and the manifest (needs npm and the registry: not part of `make test`,
# whose tests check each file against its manifest offline).
verify-vendor:
	tools/vendor-npm --verify $(MERMAID_DIR) $(AXE_DIR)
