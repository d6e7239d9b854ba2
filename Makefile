# The README's two commands: `make run` (set up, ingest if needed, serve the UI) and `make test`.
# Both create or reuse .venv at the repo root. torch is pinned and installed first: an unpinned
# torch would pull several GB of CUDA packages. .ci/constraints.txt pins the resolved set (regenerate with
# `pip freeze --exclude-editable`): without it pip backtracks for a long time over chainlit's telemetry deps.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test setup eval bench

setup: $(STAMP)

$(STAMP): pyproject.toml .ci/constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -c .ci/constraints.txt -e '.[dev]'
	touch $@

run: $(STAMP)
	$(PY) -m assistant ingest
	$(VENV)/bin/chainlit run assistant/app.py -h --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(PY) -m pytest
	$(PY) -m assistant rules check

eval: $(STAMP)
	$(PY) -m eval --out eval/out

bench: $(STAMP)
	$(PY) -m eval.bench
