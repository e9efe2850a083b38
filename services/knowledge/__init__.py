"""Composition root of the knowledge service."""
