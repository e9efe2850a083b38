"""Composition root of the orchestrator service."""
