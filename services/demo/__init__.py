"""The demo tenant's business documents, uploaded so `make chat` can answer questions."""
