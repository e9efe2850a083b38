"""Qdrant: the vector index of the knowledge service."""
